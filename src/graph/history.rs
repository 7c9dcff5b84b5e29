//! The history of the store year by year, as the research panels and the ATOP comparison read
//! it: which membership facts count in a year (within their source's reach), the role cells of
//! every country, bloc and year with their coverage, obligations, events and trade by year.
//! The rules are written out in `src/export/panel.rs` and docs/panel.md.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use oxigraph::store::Store;

use crate::error::StoreError;
use crate::query::select;
use crate::vocab::BG;

/// When a membership holds in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rule {
    /// On 31 December.
    #[default]
    EndOfYear,
    /// On some day of the year (COW's coding).
    AnyTime,
}

fn rank(role: &str) -> u8 {
    match role {
        "frozen" => 5,
        "member" => 4,
        "associate" => 3,
        "observer" => 2,
        _ => 1,
    }
}

/// A membership fact as the panel reads it.
#[derive(Debug, Clone)]
pub(crate) struct Membership {
    pub(crate) country: String,
    pub(crate) bloc: String,
    pub(crate) role: String,
    pub(crate) start: String,
    pub(crate) end: Option<String>,
    pub(crate) source: String,
    /// The fact's local id (`m-...`) and quote.
    pub(crate) fact: String,
    pub(crate) quote: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Obligation {
    pub(crate) a: String,
    pub(crate) b: String,
    pub(crate) kind: String,
    pub(crate) start: u16,
    pub(crate) end: Option<u16>,
    pub(crate) source: String,
}

/// Everything a panel is computed from.
#[derive(Debug, Default)]
pub struct Data {
    pub(crate) countries: Vec<String>,
    pub(crate) blocs: Vec<String>,
    /// Source id -> horizon year, for sources with one.
    pub(crate) horizons: HashMap<String, u16>,
    pub(crate) datasets: BTreeSet<String>,
    pub(crate) curated_horizon: Option<u16>,
    pub(crate) memberships: Vec<Membership>,
    /// (source, country, bloc) -> year spans.
    pub(crate) coverage: HashMap<(String, String, String), Vec<(u16, u16)>>,
    pub(crate) obligations: Vec<Obligation>,
    /// (year, actor, target, polarity)
    pub(crate) events: Vec<(u16, String, Option<String>, i64)>,
    /// (year, reporter, partner, value)
    pub(crate) trade: Vec<(u16, String, String, f64)>,
}

fn year_of(text: &str) -> Option<u16> {
    text.get(..4)?.parse().ok()
}

/// Reads what a panel needs from the store.
pub fn load(store: &Store) -> Result<Data, StoreError> {
    let p = format!("PREFIX bg: <{BG}> PREFIX org: <http://www.w3.org/ns/org#> PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/>");
    let mut d = Data::default();
    for r in select(
        store,
        &format!("{p} SELECT ?id WHERE {{ ?e a bg:Country ; bg:id ?id }} ORDER BY ?id"),
    )? {
        d.countries.push(r[0].clone());
    }
    for r in
        select(store, &format!("{p} SELECT ?id WHERE {{ ?e a bg:Bloc ; bg:id ?id }} ORDER BY ?id"))?
    {
        d.blocs.push(r[0].clone());
    }
    let sources = select(store, &format!(
        "{p} SELECT ?id ?issued ?h (EXISTS {{ ?c a bg:Coverage ; prov:wasDerivedFrom ?s }} AS ?cov) WHERE {{
           ?s a bg:Source ; bg:id ?id ; dcterms:issued ?issued . OPTIONAL {{ ?s bg:horizon ?h }} }}"
    ))?;
    for r in &sources {
        if let Some(h) = year_of(&r[2]) {
            d.horizons.insert(r[0].clone(), h);
        }
        if !r[2].is_empty() || r[3] == "true" {
            d.datasets.insert(r[0].clone());
        }
    }
    d.curated_horizon =
        sources.iter().filter(|r| !d.datasets.contains(&r[0])).filter_map(|r| year_of(&r[1])).max();
    for r in select(store, &format!(
        "{p} SELECT ?c ?b ?role ?s ?e ?src ?m ?q WHERE {{ ?m a bg:Membership ; org:member/bg:id ?c ; org:organization/bg:id ?b ; org:role ?r ;
           bg:startDay ?s ; prov:wasDerivedFrom/bg:id ?src . OPTIONAL {{ ?m bg:endDay ?e }} OPTIONAL {{ ?m bg:quote ?q }}
           BIND(STRAFTER(STR(?r), \"/role/\") AS ?role) }}"
    ))? {
        d.memberships.push(Membership {
            country: r[0].clone(),
            bloc: r[1].clone(),
            role: r[2].clone(),
            start: r[3].clone(),
            end: Some(r[4].clone()).filter(|e| !e.is_empty()),
            source: r[5].clone(),
            fact: crate::vocab::short_id(&r[6]).unwrap_or(&r[6]).to_owned(),
            quote: r[7].clone(),
        });
    }
    for r in select(store, &format!(
        "{p} SELECT ?src ?c ?b ?f ?t WHERE {{ ?x a bg:Coverage ; prov:wasDerivedFrom/bg:id ?src ; bg:country/bg:id ?c ; bg:bloc/bg:id ?b ;
           bg:coversFrom ?f ; bg:coversTo ?t }}"
    ))? {
        if let (Some(f), Some(t)) = (year_of(&r[3]), year_of(&r[4])) {
            d.coverage.entry((r[0].clone(), r[1].clone(), r[2].clone())).or_default().push((f, t));
        }
    }
    for r in select(store, &format!(
        "{p} SELECT ?a ?b ?k ?s ?e ?src WHERE {{ ?o a bg:Obligation ; bg:ally/bg:id ?a , ?b ; bg:obligation ?k ; bg:startDay ?s ;
           prov:wasDerivedFrom/bg:id ?src . OPTIONAL {{ ?o bg:endDay ?e }} FILTER(?a < ?b) }}"
    ))? {
        if let Some(start) = year_of(&r[3]) {
            d.obligations.push(Obligation {
                a: r[0].clone(),
                b: r[1].clone(),
                kind: r[2].clone(),
                start,
                end: year_of(&r[4]),
                source: r[5].clone(),
            });
        }
    }
    for r in select(store, &format!(
        "{p} SELECT ?day ?a ?t ?pol WHERE {{ ?e a bg:Event ; bg:dateDay ?day ; bg:actor/bg:id ?a ; bg:polarity ?pol .
           OPTIONAL {{ ?e bg:target/bg:id ?t }} }}"
    ))? {
        if let Some(y) = year_of(&r[0]) {
            let target = Some(r[2].clone()).filter(|t| !t.is_empty());
            d.events.push((y, r[1].clone(), target, r[3].parse().unwrap_or(0)));
        }
    }
    for r in select(store, &format!(
        "{p} SELECT ?r ?pa ?ps ?pe ?v WHERE {{ ?t a bg:TradeFlow ; bg:reporter/bg:id ?r ; bg:partner/bg:id ?pa ;
           bg:periodStartDay ?ps ; bg:periodEndDay ?pe ; bg:valueUsd ?v }}"
    ))? {
        if let (Some(a), Some(b)) = (year_of(&r[2]), year_of(&r[3])) {
            if a == b {
                d.trade.push((a, r[0].clone(), r[1].clone(), r[4].parse().unwrap_or(0.0)));
            }
        }
    }
    Ok(d)
}

