//! Turtle that people can read: a prefix for every namespace the triples
//! use — the standard vocabularies and each of the data set's own (awards
//! of 2023 under `award-2023:`, organisations under `organisation:`…) —
//! sorted by name, then one block per subject separated by a blank line,
//! `rdf:type` written `a`, the objects of one predicate on one line, and
//! integers and booleans written bare. Triples come in the order of the
//! dumps (subjects together), and are written as they come.

use crate::rdf::Base;
use crate::rdf::vocab::PREFIXES;
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{
    LiteralRef, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, TermRef, TripleRef,
};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The prefixes of a Turtle document: namespace → prefix name.
#[derive(Debug, Clone, Default)]
pub struct Prefixes(BTreeMap<String, String>);

impl Prefixes {
    /// The prefixes `triples` need under `base`: a standard vocabulary's
    /// own prefix, a derived one for each namespace of the data set (its
    /// path, `/` written `-`, the base itself as the empty prefix). Other
    /// namespaces (other sites) are written in full.
    pub fn for_triples<'a>(base: &Base, triples: impl IntoIterator<Item = TripleRef<'a>>) -> Self {
        let standard: BTreeMap<String, &str> = PREFIXES
            .iter()
            .map(|(prefix, namespace)| (base.rebase_str(namespace), *prefix))
            .collect();
        let mut used: BTreeMap<String, String> = BTreeMap::new();
        let mut note = |iri: NamedNodeRef<'_>| {
            let Some((namespace, _)) = split(iri.as_str()) else {
                return;
            };
            if used.contains_key(namespace) {
                return;
            }
            let name = match standard.get(namespace) {
                Some(prefix) => (*prefix).to_owned(),
                None => match namespace.strip_prefix(base.as_str()) {
                    Some(path) => derived_name(path),
                    None => return,
                },
            };
            used.insert(namespace.to_owned(), name);
        };
        for triple in triples {
            if let NamedOrBlankNodeRef::NamedNode(subject) = triple.subject {
                note(subject);
            }
            if triple.predicate != rdf::TYPE {
                note(triple.predicate);
            }
            match triple.object {
                TermRef::NamedNode(object) => note(object),
                TermRef::Literal(literal)
                    if literal.language().is_none()
                        && literal.datatype() != xsd::STRING
                        && !is_bare(literal) =>
                {
                    note(literal.datatype())
                }
                _ => {}
            }
        }
        // Two namespaces may derive the same name: the later ones get a number.
        let mut taken: BTreeMap<String, usize> = BTreeMap::new();
        let mut prefixes = BTreeMap::new();
        let standard_first = {
            let mut entries: Vec<(String, String)> = used.into_iter().collect();
            entries.sort_by_key(|(namespace, _)| !standard.contains_key(namespace));
            entries
        };
        for (namespace, name) in standard_first {
            let count = taken.entry(name.clone()).or_insert(0);
            *count += 1;
            let name = if *count == 1 {
                name
            } else {
                format!("{name}-{count}")
            };
            prefixes.insert(namespace, name);
        }
        Self(prefixes)
    }

    /// How `iri` is written: `prefix:local`, or `<iri>`.
    fn write_iri(&self, iri: NamedNodeRef<'_>, out: &mut impl Write) -> io::Result<()> {
        if let Some((namespace, local)) = split(iri.as_str())
            && let Some(prefix) = self.0.get(namespace)
        {
            return write!(out, "{prefix}:{local}");
        }
        write!(out, "<{}>", iri.as_str())
    }
}

/// The namespace and local name of `iri`, split after its last `/` or `#`,
/// when the local name can be written after a prefix as it is.
fn split(iri: &str) -> Option<(&str, &str)> {
    let at = iri.rfind(['/', '#'])? + 1;
    let (namespace, local) = iri.split_at(at);
    is_local_name(local).then_some((namespace, local))
}

/// A local name that Turtle's `PN_LOCAL` takes without escapes (kept to
/// ASCII letters, digits, `_`, `-` and inner `.`); the empty one too.
fn is_local_name(local: &str) -> bool {
    let bytes = local.as_bytes();
    bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && bytes
            .first()
            .is_none_or(|b| b.is_ascii_alphanumeric() || *b == b'_')
        && bytes.last() != Some(&b'.')
}

