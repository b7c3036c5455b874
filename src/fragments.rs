//! Triple Pattern Fragments (Linked Data Fragments, Hydra): the triples of
//! the default graph — the union of the store's graphs, as on the SPARQL
//! endpoint — matching one pattern `?subject ?predicate ?object`, a page at
//! a time, with the hypermedia controls a client such as Comunica follows
//! to answer SPARQL itself from cheap, cacheable pages.
//!
//! A page is read from the store's indexes: a pattern with a bound term
//! costs what it matches, never a scan. The union holds each triple once:
//! a quad is skipped when a graph read earlier (data, ontology, alignments,
//! catalog) holds the same triple. Counts are exact up to [`EXACT_COUNT`] matching triples,
//! then estimated from the quads (never below the truth).

use crate::rdf::vocab::{dct, void};
use crate::sparql::index::QueryIndex;
use crate::store::GraphNames;
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, QuadRef, Term, Triple};
use std::sync::Arc;

/// Triples on a page.
pub const PAGE_SIZE: usize = 100;
/// Fragments whose count is remembered ([`Counts`]).
const COUNTS_KEPT: usize = 4096;
/// Matching triples counted one by one before the count is estimated.
pub const EXACT_COUNT: u64 = 10_000;
/// Matching quads read, at most, to estimate a count.
const ESTIMATED_COUNT: u64 = 1_000_000;

/// The Hydra core vocabulary.
pub mod hydra {
    /// The namespace.
    pub const NAMESPACE: &str = "http://www.w3.org/ns/hydra/core#";
    /// A term of the namespace.
    pub fn term(local: &str) -> oxigraph::model::NamedNode {
        oxigraph::model::NamedNode::new_unchecked(format!("{NAMESPACE}{local}"))
    }
}

/// A triple pattern: each position bound to a term or free.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Pattern {
    /// The subject, if bound (a literal matches nothing: a client that
    /// binds a variable to a literal still gets a page, an empty one).
    pub subject: Option<Term>,
    /// The predicate, if bound.
    pub predicate: Option<NamedNode>,
    /// The object, if bound.
    pub object: Option<Term>,
}

/// Why a pattern's parameter cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{parameter}: {message}")]
pub struct PatternError {
    /// The parameter (`subject`, `predicate`, `object`).
    pub parameter: &'static str,
    /// What is wrong and what was expected.
    pub message: String,
}

impl Pattern {
    /// Reads the parameters of a request, in the TPF "explicit
    /// representation": an IRI as it is, a literal as `"text"`,
    /// `"text"@lang` or `"text"^^DATATYPE-IRI`; empty or `?name` is free.
    pub fn parse(
        subject: Option<&str>,
        predicate: Option<&str>,
        object: Option<&str>,
    ) -> Result<Self, PatternError> {
        fn free(value: Option<&str>) -> Option<&str> {
            value
                .map(str::trim)
                .filter(|v| !v.is_empty() && !v.starts_with('?'))
        }
        let iri = |parameter: &'static str, value: &str| {
            NamedNode::new(value).map_err(|e| PatternError {
                parameter,
                message: format!(
                    "\"{value}\" is not an IRI ({e}): expected an absolute IRI, or nothing for any"
                ),
            })
        };
        let subject = match free(subject) {
            None => None,
            Some(value) if value.starts_with('"') => Some(literal("subject", value)?.into()),
            Some(value) => Some(iri("subject", value)?.into()),
        };
        let predicate = free(predicate).map(|v| iri("predicate", v)).transpose()?;
        let object = match free(object) {
            None => None,
            Some(value) if value.starts_with('"') => Some(literal("object", value)?.into()),
            Some(value) => Some(iri("object", value)?.into()),
        };
        Ok(Self {
            subject,
            predicate,
            object,
        })
    }

    /// The parameters of the pattern's fragment URL, in the explicit
    /// representation (empty for a free position).
    pub fn parameters(&self) -> [(&'static str, String); 3] {
        [
            (
                "subject",
                self.subject.as_ref().map(encode).unwrap_or_default(),
            ),
            (
                "predicate",
                self.predicate
                    .as_ref()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default(),
            ),
            (
                "object",
                self.object.as_ref().map(encode).unwrap_or_default(),
            ),
        ]
    }
}

