//! Real third-party SPARQL clients work unchanged against the server:
//! SPARQLWrapper (GET and POST) and rdflib's SPARQLStore from Python,
//! Comunica from Node.js; each runs SELECT, ASK and CONSTRUCT. The tools are
//! installed by `scripts/install-test-tools` (see README).

mod common;

use common::{TestServer, repo};
use std::process::Command;

fn run_client(program: &str, script: &str, endpoint: String) -> serde_json::Value {
    let output = Command::new(program)
        .arg(repo().join("tests/clients").join(script))
        .arg(endpoint)
        .current_dir(repo().join("tests/clients"))
        .output()
        .unwrap_or_else(|e| panic!("{program} cannot run: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed (install the clients with scripts/install-test-tools):\n{stderr}"
    );
    serde_json::from_slice(&output.stdout).expect("a JSON summary")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sparqlwrapper_and_rdflib_work_unchanged() {
    let server = TestServer::default().await;
    let endpoint = server.at("/sparql");
    let summary =
        tokio::task::spawn_blocking(move || run_client("python3", "python_clients.py", endpoint))
            .await
            .unwrap();
    for method in ["GET", "POST"] {
        assert_eq!(
            summary[format!("sparqlwrapper_{method}_select")],
            25,
            "{summary}"
        );
        assert_eq!(
            summary[format!("sparqlwrapper_{method}_ask")],
            true,
            "{summary}"
        );
        assert_eq!(
            summary[format!("sparqlwrapper_{method}_construct")],
            25,
            "{summary}"
        );
    }
    assert_eq!(summary["rdflib_select"], 25, "{summary}");
    assert_eq!(summary["rdflib_ask"], true, "{summary}");
    assert_eq!(summary["rdflib_construct"], 25, "{summary}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comunica_works_unchanged() {
    let server = TestServer::default().await;
    let endpoint = server.at("/sparql");
    let summary = tokio::task::spawn_blocking(move || run_client("node", "comunica.mjs", endpoint))
        .await
        .unwrap();
    assert_eq!(
        summary,
        serde_json::json!({ "select": 25, "ask": true, "construct": 25 })
    );
}
