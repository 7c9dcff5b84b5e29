//! blocgraph: a sourced, time-aware knowledge graph of post-Soviet alliance relations.
//!
//! Facts (bloc memberships, trade volumes, political events) live in an on-disk oxigraph
//! store; every fact cites its source. Analyses run on a petgraph view derived from the
//! store by SPARQL for a given date. The library never prints or exits: `main.rs` does.
//!
//! The main entry points: [`store::open`] a store (on disk, or in memory as here), seeded with
//! the curated facts; [`import::import`] CSV, RDF or COW files into it, all or nothing; run a
//! saved query (or any SPARQL) with [`query::run`]; build the [`graph::View`] on a date with
//! [`graph::build`] and run the [`analyze`] functions on it.
//!
//! ```
//! use blocgraph::import::{self, Input, Options};
//! use blocgraph::query::{self, Answer, Request};
//! use blocgraph::store::{self, Access, Location};
//!
//! // A fresh in-memory store, seeded with the curated facts of the five articles.
//! let db = store::open(&Location::Memory, Access::Write)?;
//! assert!(db.seeded);
//!
//! // Import facts: CSV files told apart by their header (`Input::File(path)` for a file).
//! let sources = Input::Embedded {
//!     name: "sources.csv",
//!     text: "id,title,publisher,published\nmy-notes,My reading notes,Me,2025-01\n",
//! };
//! let summary = import::import(&db.store, &[sources], &Options::default())?;
//! assert_eq!(summary.added(), 1);
//!
//! // Run a saved query (`queries/members.rq`) with its parameters, as `blocgraph query` does.
//! let request = Request {
//!     query: "members".into(),
//!     params: vec![("bloc".into(), "CSTO".into())],
//!     as_of: Some("2024-06-01".into()),
//!     timeout: None,
//! };
//! let Answer::Solutions { variables, rows } = query::run(&db.store, &request)? else {
//!     panic!("members is a SELECT");
//! };
//! let role = variables.iter().position(|v| v.as_str() == "role").unwrap();
//! let frozen = blocgraph::vocab::role(blocgraph::model::Role::Frozen);
//! assert!(rows.iter().any(|row| row[role] == Some(frozen.clone().into())), "Armenia froze its CSTO participation");
//!
//! // The graph on a date, and an analysis on it.
//! let options = blocgraph::graph::ViewOptions {
//!     as_of: blocgraph::date::Date::parse("2024-06-01").expect("a date"),
//!     window_months: 24,
//! };
//! let view = blocgraph::graph::build(&db.store, &options)?;
//! let csto = blocgraph::analyze::cohesion::cohesion(&view, "CSTO");
//! assert!(csto.member_list.contains(&"ARM".to_owned()));
//! # Ok::<(), blocgraph::Error>(())
//! ```

// The library never prints or exits (main.rs maps errors to messages and exit codes).
#![warn(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

// The layers, bottom first; a module uses only modules of its own layer or below (the test
// `layers_one_way` checks it, `scripts/modules.sh` prints the graph; docs/architecture.md).
pub mod codes;
pub mod date;
pub mod error;
pub mod model;
pub mod schema;
pub mod sparql;
pub mod vocab;

pub mod resolve;

pub mod import;

pub mod seed;
pub mod store;

pub mod query;
pub mod stats;
pub mod validate;

pub mod graph;

pub mod analyze;

pub mod export;
pub mod output;

pub mod serve;

pub use error::Error;
