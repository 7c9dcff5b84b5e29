//! IRIs of the blocgraph vocabulary and of the W3C vocabularies it reuses.
//! Every triple the library writes or reads names its terms from here (see `docs/model.md`).

use oxigraph::model::{NamedNode, NamedNodeRef};

/// The blocgraph vocabulary namespace (`bg:`).
pub const BG: &str = "https://blocgraph.org/ns#";
/// Entities (`bgid:ARM`).
pub const ID: &str = "https://blocgraph.org/id/";
/// Sources (`bgsrc:newsweek-2023`).
pub const SOURCE: &str = "https://blocgraph.org/source/";
/// Facts (`bgf:m-0123abcd...`).
pub const FACT: &str = "https://blocgraph.org/fact/";
/// Membership roles (`role:frozen`).
pub const ROLE: &str = "https://blocgraph.org/ns/role/";
/// Event types (`evt:summit`).
pub const EVENT_TYPE: &str = "https://blocgraph.org/ns/event-type/";

pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
pub const RDFS_COMMENT: &str = "http://www.w3.org/2000/01/rdf-schema#comment";
pub const SKOS_ALT_LABEL: &str = "http://www.w3.org/2004/02/skos/core#altLabel";
pub const SKOS_NOTATION: &str = "http://www.w3.org/2004/02/skos/core#notation";
pub const OWL_SAME_AS: &str = "http://www.w3.org/2002/07/owl#sameAs";
pub const WIKIDATA: &str = "http://www.wikidata.org/entity/";
pub const ORG: &str = "http://www.w3.org/ns/org#";
pub const TIME: &str = "http://www.w3.org/2006/time#";
pub const PROV_ENTITY: &str = "http://www.w3.org/ns/prov#Entity";
pub const PROV_DERIVED: &str = "http://www.w3.org/ns/prov#wasDerivedFrom";
pub const DCTERMS: &str = "http://purl.org/dc/terms/";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// Every namespace whose IRIs are shown to users by their local id (`ARM`, not the IRI).
pub const SHORT_NAMESPACES: [&str; 5] = [ID, SOURCE, ROLE, EVENT_TYPE, FACT];

/// A term of the `bg:` vocabulary.
pub fn bg(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{BG}{local}"))
}

/// Any IRI built from a namespace and a local part.
pub fn iri(namespace: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{namespace}{local}"))
}

pub fn rdf_type() -> NamedNodeRef<'static> {
    NamedNodeRef::new_unchecked(RDF_TYPE)
}

/// The entity IRI for an id (`ARM` -> `https://blocgraph.org/id/ARM`).
pub fn entity(id: &str) -> NamedNode {
    iri(ID, id)
}

/// The source IRI for a source id.
pub fn source(id: &str) -> NamedNode {
    iri(SOURCE, id)
}

/// The local id of an IRI in one of the blocgraph namespaces, if it is one.
pub fn short_id(iri: &str) -> Option<&str> {
    SHORT_NAMESPACES.iter().find_map(|ns| iri.strip_prefix(ns)).filter(|rest| !rest.is_empty())
}
