//! SELECT answers in SPARQL 1.1 Query Results JSON and XML, written a row at
//! a time.
//!
//! sparesults' writers go through event writers: its JSON writer writes
//! escaped strings one character per `write_all`, and its XML writer builds
//! and escapes each element apart. For an answer of IRIs JSON cost twice what
//! CSV costs (495 rows: 708 µs a request against 380 µs), XML 2.4 times JSON
//! once JSON was written here (100 000 rows: 350–420 ms against 146–178 ms;
//! BENCHMARKS.md). This writer makes the same bytes as sparesults — the tests
//! below compare them on every kind of term and on every character either
//! syntax escapes — with each row built in a buffer, plain runs of a string
//! copied at once, and one write per row.

use oxigraph::model::{TermRef, vocab::xsd};
use oxigraph::sparql::results::QueryResultsFormat;
use oxigraph::sparql::{QuerySolution, Variable};
use std::io::{self, Write};

/// A results syntax this writer writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// SPARQL 1.1 Query Results JSON.
    Json,
    /// SPARQL Query Results XML.
    Xml,
}

impl Syntax {
    /// The syntax of `format`, if this writer writes it.
    pub fn of(format: QueryResultsFormat) -> Option<Self> {
        match format {
            QueryResultsFormat::Json => Some(Self::Json),
            QueryResultsFormat::Xml => Some(Self::Xml),
            _ => None,
        }
    }
}

/// A results document being written to `W`: [`start`](Self::start), one
/// [`write`](Self::write) per solution, then [`finish`](Self::finish).
pub struct SolutionsWriter<W: Write> {
    writer: W,
    syntax: Syntax,
    row: Vec<u8>,
    rows: usize,
}

impl<W: Write> SolutionsWriter<W> {
    /// Writes the head, which names `variables`, and opens the results.
    pub fn start(mut writer: W, syntax: Syntax, variables: &[Variable]) -> io::Result<Self> {
        let mut head = Vec::with_capacity(128);
        match syntax {
            Syntax::Json => json::head(&mut head, variables),
            Syntax::Xml => xml::head(&mut head, variables),
        }
        writer.write_all(&head)?;
        Ok(Self {
            writer,
            syntax,
            row: Vec::with_capacity(256),
            rows: 0,
        })
    }

    /// Writes one solution: its bound variables, in order.
    pub fn write(&mut self, solution: &QuerySolution) -> io::Result<()> {
        self.row.clear();
        match self.syntax {
            Syntax::Json => json::row(&mut self.row, solution, self.rows == 0),
            Syntax::Xml => xml::row(&mut self.row, solution),
        }
        self.rows += 1;
        self.writer.write_all(&self.row)
    }

    /// Closes the document and gives the writer back.
    pub fn finish(mut self) -> io::Result<W> {
        self.writer.write_all(match self.syntax {
            Syntax::Json => b"]}}",
            Syntax::Xml => b"</results></sparql>",
        })?;
        Ok(self.writer)
    }
}

/// What each byte is written as: itself (empty) or an escape.
type Escapes = [&'static [u8]; 256];

/// Copies `text` to `out` with each byte that `escapes` maps written as its
/// escape, and runs of other bytes copied at once. Escaped bytes are ASCII,
/// so a run always ends on a character boundary.
fn push_escaped(out: &mut Vec<u8>, text: &str, escapes: &Escapes) {
    let bytes = text.as_bytes();
    let mut plain_from = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape = escapes[usize::from(byte)];
        if !escape.is_empty() {
            out.extend_from_slice(&bytes[plain_from..i]);
            out.extend_from_slice(escape);
            plain_from = i + 1;
        }
    }
    out.extend_from_slice(&bytes[plain_from..]);
}

mod json {
    use super::*;

