//! The SPARQL 1.1 Protocol endpoint, spoken to over HTTP on a real server.

mod common;

use common::{TestServer, raw_client};
use oxigraph::io::{RdfFormat, RdfParser};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use std::time::{Duration, Instant};
use territoire_innovant::server::Config;

const COUNT_AWARDS: &str =
    "SELECT (COUNT(?a) AS ?n) WHERE { ?a a <https://w3id.org/territoire-innovant/ontology#Award> }";
const CONSTRUCT_LEVELS: &str = "CONSTRUCT { ?l <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } WHERE { ?l a <https://w3id.org/territoire-innovant/ontology#Level> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }";
const CARTESIAN: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn get_query(server: &TestServer, query: &str, accept: Option<&str>) -> reqwest::Response {
    let mut request = client()
        .get(server.at("/sparql"))
        .query(&[("query", query)]);
    if let Some(accept) = accept {
        request = request.header(ACCEPT, accept);
    }
    request.send().await.unwrap()
}

fn content_type(response: &reqwest::Response) -> String {
    response.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned()
}

fn parse_rdf(format: RdfFormat, body: &[u8]) -> usize {
    RdfParser::from_format(format)
        .for_slice(body)
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{format}: {e}\n{}", String::from_utf8_lossy(body)))
        .len()
}

#[tokio::test]
async fn get_select_answers_json_by_default() {
    let server = TestServer::default().await;
    let response = get_query(&server, COUNT_AWARDS, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(content_type(&response), "application/sparql-results+json");
    let json: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(json["results"]["bindings"][0]["n"]["value"], "25");
}

#[tokio::test]
async fn select_results_in_every_format_by_accept() {
    let server = TestServer::default().await;
    for (accept, expected_type, expected_body) in [
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            "<literal datatype=\"http://www.w3.org/2001/XMLSchema#integer\">25</literal>",
        ),
        ("text/csv", "text/csv; charset=utf-8", "n\r\n25\r\n"),
        (
            "text/tab-separated-values",
            "text/tab-separated-values; charset=utf-8",
            "?n\n25\n",
        ),
        (
            "application/json",
            "application/sparql-results+json",
            "\"value\":\"25\"",
        ),
    ] {
        let response = get_query(&server, COUNT_AWARDS, Some(accept)).await;
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        assert_eq!(content_type(&response), expected_type);
        assert_eq!(response.headers()["vary"], "Accept");
        let body = response.text().await.unwrap();
        assert!(body.contains(expected_body), "{accept}: {body}");
    }
}

#[tokio::test]
async fn ask_answers_a_boolean() {
    let server = TestServer::default().await;
    let ask = "ASK { ?a <https://w3id.org/territoire-innovant/ontology#laureate>/<https://w3id.org/territoire-innovant/ontology#nameInSource> \"Ville de Paris\"@fr }";
    let body = get_query(&server, ask, None).await.text().await.unwrap();
    assert!(body.contains("\"boolean\":true"), "{body}");
    let body = get_query(&server, ask, Some("application/sparql-results+xml"))
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("<boolean>true</boolean>"), "{body}");
}

#[tokio::test]
async fn construct_answers_every_rdf_format() {
    let server = TestServer::default().await;
    for (accept, format) in [
        ("text/turtle", RdfFormat::Turtle),
        ("application/n-triples", RdfFormat::NTriples),
        ("application/rdf+xml", RdfFormat::RdfXml),
        (
            "application/ld+json",
            RdfFormat::JsonLd {
                profile: Default::default(),
            },
        ),
        ("application/n-quads", RdfFormat::NQuads),
        ("application/trig", RdfFormat::TriG),
    ] {
        let response = get_query(&server, CONSTRUCT_LEVELS, Some(accept)).await;
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        assert!(
            content_type(&response).starts_with(accept),
            "{accept}: {}",
            content_type(&response)
        );
        let body = response.bytes().await.unwrap();
        assert_eq!(parse_rdf(format, &body), 6, "{accept}");
    }
    let describe = "DESCRIBE <https://w3id.org/territoire-innovant/level/or>";
    let response = get_query(&server, describe, Some("*/*")).await;
    assert_eq!(content_type(&response), "text/turtle; charset=utf-8");
    assert!(parse_rdf(RdfFormat::Turtle, &response.bytes().await.unwrap()) > 5);
}

