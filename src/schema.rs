//! The schema files compiled into the binary: the vocabulary, the SHACL shapes and the
//! controlled vocabulary of event types (read from `schema/event-types.ttl`).

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Term;

use crate::model::EventType;
use crate::vocab;

/// `schema/blocgraph.ttl`: the RDF vocabulary.
pub const VOCABULARY: &str = include_str!("../schema/blocgraph.ttl");
/// `schema/shapes.ttl`: SHACL shapes for every fact kind.
pub const SHAPES: &str = include_str!("../schema/shapes.ttl");
/// `schema/event-types.ttl`: the SKOS concept scheme of event types.
pub const EVENT_TYPES: &str = include_str!("../schema/event-types.ttl");

/// The valid event types (`skos:notation` of each concept), sorted.
pub fn event_types() -> Vec<EventType> {
    let mut types: Vec<String> = RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(EVENT_TYPES.as_bytes())
        .filter_map(Result::ok)
        .filter(|q| {
            q.predicate.as_str() == vocab::SKOS_NOTATION
                && q.subject.to_string().contains(vocab::EVENT_TYPE)
        })
        .filter_map(|q| match q.object {
            Term::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        })
        .collect();
    types.sort();
    types.dedup();
    types.into_iter().map(EventType::from_schema).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn event_types_include_the_contract_minimum() {
        let types = super::event_types();
        for t in [
            "summit",
            "statement",
            "agreement",
            "protest",
            "refusal",
            "conflict",
            "sanction",
            "deployment",
            "migration",
            "withdrawal-announcement",
        ] {
            assert!(types.iter().any(|x| x.as_str() == t), "{t} missing from {types:?}");
        }
    }
}
