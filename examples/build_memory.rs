//! What each step of `build` holds in memory on its own, one after the
//! other (where `build` runs them side by side): `build_memory DATA_DIR
//! OUT_DIR` reads the source data, then loads the store, sorts the dumps'
//! triples, computes the fingerprints, writes the HDT dump, the other dumps
//! and logs the release, printing one JSON line of the resident memory after
//! each step and its peak above that of the step before (MiB).

use std::path::PathBuf;
use territoire_innovant::change_feed::{Keep, VersionLog};
use territoire_innovant::publish::fingerprint::Fingerprints;
use territoire_innovant::publish::{DUMP_FORMATS, ToDirectory, write_dumps};
use territoire_innovant::rdf::Base;
use territoire_innovant::rdf::order::Sorted;
use territoire_innovant::store::{DataSet, Graphs, Inputs};

/// A line of `/proc/self/status`, in MiB (0 where the system has none).
fn status_mib(field: &str) -> u64 {
    territoire_innovant::memory::ceiling::status_kib(field).unwrap_or(0) >> 10
}

/// Runs `step`, then records the resident memory and the peak during it.
fn step<T>(steps: &mut Vec<serde_json::Value>, name: &str, step: impl FnOnce() -> T) -> T {
    territoire_innovant::memory::release_free_memory();
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_mib("VmRSS:");
    let started = std::time::Instant::now();
    let value = step();
    let peak = status_mib("VmHWM:");
    territoire_innovant::memory::release_free_memory();
    steps.push(serde_json::json!({
        "step": name,
        "seconds": started.elapsed().as_secs_f64(),
        "rss_before_mib": before,
        "peak_mib": peak,
        "peak_above_mib": peak.saturating_sub(before),
        "rss_after_mib": status_mib("VmRSS:"),
    }));
    value
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(data_dir), Some(out)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: build_memory DATA_DIR OUT_DIR");
    };
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out)?;
    let mut steps = Vec::new();
    let graphs = step(&mut steps, "read", || {
        Graphs::read(&Inputs {
            data_dir: data_dir.into(),
            ontology_dir: "ontology".into(),
            base: Base::default(),
        })
    })?;
    let data_set = step(&mut steps, "load the store", || DataSet::load(&graphs))?;
    let data = step(&mut steps, "sort", || Sorted::new(&graphs.data));
    let ontology = Sorted::new(&graphs.ontology);
    let (data_graph, ontology_graph) = (graphs.data_graph(), graphs.ontology_graph());
    step(&mut steps, "fingerprints", || {
        Fingerprints::of(
            (&data_graph, &graphs.data),
            (&ontology_graph, &graphs.ontology),
        )
    });
    let destination = ToDirectory(out.clone());
    step(&mut steps, "dumps", || {
        write_dumps(
            &graphs.base,
            (&data_graph, &data),
            &ontology,
            &destination,
            &DUMP_FORMATS,
        )
    })?;
    step(&mut steps, "change feed", || {
        VersionLog::open(&out.join("history"), Keep::Digests)?.record_sorted(
            &graphs.base,
            &data,
            "probe",
            std::time::SystemTime::now(),
        )
    })?;
    println!(
        "{}",
        serde_json::json!({ "quads": data_set.store.len()?, "steps": steps })
    );
    Ok(())
}
