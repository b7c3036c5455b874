//! What a researcher reads when a query cannot be parsed: a few lines that
//! say what to write next — the missing `PREFIX` line, the keyword meant,
//! the place of the mistake with its line and a caret — never the parser's
//! list of expected characters.

use oxigraph::sparql::SparqlSyntaxError;

/// The keywords of SPARQL 1.1 queries, for suggestions.
const KEYWORDS: [&str; 52] = [
    "ASK",
    "AS",
    "ASC",
    "BASE",
    "BIND",
    "BY",
    "CONSTRUCT",
    "COUNT",
    "DESC",
    "DESCRIBE",
    "DISTINCT",
    "EXISTS",
    "FILTER",
    "FROM",
    "GRAPH",
    "GROUP",
    "HAVING",
    "IN",
    "LIMIT",
    "MINUS",
    "NAMED",
    "NOT",
    "OFFSET",
    "OPTIONAL",
    "ORDER",
    "PREFIX",
    "REDUCED",
    "SELECT",
    "SERVICE",
    "UNION",
    "VALUES",
    "WHERE",
    "UNDEF",
    "SUM",
    "MIN",
    "MAX",
    "AVG",
    "SAMPLE",
    "GROUP_CONCAT",
    "SEPARATOR",
    "STR",
    "LANG",
    "LANGMATCHES",
    "DATATYPE",
    "BOUND",
    "REGEX",
    "CONTAINS",
    "STRSTARTS",
    "LCASE",
    "UCASE",
    "COALESCE",
    "IF",
];

/// Function names and other words of SPARQL that no keyword is a slip for.
const ALSO_WORDS: [&str; 46] = [
    "NOW",
    "YEAR",
    "MONTH",
    "DAY",
    "HOURS",
    "MINUTES",
    "SECONDS",
    "TIMEZONE",
    "TZ",
    "STRLEN",
    "SUBSTR",
    "CONCAT",
    "REPLACE",
    "ABS",
    "CEIL",
    "FLOOR",
    "ROUND",
    "RAND",
    "ISIRI",
    "ISURI",
    "ISBLANK",
    "ISLITERAL",
    "ISNUMERIC",
    "IRI",
    "URI",
    "BNODE",
    "STRDT",
    "STRLANG",
    "UUID",
    "STRUUID",
    "MD5",
    "SHA1",
    "SHA256",
    "SHA384",
    "SHA512",
    "ENCODE_FOR_URI",
    "STRENDS",
    "STRBEFORE",
    "STRAFTER",
    "SAMETERM",
    "DATA",
    "INTO",
    "USING",
    "DEFAULT",
    "ALL",
    "SILENT",
];

/// The update operations, which a read-only endpoint refuses.
pub const UPDATE_KEYWORDS: [&str; 10] = [
    "INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH",
];

/// The prefixes an error may tell a query to declare: the data set's own
/// (`ti:`, under the base of `endpoint`, the endpoint's IRI `BASE sparql`)
/// and the standard vocabularies'.
pub fn known_prefixes(endpoint: &str) -> Vec<(&'static str, String)> {
    let base = endpoint.strip_suffix("sparql").unwrap_or(endpoint);
    let default_base = crate::rdf::Base::default();
    crate::rdf::vocab::PREFIXES
        .iter()
        .map(|(prefix, namespace)| {
            let namespace = match namespace.strip_prefix(default_base.as_str()) {
                Some(path) => format!("{base}{path}"),
                None => (*namespace).to_owned(),
            };
            (*prefix, namespace)
        })
        .collect()
}

/// The language of the messages: English for programs and the command
/// line, French for the query page (and any client that prefers it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Language {
    /// English.
    #[default]
    English,
    /// French.
    French,
}

impl Language {
    /// The language an `Accept-Language` header value prefers among
    /// English and French (the first of the two with the highest weight;
    /// English when it names neither).
    pub fn preferred(accept_language: Option<&str>) -> Self {
        let mut best = (0.0_f32, Self::English);
        for range in accept_language.unwrap_or_default().split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let language = match tag.split('-').next().unwrap_or_default() {
                "fr" => Self::French,
                "en" => Self::English,
                _ => continue,
            };
            if weight > best.0 {
                best = (weight, language);
            }
        }
        best.1
    }
}