/// The prefix name of a namespace of the data set: its path with `/`
/// written `-` (`award/2023/` → `award-2023`), the base itself the empty
/// prefix.
fn derived_name(path: &str) -> String {
    let name: String = path
        .trim_end_matches(['/', '#'])
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    match name.chars().next() {
        Some(first) if first.is_ascii_alphabetic() => name,
        Some(_) => format!("ns-{name}"),
        None => String::new(),
    }
}

/// Writes triples as readable Turtle, as they come (subjects together).
pub struct TurtleWriter<W: Write> {
    out: W,
    prefixes: Prefixes,
    /// The subject and predicate of the last triple written.
    last: Option<(NamedOrBlankNode, NamedNode)>,
}

impl<W: Write> TurtleWriter<W> {
    /// Starts a document with `prefixes`, sorted by name.
    pub fn new(mut out: W, prefixes: Prefixes) -> io::Result<Self> {
        let mut sorted: Vec<(&String, &String)> = prefixes
            .0
            .iter()
            .map(|(namespace, name)| (name, namespace))
            .collect();
        sorted.sort();
        for (name, namespace) in &sorted {
            writeln!(out, "@prefix {name}: <{namespace}> .")?;
        }
        Ok(Self {
            out,
            prefixes,
            last: None,
        })
    }

    /// Writes one triple.
    pub fn write(&mut self, triple: TripleRef<'_>) -> io::Result<()> {
        // The subject and predicate are kept only when they change: a dump
        // writes millions of triples, a few per subject.
        let (same_subject, same_predicate) = match &self.last {
            Some((subject, predicate)) => (
                subject.as_ref() == triple.subject,
                predicate.as_ref() == triple.predicate,
            ),
            None => (false, false),
        };
        if same_subject && same_predicate {
            self.out.write_all(b" , ")?;
        } else if same_subject {
            self.out.write_all(b" ;\n    ")?;
            self.write_predicate(triple.predicate)?;
            self.out.write_all(b" ")?;
        } else {
            self.out.write_all(if self.last.is_some() {
                b" .\n\n"
            } else {
                b"\n"
            })?;
            match triple.subject {
                NamedOrBlankNodeRef::NamedNode(node) => {
                    self.prefixes.write_iri(node, &mut self.out)?
                }
                other => write!(self.out, "{other}")?,
            }
            self.out.write_all(b" ")?;
            self.write_predicate(triple.predicate)?;
            self.out.write_all(b" ")?;
        }
        if !(same_subject && same_predicate) {
            self.last = Some((triple.subject.into_owned(), triple.predicate.into_owned()));
        }
        self.write_object(triple.object)
    }

    /// Ends the document and gives the writer back.
    pub fn finish(mut self) -> io::Result<W> {
        if self.last.is_some() {
            self.out.write_all(b" .\n")?;
        }
        Ok(self.out)
    }

    fn write_predicate(&mut self, predicate: NamedNodeRef<'_>) -> io::Result<()> {
        if predicate == rdf::TYPE {
            self.out.write_all(b"a")
        } else {
            self.prefixes.write_iri(predicate, &mut self.out)
        }
    }

    fn write_object(&mut self, object: TermRef<'_>) -> io::Result<()> {
        match object {
            TermRef::NamedNode(node) => self.prefixes.write_iri(node, &mut self.out),
            TermRef::Literal(literal) => {
                let (value, datatype) = (literal.value(), literal.datatype());
                if is_bare(literal) {
                    return self.out.write_all(value.as_bytes());
                }
                write_quoted(value, &mut self.out)?;
                if let Some(language) = literal.language() {
                    write!(self.out, "@{language}")
                } else if datatype != xsd::STRING {
                    self.out.write_all(b"^^")?;
                    self.prefixes.write_iri(datatype, &mut self.out)
                } else {
                    Ok(())
                }
            }
            other => write!(self.out, "{other}"),
        }
    }
}

/// Whether a literal is written without quotes: an integer or a boolean in
/// the form Turtle reads back as the same literal.
fn is_bare(literal: LiteralRef<'_>) -> bool {
    let value = literal.value();
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    (literal.datatype() == xsd::INTEGER
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit()))
        || (literal.datatype() == xsd::BOOLEAN && matches!(value, "true" | "false"))
}

