//! The W3C SPARQL 1.1 Protocol test suite (`tests/fixtures/w3c-sparql11-protocol/`),
//! as a read-only endpoint must pass it: every query case is run with the
//! case's request (method, parameters, content type, body) against a test
//! server, and must get the case's status and answer. The suite's sample
//! graphs (`data1.rdf`…) are replaced by this data set's graphs: a subject
//! found only in the data graph, one only in the ontology graph and one only
//! in the catalog graph play their parts. Updates are refused (4xx), which
//! is what the suite's `bad_update_*` cases expect; its update cases that
//! expect a change of the store do not apply, and say why.

mod common;

use common::{TestServer, raw_client, repo};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNodeRef, Term};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use std::collections::BTreeSet;

const BASE: &str = "https://w3id.org/territoire-innovant/";
/// Subjects of one graph only.
const IN_DATA: &str = "https://w3id.org/territoire-innovant/award/2023/rudi";
const IN_ONTOLOGY: &str = "https://w3id.org/territoire-innovant/ontology#Award";
const IN_CATALOG: &str = "https://w3id.org/territoire-innovant/catalog";

fn graph(name: &str) -> String {
    format!("{BASE}graph/{name}")
}

/// One request of a case.
struct Request {
    method: reqwest::Method,
    /// Path and query string, after `/sparql`.
    query_string: String,
    content_type: Option<&'static str>,
    body: Option<Vec<u8>>,
}

impl Request {
    fn get(parameters: &[(&str, &str)]) -> Self {
        Self {
            method: reqwest::Method::GET,
            query_string: serde_urlencoded::to_string(parameters).unwrap(),
            content_type: None,
            body: None,
        }
    }

    fn post_form(url_parameters: &[(&str, &str)], form: &[(&str, &str)]) -> Self {
        Self {
            method: reqwest::Method::POST,
            query_string: serde_urlencoded::to_string(url_parameters).unwrap(),
            content_type: Some("application/x-www-form-urlencoded"),
            body: Some(serde_urlencoded::to_string(form).unwrap().into_bytes()),
        }
    }

    fn post_direct(url_parameters: &[(&str, &str)], query: &str) -> Self {
        Self {
            method: reqwest::Method::POST,
            query_string: serde_urlencoded::to_string(url_parameters).unwrap(),
            content_type: Some("application/sparql-query"),
            body: Some(query.as_bytes().to_vec()),
        }
    }

    fn with_content_type(mut self, content_type: Option<&'static str>) -> Self {
        self.content_type = content_type;
        self
    }
}

/// What a case expects.
enum Expect {
    /// 2xx with a boolean result.
    Boolean(bool),
    /// 2xx with one of these media types.
    MediaType(&'static [&'static str]),
    /// A 4xx.
    ClientError,
}

struct Case {
    /// The manifest entry this case runs.
    entry: &'static str,
    request: Request,
    expect: Expect,
}

/// The entries of the manifest that do not apply to a read-only endpoint.
const NOT_APPLICABLE: &[(&str, &str)] = &[
    (
        "update_dataset_default_graph",
        "an update that changes the store: the endpoint is read-only (403)",
    ),
    (
        "update_dataset_default_graphs",
        "an update that changes the store: the endpoint is read-only (403)",
    ),
    (
        "update_dataset_named_graphs",
        "an update that changes the store: the endpoint is read-only (403)",
    ),
    (
        "update_dataset_full",
        "an update that changes the store: the endpoint is read-only (403)",
    ),
    (
        "update_post_form",
        "an update that changes the store: the endpoint is read-only (403)",
    ),
    (
        "update_post_direct",
        "an update that changes the store: the endpoint is read-only (403)",
    ),
    (
        "update_base_uri",
        "checks the base IRI through an update: the same base IRI is checked for queries by query_content_type_construct",
    ),
];

