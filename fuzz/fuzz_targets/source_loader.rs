//! Fuzzes the source-data loader: splices into the real `data/` files and
//! loads them (see `checks::source_loader` for the input and properties).

#![no_main]

// Each target uses its own part of the shared checks.
#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn real_files() -> &'static BTreeMap<String, Vec<u8>> {
    static FILES: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        checks::source_files(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data"))
    })
}

fuzz_target!(|input: &[u8]| checks::source_loader(real_files(), input));
