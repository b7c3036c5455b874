//! The `query` and `validate` commands, and the README's figures.

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

#[test]
fn json_and_xml_answers_end_with_a_newline() {
    for format in ["json", "xml"] {
        let (ok, stdout, stderr) = run(&["query", "ASK {}", "--format", format]);
        assert!(ok, "{stderr}");
        assert!(
            stdout.ends_with('\n') && !stdout.ends_with("\n\n"),
            "{format}: {stdout:?}"
        );
    }
}

#[test]
fn a_missing_data_folder_says_what_to_do() {
    let elsewhere = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .current_dir(elsewhere.path())
        .arg("validate")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!output.status.success());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("no data folder at data") && stderr.contains("--data DIR"),
        "{stderr}"
    );
}

#[test]
fn serve_refuses_a_mistyped_history_path_and_names_the_listen_form() {
    let missing = tempfile::tempdir().unwrap();
    let typo = missing.path().join("no-such-folder").join("history");
    let (ok, _, stderr) = run(&["serve", "--history", typo.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(!typo.exists(), "the path was created");
    let (ok, _, stderr) = run(&["serve", "--listen", "localhost"]);
    assert!(!ok);
    assert!(
        stderr.contains("expected HOST:PORT, such as 127.0.0.1:7878, localhost:7878"),
        "{stderr}"
    );
}

#[test]
fn serve_listens_on_a_host_name() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(BIN)
        .current_dir(repo())
        .args(["serve", "--listen", "localhost:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let ready = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find(|line| line.contains("serving on http://"));
    child.kill().unwrap();
    child.wait().unwrap();
    let ready = ready.expect("serve printed its address");
    assert!(
        ready.contains("http://127.0.0.1:") || ready.contains("http://[::1]:"),
        "{ready}"
    );
}

#[test]
fn a_query_error_is_printed_once_and_says_what_to_write() {
    let (ok, _, stderr) = run(&["query", "SELECT * WHERE { ?a a ti:Award }"]);
    assert!(!ok);
    assert_eq!(
        stderr,
        "error: malformed query: the prefix ti: is not declared. Add this line before the query:\nPREFIX ti: <https://w3id.org/territoire-innovant/ontology#>\n"
    );
}

/// Every figure the README states about the data, the store or the build
/// is the one the data, `validate` and `Cargo.lock` give today (the
/// measurements of BENCHMARKS.md and RELIABILITY.md are stated with the
/// command that produces them).
#[test]
fn the_figures_of_the_readme_are_today_s() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let data_set = common::data_set();
    let count = |query: &str| common::select_one(&data_set, query);
    let ti = "PREFIX ti: <https://w3id.org/territoire-innovant/ontology#>";
    let awards = count(&format!(
        "{ti} SELECT (COUNT(?a) AS ?n) {{ ?a a ti:Award }}"
    ));
    let categories = count(&format!(
        "{ti} SELECT (COUNT(?c) AS ?n) {{ ?c a ti:Category }}"
    ));
    let laureates = count(&format!(
        "{ti} SELECT (COUNT(?o) AS ?n) {{ ?o a ti:Laureate }}"
    ));
    // The introduction.
    let introduction = format!(
        "({awards} awards, {categories} categories, levels Or/Argent/Bronze, {laureates} laureate\norganisations"
    );
    assert!(
        readme.contains(&introduction),
        "the README should say {introduction:?}"
    );
    // Every « N awards » that is not a synthetic data set's is the data's.
    for (at, _) in readme.match_indices(" awards") {
        let before = &readme[..at];
        let number: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == '⁰' || ('¹'..='⁹').contains(c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if number.is_empty() || number.contains(|c: char| !c.is_ascii_digit()) {
            continue;
        }
        let synthetic = number.len() > 3 || before.ends_with(&format!("10{number}"));
        if !synthetic {
            assert_eq!(
                number, awards,
                "« {number} awards » in the README: the data has {awards}"
            );
        }
    }
    // The crates of the first build, with the command that counts them.
    let lock = std::fs::read_to_string(repo().join("Cargo.lock")).unwrap();
    let crates = lock.lines().filter(|l| l.starts_with("name = ")).count();
    let stated = format!("`grep -c '^name = ' Cargo.lock`: {crates} crates");
    assert!(readme.contains(&stated), "the README should say {stated:?}");
    // What `validate` prints, quoted as it prints it.
    let (ok, stdout, stderr) = run(&["validate"]);
    assert!(ok, "{stderr}");
    let totals = stdout
        .trim_end()
        .strip_prefix("data: valid: ")
        .unwrap()
        .split(" (")
        .next()
        .unwrap()
        .to_owned();
    let quoted = readme
        .split("(« ")
        .skip(1)
        .map(|q| {
            q.split(" »")
                .next()
                .unwrap()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .find(|q| q.contains("entailed by its alignments"))
        .expect("the README quotes what validate prints");
    assert_eq!(quoted, totals);
}
