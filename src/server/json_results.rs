//! SELECT answers in SPARQL 1.1 Query Results JSON, written a row at a time.
//!
//! sparesults' JSON writer goes through a JSON event writer that writes
//! escaped strings one character per `write_all`: for an answer of IRIs,
//! JSON cost twice what CSV costs (495 rows: 708 µs a request against 380 µs,
//! BENCHMARKS.md). This writer makes the same bytes — the tests below compare
//! it with sparesults on every kind of term and on every character that JSON
//! escapes — with each row built in a buffer, plain runs of a string copied
//! at once, and one write per row.

use oxigraph::model::{TermRef, vocab::xsd};
use oxigraph::sparql::{QuerySolution, Variable};
use std::io::{self, Write};

/// A JSON results document being written to `W`: [`start`](Self::start),
/// one [`write`](Self::write) per solution, then [`finish`](Self::finish).
pub struct JsonSolutionsWriter<W: Write> {
    writer: W,
    row: Vec<u8>,
    rows: usize,
}

impl<W: Write> JsonSolutionsWriter<W> {
    /// Writes the head, which names `variables`, and opens the bindings.
    pub fn start(mut writer: W, variables: &[Variable]) -> io::Result<Self> {
        let mut head = Vec::with_capacity(64);
        head.extend_from_slice(br#"{"head":{"vars":["#);
        for (i, variable) in variables.iter().enumerate() {
            if i > 0 {
                head.push(b',');
            }
            push_string(&mut head, variable.as_str());
        }
        head.extend_from_slice(br#"]},"results":{"bindings":["#);
        writer.write_all(&head)?;
        Ok(Self {
            writer,
            row: Vec::with_capacity(256),
            rows: 0,
        })
    }

    /// Writes one solution: its bound variables, in order.
    pub fn write(&mut self, solution: &QuerySolution) -> io::Result<()> {
        let row = &mut self.row;
        row.clear();
        if self.rows > 0 {
            row.push(b',');
        }
        row.push(b'{');
        for (i, (variable, term)) in solution.iter().enumerate() {
            if i > 0 {
                row.push(b',');
            }
            push_string(row, variable.as_str());
            row.push(b':');
            push_term(row, term.as_ref());
        }
        row.push(b'}');
        self.rows += 1;
        self.writer.write_all(row)
    }

    /// Closes the document and gives the writer back.
    pub fn finish(mut self) -> io::Result<W> {
        self.writer.write_all(b"]}}")?;
        Ok(self.writer)
    }
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

/// `text` as a JSON string, escaped as sparesults escapes it: `"`, `\` and
/// the control characters below U+0020 (by their short escape if JSON has
/// one, else `\u00xx` in lower case); every other character as it is.
fn push_string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut plain_from = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape: &[u8] = match byte {
            b'"' => br#"\""#,
            b'\\' => br"\\",
            0x08 => br"\b",
            0x0c => br"\f",
            b'\n' => br"\n",
            b'\r' => br"\r",
            b'\t' => br"\t",
            0..=0x1f => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xf)],
            ],
            _ => continue,
        };
        // Escaped bytes are ASCII, so `i` is a character boundary.
        out.extend_from_slice(&bytes[plain_from..i]);
        out.extend_from_slice(escape);
        plain_from = i + 1;
    }
    out.extend_from_slice(&bytes[plain_from..]);
    out.push(b'"');
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, Literal, NamedNode, Term};
    use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
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

    fn by_sparesults(variables: &[Variable], rows: &[QuerySolution]) -> Vec<u8> {
        let mut serializer = QueryResultsSerializer::from_format(QueryResultsFormat::Json)
            .serialize_solutions_to_writer(Vec::new(), variables.to_vec())
            .unwrap();
        for row in rows {
            serializer.serialize(row).unwrap();
        }
        serializer.finish().unwrap()
    }

    fn by_this_writer(variables: &[Variable], rows: &[QuerySolution]) -> Vec<u8> {
        let mut writer = JsonSolutionsWriter::start(Vec::new(), variables).unwrap();
        for row in rows {
            writer.write(row).unwrap();
        }
        writer.finish().unwrap()
    }

    #[test]
    fn writes_the_bytes_sparesults_writes() {
        let (variables, rows) = solutions();
        let ours = by_this_writer(&variables, &rows);
        assert_eq!(
            String::from_utf8(ours.clone()).unwrap(),
            String::from_utf8(by_sparesults(&variables, &rows)).unwrap()
        );
        let parsed: serde_json::Value = serde_json::from_slice(&ours).unwrap();
        assert_eq!(
            parsed["results"]["bindings"].as_array().unwrap().len(),
            rows.len()
        );
    }

    #[test]
    fn writes_empty_answers_as_sparesults_does() {
        let (variables, _) = solutions();
        for variables in [&variables[..], &[]] {
            assert_eq!(
                by_this_writer(variables, &[]),
                by_sparesults(variables, &[])
            );
        }
        let no_variables = || QuerySolution::from((Arc::<[Variable]>::from([]), Vec::new()));
        let rows = [no_variables(), no_variables()];
        assert_eq!(by_this_writer(&[], &rows), by_sparesults(&[], &rows));
    }
}
