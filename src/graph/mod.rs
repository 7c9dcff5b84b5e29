//! The petgraph view of the store on a date, and the membership history as each source
//! states it: both derived from the store by SPARQL every time, never kept beside it. The
//! analyses in `analyze/` read only these.

pub mod claims;
pub mod history;
pub mod view;
pub mod yearly;

pub use history::{history, History};
pub use view::{build, Edge, Node, View, ViewOptions};
