//! Times the dumps of the data graph, for `benches/run`:
//! `dump_timing DATA_DIR OUT_DIR [FORMAT…]` (formats: `nq`, `nt`, `ttl`;
//! all three by default) prints one JSON line with the number of triples,
//! the seconds taken to read, check, convert and sort the data graph, and the
//! seconds taken to write the dumps in those formats, gzipped, as `build`
//! does.

use std::time::Instant;
use territoire_innovant::publish::{DUMP_FORMATS, ToDirectory, write_dumps};
use territoire_innovant::rdf::order::Sorted;
use territoire_innovant::store::{Graphs, Inputs};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(data), Some(out)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: dump_timing DATA_DIR OUT_DIR [nq|nt|ttl…]");
    };
    let wanted: Vec<String> = args.collect();
    let formats: Vec<_> = DUMP_FORMATS
        .into_iter()
        .filter(|f| wanted.is_empty() || wanted.iter().any(|w| w == f.1))
        .collect();
    std::fs::create_dir_all(&out)?;
    let started = Instant::now();
    let graphs = Graphs::read(&Inputs {
        data_dir: data.into(),
        ontology_dir: "ontology".into(),
        base: Default::default(),
    })?;
    let (data, ontology) = (Sorted::new(&graphs.data), Sorted::new(&graphs.ontology));
    let read_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let destination = ToDirectory(out.into());
    let data_graph = graphs.data_graph();
    write_dumps(
        &graphs.base,
        (&data_graph, &data),
        &ontology,
        &destination,
        &formats,
    )?;
    let dump_seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "triples": data.len(),
            "formats": formats.iter().map(|f| f.1).collect::<Vec<_>>(),
            "read_seconds": read_seconds,
            "dump_seconds": dump_seconds,
        })
    );
    // Exiting: the OS takes the memory back faster than freeing it would.
    std::mem::forget((data, ontology));
    std::mem::forget(graphs);
    Ok(())
}
