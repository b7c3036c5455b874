//! The `query` and `validate` commands.

mod common;

use common::repo;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_territoire-innovant");

fn run(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(BIN)
        .current_dir(repo())
        .args(args)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

const COUNT: &str = "SELECT (COUNT(?a) AS ?awards) WHERE { ?a a <https://w3id.org/territoire-innovant/ontology#Award> }";

#[test]
fn query_prints_a_table_by_default() {
    let (ok, stdout, stderr) = run(&["query", COUNT]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("awards"), "{stdout}");
    assert!(stdout.contains("25"), "{stdout}");
    assert!(stdout.ends_with("1 row\n"), "{stdout}");
}

#[test]
fn query_prints_standard_result_formats() {
    let (ok, stdout, _) = run(&["query", "--format", "json", COUNT]);
    assert!(ok);
    assert!(stdout.contains(r#""head":{"vars":["awards"]}"#), "{stdout}");
    assert!(stdout.contains(r#""value":"25""#), "{stdout}");
    let (ok, stdout, _) = run(&["query", "--format", "csv", COUNT]);
    assert!(ok);
    assert_eq!(stdout, "awards\r\n25\r\n");
    let (ok, stdout, _) = run(&[
        "query",
        "--format",
        "n-triples",
        "CONSTRUCT { ?l ?p ?o } WHERE { ?l a <https://w3id.org/territoire-innovant/ontology#Level> ; ?p ?o FILTER(?p = <https://w3id.org/territoire-innovant/ontology#rank>) }",
    ]);
    assert!(ok);
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
}

#[test]
fn query_reports_syntax_errors_and_format_mismatches() {
    let (ok, _, stderr) = run(&["query", "SELEKT * WHERE {}"]);
    assert!(!ok);
    assert!(stderr.starts_with("error:"), "{stderr}");
    let (ok, _, stderr) = run(&["query", "--format", "turtle", COUNT]);
    assert!(!ok);
    assert!(
        stderr.contains("--format turtle cannot print solutions"),
        "{stderr}"
    );
}

#[test]
fn validate_reports_the_store_size() {
    let (ok, stdout, stderr) = run(&["validate"]);
    assert!(ok, "{stderr}");
    assert!(stdout.starts_with("data: valid: "), "{stdout}");
    // Each total with what it counts, as the store counts it.
    let data_set = common::data_set();
    let count = |graph: &str| {
        common::select_one(
            &data_set,
            &format!(
                "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <https://w3id.org/territoire-innovant/graph/{graph}> {{ ?s ?p ?o }} }}"
            ),
        )
    };
    let (data, ontology, entailed) = (count("data"), count("ontology"), count("alignments"));
    let total: usize = [&data, &ontology, &entailed]
        .iter()
        .map(|n| n.parse::<usize>().unwrap())
        .sum();
    assert_eq!(
        stdout.trim_end(),
        format!(
            "data: valid: {data} triples of data, {ontology} of the ontology, {entailed} entailed by its alignments ({total} in the store)"
        )
    );
}
