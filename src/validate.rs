//! `blocgraph validate`: checks the whole store against the importer's rules (a source for
//! every fact, end after start, no membership overlapping itself, known event types) and
//! against the SHACL shapes in `schema/shapes.ttl`, by SPARQL checks generated from them.
//!
//! The shapes' targets and simple-path property constraints (min/maxCount, datatype, class,
//! nodeKind, in, pattern, minInclusive) and their `sh:sparql` SELECT constraints are checked;
//! `sh:or`, `sh:xone` and `sh:closed` are left to pyshacl (the tests run it on the export).

use std::collections::BTreeMap;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Term};

use crate::error::ValidateError;
use crate::model::EventType;
use crate::sparql::Engine;
use crate::sparql::{select, text};
use crate::vocab;

/// One violation: the rule, the focus node (fact or entity), its source and a message.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Violation {
    pub rule: String,
    pub focus: String,
    pub source: String,
    pub message: String,
}

/// The importer's rules as (name, message, SELECT ?focus).
fn rules(event_types: &[EventType]) -> Vec<(&'static str, &'static str, String)> {
    let types: Vec<String> =
        event_types.iter().map(|t| vocab::event_type(t.as_str()).to_string()).collect();
    vec![
        ("source", "the fact cites no known source", "SELECT ?focus WHERE { ?focus a bg:Fact . FILTER NOT EXISTS { ?focus prov:wasDerivedFrom ?s . ?s a bg:Source } }".to_owned()),
        ("one-source", "the fact cites more than one source", "SELECT DISTINCT ?focus WHERE { ?focus a bg:Fact ; prov:wasDerivedFrom ?a, ?b . FILTER(?a != ?b) }".to_owned()),
        ("end-after-start", "the membership ends on or before its start", "SELECT ?focus WHERE { ?focus a bg:Membership ; bg:startDay ?s ; bg:endDay ?e . FILTER(?e <= ?s) }".to_owned()),
        ("period-order", "the trade period ends before it starts", "SELECT ?focus WHERE { ?focus a bg:TradeFlow ; bg:periodStartDay ?s ; bg:periodEndDay ?e . FILTER(?e < ?s) }".to_owned()),
        ("range", "a range needs valueUsdMax above valueUsd, and only a range has one", "SELECT ?focus WHERE { ?focus a bg:TradeFlow ; bg:qualifier ?q ; bg:valueUsd ?v . OPTIONAL { ?focus bg:valueUsdMax ?m } FILTER((?q = \"range\" && (!BOUND(?m) || ?m <= ?v)) || (?q != \"range\" && BOUND(?m))) }".to_owned()),
        ("polarity", "polarity must be -1, 0 or 1", "SELECT ?focus WHERE { ?focus a bg:Event ; bg:polarity ?p . FILTER(!(?p IN (-1, 0, 1))) }".to_owned()),
        ("event-type", "unknown event type", format!("SELECT ?focus WHERE {{ ?focus a bg:Event ; bg:eventType ?t . FILTER(?t NOT IN ({})) }}", types.join(", "))),
        // A source says nothing after its horizon (docs/model.md, Horizons): an end stored after
        // it, or a start or date after it, is a reading the source cannot support. An open spell
        // at the horizon is fine: it is right-censored, not "still holds".
        ("past-horizon", "the fact states a date after its source's horizon (a start or date after it, or an end later than the day after it)",
         "SELECT DISTINCT ?focus WHERE { ?focus prov:wasDerivedFrom ?s . ?s bg:horizonEndDay ?h .
            { ?focus bg:startDay ?d . BIND(false AS ?isEnd) }
            UNION { ?focus bg:endDay ?d . BIND(true AS ?isEnd) }
            UNION { ?focus bg:dateDay ?d . BIND(false AS ?isEnd) }
            UNION { ?focus bg:periodStartDay ?d . BIND(false AS ?isEnd) }
            FILTER(IF(?isEnd, ?d > ?h, ?d >= ?h)) }".to_owned()),
        ("claim", "the fact has no bg:claim, or its claim is not a fact (re-import or reset to recompute claims)",
         "SELECT ?focus WHERE { ?focus a bg:Fact . FILTER NOT EXISTS { ?focus bg:claim ?c . ?c a bg:Fact } }".to_owned()),
        ("no-self-overlap", "the membership overlaps another of the same country, bloc and source",
         "SELECT DISTINCT ?focus WHERE { ?focus a bg:Membership ; org:member ?c ; org:organization ?b ; prov:wasDerivedFrom ?src ; bg:startDay ?s1 .
            ?other a bg:Membership ; org:member ?c ; org:organization ?b ; prov:wasDerivedFrom ?src ; bg:startDay ?s2 .
            FILTER(?other != ?focus)
            OPTIONAL { ?focus bg:endDay ?e1 } OPTIONAL { ?other bg:endDay ?e2 }
            FILTER((!BOUND(?e2) || ?s1 < ?e2) && (!BOUND(?e1) || ?s2 < ?e1)) }".to_owned()),
    ]
}

