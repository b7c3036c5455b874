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

use oxigraph::model::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{
    Dataset, GraphNameRef, LiteralRef, NamedNode, NamedOrBlankNode, Quad, QuadRef, Term, TermRef,
    Triple,
};
use sha2::{Digest, Sha256};
use std::cmp::Ordering;
use std::io::Write;

/// The fingerprints of a publication, each a lowercase hex SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprints {
    /// Of the data graph (the N-Quads dump's content, in its named graph).
    pub data: String,
    /// Of the published data set: the data graph and the ontology graph,
    /// each in its named graph (the alignments graph follows from them).
    pub publication: String,
}

/// A graph: its name and its triples.
pub type NamedGraph<'a> = (&'a NamedNode, &'a [Triple]);

impl Fingerprints {
    /// The fingerprints of a publication of `data` and `ontology`.
    pub fn of(data: NamedGraph<'_>, ontology: NamedGraph<'_>) -> Self {
        Self {
            data: fingerprint(&[data]),
            publication: fingerprint(&[data, ontology]),
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
    let has_blank_nodes = graphs.iter().any(|(_, triples)| {
        triples.iter().any(|t| {
            matches!(t.subject, NamedOrBlankNode::BlankNode(_))
                || matches!(t.object, Term::BlankNode(_))
        })
    });
    if has_blank_nodes {
        let mut dataset: Dataset = graphs
            .iter()
            .flat_map(|(name, triples)| {
                triples
                    .iter()
                    .map(move |t| Quad::from(t.as_ref().in_graph(name.as_ref())))
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
    let quad = |(graph, index): (usize, usize)| {
        let (name, triples) = graphs[graph];
        triples[index].as_ref().in_graph(name.as_ref())
    };
    let mut order: Vec<(usize, usize)> = graphs
        .iter()
        .enumerate()
        .flat_map(|(graph, (_, triples))| (0..triples.len()).map(move |index| (graph, index)))
        .collect();
    order.sort_unstable_by(|&a, &b| line_order(quad(a), quad(b)));
    order.dedup_by(|a, b| quad(*a) == quad(*b));
    for position in order {
        writeln!(out, "{} .", quad(position))?;
    }
    Ok(())
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
        (TermRef::Literal(a), TermRef::Literal(b)) => literal_form(a).cmp(literal_form(b)),
        (a, b) => first_char(a).cmp(&first_char(b)),
    }
}

/// The order of `a` and `b` each followed by `end`.
fn delimited(a: &str, b: &str, end: u8) -> Ordering {
    a.bytes()
        .chain(std::iter::once(end))
        .cmp(b.bytes().chain(std::iter::once(end)))
}

fn first_char(term: TermRef<'_>) -> char {
    match term {
        TermRef::Literal(_) => '"',
        TermRef::NamedNode(_) => '<',
        _ => '_',
    }
}

/// The characters of a literal's canonical N-Quads form, made on the fly:
/// `"value"`, then `@language` or `^^<datatype>` (none for `xsd:string`).
fn literal_form(literal: LiteralRef<'_>) -> impl Iterator<Item = char> + '_ {
    let (before, suffix, after) = match literal.language() {
        Some(language) => ("@", language, ""),
        None if literal.datatype() == xsd::STRING || literal.datatype() == rdf::LANG_STRING => {
            ("", "", "")
        }
        None => ("^^<", literal.datatype().as_str(), ">"),
    };
    std::iter::once('"')
        .chain(literal.value().chars().flat_map(escaped))
        .chain(std::iter::once('"'))
        .chain(before.chars())
        .chain(suffix.chars())
        .chain(after.chars())
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
            ex:a ex:p "tab\there" ."#,
        );
        let text = canonical(&[(&graph, &data)]);
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
            fingerprint(&[(&graph, &one)]),
            fingerprint(&[(&graph, &other)])
        );
        let changed = triples("<http://e/s> <http://e/p> \"x\" , \"z\" .");
        assert_ne!(
            fingerprint(&[(&graph, &one)]),
            fingerprint(&[(&graph, &changed)])
        );
    }

    #[test]
    fn blank_nodes_are_relabelled_canonically() {
        let graph = NamedNode::new("http://example.org/g").unwrap();
        let a = triples("<http://e/s> <http://e/p> [ <http://e/q> 1 ] .");
        let b = triples("<http://e/s> <http://e/p> _:other . _:other <http://e/q> 1 .");
        assert_eq!(canonical(&[(&graph, &a)]), canonical(&[(&graph, &b)]));
        assert!(canonical(&[(&graph, &a)]).contains("_:c14n0"));
    }

    #[test]
    fn the_empty_data_set_hashes_the_empty_document() {
        let graph = NamedNode::new("http://example.org/g").unwrap();
        assert_eq!(
            fingerprint(&[(&graph, &[])]),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
