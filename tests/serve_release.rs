//! `serve --release DIR`: the release served is the release `build` wrote
//! (files byte for byte, fingerprints, change feed), taken up when a new
//! build switches `DIR/current` with no failed request (a release that
//! cannot be opened is refused, naming its file, and the running one kept,
//! also on SIGHUP), and rolled out to two replicas behind nginx (the project's `deploy/nginx-replicas.conf`)
//! under load with no failed request.

mod common;

use common::{DataCopy, ServeProcess, StaticSite, repo, run_to_success, set_modified};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use territoire_innovant::publish::{CHECKSUMS_FILE, current_release, sha256_hex};

/// Runs `build --out` over the copy's data.
fn build(copy: &DataCopy) {
    run_to_success(
        std::process::Command::new(env!("CARGO_BIN_EXE_territoire-innovant"))
            .current_dir(repo())
            .arg("--data")
            .arg(copy.data())
            .args(["build", "--out"])
            .arg(copy.out()),
    );
}

/// `serve --release OUT` on `port` (0: any), fair use off (the load comes
/// from one client).
fn serve(out: &Path, port: u16) -> ServeProcess {
    let listen = format!("127.0.0.1:{port}");
    ServeProcess::start_with(
        &["--release".as_ref(), out.as_os_str()],
        &[("TI_FAIR_USE_SECONDS", "0"), ("TI_LISTEN", &listen)],
    )
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap()
}

/// The release a server reports on `/health`.
fn served_release(client: &reqwest::blocking::Client, url: &str) -> String {
    let health: serde_json::Value = client
        .get(format!("{}health", with_slash(url)))
        .send()
        .unwrap()
        .json()
        .unwrap();
    health["release"].as_str().unwrap().to_owned()
}

fn with_slash(url: &str) -> String {
    format!("{}/", url.trim_end_matches('/'))
}

/// Every file of the directory, by relative path, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_symlink() {
                let target = std::fs::read_link(entry.path()).unwrap();
                let name = entry
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .display()
                    .to_string();
                found.push((name, target.display().to_string().into_bytes()));
            } else {
                let name = entry
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .display()
                    .to_string();
                found.push((name, std::fs::read(entry.path()).unwrap()));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn the_release_served_is_the_release_built() {
    let copy = DataCopy::new();
    build(&copy);
    let release = current_release(&copy.out()).unwrap();
    let before = files(&copy.out());
    let server = serve(&copy.out(), 0);
    let client = client();
    assert_eq!(served_release(&client, &server.url), release);
    // Every published file, byte for byte, with its checksum as ETag.
    let sums = std::fs::read_to_string(copy.out().join("current").join(CHECKSUMS_FILE)).unwrap();
    for line in sums.lines() {
        let (sha256, name) = line.split_once("  ").unwrap();
        let response = client
            .get(format!("{}dumps/{name}", server.url))
            .header("accept-encoding", "identity")
            .send()
            .unwrap();
        assert_eq!(response.status(), 200, "{name}");
        assert_eq!(
            response.headers()["etag"].to_str().unwrap(),
            format!("\"{sha256}\""),
            "{name}"
        );
        assert_eq!(sha256_hex(&response.bytes().unwrap()), sha256, "{name}");
    }
    // The fingerprints the catalog states.
    let health: serde_json::Value = client
        .get(format!("{}health", server.url))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let stated = territoire_innovant::publish::fingerprint::published_in(&copy.out()).unwrap();
    assert_eq!(health["fingerprint"]["data"], stated.as_str());
    // The change feed is the log build wrote: the award's one version is
    // the one logged in build's file of the release (named by its time).
    let logged: Vec<String> = std::fs::read_dir(copy.out().join("history"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            Some(name.strip_suffix(".nt")?.to_owned())
        })
        .collect();
    assert_eq!(logged.len(), 1, "{logged:?}");
    let time_map = client
        .get(format!("{}timemap/award/2023/rudi", server.url))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        time_map.contains(&format!(
            "/ldes/version/{}/award/2023/rudi>; rel=\"first last memento\"",
            logged[0]
        )),
        "{time_map}"
    );
    // Some answers, read from the mapped index.
    assert_eq!(award_count(&client, &server.url), "25");
    let page = client
        .get(format!("{}award/2023/rudi", server.url))
        .header("accept", "text/html")
        .send()
        .unwrap();
    assert_eq!(page.status(), 200);
    // Serving wrote nothing in the release directory nor in its history.
    assert!(
        files(&copy.out()) == before,
        "the output directory changed while served"
    );
}

