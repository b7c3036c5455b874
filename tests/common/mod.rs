//! Helpers shared by the integration tests.
#![allow(dead_code)]

use oxigraph::model::Term;
use oxigraph::sparql::QueryResults;
use std::path::{Path, PathBuf};
use territoire_innovant::rdf::Base;
use territoire_innovant::sparql;
use territoire_innovant::store::{DataSet, Inputs};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The press release the data is transcribed from (`data/sources/`).
pub fn press_release() -> String {
    let path = repo().join("data/sources/communique-2023.txt");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the press release must be at {}: {e}", path.display()))
}

/// `text` with every run of white space (line breaks included) made one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Inputs pointing at the repository's `data/` and `ontology/`.
pub fn inputs(data_dir: &Path, base: Base) -> Inputs {
    Inputs {
        data_dir: data_dir.to_owned(),
        ontology_dir: repo().join("ontology"),
        base,
    }
}

/// The data set built from the repository's data with the default base.
pub fn data_set() -> DataSet {
    DataSet::build(&inputs(&repo().join("data"), Base::default())).expect("the data builds")
}

/// A term as a plain string: IRIs and blank nodes without brackets,
/// literals by their lexical value.
pub fn plain(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => n.as_str().to_owned(),
        Term::Literal(l) => l.value().to_owned(),
        other => other.to_string(),
    }
}

/// Runs a SELECT with the PREFIXES below and returns its rows as plain strings.
pub fn select(data_set: &DataSet, query: &str) -> Vec<Vec<String>> {
    let query = format!("{PREFIXES}\n{query}");
    let QueryResults::Solutions(solutions) =
        sparql::run(&data_set.store, &query).expect("the query runs")
    else {
        panic!("not a SELECT query: {query}");
    };
    let variables = solutions.variables().to_vec();
    solutions
        .map(|s| {
            let s = s.expect("a solution");
            variables
                .iter()
                .map(|v| s.get(v).map(plain).unwrap_or_default())
                .collect()
        })
        .collect()
}

/// The single value of a one-row, one-column SELECT.
pub fn select_one(data_set: &DataSet, query: &str) -> String {
    let rows = select(data_set, query);
    assert_eq!(rows.len(), 1, "one row expected from {query}: {rows:?}");
    rows[0][0].clone()
}

/// Prefixes prepended to test queries.
pub const PREFIXES: &str = "
PREFIX ti: <https://w3id.org/territoire-innovant/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <http://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
";

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The example queries of `queries/`, sorted.
pub fn example_queries() -> Vec<PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(repo().join("queries"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rq"))
        .collect();
    paths.sort();
    paths
}

/// Runs `command` to its end; a failure fails the test with its stderr.
pub fn run_to_success(command: &mut std::process::Command) -> std::process::Output {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A copy of the repository's `data/` in a temporary folder, and an output
/// folder beside it.
pub struct DataCopy {
    /// The temporary folder.
    pub dir: tempfile::TempDir,
}

impl DataCopy {
    /// Copies `data/`.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("data"), &dir.path().join("data"));
        Self { dir }
    }

    /// The copy of `data/`.
    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The output folder (not made).
    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
}

/// Sets the data set's `modified` date in `data/label.toml` to
/// 2026-11-`day`: a change of the data that makes a new release.
pub fn set_modified(data: &Path, day: u32) {
    let path = data.join("label.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text.find("\nmodified = ").expect("a modified date") + 1;
    let end = at + text[at..].find('\n').unwrap();
    let text = format!("{}modified = 2026-11-{day:02}{}", &text[..at], &text[end..]);
    std::fs::write(&path, text).unwrap();
}

/// A server over the repository's data, on an ephemeral port of 127.0.0.1.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    /// The serving task; completes after a shutdown.
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl TestServer {
    /// Starts a server with `config`.
    pub async fn start(config: territoire_innovant::server::Config) -> Self {
        Self::start_with(data_set(), config).await
    }

    /// Starts a server over `data_set` with `config`.
    pub async fn start_with(
        data_set: DataSet,
        config: territoire_innovant::server::Config,
    ) -> Self {
        use territoire_innovant::server::{AppState, Site, serve};
        let examples = territoire_innovant::examples::load(&repo().join("queries")).unwrap();
        let state = AppState::new(data_set, config, examples).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (sender, receiver) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, Site::new(state), async {
            let _ = receiver.await;
        }));
        Self {
            url,
            shutdown: Some(sender),
            task,
        }
    }

    /// Starts a server with the default configuration.
    pub async fn default() -> Self {
        Self::start(Default::default()).await
    }

    /// Asks the server to stop after its running requests.
    pub fn shutdown(&mut self) {
        if let Some(sender) = self.shutdown.take() {
            let _ = sender.send(());
        }
    }

    /// `url` + `path`.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}

/// The rows of a SELECT sent to `server`'s endpoint (JSON results), each a
/// map from variable to value (an IRI, a literal's value).
pub async fn sparql_rows(
    server: &TestServer,
    query: &str,
) -> Vec<std::collections::BTreeMap<String, String>> {
    let body = reqwest::Client::new()
        .get(server.at("/sparql"))
        .query(&[("query", query)])
        .header("accept", "application/sparql-results+json")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&body)));
    json["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row.as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v["value"].as_str().unwrap().to_owned()))
                .collect()
        })
        .collect()
}