/// Property constraints read from the shapes: (target class, path, constraint, value, message).
struct PropertyCheck {
    class: String,
    path: String,
    kind: String,
    value: Term,
    /// For `sh:in`: the list's members as SPARQL terms.
    items: Vec<String>,
    message: String,
}

fn shapes() -> (Vec<PropertyCheck>, Vec<(String, String, String)>) {
    let graph = oxigraph::model::Graph::from_iter(
        RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(crate::schema::SHAPES.as_bytes())
            .filter_map(Result::ok)
            .map(oxigraph::model::Triple::from),
    );
    let sh = |l: &str| vocab::iri(vocab::SHACL, l);
    let object = |s: &NamedOrBlankNode, p: &NamedNode| {
        graph.object_for_subject_predicate(s, p).map(|t| t.into_owned())
    };
    let mut checks = Vec::new();
    let mut sparql = Vec::new();
    for t in graph.triples_for_predicate(&sh("targetClass")) {
        let shape: NamedOrBlankNode = t.subject.into_owned();
        let Term::NamedNode(class) = t.object.into_owned() else { continue };
        let shape_message = object(&shape, &sh("message")).map(|m| text(&m)).unwrap_or_default();
        for prop in nodes(&graph, &shape, &sh("property")) {
            let Some(Term::NamedNode(path)) = object(&prop, &sh("path")) else { continue };
            let message = object(&prop, &sh("message"))
                .map(|m| text(&m))
                .unwrap_or_else(|| shape_message.clone());
            for kind in [
                "minCount",
                "maxCount",
                "datatype",
                "class",
                "nodeKind",
                "pattern",
                "minInclusive",
                "in",
            ] {
                if let Some(value) = object(&prop, &sh(kind)) {
                    let items = if kind == "in" { rdf_list(&graph, &value) } else { Vec::new() };
                    checks.push(PropertyCheck {
                        class: class.as_str().to_owned(),
                        path: path.as_str().to_owned(),
                        kind: kind.to_owned(),
                        value,
                        items,
                        message: message.clone(),
                    });
                }
            }
        }
        for c in nodes(&graph, &shape, &sh("sparql")) {
            if let Some(Term::Literal(select)) = object(&c, &sh("select")) {
                let message = object(&c, &sh("message"))
                    .map(|m| text(&m))
                    .unwrap_or_else(|| shape_message.clone());
                sparql.push((class.as_str().to_owned(), select.value().to_owned(), message));
            }
        }
    }
    (checks, sparql)
}

/// The objects of a subject and predicate that are nodes (IRIs or blank nodes).
fn nodes(
    graph: &oxigraph::model::Graph,
    subject: &NamedOrBlankNode,
    predicate: &NamedNode,
) -> Vec<NamedOrBlankNode> {
    graph
        .objects_for_subject_predicate(subject, predicate)
        .filter_map(|o| match o.into_owned() {
            Term::NamedNode(n) => Some(n.into()),
            Term::BlankNode(b) => Some(b.into()),
            _ => None,
        })
        .collect()
}

/// The list after `sh:in` as SPARQL terms.
fn rdf_list(graph: &oxigraph::model::Graph, value: &Term) -> Vec<String> {
    let first = vocab::iri(vocab::RDF, "first");
    let rest = vocab::iri(vocab::RDF, "rest");
    let mut items = Vec::new();
    let mut node = value.clone();
    for _ in 0..1000 {
        let subject: NamedOrBlankNode = match &node {
            Term::BlankNode(b) => b.clone().into(),
            _ => break,
        };
        if let Some(item) = graph.object_for_subject_predicate(&subject, &first) {
            items.push(item.to_string());
        }
        match graph.object_for_subject_predicate(&subject, &rest) {
            Some(next) => node = next.into_owned(),
            None => break,
        }
    }
    items
}