#[tokio::test]
async fn post_form_and_post_direct_are_accepted() {
    let server = TestServer::default().await;
    let form = client()
        .post(server.at("/sparql"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string([("query", COUNT_AWARDS)]).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    assert!(form.text().await.unwrap().contains("\"value\":\"25\""));
    let direct = client()
        .post(server.at("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-query; charset=utf-8")
        .header(ACCEPT, "text/csv")
        .body(COUNT_AWARDS)
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), StatusCode::OK);
    assert_eq!(direct.text().await.unwrap(), "n\r\n25\r\n");
}

#[tokio::test]
async fn default_and_named_graph_uris_set_the_data_set() {
    let server = TestServer::default().await;
    let ontology = "https://w3id.org/territoire-innovant/graph/ontology";
    let data = "https://w3id.org/territoire-innovant/graph/data";
    let count = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/territoire-innovant/ontology#Award> }";
    let only_ontology = client()
        .get(server.at("/sparql"))
        .query(&[("query", count), ("default-graph-uri", ontology)])
        .header(ACCEPT, "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(only_ontology.text().await.unwrap(), "n\r\n0\r\n");
    let direct_with_graph = client()
        .post(server.at("/sparql"))
        .query(&[("default-graph-uri", data)])
        .header(CONTENT_TYPE, "application/sparql-query")
        .header(ACCEPT, "text/csv")
        .body(count)
        .send()
        .await
        .unwrap();
    assert_eq!(direct_with_graph.text().await.unwrap(), "n\r\n25\r\n");
    let named = client()
        .get(server.at("/sparql"))
        .query(&[
            (
                "query",
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            ),
            ("named-graph-uri", ontology),
        ])
        .header(ACCEPT, "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(named.lines().count(), 2, "{named}");
    assert!(named.contains(ontology), "{named}");
    let bad = client()
        .get(server.at("/sparql"))
        .query(&[("query", count), ("default-graph-uri", "not an iri")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn negotiation_honours_q_values_parameters_and_answers_406() {
    let server = TestServer::default().await;
    let preferred = get_query(
        &server,
        COUNT_AWARDS,
        Some("application/sparql-results+json;q=0.2, text/csv;q=0.9"),
    )
    .await;
    assert_eq!(content_type(&preferred), "text/csv; charset=utf-8");
    let none = get_query(&server, COUNT_AWARDS, Some("image/png")).await;
    assert_eq!(none.status(), StatusCode::NOT_ACCEPTABLE);
    assert!(
        none.text()
            .await
            .unwrap()
            .contains("application/sparql-results+json")
    );
    let graph_as_results = get_query(
        &server,
        CONSTRUCT_LEVELS,
        Some("application/sparql-results+json"),
    )
    .await;
    assert_eq!(
        content_type(&graph_as_results),
        "text/turtle; charset=utf-8",
        "SPARQL clients build Accept from their format before they know the query form: a graph query gets its default format"
    );
    let nothing_acceptable = get_query(&server, CONSTRUCT_LEVELS, Some("image/png")).await;
    assert_eq!(nothing_acceptable.status(), StatusCode::NOT_ACCEPTABLE);
    for (name, value, expected) in [
        ("format", "csv", "text/csv; charset=utf-8"),
        ("output", "xml", "application/sparql-results+xml"),
        (
            "format",
            "application/sparql-results+json",
            "application/sparql-results+json",
        ),
    ] {
        let response = client()
            .get(server.at("/sparql"))
            .query(&[("query", COUNT_AWARDS), (name, value)])
            .header(ACCEPT, "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(content_type(&response), expected, "{name}={value}");
    }
    let graph = client()
        .get(server.at("/sparql"))
        .query(&[("query", CONSTRUCT_LEVELS), ("format", "ntriples")])
        .send()
        .await
        .unwrap();
    assert_eq!(content_type(&graph), "application/n-triples");
    let both_agreeing = client()
        .get(server.at("/sparql"))
        .query(&[
            ("query", COUNT_AWARDS),
            ("format", "json"),
            ("output", "json"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        both_agreeing.status(),
        StatusCode::OK,
        "SPARQLWrapper sends both"
    );
    let conflicting = client()
        .get(server.at("/sparql"))
        .query(&[
            ("query", COUNT_AWARDS),
            ("format", "json"),
            ("output", "xml"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(conflicting.status(), StatusCode::BAD_REQUEST);
    let unknown = client()
        .get(server.at("/sparql"))
        .query(&[("query", COUNT_AWARDS), ("format", "yaml")])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn head_answers_headers_without_body() {
    let server = TestServer::default().await;
    let response = client()
        .head(server.at("/sparql"))
        .query(&[("query", COUNT_AWARDS)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(content_type(&response), "application/sparql-results+json");
    assert!(response.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn service_description_without_a_query() {
    let server = TestServer::default().await;
    for (accept, format) in [
        ("text/turtle", RdfFormat::Turtle),
        ("application/rdf+xml", RdfFormat::RdfXml),
        (
            "application/ld+json",
            RdfFormat::JsonLd {
                profile: Default::default(),
            },
        ),
    ] {
        let response = client()
            .get(server.at("/sparql"))
            .header(ACCEPT, accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.bytes().await.unwrap();
        assert!(parse_rdf(format, &body) > 20, "{accept}");
    }
    let turtle = client()
        .get(server.at("/sparql"))
        .header(ACCEPT, "text/turtle")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for expected in [
        "a sd:Service",
        "sd:endpoint <https://w3id.org/territoire-innovant/sparql>",
        "sd:supportedLanguage sd:SPARQL11Query",
        "<http://www.w3.org/ns/formats/SPARQL_Results_JSON>",
        "sd:defaultDataset",
        "sd:name <https://w3id.org/territoire-innovant/graph/data>",
    ] {
        assert!(turtle.contains(expected), "{expected} not in\n{turtle}");
    }
    // Every named graph of the store is named, with its own count.
    let graphs = common::sparql_rows(
        &server,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    )
    .await;
    assert!(graphs.len() >= 4, "{graphs:?}");
    for row in graphs {
        let name = format!("sd:name <{}>", row["g"]);
        assert!(turtle.contains(&name), "{name} not in\n{turtle}");
    }
}

#[tokio::test]
async fn browsers_get_the_query_page_with_the_examples() {
    let server = TestServer::default().await;
    for path in ["/sparql"] {
        let response = client()
            .get(server.at(path))
            .header(ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(content_type(&response), "text/html; charset=utf-8");
        let html = response.text().await.unwrap();
        assert!(html.contains("<html lang=\"fr\">"));
        assert!(html.contains("/static/yasgui/yasgui.min.js"));
        let examples =
            territoire_innovant::examples::load(&common::repo().join("queries")).unwrap();
        assert!(examples.len() > 10);
        for example in examples {
            let title = example
                .title
                .replace('&', "&amp;")
                .replace('\'', "&#x27;")
                .replace('"', "&quot;");
            assert!(html.contains(&title), "the example {title} is listed");
        }
        assert!(!html.contains("cdn"), "no CDN");
        // The examples are embedded as JSON with `<` escaped, so no query can end the script.
        let json_start = html.find("id=\"examples\">").unwrap();
        assert!(html[json_start..].contains("SELECT"));
    }
    for (path, media_type) in [
        (
            "/static/yasgui/yasgui.min.js",
            "text/javascript; charset=utf-8",
        ),
        ("/static/yasgui/yasgui.min.css", "text/css; charset=utf-8"),
        ("/static/query-page.js", "text/javascript; charset=utf-8"),
    ] {
        let response = client().get(server.at(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(content_type(&response), media_type);
    }
    let missing = client()
        .get(server.at("/static/../Cargo.toml"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// Updates sent the update way are refused with 403; an update sent as a
/// query is a malformed query (400), with a message that says why.
#[tokio::test]
async fn updates_are_refused_with_403() {
    let server = TestServer::default().await;
    let update =
        "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }";
    let direct = client()
        .post(server.at("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-update")
        .body(update)
        .send()
        .await
        .unwrap();
    let form = client()
        .post(server.at("/sparql"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string([("update", update)]).unwrap())
        .send()
        .await
        .unwrap();
    let as_query = get_query(&server, "DROP ALL", None).await;
    for response in [direct, form] {
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.text().await.unwrap().contains("read-only"));
    }
    assert_eq!(as_query.status(), StatusCode::BAD_REQUEST);
    let message = as_query.text().await.unwrap();
    assert!(
        message.contains("SPARQL Update, sent as a query") && message.contains("read-only"),
        "{message}"
    );
    let count = get_query(&server, "ASK { <http://example.org/a> ?p ?o }", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(count.contains("false"));
}

#[tokio::test]
async fn service_calls_are_refused() {
    let server = TestServer::default().await;
    for query in [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://169.254.169.254/latest> { ?s ?p ?o } }",
    ] {
        let response = get_query(&server, query, None).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        assert!(response.text().await.unwrap().contains("is not allowed"));
    }
}

#[tokio::test]
async fn malformed_requests_get_400_with_the_parser_message() {
    let server = TestServer::default().await;
    let response = get_query(&server, "SELECT * WHERE { ?s ?p }", None).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(content_type(&response), "text/plain; charset=utf-8");
    let message = response.text().await.unwrap();
    assert!(message.starts_with("malformed query:"), "{message}");
    assert!(
        message.contains("line 1, column"),
        "the position is given: {message}"
    );
    assert!(message.lines().count() <= 4, "a few lines: {message}");
    let twice = client()
        .get(format!(
            "{}/sparql?query=ASK%7B%7D&query=ASK%7B%7D",
            server.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), StatusCode::BAD_REQUEST);
    assert!(twice.text().await.unwrap().contains("more than once"));
    let bad_utf8 = client()
        .get(format!("{}/sparql?query=%FF%FE", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_utf8.status(), StatusCode::BAD_REQUEST);
    let empty_post = client()
        .post(server.at("/sparql"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(empty_post.status(), StatusCode::BAD_REQUEST);
    for empty in [
        "",
        "  \n# a comment only\n",
        "PREFIX ti: <https://w3id.org/territoire-innovant/ontology#>",
    ] {
        let response = client()
            .post(server.at("/sparql"))
            .header(CONTENT_TYPE, "application/sparql-query")
            .body(empty)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{empty:?}");
        let message = response.text().await.unwrap();
        assert!(message.starts_with("empty query"), "{empty:?}: {message}");
    }
    let graphs_only = client()
        .get(server.at("/sparql"))
        .query(&[(
            "default-graph-uri",
            "https://w3id.org/territoire-innovant/graph/data",
        )])
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(graphs_only.status(), StatusCode::BAD_REQUEST);
    assert!(
        graphs_only
            .text()
            .await
            .unwrap()
            .starts_with("missing query")
    );
    let latin1 = client()
        .post(server.at("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-query; charset=ISO-8859-1")
        .body(COUNT_AWARDS)
        .send()
        .await
        .unwrap();
    assert_eq!(latin1.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let utf8 = client()
        .post(server.at("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-query; charset=\"utf-8\"")
        .body(COUNT_AWARDS)
        .send()
        .await
        .unwrap();
    assert_eq!(utf8.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_content_types_get_415() {
    let server = TestServer::default().await;
    for content_type in [Some("text/plain"), Some("application/json"), None] {
        let mut request = client().post(server.at("/sparql")).body(COUNT_AWARDS);
        if let Some(value) = content_type {
            request = request.header(CONTENT_TYPE, value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
    }
}

#[tokio::test]
async fn large_bodies_get_413() {
    let server = TestServer::start(Config {
        max_body_bytes: 1000,
        ..Config::default()
    })
    .await;
    let padding = format!("{COUNT_AWARDS} #{}", "x".repeat(2000));
    let response = client()
        .post(server.at("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-query")
        .body(padding)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // The rest of the body may be left unread: the connection is not for
    // reuse, and the client is told so (else it may reuse it and see a reset).
    assert_eq!(
        response
            .headers()
            .get(reqwest::header::CONNECTION)
            .map(|v| v.to_str().unwrap()),
        Some("close")
    );
}

#[tokio::test]
async fn results_past_the_limit_get_422() {
    let server = TestServer::start(Config {
        max_results: 10,
        ..Config::default()
    })
    .await;
    let response = get_query(&server, "SELECT * WHERE { ?s ?p ?o }", None).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("add a LIMIT"));
    let construct = get_query(&server, "CONSTRUCT WHERE { ?s ?p ?o }", None).await;
    assert_eq!(construct.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let limited = get_query(&server, "SELECT * WHERE { ?s ?p ?o } LIMIT 10", None).await;
    assert_eq!(limited.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runaway_query_is_cut_at_the_timeout_while_others_are_answered() {
    let server = TestServer::start(Config {
        query_timeout: Duration::from_secs(1),
        ..Config::default()
    })
    .await;
    let started = Instant::now();
    let slow = tokio::spawn(get_query_owned(server.at("/sparql"), CARTESIAN));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut light = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let response = get_query(&server, COUNT_AWARDS, None).await;
        assert_eq!(response.status(), StatusCode::OK);
        light.push(t.elapsed());
    }
    let (status, message) = slow.await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(message.contains("time limit of 1 s"), "{message}");
    assert!(elapsed < Duration::from_secs(3), "cut after {elapsed:?}");
    assert!(
        light.iter().all(|t| *t < Duration::from_millis(500)),
        "{light:?}"
    );
}

async fn get_query_owned(url: String, query: &str) -> (StatusCode, String) {
    let response = reqwest::Client::new()
        .get(url)
        .query(&[("query", query)])
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn every_response_allows_cross_origin_use() {
    let server = TestServer::default().await;
    let response = client()
        .get(server.at("/sparql"))
        .query(&[("query", COUNT_AWARDS)])
        .header("Origin", "https://yasgui.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let error = get_query(&server, "nonsense", None).await;
    assert_eq!(error.status(), StatusCode::BAD_REQUEST);
    let preflight = client()
        .request(reqwest::Method::OPTIONS, server.at("/sparql"))
        .header("Origin", "https://yasgui.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    let methods = preflight.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(
        methods.contains("POST") && methods.contains("GET"),
        "{methods}"
    );
}

#[tokio::test]
async fn responses_are_compressed_when_accepted() {
    let server = TestServer::default().await;
    for encoding in ["gzip", "br"] {
        let response = raw_client()
            .get(server.at("/sparql"))
            .query(&[("query", "SELECT * WHERE { ?s ?p ?o }")])
            .header("Accept-Encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], encoding);
    }
    let plain = raw_client()
        .get(server.at("/sparql"))
        .query(&[("query", "SELECT * WHERE { ?s ?p ?o }")])
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn health_answers_ok_and_unknown_paths_404() {
    let server = TestServer::default().await;
    let response = client().get(server.at("/health")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let json: serde_json::Value = response.json_value().await;
    assert_eq!(json["status"], "ok");
    // Each total says what it counts, and agrees with the endpoint and
    // the fragments: the quads of every graph (the sum of the graphs'),
    // the distinct triples of their union, each graph's.
    let graphs = json["graphs"].as_object().unwrap();
    let mut named = common::sparql_rows(
        &server,
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    )
    .await;
    named.sort_by(|a, b| a["g"].cmp(&b["g"]));
    let listed: Vec<(String, String)> = graphs
        .iter()
        .map(|(g, n)| (g.clone(), n.to_string()))
        .collect();
    let counted: Vec<(String, String)> = named
        .iter()
        .map(|row| (row["g"].clone(), row["n"].clone()))
        .collect();
    assert_eq!(listed, counted);
    let sum: u64 = graphs.values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(json["triples"].as_u64().unwrap(), sum);
    let distinct = common::sparql_rows(
        &server,
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
    )
    .await;
    assert_eq!(json["distinct_triples"].to_string(), distinct[0]["n"]);
    let fragment = client()
        .get(server.at("/fragments"))
        .header(reqwest::header::ACCEPT, "application/n-triples")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The open fragment counts them exactly up to its exact-count limit,
    // and past it gives an estimate never below the truth (the sum of the
    // graphs' counts).
    let distinct = json["distinct_triples"].as_u64().unwrap();
    let expected = if distinct <= territoire_innovant::fragments::EXACT_COUNT {
        distinct
    } else {
        sum
    };
    assert!(
        fragment.contains(&format!(
            "<http://www.w3.org/ns/hydra/core#totalItems> \"{expected}\""
        )),
        "the open fragment counts the distinct triples ({distinct}; {expected} expected)"
    );
    // The fingerprint of the data served is the catalog's.
    let fingerprint = json["fingerprint"]["data"].as_str().unwrap().to_owned();
    assert_eq!(fingerprint.len(), 64, "{json}");
    let catalog = client()
        .get(server.at("/catalog"))
        .header(reqwest::header::ACCEPT, "text/turtle")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(catalog.contains(&format!("\"{fingerprint}\"")), "{catalog}");
    let missing = client()
        .get(server.at("/nothing/here"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("/sparql"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_running_requests_finish() {
    let mut server = TestServer::start(Config {
        query_timeout: Duration::from_millis(800),
        ..Config::default()
    })
    .await;
    let running = tokio::spawn(get_query_owned(server.at("/sparql"), CARTESIAN));
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.shutdown();
    let (status, _) = running.await.unwrap();
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "the running request got its answer"
    );
    tokio::time::timeout(Duration::from_secs(5), &mut server.task)
        .await
        .expect("the server stops")
        .unwrap()
        .unwrap();
    assert!(
        client().get(server.at("/health")).send().await.is_err(),
        "no new connection"
    );
}

trait JsonValue {
    async fn json_value(self) -> serde_json::Value;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> serde_json::Value {
        serde_json::from_str(&self.text().await.unwrap()).unwrap()
    }
}

#[tokio::test]
async fn security_headers_are_set() {
    let server = TestServer::default().await;
    let json = get_query(&server, COUNT_AWARDS, None).await;
    assert_eq!(json.headers()["x-content-type-options"], "nosniff");
    assert!(
        json.headers().get("content-security-policy").is_none(),
        "CSP is for pages"
    );
    for path in ["/", "/sparql", "/award/2023/rudi", "/award/2023/nope"] {
        let page = client()
            .get(server.at(path))
            .header(ACCEPT, "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(
            page.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
        let csp = page.headers()["content-security-policy"].to_str().unwrap();
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {directive} not in {csp}");
        }
        assert!(
            !csp.contains("script-src 'self' 'unsafe-inline'"),
            "{path}: inline scripts allowed"
        );
    }
}

/// A researcher's first mistakes get a message that says what to write, in
/// a few lines, without the parser's internals.
#[tokio::test]
async fn syntax_errors_say_what_to_write() {
    let server = TestServer::default().await;
    for (query, expected) in [
        (
            "SELECT * WHERE { ?a a ti:Award }",
            "PREFIX ti: <https://w3id.org/territoire-innovant/ontology#>",
        ),
        (
            "PREFIX ti: <https://w3id.org/territoire-innovant/ontology#>\nSELECT ?n WHERE { ?o skos:prefLabel ?n }",
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>",
        ),
        ("SELEKT * WHERE { ?a ?b ?c }", "did you mean SELECT?"),
        (
            "SELECT * WHERE { ?a ?b ?c } ORDRE BY ?a",
            "did you mean ORDER?",
        ),
        ("INSERT DATA { <a> <b> <c> }", "read-only"),
        ("SELECT * WHERE {\n  ?a ?b\n", "line 3, column"),
    ] {
        let response = get_query(&server, query, None).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let message = response.text().await.unwrap();
        assert!(message.contains(expected), "{query}: {message}");
        assert!(message.lines().count() <= 4, "{query}: {message}");
        for internal in ["\\u{", "['", "Prefix not found", "expected CONSTRUCT"] {
            assert!(!message.contains(internal), "{query}: {message}");
        }
    }
}

/// A query that finds nothing because of a trap of the model gets hints
/// from `/sparql/hints` (the query page shows them); one that has no trap
/// gets none.
#[tokio::test]
async fn empty_answers_get_hints_about_tags_types_and_names() {
    let server = TestServer::default().await;
    let hints = |query: &'static str| {
        let url = server.at("/sparql/hints");
        async move {
            let body: serde_json::Value = client()
                .get(url)
                .query(&[("query", query)])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            body["hints"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h.as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let paris = hints(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?o WHERE { ?o skos:prefLabel \"Ville de Paris\" }",
    )
    .await;
    assert!(
        paris.iter().any(|h| h.contains("\"Ville de Paris\"@fr")),
        "{paris:?}"
    );
    assert!(
        paris.iter().any(|h| h.contains("ti:nameInSource")),
        "{paris:?}"
    );
    let year = hints(
        "PREFIX ti: <https://w3id.org/territoire-innovant/ontology#> SELECT ?e WHERE { ?e ti:year 2023 }",
    )
    .await;
    assert!(
        year.iter().any(|h| h.contains("\"2023\"^^xsd:gYear")),
        "{year:?}"
    );
    let none = hints("SELECT ?o WHERE { ?o ?p \"no such value anywhere\" } LIMIT 10").await;
    assert!(none.is_empty(), "{none:?}");
    // The same traps are documented on /ontology, by their properties.
    let ontology = client()
        .get(server.at("/ontology"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace("&quot;", "\"");
    for documented in ["\"2023\"^^xsd:gYear", "\"Ville de Paris\"@fr", "\"Or\"@fr"] {
        assert!(ontology.contains(documented), "{documented}");
    }
}

/// `explain=true`: how the query was evaluated, as JSON — its form, its
/// count (the same as the answer's), the evaluator's plan with each
/// operator's results; never kept by the answer cache.
#[tokio::test]
async fn explain_answers_the_plan_with_its_counts() {
    let server = TestServer::default().await;
    let query = "SELECT ?award ?level WHERE { ?award a <https://w3id.org/territoire-innovant/ontology#Award> ; <https://w3id.org/territoire-innovant/ontology#level> ?level }";
    let answered: serde_json::Value = get_query(&server, query, None).await.json().await.unwrap();
    let rows = answered["results"]["bindings"].as_array().unwrap().len();
    for method in ["GET", "POST"] {
        let request = match method {
            "GET" => client()
                .get(server.at("/sparql"))
                .query(&[("query", query), ("explain", "true")]),
            _ => client()
                .post(server.at("/sparql"))
                .form(&[("query", query), ("explain", "true")]),
        };
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{method}");
        assert_eq!(content_type(&response), "application/json");
        assert_eq!(response.headers()["cache-control"], "no-store");
        let explained: serde_json::Value = response.json().await.unwrap();
        assert_eq!(explained["form"], "SELECT");
        assert_eq!(explained["planned"], true);
        assert_eq!(
            explained["solutions"].as_u64(),
            Some(rows as u64),
            "{explained}"
        );
        assert!(explained["duration in seconds"].as_f64().unwrap() > 0.0);
        // The root operator produced the answer's solutions; its leaves are
        // the two triple patterns, each with what it matched.
        let plan = &explained["plan"];
        assert_eq!(
            plan["number of results"].as_u64(),
            Some(rows as u64),
            "{plan}"
        );
        let mut leaves = Vec::new();
        let mut stack = vec![plan];
        while let Some(node) = stack.pop() {
            let children = node["children"].as_array().unwrap();
            if children.is_empty() {
                leaves.push(node["name"].as_str().unwrap().to_owned());
            }
            stack.extend(children);
        }
        assert_eq!(leaves.len(), 2, "{leaves:?}");
        assert!(
            leaves.iter().all(|l| l.starts_with("QuadPattern")),
            "{leaves:?}"
        );
    }
    // A CONSTRUCT counts its triples.
    let response = client()
        .get(server.at("/sparql"))
        .query(&[("query", CONSTRUCT_LEVELS), ("explain", "1")])
        .send()
        .await
        .unwrap();
    let explained: serde_json::Value = response.json().await.unwrap();
    assert_eq!(explained["form"], "CONSTRUCT");
    assert!(explained["triples"].as_u64().unwrap() >= 6, "{explained}");
    // explain=false is an ordinary query; another value names the valid ones.
    let response = client()
        .get(server.at("/sparql"))
        .query(&[("query", COUNT_AWARDS), ("explain", "false")])
        .send()
        .await
        .unwrap();
    assert_eq!(content_type(&response), "application/sparql-results+json");
    let response = client()
        .get(server.at("/sparql"))
        .query(&[("query", COUNT_AWARDS), ("explain", "plan")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let message = response.text().await.unwrap();
    assert!(
        message.contains("explain=true") && message.contains("explain=false"),
        "{message}"
    );
}

/// An explanation is an evaluation like any other: stopped at the time
/// limit, while light queries stay served.
#[tokio::test]
async fn explain_is_bounded_like_any_query() {
    let server = TestServer::start(Config {
        query_timeout: Duration::from_secs(1),
        ..Config::default()
    })
    .await;
    let started = Instant::now();
    let response = client()
        .get(server.at("/sparql"))
        .query(&[("query", CARTESIAN), ("explain", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let message = response.text().await.unwrap();
    assert!(message.contains("time limit of 1 s"), "{message}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "cut after {:?}",
        started.elapsed()
    );
}

/// Why a query cannot be read, in the language the client prefers
/// (`Accept-Language`: the query page asks for French), English otherwise.
#[tokio::test]
async fn syntax_errors_speak_the_client_s_language() {
    let server = TestServer::default().await;
    let ask = |language: Option<&'static str>| {
        let mut request = client()
            .get(server.at("/sparql"))
            .query(&[("query", "SELECT ?a WHERE { ?a a ti:Award }")]);
        if let Some(language) = language {
            request = request.header("accept-language", language);
        }
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::BAD_REQUEST);
            response.text().await.unwrap()
        }
    };
    let french = ask(Some("fr-FR,fr;q=0.9,en;q=0.5")).await;
    assert!(
        french.starts_with("requête mal formée : le préfixe ti: n'est pas déclaré. Ajoutez cette ligne avant la requête :"),
        "{french}"
    );
    assert!(french.contains("PREFIX ti: <https://w3id.org/territoire-innovant/ontology#>"));
    for english in [ask(None).await, ask(Some("en-GB,fr;q=0.3")).await] {
        assert!(
            english.starts_with("malformed query: the prefix ti: is not declared"),
            "{english}"
        );
    }
}

/// `/metrics` in Prometheus' text format, as `promtool check metrics`
/// reads it; its counters move as requests are made.
#[tokio::test]
async fn metrics_follow_the_requests_in_prometheus_format() {
    let server = TestServer::default().await;
    let scrape = || async {
        let response = client().get(server.at("/metrics")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(content_type(&response).starts_with("text/plain; version=0.0.4"));
        response.text().await.unwrap()
    };
    let value = |text: &str, series: &str| -> f64 {
        text.lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
            .map_or(0.0, |v| v.parse().unwrap())
    };
    let before = scrape().await;
    // Checked by Prometheus' own linter.
    let mut promtool = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool (Debian's prometheus: scripts/install-test-tools)");
    use std::io::Write;
    promtool
        .stdin
        .take()
        .unwrap()
        .write_all(before.as_bytes())
        .unwrap();
    let checked = promtool.wait_with_output().unwrap();
    assert!(
        checked.status.success(),
        "promtool: {}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    // A query twice (evaluated, then from the cache), an unknown page.
    let query = "SELECT (COUNT(?o) AS ?n) WHERE { ?o a <https://w3id.org/territoire-innovant/ontology#Laureate> } # metrics";
    for _ in 0..2 {
        assert_eq!(
            get_query(&server, query, None).await.status(),
            StatusCode::OK
        );
    }
    let missing = client()
        .get(server.at("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let download = client()
        .get(server.at("/dumps/territoire-innovant.ttl"))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    let after = scrape().await;
    let moved = |series: &str| value(&after, series) - value(&before, series);
    assert_eq!(
        moved("ti_http_requests_total{route=\"/sparql\",status=\"200\"}"),
        2.0
    );
    assert_eq!(
        moved("ti_http_requests_total{route=\"/{resource}\",status=\"404\"}"),
        1.0
    );
    assert_eq!(
        moved("ti_http_requests_total{route=\"/dumps/{name}\",status=\"200\"}"),
        1.0
    );
    assert_eq!(moved("ti_answer_cache_hits_total"), 1.0);
    assert!(moved("ti_answer_cache_misses_total") >= 1.0);
    assert_eq!(
        moved("ti_query_duration_seconds_count"),
        1.0,
        "one evaluation"
    );
    assert!(moved("ti_query_duration_seconds_sum") > 0.0);
    assert!(value(&after, "process_resident_memory_bytes") > 1e6);
    assert_eq!(value(&after, "ti_query_slots{lane=\"long\"}"), 4.0);
    // The release is /health's.
    let health: serde_json::Value = client()
        .get(server.at("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let release = health["release"].as_str().unwrap();
    assert_eq!(
        value(&after, &format!("ti_release_info{{release=\"{release}\"}}")),
        1.0
    );
}
