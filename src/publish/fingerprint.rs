//! The canonical fingerprint of a publication: the SHA-256 of the RDFC-1.0
//! canonical N-Quads (W3C Recommendation, 2024) of its graphs. It names the
//! *data*, whatever the syntax or order of a file: a harvester compares it to
//! learn whether anything changed, anyone can recompute it from a dump.
//!
//! Without blank nodes, the canonical N-Quads are the quads written in
//! canonical N-Quads, one per line, sorted by code point. They are sorted
//! here by their positions, with a comparison of the lines' characters made
//! on the fly, so that no line is held: the cost in memory is one index per
//! quad. Graphs with blank nodes go through oxrdf's RDFC-1.0 (it relabels
//! them), which holds the whole data set.

use crate::rdf::graph::GraphRef;
use oxigraph::model::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{
    Dataset, GraphNameRef, LiteralRef, NamedNode, NamedOrBlankNode, Quad, QuadRef, Term, TermRef,
};
use sha2::{Digest, Sha256};
use std::cmp::Ordering;
use std::io::Write;

/// The fingerprints of a publication, each a lowercase hex SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fingerprints {
    /// Of the data graph (the N-Quads dump's content, in its named graph).
    pub data: String,
    /// Of the published data set: the data graph and the ontology graph,
    /// each in its named graph (the alignments graph follows from them).
    pub publication: String,
}

/// A graph: its name and its triples.
pub type NamedGraph<'a> = (&'a NamedNode, GraphRef<'a>);

impl Fingerprints {
    /// The fingerprints of a publication of `data` and `ontology` (the data
    /// graph is sorted once for both).
    pub fn of<'a>(
        (data_name, data): (&'a NamedNode, impl Into<GraphRef<'a>>),
        (ontology_name, ontology): (&'a NamedNode, impl Into<GraphRef<'a>>),
    ) -> Self {
        let (data, ontology) = ((data_name, data.into()), (ontology_name, ontology.into()));
        if has_blank_nodes(&[data, ontology]) {
            return Self {
                data: fingerprint(&[data]),
                publication: fingerprint(&[data, ontology]),
            };
        }
        let (data_order, ontology_order) = (sorted(data), sorted(ontology));
        // One pass over the merged lines feeds both hashes.
        let (mut data_hash, mut publication_hash) = (Sha256::new(), Sha256::new());
        merge(
            &[(data, &data_order), (ontology, &ontology_order)],
            |graph, line| {
                if graph == 0 {
                    data_hash.update(line);
                }
                publication_hash.update(line);
                Ok(())
            },
        )
        .expect("a hasher takes every byte");
        Self {
            data: format!("{:x}", data_hash.finalize()),
            publication: format!("{:x}", publication_hash.finalize()),
        }
    }
}

/// The data fingerprint of the release published in `out` (its `current`
/// link), as its catalog states it; `None` without one.
pub fn published_in(out: &std::path::Path) -> Option<String> {
    use oxigraph::io::{RdfFormat, RdfParser};
    let catalog = std::fs::read(out.join(super::CURRENT).join("catalog.ttl")).ok()?;
    RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(&catalog)
        .filter_map(Result::ok)
        .find(|quad| {
            quad.predicate == crate::rdf::vocab::spdx::CHECKSUM_VALUE
                && matches!(&quad.subject, NamedOrBlankNode::NamedNode(n)
                    if n.as_str().ends_with("dataset#fingerprint-data"))
        })
        .and_then(|quad| match quad.object {
            Term::Literal(value) => Some(value.value().to_owned()),
            _ => None,
        })
}

