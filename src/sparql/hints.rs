//! Hints for a query that found nothing: the silent traps of the model.
//! A plain literal that the data holds only with a language tag
//! (`"Ville de Paris"` for `"Ville de Paris"@fr`) or a datatype (`2023`
//! for `"2023"^^xsd:gYear`), or a name as the release prints it looked for
//! among the official names. The SPARQL answer stays standard: the query
//! page asks for these hints when an answer is empty, in French.

use super::index::QueryIndex;
use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, Term};
use oxigraph::sparql::{CancellationToken, QueryResults};
use std::sync::Arc;

/// The literals of a query written without a language tag or datatype:
/// quoted strings and bare whole numbers, outside IRIs and comments.
fn plain_literals(query: &str) -> Vec<String> {
    let chars: Vec<char> = query.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '<' if chars
                .get(i + 1)
                .is_some_and(|c| !c.is_whitespace() && *c != '=') =>
            {
                while i < chars.len() && chars[i] != '>' {
                    i += 1;
                }
            }
            quote @ ('"' | '\'') => {
                let mut value = String::new();
                i += 1;
                while i < chars.len() && chars[i] != quote {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    if let Some(c) = chars.get(i) {
                        value.push(*c);
                    }
                    i += 1;
                }
                let next = chars.get(i + 1);
                if !matches!(next, Some('@' | '^')) {
                    found.push(value);
                }
            }
            '?' | '$' => {
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                continue;
            }
            c if c.is_ascii_digit()
                && (i == 0 || chars[i - 1].is_whitespace() || "({,".contains(chars[i - 1])) =>
            {
                let start = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                let ends = chars
                    .get(i)
                    .is_none_or(|c| c.is_whitespace() || ".;,)}".contains(*c));
                let before: String = chars[..start].iter().collect::<String>().to_uppercase();
                let counted =
                    before.trim_end().ends_with("LIMIT") || before.trim_end().ends_with("OFFSET");
                if ends && !counted {
                    found.push(chars[start..i].iter().collect());
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found.sort();
    found.dedup();
    found
}

/// A literal as a query writes it, with the data set's prefixes for its
/// datatype (`"2023"^^xsd:gYear`).
fn written(literal: &Literal) -> String {
    let value = literal.value().replace('\\', "\\\\").replace('"', "\\\"");
    match literal.language() {
        Some(language) => format!("\"{value}\"@{language}"),
        None => {
            let datatype = literal.datatype().as_str();
            match datatype.strip_prefix("http://www.w3.org/2001/XMLSchema#") {
                Some(local) => format!("\"{value}\"^^xsd:{local}"),
                None => format!("\"{value}\"^^<{datatype}>"),
            }
        }
    }
}

/// What may explain why `query` found nothing in `index`, in French, one
/// sentence each; `name_in_source` is the IRI of `ti:nameInSource` under
/// the served base. Empty when no trap applies. Each lookup reads the whole
/// index: they stop when `cancellation` is cancelled (the server cancels it
/// at the query time limit).
pub fn for_empty_answer(
    index: &Arc<QueryIndex>,
    query: &str,
    name_in_source: &str,
    cancellation: &CancellationToken,
) -> Vec<String> {
    let mut hints = Vec::new();
    for value in plain_literals(query).into_iter().take(8) {
        if cancellation.is_cancelled() {
            break;
        }
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        let lookup = format!(
            "SELECT DISTINCT ?l ?p WHERE {{ ?s ?p ?l FILTER(isLiteral(?l) && STR(?l) = \"{escaped}\") }} LIMIT 20"
        );
        let Ok(QueryResults::Solutions(solutions)) =
            super::run_indexed_until(index, &lookup, cancellation.clone())
        else {
            continue;
        };
        let mut forms: Vec<String> = Vec::new();
        let mut in_source = false;
        let mut plain = false;
        for solution in solutions.filter_map(Result::ok) {
            if let Some(Term::NamedNode(p)) = solution.get("p")
                && p.as_str() == name_in_source
            {
                in_source = true;
            }
            if let Some(Term::Literal(literal)) = solution.get("l") {
                let typed = literal.language().is_some()
                    || (literal.datatype() != xsd::STRING && literal.datatype() != xsd::INTEGER);
                if typed {
                    let form = written(literal);
                    if !forms.contains(&form) {
                        forms.push(form);
                    }
                } else {
                    plain = true;
                }
            }
        }
        if !forms.is_empty() && !plain {
            hints.push(format!(
                "Les données n'ont « {value} » qu'avec {} : écrivez {} (un littéral sans langue ni type ne lui est pas égal).",
                if forms.iter().all(|f| f.contains('@')) {
                    "une langue"
                } else {
                    "un type"
                },
                forms.join(" ou ")
            ));
        }
        if in_source && query.contains("prefLabel") {
            hints.push(format!(
                "« {value} » est le nom tel que le communiqué l'imprime : il est la valeur de ti:nameInSource ; skos:prefLabel porte le nom officiel."
            ));
        }
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_literals_are_the_quoted_and_bare_values_without_tag_or_type() {
        assert_eq!(
            plain_literals(
                "SELECT ?x WHERE { ?x ?p \"Ville de Paris\" ; ?q 2023 ; ?r \"Or\"@fr ; ?s \"1\"^^xsd:int . \
                 ?y <http://x.org/2023> ?z # \"comment\"\n FILTER(?v2 = 'Nancy') } LIMIT 10"
            ),
            ["2023", "Nancy", "Ville de Paris"]
        );
    }

    #[test]
    fn literals_are_written_as_a_query_writes_them() {
        assert_eq!(
            written(&Literal::new_language_tagged_literal("Or", "fr").unwrap()),
            "\"Or\"@fr"
        );
        assert_eq!(
            written(&Literal::new_typed_literal("2023", xsd::G_YEAR)),
            "\"2023\"^^xsd:gYear"
        );
    }
}
