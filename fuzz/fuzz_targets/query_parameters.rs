//! Fuzzes the SPARQL protocol parameters and content negotiation (see
//! `checks::query_parameters` for the input and properties).

#![no_main]

// Each target uses its own part of the shared checks.
#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| checks::query_parameters(input));
