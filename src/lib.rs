//! blocgraph: a sourced, time-aware knowledge graph of post-Soviet alliance relations.
//!
//! Facts (bloc memberships, trade volumes, political events) live in an on-disk oxigraph
//! store; every fact cites its source. Analyses run on a petgraph view derived from the
//! store by SPARQL for a given date. The library never prints or exits: `main.rs` does.

pub mod analyze;
pub mod codes;
pub mod date;
pub mod error;
pub mod export;
pub mod graph;
pub mod import;
pub mod output;
pub mod query;
pub mod resolve;
pub mod schema;
pub mod seed;
pub mod serve;
pub mod stats;
pub mod store;
pub mod validate;
pub mod vocab;

pub use error::Error;
