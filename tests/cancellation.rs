//! A cancelled query stops within milliseconds although oxigraph's optimizer
//! plans it (hash joins, cartesian products, sorts and groupings buffer their
//! input): the guarantee that `vendor/spareval`'s patch gives, checked through
//! the library on the real data set, one query shape at a time.

mod common;

use common::data_set;
use oxigraph::sparql::{CancellationToken, QueryResults};
use oxigraph::store::Store;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use territoire_innovant::sparql::{self, ProtocolDataset};

/// How long each query runs before it is cancelled.
const RUN: Duration = Duration::from_millis(300);

/// How soon after the cancellation the evaluation must have returned (a debug
/// build, on a loaded 2-core machine).
const STOP: Duration = Duration::from_millis(700);

/// Runs `query` to its end or its first error, cancelling it after [`RUN`];
/// returns whether it was cancelled and how long it ran past the cancellation.
/// A query still running 10 s after its cancellation fails the test.
fn run_and_cancel(store: &Store, query: &str) -> (bool, Duration) {
    let parsed = sparql::parse(query, None).unwrap();
    assert!(parsed.is_planned(), "the optimizer plans {query}");
    let token = CancellationToken::new();
    let (prepared, _) = parsed.prepare(&ProtocolDataset::default(), Some(token.clone()));
    let (sender, receiver) = mpsc::channel();
    let store = store.clone();
    std::thread::Builder::new()
        .stack_size(sparql::QUERY_STACK_BYTES)
        .spawn(move || {
            let outcome = match prepared.on_store(&store).execute() {
                Err(e) => Err(e.to_string()),
                Ok(QueryResults::Solutions(mut solutions)) => solutions
                    .try_for_each(|s| s.map(drop))
                    .map_err(|e| e.to_string()),
                Ok(QueryResults::Graph(mut triples)) => triples
                    .try_for_each(|t| t.map(drop))
                    .map_err(|e| e.to_string()),
                Ok(QueryResults::Boolean(_)) => Ok(()),
            };
            let _ = sender.send((outcome, Instant::now()));
        })
        .unwrap();
    std::thread::sleep(RUN);
    token.cancel();
    let cancelled_at = Instant::now();
    let (outcome, ended) = receiver
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("{query}: still running 10 s after its cancellation"));
    let cancelled = outcome.as_ref().is_err_and(|e| e.contains("cancelled"));
    (cancelled, ended.saturating_duration_since(cancelled_at))
}

#[test]
fn every_expensive_shape_stops_soon_after_its_cancellation() {
    let data = data_set();
    let shapes = [
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?c ?f ?i ?l",
        "SELECT (GROUP_CONCAT(STR(?o)) AS ?all) WHERE { ?s ?p ?o . ?a ?b ?c . ?d ?e ?f }",
        "SELECT ?o (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?a ?b ?c . ?d ?e ?f } GROUP BY ?o",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?a ?b ?c FILTER(REGEX(CONCAT(STR(?o), STR(?c)), \"(x+x+)+y\")) }",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?a ?q ?o . ?b ?r ?o . ?c ?t ?o }",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?a ?b ?c OPTIONAL { ?a ?x ?o . ?d ?e ?f } }",
        "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        "SELECT DISTINCT ?c ?f ?i WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    ];
    for query in shapes {
        let (cancelled, late) = run_and_cancel(&data.store, query);
        assert!(cancelled, "{query}: ended before its cancellation");
        assert!(late < STOP, "{query}: ran {late:?} past its cancellation");
    }
}