/// Why `text`, which does not parse as a query (`error`), is not one, in a
/// few lines: empty, an update (the data is read-only), or malformed (what
/// to write instead, see [`explain`]). `endpoint` is the endpoint's IRI.
pub fn not_a_query_message(
    text: &str,
    error: &SparqlSyntaxError,
    endpoint: &str,
    language: Language,
) -> String {
    let french = language == Language::French;
    match super::not_a_query(text) {
        super::NotAQuery::Empty if french => {
            "requête vide : écrivez une requête SELECT, ASK, CONSTRUCT ou DESCRIBE".to_owned()
        }
        super::NotAQuery::Empty => {
            "empty query: expected a SELECT, ASK, CONSTRUCT or DESCRIBE query".to_owned()
        }
        super::NotAQuery::Update if french => "c'est une mise à jour (SPARQL Update) envoyée comme une requête : ce point d'accès est en lecture seule et ne répond qu'aux requêtes (SELECT, ASK, CONSTRUCT, DESCRIBE)".to_owned(),
        super::NotAQuery::Update => "this is a SPARQL Update, sent as a query: this endpoint is read-only and answers queries only (SELECT, ASK, CONSTRUCT, DESCRIBE)".to_owned(),
        super::NotAQuery::Malformed => format!(
            "{}{}",
            if french { "requête mal formée : " } else { "malformed query: " },
            explain(text, error, &known_prefixes(endpoint), language)
        ),
    }
}

/// A short explanation of why `query` does not parse (`error` is the
/// parser's), naming the fix when one is known, in `language`. `known`
/// gives the namespaces of the prefixes a query may use without declaring
/// them elsewhere (the ontology's, the standard vocabularies').
pub fn explain(
    query: &str,
    error: &SparqlSyntaxError,
    known: &[(&str, String)],
    language: Language,
) -> String {
    let french = language == Language::French;
    let message = error.to_string();
    let position = position(&message);
    let place = |(line, column): (usize, usize)| {
        let text = query
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or_default();
        let caret = " ".repeat(column.saturating_sub(1));
        if french {
            format!("ligne {line}, colonne {column} :\n  {text}\n  {caret}^")
        } else {
            format!("line {line}, column {column}:\n  {text}\n  {caret}^")
        }
    };
    let tokens = words(query);
    // An undeclared prefix: the PREFIX line to add.
    let declared: Vec<String> = declared_prefixes(&tokens);
    if let Some(prefix) = tokens
        .iter()
        .filter_map(|w| prefix_of(&w.text))
        .find(|p| !declared.iter().any(|d| d == p))
    {
        let line = known
            .iter()
            .find(|(name, _)| *name == prefix)
            .map(|(name, namespace)| format!("PREFIX {name}: <{namespace}>"));
        return match (line, french) {
            (Some(line), false) => format!(
                "the prefix {prefix}: is not declared. Add this line before the query:\n{line}"
            ),
            (Some(line), true) => format!(
                "le préfixe {prefix}: n'est pas déclaré. Ajoutez cette ligne avant la requête :\n{line}"
            ),
            (None, false) => format!(
                "the prefix {prefix}: is not declared. Declare it before the query: PREFIX {prefix}: <its namespace IRI>"
            ),
            (None, true) => format!(
                "le préfixe {prefix}: n'est pas déclaré. Déclarez-le avant la requête : PREFIX {prefix}: <l'IRI de son espace de noms>"
            ),
        };
    }
    // A misspelt keyword: the nearest one.
    if let Some((word, keyword)) = tokens.iter().find_map(|w| {
        let upper = w.text.to_uppercase();
        if w.text.is_empty()
            || !w.text.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
            || KEYWORDS.contains(&upper.as_str())
            || UPDATE_KEYWORDS.contains(&upper.as_str())
            || ALSO_WORDS.contains(&upper.as_str())
            || ["A", "TRUE", "FALSE"].contains(&upper.as_str())
        {
            return None;
        }
        nearest_keyword(&upper).map(|k| (w, k))
    }) {
        let at = place((word.line, word.column));
        return if french {
            format!(
                "{} n'est pas un mot-clé SPARQL : vouliez-vous écrire {keyword} ? À la {at}",
                word.text
            )
        } else {
            format!(
                "{} is not a SPARQL keyword: did you mean {keyword}? At {at}",
                word.text
            )
        };
    }
    // Anything else: where, and what the parser expected if it says it
    // in a few words.
    let expected = message
        .split_once("expected ")
        .map(|(_, e)| e.trim())
        .filter(|e| e.len() <= 60 && !e.contains('\'') && !e.contains('['))
        .map(|e| {
            if french {
                format!(" (attendu : {e})")
            } else {
                format!(" (expected {e})")
            }
        })
        .unwrap_or_default();
    match (position, french) {
        (Some(at), false) => format!(
            "the query cannot be read from here{expected}; check the brackets, dots, quotes and names just before. At {}",
            place(at)
        ),
        (Some(at), true) => format!(
            "la requête ne peut pas être lue à partir d'ici{expected} ; vérifiez les accolades, parenthèses, points, guillemets et noms juste avant. À la {}",
            place(at)
        ),
        (None, false) => format!("the query cannot be read: {}", short(&message)),
        (None, true) => format!("la requête ne peut pas être lue : {}", short(&message)),
    }
}

