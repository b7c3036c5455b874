//! `build --out DIR`: the dump files, their determinism and checksums, their
//! equivalence with the store, and their validity for independent tools.

mod common;

use common::{TestServer, copy_dir, data_set, raw_client, repo, sparql_rows};
use flate2::read::GzDecoder;
use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::Triple;
use sophia::api::prelude::*;
use sophia::inmem::dataset::LightDataset;
use sophia::inmem::graph::LightGraph;
use sophia::isomorphism::isomorphic_graphs;
use sophia::turtle::parser::{nq, nt, turtle};
use std::io::Read;
use std::path::Path;
use std::process::Command;
use territoire_innovant::publish::{PublishedRelease, publish_data_set, sha256_hex};
use territoire_innovant::rdf::order::triple_order;

const BIN: &str = env!("CARGO_BIN_EXE_territoire-innovant");

fn build(out: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .current_dir(repo())
        .args(extra)
        .arg("build")
        .arg("--out")
        .arg(out)
        .output()
        .expect("the binary runs")
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join("current").join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    GzDecoder::new(bytes).read_to_string(&mut text).unwrap();
    text
}

const FILES: [&str; 17] = [
    "SHA256SUMS",
    "catalog.rdf",
    "catalog.ttl",
    "csv-metadata.json",
    "datapackage.json",
    "laureats.csv",
    "ontology.ttl",
    "organisations.csv",
    "prix.csv",
    "territoire-innovant.hdt",
    "territoire-innovant.nq",
    "territoire-innovant.nq.gz",
    "territoire-innovant.nt",
    "territoire-innovant.nt.gz",
    "territoire-innovant.ttl",
    "territoire-innovant.ttl.gz",
    "void.ttl",
];

