//! `export panel`: tidy country-year and dyad-year CSV for R and Stata.
//!
//! The rules (docs/panel.md says them for users; `tests/oracle/panel_check.py` recomputes every
//! cell from `export rdf` by the same rules, independently):
//!
//! * Sources are **datasets** when they have a `bg:horizon` or `bg:Coverage` records (COW IGO,
//!   ATOP); the others are **curated** (articles and references). The curated horizon `H` is
//!   the latest `dcterms:issued` year of any curated source: curated facts say nothing after it.
//! * A membership fact **holds** in year Y, by rule `end-of-year`, when it holds on 31 December
//!   (start day <= Y-12-31 < end day), by rule `any-time` when it holds on some day of Y
//!   (start day <= Y-12-31 and end day > Y-01-01); no end day means it holds on. It counts only
//!   within its source's reach: a curated fact up to `H`; a dataset fact within a `bg:Coverage`
//!   span of its source for that country and bloc (when the source has any) and up to its
//!   source's `bg:horizon` year (when it has one).
//! * Country-year, one column per bloc: the strongest role among the counting facts that hold
//!   (frozen > member > associate > observer > applicant); `none` when no fact holds but the cell
//!   is covered: by a coverage span of a dataset, or by the curated record of the bloc (Y from
//!   the first start year of any curated membership of the bloc up to `H`); else empty (NA).
//! * Events: `events_neg`, `events_neu`, `events_pos` count the events of year Y (by their date's
//!   year) with the country as actor or target (dyad: one as actor, the other as target; with
//!   `--directed`, `a` the actor); `net_polarity` (dyad) their summed polarity. Covered (0 is
//!   a count) from the first to the last year of any event in the store; NA outside.
//! * Trade: `trade_usd` sums the figures whose period starts and ends in year Y (the lower value
//!   of a range or at-least figure) with the country as reporter (dyad: `a` reporting trade with
//!   `b`; undirected: the larger of the two directions' sums). NA when there is no such figure.
//! * Dyad-year: `shared_blocs` counts the blocs both states are members of (role `member`) among
//!   the blocs whose cells are covered for both; NA when none is. `shared_list` names them.
//!   One column per ATOP obligation kind (`atop_defense` ...): 1 when an obligation of that kind
//!   holds in Y (start year <= Y < end year), 0 when the pair is covered: the pair has some
//!   obligation from the source and Y lies between the first start year of any obligation of
//!   the source and its horizon; else NA.
//! * Codes are those of the year: `cow` and `gw` from the COW state with that id in the system
//!   in Y (COW 260 for Germany before 1990), else its current one.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

/// Why a panel was not written: a bad year range, or the writer failed.
#[derive(Debug, thiserror::Error)]
pub enum PanelError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Write(#[from] std::io::Error),
}

pub use crate::graph::yearly::{load, Data, Rule};

/// The unit of a panel row (`--unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Unit {
    CountryYear,
    DyadYear,
}

/// Key code columns (`--codes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Code {
    Iso3,
    Cow,
    Gw,
}

impl Code {
    fn name(self) -> &'static str {
        match self {
            Self::Iso3 => "iso3",
            Self::Cow => "cow",
            Self::Gw => "gw",
        }
    }
}

/// What to write.
#[derive(Debug, Clone)]
pub struct Options {
    pub unit: Unit,
    pub from: Option<u16>,
    pub to: Option<u16>,
    pub rule: Rule,
    pub directed: bool,
    pub codes: Vec<Code>,
}