    pub(super) fn head(out: &mut Vec<u8>, variables: &[Variable]) {
        out.extend_from_slice(br#"{"head":{"vars":["#);
        for (i, variable) in variables.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_string(out, variable.as_str());
        }
        out.extend_from_slice(br#"]},"results":{"bindings":["#);
    }

    pub(super) fn row(out: &mut Vec<u8>, solution: &QuerySolution, first: bool) {
        if !first {
            out.push(b',');
        }
        out.push(b'{');
        for (i, (variable, term)) in solution.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_string(out, variable.as_str());
            out.push(b':');
            push_term(out, term.as_ref());
        }
        out.push(b'}');
    }

    /// `term` as a JSON results term object.
    fn push_term(out: &mut Vec<u8>, term: TermRef<'_>) {
        match term {
            TermRef::NamedNode(iri) => {
                out.extend_from_slice(br#"{"type":"uri","value":"#);
                push_string(out, iri.as_str());
            }
            TermRef::BlankNode(node) => {
                out.extend_from_slice(br#"{"type":"bnode","value":"#);
                push_string(out, node.as_str());
            }
            TermRef::Literal(literal) => {
                out.extend_from_slice(br#"{"type":"literal","value":"#);
                push_string(out, literal.value());
                if let Some(language) = literal.language() {
                    out.extend_from_slice(br#","xml:lang":"#);
                    push_string(out, language);
                } else if literal.datatype() != xsd::STRING {
                    out.extend_from_slice(br#","datatype":"#);
                    push_string(out, literal.datatype().as_str());
                }
            }
        }
        out.push(b'}');
    }

    /// `text` as a JSON string, escaped as sparesults escapes it: `"`, `\`
    /// and the control characters below U+0020 (by their short escape if
    /// JSON has one, else `\u00xx` in lower case); every other character as
    /// it is.
    pub(super) fn push_string(out: &mut Vec<u8>, text: &str) {
        out.push(b'"');
        push_escaped(out, text, &ESCAPES);
        out.push(b'"');
    }

    /// `\u00xx` for each byte below 0x20.
    const CONTROLS: [[u8; 6]; 32] = {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut controls = [[0; 6]; 32];
        let mut byte = 0;
        while byte < 32 {
            controls[byte] = [b'\\', b'u', b'0', b'0', HEX[byte >> 4], HEX[byte & 0xf]];
            byte += 1;
        }
        controls
    };

    const ESCAPES: Escapes = {
        let mut escapes: Escapes = [b""; 256];
        let mut byte = 0;
        while byte < 32 {
            escapes[byte] = &CONTROLS[byte];
            byte += 1;
        }
        escapes[0x08] = br"\b";
        escapes[0x0c] = br"\f";
        escapes[b'\n' as usize] = br"\n";
        escapes[b'\r' as usize] = br"\r";
        escapes[b'\t' as usize] = br"\t";
        escapes[b'"' as usize] = br#"\""#;
        escapes[b'\\' as usize] = br"\\";
        escapes
    };
}

mod xml {
    use super::*;

    pub(super) fn head(out: &mut Vec<u8>, variables: &[Variable]) {
        out.extend_from_slice(
            br#"<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>"#,
        );
        for variable in variables {
            out.extend_from_slice(br#"<variable name=""#);
            push_text(out, variable.as_str());
            out.extend_from_slice(br#""/>"#);
        }
        out.extend_from_slice(b"</head><results>");
    }

    pub(super) fn row(out: &mut Vec<u8>, solution: &QuerySolution) {
        out.extend_from_slice(b"<result>");
        for (variable, term) in solution.iter() {
            out.extend_from_slice(br#"<binding name=""#);
            push_text(out, variable.as_str());
            out.extend_from_slice(br#"">"#);
            push_term(out, term.as_ref());
            out.extend_from_slice(b"</binding>");
        }
        out.extend_from_slice(b"</result>");
    }

    fn push_term(out: &mut Vec<u8>, term: TermRef<'_>) {
        match term {
            TermRef::NamedNode(iri) => {
                out.extend_from_slice(b"<uri>");
                push_text(out, iri.as_str());
                out.extend_from_slice(b"</uri>");
            }
            TermRef::BlankNode(node) => {
                out.extend_from_slice(b"<bnode>");
                push_text(out, node.as_str());
                out.extend_from_slice(b"</bnode>");
            }
            TermRef::Literal(literal) => {
                if let Some(language) = literal.language() {
                    out.extend_from_slice(br#"<literal xml:lang=""#);
                    push_text(out, language);
                    out.extend_from_slice(br#"">"#);
                } else if literal.datatype() != xsd::STRING {
                    out.extend_from_slice(br#"<literal datatype=""#);
                    push_text(out, literal.datatype().as_str());
                    out.extend_from_slice(br#"">"#);
                } else {
                    out.extend_from_slice(b"<literal>");
                }
                push_literal_value(out, literal.value());
                out.extend_from_slice(b"</literal>");
            }
        }
    }

    /// `text` with the five characters XML escapes as quick-xml escapes
    /// them, in text and attribute values alike.
    fn push_text(out: &mut Vec<u8>, text: &str) {
        push_escaped(out, text, &ESCAPES);
    }

    const ESCAPES: Escapes = {
        let mut escapes: Escapes = [b""; 256];
        escapes[b'<' as usize] = b"&lt;";
        escapes[b'>' as usize] = b"&gt;";
        escapes[b'&' as usize] = b"&amp;";
        escapes[b'\'' as usize] = b"&apos;";
        escapes[b'"' as usize] = b"&quot;";
        escapes
    };

    /// A literal's value as sparesults writes it: escaped as text, with the
    /// whitespace at either end as character references (an XML reader would
    /// otherwise be free to trim it).
    fn push_literal_value(out: &mut Vec<u8>, value: &str) {
        let bound_whitespace = |c: char| matches!(c, '\t' | '\n' | '\r' | ' ');
        let inner = value.trim_matches(bound_whitespace);
        let before = value.len() - value.trim_start_matches(bound_whitespace).len();
        let push_references = |out: &mut Vec<u8>, whitespace: &str| {
            for byte in whitespace.bytes() {
                out.extend_from_slice(match byte {
                    b'\t' => b"&#9;",
                    b'\n' => b"&#10;",
                    b'\r' => b"&#13;",
                    _ => b"&#32;",
                });
            }
        };
        push_references(out, &value[..before]);
        push_text(out, inner);
        push_references(out, &value[before + inner.len()..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, Literal, NamedNode, Term};
    use oxigraph::sparql::results::QueryResultsSerializer;
    use std::sync::Arc;

    /// Every character JSON escapes, and some it does not.
    fn tricky_strings() -> Vec<String> {
        let mut strings: Vec<String> = (0_u8..0x20).map(|b| format!("a{}b", b as char)).collect();
        strings.extend(
            [
                "",
                "plain",
                "\"quoted\" and \\back\\slashed\\",
                "\u{7f} delete, \u{2028} line separator, \u{2029}",
                "Élysée, Mayotte, 東京, 🚀",
                "\\u0041 stays as written",
                "</script><!--",
                "a < b && c > 'd' \"e\"",
                "  leading spaces",
                "trailing whitespace \t\r\n",
                " \t\n\r ",
                "\r\n inner \t kept \r\n",
            ]
            .map(String::from),
        );
        strings
    }

    fn solutions() -> (Vec<Variable>, Vec<QuerySolution>) {
        let variables: Arc<[Variable]> = ["s", "o", "l", "é_1"]
            .map(|name| Variable::new(name).unwrap())
            .into();
        let mut terms: Vec<Term> = vec![
            NamedNode::new("https://w3id.org/territoire-innovant/award/2023-or-1")
                .unwrap()
                .into(),
            NamedNode::new("http://example.org/é?q=ü&r=1#frag")
                .unwrap()
                .into(),
            BlankNode::new("b0").unwrap().into(),
            Literal::from(42).into(),
            Literal::from(false).into(),
            Literal::new_typed_literal("2023-10-12", xsd::DATE).into(),
        ];
        for text in tricky_strings() {
            terms.push(Literal::new_simple_literal(&text).into());
            terms.push(
                Literal::new_language_tagged_literal(&text, "fr-FR")
                    .unwrap()
                    .into(),
            );
            terms.push(
                Literal::new_typed_literal(&text, NamedNode::new("http://example.org/t").unwrap())
                    .into(),
            );
        }
        let mut rows = Vec::new();
        for (i, term) in terms.iter().enumerate() {
            // Each term under each variable, with others unbound or bound.
            let values: Vec<Option<Term>> = (0..variables.len())
                .map(|v| match (i + v) % 3 {
                    0 => Some(term.clone()),
                    1 => None,
                    _ => Some(terms[(i * 7 + v) % terms.len()].clone()),
                })
                .collect();
            rows.push(QuerySolution::from((Arc::clone(&variables), values)));
        }
        rows.push(QuerySolution::from((
            Arc::clone(&variables),
            vec![None; variables.len()],
        )));
        (variables.to_vec(), rows)
    }

    fn by_sparesults(syntax: Syntax, variables: &[Variable], rows: &[QuerySolution]) -> Vec<u8> {
        let format = match syntax {
            Syntax::Json => QueryResultsFormat::Json,
            Syntax::Xml => QueryResultsFormat::Xml,
        };
        let mut serializer = QueryResultsSerializer::from_format(format)
            .serialize_solutions_to_writer(Vec::new(), variables.to_vec())
            .unwrap();
        for row in rows {
            serializer.serialize(row).unwrap();
        }
        serializer.finish().unwrap()
    }

    fn by_this_writer(syntax: Syntax, variables: &[Variable], rows: &[QuerySolution]) -> Vec<u8> {
        let mut writer = SolutionsWriter::start(Vec::new(), syntax, variables).unwrap();
        for row in rows {
            writer.write(row).unwrap();
        }
        writer.finish().unwrap()
    }

    const SYNTAXES: [Syntax; 2] = [Syntax::Json, Syntax::Xml];

    #[test]
    fn writes_the_bytes_sparesults_writes() {
        let (variables, rows) = solutions();
        for syntax in SYNTAXES {
            assert_eq!(
                String::from_utf8(by_this_writer(syntax, &variables, &rows)).unwrap(),
                String::from_utf8(by_sparesults(syntax, &variables, &rows)).unwrap(),
                "{syntax:?}"
            );
        }
        let json: serde_json::Value =
            serde_json::from_slice(&by_this_writer(Syntax::Json, &variables, &rows)).unwrap();
        assert_eq!(
            json["results"]["bindings"].as_array().unwrap().len(),
            rows.len()
        );
    }

    #[test]
    fn writes_empty_answers_as_sparesults_does() {
        let (variables, _) = solutions();
        let no_variables = || QuerySolution::from((Arc::<[Variable]>::from([]), Vec::new()));
        for syntax in SYNTAXES {
            for variables in [&variables[..], &[]] {
                assert_eq!(
                    by_this_writer(syntax, variables, &[]),
                    by_sparesults(syntax, variables, &[]),
                    "{syntax:?}"
                );
            }
            let rows = [no_variables(), no_variables()];
            assert_eq!(
                by_this_writer(syntax, &[], &rows),
                by_sparesults(syntax, &[], &rows),
                "{syntax:?}"
            );
        }
    }

    #[test]
    fn writes_the_formats_it_knows() {
        assert_eq!(Syntax::of(QueryResultsFormat::Json), Some(Syntax::Json));
        assert_eq!(Syntax::of(QueryResultsFormat::Xml), Some(Syntax::Xml));
        assert_eq!(Syntax::of(QueryResultsFormat::Csv), None);
        assert_eq!(Syntax::of(QueryResultsFormat::Tsv), None);
    }
}
