//! Replays the inputs committed under `fuzz/regressions/` (crashes found by
//! `scripts/fuzz`, and hand-written edge cases) through the properties the
//! fuzz targets check.

#[path = "../fuzz/checks.rs"]
mod checks;

mod common;

use common::repo;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = repo().join("fuzz/regressions").join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no input in {}", dir.display());
    inputs
}

#[test]
fn source_loader_regressions() {
    let real = checks::source_files(&repo().join("data"));
    for (name, input) in inputs("source_loader") {
        println!("{name}");
        checks::source_loader(&real, &input);
    }
}

#[test]
fn query_parameters_regressions() {
    for (name, input) in inputs("query_parameters") {
        println!("{name}");
        checks::query_parameters(&input);
    }
}
