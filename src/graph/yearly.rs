//! The history of the store year by year, as the research panels and the ATOP comparison read
//! it: which membership facts count in a year (within their source's reach), the role cells of
//! every country, bloc and year with their coverage, obligations, events and trade by year.
//! The rules are written out in `src/export/panel.rs` and docs/panel.md.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::error::StoreError;
use crate::model::{Role, Word};
use crate::sparql::select;
use crate::sparql::Engine;
use crate::vocab::{event_type, short_id, sparql_prefixes};

/// When a membership holds in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Rule {
    /// On 31 December.
    #[default]
    EndOfYear,
    /// On some day of the year (COW's coding).
    AnyTime,
}

/// A membership fact as the panel reads it.
#[derive(Debug, Clone)]
pub(crate) struct Membership {
    pub(crate) country: String,
    pub(crate) bloc: String,
    pub(crate) role: Role,
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
    /// (actor, target, year) of every `agreement` event between two countries.
    pub(crate) treaties: Vec<(String, String, u16)>,
}

fn year_of(text: &str) -> Option<u16> {
    text.get(..4)?.parse().ok()
}

/// Reads what a panel needs from the store.
pub fn load<'a>(store: impl Into<Engine<'a>>) -> Result<Data, StoreError> {
    let store: Engine<'a> = store.into();
    let p = sparql_prefixes();
    let mut d = Data::default();
    let countries = format!("{p} SELECT ?id WHERE {{ ?e a bg:Country ; bg:id ?id }} ORDER BY ?id");
    d.countries = select(store, &countries)?.iter().map(|r| r.get("id").to_owned()).collect();
    let blocs = format!("{p} SELECT ?id WHERE {{ ?e a bg:Bloc ; bg:id ?id }} ORDER BY ?id");
    d.blocs = select(store, &blocs)?.iter().map(|r| r.get("id").to_owned()).collect();
    // A dataset is a source of rank 3 (its horizon ends before its publication) or one that
    // codes coverage; articles also have horizons (their publication), which the panels ignore.
    let sources = select(store, &format!(
        "{p} SELECT ?id ?issued ?h ?rank (EXISTS {{ ?c a bg:Coverage ; prov:wasDerivedFrom ?s }} AS ?cov) WHERE {{
           ?s a bg:Source ; bg:id ?id ; dcterms:issued ?issued .
           OPTIONAL {{ ?s bg:horizon ?h }} OPTIONAL {{ ?s bg:sourceRank ?rank }} }}"
    ))?;
    for r in sources.iter() {
        if r.get("rank") == "3" || r.get("cov") == "true" {
            d.datasets.insert(r.get("id").to_owned());
            if let Some(h) = r.opt("h").and_then(year_of) {
                d.horizons.insert(r.get("id").to_owned(), h);
            }
        }
    }
    d.curated_horizon = sources
        .iter()
        .filter(|r| !d.datasets.contains(r.get("id")))
        .filter_map(|r| year_of(r.get("issued")))
        .max();
    for r in select(store, &format!(
        "{p} SELECT ?c ?b ?r ?s ?e ?src ?m ?q WHERE {{ ?m a bg:Membership ; org:member/bg:id ?c ; org:organization/bg:id ?b ; org:role ?r ;
           bg:startDay ?s ; prov:wasDerivedFrom/bg:id ?src . OPTIONAL {{ ?m bg:endDay ?e }} OPTIONAL {{ ?m bg:quote ?q }} }}"
    ))?
    .iter()
    {
        let Some(role) = short_id(r.get("r")).and_then(Role::parse) else { continue };
        d.memberships.push(Membership {
            country: r.get("c").to_owned(),
            bloc: r.get("b").to_owned(),
            role,
            start: r.get("s").to_owned(),
            end: r.opt("e").map(str::to_owned),
            source: r.get("src").to_owned(),
            fact: short_id(r.get("m")).unwrap_or(r.get("m")).to_owned(),
            quote: r.get("q").to_owned(),
        });
    }
    for r in select(store, &format!(
        "{p} SELECT ?src ?c ?b ?f ?t WHERE {{ ?x a bg:Coverage ; prov:wasDerivedFrom/bg:id ?src ; bg:country/bg:id ?c ; bg:bloc/bg:id ?b ;
           bg:coversFrom ?f ; bg:coversTo ?t }}"
    ))?
    .iter()
    {
        if let (Some(f), Some(t)) = (year_of(r.get("f")), year_of(r.get("t"))) {
            let key = (r.get("src").to_owned(), r.get("c").to_owned(), r.get("b").to_owned());
            d.coverage.entry(key).or_default().push((f, t));
        }
    }
    for r in select(store, &format!(
        "{p} SELECT ?a ?b ?k ?s ?e ?src WHERE {{ ?o a bg:Obligation ; bg:ally/bg:id ?a , ?b ; bg:obligation ?k ; bg:startDay ?s ;
           prov:wasDerivedFrom/bg:id ?src . OPTIONAL {{ ?o bg:endDay ?e }} FILTER(?a < ?b) }}"
    ))?
    .iter()
    {
        if let Some(start) = year_of(r.get("s")) {
            d.obligations.push(Obligation {
                a: r.get("a").to_owned(),
                b: r.get("b").to_owned(),
                kind: r.get("k").to_owned(),
                start,
                end: r.opt("e").and_then(year_of),
                source: r.get("src").to_owned(),
            });
        }
    }
    for r in select(store, &format!(
        "{p} SELECT ?day ?a ?t ?pol WHERE {{ ?e a bg:Event ; bg:dateDay ?day ; bg:actor/bg:id ?a ; bg:polarity ?pol .
           OPTIONAL {{ ?e bg:target/bg:id ?t }} }}"
    ))?
    .iter()
    {
        if let Some(y) = year_of(r.get("day")) {
            let target = r.opt("t").map(str::to_owned);
            d.events.push((y, r.get("a").to_owned(), target, r.get("pol").parse().unwrap_or(0)));
        }
    }
    for r in select(store, &format!(
        "{p} SELECT ?r ?pa ?ps ?pe ?v WHERE {{ ?t a bg:TradeFlow ; bg:reporter/bg:id ?r ; bg:partner/bg:id ?pa ;
           bg:periodStartDay ?ps ; bg:periodEndDay ?pe ; bg:valueUsd ?v }}"
    ))?
    .iter()
    {
        if let (Some(a), Some(b)) = (year_of(r.get("ps")), year_of(r.get("pe"))) {
            if a == b {
                let value = r.get("v").parse().unwrap_or(0.0);
                d.trade.push((a, r.get("r").to_owned(), r.get("pa").to_owned(), value));
            }
        }
    }
    let agreement = event_type("agreement");
    for r in select(
        store,
        &format!(
            "{p} SELECT ?a ?t ?day WHERE {{ ?e a bg:Event ; bg:eventType <{}> ;
          bg:actor/bg:id ?a ; bg:target ?te ; bg:dateDay ?day . ?te a bg:Country ; bg:id ?t }}",
            agreement.as_str()
        ),
    )?
    .iter()
    {
        if let Some(y) = year_of(r.get("day")) {
            d.treaties.push((r.get("a").to_owned(), r.get("t").to_owned(), y));
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
        // Where several roles hold, the greatest in `Role`'s one ordering stands for them.
        let mut roles: HashMap<(String, String, u16), Role> = HashMap::new();
        for m in &self.memberships {
            for &y in years {
                if Self::holds(m, y, rule) && self.counts_in(m, y) {
                    let key = (m.country.clone(), m.bloc.clone(), y);
                    let role = roles.entry(key).or_insert(m.role);
                    *role = (*role).max(m.role);
                }
            }
        }
        let mut best: HashMap<(String, String, u16), String> =
            roles.into_iter().map(|(key, role)| (key, role.name().to_owned())).collect();
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
            .filter(|m| m.bloc == bloc && m.role == Role::Member)
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
