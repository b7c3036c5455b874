//! Every example query of `queries/` runs against the store and gives the
//! result kept beside it (`NAME.expected.tsv`), and documents itself.

mod common;

use common::{data_set, example_queries, repo};
use std::sync::Arc;
use territoire_innovant::output::{OutputFormat, write_results};
use territoire_innovant::sparql;
use territoire_innovant::sparql::index::QueryIndex;

#[test]
fn there_are_at_least_ten_documented_example_queries() {
    let queries = example_queries();
    assert!(queries.len() >= 10, "{queries:?}");
    for path in queries {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.lines();
        let title = lines.next().unwrap_or_default();
        let description = lines.next().unwrap_or_default();
        assert!(
            title.starts_with("# ") && title.len() > 10,
            "{}: first line is a '# Title'",
            path.display()
        );
        assert!(
            description.starts_with("# ") && description.len() > 20,
            "{}: second line describes what it answers",
            path.display()
        );
    }
}

/// On the store (the command line's `query`) and on its query index (the
/// endpoint's).
#[test]
fn every_example_query_gives_its_expected_result() {
    let data = data_set();
    let index = Arc::new(QueryIndex::of_store(&data.store).unwrap());
    for path in example_queries() {
        let query = std::fs::read_to_string(&path).unwrap();
        let expected_path = path.with_extension("expected.tsv");
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        for (on, results) in [
            ("store", sparql::run(&data.store, &query)),
            ("query index", sparql::run_indexed(&index, &query)),
        ] {
            let results = results.unwrap_or_else(|e| panic!("{} on the {on}: {e}", path.display()));
            let mut tsv = Vec::new();
            write_results(results, OutputFormat::Tsv, &mut tsv).unwrap();
            assert_eq!(
                String::from_utf8(tsv).unwrap(),
                expected,
                "{} on the {on}",
                path.display()
            );
        }
    }
}

#[test]
fn every_example_query_is_planned_by_the_optimizer() {
    for path in example_queries() {
        let query = std::fs::read_to_string(&path).unwrap();
        let parsed = sparql::parse(&query, None).unwrap();
        assert!(parsed.is_planned(), "{}", path.display());
    }
}

/// What `typed-values.rq` tells researchers holds: the same query with the
/// year untyped, or the level's label without its language, finds nothing.
#[test]
fn the_typed_values_example_says_what_goes_wrong_without_types() {
    let data = data_set();
    let query = std::fs::read_to_string(repo().join("queries/typed-values.rq")).unwrap();
    let rows = |text: &str| match sparql::run(&data.store, text).unwrap() {
        oxigraph::sparql::QueryResults::Solutions(solutions) => solutions.count(),
        _ => panic!("a SELECT"),
    };
    assert!(rows(&query) > 5);
    for (typed, untyped) in [
        ("\"2023\"^^xsd:gYear .", "2023 ."),
        ("\"Or\"@fr .", "\"Or\" ."),
    ] {
        assert!(query.contains(typed), "{typed}");
        assert_eq!(rows(&query.replace(typed, untyped)), 0, "{untyped}");
    }
}
