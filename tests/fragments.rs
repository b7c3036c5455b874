//! `/fragments`, the Triple Pattern Fragments interface (issue 15): pages
//! that hold exactly the union's matching triples, once each, across pages;
//! the Hydra controls; literals in the TPF encoding; clear errors; every
//! syntax; and Comunica answering every example query from the fragments
//! alone, against the expected answers of `queries/`.

mod common;

use common::{TestServer, repo};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, NamedNode, Quad, Term, Triple};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

const BASE: &str = "https://w3id.org/territoire-innovant/";
const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";

async fn get(server: &TestServer, query: &[(&str, &str)], accept: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(server.at("/fragments"))
        .query(query)
        .header(ACCEPT, accept)
        .send()
        .await
        .unwrap()
}

fn quads(format: RdfFormat, body: &[u8]) -> Vec<Quad> {
    RdfParser::from_format(format)
        .for_slice(body)
        .map(Result::unwrap)
        .collect()
}

/// A page as N-Quads: its data triples (default graph), its controls (the
/// metadata graph) and the page's URL (the metadata graph's primary topic).
struct Fetched {
    data: Vec<Triple>,
    controls: Vec<Triple>,
}

impl Fetched {
    fn value(&self, local: &str) -> Option<Term> {
        self.controls
            .iter()
            .find(|t| t.predicate.as_str() == format!("{HYDRA}{local}"))
            .map(|t| t.object.clone())
    }

    fn total(&self) -> u64 {
        match self.value("totalItems") {
            Some(Term::Literal(l)) => l.value().parse().unwrap(),
            other => panic!("no totalItems: {other:?}"),
        }
    }
}

async fn fetch(url: &str) -> Fetched {
    let response = reqwest::Client::new()
        .get(url)
        .header(ACCEPT, "application/n-quads")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    assert_eq!(response.headers()[CONTENT_TYPE], "application/n-quads");
    let mut fetched = Fetched {
        data: Vec::new(),
        controls: Vec::new(),
    };
    for quad in quads(RdfFormat::NQuads, &response.bytes().await.unwrap()) {
        match &quad.graph_name {
            GraphName::DefaultGraph => fetched.data.push(quad.into()),
            GraphName::NamedNode(graph) => {
                assert!(graph.as_str().ends_with("#metadata"), "{graph}");
                fetched.controls.push(quad.into());
            }
            other => panic!("{other}"),
        }
    }
    assert!(
        fetched
            .controls
            .iter()
            .any(|t| t.predicate.as_str() == "http://xmlns.com/foaf/0.1/primaryTopic"),
        "the metadata graph names its page"
    );
    fetched
}

/// The distinct triples of the union matching `pattern` (SPARQL syntax),
/// as the server's SPARQL endpoint gives them (its default graph is the
/// union of the store's graphs, the catalog's included).
async fn expected(server: &TestServer, pattern: &str) -> BTreeSet<String> {
    let json: Value = reqwest::Client::new()
        .get(server.at("/sparql"))
        .query(&[(
            "query",
            format!("SELECT DISTINCT ?s ?p ?o WHERE {{ {pattern} }}"),
        )])
        .header(ACCEPT, "application/sparql-results+json")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|body| serde_json::from_slice(&body).unwrap())
        .unwrap();
    json["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| ["s", "p", "o"].map(|v| n_triples(&row[v])).join(" "))
        .collect()
}

/// A SPARQL JSON term written as N-Triples writes it.
fn n_triples(term: &Value) -> String {
    let value = term["value"].as_str().unwrap();
    match term["type"].as_str().unwrap() {
        "uri" => format!("<{value}>"),
        "bnode" => format!("_:{value}"),
        _ => {
            let quoted = format!(
                "\"{}\"",
                value
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('\n', "\\n")
            );
            match (term.get("xml:lang"), term.get("datatype")) {
                (Some(lang), _) => format!("{quoted}@{}", lang.as_str().unwrap()),
                (None, Some(datatype)) if datatype != "http://www.w3.org/2001/XMLSchema#string" => {
                    format!("{quoted}^^<{}>", datatype.as_str().unwrap())
                }
                _ => quoted,
            }
        }
    }
}

