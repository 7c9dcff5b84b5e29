//! Exports: one module per output format (RDF serialisations, GraphViz DOT, edge list CSV).

pub mod dot;
pub mod edges;
pub mod gexf;
pub mod panel;
pub mod push;
pub mod rdf;