/// The hex SHA-256 of the canonical N-Quads of `graphs`.
pub fn fingerprint(graphs: &[NamedGraph<'_>]) -> String {
    let mut hasher = Sha256::new();
    write_canonical(graphs, &mut hasher).expect("a hasher takes every byte");
    format!("{:x}", hasher.finalize())
}

/// Writes the RDFC-1.0 canonical N-Quads of `graphs` to `out`.
pub fn write_canonical(graphs: &[NamedGraph<'_>], out: &mut impl Write) -> std::io::Result<()> {
    if has_blank_nodes(graphs) {
        let mut dataset: Dataset = graphs
            .iter()
            .flat_map(|(name, triples)| {
                triples
                    .iter()
                    .map(move |t| Quad::from(t.in_graph(name.as_ref())))
            })
            .collect();
        dataset.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
            hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
        });
        let mut lines: Vec<String> = dataset.iter().map(|q| format!("{q} .\n")).collect();
        lines.sort_unstable();
        for line in lines {
            out.write_all(line.as_bytes())?;
        }
        return Ok(());
    }
    let orders: Vec<Vec<usize>> = graphs.iter().map(|graph| sorted(*graph)).collect();
    let graphs: Vec<(NamedGraph<'_>, &[usize])> = graphs
        .iter()
        .zip(&orders)
        .map(|(graph, order)| (*graph, order.as_slice()))
        .collect();
    write_merged(&graphs, out)
}

fn has_blank_nodes(graphs: &[NamedGraph<'_>]) -> bool {
    graphs.iter().any(|(_, triples)| {
        triples
            .iter()
            .any(|t| t.subject.is_blank_node() || t.object.is_blank_node())
    })
}

/// The positions of a graph's triples in the order of their canonical
/// lines, without duplicates. Lines are sorted by subject first, and the
/// conversion writes an entity's triples together: the triples are cut into
/// runs of one subject, the runs sorted by subject, then only the triples of
/// one subject among themselves (as [`crate::rdf::order::Sorted`] does).
fn sorted((name, triples): NamedGraph<'_>) -> Vec<usize> {
    let quad = |index: usize| triples.triple(index).in_graph(name.as_ref());
    let mut runs = triples.subject_runs();
    let subject = |run: &std::ops::Range<usize>| TermRef::from(triples.triple(run.start).subject);
    runs.sort_unstable_by(|a, b| form_order(subject(a), subject(b)));
    let mut order = Vec::with_capacity(triples.len());
    for same_subject in runs.chunk_by(|a, b| subject(a) == subject(b)) {
        let first = order.len();
        order.extend(same_subject.iter().flat_map(std::ops::Range::clone));
        order[first..].sort_unstable_by(|&a, &b| {
            if triples.same(a, b) {
                return Ordering::Equal;
            }
            line_order(quad(a), quad(b))
        });
    }
    order.dedup_by(|a, b| triples.same(*a, *b));
    order
}

/// Writes the lines of graphs each sorted (their positions), merged into
/// one sorted document.
fn write_merged(
    graphs: &[(NamedGraph<'_>, &[usize])],
    out: &mut impl Write,
) -> std::io::Result<()> {
    merge(graphs, |_, line| out.write_all(line))
}

/// Gives `each` the lines of graphs each sorted (their positions), merged
/// in order, with the index of the graph of each line.
fn merge(
    graphs: &[(NamedGraph<'_>, &[usize])],
    mut each: impl FnMut(usize, &[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::fmt::Write as _;
    let quad = |graph: usize, position: usize| {
        let ((name, triples), order) = graphs[graph];
        triples.triple(order[position]).in_graph(name.as_ref())
    };
    let mut next = vec![0; graphs.len()];
    let mut line = String::new();
    loop {
        let mut smallest: Option<usize> = None;
        for graph in 0..graphs.len() {
            if next[graph] < graphs[graph].1.len()
                && smallest.is_none_or(|s| {
                    line_order(quad(graph, next[graph]), quad(s, next[s])) == Ordering::Less
                })
            {
                smallest = Some(graph);
            }
        }
        let Some(graph) = smallest else { return Ok(()) };
        line.clear();
        let _ = writeln!(line, "{} .", quad(graph, next[graph]));
        each(graph, line.as_bytes())?;
        next[graph] += 1;
    }
}

/// The order of two quads' canonical N-Quads lines, by code point. Each
/// term's form ends with a delimiter, and the only form that extends another
/// (`"a"` → `"a"@fr`, `"a"^^<…>`) does so with a character above the space
/// between terms: comparing term by term gives the order of the lines.
fn line_order(a: QuadRef<'_>, b: QuadRef<'_>) -> Ordering {
    form_order(a.subject.into(), b.subject.into())
        .then_with(|| form_order(a.predicate.into(), b.predicate.into()))
        .then_with(|| form_order(a.object, b.object))
        .then_with(|| match (a.graph_name, b.graph_name) {
            (GraphNameRef::NamedNode(x), GraphNameRef::NamedNode(y)) => {
                form_order(x.into(), y.into())
            }
            (x, y) => x.to_string().cmp(&y.to_string()),
        })
}

/// The order of two terms' N-Quads forms, by code point (UTF-8 bytes sort
/// as code points do). A form starts with `"` (literal), `<` (IRI) or `_`
/// (blank node), in that order.
fn form_order(a: TermRef<'_>, b: TermRef<'_>) -> Ordering {
    match (a, b) {
        (TermRef::NamedNode(a), TermRef::NamedNode(b)) => delimited(a.as_str(), b.as_str(), b'>'),
        (TermRef::BlankNode(a), TermRef::BlankNode(b)) => a.as_str().cmp(b.as_str()),
        (TermRef::Literal(a), TermRef::Literal(b)) => literal_order(a, b),
        (a, b) => first_char(a).cmp(&first_char(b)),
    }
}

/// The order of `a` and `b` each followed by `end`: bytes compared in one
/// go, then, where one is the start of the other, `end` against the byte
/// that follows.
fn delimited(a: &str, b: &str, end: u8) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let common = a.len().min(b.len());
    a[..common]
        .cmp(&b[..common])
        .then_with(|| match (a.get(common), b.get(common)) {
            (Some(a), None) => a.cmp(&end),
            (None, Some(b)) => end.cmp(b),
            _ => Ordering::Equal,
        })
}

/// Whether canonical N-Quads write `value` as it is (no escape).
fn unescaped(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b >= 0x20 && b != b'"' && b != b'\\' && b != 0x7F)
        && !value.contains(['\u{FFFE}', '\u{FFFF}'])
}

/// The order of two literals' forms: their values (quoted), then what
/// follows the closing quote (`@language`, `^^<datatype>` or nothing, each
/// complete: a plain comparison of those is the order of the lines).
fn literal_order(a: LiteralRef<'_>, b: LiteralRef<'_>) -> Ordering {
    let values = if unescaped(a.value()) && unescaped(b.value()) {
        delimited(a.value(), b.value(), b'"')
    } else {
        literal_value_form(a).cmp(literal_value_form(b))
    };
    values.then_with(|| {
        let (a, b) = (suffix(a), suffix(b));
        a.0.bytes()
            .chain(a.1.bytes())
            .chain(a.2.bytes())
            .cmp(b.0.bytes().chain(b.1.bytes()).chain(b.2.bytes()))
    })
}

/// What follows a literal's closing quote, in three parts.
fn suffix(literal: LiteralRef<'_>) -> (&'static str, &str, &'static str) {
    match literal.language() {
        Some(language) => ("@", language, ""),
        None if literal.datatype() == xsd::STRING || literal.datatype() == rdf::LANG_STRING => {
            ("", "", "")
        }
        None => ("^^<", literal.datatype().as_str(), ">"),
    }
}

/// The characters of a literal's quoted value as canonical N-Quads write it.
fn literal_value_form(literal: LiteralRef<'_>) -> impl Iterator<Item = char> + '_ {
    std::iter::once('"')
        .chain(literal.value().chars().flat_map(escaped))
        .chain(std::iter::once('"'))
}

fn first_char(term: TermRef<'_>) -> char {
    match term {
        TermRef::Literal(_) => '"',
        TermRef::NamedNode(_) => '<',
        _ => '_',
    }
}

/// A character of a literal as canonical N-Quads write it (as oxrdf does:
/// `\b \t \n \f \r \" \\`, other controls as `\uXXXX`).
fn escaped(c: char) -> impl Iterator<Item = char> {
    let text: String = match c {
        '\u{8}' => "\\b".into(),
        '\t' => "\\t".into(),
        '\n' => "\\n".into(),
        '\u{C}' => "\\f".into(),
        '\r' => "\\r".into(),
        '"' => "\\\"".into(),
        '\\' => "\\\\".into(),
        '\0'..='\u{1F}' | '\u{7F}' | '\u{FFFE}' | '\u{FFFF}' => format!("\\u{:04X}", u32::from(c)),
        other => return Escaped::One(Some(other)),
    };
    Escaped::Many(text.chars().collect::<Vec<_>>().into_iter())
}

/// The characters one character is written as.
enum Escaped {
    One(Option<char>),
    Many(std::vec::IntoIter<char>),
}

impl Iterator for Escaped {
    type Item = char;
    fn next(&mut self) -> Option<char> {
        match self {
            Self::One(c) => c.take(),
            Self::Many(chars) => chars.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{RdfFormat, RdfParser};
    use oxigraph::model::Triple;

    fn triples(turtle: &str) -> Vec<Triple> {
        RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(turtle.as_bytes())
            .map(|q| Triple::from(q.unwrap()))
            .collect()
    }

    fn canonical(graphs: &[NamedGraph<'_>]) -> String {
        let mut out = Vec::new();
        write_canonical(graphs, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn lines_are_sorted_by_code_point_as_written() {
        let graph = NamedNode::new("http://example.org/g").unwrap();
        let data = triples(
            r#"PREFIX ex: <http://example.org/>
            ex:ab ex:p "a"@fr , "a" , "a"^^ex:t , "a\"b" , "a\nb" , 5 , "é" , ex:a .
            ex:a ex:p ex:ab .
            ex:a ex:pp ex:a .
            ex:a ex:p "tab\there" , "a!" , "a#" , "a\\" , "a]" , "" , "a\u0001" , "a"@fr-ca , "ab"@fr .
            ex:b ex:p "x"^^ex:t , "x"^^ex:tt , "x"^^ex:t2 ."#,
        );
        let text = canonical(&[(&graph, (&data).into())]);
        let lines: Vec<&str> = text.lines().collect();
        let mut sorted = lines.clone();
        sorted.sort_unstable();
        assert_eq!(lines, sorted);
        assert_eq!(lines.len(), data.len());
        assert!(text.contains("\"a\\nb\""), "{text}");
        assert!(text.ends_with(" .\n"));
    }

    #[test]
    fn the_fingerprint_ignores_order_and_duplicates_and_sees_one_literal() {
        let graph = NamedNode::new("http://example.org/g").unwrap();
        let one = triples("<http://e/s> <http://e/p> \"x\" , \"y\" .");
        let mut other = one.clone();
        other.reverse();
        other.push(one[0].clone());
        assert_eq!(
            fingerprint(&[(&graph, (&one).into())]),
            fingerprint(&[(&graph, (&other).into())])
        );
        let changed = triples("<http://e/s> <http://e/p> \"x\" , \"z\" .");
        assert_ne!(
            fingerprint(&[(&graph, (&one).into())]),
            fingerprint(&[(&graph, (&changed).into())])
        );
    }

    #[test]
    fn both_fingerprints_of_a_publication_are_those_of_their_graphs() {
        let (data_graph, ontology_graph) = (
            NamedNode::new("http://example.org/data").unwrap(),
            NamedNode::new("http://example.org/ontology").unwrap(),
        );
        let data =
            triples("<http://e/b> <http://e/p> \"x\" . <http://e/a> <http://e/p> <http://e/b> .");
        let ontology =
            triples("<http://e/a> <http://e/p> <http://e/b> . <http://e/c> <http://e/p> 1 .");
        let fingerprints = Fingerprints::of((&data_graph, &data), (&ontology_graph, &ontology));
        assert_eq!(
            fingerprints.data,
            fingerprint(&[(&data_graph, (&data).into())])
        );
        assert_eq!(
            fingerprints.publication,
            fingerprint(&[
                (&data_graph, (&data).into()),
                (&ontology_graph, (&ontology).into())
            ])
        );
        let mut both = Vec::new();
        write_canonical(
            &[
                (&data_graph, (&data).into()),
                (&ontology_graph, (&ontology).into()),
            ],
            &mut both,
        )
        .unwrap();
        let both = String::from_utf8(both).unwrap();
        let lines: Vec<&str> = both.lines().collect();
        let mut sorted = lines.clone();
        sorted.sort_unstable();
        assert_eq!((lines.len(), &lines), (4, &sorted));
    }

    #[test]
    fn blank_nodes_are_relabelled_canonically() {
        let graph = NamedNode::new("http://example.org/g").unwrap();
        let a = triples("<http://e/s> <http://e/p> [ <http://e/q> 1 ] .");
        let b = triples("<http://e/s> <http://e/p> _:other . _:other <http://e/q> 1 .");
        assert_eq!(
            canonical(&[(&graph, (&a).into())]),
            canonical(&[(&graph, (&b).into())])
        );
        assert!(canonical(&[(&graph, (&a).into())]).contains("_:c14n0"));
    }

    #[test]
    fn the_empty_data_set_hashes_the_empty_document() {
        let graph = NamedNode::new("http://example.org/g").unwrap();
        assert_eq!(
            fingerprint(&[(&graph, GraphRef::List(&[]))]),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
