//! Source agreement: year by year, what each source says about each country's status in each
//! bloc, every (country, bloc, year) where two sources disagree, and agreement rates per bloc
//! and per source pair.
//!
//! What is compared: by default each *dataset* source (one with coverage nodes, such as the COW
//! import) against `curated`, the combined view of every other source (articles and reference
//! facts together, since one reference source may give a country's first spell and another its
//! rejoining); with `--source A --source B ...`, exactly those sources, each on its own.
//!
//! A source speaks on a country-bloc pair over its coverage: the years a dataset codes, or, for
//! other sources, from the first year of its first spell for the pair to the last year of its
//! last (the `to` year when open). Within its coverage a year without a spell says "none". A
//! year's status is the strongest role held at any point in the year (COW's own rule), by
//! [`Role`]'s one ordering; `frozen` compares equal to `member` ([`Role::formal`]): a freeze is
//! still formal membership.

use std::collections::{BTreeMap, BTreeSet};

use super::{num, Rows};
use crate::graph::History;
use crate::model::{Role, Word};

/// The name of the combined view of every non-dataset source.
pub const CURATED: &str = "curated";

/// One membership spell as a source states it, in years.
#[derive(Debug, Clone)]
struct Spell {
    role: Role,
    start: u16,
    /// Last year the spell touches (None when open).
    last: Option<u16>,
    fact: String,
    quote: String,
}

/// What one source says about one country, bloc and year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Saying {
    pub source: String,
    pub status: String,
    pub facts: Vec<String>,
    pub quotes: Vec<String>,
}

/// A country, bloc and year on which sources disagree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Disagreement {
    pub country: String,
    pub bloc: String,
    pub year: u16,
    pub says: Vec<Saying>,
}

impl Rows for Disagreement {
    fn header() -> Vec<&'static str> {
        vec!["country", "bloc", "year", "says", "facts", "quotes"]
    }

    fn cells(&self) -> Vec<String> {
        let join =
            |f: &dyn Fn(&Saying) -> String| self.says.iter().map(f).collect::<Vec<_>>().join(" | ");
        vec![
            self.country.clone(),
            self.bloc.clone(),
            self.year.to_string(),
            join(&|s| format!("{}={}", s.source, s.status)),
            join(&|s| format!("{}: {}", s.source, s.facts.join(" "))),
            join(&|s| {
                format!(
                    "{}: {}",
                    s.source,
                    s.quotes
                        .iter()
                        .filter(|q| !q.is_empty())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" / ")
                )
            }),
        ]
    }
}

/// Agreement rate over the units two sources (or all sources of a bloc) both speak on.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Rate {
    /// `bloc` or `sources`.
    pub scope: String,
    /// The bloc id, or `a ~ b` for a source pair.
    pub name: String,
    pub compared: usize,
    pub agreed: usize,
    pub rate: Option<f64>,
}

impl Rows for Rate {
    fn header() -> Vec<&'static str> {
        vec!["scope", "name", "compared", "agreed", "rate"]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.scope.clone(),
            self.name.clone(),
            self.compared.to_string(),
            self.agreed.to_string(),
            num(self.rate),
        ]
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    pub disagreements: Vec<Disagreement>,
    pub rates: Vec<Rate>,
}

/// A year's status as shown: the role's name, or `none`.
fn status_name(status: Option<Role>) -> String {
    status.map_or("none", Role::name).to_owned()
}