fn property_query(c: &PropertyCheck) -> Option<String> {
    let (class, path) = (format!("<{}>", c.class), format!("<{}>", c.path));
    let body = match (c.kind.as_str(), &c.value) {
        ("minCount", Term::Literal(n)) => format!("?focus a {class} . {{ SELECT ?focus (COUNT(?v) AS ?n) WHERE {{ ?focus a {class} . OPTIONAL {{ ?focus {path} ?v }} }} GROUP BY ?focus }} FILTER(?n < {})", n.value()),
        ("maxCount", Term::Literal(n)) => format!("{{ SELECT ?focus (COUNT(?v) AS ?n) WHERE {{ ?focus a {class} ; {path} ?v }} GROUP BY ?focus }} FILTER(?n > {})", n.value()),
        ("datatype", Term::NamedNode(dt)) => format!("?focus a {class} ; {path} ?v . FILTER(!isLiteral(?v) || DATATYPE(?v) != <{}>)", dt.as_str()),
        ("class", Term::NamedNode(k)) => format!("?focus a {class} ; {path} ?v . FILTER NOT EXISTS {{ ?v a <{}> }}", k.as_str()),
        ("nodeKind", Term::NamedNode(k)) if k.as_str().ends_with("#IRI") => format!("?focus a {class} ; {path} ?v . FILTER(!isIRI(?v))"),
        ("pattern", Term::Literal(p)) => format!("?focus a {class} ; {path} ?v . FILTER(!REGEX(STR(?v), {}))", Literal::new_simple_literal(p.value())),
        ("minInclusive", Term::Literal(m)) => format!("?focus a {class} ; {path} ?v . FILTER(!(?v >= {m}))"),
        ("in", _) if !c.items.is_empty() => format!("?focus a {class} ; {path} ?v . FILTER(?v NOT IN ({}))", c.items.join(", ")),
        _ => return None,
    };
    Some(format!("SELECT DISTINCT ?focus WHERE {{ {body} }}"))
}

/// Every violation in the store, sorted. O(checks × facts). Every check runs: one that
/// cannot is an error, never skipped.
pub fn validate<'a>(store: impl Into<Engine<'a>>) -> Result<Vec<Violation>, ValidateError> {
    let store: Engine<'a> = store.into();
    let prefixes = vocab::sparql_prefixes();
    let mut found: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut push = |rule: String, focus: &str, message: String| {
        found.entry((rule, focus.to_owned())).or_insert(message);
    };
    for (rule, message, query) in rules(&crate::schema::event_types()) {
        for row in select(store, &format!("{prefixes} {query}"))?.iter() {
            push(format!("rule:{rule}"), row.get("focus"), message.to_owned());
        }
    }
    let (checks, sparql) = shapes();
    for c in &checks {
        let Some(query) = property_query(c) else { continue };
        let local = c.path.rsplit(['#', '/']).next().unwrap_or(&c.path);
        for row in select(store, &query)?.iter() {
            push(format!("shape:{}:{}", local, c.kind), row.get("focus"), c.message.clone());
        }
    }
    for (class, query, message) in &sparql {
        // `$this` becomes the focus variable, bound to each instance of the target class.
        let inner = query.replace("$this", "?focus");
        let wrapped = format!(
            "{prefixes} SELECT DISTINCT ?focus WHERE {{ ?focus a <{class}> . {{ {} }} }}",
            strip_prefixes(&inner)
        );
        let rows = select(store, &wrapped)
            .map_err(|source| ValidateError::Shape { class: class.clone(), source })?;
        for row in rows.iter() {
            push("shape:sparql".to_owned(), row.get("focus"), message.clone());
        }
    }
    let sources: BTreeMap<String, String> = select(
        store,
        &format!("{prefixes} SELECT ?f ?id WHERE {{ ?f prov:wasDerivedFrom ?s . ?s bg:id ?id }}"),
    )?
    .iter()
    .map(|r| (r.get("f").to_owned(), r.get("id").to_owned()))
    .collect();
    Ok(found
        .into_iter()
        .map(|((rule, focus), message)| Violation {
            source: sources.get(&focus).cloned().unwrap_or_default(),
            focus: vocab::short_id(&focus).unwrap_or(&focus).to_owned(),
            rule,
            message,
        })
        .collect())
}

/// A `sh:select` query's body without its own PREFIX lines (the wrapper declares them).
fn strip_prefixes(query: &str) -> String {
    query
        .lines()
        .filter(|l| !l.trim_start().to_ascii_uppercase().starts_with("PREFIX"))
        .collect::<Vec<_>>()
        .join("\n")
}