#[test]
fn two_builds_write_the_same_bytes_and_correct_checksums() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for dir in [&a, &b] {
        let output = build(dir.path(), &[]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // The published files, and the query index the server reads beside
    // them (not published: not in SHA256SUMS).
    let mut names: Vec<_> = std::fs::read_dir(a.path().join("current"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name != "index")
        .collect();
    names.sort();
    assert_eq!(names, FILES);
    let index = |dir: &Path| {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join("current/index"))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().into_string().unwrap(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let (first, second) = (index(a.path()), index(b.path()));
    assert!(
        first.iter().any(|(name, _)| name == "manifest.json"),
        "{first:?}"
    );
    for ((name, bytes), (_, again)) in first.iter().zip(&second) {
        assert!(bytes == again, "index/{name} differs between runs");
    }
    for name in FILES {
        assert!(
            read(a.path(), name) == read(b.path(), name),
            "{name} differs between runs"
        );
    }
    let sums = String::from_utf8(read(a.path(), "SHA256SUMS")).unwrap();
    assert_eq!(sums.lines().count(), FILES.len() - 1);
    for line in sums.lines() {
        let (hash, name) = line.split_once("  ").expect("sha256sum format");
        assert_eq!(hash, sha256_hex(&read(a.path(), name)), "{name}");
    }
}

#[test]
fn build_writes_the_bytes_the_server_serves_in_the_order_of_a_whole_sort() {
    let out = tempfile::tempdir().unwrap();
    let output = build(out.path(), &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let data = data_set();
    // The release a server prepares from a data set of its own (as
    // `AppState::new` does), opened as it serves it.
    let graph = data.data_graph_triples().unwrap();
    let sorted = territoire_innovant::rdf::order::Sorted::new(&graph);
    let own = tempfile::tempdir().unwrap();
    let release = publish_data_set(&data, (&graph, &sorted), own.path()).unwrap();
    let publication = PublishedRelease::open(&release.current)
        .unwrap()
        .publication;
    let names: Vec<_> = publication.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names[names.len() - 1], "SHA256SUMS");
    for file in &publication.files {
        assert!(
            read(out.path(), &file.name) == file.bytes,
            "{} on disk differs from the server's",
            file.name
        );
        assert_eq!(file.sha256, sha256_hex(&file.bytes), "{}", file.name);
    }
    // The dumps, sorted by runs of one subject, are in the order of a plain
    // sort of the whole graph: N-Triples byte for byte as oxigraph writes
    // that sort, Turtle read back triple by triple (the data has no blank
    // node).
    let triples: Vec<Triple> = data
        .store
        .quads_for_pattern(None, None, None, Some(data.data_graph.as_ref().into()))
        .map(|quad| Triple::from(quad.unwrap()))
        .collect();
    let mut sorted = triples.clone();
    sorted.sort_by(|a, b| triple_order(a.as_ref(), b.as_ref()));
    let mut writer = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(Vec::new());
    for triple in &sorted {
        writer.serialize_triple(triple).unwrap();
    }
    let n_triples = writer.finish().unwrap();
    assert!(
        read(out.path(), "territoire-innovant.nt") == n_triples,
        "the N-Triples dump is not in the order of a plain sort"
    );
    let turtle = read(out.path(), "territoire-innovant.ttl");
    let read_back: Vec<Triple> = RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(&turtle)
        .map(|quad| Triple::from(quad.unwrap()))
        .collect();
    assert!(
        read_back == sorted,
        "the Turtle dump is not in the order of a plain sort"
    );
    // Each subject's triples are together, each subject once.
    let mut runs: Vec<_> = String::from_utf8(n_triples)
        .unwrap()
        .lines()
        .map(|line| line.split(' ').next().unwrap().to_owned())
        .collect();
    assert_eq!(runs.len(), triples.len());
    runs.dedup();
    let subjects: std::collections::HashSet<_> = runs.iter().collect();
    assert_eq!(runs.len(), subjects.len(), "a subject is split");
}

/// The data graph of the store as a sophia graph, through N-Triples.
fn store_graph() -> LightGraph {
    let data = data_set();
    let mut ntriples = String::new();
    for quad in
        data.store
            .quads_for_pattern(None, None, None, Some(data.data_graph.as_ref().into()))
    {
        let quad = quad.unwrap();
        ntriples += &format!("{} {} {} .\n", quad.subject, quad.predicate, quad.object);
    }
    nt::parse_str(&ntriples).collect_triples().unwrap()
}

#[test]
fn every_dump_holds_the_graph_of_the_store() {
    let dir = tempfile::tempdir().unwrap();
    assert!(build(dir.path(), &[]).status.success());
    let expected = store_graph();
    assert!(expected.triples().count() > 500);

    let text = |name| String::from_utf8(read(dir.path(), name)).unwrap();
    let ttl: LightGraph = turtle::parse_str(&text("territoire-innovant.ttl"))
        .collect_triples()
        .unwrap();
    let ttl_gz: LightGraph =
        turtle::parse_str(&gunzip(&read(dir.path(), "territoire-innovant.ttl.gz")))
            .collect_triples()
            .unwrap();
    let ntriples: LightGraph = nt::parse_str(&text("territoire-innovant.nt"))
        .collect_triples()
        .unwrap();
    let ntriples_gz: LightGraph =
        nt::parse_str(&gunzip(&read(dir.path(), "territoire-innovant.nt.gz")))
            .collect_triples()
            .unwrap();
    let nquads: LightDataset = nq::parse_str(&text("territoire-innovant.nq"))
        .collect_quads()
        .unwrap();
    let nquads_gz: LightDataset =
        nq::parse_str(&gunzip(&read(dir.path(), "territoire-innovant.nq.gz")))
            .collect_quads()
            .unwrap();
    for (name, graph) in [
        ("ttl", &ttl),
        ("ttl.gz", &ttl_gz),
        ("nt", &ntriples),
        ("nt.gz", &ntriples_gz),
    ] {
        assert!(
            isomorphic_graphs(&expected, graph).unwrap(),
            "{name} is not the store's graph"
        );
    }
    for (name, dataset) in [("nq", &nquads), ("nq.gz", &nquads_gz)] {
        let names: Vec<_> = dataset
            .graph_names()
            .map(|g| g.unwrap().to_owned())
            .collect();
        assert!(
            !names.is_empty() && names.iter().all(|g| g.is_iri()),
            "{name}: graph names {names:?}"
        );
        assert!(
            isomorphic_graphs(&expected, &dataset.union_graph()).unwrap(),
            "{name} is not the store's graph"
        );
    }
}

#[test]
fn the_turtle_dump_is_readable_grouped_by_subject_with_prefixes() {
    let dir = tempfile::tempdir().unwrap();
    assert!(build(dir.path(), &[]).status.success());
    let ttl = String::from_utf8(read(dir.path(), "territoire-innovant.ttl")).unwrap();
    assert!(ttl.contains("@prefix ti: "));
    assert!(ttl.contains("@prefix skos: "));
    // Each subject is written once: the number of statements ending with '.'
    // is the number of distinct subjects.
    let subjects = store_graph()
        .subjects()
        .map(|s| s.unwrap().to_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let statements = ttl
        .lines()
        .filter(|l| !l.starts_with('@') && l.ends_with(" ."))
        .count();
    assert_eq!(statements, subjects);
    // Issue 15, item 4: one blank line between subjects; prefixes sorted,
    // one for every namespace of the data set, awards and projects included.
    // (and one after the prefixes)
    assert_eq!(ttl.matches(" .\n\n").count(), subjects);
    let prefixes: Vec<&str> = ttl.lines().filter(|l| l.starts_with("@prefix")).collect();
    let mut sorted = prefixes.clone();
    sorted.sort();
    assert_eq!(prefixes, sorted);
    for prefix in [
        "award-2023",
        "project-2023",
        "organisation",
        "departement",
        "kind",
    ] {
        assert!(
            ttl.contains(&format!(
                "@prefix {prefix}: <https://w3id.org/territoire-innovant/"
            )),
            "{prefix}"
        );
    }
    let written_in_full = ttl
        .lines()
        .filter(|l| !l.starts_with('@'))
        .filter(|l| l.contains("<https://w3id.org/territoire-innovant/"))
        .collect::<Vec<_>>();
    assert!(written_in_full.is_empty(), "{written_in_full:?}");
    assert!(
        ttl.contains("\n\naward-2023:rudi a ti:Award ;\n    "),
        "awards are prefixed"
    );
}

#[test]
fn another_base_moves_every_iri_of_the_data_set_and_ontology() {
    let dir = tempfile::tempdir().unwrap();
    let output = build(dir.path(), &["--base", "https://data.example.org/ti/"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for name in [
        "territoire-innovant.nt",
        "ontology.ttl",
        "territoire-innovant.nq",
    ] {
        let text = String::from_utf8(read(dir.path(), name)).unwrap();
        assert!(
            !text.contains("w3id.org/territoire-innovant"),
            "{name} keeps the default base"
        );
    }
    let nt = String::from_utf8(read(dir.path(), "territoire-innovant.nt")).unwrap();
    assert!(nt.contains("<https://data.example.org/ti/award/2023/rudi> <https://data.example.org/ti/ontology#level> <https://data.example.org/ti/level/argent> ."));
    let bad = build(dir.path(), &["--base", "https://data.example.org/no-slash"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("ending with '/'"));
}

/// Runs a Python snippet; the test suite's Python tools are installed by
/// `.ci/run` (`pip install -r tests/requirements.txt`).
fn python(script: &str, args: &[&Path]) -> std::process::Output {
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("ModuleNotFoundError"),
        "missing Python tools: pip install -r tests/requirements.txt\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn rdflib_parses_every_dump_to_the_same_number_of_triples() {
    let dir = tempfile::tempdir().unwrap();
    assert!(build(dir.path(), &[]).status.success());
    let script = r#"
import gzip, sys, rdflib
d = sys.argv[1]
counts = {}
for name, fmt in [("territoire-innovant.ttl", "turtle"), ("territoire-innovant.nt", "nt"), ("territoire-innovant.nq", "nquads")]:
    for suffix in ("", ".gz"):
        path = d + "/" + name + suffix
        data = gzip.open(path).read() if suffix else open(path, "rb").read()
        g = rdflib.Dataset() if fmt == "nquads" else rdflib.Graph()
        g.parse(data=data, format=fmt)
        counts[name + suffix] = len(g) if fmt != "nquads" else sum(1 for _ in g.quads())
print(len(set(counts.values())), max(counts.values()))
rdflib.Graph().parse(d + "/ontology.ttl", format="turtle")
"#;
    let output = python(script, &[&dir.path().join("current")]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let expected = store_graph().triples().count();
    assert_eq!(stdout.trim(), format!("1 {expected}"));
}

#[test]
fn the_data_conforms_to_the_shacl_shapes_per_pyshacl() {
    let dir = tempfile::tempdir().unwrap();
    assert!(build(dir.path(), &[]).status.success());
    let script = r#"
import sys
from pyshacl import validate
conforms, _, text = validate(sys.argv[1], shacl_graph=sys.argv[2], ont_graph=sys.argv[3], inference="rdfs", data_graph_format="turtle", shacl_graph_format="turtle", ont_graph_format="turtle")
print(text)
sys.exit(0 if conforms else 1)
"#;
    let shapes = repo().join("ontology/shapes.ttl");
    let data = dir.path().join("current/territoire-innovant.ttl");
    let ontology = dir.path().join("current/ontology.ttl");
    let output = python(script, &[&data, &shapes, &ontology]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    // The same check fails on a graph that lost the level of its gold awards.
    let ttl = String::from_utf8(read(dir.path(), "territoire-innovant.ttl")).unwrap();
    let broken: String = ttl
        .lines()
        .filter(|l| !l.contains("ti:level level:or"))
        .map(|l| format!("{l}\n"))
        .collect();
    let broken_path = dir.path().join("broken.ttl");
    std::fs::write(&broken_path, broken).unwrap();
    let output = python(script, &[&broken_path, &shapes, &ontology]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("MinCountConstraintComponent"));
}

/// The triples of an HDT file as hdt-cpp (npm `hdt`, the reference
/// implementation) reads them.
fn read_with_hdt_cpp(file: &Path) -> Vec<Triple> {
    let output = Command::new("node")
        .arg(repo().join("tests/clients/hdt-read.mjs"))
        .arg(file)
        .current_dir(repo().join("tests/clients"))
        .output()
        .expect("node runs (install the clients with scripts/install-test-tools)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    RdfParser::from_format(RdfFormat::NTriples)
        .for_slice(&output.stdout)
        .map(|q| Triple::from(q.unwrap()))
        .collect()
}

/// Issue 15, item 2: the HDT dump, read by hdt-cpp, is the graph of the
/// N-Triples dump — also where a literal holds quotes and a backslash,
/// which an HDT dictionary keeps raw.
#[test]
fn hdt_cpp_reads_the_hdt_dump_as_the_n_triples_dump() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    copy_dir(&repo().join("data"), &data);
    let edition = data.join("editions/2023.toml");
    let text = std::fs::read_to_string(&edition).unwrap();
    let tricky = r#"title = "J'allume \"ma\" rue \\ ici""#;
    std::fs::write(
        &edition,
        text.replace(r#"title = "J'allume ma rue""#, tricky),
    )
    .unwrap();
    for (name, data) in [("real", repo().join("data")), ("tricky", data)] {
        let out = work.path().join(name);
        let built = build(&out, &["--data", data.to_str().unwrap()]);
        assert!(
            built.status.success(),
            "{}",
            String::from_utf8_lossy(&built.stderr)
        );
        let from_hdt: std::collections::BTreeSet<String> =
            read_with_hdt_cpp(&out.join("current/territoire-innovant.hdt"))
                .iter()
                .map(Triple::to_string)
                .collect();
        let from_nt: std::collections::BTreeSet<String> =
            RdfParser::from_format(RdfFormat::NTriples)
                .for_slice(&read(&out, "territoire-innovant.nt"))
                .map(|q| Triple::from(q.unwrap()).to_string())
                .collect();
        assert_eq!(from_hdt, from_nt, "{name}");
        if name == "tricky" {
            assert!(
                from_hdt
                    .iter()
                    .any(|t| t.contains(r#""J'allume \"ma\" rue \\ ici"@fr"#)),
                "the literal comes back whole"
            );
        }
    }
}

/// The laureates table's columns, each with the variable of
/// [`LAUREATE_ROWS`] that holds it (the organisations table takes the same
/// names for the same facts).
const LAUREATE_COLUMNS: [(&str, &str); 16] = [
    ("annee", "year"),
    ("categorie", "category"),
    ("niveau", "level"),
    ("rang_niveau", "rank"),
    ("projet", "title"),
    ("nom_communique", "name"),
    ("nom_officiel", "official"),
    ("nature", "kind"),
    ("siren", "siren"),
    ("code_insee", "insee"),
    ("departement", "dep"),
    ("code_departement", "depCode"),
    ("region", "region"),
    ("code_region", "regionCode"),
    ("adresse_prix", "award"),
    ("adresse_laureat", "org"),
];

/// Every award and laureate, as a researcher asks the endpoint for them.
const LAUREATE_ROWS: &str = r#"
PREFIX ti: <https://w3id.org/territoire-innovant/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT * WHERE {
  ?award a ti:Award ; ti:laureate ?org ; ti:edition ?edition ; ti:category ?c ; ti:level ?l ; ti:project ?p .
  ?edition ti:year ?year . ?p dct:title ?title . ?l ti:rank ?rank .
  ?c skos:prefLabel ?category FILTER(LANGMATCHES(LANG(?category), "fr"))
  ?l skos:prefLabel ?level FILTER(LANGMATCHES(LANG(?level), "fr"))
  ?org ti:nameInSource ?name ; skos:prefLabel ?official .
  OPTIONAL { ?org ti:kind ?k . ?k skos:prefLabel ?kind FILTER(LANGMATCHES(LANG(?kind), "fr")) }
  OPTIONAL { ?org ti:siren ?siren }
  OPTIONAL { ?org ti:inseeCode ?insee }
  OPTIONAL { ?org ti:departement ?d . ?d skos:prefLabel ?dep ; ti:inseeCode ?depCode }
  OPTIONAL { ?org ti:region ?r . ?r skos:prefLabel ?region ; ti:inseeCode ?regionCode }
}"#;

/// A row read by csvw, every cell as text (an empty cell as "").
fn as_text(row: &serde_json::Value) -> std::collections::BTreeMap<String, String> {
    row.as_object()
        .unwrap()
        .iter()
        .map(|(name, value)| {
            let text = match value {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (name.clone(), text)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tables_pass_frictionless_and_csvw_and_every_row_agrees_with_the_endpoint() {
    use std::collections::{BTreeMap, BTreeSet};
    let server = TestServer::default().await;
    let client = raw_client();
    // The five files as a spreadsheet user (or a portal) downloads them.
    let dir = tempfile::tempdir().unwrap();
    let mut headers = BTreeMap::new();
    for (name, media_type) in [
        ("prix.csv", "text/csv; charset=utf-8"),
        ("laureats.csv", "text/csv; charset=utf-8"),
        ("organisations.csv", "text/csv; charset=utf-8"),
        ("csv-metadata.json", "application/csvm+json"),
        ("datapackage.json", "application/json"),
    ] {
        let response = client
            .get(server.at(&format!("/dumps/{name}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{name}");
        assert_eq!(response.headers()["content-type"], media_type, "{name}");
        let bytes = response.bytes().await.unwrap();
        if name.ends_with(".csv") {
            // UTF-8 with a byte order mark (Excel), CRLF lines (RFC 4180).
            let text = std::str::from_utf8(&bytes).expect("UTF-8");
            let text = text.strip_prefix('\u{feff}').expect("a byte order mark");
            assert!(text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'));
            let header: Vec<String> = text
                .lines()
                .next()
                .unwrap()
                .split(',')
                .map(str::to_owned)
                .collect();
            headers.insert(name.to_owned(), header);
        }
        std::fs::write(dir.path().join(name), &bytes).unwrap();
    }
    let output = Command::new("python3")
        .arg(repo().join("tests/clients/tables.py"))
        .arg(dir.path())
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "frictionless or csvw failed (install them with scripts/install-test-tools):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();

    // Frictionless: the package is valid, foreign keys included.
    let frictionless = &report["frictionless"];
    assert_eq!(frictionless["errors"], serde_json::json!([]));
    assert_eq!(frictionless["valid"], true);
    // csvw: every table read and typed, every foreign key resolved, and
    // the headers a spreadsheet shows are the titles of the metadata.
    let csvw = &report["csvw"];
    assert_eq!(csvw["referential_integrity"], true);
    for (name, header) in &headers {
        assert_eq!(&csvw["titles"][name], &serde_json::json!(header), "{name}");
    }
    let table =
        |name: &str| -> Vec<serde_json::Value> { csvw["tables"][name].as_array().unwrap().clone() };

    // The laureates: one row per award and laureate, every cell the
    // endpoint's value, in the order of year, level and category.
    let endpoint = sparql_rows(&server, LAUREATE_ROWS).await;
    assert!(endpoint.len() >= 31, "{} rows", endpoint.len());
    let expected: BTreeSet<BTreeMap<String, String>> = endpoint
        .iter()
        .map(|row| {
            LAUREATE_COLUMNS
                .iter()
                .map(|(column, variable)| {
                    (
                        (*column).to_owned(),
                        row.get(*variable).cloned().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .collect();
    let laureates: Vec<_> = table("laureats.csv").iter().map(as_text).collect();
    assert_eq!(
        laureates.len(),
        endpoint.len(),
        "one row per award and laureate"
    );
    assert_eq!(laureates.iter().cloned().collect::<BTreeSet<_>>(), expected);
    assert_eq!(frictionless["tables"]["laureats"], laureates.len());
    let order: Vec<(String, String)> = laureates
        .iter()
        .map(|row| (row["annee"].clone(), row["rang_niveau"].clone()))
        .collect();
    assert!(order.is_sorted(), "rows by year, then level: {order:?}");

    // The awards: one row each, its laureates by the names of the release.
    let awards: Vec<_> = table("prix.csv").iter().map(as_text).collect();
    let award_count = sparql_rows(
        &server,
        "SELECT (COUNT(?a) AS ?n) WHERE { ?a a <https://w3id.org/territoire-innovant/ontology#Award> }",
    )
    .await;
    assert_eq!(awards.len().to_string(), award_count[0]["n"]);
    for award in &awards {
        let rows: Vec<_> = laureates
            .iter()
            .filter(|row| row["adresse_prix"] == award["adresse_prix"])
            .collect();
        assert_eq!(award["nombre_laureats"], rows.len().to_string());
        let names: BTreeSet<&str> = award["laureats"].split(" ; ").collect();
        let expected: BTreeSet<&str> = rows.iter().map(|r| r["nom_communique"].as_str()).collect();
        assert_eq!(names, expected, "{}", award["adresse_prix"]);
        for column in ["annee", "categorie", "niveau", "rang_niveau", "projet"] {
            assert_eq!(award[column], rows[0][column], "{column}");
        }
    }

    // The organisations: one row each, with the laureates' facts and the
    // number of their awards.
    let organisations: Vec<_> = table("organisations.csv").iter().map(as_text).collect();
    let distinct: BTreeSet<&str> = laureates
        .iter()
        .map(|r| r["adresse_laureat"].as_str())
        .collect();
    assert_eq!(organisations.len(), distinct.len());
    for organisation in &organisations {
        let rows: Vec<_> = laureates
            .iter()
            .filter(|row| row["adresse_laureat"] == organisation["adresse"])
            .collect();
        assert_eq!(organisation["nombre_prix"], rows.len().to_string());
        for (column, _) in &LAUREATE_COLUMNS[5..14] {
            assert_eq!(organisation[*column], rows[0][*column], "{column}");
        }
    }
    // A département code keeps its letters and zeros.
    assert!(laureates.iter().any(|r| r["code_departement"] == "2A"));
    assert!(laureates.iter().any(|r| r["code_departement"] == "06"));
}
