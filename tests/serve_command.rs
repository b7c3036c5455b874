//! The `serve` command as an operator runs it: configuration from the
//! environment, one log line per request, graceful stop on SIGTERM.

mod common;

use common::{ServeProcess, repo};
use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_territoire-innovant");

#[test]
fn serve_logs_each_request_reads_its_environment_and_stops_on_sigterm() {
    let mut server = ServeProcess::start(&[("TI_QUERY_TIMEOUT", "0.5")]);
    let url = server.url.clone();
    let next_line = |server: &ServeProcess, what: &str| {
        server
            .log
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("no log line for {what}"))
    };

    let client = reqwest::blocking::Client::new();
    let ok = client
        .get(format!("{url}sparql"))
        .query(&[("query", "ASK {}")])
        .send()
        .unwrap();
    assert_eq!(ok.status(), 200);
    let line = next_line(&server, "the query");
    for field in ["method=GET", "path=/sparql", "status=200", "duration_ms="] {
        assert!(line.contains(field), "{field} not in {line}");
    }
    let hash = line
        .split("query_hash=")
        .nth(1)
        .unwrap()
        .trim()
        .trim_matches('"');
    assert_eq!(hash.len(), 16, "{line}");

    let slow = client
        .get(format!("{url}sparql"))
        .query(&[(
            "query",
            "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        )])
        .send()
        .unwrap();
    assert_eq!(slow.status(), 503);
    assert!(
        slow.text().unwrap().contains("time limit of 0.5 s"),
        "TI_QUERY_TIMEOUT is read"
    );
    assert!(next_line(&server, "the slow query").contains("status=503"));

    let status = Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = server.wait_for_exit(Duration::from_secs(10));
    assert!(exit.is_some_and(|s| s.success()), "after SIGTERM: {exit:?}");
}

/// Runs `serve` with `flag value`, which must stop it at start; its stderr.
fn refused_with(flag: &str, value: &str) -> String {
    let output = Command::new(BIN)
        .current_dir(repo())
        .args(["serve", "--listen", "127.0.0.1:0", flag, value])
        .output()
        .unwrap();
    assert!(
        !output.status.success(),
        "serve started with {flag} {value}"
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn serve_refuses_a_bad_configuration() {
    assert!(
        refused_with("--query-timeout", "0").contains("--query-timeout must be a positive number")
    );
}

#[test]
fn serve_does_not_start_when_its_settings_may_need_more_memory_than_the_ceiling() {
    let stderr = refused_with("--memory-limit", "200MiB");
    for expected in [
        "the ceiling is 200 MiB (--memory-limit)",
        "query evaluations (8 × 32 MiB) 256 MiB (--query-memory-bytes",
        "answer cache 32 MiB (--cache-bytes)",
    ] {
        assert!(stderr.contains(expected), "{expected:?} not in {stderr}");
    }

    // The same ceiling fits with smaller budgets and no cache.
    let server = ServeProcess::start(&[
        ("TI_MEMORY_LIMIT", "200MiB"),
        ("TI_QUERY_MEMORY_BYTES", "8MiB"),
        ("TI_CACHE_BYTES", "0"),
    ]);
    let health = reqwest::blocking::get(format!("{}health", server.url))
        .and_then(|r| r.text())
        .unwrap();
    let health: serde_json::Value = serde_json::from_str(&health).unwrap();
    let memory = &health["memory"];
    assert_eq!(memory["ceiling_bytes"], 200 << 20, "{health}");
    assert_eq!(memory["ceiling_source"], "setting", "{health}");
    assert_eq!(memory["query_budget_bytes"], 8 << 20, "{health}");
    let planned = memory["planned_bytes"].as_u64().unwrap();
    let parts: u64 = memory["plan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(planned, parts);
    assert!(planned <= 200 << 20, "{health}");
    assert!(memory["resident_bytes"].as_u64().unwrap() > 0, "{health}");
}

#[test]
fn serve_names_the_setting_of_a_size_it_cannot_read() {
    let stderr = refused_with("--query-memory-bytes", "12 bananas");
    assert!(
        stderr.contains("--query-memory-bytes") && stderr.contains("KiB, MiB or GiB"),
        "{stderr}"
    );
}

/// The value of the series `name` in a `/metrics` scrape.
fn metric(url: &str, name: &str) -> f64 {
    let text = reqwest::blocking::get(format!("{url}metrics"))
        .unwrap()
        .text()
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {name} in /metrics"))
        .parse()
        .unwrap()
}

/// The single number a `SELECT (COUNT(…) AS ?n)` answers.
fn count(client: &reqwest::blocking::Client, url: &str, query: &str) -> u64 {
    let response = client
        .get(format!("{url}sparql"))
        .query(&[("query", query)])
        .header("Accept", "text/csv")
        .send()
        .unwrap();
    assert_eq!(response.status(), 200, "{query}");
    let text = response.text().unwrap();
    text.lines().nth(1).unwrap().trim().parse().unwrap()
}

#[test]
fn serve_answers_small_queries_in_place_and_heavy_ones_from_the_lanes() {
    let server = ServeProcess::start(&[("TI_CACHE_BYTES", "0"), ("TI_FAIR_USE_SECONDS", "0")]);
    let url = &server.url;
    let client = reqwest::blocking::Client::new();
    let answered = "ti_queries_answered_in_place_total";
    let moved = "ti_queries_moved_from_in_place_total";
    assert_eq!((metric(url, answered), metric(url, moved)), (0.0, 0.0));
    // Tried five times: a machine under load may pause the server's thread
    // past the in-place millisecond once in a while.
    for _ in 0..5 {
        let ask = client
            .get(format!("{url}sparql"))
            .query(&[("query", "ASK { ?s ?p ?o }")])
            .send()
            .unwrap();
        assert_eq!(ask.status(), 200);
        assert!(ask.text().unwrap().contains("true"));
    }
    assert!(
        metric(url, answered) >= 1.0,
        "a small query is answered in place"
    );
    let triples = count(&client, url, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }");
    let before = metric(url, moved);
    // Hundreds of thousands of pairs: cut at the in-place millisecond,
    // answered whole by the lanes.
    let award = "<https://w3id.org/territoire-innovant/ontology#Award>";
    let pairs = count(
        &client,
        url,
        &format!("SELECT (COUNT(*) AS ?n) {{ ?a a {award} . ?s ?p ?o }}"),
    );
    let awards = count(
        &client,
        url,
        &format!("SELECT (COUNT(*) AS ?n) {{ ?a a {award} }}"),
    );
    assert_eq!(pairs, awards * triples);
    assert_eq!(
        metric(url, moved) - before,
        1.0,
        "the pairs went on to the lanes"
    );
}
