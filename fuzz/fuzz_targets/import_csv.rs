//! Bytes as a CSV file (and, when the header names COW IGO columns, as a COW IGO file) through
//! `blocgraph::import::import` on an in-memory store; see `checks.rs` for what must hold.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::import_csv(data));
