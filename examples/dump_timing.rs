//! Times the dump of the data graph in each format, for `benches/run`:
//! `dump_timing DATA_DIR OUT_DIR` prints one JSON line with the number of
//! triples and the seconds taken to build the store and to serialize and
//! write each dump (sorted, as `build` does).

use oxigraph::io::RdfFormat;
use std::path::PathBuf;
use std::time::Instant;
use territoire_innovant::publish::serialize_sorted;
use territoire_innovant::store::{DataSet, Inputs};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let (Some(data), Some(out)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: dump_timing DATA_DIR OUT_DIR");
    };
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out)?;
    let started = Instant::now();
    let data_set = DataSet::build(&Inputs {
        data_dir: data.into(),
        ontology_dir: "ontology".into(),
        base: Default::default(),
    })?;
    let build_seconds = started.elapsed().as_secs_f64();
    let graph = data_set.data_graph.as_ref();
    let quads = data_set
        .store
        .quads_for_pattern(None, None, None, Some(graph.into()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut timings = serde_json::Map::new();
    for (format, name) in [
        (RdfFormat::NQuads, "nq"),
        (RdfFormat::NTriples, "nt"),
        (RdfFormat::Turtle, "ttl"),
    ] {
        let started = Instant::now();
        let bytes = serialize_sorted(&data_set.base, format, quads.clone())?;
        std::fs::write(out.join(format!("dump.{name}")), bytes)?;
        timings.insert(name.into(), started.elapsed().as_secs_f64().into());
    }
    println!(
        "{}",
        serde_json::json!({
            "triples": quads.len(),
            "build_seconds": build_seconds,
            "dump_seconds": timings,
        })
    );
    Ok(())
}