/// A term in the TPF explicit representation.
pub fn encode(term: &Term) -> String {
    match term {
        Term::NamedNode(node) => node.as_str().to_owned(),
        Term::Literal(literal) => {
            let value = format!("\"{}\"", literal.value());
            match literal.language() {
                Some(language) => format!("{value}@{language}"),
                None if literal.datatype() == xsd::STRING => value,
                None => format!("{value}^^{}", literal.datatype().as_str()),
            }
        }
        other => other.to_string(),
    }
}

/// A literal in the explicit representation: the text runs to the last `"`.
fn literal(parameter: &'static str, value: &str) -> Result<Literal, PatternError> {
    let error = |message: String| PatternError { parameter, message };
    let end = value.rfind('"').filter(|&end| end > 0).ok_or_else(|| {
        error(format!(
            "\"{value}\" has no closing quote: expected \"text\", \"text\"@lang or \"text\"^^DATATYPE-IRI"
        ))
    })?;
    let (text, rest) = (&value[1..end], &value[end + 1..]);
    if rest.is_empty() {
        Ok(Literal::new_simple_literal(text))
    } else if let Some(language) = rest.strip_prefix('@') {
        Literal::new_language_tagged_literal(text, language)
            .map_err(|e| error(format!("\"{language}\" is not a language tag ({e})")))
    } else if let Some(datatype) = rest.strip_prefix("^^") {
        let datatype = datatype.trim_start_matches('<').trim_end_matches('>');
        let datatype = NamedNode::new(datatype)
            .map_err(|e| error(format!("\"{datatype}\" is not a datatype IRI ({e})")))?;
        Ok(Literal::new_typed_literal(text, datatype))
    } else {
        Err(error(format!(
            "\"{rest}\" after the closing quote: expected nothing, @lang or ^^DATATYPE-IRI"
        )))
    }
}

/// One page of a fragment.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Its number, from 1.
    pub number: u64,
    /// The triples on it, at most [`PAGE_SIZE`].
    pub triples: Vec<Triple>,
    /// How many triples the whole fragment has (or its estimate).
    pub total: u64,
    /// Whether `total` is exact.
    pub exact: bool,
    /// Whether a next page has triples.
    pub has_next: bool,
}

/// The graphs of the union, in the order a triple is first read from.
fn graph_order(names: &GraphNames) -> [&NamedNode; 4] {
    [
        &names.data_graph,
        &names.ontology_graph,
        &names.alignments_graph,
        &names.catalog_graph,
    ]
}

/// The counts of large fragments, remembered for one data set: counting is
/// the costly part of a fragment's first page (every match read), not of
/// its next ones. Bounded: when full, it starts again empty.
#[derive(Debug, Default)]
pub struct Counts {
    kept: std::sync::Mutex<std::collections::HashMap<Pattern, (u64, bool)>>,
    all_quads: std::sync::OnceLock<u64>,
}

impl Counts {
    fn get(&self, pattern: &Pattern) -> Option<(u64, bool)> {
        self.kept.lock().ok()?.get(pattern).copied()
    }

    /// The quads of the index, counted once.
    fn all_quads(&self, index: &QueryIndex) -> u64 {
        *self.all_quads.get_or_init(|| index.len() as u64)
    }

    fn keep(&self, pattern: &Pattern, count: (u64, bool)) {
        if let Ok(mut counts) = self.kept.lock() {
            if counts.len() >= COUNTS_KEPT {
                counts.clear();
            }
            counts.insert(pattern.clone(), count);
        }
    }
}

