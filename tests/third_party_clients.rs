//! Real third-party SPARQL clients work unchanged against the server, in
//! every combination they declare: SPARQLWrapper (each of its return formats
//! and its default × GET, POST form, POST direct) and rdflib's SPARQLStore
//! (each result format rdflib registers × GET, POST, POST_FORM) from Python,
//! Comunica from Node.js, for SELECT, ASK, CONSTRUCT and DESCRIBE; and curl
//! running every example of the README. The matrix comes from what the
//! clients declare (`tests/clients/`), and the expected answers from the
//! same queries run on the data set in process. The tools are installed by
//! `scripts/install-test-tools` (see README).

mod common;

use common::{TestServer, data_set, repo};
use oxigraph::sparql::QueryResults;
use serde_json::{Value, json};
use std::process::Command;
use territoire_innovant::sparql;

const TI: &str = "https://w3id.org/territoire-innovant/ontology#";

/// One query of each form, by form.
fn queries() -> Value {
    json!({
        "SELECT": format!("SELECT ?award ?level WHERE {{ ?award a <{TI}Award> ; <{TI}level> ?level }}"),
        "ASK": format!("ASK {{ ?award <{TI}level> <https://w3id.org/territoire-innovant/level/or> }}"),
        "CONSTRUCT": format!("CONSTRUCT {{ ?award <{TI}level> ?level }} WHERE {{ ?award <{TI}level> ?level }}"),
        "DESCRIBE": "DESCRIBE <https://w3id.org/territoire-innovant/award/2023/rudi>",
    })
}

/// The answer of each query run in process: a count of rows or triples, or
/// a boolean.
fn expected_answers() -> Value {
    let data_set = data_set();
    let mut answers = serde_json::Map::new();
    for (form, query) in queries().as_object().unwrap() {
        let results = sparql::run(&data_set.store, query.as_str().unwrap()).unwrap();
        let answer = match results {
            QueryResults::Boolean(value) => json!(value),
            QueryResults::Solutions(rows) => json!(rows.count()),
            QueryResults::Graph(triples) => json!(triples.count()),
        };
        answers.insert(form.clone(), answer);
    }
    let answers = Value::Object(answers);
    assert_eq!(answers["SELECT"], 25, "the query finds every award");
    assert!(answers["DESCRIBE"].as_u64().unwrap() > 5, "{answers}");
    answers
}

