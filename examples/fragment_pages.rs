//! What a Triple Pattern Fragments page costs, against the same lookup
//! through the SPARQL evaluator, on the store alone (no HTTP):
//! `fragment_pages DATA_DIR SUBJECT_IRI` builds the store from `DATA_DIR`,
//! then prints one JSON line of median microseconds: a bound subject's page
//! and `SELECT ?p ?o { <s> ?p ?o }`; `?predicate=ti:laureate` page 1 (with
//! its count, first time), page 2 (count kept) and page 50, and
//! `SELECT ?s ?o { ?s ti:laureate ?o } LIMIT 100`.

use oxigraph::sparql::QueryResults;
use std::time::Instant;
use territoire_innovant::fragments::{Counts, Pattern, page};
use territoire_innovant::rdf::Base;
use territoire_innovant::sparql;
use territoire_innovant::store::{DataSet, Inputs};

/// The median of `runs` timings of `work`, in microseconds.
fn median(runs: usize, mut work: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn count_solutions(data_set: &DataSet, query: &str) -> usize {
    match sparql::run(&data_set.store, query).expect("the query runs") {
        QueryResults::Solutions(solutions) => solutions.count(),
        _ => 0,
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(data_dir), Some(subject)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: fragment_pages DATA_DIR SUBJECT_IRI");
    };
    let started = Instant::now();
    let data_set = DataSet::build(&Inputs {
        data_dir: data_dir.into(),
        ontology_dir: "ontology".into(),
        base: Base::default(),
    })?;
    let index = std::sync::Arc::new(territoire_innovant::sparql::index::QueryIndex::of_store(
        &data_set.store,
    )?);
    let names = data_set.names();
    let load = started.elapsed().as_secs_f64();
    let laureate = "https://w3id.org/territoire-innovant/ontology#laureate";
    let by_subject = Pattern::parse(Some(&subject), None, None)?;
    let by_predicate = Pattern::parse(None, Some(laureate), None)?;
    let counts = Counts::default();
    let subject_triples = page((&names, &index), &by_subject, 1, &counts)
        .triples
        .len();
    anyhow::ensure!(subject_triples > 0, "no triple has the subject {subject}");
    let subject_page = median(101, || {
        page((&names, &index), &by_subject, 1, &counts);
    });
    let subject_sparql = median(101, || {
        count_solutions(
            &data_set,
            &format!("SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }}"),
        );
    });
    let started = Instant::now();
    let first = page((&names, &index), &by_predicate, 1, &counts);
    let predicate_first = started.elapsed().as_secs_f64() * 1e6;
    let predicate_page_1 = median(101, || {
        page((&names, &index), &by_predicate, 1, &counts);
    });
    let predicate_page_2 = median(101, || {
        page((&names, &index), &by_predicate, 2, &counts);
    });
    let predicate_page_50 = median(21, || {
        page((&names, &index), &by_predicate, 50, &counts);
    });
    let predicate_sparql = median(101, || {
        count_solutions(
            &data_set,
            &format!("SELECT ?s ?o WHERE {{ ?s <{laureate}> ?o }} LIMIT 100"),
        );
    });
    println!(
        "{}",
        serde_json::json!({
            "store_quads": data_set.store.len()?,
            "load_s": load,
            "subject_triples": subject_triples,
            "subject_page_us": subject_page,
            "subject_sparql_us": subject_sparql,
            "predicate_total": first.total,
            "predicate_total_exact": first.exact,
            "predicate_first_page_with_count_us": predicate_first,
            "predicate_page_1_us": predicate_page_1,
            "predicate_page_2_us": predicate_page_2,
            "predicate_page_50_us": predicate_page_50,
            "predicate_sparql_limit_100_us": predicate_sparql,
        })
    );
    Ok(())
}
