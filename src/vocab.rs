//! IRIs of the blocgraph vocabulary and of the W3C vocabularies it reuses.
//! Every triple the library writes or reads names its terms from here (see `docs/model.md`).

use oxigraph::model::{NamedNode, NamedNodeRef};

/// The blocgraph vocabulary namespace (`bg:`).
pub const BG: &str = "https://blocgraph.org/ns#";
/// What the vocabulary's terms (`bg:`, roles, event types) start with: a class, a role or a
/// kind of event, never one entity, source or fact.
pub const VOCABULARY: &str = "https://blocgraph.org/ns";
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

pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
pub const OWL: &str = "http://www.w3.org/2002/07/owl#";
pub const PROV: &str = "http://www.w3.org/ns/prov#";
pub const SHACL: &str = "http://www.w3.org/ns/shacl#";
pub const WIKIDATA: &str = "http://www.wikidata.org/entity/";
pub const ORG: &str = "http://www.w3.org/ns/org#";
pub const TIME: &str = "http://www.w3.org/2006/time#";
pub const DCTERMS: &str = "http://purl.org/dc/terms/";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
pub const RDFS_COMMENT: &str = "http://www.w3.org/2000/01/rdf-schema#comment";
pub const SKOS_ALT_LABEL: &str = "http://www.w3.org/2004/02/skos/core#altLabel";
pub const SKOS_NOTATION: &str = "http://www.w3.org/2004/02/skos/core#notation";
pub const OWL_SAME_AS: &str = "http://www.w3.org/2002/07/owl#sameAs";
pub const PROV_ENTITY: &str = "http://www.w3.org/ns/prov#Entity";
pub const PROV_DERIVED: &str = "http://www.w3.org/ns/prov#wasDerivedFrom";

/// The prefixes of every namespace above: declared by Turtle and TriG exports and by
/// [`sparql_prefixes`] for blocgraph's own queries.
pub const PREFIXES: [(&str, &str); 16] = [
    ("bg", BG),
    ("bgid", ID),
    ("bgsrc", SOURCE),
    ("bgf", FACT),
    ("role", ROLE),
    ("evt", EVENT_TYPE),
    ("org", ORG),
    ("time", TIME),
    ("prov", PROV),
    ("dcterms", DCTERMS),
    ("skos", SKOS),
    ("rdfs", RDFS),
    ("xsd", XSD),
    ("rdf", RDF),
    ("owl", OWL),
    ("sh", SHACL),
];

/// `PREFIX bg: <...> PREFIX org: <...> ...`: the head of blocgraph's own SPARQL queries, so
/// that they name every term by its prefix.
pub fn sparql_prefixes() -> String {
    PREFIXES.iter().map(|(p, iri)| format!("PREFIX {p}: <{iri}>\n")).collect()
}

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

/// The IRI of a membership role (`role:frozen`).
pub fn role(role: crate::model::Role) -> NamedNode {
    iri(ROLE, crate::model::Word::name(role))
}

/// The IRI of an event type (`evt:summit`).
pub fn event_type(local: &str) -> NamedNode {
    iri(EVENT_TYPE, local)
}

/// The source IRI for a source id.
pub fn source(id: &str) -> NamedNode {
    iri(SOURCE, id)
}

/// The local id of an IRI in one of the blocgraph namespaces, if it is one.
pub fn short_id(iri: &str) -> Option<&str> {
    SHORT_NAMESPACES.iter().find_map(|ns| iri.strip_prefix(ns)).filter(|rest| !rest.is_empty())
}

/// The RDF syntaxes blocgraph reads (`import`) and writes (`export rdf`), by the names their
/// flags and file extensions use: the one table of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum RdfSyntax {
    #[value(name = "ttl", alias = "turtle")]
    Turtle,
    #[value(name = "nt", aliases = ["ntriples", "n-triples"])]
    NTriples,
    #[value(name = "nq", aliases = ["nquads", "n-quads"])]
    NQuads,
    #[value(name = "trig")]
    TriG,
}

impl RdfSyntax {
    /// The syntax a name or alias gives (any letter case).
    pub fn parse(name: &str) -> Option<Self> {
        <Self as clap::ValueEnum>::from_str(name, true).ok()
    }

    /// The syntax a file extension (`ttl`, `nt`, `nq`, `trig`, any letter case) gives.
    pub fn from_extension(extension: &str) -> Option<Self> {
        <Self as clap::ValueEnum>::value_variants()
            .iter()
            .copied()
            .find(|s| s.name().eq_ignore_ascii_case(extension))
    }

    /// The canonical name, which is also the file extension.
    pub fn name(self) -> &'static str {
        match self {
            Self::Turtle => "ttl",
            Self::NTriples => "nt",
            Self::NQuads => "nq",
            Self::TriG => "trig",
        }
    }

    /// Oxigraph's format.
    pub fn format(self) -> oxigraph::io::RdfFormat {
        match self {
            Self::Turtle => oxigraph::io::RdfFormat::Turtle,
            Self::NTriples => oxigraph::io::RdfFormat::NTriples,
            Self::NQuads => oxigraph::io::RdfFormat::NQuads,
            Self::TriG => oxigraph::io::RdfFormat::TriG,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rdf_syntaxes_by_name_alias_and_extension() {
        assert_eq!(RdfSyntax::parse("N-Triples"), Some(RdfSyntax::NTriples));
        assert_eq!(RdfSyntax::parse("TURTLE"), Some(RdfSyntax::Turtle));
        assert_eq!(RdfSyntax::parse("rdfxml"), None);
        assert_eq!(RdfSyntax::from_extension("TriG"), Some(RdfSyntax::TriG));
        assert_eq!(RdfSyntax::from_extension("turtle"), None, "an alias is no file extension");
        assert!(sparql_prefixes().contains("PREFIX prov: <http://www.w3.org/ns/prov#>"));
    }
}
