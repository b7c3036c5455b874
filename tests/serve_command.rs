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

#[test]
fn serve_refuses_a_bad_configuration() {
    let output = Command::new(BIN)
        .current_dir(repo())
        .args(["serve", "--listen", "127.0.0.1:0", "--query-timeout", "0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("--query-timeout must be a positive number")
    );
}
