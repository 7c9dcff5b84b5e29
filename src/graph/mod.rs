//! The petgraph view of the store on a date: derived from the store by SPARQL every time,
//! never kept beside it. One function builds it; the analyses in `analyze/` only read it.

pub mod history;
pub mod view;

pub use view::{build, Edge, Node, View, ViewOptions};