/// Compares every source with every other over `[from, to]`, for `blocs` (all when empty).
/// O(F + P·Y·S²) for F facts, P pairs, Y years and S sources per pair.
pub fn agreement(
    history: &History,
    blocs: &[String],
    sources: &[String],
    from: u16,
    to: u16,
) -> Report {
    let wanted: BTreeSet<&String> = blocs.iter().collect();
    let keep = |b: &String| wanted.is_empty() || wanted.contains(b);
    let datasets: BTreeSet<&String> = history.coverage.iter().map(|c| &c.source).collect();
    // The side a source's statements count for: itself, or the combined curated view.
    let side = |source: &String| -> Option<String> {
        if sources.is_empty() {
            Some(if datasets.contains(source) { source.clone() } else { CURATED.to_owned() })
        } else {
            sources.contains(source).then(|| source.clone())
        }
    };

    // (country, bloc) -> source -> spells
    let mut spells: BTreeMap<(String, String), BTreeMap<String, Vec<Spell>>> = BTreeMap::new();
    for s in history.spells.iter().filter(|s| keep(&s.bloc)) {
        let Some(side) = side(&s.source) else { continue };
        // An exclusive end on 1 January touches only the year before.
        let last = s.end.map(|e| if e.month == 1 && e.day == 1 { e.year - 1 } else { e.year });
        let fact = format!("{}/{}", s.source, crate::vocab::short_id(&s.fact).unwrap_or(&s.fact));
        spells
            .entry((s.country.clone(), s.bloc.clone()))
            .or_default()
            .entry(side)
            .or_default()
            .push(Spell { role: s.role, start: s.start.year, last, fact, quote: s.quote.clone() });
    }
    let mut covered: BTreeMap<(String, String), BTreeMap<String, (u16, u16)>> = BTreeMap::new();
    for c in history
        .coverage
        .iter()
        .filter(|c| keep(&c.bloc) && side(&c.source).as_deref() == Some(c.source.as_str()))
    {
        let pair = (c.country.clone(), c.bloc.clone());
        covered.entry(pair.clone()).or_default().insert(c.source.clone(), (c.from.year, c.to.year));
        spells.entry(pair).or_default().entry(c.source.clone()).or_default();
    }

    let mut disagreements = Vec::new();
    let mut per_bloc: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut per_pair: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for ((country, bloc), by_source) in &spells {
        for year in from..=to {
            let mut says: Vec<(Option<Role>, Saying)> = Vec::new();
            for (source, list) in by_source {
                let span = covered
                    .get(&(country.clone(), bloc.clone()))
                    .and_then(|c| c.get(source))
                    .copied()
                    .or_else(|| {
                        let first = list.iter().map(|s| s.start).min()?;
                        let last = list.iter().map(|s| s.last.unwrap_or(to)).max()?;
                        Some((first, last))
                    });
                let Some((first, last)) = span else { continue };
                if year < first || year > last {
                    continue;
                }
                let holding: Vec<&Spell> = list
                    .iter()
                    .filter(|s| s.start <= year && s.last.is_none_or(|l| l >= year))
                    .collect();
                let best = holding.iter().map(|s| s.role).max();
                let facts = holding
                    .iter()
                    .filter(|s| Some(s.role) == best)
                    .map(|s| s.fact.clone())
                    .collect();
                let quotes = holding
                    .iter()
                    .filter(|s| Some(s.role) == best)
                    .map(|s| s.quote.clone())
                    .collect();
                says.push((
                    best,
                    Saying { source: source.clone(), status: status_name(best), facts, quotes },
                ));
            }
            if says.len() < 2 {
                continue;
            }
            let statuses: BTreeSet<Option<Role>> =
                says.iter().map(|(status, _)| status.map(Role::formal)).collect();
            let entry = per_bloc.entry(bloc.clone()).or_default();
            entry.0 += 1;
            entry.1 += usize::from(statuses.len() == 1);
            for (i, (a_status, a)) in says.iter().enumerate() {
                for (b_status, b) in &says[i + 1..] {
                    let e = per_pair.entry((a.source.clone(), b.source.clone())).or_default();
                    e.0 += 1;
                    e.1 += usize::from(a_status.map(Role::formal) == b_status.map(Role::formal));
                }
            }
            if statuses.len() > 1 {
                disagreements.push(Disagreement {
                    country: country.clone(),
                    bloc: bloc.clone(),
                    year,
                    says: says.into_iter().map(|(_, saying)| saying).collect(),
                });
            }
        }
    }
    disagreements.sort_by(|a, b| (&a.bloc, &a.country, a.year).cmp(&(&b.bloc, &b.country, b.year)));
    let rate = |(n, ok): (usize, usize)| (n > 0).then(|| ok as f64 / n as f64);
    let mut rates: Vec<Rate> = per_bloc
        .into_iter()
        .map(|(b, c)| Rate {
            scope: "bloc".into(),
            name: b,
            compared: c.0,
            agreed: c.1,
            rate: rate(c),
        })
        .collect();
    rates.extend(per_pair.into_iter().map(|((a, b), c)| Rate {
        scope: "sources".into(),
        name: format!("{a} ~ {b}"),
        compared: c.0,
        agreed: c.1,
        rate: rate(c),
    }));
    Report { disagreements, rates }
}