fn cases() -> Vec<Case> {
    let ask_two_default = format!("ASK {{ <{IN_DATA}> ?p1 ?o1 . <{IN_ONTOLOGY}> ?p2 ?o2 }}");
    let ask_two_named = format!(
        "ASK {{ GRAPH ?g1 {{ <{IN_DATA}> ?p1 ?o1 }} GRAPH ?g2 {{ <{IN_ONTOLOGY}> ?p2 ?o2 }} }}"
    );
    let ask_full = format!(
        "ASK {{\n  <{IN_CATALOG}> ?p ?o\n  GRAPH ?g1 {{ <{IN_DATA}> ?p1 ?o1 }}\n  GRAPH ?g2 {{ <{IN_ONTOLOGY}> ?p2 ?o2 }}\n}}"
    );
    let ask_from = format!(
        "ASK FROM <{}> {{ GRAPH ?g1 {{ <{IN_DATA}> ?p1 ?o1 }} GRAPH ?g2 {{ <{IN_ONTOLOGY}> ?p2 ?o2 }} }}",
        graph("catalog")
    );
    let (data, ontology, catalog) = (graph("data"), graph("ontology"), graph("catalog"));
    let nowhere = "http://kasei.us/2009/09/sparql/data/data0.rdf";
    let both_default = [
        ("default-graph-uri", data.as_str()),
        ("default-graph-uri", ontology.as_str()),
    ];
    let both_named = [
        ("named-graph-uri", data.as_str()),
        ("named-graph-uri", ontology.as_str()),
    ];
    let full = [
        ("default-graph-uri", catalog.as_str()),
        ("named-graph-uri", data.as_str()),
        ("named-graph-uri", ontology.as_str()),
    ];
    let utf16: Vec<u8> = "ASK {}".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let case = |entry, request, expect| Case {
        entry,
        request,
        expect,
    };
    use Expect::*;
    let results = &[
        "application/sparql-results+xml",
        "application/sparql-results+json",
        "text/csv",
        "text/tab-separated-values",
    ];
    let booleans = &[
        "application/sparql-results+xml",
        "application/sparql-results+json",
    ];
    let graphs = &[
        "application/rdf+xml",
        "text/turtle",
        "application/n-triples",
    ];
    vec![
        case(
            "query_post_form",
            Request::post_form(&[("default-graph-uri", nowhere)], &[("query", "ASK {}")]),
            Boolean(true),
        ),
        case(
            "query_dataset_default_graphs_get",
            Request::get(&[&[("query", ask_two_default.as_str())][..], &both_default].concat()),
            Boolean(true),
        ),
        case(
            "query_dataset_default_graphs_post",
            Request::post_direct(&both_default, &ask_two_default),
            Boolean(true),
        ),
        case(
            "query_dataset_named_graphs_post",
            Request::post_direct(&both_named, &ask_two_named),
            Boolean(true),
        ),
        case(
            "query_dataset_named_graphs_get",
            Request::get(&[&[("query", ask_two_named.as_str())][..], &both_named].concat()),
            Boolean(true),
        ),
        case(
            "query_dataset_full",
            Request::post_direct(&full, &ask_full),
            Boolean(true),
        ),
        case(
            "query_multiple_dataset",
            Request::post_direct(&both_named, &ask_from),
            Boolean(true),
        ),
        case(
            "query_get",
            Request::get(&[("query", "ASK {}"), ("default-graph-uri", nowhere)]),
            Boolean(true),
        ),
        case(
            "query_content_type_select",
            Request::post_direct(&[("default-graph-uri", nowhere)], "SELECT (1 AS ?value) {}"),
            MediaType(results),
        ),
        case(
            "query_content_type_ask",
            Request::post_direct(&[("default-graph-uri", nowhere)], "ASK {}"),
            MediaType(booleans),
        ),
        case(
            "query_content_type_describe",
            Request::post_direct(
                &[("default-graph-uri", nowhere)],
                "DESCRIBE <http://example.org/>",
            ),
            MediaType(graphs),
        ),
        case(
            "query_content_type_construct",
            Request::post_direct(
                &[("default-graph-uri", nowhere)],
                "CONSTRUCT { <s> <p> 1 } WHERE {}",
            ),
            MediaType(graphs),
        ),
        case(
            "query_post_direct",
            Request::post_direct(&[], "ASK {}"),
            Boolean(true),
        ),
        case(
            "bad_query_method",
            Request {
                method: reqwest::Method::PUT,
                ..Request::get(&[("query", "ASK {}"), ("default-graph-uri", nowhere)])
            }
            .with_content_type(Some("application/x-www-form-urlencoded")),
            ClientError,
        ),
        case(
            "bad_multiple_queries",
            Request::get(&[("query", "ASK {}"), ("query", "SELECT * {}")]),
            ClientError,
        ),
        case(
            "bad_query_wrong_media_type",
            Request::post_direct(&[], "ASK {}").with_content_type(Some("text/plain")),
            ClientError,
        ),
        case(
            "bad_query_missing_form_type",
            Request::post_form(&[], &[("query", "ASK {}")]).with_content_type(None),
            ClientError,
        ),
        case(
            "bad_query_missing_direct_type",
            Request::post_direct(&[], "ASK {}").with_content_type(None),
            ClientError,
        ),
        case(
            "bad_query_non_utf8",
            Request {
                body: Some(utf16),
                ..Request::post_direct(&[], "")
                    .with_content_type(Some("application/sparql-query; charset=UTF-16"))
            },
            ClientError,
        ),
        case(
            "bad_query_syntax",
            Request::get(&[("query", "ASK {")]),
            ClientError,
        ),
        case(
            "bad_update_get",
            Request::get(&[("update", "CLEAR ALL")]),
            ClientError,
        ),
        case(
            "bad_multiple_updates",
            Request::post_form(
                &[],
                &[("update", "CLEAR NAMED"), ("update", "CLEAR DEFAULT")],
            ),
            ClientError,
        ),
        case(
            "bad_update_wrong_media_type",
            Request::post_direct(&[], "CLEAR NAMED").with_content_type(Some("text/plain")),
            ClientError,
        ),
        case(
            "bad_update_missing_form_type",
            Request::post_form(&[], &[("update", "CLEAR NAMED")]).with_content_type(None),
            ClientError,
        ),
        case(
            "bad_update_non_utf8",
            Request {
                body: Some(
                    "CLEAR NAMED"
                        .encode_utf16()
                        .flat_map(u16::to_le_bytes)
                        .collect(),
                ),
                ..Request::post_direct(&[], "")
                    .with_content_type(Some("application/sparql-update; charset=UTF-16"))
            },
            ClientError,
        ),
        case(
            "bad_update_syntax",
            Request::post_form(&[], &[("update", "CLEAR XYZ")]),
            ClientError,
        ),
        case(
            "bad_update_dataset_conflict",
            Request::post_form(
                &[("using-named-graph-uri", "http://example/people")],
                &[(
                    "update",
                    "PREFIX foaf: <http://xmlns.com/foaf/0.1/> WITH <http://example/addresses> DELETE { ?person foaf:givenName 'Bill' } INSERT { ?person foaf:givenName 'William' } WHERE { ?person foaf:givenName 'Bill' }",
                )],
            ),
            ClientError,
        ),
    ]
}

