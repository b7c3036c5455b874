//! The memory of the store alone, the anchor of the build's memory target
//! (issue 18), for `benches/run`: `store_footprint FILE.nq [--bulk]` streams
//! the N-Quads into an in-memory oxigraph store in one transaction, as `build`
//! and `serve` do (or with oxigraph's bulk loader), and prints one JSON line
//! with the number of quads, the seconds taken, the peak RSS of the process
//! and the RSS of the store alone once freed memory is given back (KiB).

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Quad;
use oxigraph::store::Store;
use std::io::BufReader;
use std::time::Instant;

/// A line of `/proc/self/status`, in KiB (0 where the system has none).
fn status_kib(field: &str) -> u64 {
    territoire_innovant::memory::ceiling::status_kib(field).unwrap_or(0)
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        anyhow::bail!("usage: store_footprint FILE.nq [--bulk]");
    };
    let bulk = args.next().as_deref() == Some("--bulk");
    let before_kib = status_kib("VmRSS:");
    let started = Instant::now();
    let store = Store::new()?;
    let quads = RdfParser::from_format(RdfFormat::NQuads)
        .for_reader(BufReader::new(std::fs::File::open(&path)?))
        .map(|quad| quad.map_err(anyhow::Error::from));
    if bulk {
        let mut loader = store.bulk_loader();
        loader.load_ok_quads::<anyhow::Error, anyhow::Error>(quads)?;
        loader.commit()?;
    } else {
        let quads = quads.collect::<Result<Vec<Quad>, _>>()?;
        let mut transaction = store.start_transaction()?;
        transaction.extend(quads.iter());
        transaction.commit()?;
    }
    let seconds = started.elapsed().as_secs_f64();
    territoire_innovant::memory::release_free_memory();
    let quads = store.len()?;
    println!(
        "{{\"quads\": {quads}, \"seconds\": {seconds:.3}, \"peak_kib\": {}, \"store_kib\": {}}}",
        status_kib("VmHWM:"),
        status_kib("VmRSS:").saturating_sub(before_kib)
    );
    Ok(())
}