impl Data {
    fn counts_in(&self, m: &Membership, year: u16) -> bool {
        if !self.datasets.contains(&m.source) {
            return self.curated_horizon.is_some_and(|h| year <= h);
        }
        if let Some(&h) = self.horizons.get(&m.source) {
            if year > h {
                return false;
            }
        }
        let has_coverage = self.coverage.keys().any(|(s, _, _)| *s == m.source);
        !has_coverage
            || self
                .coverage
                .get(&(m.source.clone(), m.country.clone(), m.bloc.clone()))
                .is_some_and(|spans| spans.iter().any(|&(f, t)| f <= year && year <= t))
    }

    fn holds(m: &Membership, year: u16, rule: Rule) -> bool {
        let dec31 = format!("{year:04}-12-31");
        let jan1 = format!("{year:04}-01-01");
        if m.start.as_str() > dec31.as_str() {
            return false;
        }
        match (&m.end, rule) {
            (None, _) => true,
            (Some(e), Rule::EndOfYear) => e.as_str() > dec31.as_str(),
            (Some(e), Rule::AnyTime) => e.as_str() > jan1.as_str(),
        }
    }

    /// The cell of a country, bloc and year: the role, `none`, or `None` for NA.
    pub(crate) fn role_cells(
        &self,
        rule: Rule,
        years: &[u16],
    ) -> HashMap<(String, String, u16), String> {
        let mut best: HashMap<(String, String, u16), String> = HashMap::new();
        for m in &self.memberships {
            for &y in years {
                if Self::holds(m, y, rule) && self.counts_in(m, y) {
                    let key = (m.country.clone(), m.bloc.clone(), y);
                    let better = best.get(&key).is_none_or(|r| rank(&m.role) > rank(r));
                    if better {
                        best.insert(key, m.role.clone());
                    }
                }
            }
        }
        // Coverage: the curated record of each bloc, and the datasets' coverage spans.
        let mut first_curated: HashMap<&str, u16> = HashMap::new();
        for m in self.memberships.iter().filter(|m| !self.datasets.contains(&m.source)) {
            if let Some(y) = year_of(&m.start) {
                let e = first_curated.entry(m.bloc.as_str()).or_insert(y);
                *e = (*e).min(y);
            }
        }
        for c in &self.countries {
            for b in &self.blocs {
                for &y in years {
                    let key = (c.clone(), b.clone(), y);
                    if best.contains_key(&key) {
                        continue;
                    }
                    let curated = first_curated
                        .get(b.as_str())
                        .is_some_and(|&f| f <= y && self.curated_horizon.is_some_and(|h| y <= h));
                    let dataset = self.coverage.iter().any(|((src, cc, bb), spans)| {
                        cc == c
                            && bb == b
                            && spans.iter().any(|&(f, t)| f <= y && y <= t)
                            && self.horizons.get(src).is_none_or(|&h| y <= h)
                    });
                    if curated || dataset {
                        best.insert(key, "none".to_owned());
                    }
                }
            }
        }
        best
    }