fn code_cells(codes: &[Code], id: &str, year: u16) -> Vec<String> {
    let row = crate::codes::table().for_year(id, year);
    codes
        .iter()
        .map(|c| match c {
            Code::Iso3 => id.to_owned(),
            Code::Cow => row.map(|r| r.cow.to_string()).unwrap_or_default(),
            Code::Gw => row.and_then(|r| r.gw).map(|g| g.to_string()).unwrap_or_default(),
        })
        .collect()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The obligation kinds as panel columns, in ATOP's order.
const KINDS: [(&str, &str); 5] = [
    ("defense", "atop_defense"),
    ("offense", "atop_offense"),
    ("neutrality", "atop_neutral"),
    ("nonaggression", "atop_nonagg"),
    ("consultation", "atop_consul"),
];

/// Writes the panel as CSV.
pub fn write(data: &Data, options: &Options, out: &mut dyn Write) -> Result<(), PanelError> {
    let from = options.from.unwrap_or(1991);
    let to = options.to.unwrap_or_else(|| data.default_to());
    if to < from {
        return Err(PanelError::Usage(format!("--to {to} is before --from {from}")));
    }
    let years: Vec<u16> = (from..=to).collect();
    let cells = data.role_cells(options.rule, &years);
    let event_years = data.event_years();
    let events_covered = |y: u16| event_years.is_some_and(|(a, b)| a <= y && y <= b);
    let mut w = csv::Writer::from_writer(out);
    let failed = |e: csv::Error| PanelError::Write(std::io::Error::other(e.to_string()));
    match options.unit {
        Unit::CountryYear => {
            let mut header = vec!["year".to_owned()];
            header.extend(options.codes.iter().map(|c| c.name().to_owned()));
            header.extend(data.blocs.iter().cloned());
            header
                .extend(["events_neg", "events_neu", "events_pos", "trade_usd"].map(str::to_owned));
            w.write_record(&header).map_err(failed)?;
            for c in &data.countries {
                for &y in &years {
                    let mut row = vec![y.to_string()];
                    row.extend(code_cells(&options.codes, c, y));
                    for b in &data.blocs {
                        row.push(
                            cells.get(&(c.clone(), b.clone(), y)).cloned().unwrap_or_default(),
                        );
                    }
                    let mut counts = [0u32; 3];
                    for (ey, a, t, p) in &data.events {
                        if *ey == y && (a == c || t.as_deref() == Some(c.as_str())) {
                            counts[(p.signum() + 1) as usize] += 1;
                        }
                    }
                    for n in counts {
                        row.push(if events_covered(y) { n.to_string() } else { String::new() });
                    }
                    let figures: Vec<f64> = data
                        .trade
                        .iter()
                        .filter(|(ty, r, _, _)| *ty == y && r == c)
                        .map(|t| t.3)
                        .collect();
                    row.push(if figures.is_empty() {
                        String::new()
                    } else {
                        format_usd(figures.iter().sum())
                    });
                    w.write_record(&row).map_err(failed)?;
                }
            }
        }
        Unit::DyadYear => {
            let mut header = vec!["year".to_owned()];
            for side in ["a", "b"] {
                header.extend(options.codes.iter().map(|c| format!("{}_{side}", c.name())));
            }
            header.extend(["shared_blocs", "shared_list"].map(str::to_owned));
            header.extend(KINDS.iter().map(|k| k.1.to_owned()));
            header.extend(
                ["events_neg", "events_neu", "events_pos", "net_polarity", "trade_usd"]
                    .map(str::to_owned),
            );
            w.write_record(&header).map_err(failed)?;
            // ATOP coverage: pairs with any obligation of a source, from its first start year to its horizon.
            let mut covered_pairs: BTreeMap<(&str, &str), Vec<(u16, u16)>> = BTreeMap::new();
            for o in &data.obligations {
                let first = data
                    .obligations
                    .iter()
                    .filter(|x| x.source == o.source)
                    .map(|x| x.start)
                    .min()
                    .unwrap_or(o.start);
                let last = data.horizons.get(&o.source).copied().unwrap_or(u16::MAX);
                covered_pairs.entry((o.a.as_str(), o.b.as_str())).or_default().push((first, last));
            }
            let mut holding: HashMap<(&str, &str, &str, u16), bool> = HashMap::new();
            for o in &data.obligations {
                let last = o.end.map_or_else(
                    || data.horizons.get(&o.source).copied().unwrap_or(u16::MAX),
                    |e| e - 1,
                );
                for &y in &years {
                    if o.start <= y && y <= last {
                        holding.insert((o.a.as_str(), o.b.as_str(), o.kind.as_str(), y), true);
                    }
                }
            }
            for (i, a) in data.countries.iter().enumerate() {
                for (j, b) in data.countries.iter().enumerate() {
                    if i == j || (!options.directed && j < i) {
                        continue;
                    }
                    let pair =
                        if a < b { (a.as_str(), b.as_str()) } else { (b.as_str(), a.as_str()) };
                    for &y in &years {
                        let mut row = vec![y.to_string()];
                        row.extend(code_cells(&options.codes, a, y));
                        row.extend(code_cells(&options.codes, b, y));
                        let mut any = false;
                        let mut shared = Vec::new();
                        for bloc in &data.blocs {
                            let ca = cells.get(&(a.clone(), bloc.clone(), y));
                            let cb = cells.get(&(b.clone(), bloc.clone(), y));
                            if let (Some(ca), Some(cb)) = (ca, cb) {
                                any = true;
                                if ca == "member" && cb == "member" {
                                    shared.push(bloc.as_str());
                                }
                            }
                        }
                        row.push(if any { shared.len().to_string() } else { String::new() });
                        row.push(if any { shared.join(";") } else { String::new() });
                        let covered = covered_pairs
                            .get(&pair)
                            .is_some_and(|spans| spans.iter().any(|&(f, t)| f <= y && y <= t));
                        for (kind, _) in KINDS {
                            row.push(if holding.contains_key(&(pair.0, pair.1, kind, y)) {
                                "1".to_owned()
                            } else if covered {
                                "0".to_owned()
                            } else {
                                String::new()
                            });
                        }
                        let mut counts = [0u32; 3];
                        let mut net = 0i64;
                        for (ey, actor, target, p) in &data.events {
                            let Some(target) = target else { continue };
                            let forward = actor == a && target == b;
                            let backward = actor == b && target == a;
                            if *ey == y && (forward || (!options.directed && backward)) {
                                counts[(p.signum() + 1) as usize] += 1;
                                net += p;
                            }
                        }
                        for n in counts {
                            row.push(if events_covered(y) { n.to_string() } else { String::new() });
                        }
                        row.push(if events_covered(y) { net.to_string() } else { String::new() });
                        let sum = |r: &str, p: &str| -> Option<f64> {
                            let v: Vec<f64> = data
                                .trade
                                .iter()
                                .filter(|(ty, tr, tp, _)| *ty == y && tr == r && tp == p)
                                .map(|t| t.3)
                                .collect();
                            (!v.is_empty()).then(|| v.iter().sum())
                        };
                        let trade = if options.directed {
                            sum(a, b)
                        } else {
                            match (sum(a, b), sum(b, a)) {
                                (Some(x), Some(z)) => Some(x.max(z)),
                                (x, z) => x.or(z),
                            }
                        };
                        row.push(opt(trade.map(format_usd)));
                        w.write_record(&row).map_err(failed)?;
                    }
                }
            }
        }
    }
    w.flush()?;
    Ok(())
}

/// US dollars as a plain number: no exponent, no trailing `.0`.
fn format_usd(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e18 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
