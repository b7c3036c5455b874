//! Reload without a restart: on SIGHUP the server rebuilds from its source
//! data and serves the new release; under load, not one request fails
//! during the swaps; invalid data is refused and the running data kept.

mod common;

use common::{ServeProcess, copy_dir, repo, set_modified};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MODIFIED: &str = "PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/> \
     SELECT ?modified WHERE { ?dataset a dcat:Dataset ; dct:modified ?modified }";

/// What the load clients request, in turn: queries, pages, documents, dumps.
fn load_paths() -> Vec<String> {
    let query = |q: &str| format!("/sparql?query={}", urlencode(q));
    vec![
        query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        query(MODIFIED),
        "/".into(),
        "/catalog".into(),
        "/ontology".into(),
        "/dumps/territoire-innovant.ttl".into(),
        "/dumps/SHA256SUMS".into(),
        "/edition/2023.ttl".into(),
        "/health".into(),
    ]
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn health(client: &reqwest::blocking::Client, url: &str) -> serde_json::Value {
    let body = client
        .get(format!("{url}health"))
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    serde_json::from_slice(&body).unwrap()
}

fn hangup(server: &ServeProcess) {
    let status = std::process::Command::new("kill")
        .args(["-HUP", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits until `/health` names a release other than `previous`.
fn wait_for_new_release(
    client: &reqwest::blocking::Client,
    url: &str,
    previous: &str,
) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = health(client, url);
        if now["release"] != previous {
            return now;
        }
        assert!(Instant::now() < deadline, "no reload after SIGHUP");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn modified(client: &reqwest::blocking::Client, url: &str) -> String {
    let text = client
        .get(format!("{url}sparql"))
        .query(&[("query", MODIFIED)])
        .header("Accept", "text/tab-separated-values")
        .send()
        .unwrap()
        .text()
        .unwrap();
    text.lines().nth(1).unwrap_or_default().to_owned()
}

#[test]
fn sighup_reloads_under_load_without_a_failed_request() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&repo().join("data"), &data);
    set_modified(&data, 20);
    let server = ServeProcess::start(&[("TI_DATA", data.to_str().unwrap())]);
    let url = server.url.clone();
    let client = reqwest::blocking::Client::new();
    assert!(modified(&client, &url).contains("2026-11-20"));

    // Load: 4 clients requesting queries, pages, documents and dumps in turn.
    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let served = Arc::new(Mutex::new(BTreeMap::<u16, usize>::new()));
    let clients: Vec<_> = (0..4)
        .map(|offset| {
            let (stop, failures, served, url) =
                (stop.clone(), failures.clone(), served.clone(), url.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                let paths = load_paths();
                let mut i = offset;
                while !stop.load(Ordering::Relaxed) {
                    let path = &paths[i % paths.len()];
                    i += 1;
                    let target = format!("{}{}", url, path.trim_start_matches('/'));
                    match client.get(&target).send().and_then(|r| {
                        let status = r.status();
                        r.bytes().map(|body| (status, body.len()))
                    }) {
                        Ok((status, _)) if status.is_success() => {
                            *served.lock().unwrap().entry(status.as_u16()).or_default() += 1;
                        }
                        Ok((status, _)) => {
                            failures.lock().unwrap().push(format!("{path}: {status}"))
                        }
                        Err(e) => failures.lock().unwrap().push(format!("{path}: {e}")),
                    }
                }
            })
        })
        .collect();

    // Six reloads, each with a new `modified` date, while the clients run.
    let mut release = health(&client, &url)["release"]
        .as_str()
        .unwrap()
        .to_owned();
    for day in 21..=26 {
        std::thread::sleep(Duration::from_millis(150));
        set_modified(&data, day);
        hangup(&server);
        let now = wait_for_new_release(&client, &url, &release);
        release = now["release"].as_str().unwrap().to_owned();
        assert!(
            modified(&client, &url).contains(&format!("2026-11-{day}")),
            "the reloaded data is served"
        );
    }
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    let failures = failures.lock().unwrap();
    let served = served.lock().unwrap();
    let total: usize = served.values().sum();
    println!("served during the reloads: {served:?} ({total} requests)");
    assert!(failures.is_empty(), "failed requests: {failures:?}");
    assert!(total > 100, "too little load to show anything: {total}");

    // The dumps and the catalog follow the release.
    let sums = client
        .get(format!("{url}dumps/SHA256SUMS"))
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    assert_eq!(
        territoire_innovant::publish::sha256_hex(&sums)[..16],
        release,
        "the release is named after the SHA256SUMS served"
    );
}

#[test]
fn a_reload_with_invalid_data_keeps_the_running_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&repo().join("data"), &data);
    let server = ServeProcess::start(&[("TI_DATA", data.to_str().unwrap())]);
    let client = reqwest::blocking::Client::new();
    let before = health(&client, &server.url);

    let edition = data.join("editions/2023.toml");
    let text = std::fs::read_to_string(&edition).unwrap();
    std::fs::write(
        &edition,
        text.replacen("level = \"argent\"", "level = \"platine\"", 1),
    )
    .unwrap();
    hangup(&server);
    let deadline = Instant::now() + Duration::from_secs(30);
    let failure = loop {
        let line = server
            .log
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("a log line saying the reload failed");
        if line.contains("reload failed") {
            break line;
        }
    };
    assert!(
        failure.contains(
            &Path::new("editions")
                .join("2023.toml")
                .display()
                .to_string()
        ) && failure.contains("unknown level \"platine\""),
        "the log names the file and the problem: {failure}"
    );
    let after = health(&client, &server.url);
    assert_eq!(
        (&after["release"], &after["triples"]),
        (&before["release"], &before["triples"])
    );
}
