//! `publish --graph-store`: a release pushed to real SPARQL stores, Virtuoso
//! Open Source (Debian) and Oxigraph server (PyPI), each started here on a
//! free port, Oxigraph with `--union-default-graph` (the usual way to serve
//! named graphs; Virtuoso's default graph is the union too). After a push,
//! every example query of `queries/` gives its expected result on the
//! store's own endpoint, over the stable graphs and over the store's default
//! graph without `FROM`, and each graph is isomorphic to the release's
//! files; no release-named copy is left; pushing again changes nothing; a
//! push killed with SIGKILL mid-way leaves the previous release whole, and
//! the next push resumes where it stopped; the previous release is pushed
//! again from the release directory to go back to it.

mod common;

use common::{DataCopy, example_queries, repo, run_to_success, set_modified};
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, QueryResultsSerializer, ReaderQueryResultsParserOutput,
};
use sophia::api::prelude::*;
use sophia::inmem::graph::LightGraph;
use sophia::isomorphism::isomorphic_graphs;
use sophia::turtle::parser::{nt, turtle};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use territoire_innovant::graph_store::Endpoints;

const BIN: &str = env!("CARGO_BIN_EXE_territoire-innovant");
const GRAPH: &str = "https://w3id.org/territoire-innovant/graph/";
const GRAPHS: [&str; 4] = ["data", "ontology", "alignments", "catalog"];

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A store running for one test, stopped when dropped.
struct Engine {
    name: &'static str,
    process: Child,
    /// The Graph Store Protocol endpoint given to `publish`.
    graph_store: String,
    /// The query endpoint readers use.
    query: String,
    /// Credentials `publish` reads from its environment.
    credentials: Vec<(&'static str, &'static str)>,
    _dir: tempfile::TempDir,
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Engine {
    /// Oxigraph server 0.5.13 (PyPI `oxigraph`), read-write, on RocksDB.
    fn oxigraph() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let process = Command::new("oxigraph")
            .args(["serve", "--location"])
            .arg(dir.path().join("store"))
            .args([
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--union-default-graph",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("oxigraph (pip install oxigraph==0.5.13: scripts/install-test-tools)");
        let engine = Self {
            name: "Oxigraph server",
            process,
            graph_store: format!("http://127.0.0.1:{port}/store"),
            query: format!("http://127.0.0.1:{port}/query"),
            credentials: vec![],
            _dir: dir,
        };
        engine.wait_ready();
        engine
    }

    /// Virtuoso Open Source 7.2 (Debian `virtuoso-opensource`), with its own
    /// ini and database in a temporary directory; pushes go through its
    /// Digest-protected endpoints as `dba`.
    fn virtuoso() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (sql_port, http_port) = (free_port(), free_port());
        let ini = std::fs::read_to_string("/etc/virtuoso-opensource-7/virtuoso.ini")
            .expect("Debian's virtuoso-opensource (scripts/install-test-tools)");
        let db = dir.path().display().to_string();
        let mut section = String::new();
        let ini: String = ini
            .lines()
            .map(|line| {
                let trimmed = line.trim();
                if trimmed.starts_with('[') {
                    section = trimmed.to_owned();
                }
                let key = trimmed.split('=').next().unwrap_or("").trim();
                let file = |name: &str| format!("{key} = {db}/{name}");
                match (section.as_str(), key) {
                    ("[Database]", "DatabaseFile") => file("virtuoso.db"),
                    ("[Database]", "ErrorLogFile") => file("virtuoso.log"),
                    ("[Database]", "LockFile") => file("virtuoso.lck"),
                    ("[Database]", "TransactionFile") => file("virtuoso.trx"),
                    ("[Database]", "xa_persistent_file") => file("virtuoso.pxa"),
                    ("[TempDatabase]", "DatabaseFile") => file("temp.db"),
                    ("[TempDatabase]", "TransactionFile") => file("temp.trx"),
                    ("[Parameters]", "ServerPort") => format!("ServerPort = {sql_port}"),
                    ("[HTTPServer]", "ServerPort") => format!("ServerPort = {http_port}"),
                    ("[SPARQL]", "ResultSetMaxRows") => "ResultSetMaxRows = 1000000".into(),
                    _ => line.to_owned(),
                }
            })
            .map(|line| line + "\n")
            .collect();
        let ini_path = dir.path().join("virtuoso.ini");
        std::fs::write(&ini_path, ini).unwrap();
        let process = Command::new("virtuoso-t")
            .arg("+configfile")
            .arg(&ini_path)
            .arg("+foreground")
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("virtuoso-t (Debian's virtuoso-opensource: scripts/install-test-tools)");
        let engine = Self {
            name: "Virtuoso",
            process,
            graph_store: format!("http://127.0.0.1:{http_port}/sparql-graph-crud-auth"),
            query: format!("http://127.0.0.1:{http_port}/sparql"),
            credentials: vec![
                ("TI_GRAPH_STORE_USER", "dba"),
                ("TI_GRAPH_STORE_PASSWORD", "dba"),
            ],
            _dir: dir,
        };
        engine.wait_ready();
        engine
    }

    /// The query and update endpoints `publish` finds from the Graph Store
    /// Protocol endpoint's name.
    fn endpoints(&self) -> (String, String) {
        let endpoints = Endpoints::new(&self.graph_store, None, None).unwrap();
        (endpoints.query.to_string(), endpoints.update.to_string())
    }

    fn wait_ready(&self) {
        let started = Instant::now();
        let client = reqwest::blocking::Client::new();
        loop {
            let ready = client
                .get(&self.query)
                .query(&[("query", "ASK {}")])
                .send()
                .is_ok_and(|r| r.status().is_success());
            if ready {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "{} did not answer in 90 s",
                self.name
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Runs a query, with the stable graphs as the default graph (the
    /// protocol's `default-graph-uri`: what `/sparql` answers from) for a
    /// reader, or over the store's own data set.
    fn query(&self, query: &str, accept: &str, reader: bool) -> Vec<u8> {
        let mut form: Vec<(&str, String)> = vec![("query", query.to_owned())];
        for graph in GRAPHS.iter().filter(|_| reader) {
            form.push(("default-graph-uri", format!("{GRAPH}{graph}")));
        }
        let response = reqwest::blocking::Client::new()
            .post(&self.query)
            .header("Accept", accept)
            .form(&form)
            .send()
            .unwrap();
        assert!(
            response.status().is_success(),
            "{}: {} for {query}",
            self.name,
            response.status()
        );
        response.bytes().unwrap().to_vec()
    }

    /// The results of a query as the example files write them (TSV).
    fn tsv(&self, query: &str, reader: bool) -> String {
        let xml = self.query(query, "application/sparql-results+xml", reader);
        let mut tsv = Vec::new();
        let serializer = QueryResultsSerializer::from_format(QueryResultsFormat::Tsv);
        match QueryResultsParser::from_format(QueryResultsFormat::Xml)
            .for_reader(xml.as_slice())
            .unwrap()
        {
            ReaderQueryResultsParserOutput::Boolean(value) => {
                serializer
                    .serialize_boolean_to_writer(&mut tsv, value)
                    .unwrap();
            }
            ReaderQueryResultsParserOutput::Solutions(solutions) => {
                let mut writer = serializer
                    .serialize_solutions_to_writer(&mut tsv, solutions.variables().to_vec())
                    .unwrap();
                for solution in solutions {
                    writer.serialize(&solution.unwrap()).unwrap();
                }
                writer.finish().unwrap();
            }
        }
        String::from_utf8(tsv).unwrap()
    }

    /// The triples of a named graph, as N-Triples (Virtuoso's Turtle writes
    /// an `xsd:decimal` such as `24061` bare, which reads as an integer).
    fn graph(&self, name: &str) -> LightGraph {
        let text = reqwest::blocking::Client::new()
            .post(&self.query)
            .header("Accept", "application/n-triples")
            .form(&[(
                "query",
                format!("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"),
            )])
            .send()
            .unwrap()
            .text()
            .unwrap();
        nt::parse_str(&text)
            .collect_triples()
            .unwrap_or_else(|e| panic!("{}: {name}: {e}\n{text}", self.name))
    }

    fn count(&self, graph: &str) -> usize {
        let tsv = self.tsv(
            &format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"),
            false,
        );
        tsv.lines().nth(1).unwrap().parse().unwrap()
    }

    /// The store's record of its current release.
    fn current_release(&self) -> Option<String> {
        let tsv = self.tsv(&format!(
            "SELECT ?v WHERE {{ GRAPH <{GRAPH}releases> {{
               <https://w3id.org/territoire-innovant/dataset> <http://www.w3.org/ns/dcat#hasCurrentVersion> ?r .
               ?r <http://www.w3.org/ns/dcat#version> ?v }} }}"
        ), false);
        tsv.lines().nth(1).map(|v| v.trim_matches('"').to_owned())
    }

    fn publish(&self, out: &Path) -> Command {
        let mut command = Command::new(BIN);
        command
            .current_dir(repo())
            .args(["publish", "--out"])
            .arg(out)
            .args(["--graph-store", &self.graph_store])
            .envs(self.credentials.iter().copied())
            .env_remove("TI_GRAPH_STORE_TOKEN");
        command
    }

    /// Pushes the current release of `out`; returns what it printed.
    fn push(&self, out: &Path) -> (String, String) {
        self.succeed(self.publish(out))
    }

    /// Pushes release `id` of `out` (`--release`); returns what it printed.
    fn push_release(&self, out: &Path, id: &str) -> (String, String) {
        let mut command = self.publish(out);
        command.args(["--release", id]);
        self.succeed(command)
    }

    /// Runs a `publish` that must succeed; returns what it printed.
    fn succeed(&self, mut command: Command) -> (String, String) {
        let output = command.output().unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        );
        assert!(
            output.status.success(),
            "{}: publish failed:\n{stderr}",
            self.name
        );
        (stdout, stderr)
    }

    /// Every example query gives its expected answer over the stable
    /// graphs (`default-graph-uri`, as this server's `/sparql` reads them)
    /// and, if `union`, over the store's own default graph, without `FROM`
    /// (the union of its graphs).
    fn assert_examples_answer(&self, when: &str, union: bool) {
        for path in example_queries() {
            let query = std::fs::read_to_string(&path).unwrap();
            let expected = std::fs::read_to_string(path.with_extension("expected.tsv")).unwrap();
            for reader in [true, false].into_iter().filter(|r| *r || union) {
                assert_eq!(
                    self.tsv(&query, reader),
                    expected,
                    "{} ({when}, {}): {}",
                    self.name,
                    if reader {
                        "over the stable graphs"
                    } else {
                        "over the store's default graph"
                    },
                    path.display()
                );
            }
        }
    }

    /// The release-named graphs the store holds (none once a push is
    /// switched in).
    fn release_named_graphs(&self) -> Vec<String> {
        self.tsv(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g",
            false,
        )
        .lines()
        .skip(1)
        .map(|g| g.trim_matches(['<', '>']).to_owned())
        .filter(|g| {
            GRAPHS
                .iter()
                .any(|name| g.starts_with(&format!("{GRAPH}{name}/")))
        })
        .collect()
    }
}

/// A copy of `data/` that makes releases.
struct Source(DataCopy);

impl Source {
    fn new() -> Self {
        Self(DataCopy::new())
    }

    fn out(&self) -> PathBuf {
        self.0.out()
    }

    /// Builds a release whose `modified` date is 2026-11-`day`; returns its name.
    fn build(&self, day: u32) -> String {
        set_modified(&self.0.data(), day);
        run_to_success(
            Command::new(BIN)
                .current_dir(repo())
                .arg("--data")
                .arg(self.0.data())
                .args(["build", "--out"])
                .arg(self.out()),
        );
        territoire_innovant::publish::current_release(&self.out()).unwrap()
    }

    fn current(&self, file: &str) -> String {
        std::fs::read_to_string(self.out().join("current").join(file)).unwrap()
    }
}

fn parse_turtle(text: &str) -> LightGraph {
    turtle::parse_str(text).collect_triples().unwrap()
}

/// Each stable graph of the store is the release's: the data graph its
/// N-Triples dump, the ontology its file, the catalog graph the catalog and
/// VoID files, the alignments graph what the server's own store entails.
fn assert_graphs_are_the_release(engine: &Engine, source: &Source) {
    let alignments = territoire_innovant::store::DataSet::build(&common::inputs(
        &source.0.data(),
        Default::default(),
    ))
    .unwrap();
    let mut alignments_nt = String::new();
    for quad in alignments.store.quads_for_pattern(
        None,
        None,
        None,
        Some(alignments.alignments_graph.as_ref().into()),
    ) {
        alignments_nt.push_str(&format!(
            "{} .\n",
            oxigraph::model::Triple::from(quad.unwrap())
        ));
    }
    let expected = [
        (
            "data",
            parse_turtle(&source.current("territoire-innovant.nt")),
        ),
        ("ontology", parse_turtle(&source.current("ontology.ttl"))),
        ("alignments", parse_turtle(&alignments_nt)),
        (
            "catalog",
            parse_turtle(&(source.current("catalog.ttl") + "\n" + &source.current("void.ttl"))),
        ),
    ];
    for (name, expected) in expected {
        let graph = format!("{GRAPH}{name}");
        let pushed = engine.graph(&graph);
        assert!(
            isomorphic_graphs(&expected, &pushed).unwrap(),
            "{}: {graph} ({} triples) is not the release's ({} triples)",
            engine.name,
            pushed.triples().count(),
            expected.triples().count()
        );
    }
}

/// A proxy in front of a store that forwards every request but holds the
/// `stall_after`-th write to the Graph Store Protocol (and any after it)
/// unanswered: a push through it stops there, for as long as the test likes.
struct StallingProxy {
    url: String,
    writes: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl StallingProxy {
    fn new(upstream: &str, stall_after: usize) -> Self {
        use std::io::{Read, Write};
        use std::sync::atomic::Ordering;
        let upstream: reqwest::Url = upstream.parse().unwrap();
        let upstream_addr = format!(
            "{}:{}",
            upstream.host_str().unwrap(),
            upstream.port().unwrap()
        );
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://{}{}",
            listener.local_addr().unwrap(),
            upstream.path()
        );
        let writes = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = writes.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(mut client) = client else { return };
                let (counter, upstream_addr) = (counter.clone(), upstream_addr.clone());
                std::thread::spawn(move || {
                    // One request a connection: read its head and body.
                    let mut request = Vec::new();
                    let mut buffer = [0u8; 65536];
                    let head_end = loop {
                        let n = client.read(&mut buffer).unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        request.extend_from_slice(&buffer[..n]);
                        if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                            break at + 4;
                        }
                    };
                    let head = String::from_utf8_lossy(&request[..head_end]).into_owned();
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            let (name, value) = l.split_once(':')?;
                            name.eq_ignore_ascii_case("content-length")
                                .then(|| value.trim().parse().ok())?
                        })
                        .unwrap_or(0);
                    while request.len() < head_end + length {
                        let n = client.read(&mut buffer).unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        request.extend_from_slice(&buffer[..n]);
                    }
                    let write = head.starts_with("PUT ") || head.starts_with("POST ");
                    let to_graph_store = head.contains("graph=");
                    if write
                        && to_graph_store
                        && counter.fetch_add(1, Ordering::SeqCst) + 1 >= stall_after
                    {
                        std::thread::sleep(Duration::from_secs(3600));
                        return;
                    }
                    let head: String = head
                        .split("\r\n")
                        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
                        .filter(|l| !l.is_empty())
                        .map(|l| format!("{l}\r\n"))
                        .collect::<String>()
                        + "Connection: close\r\n\r\n";
                    let mut server = std::net::TcpStream::connect(&upstream_addr).unwrap();
                    server.write_all(head.as_bytes()).unwrap();
                    server.write_all(&request[head_end..]).unwrap();
                    let mut response = Vec::new();
                    server.read_to_end(&mut response).unwrap();
                    // The client must not reuse this connection: say so.
                    let status_line = response.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
                    let _ = client.write_all(&response[..status_line]);
                    let _ = client.write_all(b"Connection: close\r\n");
                    let _ = client.write_all(&response[status_line..]);
                });
            }
        });
        Self { url, writes }
    }
}