/// Page `number` (from 1) of the fragment of `pattern` in the data set
/// named `names` whose quads `index` holds, its count taken from `counts`
/// when a page of it was counted before.
pub fn page(
    (names, index): (&GraphNames, &Arc<QueryIndex>),
    pattern: &Pattern,
    number: u64,
    counts: &Counts,
) -> Page {
    let number = number.max(1);
    let subject = match &pattern.subject {
        None => None,
        Some(subject @ (Term::NamedNode(_) | Term::BlankNode(_))) => Some(subject.as_ref()),
        Some(_) => {
            return Page {
                number,
                triples: Vec::new(),
                total: 0,
                exact: true,
                has_next: false,
            };
        }
    };
    let order = graph_order(names);
    let quads = || {
        index
            .quads_for_pattern(
                subject,
                pattern.predicate.as_ref().map(Into::into),
                pattern.object.as_ref().map(Into::into),
                None,
            )
            .map(QuadRef::into_owned)
    };
    // A quad stands for its triple if no graph read before its own holds it.
    let first_of_its_triple = |quad: &Quad| {
        let GraphName::NamedNode(graph) = &quad.graph_name else {
            return true;
        };
        let rank = order
            .iter()
            .position(|g| *g == graph)
            .unwrap_or(order.len());
        order[..rank].iter().all(|earlier| {
            !index.contains(QuadRef::new(
                quad.subject.as_ref(),
                quad.predicate.as_ref(),
                quad.object.as_ref(),
                earlier.as_ref(),
            ))
        })
    };
    let skip = (number - 1).saturating_mul(PAGE_SIZE as u64);
    let kept = counts.get(pattern);
    // Past the end of a fragment counted exactly, nothing to read.
    if let Some((total, true)) = kept
        && skip >= total
    {
        return Page {
            number,
            triples: Vec::new(),
            total,
            exact: true,
            has_next: false,
        };
    }
    let mut on_page: Vec<Triple> = quads()
        .filter(first_of_its_triple)
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(PAGE_SIZE + 1)
        .map(Triple::from)
        .collect();
    let has_next = on_page.len() > PAGE_SIZE;
    on_page.truncate(PAGE_SIZE);
    let (total, exact) = match kept {
        Some(count) => count,
        None => {
            // Past the quads read for an estimate, the store's whole size:
            // an estimate is never below the truth.
            let count = count(quads(), first_of_its_triple)
                .unwrap_or_else(|| (counts.all_quads(index), false));
            // Small fragments count in the time of a page: kept are the others.
            if count.0 > PAGE_SIZE as u64 {
                counts.keep(pattern, count);
            }
            count
        }
    };
    // An estimate is never below what the pages have shown.
    let seen = skip + on_page.len() as u64 + u64::from(has_next);
    Page {
        number,
        triples: on_page,
        total: total.max(seen),
        exact,
        has_next,
    }
}

/// The number of triples among `quads`: exact up to [`EXACT_COUNT`], then
/// the number of quads (each triple once or more, so never below the
/// truth); `None` past [`ESTIMATED_COUNT`] quads, where reading on would
/// cost more than a page should.
fn count(quads: impl Iterator<Item = Quad>, first: impl Fn(&Quad) -> bool) -> Option<(u64, bool)> {
    let mut exact = 0;
    let mut read = 0;
    for quad in quads {
        read += 1;
        if exact < EXACT_COUNT {
            exact += u64::from(first(&quad));
            continue;
        }
        if read > ESTIMATED_COUNT {
            return None;
        }
    }
    Some(if exact >= EXACT_COUNT && read > exact {
        (read, false)
    } else {
        (exact, true)
    })
}

/// The URL of page `number` of the fragment at `fragment_url`.
pub fn page_url(fragment_url: &str, number: u64) -> String {
    let separator = if fragment_url.contains('?') { '&' } else { '?' };
    format!("{fragment_url}{separator}page={number}")
}

/// The URL a page is described by: the fragment's own for the first,
/// [`page_url`] for the others.
pub fn this_page_url(fragment_url: &str, number: u64) -> String {
    if number == 1 {
        fragment_url.to_owned()
    } else {
        page_url(fragment_url, number)
    }
}

