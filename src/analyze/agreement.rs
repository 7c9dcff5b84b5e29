//! Source agreement: year by year, what each source says about each country's status in each
//! bloc, every (country, bloc, year) where two sources disagree, and agreement rates per bloc
//! and per source pair.
//!
//! What is compared: by default each *dataset* source (one with coverage nodes, such as the COW
//! import) against `curated`, the combined view of every other source (articles and reference
//! facts together, since one reference source may give a country's first spell and another its
//! rejoining); with `--source A --source B ...`, exactly those sources, each on its own.
//!
//! Where a side speaks: a dataset over the years its coverage nodes say it codes; `curated`,
//! for a pair it has any spell of, from the bloc's first curated spell (its founding) to the
//! end of the compared years (the curated histories are complete: a day without a spell is
//! "none"); any other single source
//! from the first day of its first spell to the last day of its last (the end of the compared
//! years when open). A spell with no end from a source with a horizon stops at the horizon.
//!
//! Each side under its own coding rule, at the finest precision both sides have:
//! - a side whose spells are all stated to the year (COW) codes one status per year, "a member
//!   if a member at any point of the year": it agrees with a day-precise side when its status
//!   is one the other side states for some part of that year (so the year of a change agrees
//!   with either status, and only a status the other side never states that year disagrees);
//! - two day-precise sides are compared day by day over the days both speak on.
//!
//! `frozen` compares equal to `member` between day-precise sources (a freeze is still formal
//! membership); against a year-coded dataset it agrees with `member` or `none`, since COW has
//! no code for a suspension (it codes suspended Uzbekistan 0 from 2012).

use std::collections::{BTreeMap, BTreeSet};

use super::{num, Rows};
use crate::date::{Date, Precision};
use crate::graph::History;
use crate::model::{Role, Word};

/// The name of the combined view of every non-dataset source.
pub const CURATED: &str = "curated";

/// One membership spell as a source states it, in days (end exclusive).
#[derive(Debug, Clone)]
struct Spell {
    role: Role,
    /// As stated (its precision kept).
    start: Date,
    /// The first day after it: its stated end, or for an open spell its source's horizon's
    /// end day (`bg:untilDay`); `None` when it still holds.
    end: Option<Date>,
    fact: String,
    text: String,
}