/// Pushes through a proxy that stops answering at the third request that
/// sends triples, and kills the publisher with SIGKILL while it waits.
fn push_and_kill(engine: &Engine, out: &Path) {
    let proxy = StallingProxy::new(&engine.graph_store, 3);
    let mut command = engine.publish(out);
    command.args(["--triples-per-request", "100"]);
    // The proxy's URL replaces the store's; the other endpoints stay.
    let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
    let mut through = Command::new(BIN);
    through
        .current_dir(repo())
        .envs(engine.credentials.iter().copied());
    for arg in args {
        through.arg(if arg == engine.graph_store.as_str() {
            std::ffi::OsString::from(&proxy.url)
        } else {
            arg
        });
    }
    let (query, update) = engine.endpoints();
    through
        .args(["--query-endpoint", &query, "--update-endpoint", &update])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = through.spawn().unwrap();
    let started = Instant::now();
    while proxy.writes.load(std::sync::atomic::Ordering::SeqCst) < 3 {
        if child.try_wait().unwrap().is_some() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            panic!("{}: the push ended before the stall: {stderr}", engine.name);
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no stall");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

fn the_whole_life_of_a_push(engine: Engine) {
    let source = Source::new();
    let first = source.build(1);
    let (stdout, _) = engine.push(&source.out());
    assert!(
        stdout.contains(&format!("release {first} is the store's current release")),
        "{stdout}"
    );
    assert_eq!(engine.current_release().as_deref(), Some(first.as_str()));
    engine.assert_examples_answer("after the first push", true);
    assert_graphs_are_the_release(&engine, &source);
    assert_eq!(engine.release_named_graphs(), Vec::<String>::new());

    // The same release again: nothing is sent, nothing changes.
    let every_quad = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }";
    let before = engine.tsv(every_quad, false);
    let (stdout, _) = engine.push(&source.out());
    assert!(stdout.contains("nothing changed"), "{stdout}");
    assert_eq!(engine.tsv(every_quad, false), before, "{}", engine.name);

    // A push killed mid-way: readers keep the first release, whole.
    let second = source.build(2);
    assert_ne!(first, second);
    push_and_kill(&engine, &source.out());
    assert_eq!(engine.current_release().as_deref(), Some(first.as_str()));
    // (The store's union default graph shows the staged copy too, until a
    // push switches it in: README.)
    engine.assert_examples_answer("after a push killed mid-way", false);
    let staged = engine.count(&format!("{GRAPH}data/{second}"));
    assert!(staged > 0, "{}: nothing was staged", engine.name);

    // The next push resumes where the count shows it stopped.
    let (stdout, stderr) = engine.push(&source.out());
    assert!(
        stderr.contains(&format!("resuming {GRAPH}data/{second} at triple {staged}")),
        "{}: {stderr}",
        engine.name
    );
    assert!(
        stdout.contains(&format!(
            "the previous one, {first}, can be pushed again with --release {first}"
        )),
        "{stdout}"
    );
    assert_eq!(engine.current_release().as_deref(), Some(second.as_str()));
    engine.assert_examples_answer("after the resumed push", true);
    assert_graphs_are_the_release(&engine, &source);
    assert_eq!(engine.release_named_graphs(), Vec::<String>::new());

    // A third release.
    let third = source.build(3);
    engine.push(&source.out());
    assert_eq!(engine.current_release().as_deref(), Some(third.as_str()));
    engine.assert_examples_answer("after the third push", true);
    assert_eq!(engine.release_named_graphs(), Vec::<String>::new());

    // The switch without a large transaction sends the stable graphs again.
    let fourth = source.build(4);
    let output = engine
        .publish(&source.out())
        .args(["--switch", "resend", "--triples-per-request", "500"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(&format!("release {fourth} is the store's current release")),
        "{stdout}"
    );
    assert_eq!(engine.current_release().as_deref(), Some(fourth.as_str()));
    engine.assert_examples_answer("after a push switched by sending again", true);
    assert_graphs_are_the_release(&engine, &source);
    assert_eq!(engine.release_named_graphs(), Vec::<String>::new());

    // Back to the previous release, from the release directory.
    let (stdout, _) = engine.push_release(&source.out(), &third);
    assert!(
        stdout.contains(&format!("release {third} is the store's current release")),
        "{stdout}"
    );
    assert_eq!(engine.current_release().as_deref(), Some(third.as_str()));
    engine.assert_examples_answer("back to the previous release", true);
    assert_eq!(engine.release_named_graphs(), Vec::<String>::new());
    // A release the directory does not keep is named with those it keeps.
    let output = engine
        .publish(&source.out())
        .args(["--release", "nope"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no release nope there") && stderr.contains(&fourth),
        "{stderr}"
    );
}

#[test]
fn a_release_pushed_to_oxigraph_server() {
    the_whole_life_of_a_push(Engine::oxigraph());
}

#[test]
fn a_release_pushed_to_virtuoso() {
    the_whole_life_of_a_push(Engine::virtuoso());
}

#[test]
fn wrong_credentials_are_a_clear_error_that_does_not_show_them() {
    let engine = Engine::virtuoso();
    let source = Source::new();
    source.build(1);
    let output = engine
        .publish(&source.out())
        .env("TI_GRAPH_STORE_PASSWORD", "not-the-password")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("401"), "{stderr}");
    assert!(!stderr.contains("not-the-password"), "{stderr}");
    assert_eq!(engine.current_release(), None);
}