/// The entries of the manifest, by local name.
fn manifest_entries() -> BTreeSet<String> {
    let path = repo().join("tests/fixtures/w3c-sparql11-protocol/manifest.ttl");
    let file = std::fs::File::open(&path).unwrap();
    let entry_type = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#ProtocolTest",
    );
    RdfParser::from_format(RdfFormat::Turtle)
        .with_base_iri(
            "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest.ttl",
        )
        .unwrap()
        .for_reader(file)
        .map(|t| t.unwrap())
        .filter(|t| t.predicate.as_str().ends_with("#type") && t.object == Term::from(entry_type))
        .map(|t| {
            let subject = t.subject.to_string();
            subject
                .trim_end_matches('>')
                .rsplit('#')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn every_entry_of_the_manifest_is_run_or_said_not_to_apply() {
    let entries = manifest_entries();
    assert_eq!(entries.len(), 34, "{entries:?}");
    let covered: BTreeSet<String> = cases()
        .iter()
        .map(|c| c.entry)
        .chain(NOT_APPLICABLE.iter().map(|(entry, _)| *entry))
        .map(str::to_owned)
        .collect();
    assert_eq!(entries, covered);
}

fn media_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| {
            v.to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .trim()
                .to_owned()
        })
        .unwrap_or_default()
}

fn boolean(media_type: &str, body: &str) -> Option<bool> {
    match media_type {
        "application/sparql-results+json" => {
            serde_json::from_str::<serde_json::Value>(body).ok()?["boolean"].as_bool()
        }
        "application/sparql-results+xml" => {
            Some(body.contains("<boolean>true</boolean>")).filter(|_| body.contains("<boolean>"))
        }
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_protocol_cases_pass() {
    let server = TestServer::default().await;
    let client = raw_client();
    let mut failures = Vec::new();
    for case in cases() {
        let mut request = client
            .request(
                case.request.method.clone(),
                format!("{}/sparql?{}", server.url, case.request.query_string),
            )
            .header(ACCEPT, "*/*");
        if let Some(content_type) = case.request.content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        if let Some(body) = case.request.body.clone() {
            request = request.body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let media_type = media_type(&response);
        let body = response.text().await.unwrap();
        let passed = match case.expect {
            Expect::Boolean(expected) => {
                status.is_success() && boolean(&media_type, &body) == Some(expected)
            }
            Expect::MediaType(allowed) => {
                status.is_success() && allowed.contains(&media_type.as_str())
            }
            Expect::ClientError => status.is_client_error(),
        };
        if !passed {
            failures.push(format!("{}: {status} {media_type} {body}", case.entry));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The data set cases above must fail when the protocol names other graphs:
/// the graphs really are those of the protocol.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_protocol_data_set_is_the_one_used() {
    let server = TestServer::default().await;
    let ask = |query: String, parameters: Vec<(&'static str, String)>| {
        let url = server.at("/sparql");
        async move {
            let mut all = vec![("query", query)];
            all.extend(parameters);
            let response = raw_client()
                .get(url)
                .query(&all)
                .header(ACCEPT, "application/sparql-results+json")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let body = response.text().await.unwrap();
            boolean("application/sparql-results+json", &body).unwrap()
        }
    };
    let two = format!("ASK {{ <{IN_DATA}> ?p1 ?o1 . <{IN_ONTOLOGY}> ?p2 ?o2 }}");
    assert!(
        ask(two.clone(), vec![]).await,
        "the union of all graphs by default"
    );
    assert!(!ask(two, vec![("default-graph-uri", graph("data"))]).await);
    let named = format!("ASK {{ GRAPH ?g {{ <{IN_ONTOLOGY}> ?p ?o }} }}");
    assert!(!ask(named, vec![("named-graph-uri", graph("data"))]).await);
}

/// Relative IRIs of a query resolve against the endpoint's IRI.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relative_iris_resolve_against_the_endpoint() {
    let server = TestServer::default().await;
    let response = raw_client()
        .post(server.at("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-query")
        .header(ACCEPT, "application/n-triples")
        .body("CONSTRUCT { <s> <p> 1 } WHERE {}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.text().await.unwrap().trim(),
        format!("<{BASE}s> <{BASE}p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .")
    );
}