/// What one source says about one country, bloc and year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Saying {
    pub source: String,
    /// The status as compared: one status, or the statuses of the year in order (`member, none`).
    pub status: String,
    /// The statuses with their days, when known (`member to 2009-08-17, none from 2009-08-18`),
    /// or `coded for the whole year` for a year-coded dataset.
    pub days: String,
    pub facts: Vec<String>,
    /// The facts' quotes, or their notes where a fact has no quote (`note: ...`).
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
        vec!["country", "bloc", "year", "says", "days", "facts", "quotes"]
    }

    fn cells(&self) -> Vec<String> {
        let join =
            |f: &dyn Fn(&Saying) -> String| self.says.iter().map(f).collect::<Vec<_>>().join(" | ");
        vec![
            self.country.clone(),
            self.bloc.clone(),
            self.year.to_string(),
            join(&|s| format!("{}={}", s.source, s.status)),
            join(&|s| format!("{}: {}", s.source, s.days)),
            join(&|s| format!("{}: {}", s.source, s.facts.join(" "))),
            join(&|s| format!("{}: {}", s.source, s.quotes.join(" / "))),
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

/// The report as one CSV table: a `row` column (`disagreement` or `rate`) and the columns of both.
pub fn csv_records(report: &Report) -> Vec<Vec<String>> {
    super::stacked(("disagreement", &report.disagreements), ("rate", &report.rates))
}

/// A status as shown: the role's name, or `none`.
fn status_name(status: Option<Role>) -> &'static str {
    status.map_or("none", Role::name)
}

/// The status as compared between day-precise sources: `frozen` counts as `member`
/// ([`Role::formal`]).
fn compared(status: Option<Role>) -> Option<Role> {
    status.map(Role::formal)
}

/// Does a year-coded status agree with a status a day-precise side states?
fn year_code_matches(code: Option<Role>, status: Option<Role>) -> bool {
    match status {
        // COW has no code for a suspension: a freeze agrees with member or none.
        Some(Role::Frozen) => matches!(code, Some(Role::Member | Role::Frozen) | None),
        s => s == code,
    }
}

fn day(y: u16, m: u8, d: u8) -> Date {
    Date { year: y, month: m, day: d, precision: Precision::Day }
}

#[cfg(test)]
/// The day after `d`.
fn next_day(d: Date) -> Date {
    if d.day < crate::date::days_in_month(d.year, d.month) {
        day(d.year, d.month, d.day + 1)
    } else if d.month < 12 {
        day(d.year, d.month + 1, 1)
    } else {
        day(d.year + 1, 1, 1)
    }
}

/// The day before `d`.
fn prev_day(d: Date) -> Date {
    if d.day > 1 {
        day(d.year, d.month, d.day - 1)
    } else if d.month > 1 {
        day(d.year, d.month - 1, crate::date::days_in_month(d.year, d.month - 1))
    } else {
        day(d.year - 1, 12, 31)
    }
}

/// One side's statements about a pair.
struct Side {
    spells: Vec<Spell>,
    /// First and last day it speaks on.
    speaks: (Date, Date),
    /// Every spell stated to the year: codes one status per year.
    year_coded: bool,
}

/// (from, to inclusive, status, facts) segments of a side within a year, over the days it speaks.
type Segment = (Date, Date, Option<Role>, Vec<usize>);

impl Side {
    fn segments(&self, year: u16) -> Vec<Segment> {
        let from = day(year, 1, 1).key().max(self.speaks.0.key());
        let to = day(year, 12, 31).key().min(self.speaks.1.key());
        if from > to {
            return Vec::new();
        }
        let as_date = |k: (u16, u8, u8)| day(k.0, k.1, k.2);
        let (from, to) = (as_date(from), as_date(to));
        // Change points inside the year: spell starts and ends.
        let mut points: BTreeSet<(u16, u8, u8)> = BTreeSet::new();
        points.insert(from.key());
        for s in &self.spells {
            for p in [Some(s.start.first_day()), s.end.map(Date::first_day)].into_iter().flatten() {
                if p.key() > from.key() && p.key() <= to.key() {
                    points.insert(p.key());
                }
            }
        }
        let points: Vec<Date> = points.into_iter().map(as_date).collect();
        let mut out: Vec<Segment> = Vec::new();
        for (i, start) in points.iter().enumerate() {
            let end = points.get(i + 1).map_or(to, |n| prev_day(*n));
            let holding: Vec<usize> = (0..self.spells.len())
                .filter(|&j| {
                    let s = &self.spells[j];
                    s.start.first_day().key() <= start.key()
                        && s.end.is_none_or(|e| start.key() < e.first_day().key())
                })
                .collect();
            // Several roles at once: the greatest in [`Role`]'s one ordering stands.
            let best = holding.iter().map(|&j| self.spells[j].role).max();
            let facts: Vec<usize> =
                holding.into_iter().filter(|&j| Some(self.spells[j].role) == best).collect();
            match out.last_mut() {
                Some(last) if last.2 == best => {
                    last.1 = end;
                    last.3.extend(facts);
                }
                _ => out.push((*start, end, best, facts)),
            }
        }
        out
    }
}

/// Compares every source with every other over the years `[from, to]`, for `blocs` (all when
/// empty). O(F + P·Y·S²·F) for F facts, P pairs, Y years and S sources per pair.
pub fn agreement(
    history: &History,
    blocs: &[String],
    sources: &[String],
    from: u16,
    to: u16,
) -> Report {
    let wanted: BTreeSet<&String> = blocs.iter().collect();
    let keep = |b: &String| wanted.is_empty() || wanted.contains(b);
    let datasets: BTreeSet<String> = history.coverage.iter().map(|c| c.source.clone()).collect();
    // The side a source's statements count for: itself, or the combined curated view.
    let side_of = |source: &String| -> Option<String> {
        if sources.is_empty() {
            Some(if datasets.contains(source) { source.clone() } else { CURATED.to_owned() })
        } else {
            sources.contains(source).then(|| source.clone())
        }
    };
    let end_of_range = day(to, 12, 31);

    // (country, bloc) -> side -> spells
    let mut spells: BTreeMap<(String, String), BTreeMap<String, Vec<Spell>>> = BTreeMap::new();
    for s in history.spells.iter().filter(|s| keep(&s.bloc)) {
        let Some(side) = side_of(&s.source) else { continue };
        let fact = format!("{}/{}", s.source, crate::vocab::short_id(&s.fact).unwrap_or(&s.fact));
        let text = if !s.quote.is_empty() {
            s.quote.clone()
        } else if !s.note.is_empty() {
            format!("note: {}", s.note)
        } else {
            String::new()
        };
        spells
            .entry((s.country.clone(), s.bloc.clone()))
            .or_default()
            .entry(side)
            .or_default()
            // bg:untilDay: an open spell stops at its source's horizon (right-censored).
            .push(Spell { role: s.role, start: s.start, end: s.end.or(s.until), fact, text });
    }
    // One order whatever order the store (or a remote engine) gave the facts in: by start.
    for side in spells.values_mut().flat_map(BTreeMap::values_mut) {
        side.sort_by(|a, b| {
            (a.start.first_day().key(), &a.fact).cmp(&(b.start.first_day().key(), &b.fact))
        });
    }
    let mut covered: BTreeMap<(String, String), BTreeMap<String, (u16, u16)>> = BTreeMap::new();
    for c in history
        .coverage
        .iter()
        .filter(|c| keep(&c.bloc) && side_of(&c.source).as_deref() == Some(c.source.as_str()))
    {
        let key = (c.country.clone(), c.bloc.clone());
        covered.entry(key.clone()).or_default().insert(c.source.clone(), (c.from.year, c.to.year));
        spells.entry(key).or_default().entry(c.source.clone()).or_default();
    }

    // A bloc's curated history starts with its first curated spell (its founding): before it
    // the curated side says nothing (COW's SCO, for one, codes the Shanghai Five from 1996).
    let mut founded: BTreeMap<String, Date> = BTreeMap::new();
    for ((_, bloc), by_side) in &spells {
        for s in by_side.get(CURATED).into_iter().flatten() {
            let start = s.start.first_day();
            let entry = founded.entry(bloc.clone()).or_insert(start);
            if start.key() < entry.key() {
                *entry = start;
            }
        }
    }

    let mut disagreements = Vec::new();
    let mut per_bloc: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut per_pair: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for (key, by_source) in spells {
        let (country, bloc) = key.clone();
        let sides: Vec<(String, Side)> = by_source
            .into_iter()
            .filter_map(|(source, list)| {
                let year_coded = !list.is_empty()
                    && list.iter().all(|s| {
                        s.start.precision == Precision::Year
                            && s.end.is_none_or(|e| e.precision == Precision::Year)
                    });
                let speaks = match covered.get(&key).and_then(|c| c.get(&source)) {
                    Some(&(f, l)) => (day(f, 1, 1), day(l, 12, 31)),
                    // The curated histories are complete: a year without a spell is "none".
                    None if source == CURATED && !list.is_empty() => {
                        let start = founded.get(&key.1).copied().unwrap_or(day(from, 1, 1));
                        (start, end_of_range)
                    }
                    None => {
                        let first =
                            list.iter().map(|s| s.start.first_day()).min_by_key(|d| d.key())?;
                        let last = if source == CURATED || list.iter().any(|s| s.end.is_none()) {
                            end_of_range
                        } else {
                            list.iter()
                                .filter_map(|s| s.end.map(|e| prev_day(e.first_day())))
                                .max_by_key(|d| d.key())?
                        };
                        (first, last)
                    }
                };
                let year_coded =
                    year_coded || covered.get(&key).is_some_and(|c| c.contains_key(&source));
                Some((source, Side { spells: list, speaks, year_coded }))
            })
            .collect();
        for year in from..=to {
            let segs: Vec<(usize, Vec<Segment>)> = sides
                .iter()
                .enumerate()
                .map(|(i, (_, s))| (i, s.segments(year)))
                .filter(|(_, s)| !s.is_empty())
                .collect();
            if segs.len() < 2 {
                continue;
            }
            let mut all_agree = true;
            for (x, (i, a)) in segs.iter().enumerate() {
                for (j, b) in &segs[x + 1..] {
                    let ok = agree(&sides[*i].1, a, &sides[*j].1, b);
                    all_agree &= ok;
                    let e = per_pair.entry((sides[*i].0.clone(), sides[*j].0.clone())).or_default();
                    e.0 += 1;
                    e.1 += usize::from(ok);
                }
            }
            let entry = per_bloc.entry(bloc.clone()).or_default();
            entry.0 += 1;
            entry.1 += usize::from(all_agree);
            if !all_agree {
                let says =
                    segs.iter().map(|(i, s)| saying(&sides[*i].0, &sides[*i].1, s, year)).collect();
                disagreements.push(Disagreement {
                    country: country.clone(),
                    bloc: bloc.clone(),
                    year,
                    says,
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

/// Do two sides agree on a year, each under its own coding rule?
fn agree(a: &Side, sa: &[Segment], b: &Side, sb: &[Segment]) -> bool {
    match (a.year_coded, b.year_coded) {
        (true, true) => {
            let first = |s: &[Segment]| s.first().map(|x| compared(x.2));
            first(sa) == first(sb)
        }
        (true, false) | (false, true) => {
            let (code, other) = if a.year_coded { (sa, sb) } else { (sb, sa) };
            let Some(code) = code.first().map(|x| x.2) else { return true };
            other.iter().any(|s| year_code_matches(code, s.2))
        }
        (false, false) => sa.iter().all(|x| {
            sb.iter()
                .filter(|y| x.0.key() <= y.1.key() && y.0.key() <= x.1.key())
                .all(|y| compared(x.2) == compared(y.2))
        }),
    }
}

fn saying(source: &str, side: &Side, segs: &[Segment], year: u16) -> Saying {
    let status = segs.iter().map(|s| status_name(s.2)).collect::<Vec<_>>().join(", ");
    let days = if side.year_coded {
        format!("coded for the whole of {year}")
    } else {
        segs.iter()
            .map(|&(from, to, st, _)| {
                let st = status_name(st);
                let whole_start = from.key() == (year, 1, 1);
                let whole_end = to.key() == (year, 12, 31);
                match (whole_start, whole_end) {
                    (true, true) => format!("{st} all year"),
                    (true, false) => format!("{st} to {to}"),
                    (false, true) => format!("{st} from {from}"),
                    (false, false) => format!("{st} {from} to {to}"),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    // The facts that state the year's statuses; for "none", the spells around the gap.
    let mut idx: BTreeSet<usize> = segs.iter().flat_map(|s| s.3.iter().copied()).collect();
    if segs.iter().any(|s| s.2.is_none()) {
        let y0 = day(year, 1, 1).key();
        let before = (0..side.spells.len())
            .filter(|&j| side.spells[j].end.is_some_and(|e| e.first_day().key() <= y0))
            .max_by_key(|&j| side.spells[j].end.map(|e| e.first_day().key()));
        let after = (0..side.spells.len())
            .filter(|&j| side.spells[j].start.first_day().key() > y0)
            .min_by_key(|&j| side.spells[j].start.first_day().key());
        idx.extend(before);
        idx.extend(after);
        // A spell ending within the year also bounds its "none".
        idx.extend(
            (0..side.spells.len())
                .filter(|&j| side.spells[j].end.is_some_and(|e| e.first_day().year == year)),
        );
    }
    let facts: Vec<String> = idx.iter().map(|&j| side.spells[j].fact.clone()).collect();
    let quotes: Vec<String> = idx
        .iter()
        .map(|&j| side.spells[j].text.clone())
        .filter(|t| !t.is_empty())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Saying { source: source.to_owned(), status, days, facts, quotes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_step_over_month_and_year_ends() {
        assert_eq!(next_day(day(2024, 2, 28)).to_string(), "2024-02-29");
        assert_eq!(next_day(day(2014, 12, 31)).to_string(), "2015-01-01");
        assert_eq!(prev_day(day(2009, 1, 1)).to_string(), "2008-12-31");
        assert_eq!(prev_day(day(2009, 3, 1)).to_string(), "2009-02-28");
    }

    #[test]
    fn a_year_code_agrees_with_any_status_of_the_year() {
        assert!(year_code_matches(None, None));
        assert!(year_code_matches(Some(Role::Member), Some(Role::Frozen)));
        assert!(year_code_matches(None, Some(Role::Frozen)));
        assert!(!year_code_matches(Some(Role::Associate), Some(Role::Member)));
    }
}
