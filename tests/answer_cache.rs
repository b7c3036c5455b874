//! Answers kept for repeated requests: the same bytes as a fresh answer, a
//! strong ETag with `304` on `If-None-Match`, keyed by everything that makes
//! the answer (URL, `Accept`, POST body), and nothing kept that must not be.

mod common;

use common::TestServer;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use territoire_innovant::server::Config;

const LEVELS: &str = "SELECT ?level WHERE { ?level a <https://w3id.org/territoire-innovant/ontology#Level> } ORDER BY ?level";
const CATEGORIES: &str =
    "SELECT ?c WHERE { ?c a <https://w3id.org/territoire-innovant/ontology#Category> } ORDER BY ?c";

async fn get(server: &TestServer, path: &str, accept: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(server.at(path))
        .header(ACCEPT, accept)
        .send()
        .await
        .unwrap()
}

fn query_path(query: &str) -> String {
    format!(
        "/sparql?{}",
        serde_urlencoded::to_string([("query", query)]).unwrap()
    )
}

#[tokio::test]
async fn a_repeated_request_gets_the_same_answer_with_an_etag_and_a_304() {
    // One change feed for both: pages link their resource's versions, which
    // a log begun by each server would date each its own way.
    let history = tempfile::tempdir().unwrap();
    let cached = TestServer::start(Config {
        history: Some(history.path().to_owned()),
        ..Config::default()
    })
    .await;
    let fresh = TestServer::start(Config {
        cache_bytes: 0,
        history: Some(history.path().to_owned()),
        ..Config::default()
    })
    .await;
    for (path, accept) in [
        (query_path(LEVELS), "application/sparql-results+json"),
        (query_path(LEVELS), "text/csv"),
        ("/award/2023/lebontag".to_owned(), "text/turtle"),
        ("/award/2023/lebontag".to_owned(), "text/html"),
        ("/".to_owned(), "text/html"),
    ] {
        let expected = get(&fresh, &path, accept).await.bytes().await.unwrap();
        let first = get(&cached, &path, accept).await;
        assert_eq!(first.status(), StatusCode::OK, "{path} {accept}");
        let etag = first.headers()[ETAG].clone();
        let first_type = first.headers()[CONTENT_TYPE].clone();
        assert_eq!(first.bytes().await.unwrap(), expected, "{path} {accept}");
        let second = get(&cached, &path, accept).await;
        assert_eq!(second.headers()[ETAG], etag);
        assert_eq!(second.headers()[CONTENT_TYPE], first_type);
        assert_eq!(second.bytes().await.unwrap(), expected, "{path} {accept}");

        let revalidated = reqwest::Client::new()
            .get(cached.at(&path))
            .header(ACCEPT, accept)
            .header(IF_NONE_MATCH, etag.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert!(revalidated.bytes().await.unwrap().is_empty());
    }
    // Different formats of one query are different answers.
    let json = get(
        &cached,
        &query_path(LEVELS),
        "application/sparql-results+json",
    )
    .await;
    let csv = get(&cached, &query_path(LEVELS), "text/csv").await;
    assert_ne!(json.headers()[ETAG], csv.headers()[ETAG]);
}

#[tokio::test]
async fn a_head_request_first_does_not_empty_the_later_answers() {
    let server = TestServer::default().await;
    let path = query_path(CATEGORIES);
    let head = reqwest::Client::new()
        .head(server.at(&path))
        .header(ACCEPT, "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    for _ in 0..2 {
        let body = get(&server, &path, "text/csv").await.text().await.unwrap();
        assert!(body.contains("/category/"), "{body:?}");
    }
}

#[tokio::test]
async fn post_bodies_are_part_of_the_key() {
    let server = TestServer::default().await;
    let post = |query: &'static str| {
        reqwest::Client::new()
            .post(server.at("/sparql"))
            .header(CONTENT_TYPE, "application/sparql-query")
            .header(ACCEPT, "text/csv")
            .body(query)
            .send()
    };
    for _ in 0..2 {
        let levels = post(LEVELS).await.unwrap().text().await.unwrap();
        let categories = post(CATEGORIES).await.unwrap().text().await.unwrap();
        assert!(levels.contains("/level/or"), "{levels}");
        assert!(categories.contains("/category/"), "{categories}");
        assert!(!categories.contains("/level/"), "{categories}");
    }
}

#[tokio::test]
async fn errors_and_health_are_never_kept() {
    let server = TestServer::default().await;
    for _ in 0..2 {
        let bad = get(&server, &query_path("SELECT WHERE {"), "text/csv").await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        assert!(bad.headers().get(ETAG).is_none());
        let health = get(&server, "/health", "application/json").await;
        assert!(health.headers().get(ETAG).is_none());
    }
}