/// A string between double quotes, escaped as Turtle requires.
fn write_quoted(value: &str, out: &mut impl Write) -> io::Result<()> {
    let mut text = String::with_capacity(value.len() + 2);
    text.push('"');
    for c in value.chars() {
        match c {
            '"' => text.push_str("\\\""),
            '\\' => text.push_str("\\\\"),
            '\n' => text.push_str("\\n"),
            '\r' => text.push_str("\\r"),
            '\t' => text.push_str("\\t"),
            '\0'..='\u{1F}' | '\u{7F}' => text.push_str(&format!("\\u{:04X}", u32::from(c))),
            other => text.push(other),
        }
    }
    text.push('"');
    out.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{RdfFormat, RdfParser};
    use oxigraph::model::Triple;

    const BASE: &str = "https://w3id.org/territoire-innovant/";

    fn triples(turtle: &str) -> Vec<Triple> {
        RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(turtle.as_bytes())
            .map(|q| Triple::from(q.unwrap()))
            .collect()
    }

    fn written(triples: &[Triple]) -> String {
        let base = Base::default();
        let prefixes = Prefixes::for_triples(&base, triples.iter().map(Triple::as_ref));
        let mut writer = TurtleWriter::new(Vec::new(), prefixes).unwrap();
        for triple in triples {
            writer.write(triple.as_ref()).unwrap();
        }
        String::from_utf8(writer.finish().unwrap()).unwrap()
    }

    #[test]
    fn every_namespace_of_the_data_set_gets_a_prefix_and_each_subject_a_block() {
        let data = triples(&format!(
            r#"PREFIX ti: <{BASE}ontology#>
            <{BASE}award/2023/rudi> a ti:Award ; ti:laureate <{BASE}organisation/rennes-metropole> , <{BASE}organisation/brest> ;
                ti:edition <{BASE}edition/2023> .
            <{BASE}edition/2023> ti:year "2023"^^<http://www.w3.org/2001/XMLSchema#gYear> ; ti:projectsPresented 58 ;
                ti:overseas false ; <http://www.w3.org/2000/01/rdf-schema#label> "Édition \"2023\"\n"@fr .
            <{BASE}dataset> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <https://example.org/a/b?c=d> ."#
        ));
        let text = written(&data);
        assert_eq!(
            text,
            format!(
                "@prefix : <{BASE}> .
@prefix award-2023: <{BASE}award/2023/> .
@prefix edition: <{BASE}edition/> .
@prefix organisation: <{BASE}organisation/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ti: <{BASE}ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

award-2023:rudi a ti:Award ;
    ti:laureate organisation:rennes-metropole , organisation:brest ;
    ti:edition edition:2023 .

edition:2023 ti:year \"2023\"^^xsd:gYear ;
    ti:projectsPresented 58 ;
    ti:overseas false ;
    rdfs:label \"Édition \\\"2023\\\"\\n\"@fr .

:dataset rdfs:seeAlso <https://example.org/a/b?c=d> .
"
            )
        );
        let mut back = triples(&text);
        let mut expected = data.clone();
        back.sort_by_key(|t| t.to_string());
        expected.sort_by_key(|t| t.to_string());
        assert_eq!(back, expected);
    }

    #[test]
    fn local_names_turtle_would_need_escaped_are_written_in_full() {
        assert!(split("https://e.org/a/b.c").is_some());
        assert!(split("https://e.org/a/b.").is_none());
        assert!(split("https://e.org/a/b%20c").is_none());
        assert!(split("https://e.org/a/-b").is_none());
        assert_eq!(derived_name("award/2023/"), "award-2023");
        assert_eq!(derived_name(""), "");
        assert_eq!(derived_name("2023/"), "ns-2023");
    }

    #[test]
    fn a_name_two_namespaces_derive_is_numbered() {
        let data = triples(&format!("<{BASE}a-b/x> <{BASE}a/b/y> <{BASE}a-b/z> ."));
        let text = written(&data);
        assert!(
            text.contains(&format!("@prefix a-b: <{BASE}a-b/> .")),
            "{text}"
        );
        assert!(
            text.contains(&format!("@prefix a-b-2: <{BASE}a/b/> .")),
            "{text}"
        );
        assert_eq!(triples(&text), data);
    }
}
