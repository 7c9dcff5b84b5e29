//! `blocgraph stats`: what the store holds, per fact kind and per source.

use crate::error::StoreError;
use crate::sparql::select;
use crate::sparql::Engine;
use crate::vocab::sparql_prefixes;

/// Counts of one store.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Stats {
    pub triples: usize,
    /// (kind, count): entities by kind, sources, and each fact kind.
    pub kinds: Vec<(String, u64)>,
    /// (source id, memberships, trade, events, total).
    pub sources: Vec<SourceCount>,
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct SourceCount {
    pub source: String,
    pub reference: bool,
    pub memberships: u64,
    pub trade: u64,
    pub events: u64,
    /// Every fact of the source: memberships, trade, events and alliance obligations (ATOP).
    pub total: u64,
}

/// Counts triples, entities per kind, sources and facts per kind and per source.
pub fn stats<'a>(store: impl Into<Engine<'a>>) -> Result<Stats, StoreError> {
    let store: Engine<'a> = store.into();
    let mut stats = Stats { triples: store.triple_count()?, ..Stats::default() };
    let kinds = format!(
        "{}
         SELECT ?kind (COUNT(DISTINCT ?x) AS ?n) WHERE {{
           VALUES (?class ?kind) {{
             (bg:Country \"countries\") (bg:Bloc \"blocs\") (bg:Person \"people\") (bg:Organisation \"organisations\") (bg:Place \"places\")
             (bg:Source \"sources\") (bg:Membership \"memberships\") (bg:TradeFlow \"trade\") (bg:Event \"events\")
             (bg:Obligation \"obligations\") }}
           ?x a ?class }} GROUP BY ?kind",
        sparql_prefixes()
    );
    let order = [
        "countries",
        "blocs",
        "people",
        "organisations",
        "places",
        "sources",
        "memberships",
        "trade",
        "events",
        "obligations",
    ];
    let found = select(store, &kinds)?;
    for kind in order {
        let n = found
            .iter()
            .find(|r| r.get("kind") == kind)
            .map_or(0, |r| r.get("n").parse().unwrap_or(0));
        stats.kinds.push((kind.to_owned(), n));
    }
    let per_source = format!(
        "{}
         SELECT ?id ?ref (SUM(IF(BOUND(?k) && ?k = bg:Membership, 1, 0)) AS ?m) (SUM(IF(BOUND(?k) && ?k = bg:TradeFlow, 1, 0)) AS ?t) (SUM(IF(BOUND(?k) && ?k = bg:Event, 1, 0)) AS ?e) (SUM(IF(BOUND(?k) && ?k = bg:Obligation, 1, 0)) AS ?o) WHERE {{
           ?s a bg:Source ; bg:id ?id . OPTIONAL {{ ?s bg:reference ?r }} BIND(COALESCE(?r, false) AS ?ref)
           OPTIONAL {{ ?f prov:wasDerivedFrom ?s ; a ?k . FILTER(?k IN (bg:Membership, bg:TradeFlow, bg:Event, bg:Obligation)) }}
         }} GROUP BY ?id ?ref ORDER BY ?id",
        sparql_prefixes()
    );
    for row in select(store, &per_source)?.iter() {
        let n = |variable: &str| row.get(variable).parse::<u64>().unwrap_or(0);
        stats.sources.push(SourceCount {
            source: row.get("id").to_owned(),
            reference: row.get("ref") == "true",
            memberships: n("m"),
            trade: n("t"),
            events: n("e"),
            total: n("m") + n("t") + n("e") + n("o"),
        });
    }
    Ok(stats)
}