fn run_client(program: &str, script: &str, endpoint: String) -> Value {
    let output = Command::new(program)
        .arg(repo().join("tests/clients").join(script))
        .arg(endpoint)
        .arg(queries().to_string())
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

/// The media type SPARQLWrapper's return format must get for a SELECT, an
/// ASK and a graph (CONSTRUCT, DESCRIBE). A format that the query form has
/// not (Turtle for a SELECT, CSV for an ASK: CSV and TSV define no boolean)
/// gets the default of the form: SPARQLWrapper sends its format whatever
/// the form, and converts what comes back (with a warning).
fn sparqlwrapper_media_types(format: &str) -> [&'static str; 3] {
    const JSON: &str = "application/sparql-results+json";
    const XML: &str = "application/sparql-results+xml";
    const TURTLE: &str = "text/turtle";
    const RDF_XML: &str = "application/rdf+xml";
    const JSON_LD: &str = "application/ld+json";
    match format {
        // SPARQLWrapper's default return format is XML.
        "(default)" | "xml" => [XML, XML, RDF_XML],
        "json" => [JSON, JSON, JSON_LD],
        "csv" => ["text/csv", JSON, TURTLE],
        "tsv" => ["text/tab-separated-values", JSON, TURTLE],
        "turtle" | "n3" => [JSON, JSON, TURTLE],
        "rdf" | "rdf+xml" => [JSON, JSON, RDF_XML],
        "json-ld" => [JSON, JSON, JSON_LD],
        other => panic!("SPARQLWrapper declares a new return format {other:?}: add it here"),
    }
}

/// Formats a client declares that the endpoint does not write, and what the
/// client gets (documented in the README).
const NOT_OFFERED: &[(&str, &str, &str)] = &[(
    "rdflib SPARQLStore",
    "trix",
    // rdflib accepts TriX alone for this format; the endpoint has no TriX writer.
    "406",
)];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_clients_work_in_every_format_and_method_they_declare() {
    let server = TestServer::default().await;
    let endpoint = server.at("/sparql");
    let expected = expected_answers();
    let cases =
        tokio::task::spawn_blocking(move || run_client("python3", "python_clients.py", endpoint))
            .await
            .unwrap();
    let cases = cases.as_array().unwrap();
    let count = |client: &str| cases.iter().filter(|c| c["client"] == client).count();
    // 9 return formats and the default × 3 methods × 4 forms.
    assert!(count("SPARQLWrapper") >= 120, "{}", count("SPARQLWrapper"));
    // At least xml, json, csv, tsv and the RDF syntaxes × 3 methods × 4 forms.
    assert!(
        count("rdflib SPARQLStore") >= 8 * 12,
        "{}",
        count("rdflib SPARQLStore")
    );
    let mut failures = Vec::new();
    for case in cases {
        let form = case["form"].as_str().unwrap();
        let not_offered = NOT_OFFERED
            .iter()
            .find(|(client, format, _)| case["client"] == *client && case["format"] == *format);
        if let Some((_, _, answer)) = not_offered {
            if !case["error"].as_str().is_some_and(|e| e.contains(answer)) {
                failures.push(format!("{case} (expected the documented {answer})"));
            }
            continue;
        }
        if case.get("error").is_some() || case["value"] != expected[form] {
            failures.push(format!("{case} (expected {})", expected[form]));
            continue;
        }
        if case["client"] == "SPARQLWrapper" {
            let [select, ask, graph] = sparqlwrapper_media_types(case["format"].as_str().unwrap());
            let wanted = match form {
                "SELECT" => select,
                "ASK" => ask,
                _ => graph,
            };
            if case["content_type"] != wanted {
                failures.push(format!("{case} (expected the media type {wanted})"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comunica_works_for_every_query_form() {
    let server = TestServer::default().await;
    let endpoint = server.at("/sparql");
    let expected = expected_answers();
    let summary = tokio::task::spawn_blocking(move || run_client("node", "comunica.mjs", endpoint))
        .await
        .unwrap();
    assert_eq!(summary, expected);
}

/// Every `curl` command of the README, pointed at a test server, succeeds
/// (`--fail`: a 4xx or 5xx fails the command).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_curl_examples_of_the_readme_work() {
    let server = TestServer::default().await;
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let commands: Vec<String> = readme
        .split('`')
        .filter(|part| part.starts_with("curl "))
        .map(|command| {
            command
                .replacen("curl ", "curl --fail --silent --show-error ", 1)
                .replace("http://127.0.0.1:7878", &server.url)
        })
        .collect();
    assert!(commands.len() >= 10, "{commands:?}");
    let directory = tempfile::tempdir().unwrap();
    let workdir = directory.path().to_owned();
    let failures = tokio::task::spawn_blocking(move || {
        commands
            .into_iter()
            .filter_map(|command| {
                let output = Command::new("sh")
                    .arg("-c")
                    .arg(&command)
                    .current_dir(&workdir)
                    .output()
                    .unwrap();
                (!output.status.success() || output.stdout.is_empty() && !command.contains(" -O "))
                    .then(|| {
                        format!(
                            "{command}: {}",
                            String::from_utf8_lossy(&output.stderr).trim()
                        )
                    })
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        directory
            .path()
            .join("territoire-innovant.ttl.gz")
            .metadata()
            .unwrap()
            .len()
            > 1000,
        "curl -O wrote the dump"
    );
}