fn plain(triple: &Triple) -> String {
    format!("{} {} {}", triple.subject, triple.predicate, triple.object)
}

#[tokio::test]
async fn pages_hold_each_matching_triple_of_the_union_once() {
    let server = TestServer::default().await;
    // rdf:type: hundreds of triples, in several graphs (data, alignments…).
    let rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    let mut url = format!(
        "{}?predicate={}",
        server.at("/fragments"),
        urlencode(rdf_type)
    );
    let mut seen = Vec::new();
    let mut totals = BTreeSet::new();
    let mut pages = 0;
    loop {
        let page = fetch(&url).await;
        pages += 1;
        assert!(page.data.len() <= 100);
        assert!(page.data.iter().all(|t| t.predicate.as_str() == rdf_type));
        totals.insert(page.total());
        seen.extend(page.data.iter().map(plain));
        match page.value("next") {
            Some(Term::NamedNode(next)) => {
                assert_eq!(page.data.len(), 100, "only the last page is short");
                url = next.as_str().to_owned();
            }
            _ => break,
        }
    }
    let expected = expected(&server, &format!("?s ?p ?o FILTER(?p = <{rdf_type}>)")).await;
    assert!(pages >= 3, "{pages} pages");
    assert_eq!(seen.len(), expected.len(), "each triple once across pages");
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), expected);
    assert_eq!(
        totals,
        BTreeSet::from([expected.len() as u64]),
        "an exact count"
    );
}

#[tokio::test]
async fn a_bound_subject_gives_its_triples_and_the_search_form() {
    let server = TestServer::default().await;
    let award = format!("{BASE}award/2023/rudi");
    let url = format!("{}?subject={}", server.at("/fragments"), urlencode(&award));
    let page = fetch(&url).await;
    let got: BTreeSet<String> = page.data.iter().map(plain).collect();
    assert_eq!(
        got,
        expected(&server, &format!("?s ?p ?o FILTER(?s = <{award}>)")).await
    );
    assert_eq!(page.total(), got.len() as u64);
    assert!(page.value("next").is_none());
    // The search form: a template with the three mappings, explicit representation.
    let template = page.value("template").expect("a hydra:template");
    assert_eq!(
        common::plain(&template),
        format!("{}{{?subject,predicate,object}}", server.at("/fragments"))
    );
    let variables: BTreeSet<String> = page
        .controls
        .iter()
        .filter(|t| t.predicate.as_str() == format!("{HYDRA}variable"))
        .map(|t| common::plain(&t.object))
        .collect();
    assert_eq!(
        variables,
        BTreeSet::from(["object".into(), "predicate".into(), "subject".into()])
    );
    assert_eq!(
        page.value("variableRepresentation"),
        Some(NamedNode::new_unchecked(format!("{HYDRA}ExplicitRepresentation")).into())
    );
}