/// The hypermedia controls and metadata of a page (Hydra, VoID), for a
/// fragment at `fragment_url` (without `page`) of the interface at
/// `interface_url`.
pub fn controls(
    interface_url: &str,
    fragment_url: &str,
    pattern: &Pattern,
    page: &Page,
) -> Vec<Triple> {
    let page_url = |number: u64| NamedNode::new_unchecked(page_url(fragment_url, number));
    let this = NamedNode::new_unchecked(this_page_url(fragment_url, page.number));
    let fragment = NamedNode::new_unchecked(fragment_url);
    let dataset = NamedNode::new_unchecked(format!("{interface_url}#dataset"));
    let search = NamedNode::new_unchecked(format!("{interface_url}#triple-pattern"));
    let mut t = Vec::new();
    let mut add = |s: &NamedNode, p: NamedNode, o: Term| {
        t.push(Triple::new(s.clone(), p, o));
    };
    let integer = |n: u64| Term::from(Literal::new_typed_literal(n.to_string(), xsd::INTEGER));
    // The data set and its search form.
    add(
        &dataset,
        rdf::TYPE.into(),
        void::DATASET.into_owned().into(),
    );
    add(&dataset, rdf::TYPE.into(), hydra::term("Collection").into());
    add(&dataset, void::SUBSET.into(), fragment.clone().into());
    add(
        &dataset,
        void::URI_LOOKUP_ENDPOINT.into(),
        Literal::new_simple_literal(format!("{interface_url}{{?subject,predicate,object}}")).into(),
    );
    add(&dataset, hydra::term("search"), search.clone().into());
    add(
        &search,
        hydra::term("template"),
        Literal::new_simple_literal(format!("{interface_url}{{?subject,predicate,object}}")).into(),
    );
    add(
        &search,
        hydra::term("variableRepresentation"),
        hydra::term("ExplicitRepresentation").into(),
    );
    for (variable, property) in [
        ("subject", rdf::SUBJECT),
        ("predicate", rdf::PREDICATE),
        ("object", rdf::OBJECT),
    ] {
        let mapping = NamedNode::new_unchecked(format!("{interface_url}#mapping-{variable}"));
        add(&search, hydra::term("mapping"), mapping.clone().into());
        add(
            &mapping,
            hydra::term("variable"),
            Literal::new_simple_literal(variable).into(),
        );
        add(
            &mapping,
            hydra::term("property"),
            property.into_owned().into(),
        );
    }
    // The page.
    add(
        &this,
        rdf::TYPE.into(),
        hydra::term("PartialCollectionView").into(),
    );
    add(&this, dct::SOURCE.into(), dataset.clone().into());
    add(
        &this,
        dct::TITLE.into(),
        Literal::new_language_tagged_literal_unchecked(
            "Fragment de triplets du label « Territoire Innovant »",
            "fr",
        )
        .into(),
    );
    add(
        &this,
        dct::DESCRIPTION.into(),
        Literal::new_language_tagged_literal_unchecked(
            format!(
                "Les triplets qui correspondent au motif {}.",
                as_sparql(pattern)
            ),
            "fr",
        )
        .into(),
    );
    add(&this, hydra::term("totalItems"), integer(page.total));
    add(&this, void::TRIPLES.into(), integer(page.total));
    add(
        &this,
        hydra::term("itemsPerPage"),
        integer(PAGE_SIZE as u64),
    );
    add(&this, hydra::term("first"), page_url(1).into());
    if page.number > 1 {
        add(
            &this,
            hydra::term("previous"),
            page_url(page.number - 1).into(),
        );
    }
    if page.has_next {
        add(&this, hydra::term("next"), page_url(page.number + 1).into());
    }
    if this != fragment {
        add(&fragment, void::SUBSET.into(), this.clone().into());
    }
    t
}

