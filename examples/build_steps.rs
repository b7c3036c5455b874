//! What each step of `build` costs on its own, one after the other (where
//! `build` runs them side by side): `build_steps DATA_DIR` reads the source
//! data, then times the store's load (with the alignments it entails, and
//! without the ontology, so without them), the
//! sorting of the dumps' triples and the canonical fingerprints, and prints
//! one JSON line of seconds and counts.

use std::time::Instant;
use territoire_innovant::publish::fingerprint::Fingerprints;
use territoire_innovant::rdf::Base;
use territoire_innovant::rdf::order::Sorted;
use territoire_innovant::store::{DataSet, Graphs, Inputs};

fn main() -> anyhow::Result<()> {
    let Some(data_dir) = std::env::args().nth(1) else {
        anyhow::bail!("usage: build_steps DATA_DIR");
    };
    let started = Instant::now();
    let graphs = Graphs::read(&Inputs {
        data_dir: data_dir.into(),
        ontology_dir: "ontology".into(),
        base: Base::default(),
    })?;
    let read = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let data_set = DataSet::load(&graphs)?;
    let load = started.elapsed().as_secs_f64();
    let quads = data_set.store.len()?;
    drop(data_set);
    // The same load without the ontology: no alignments to entail.
    let bare = Graphs {
        base: graphs.base.clone(),
        data: graphs.data.clone(),
        ontology: Default::default(),
        ontology_source: String::new(),
    };
    let started = Instant::now();
    let bare_quads = DataSet::load(&bare)?.store.len()?;
    let load_bare = started.elapsed().as_secs_f64();
    drop(bare);
    let started = Instant::now();
    let sorted = Sorted::new(&graphs.data).len();
    let sort = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let fingerprints = Fingerprints::of(
        (&graphs.data_graph(), &graphs.data),
        (&graphs.ontology_graph(), &graphs.ontology),
    );
    let fingerprint = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "data_triples": sorted,
            "store_quads": quads,
            "read_s": read,
            "load_with_alignments_s": load,
            "load_without_ontology_s": load_bare,
            "store_quads_without_ontology": bare_quads,
            "sort_for_dumps_s": sort,
            "fingerprints_s": fingerprint,
            "fingerprint": fingerprints.data,
        })
    );
    Ok(())
}
