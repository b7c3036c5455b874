//! The configurable base IRI, and the IRIs minted under it.
//!
//! The conversion and the ontology file write every IRI against
//! [`DEFAULT_BASE`]; [`Base::rebase`] then moves them to the configured base,
//! so that one place decides what IRIs look like.

use super::vocab::DEFAULT_BASE;
use oxigraph::model::{NamedNode, NamedOrBlankNode, Term, Triple};
use std::fmt;

/// The base every IRI of the data set starts with, e.g.
/// `https://w3id.org/territoire-innovant/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base(String);

/// Why a string is not a usable base IRI.
#[derive(Debug, thiserror::Error)]
#[error("invalid base IRI \"{iri}\": {reason}")]
pub struct BaseError {
    iri: String,
    reason: String,
}

impl Default for Base {
    fn default() -> Self {
        Self(DEFAULT_BASE.to_owned())
    }
}

impl fmt::Display for Base {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Base {
    type Err = BaseError;

    /// Accepts an absolute `http(s)` IRI that ends with `/`.
    fn from_str(iri: &str) -> Result<Self, BaseError> {
        let error = |reason: &str| BaseError {
            iri: iri.to_owned(),
            reason: reason.to_owned(),
        };
        NamedNode::new(iri).map_err(|e| error(&e.to_string()))?;
        if !(iri.starts_with("https://") || iri.starts_with("http://")) {
            return Err(error("expected an http:// or https:// IRI"));
        }
        if !iri.ends_with('/') || iri.contains(['#', '?']) {
            return Err(error(
                "expected an IRI ending with '/' and without '?' or '#'",
            ));
        }
        Ok(Self(iri.to_owned()))
    }
}

impl Base {
    /// The base as a string, ending with `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The IRI of `path` under this base.
    ///
    /// ```
    /// use territoire_innovant::rdf::Base;
    ///
    /// let base: Base = "https://data.example.org/ti/".parse().unwrap();
    /// assert_eq!(base.iri("award/2023/rudi").as_str(), "https://data.example.org/ti/award/2023/rudi");
    /// ```
    pub fn iri(&self, path: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}{path}", self.0))
    }

    /// Moves an IRI written against [`DEFAULT_BASE`] to this base; other IRIs
    /// are returned unchanged.
    pub fn rebase_str(&self, iri: &str) -> String {
        match iri.strip_prefix(DEFAULT_BASE) {
            Some(path) => format!("{}{path}", self.0),
            None => iri.to_owned(),
        }
    }

    /// Moves an IRI written against [`DEFAULT_BASE`] to this base.
    pub fn rebase_node(&self, node: NamedNode) -> NamedNode {
        if self.0 == DEFAULT_BASE || !node.as_str().starts_with(DEFAULT_BASE) {
            return node;
        }
        NamedNode::new_unchecked(self.rebase_str(node.as_str()))
    }

    /// Whether this is [`DEFAULT_BASE`] (rebasing then changes nothing).
    pub fn is_default(&self) -> bool {
        self.0 == DEFAULT_BASE
    }

    /// Moves `term`, if it is an IRI written against [`DEFAULT_BASE`], to
    /// this base.
    pub fn rebase_term(&self, term: Term) -> Term {
        match term {
            Term::NamedNode(n) => self.rebase_node(n).into(),
            other => other,
        }
    }

    /// Moves every IRI of `triple` written against [`DEFAULT_BASE`] to this
    /// base.
    pub fn rebase(&self, triple: Triple) -> Triple {
        if self.0 == DEFAULT_BASE {
            return triple;
        }
        let node = |n: NamedNode| self.rebase_node(n);
        Triple {
            subject: match triple.subject {
                NamedOrBlankNode::NamedNode(n) => node(n).into(),
                other => other,
            },
            predicate: node(triple.predicate),
            object: match triple.object {
                Term::NamedNode(n) => node(n).into(),
                other => other,
            },
        }
    }
}

/// The IRIs of the data set's resources, relative to [`DEFAULT_BASE`].
pub mod mint {
    use super::DEFAULT_BASE;
    use oxigraph::model::NamedNode;

    fn iri(path: String) -> NamedNode {
        NamedNode::new_unchecked(format!("{DEFAULT_BASE}{path}"))
    }