/// An HTTP client that does not decompress, to see what the server sends.
pub fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap()
}

/// The `serve` command running as a child process, on an ephemeral port.
pub struct ServeProcess {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    /// Log lines of the server.
    pub log: std::sync::mpsc::Receiver<String>,
}

impl ServeProcess {
    /// Starts `serve` with the environment variables `env`.
    pub fn start(env: &[(&str, &str)]) -> Self {
        Self::start_with(&[], env)
    }

    /// Starts `serve ARGS` with the environment variables `env` (on an
    /// ephemeral port unless `TI_LISTEN` is one of them).
    pub fn start_with(args: &[&std::ffi::OsStr], env: &[(&str, &str)]) -> Self {
        Self::start_in(&repo(), args, env)
    }

    /// Starts `serve ARGS` from the directory `dir` (see [`Self::start_with`]).
    pub fn start_in(dir: &Path, args: &[&std::ffi::OsStr], env: &[(&str, &str)]) -> Self {
        use std::io::BufRead;
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_territoire-innovant"));
        command.current_dir(dir).arg("serve").args(args);
        if !env.iter().any(|(name, _)| *name == "TI_LISTEN") {
            command.args(["--listen", "127.0.0.1:0"]);
        }
        command
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().unwrap();
        let (sender, log) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                if sender.send(line.unwrap_or_default()).is_err() {
                    break;
                }
            }
        });
        // What the server logs while it starts, then the line with its
        // address.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let url = loop {
            let line = log
                .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
                .expect("the server starts and says where it serves");
            if let Some(url) = line.split("serving on ").nth(1) {
                break url.trim().to_owned();
            }
        };
        Self { child, url, log }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process still runs.
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits up to `timeout` for the process to exit; its status, if it did.
    pub fn wait_for_exit(
        &mut self,
        timeout: std::time::Duration,
    ) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        None
    }

    /// CPU time used so far (user + system), from /proc.
    pub fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap()
            .split_whitespace()
            .collect();
        let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
        ticks / 100.0
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where the Linked Data is served: `serve` ([`TestServer`]) or nginx over
/// the static export ([`StaticSite`]).
pub trait Origin {
    /// `http://127.0.0.1:PORT`
    fn url(&self) -> &str;
    /// `url` + `path`.
    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url())
    }
}

impl Origin for TestServer {
    fn url(&self) -> &str {
        &self.url
    }
}

/// nginx (Debian) serving the static export of the repository's data
/// (`build --site`) with the configuration the export writes, included as
/// its `nginx-site.conf` says, or a configuration of the test's own
/// ([`StaticSite::with_site`]); stopped when dropped.
pub struct StaticSite {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    process: std::process::Child,
    _dir: tempfile::TempDir,
}

impl Origin for StaticSite {
    fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for StaticSite {
    /// Stops nginx with SIGTERM: its master stops its workers (SIGKILL
    /// would leave them running).
    fn drop(&mut self) {
        // SAFETY: kill(2) on the pid of our own child process.
        unsafe { libc::kill(self.process.id() as libc::pid_t, libc::SIGTERM) };
        let _ = self.process.wait();
    }
}

/// The export of the repository's data, made once per test binary by the
/// command `build --out DIR --site DIR/site`, in the target's folder for
/// test files.
fn static_export() -> &'static Path {
    static EXPORT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    EXPORT.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("static-export-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        run_to_success(
            std::process::Command::new(env!("CARGO_BIN_EXE_territoire-innovant"))
                .current_dir(repo())
                .args(["build", "--out"])
                .arg(dir.join("out"))
                .arg("--site")
                .arg(dir.join("site"))
                .args(["--site-listen", "127.0.0.1:8080"]),
        );
        dir.join("site")
    })
}

impl StaticSite {
    /// Starts nginx over the export of the repository's data.
    pub fn start() -> Self {
        Self::serving(static_export())
    }

    /// Starts nginx on a free port over the export in `export`; the only
    /// change to the generated configuration is its `listen` line.
    pub fn serving(export: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let site: String = std::fs::read_to_string(export.join("nginx-site.conf"))
            .unwrap()
            .lines()
            .map(|line| match line.trim_start().starts_with("listen ") {
                true => format!("    listen 127.0.0.1:{port};\n"),
                false => format!("{line}\n"),
            })
            .collect();
        Self::with_site(&site, port)
    }

    /// Starts Debian's nginx with `site` (what nginx's `http { }` block
    /// includes: `server { }` blocks listening on 127.0.0.1:`port`, and
    /// `upstream`s) once it accepts connections on `port`.
    pub fn with_site(site: &str, port: u16) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.conf"), site).unwrap();
        let d = dir.path().display();
        let conf = format!(
            "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
             fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  \
             include {d}/site.conf;\n}}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
        let process = std::process::Command::new("/usr/sbin/nginx")
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .arg("-p")
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("Debian's nginx (scripts/install-test-tools)");
        let url = format!("http://127.0.0.1:{port}");
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "nginx did not start: {}",
                std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Self {
            url,
            process,
            _dir: dir,
        }
    }
}
