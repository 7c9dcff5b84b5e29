//! Any text through `blocgraph::export::dot::quote`: the result must be one well-formed DOT
//! double-quoted string that reads back as the text; see `checks.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::dot_quote(data));