#[tokio::test]
async fn literals_in_the_tpf_encoding_are_matched_exactly() {
    let server = TestServer::default().await;
    for (object, sparql) in [
        ("\"Or\"@fr", "\"Or\"@fr"),
        ("\"Or\"", "\"Or\""),
        (
            "\"2023\"^^http://www.w3.org/2001/XMLSchema#gYear",
            "\"2023\"^^<http://www.w3.org/2001/XMLSchema#gYear>",
        ),
        (
            "\"58\"^^http://www.w3.org/2001/XMLSchema#integer",
            "\"58\"^^<http://www.w3.org/2001/XMLSchema#integer>",
        ),
    ] {
        let url = format!("{}?object={}", server.at("/fragments"), urlencode(object));
        let page = fetch(&url).await;
        let got: BTreeSet<String> = page.data.iter().map(plain).collect();
        let expected = expected(&server, &format!("?s ?p ?o FILTER(sameTerm(?o, {sparql}))")).await;
        assert_eq!(got, expected, "{object}");
        assert_eq!(page.total(), expected.len() as u64, "{object}");
    }
    assert_eq!(
        expected(&server, "?s ?p ?o FILTER(sameTerm(?o, \"Or\"@fr))")
            .await
            .len(),
        2,
        "the level Or: skos:prefLabel and rdfs:label"
    );
    // A client that binds a subject to a literal gets an empty page.
    let url = format!(
        "{}?subject={}",
        server.at("/fragments"),
        urlencode("\"1\"^^http://www.w3.org/2001/XMLSchema#integer")
    );
    let page = fetch(&url).await;
    assert!(page.data.is_empty());
    assert_eq!(page.total(), 0);
}

#[tokio::test]
async fn a_bad_pattern_or_page_gets_a_400_that_names_it() {
    let server = TestServer::default().await;
    for (query, expected) in [
        (
            vec![("object", "\"Or")],
            "object: \"\"Or\" has no closing quote",
        ),
        (vec![("object", "\"Or\"@")], "object"),
        (
            vec![("subject", "\"Or")],
            "subject: \"\"Or\" has no closing quote",
        ),
        (
            vec![("predicate", "not an iri")],
            "predicate: \"not an iri\" is not an IRI",
        ),
        (vec![("page", "0")], "page: \"0\" is not a page number"),
    ] {
        let response = get(&server, &query, "text/turtle").await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query:?}");
        let text = response.text().await.unwrap();
        assert!(text.contains(expected), "{query:?}: {text}");
    }
}

#[tokio::test]
async fn every_syntax_answers_with_cors_caching_and_a_strong_etag() {
    let server = TestServer::default().await;
    let query = [("predicate", "http://www.w3.org/2004/02/skos/core#prefLabel")];
    for (accept, format) in [
        ("text/turtle", Some(RdfFormat::Turtle)),
        ("application/n-triples", Some(RdfFormat::NTriples)),
        ("application/n-quads", Some(RdfFormat::NQuads)),
        ("application/trig", Some(RdfFormat::TriG)),
        ("application/rdf+xml", Some(RdfFormat::RdfXml)),
        ("application/ld+json", None),
        ("text/html", None),
    ] {
        let response = reqwest::Client::new()
            .get(server.at("/fragments"))
            .query(&query)
            .header(ACCEPT, accept)
            .header("Origin", "https://example.org")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        let headers = response.headers().clone();
        assert!(
            headers[CONTENT_TYPE].to_str().unwrap().starts_with(accept),
            "{accept}"
        );
        assert_eq!(headers["access-control-allow-origin"], "*", "{accept}");
        assert!(
            headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("public")
        );
        let etag = headers["etag"].to_str().unwrap().to_owned();
        assert!(etag.starts_with('"'), "a strong ETag: {etag}");
        let body = response.bytes().await.unwrap();
        if let Some(format) = format {
            let parsed = quads(format, &body);
            assert!(parsed.len() > 100, "{accept}: {}", parsed.len());
        }
        if accept == "text/html" {
            let page = String::from_utf8(body.to_vec()).unwrap();
            assert!(page.contains("<label for=\"predicate\">"), "{page}");
            assert!(page.contains("Page suivante"));
        }
        let again = reqwest::Client::new()
            .get(server.at("/fragments"))
            .query(&query)
            .header(ACCEPT, accept)
            .header("If-None-Match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{accept}");
    }
    let head = reqwest::Client::new()
        .head(server.at("/fragments"))
        .query(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
}

fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)]).unwrap()[1..].to_owned()
}