#[test]
fn a_release_is_served_from_any_directory_with_the_example_queries() {
    // An operator's service starts in its own directory, without the
    // repository beside it: the example queries come with the program.
    let copy = DataCopy::new();
    build(&copy);
    let elsewhere = tempfile::tempdir().unwrap();
    let server = ServeProcess::start_in(
        elsewhere.path(),
        &["--release".as_ref(), copy.out().as_os_str()],
        &[("TI_FAIR_USE_SECONDS", "0")],
    );
    let client = client();
    let page = client
        .get(format!("{}sparql", server.url))
        .header("accept", "text/html")
        .send()
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = html_unescaped(&page.text().unwrap());
    for example in common::example_queries() {
        let text = std::fs::read_to_string(&example).unwrap();
        let title = text.lines().next().unwrap().trim_start_matches('#').trim();
        assert!(page.contains(title), "the query page lists {title:?}");
    }
    assert_eq!(award_count(&client, &server.url), "25");
}

/// The text of `html` with its character references for quotes, `<`, `>`
/// and `&` read back.
fn html_unescaped(html: &str) -> String {
    html.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn a_new_release_is_taken_up_without_a_failed_request() {
    let copy = DataCopy::new();
    build(&copy);
    let first = current_release(&copy.out()).unwrap();
    let server = serve(&copy.out(), 0);
    let load = Load::start(std::slice::from_ref(&server.url));
    std::thread::sleep(Duration::from_millis(500));
    set_modified(&copy.data(), 21);
    build(&copy);
    let second = current_release(&copy.out()).unwrap();
    assert_ne!(first, second);
    let client = client();
    let deadline = Instant::now() + Duration::from_secs(10);
    while served_release(&client, &server.url) != second {
        assert!(Instant::now() < deadline, "the new release is not served");
        std::thread::sleep(Duration::from_millis(100));
    }
    // A third release, while the second is still read by requests.
    set_modified(&copy.data(), 22);
    build(&copy);
    let third = current_release(&copy.out()).unwrap();
    while served_release(&client, &server.url) != third {
        assert!(
            Instant::now() < deadline + Duration::from_secs(10),
            "the third release is not served"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    load.finish();
}

#[test]
fn a_release_that_cannot_be_opened_keeps_the_running_one_and_sighup_tries_again() {
    let copy = DataCopy::new();
    build(&copy);
    let first = current_release(&copy.out()).unwrap();
    let server = serve(&copy.out(), 0);
    let client = client();
    // A damaged release switched in as `build` does: a copy of the first
    // whose quads in one order are cut short.
    let releases = copy.out().join("releases");
    common::copy_dir(&releases.join(&first), &releases.join("damaged"));
    let spog = releases.join("damaged").join("index").join("spog");
    let length = std::fs::metadata(&spog).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&spog)
        .unwrap()
        .set_len(length - 32)
        .unwrap();
    let link = copy.out().join(".current.test");
    std::os::unix::fs::symlink("releases/damaged", &link).unwrap();
    std::fs::rename(&link, copy.out().join("current")).unwrap();
    let refused = wait_for_log(&server, "reload failed");
    assert!(
        refused.contains("still serving the previous release") && refused.contains("spog"),
        "the refusal names the damaged file: {refused}"
    );
    assert_eq!(served_release(&client, &server.url), first);
    assert_eq!(award_count(&client, &server.url), "25");
    // SIGHUP asks for the release again: refused again, and the process
    // (whose default on SIGHUP is to end) goes on serving the first one.
    let status = std::process::Command::new("kill")
        .args(["-HUP", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    wait_for_log(&server, "reload failed");
    assert_eq!(served_release(&client, &server.url), first);
    // A good build moves `current` on and is taken up.
    set_modified(&copy.data(), 24);
    build(&copy);
    let good = current_release(&copy.out()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while served_release(&client, &server.url) != good {
        assert!(Instant::now() < deadline, "the good release is not served");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(award_count(&client, &server.url), "25");
}

/// The first log line of `server` from now on that contains `text`.
fn wait_for_log(server: &ServeProcess, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let line = server
            .log
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no log line with {text:?}"));
        if line.contains(text) {
            return line;
        }
    }
}

/// How many awards the server's SPARQL endpoint counts.
fn award_count(client: &reqwest::blocking::Client, url: &str) -> String {
    let answer = client
        .get(format!("{}sparql", with_slash(url)))
        .query(&[(
            "query",
            "SELECT (COUNT(*) AS ?n) WHERE { ?award a <https://w3id.org/territoire-innovant/ontology#Award> }",
        )])
        .header("accept", "text/csv")
        .send()
        .unwrap()
        .text()
        .unwrap();
    answer.lines().nth(1).unwrap_or_default().to_owned()
}

#[test]
fn two_replicas_behind_nginx_roll_a_release_out_without_a_failed_request() {
    let copy = DataCopy::new();
    build(&copy);
    let ports = [free_port(), free_port()];
    let replicas: Vec<ServeProcess> = ports.iter().map(|&port| serve(&copy.out(), port)).collect();
    let nginx = Nginx::start(&ports);
    let load = Load::start(std::slice::from_ref(&nginx.url));
    std::thread::sleep(Duration::from_millis(500));
    set_modified(&copy.data(), 23);
    build(&copy);
    let new = current_release(&copy.out()).unwrap();
    let client = client();
    let deadline = Instant::now() + Duration::from_secs(10);
    for replica in &replicas {
        while served_release(&client, &replica.url) != new {
            assert!(
                Instant::now() < deadline,
                "{} still serves the old release",
                replica.url
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    let served = load.finish();
    assert_eq!(served_release(&client, &nginx.url), new);
    assert!(served > 0);
}

/// Requests sent without pause by four threads to `urls` in turn (a query,
/// a dump, a page, the home page) until [`Load::finish`], which fails the
/// test if any failed (an error or a status other than 200) and returns how
/// many were answered.
struct Load {
    stop: Arc<AtomicBool>,
    answered: Arc<AtomicUsize>,
    threads: Vec<std::thread::JoinHandle<Vec<String>>>,
}

impl Load {
    fn start(urls: &[String]) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let answered = Arc::new(AtomicUsize::new(0));
        let threads = (0..4)
            .map(|thread| {
                let (stop, answered) = (Arc::clone(&stop), Arc::clone(&answered));
                let urls: Vec<String> = urls.iter().map(|u| with_slash(u)).collect();
                std::thread::spawn(move || {
                    let client = client();
                    let mut failures = Vec::new();
                    let mut turn = thread;
                    while !stop.load(Ordering::Relaxed) {
                        let url = &urls[turn % urls.len()];
                        let request = match turn % 4 {
                            0 => client
                                .get(format!("{url}sparql"))
                                .query(&[(
                                    "query",
                                    "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
                                )])
                                .header("accept", "application/sparql-results+json"),
                            1 => client.get(format!("{url}dumps/territoire-innovant.nt")),
                            2 => client
                                .get(format!("{url}award/2023/rudi"))
                                .header("accept", "text/html"),
                            _ => client.get(url.clone()).header("accept", "text/html"),
                        };
                        turn += 1;
                        match request.send().and_then(|r| {
                            let status = r.status();
                            r.bytes().map(|_| status)
                        }) {
                            Ok(status) if status == 200 => {
                                answered.fetch_add(1, Ordering::Relaxed);
                            }
                            Ok(status) => failures.push(format!("status {status}")),
                            Err(e) => failures.push(e.to_string()),
                        }
                    }
                    failures
                })
            })
            .collect();
        Self {
            stop,
            answered,
            threads,
        }
    }

    fn finish(self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        let failures: Vec<String> = self
            .threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        let answered = self.answered.load(Ordering::Relaxed);
        assert!(
            failures.is_empty(),
            "{} of {} requests failed: {:?}",
            failures.len(),
            answered + failures.len(),
            &failures[..failures.len().min(5)]
        );
        assert!(answered > 20, "only {answered} requests answered");
        answered
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Debian's nginx with the project's `deploy/nginx-replicas.conf`, its
/// ports changed to the replicas' and its own; stopped when dropped.
struct Nginx {
    url: String,
    _nginx: StaticSite,
}

impl Nginx {
    fn start(replicas: &[u16; 2]) -> Self {
        let port = free_port();
        let documented =
            std::fs::read_to_string(repo().join("deploy/nginx-replicas.conf")).unwrap();
        let site = documented
            .replace("127.0.0.1:7878", &format!("127.0.0.1:{}", replicas[0]))
            .replace("127.0.0.1:7879", &format!("127.0.0.1:{}", replicas[1]))
            .replace("listen 80;", &format!("listen 127.0.0.1:{port};"));
        assert_ne!(
            site, documented,
            "the documented ports are where the test expects them"
        );
        Self {
            url: format!("http://127.0.0.1:{port}/"),
            _nginx: StaticSite::with_site(&site, port),
        }
    }
}