    /// The named graph holding the data.
    pub fn data_graph() -> NamedNode {
        iri("graph/data".into())
    }
    /// The named graph holding the ontology.
    pub fn ontology_graph() -> NamedNode {
        iri("graph/ontology".into())
    }
    /// The named graph holding the triples the ontology's alignments entail.
    pub fn alignments_graph() -> NamedNode {
        iri("graph/alignments".into())
    }
    /// The graph where a SPARQL store that a release is pushed to records
    /// its current and previous releases ([`crate::graph_store`]).
    pub fn releases_graph() -> NamedNode {
        iri("graph/releases".into())
    }
    /// A release of the data set, by its name.
    pub fn release(id: &str) -> NamedNode {
        iri(format!("release/{id}"))
    }
    /// The published data set.
    pub fn dataset() -> NamedNode {
        iri("dataset".into())
    }
    /// Whoever runs the publication, when it is not an organisation of the
    /// registry (`[publisher]` of `data/label.toml`).
    pub fn publisher() -> NamedNode {
        iri("publisher".into())
    }
    /// The named graph holding the catalog and VoID description.
    pub fn catalog_graph() -> NamedNode {
        iri("graph/catalog".into())
    }
    /// A source document.
    pub fn source(id: &str) -> NamedNode {
        iri(format!("source/{id}"))
    }
    /// The label.
    pub fn label(id: &str) -> NamedNode {
        iri(format!("label/{id}"))
    }
    /// An organisation.
    pub fn organisation(id: &str) -> NamedNode {
        iri(format!("organisation/{id}"))
    }
    /// A concept scheme (`categories`, `levels`, `criteria`).
    pub fn scheme(name: &str) -> NamedNode {
        iri(format!("scheme/{name}"))
    }
    /// A kind of organisation.
    pub fn kind(id: &str) -> NamedNode {
        iri(format!("kind/{id}"))
    }
    /// A commune, by INSEE code.
    pub fn commune(code: &str) -> NamedNode {
        iri(format!("commune/{code}"))
    }
    /// A département, by INSEE code.
    pub fn departement(code: &str) -> NamedNode {
        iri(format!("departement/{code}"))
    }
    /// A value that stands for a fact no cited source gives (e.g.
    /// `departement/non-publie`).
    pub fn not_published(path: &str) -> NamedNode {
        iri(path.to_owned())
    }
    /// A région, by INSEE code.
    pub fn region(code: &str) -> NamedNode {
        iri(format!("region/{code}"))
    }
    /// A category.
    pub fn category(id: &str) -> NamedNode {
        iri(format!("category/{id}"))
    }
    /// A level.
    pub fn level(id: &str) -> NamedNode {
        iri(format!("level/{id}"))
    }
    /// A criterion.
    pub fn criterion(id: &str) -> NamedNode {
        iri(format!("criterion/{id}"))
    }
    /// An edition.
    pub fn edition(year: i32) -> NamedNode {
        iri(format!("edition/{year}"))
    }
    /// The forum of an edition.
    pub fn forum(year: i32) -> NamedNode {
        iri(format!("forum/{year}"))
    }
    /// The jury of an edition.
    pub fn jury(year: i32) -> NamedNode {
        iri(format!("jury/{year}"))
    }
    /// A place named by the source (e.g. the forum's city).
    pub fn place(name: &str) -> NamedNode {
        iri(format!("place/{}", super::slugify(name)))
    }
    /// An award of an edition.
    pub fn award(year: i32, id: &str) -> NamedNode {
        iri(format!("award/{year}/{id}"))
    }
    /// The project of an award.
    pub fn project(year: i32, id: &str) -> NamedNode {
        iri(format!("project/{year}/{id}"))
    }
}

/// A slug for a name: lowercase ASCII letters and digits, accents folded,
/// everything else a single hyphen.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded = match c {
        'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => "a",
        'ç' | 'Ç' => "c",
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
        'î' | 'ï' | 'Î' | 'Ï' => "i",
        'ô' | 'ö' | 'Ô' | 'Ö' => "o",
        'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => "u",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        _ => "",
    };
    let mut single = None;
    if folded.is_empty() {
        single = Some(c);
    }
    folded.chars().chain(single)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::Literal;

    #[test]
    fn base_must_be_an_http_iri_ending_with_a_slash() {
        assert!("https://data.example.org/ti/".parse::<Base>().is_ok());
        assert!("https://data.example.org/ti".parse::<Base>().is_err());
        assert!("urn:x:".parse::<Base>().is_err());
        assert!("https://example.org/#/".parse::<Base>().is_err());
        assert!("not an iri/".parse::<Base>().is_err());
    }

    #[test]
    fn rebase_moves_only_iris_of_the_default_base() {
        let base: Base = "https://data.example.org/".parse().unwrap();
        let triple = Triple::new(
            mint::award(2023, "rudi"),
            NamedNode::new_unchecked(format!("{DEFAULT_BASE}ontology#level")),
            Literal::new_simple_literal(DEFAULT_BASE),
        );
        let moved = base.rebase(triple);
        assert_eq!(
            moved.subject.to_string(),
            "<https://data.example.org/award/2023/rudi>"
        );
        assert_eq!(
            moved.predicate.as_str(),
            "https://data.example.org/ontology#level"
        );
        assert_eq!(
            moved.object,
            Literal::new_simple_literal(DEFAULT_BASE).into()
        );
        let elsewhere = Triple::new(
            NamedNode::new_unchecked("http://schema.org/x"),
            NamedNode::new_unchecked("http://schema.org/y"),
            NamedNode::new_unchecked("http://schema.org/z"),
        );
        assert_eq!(base.rebase(elsewhere.clone()), elsewhere);
    }

    #[test]
    fn slugify_folds_accents_and_punctuation() {
        assert_eq!(slugify("Toulouse"), "toulouse");
        assert_eq!(
            slugify("Cœur Coteaux « Comminges »"),
            "coeur-coteaux-comminges"
        );
        assert_eq!(slugify("Saint-Étienne"), "saint-etienne");
    }
}