/// The example queries with the variables of their expected answers.
fn example_queries() -> (Value, BTreeMap<String, Vec<String>>) {
    let mut queries = serde_json::Map::new();
    let mut answers = BTreeMap::new();
    let mut names: Vec<_> = std::fs::read_dir(repo().join("queries"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rq"))
        .collect();
    names.sort();
    for path in names {
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let query = std::fs::read_to_string(&path).unwrap();
        let expected = std::fs::read_to_string(path.with_extension("expected.tsv")).unwrap();
        let mut lines = expected.lines();
        let header = lines.next().unwrap_or_default();
        let (variables, mut rows): (Vec<String>, Vec<String>) = if header.starts_with('?') {
            (
                header.split('\t').map(|v| v[1..].to_owned()).collect(),
                lines.map(str::to_owned).collect(),
            )
        } else {
            (Vec::new(), vec![header.to_owned()])
        };
        rows.sort();
        queries.insert(
            name.clone(),
            json!({ "query": query, "variables": variables }),
        );
        answers.insert(name, rows);
    }
    (Value::Object(queries), answers)
}

/// Where Comunica 4.5's own evaluation departs from SPARQL, whatever its
/// source: the query, and what it does. For these, the fragments must give
/// Comunica exactly the answer it computes from the whole Turtle dump.
const COMUNICA_DEVIATIONS: &[(&str, &str)] = &[
    (
        "awards-per-kind",
        "COUNT(DISTINCT ?gold), ?gold bound by an OPTIONAL on some rows only: unbound instead of the count",
    ),
    (
        "covered-territories",
        "COUNT(DISTINCT ?commune), ?commune bound by an OPTIONAL on some rows only: unbound instead of 0",
    ),
];

/// Runs the example queries `queries` with Comunica over `source`.
async fn comunica(source: String, queries: Value) -> BTreeMap<String, Value> {
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(repo().join("tests/clients/comunica-tpf.mjs"))
            .arg(source)
            .arg(queries.to_string())
            .current_dir(repo().join("tests/clients"))
            .output()
            .expect("node runs (install the clients with scripts/install-test-tools)")
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn sorted_rows(name: &str, answer: &Value) -> Result<Vec<String>, String> {
    let mut rows: Vec<String> = answer
        .as_array()
        .ok_or_else(|| format!("{name}: {answer}"))?
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect();
    rows.sort();
    Ok(rows)
}

/// Comunica, given only `/fragments`, answers every example query with its
/// expected rows: the interface is complete enough for SPARQL, and the
/// example queries need nothing but triple patterns underneath. Where
/// Comunica's own evaluation departs from SPARQL ([`COMUNICA_DEVIATIONS`]),
/// the fragments give it what the whole dump gives it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comunica_answers_every_example_query_from_the_fragments_alone() {
    let server = TestServer::default().await;
    let (queries, expected) = example_queries();
    let answers = comunica(server.at("/fragments"), queries.clone()).await;
    let deviating: serde_json::Map<String, Value> = COMUNICA_DEVIATIONS
        .iter()
        .map(|(name, _)| (name.to_string(), queries[name].clone()))
        .collect();
    let from_dump = comunica(
        server.at("/dumps/territoire-innovant.ttl"),
        Value::Object(deviating),
    )
    .await;
    let mut wrong = Vec::new();
    for (name, rows) in &expected {
        let got = match sorted_rows(name, &answers[name]) {
            Ok(got) => got,
            Err(e) => {
                wrong.push(e);
                continue;
            }
        };
        let expected = match COMUNICA_DEVIATIONS.iter().find(|(n, _)| n == name) {
            Some((_, why)) => {
                let from_dump = sorted_rows(name, &from_dump[name]).unwrap();
                assert_ne!(
                    &from_dump, rows,
                    "{name}: Comunica no longer deviates ({why}): take it off the list"
                );
                from_dump
            }
            None => rows.clone(),
        };
        if got != expected {
            wrong.push(format!(
                "{name}:\n  got      {got:?}\n  expected {expected:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