/// A pattern written as SPARQL would (`{ ?s <p> "o" }`).
pub fn as_sparql(pattern: &Pattern) -> String {
    let subject = pattern
        .subject
        .as_ref()
        .map_or("?s".to_owned(), Term::to_string);
    let predicate = pattern
        .predicate
        .as_ref()
        .map_or("?p".to_owned(), |p| format!("<{}>", p.as_str()));
    let object = pattern
        .object
        .as_ref()
        .map_or("?o".to_owned(), Term::to_string);
    format!("{{ {subject} {predicate} {object} }}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_read_in_the_explicit_representation() {
        let pattern = Pattern::parse(
            Some("?s"),
            Some("http://e.org/p"),
            Some("\"a \"quoted\" text\"@fr"),
        )
        .unwrap();
        assert_eq!(pattern.subject, None);
        assert_eq!(
            pattern.predicate,
            Some(NamedNode::new_unchecked("http://e.org/p"))
        );
        assert_eq!(
            pattern.object,
            Some(
                Literal::new_language_tagged_literal("a \"quoted\" text", "fr")
                    .unwrap()
                    .into()
            )
        );
        for datatype in [
            "\"5\"^^http://www.w3.org/2001/XMLSchema#integer",
            "\"5\"^^<http://www.w3.org/2001/XMLSchema#integer>",
        ] {
            let pattern = Pattern::parse(None, None, Some(datatype)).unwrap();
            assert_eq!(pattern.object, Some(Literal::from(5).into()), "{datatype}");
        }
        assert_eq!(
            Pattern::parse(Some(""), Some(" "), None).unwrap(),
            Pattern::default()
        );
    }

    #[test]
    fn a_pattern_goes_through_its_parameters_unchanged() {
        let pattern = Pattern::parse(
            Some("http://e.org/s"),
            None,
            Some("\"2023\"^^http://www.w3.org/2001/XMLSchema#gYear"),
        )
        .unwrap();
        let [subject, predicate, object] = pattern.parameters();
        let again = Pattern::parse(Some(&subject.1), Some(&predicate.1), Some(&object.1)).unwrap();
        assert_eq!(again, pattern);
        assert_eq!(
            as_sparql(&pattern),
            "{ <http://e.org/s> ?p \"2023\"^^<http://www.w3.org/2001/XMLSchema#gYear> }"
        );
    }

    #[test]
    fn what_is_not_a_term_is_named_with_its_parameter() {
        let error = Pattern::parse(None, None, Some("\"x\"^^not an iri")).unwrap_err();
        assert_eq!(error.parameter, "object");
        assert!(error.message.contains("is not a datatype IRI"), "{error}");
        let error = Pattern::parse(None, Some("\"x\""), None).unwrap_err();
        assert_eq!(error.parameter, "predicate");
    }

    #[test]
    fn the_count_of_a_large_fragment_is_kept_for_its_next_pages() {
        let data_set = crate::store::DataSet::build(&crate::store::Inputs {
            data_dir: "data".into(),
            ontology_dir: "ontology".into(),
            base: crate::rdf::Base::default(),
        })
        .unwrap();
        let index = Arc::new(QueryIndex::of_store(&data_set.store).unwrap());
        let data_set = (&data_set.names(), &index);
        let counts = Counts::default();
        let types = Pattern::parse(None, Some(rdf::TYPE.as_str()), None).unwrap();
        let first = page(data_set, &types, 1, &counts);
        assert!(first.exact && first.total > PAGE_SIZE as u64 && first.has_next);
        assert_eq!(counts.get(&types), Some((first.total, true)));
        // The next page reads the kept count, not the store.
        counts.keep(&types, (first.total + 1, false));
        assert_eq!(page(data_set, &types, 2, &counts).total, first.total + 1);
        // Past the end of a fragment counted exactly: an empty page, read
        // from nothing but the kept count.
        counts.keep(&types, (first.total, true));
        let past = page(data_set, &types, 1_000_000, &counts);
        assert!(past.triples.is_empty() && !past.has_next);
        assert_eq!((past.total, past.exact), (first.total, true));
        // A small fragment is counted again each time.
        let award = Pattern::parse(
            Some("https://w3id.org/territoire-innovant/award/2023/rudi"),
            None,
            None,
        )
        .unwrap();
        let small = page(data_set, &award, 1, &counts);
        assert_eq!(small.total, small.triples.len() as u64);
        assert_eq!(counts.get(&award), None);
    }

    #[test]
    fn counts_are_exact_then_estimated_from_quads() {
        let quads = |n: u64| {
            (0..n).map(|i| {
                Quad::new(
                    NamedNode::new_unchecked(format!("http://e.org/{i}")),
                    NamedNode::new_unchecked("http://e.org/p"),
                    Literal::from(1),
                    GraphName::DefaultGraph,
                )
            })
        };
        // Every other quad repeats a triple read before.
        let first = |quad: &Quad| quad.subject.to_string().len().is_multiple_of(2);
        let (counted, exact) = count(quads(100), first).unwrap();
        assert!(exact);
        assert_eq!(counted, quads(100).filter(first).count() as u64);
        assert_eq!(
            count(quads(3 * EXACT_COUNT), |_| true),
            Some((3 * EXACT_COUNT, false))
        );
        // Exactly EXACT_COUNT triples, each once: exact.
        assert_eq!(
            count(quads(EXACT_COUNT), |_| true),
            Some((EXACT_COUNT, true))
        );
        // Past the quads read for an estimate: none (the store's size stands in).
        assert_eq!(count(quads(ESTIMATED_COUNT + 1), |_| true), None);
    }
}