/// The line and column of a parser message (`error at 1:31: …`).
fn position(message: &str) -> Option<(usize, usize)> {
    let rest = message.split_once("error at ")?.1;
    let (line, rest) = rest.split_once(':')?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

/// A message cut to its first line.
fn short(message: &str) -> &str {
    message.lines().next().unwrap_or(message)
}

/// A word of a query, outside strings, IRIs and comments, with where it starts.
#[derive(Debug)]
struct Word {
    text: String,
    line: usize,
    column: usize,
}

/// The words of `query`: runs of letters, digits, `_`, `-`, `.` inside names
/// and `:`, outside `"…"`, `'…'`, `<…>`, `#…` comments and `?variables`.
fn words(query: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut chars = query.chars().peekable();
    let (mut line, mut column) = (1, 0);
    let mut current: Option<Word> = None;
    let mut skip_until: Option<char> = None;
    let mut variable = false;
    while let Some(c) = chars.next() {
        column += 1;
        if c == '\n' {
            line += 1;
            column = 0;
        }
        if let Some(end) = skip_until {
            if c == end || (end == '\n' && c == '\n') {
                skip_until = None;
            }
            continue;
        }
        let in_word = c.is_alphanumeric() || c == '_' || c == ':' || c == '-';
        if in_word && !variable {
            current
                .get_or_insert_with(|| Word {
                    text: String::new(),
                    line,
                    column,
                })
                .text
                .push(c);
            continue;
        }
        if variable && (c.is_alphanumeric() || c == '_') {
            continue;
        }
        variable = false;
        if let Some(word) = current.take() {
            words.push(word);
        }
        match c {
            '"' | '\'' => skip_until = Some(c),
            '<' if chars
                .peek()
                .is_some_and(|n| !n.is_whitespace() && *n != '=') =>
            {
                skip_until = Some('>')
            }
            '#' => skip_until = Some('\n'),
            '?' | '$' => variable = true,
            _ => {}
        }
    }
    words.extend(current);
    words
}

/// The prefixes `PREFIX name:` declares in the words of a query.
fn declared_prefixes(words: &[Word]) -> Vec<String> {
    words
        .windows(2)
        .filter(|pair| pair[0].text.eq_ignore_ascii_case("PREFIX"))
        .filter_map(|pair| pair[1].text.strip_suffix(':').map(str::to_owned))
        .collect()
}

/// The prefix of a prefixed name (`ti:Award` → `ti`), if `word` is one.
fn prefix_of(word: &str) -> Option<String> {
    let (prefix, local) = word.split_once(':')?;
    let valid = prefix.chars().next().is_some_and(|c| c.is_alphabetic())
        && prefix
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.');
    (valid && (!local.is_empty() || word.ends_with(':'))).then(|| prefix.to_owned())
}

/// The keyword nearest `word` (upper case), if it is near enough to be a
/// slip: at most one edit for short words, two for longer ones.
fn nearest_keyword(word: &str) -> Option<&'static str> {
    let limit = if word.len() <= 4 { 1 } else { 2 };
    KEYWORDS
        .iter()
        .map(|k| (distance(word, k), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The Levenshtein distance between two words.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explained(query: &str) -> String {
        let error = super::super::parse(query, None).expect_err("a syntax error");
        let known = [(
            "ti",
            "https://w3id.org/territoire-innovant/ontology#".to_owned(),
        )];
        explain(query, &error, &known, Language::English)
    }

    fn en_francais(query: &str) -> String {
        let error = super::super::parse(query, None).expect_err("a syntax error");
        not_a_query_message(
            query,
            &error,
            "https://w3id.org/territoire-innovant/sparql",
            Language::French,
        )
    }

    #[test]
    fn the_query_page_s_language_gets_every_message_in_french() {
        assert_eq!(
            en_francais("SELECT * WHERE { ?a a ti:Award }"),
            "requête mal formée : le préfixe ti: n'est pas déclaré. Ajoutez cette ligne avant la requête :\n\
             PREFIX ti: <https://w3id.org/territoire-innovant/ontology#>"
        );
        let keyword = en_francais("SELEKT * WHERE { ?a ?b ?c }");
        assert!(
            keyword.contains("SELEKT n'est pas un mot-clé SPARQL : vouliez-vous écrire SELECT ? À la ligne 1, colonne 1 :\n  SELEKT"),
            "{keyword}"
        );
        let elsewhere = en_francais("SELECT * WHERE {\n  ?a ?b ?c\n");
        assert!(elsewhere.contains("ligne "), "{elsewhere}");
        assert!(!elsewhere.contains("line "), "{elsewhere}");
        assert!(en_francais("INSERT DATA { <a> <b> <c> }").contains("lecture seule"));
        assert!(en_francais("   ").starts_with("requête vide"));
    }

    #[test]
    fn accept_language_chooses_french_or_english() {
        assert_eq!(Language::preferred(None), Language::English);
        assert_eq!(Language::preferred(Some("fr")), Language::French);
        assert_eq!(
            Language::preferred(Some("fr-FR,fr;q=0.9,en;q=0.8")),
            Language::French
        );
        assert_eq!(
            Language::preferred(Some("en-US,en;q=0.9,fr;q=0.8")),
            Language::English
        );
        assert_eq!(Language::preferred(Some("de, fr;q=0.5")), Language::French);
        assert_eq!(Language::preferred(Some("de")), Language::English);
    }

    #[test]
    fn an_undeclared_known_prefix_gets_its_prefix_line() {
        assert_eq!(
            explained("SELECT * WHERE { ?a a ti:Award }"),
            "the prefix ti: is not declared. Add this line before the query:\n\
             PREFIX ti: <https://w3id.org/territoire-innovant/ontology#>"
        );
        assert!(
            explained("SELECT * WHERE { ?a a foo:Bar }")
                .contains("PREFIX foo: <its namespace IRI>")
        );
    }

    #[test]
    fn a_misspelt_keyword_gets_the_nearest() {
        let message = explained("SELEKT * WHERE { ?a ?b ?c }");
        assert!(
            message.starts_with("SELEKT is not a SPARQL keyword: did you mean SELECT?"),
            "{message}"
        );
        assert!(
            message.contains("line 1, column 1:\n  SELEKT * WHERE { ?a ?b ?c }\n  ^"),
            "{message}"
        );
        assert!(
            explained("SELECT * WHERE { ?a ?b ?c } ORDRE BY ?a").contains("did you mean ORDER?")
        );
    }

    #[test]
    fn other_errors_say_where_without_the_parsers_internals() {
        let message = explained("SELECT * WHERE {\n  ?a ?b ?c\n");
        assert!(message.contains("line "), "{message}");
        assert!(!message.contains("\\u{"), "{message}");
        assert!(message.lines().count() <= 4, "{message}");
        // Names inside strings, IRIs, comments and variables are not
        // prefixes nor keywords.
        let message =
            explained("SELECT ?selekt WHERE { ?a <http://x.org/a:b> \"ti:x\" # foo:bar\n");
        assert!(!message.contains("prefix"), "{message}");
        assert!(!message.contains("keyword"), "{message}");
    }

    #[test]
    fn distances_count_edits() {
        assert_eq!(distance("SELEKT", "SELECT"), 1);
        assert_eq!(distance("FILTRE", "FILTER"), 2);
        assert_eq!(nearest_keyword("ZZZZZZ"), None);
    }
}
