//! Large answers stream: they come whole and correct, in chunks, without a
//! `Content-Length`; an answer cut after it began (the result limit, the time
//! limit) ends without its final chunk, so the client sees an incomplete body
//! instead of a truncated answer that looks whole.

mod common;

use common::{TestServer, raw_client};
use reqwest::header::{ACCEPT, CONTENT_LENGTH};
use std::time::Duration;
use territoire_innovant::server::Config;

/// 100 000 rows of six IRIs: far more than the size past which answers
/// stream.
const LARGE: &str = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 100000";

async fn get(server: &TestServer, query: &str, accept: &str) -> reqwest::Response {
    raw_client()
        .get(server.at("/sparql"))
        .query(&[("query", query)])
        .header(ACCEPT, accept)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_large_answer_streams_whole_and_correct_in_every_results_format() {
    // What is tested is a whole answer, not a time limit: a debug build on
    // two busy cores can take more than the default 10 s per format.
    let server = TestServer::start(Config {
        query_timeout: Duration::from_secs(120),
        ..Config::default()
    })
    .await;
    for (accept, rows) in [
        ("application/sparql-results+json", None),
        ("text/tab-separated-values", Some(100_001)),
        ("text/csv", Some(100_001)),
        ("application/sparql-results+xml", None),
    ] {
        let response = get(&server, LARGE, accept).await;
        assert_eq!(response.status(), 200, "{accept}");
        assert!(
            response.headers().get(CONTENT_LENGTH).is_none(),
            "{accept}: a streamed answer has no Content-Length"
        );
        let body = response.text().await.expect("a complete body");
        match rows {
            Some(rows) => assert_eq!(body.lines().count(), rows, "{accept}"),
            None if accept.ends_with("json") => {
                let json: serde_json::Value = serde_json::from_str(&body).unwrap();
                assert_eq!(
                    json["results"]["bindings"].as_array().unwrap().len(),
                    100_000
                );
            }
            None => {
                assert_eq!(body.matches("<result>").count(), 100_000);
                assert!(body.trim_end().ends_with("</sparql>"));
            }
        }
    }
    // A small answer is still whole, with its length.
    let small = get(&server, "SELECT * WHERE { ?s ?p ?o } LIMIT 3", "text/csv").await;
    assert!(small.headers().get(CONTENT_LENGTH).is_some());
}

#[tokio::test]
async fn a_large_graph_streams_whole() {
    let server = TestServer::start(Config {
        query_timeout: Duration::from_secs(120),
        ..Config::default()
    })
    .await;
    let response = get(
        &server,
        "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 100000",
        "application/n-triples",
    )
    .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get(CONTENT_LENGTH).is_none());
    let body = response.text().await.expect("a complete body");
    assert!(body.lines().count() > 1000);
    assert!(body.lines().all(|line| line.ends_with(" .")));
}

#[tokio::test]
async fn a_graph_larger_than_the_query_budget_streams_whole() {
    // 25 awards × every object: some 125 000 distinct triples. Removing
    // the repeated ones must not hold a set of every triple sent (at 16
    // bytes each, 4 MiB and more, past this 2 MiB budget): the answer goes
    // out whole, its memory bounded whatever its length.
    let server = TestServer::start(Config {
        query_timeout: Duration::from_secs(120),
        max_results: 10_000_000,
        query_memory_bytes: 2 << 20,
        ..Config::default()
    })
    .await;
    const AWARD: &str = "<https://w3id.org/territoire-innovant/ontology#Award>";
    let construct = format!(
        "CONSTRUCT {{ ?award <http://example.org/near> ?o }} WHERE {{ ?award a {AWARD} . ?x ?p ?o }}"
    );
    let response = get(&server, &construct, "application/n-triples").await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("a complete body");
    let sent: std::collections::HashSet<&str> = body.lines().collect();
    // Counted where the budget allows a set of them.
    let counting = TestServer::start(Config {
        query_timeout: Duration::from_secs(120),
        ..Config::default()
    })
    .await;
    let counted = common::sparql_rows(
        &counting,
        &format!(
            "SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?award ?o WHERE {{ ?award a {AWARD} . ?x ?p ?o }} }}"
        ),
    )
    .await;
    let distinct: usize = counted[0]["n"].parse().unwrap();
    assert!(distinct > 100_000, "{distinct}");
    assert_eq!(sent.len(), distinct);
    assert!(body.lines().all(|line| line.ends_with(" .")));
}

#[tokio::test]
async fn an_answer_past_the_result_limit_after_it_began_is_incomplete() {
    let server = TestServer::start(Config {
        max_results: 20_000,
        ..Config::default()
    })
    .await;
    let response = get(&server, LARGE, "text/tab-separated-values").await;
    assert_eq!(response.status(), 200, "the answer began before the limit");
    assert!(
        response.bytes().await.is_err(),
        "the body must end without its final chunk"
    );
    // Under the size past which answers stream, the limit is still a 422.
    let server = TestServer::start(Config {
        max_results: 5_000,
        ..Config::default()
    })
    .await;
    let response = get(
        &server,
        "SELECT ?s WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 10000",
        "text/tab-separated-values",
    )
    .await;
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn an_answer_at_the_time_limit_after_it_began_is_incomplete_and_stops() {
    let server = TestServer::start(Config {
        query_timeout: Duration::from_secs(1),
        max_results: usize::MAX,
        ..Config::default()
    })
    .await;
    let started = std::time::Instant::now();
    let response = get(
        &server,
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        "text/tab-separated-values",
    )
    .await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.is_err());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "cut at the time limit: {:?}",
        started.elapsed()
    );
    // The evaluation stopped with its body: the server answers at once.
    let light = get(
        &server,
        "ASK { ?s ?p ?o }",
        "application/sparql-results+json",
    )
    .await;
    assert_eq!(light.status(), 200);
}
