//! The one integration-test binary: every test runs the real `blocgraph` binary on a real
//! on-disk store in a temp dir (see `workdir`).

mod workdir;

/// The benchmarks' data generator, shared by the tests that need generated rows.
#[path = "../benches/support/gen.rs"]
mod gen;

mod analyze;
mod api;
mod claims;
mod cohesion;
mod cow;
mod diagrams;
mod explorer;
mod export;
mod field;
mod golden;
mod import;
mod layers;
mod oracle;
mod query;
mod reliability;
mod remote;
mod reset;
mod seed;
mod serve;
mod stats;
mod validate;
mod webdriver;