    /// The membership facts of `bloc` that count and hold with role `member` in `year` by
    /// `rule`: (country, source, fact id, quote).
    pub(crate) fn members(
        &self,
        bloc: &str,
        year: u16,
        rule: Rule,
    ) -> Vec<(&str, &str, &str, &str)> {
        self.memberships
            .iter()
            .filter(|m| m.bloc == bloc && m.role == "member")
            .filter(|m| Self::holds(m, year, rule) && self.counts_in(m, year))
            .map(|m| (m.country.as_str(), m.source.as_str(), m.fact.as_str(), m.quote.as_str()))
            .collect()
    }

    /// The obligation kinds of a pair (any order) holding in `year`, with their sources; and
    /// whether the source's data cover the year at all (its first start year to its horizon).
    pub(crate) fn obligations_in(&self, a: &str, b: &str, year: u16) -> Vec<(&str, &str)> {
        let (a, b) = if a < b { (a, b) } else { (b, a) };
        self.obligations
            .iter()
            .filter(|o| o.a == a && o.b == b && o.start <= year)
            .filter(|o| {
                let last = o.end.map_or_else(
                    || self.horizons.get(&o.source).copied().unwrap_or(u16::MAX),
                    |e| e - 1,
                );
                year <= last
            })
            .map(|o| (o.kind.as_str(), o.source.as_str()))
            .collect()
    }

    /// Per obligation source: its first start year and its horizon, and the states it names.
    pub(crate) fn obligation_sources(&self) -> BTreeMap<&str, (u16, Option<u16>, BTreeSet<&str>)> {
        let mut out: BTreeMap<&str, (u16, Option<u16>, BTreeSet<&str>)> = BTreeMap::new();
        for o in &self.obligations {
            let e = out.entry(o.source.as_str()).or_insert((
                o.start,
                self.horizons.get(&o.source).copied(),
                BTreeSet::new(),
            ));
            e.0 = e.0.min(o.start);
            e.2.insert(o.a.as_str());
            e.2.insert(o.b.as_str());
        }
        out
    }

    /// Whether the store has this country.
    pub(crate) fn has_country(&self, id: &str) -> bool {
        self.countries.binary_search_by(|c| c.as_str().cmp(id)).is_ok()
    }

    pub(crate) fn event_years(&self) -> Option<(u16, u16)> {
        let min = self.events.iter().map(|e| e.0).min()?;
        let max = self.events.iter().map(|e| e.0).max()?;
        Some((min, max))
    }

    /// The default last year: the latest issued or horizon year of any source.
    pub(crate) fn default_to(&self) -> u16 {
        self.curated_horizon
            .into_iter()
            .chain(self.horizons.values().copied())
            .max()
            .unwrap_or(crate::date::Date::today().year)
    }
}
