//! ATOP against the blocs in the store (`analyze agreement --with atop`): for every pair of
//! post-Soviet states and every year ATOP covers, does ATOP's defense obligation agree with the
//! defense blocs (CSTO and NATO by default, `--bloc` to choose) both states belong to?
//!
//! * Two states that are both members (role `member`, at some point in the year, the way ATOP
//!   and COW code years) of a defense bloc should share an ATOP defense obligation that year.
//! * An ATOP defense obligation between two post-Soviet states should have a defense bloc or a
//!   treaty behind it in the store: an `agreement` event between the two dated in or before the
//!   year counts as a treaty.
//!
//! A dyad-year is compared when the year lies between ATOP's first start year and its horizon
//! and both states are entities; ATOP's post-Soviet extract holds every dyad with a post-Soviet
//! state, so a missing pair-year there is "no obligation", not unknown. Membership facts count
//! within their source's reach, as in the panels (`graph::yearly`).

use std::collections::{BTreeMap, BTreeSet};

use super::{num, Rows};
use crate::error::AnalyzeError;
use crate::graph::yearly::{Data, Rule};

/// The fifteen post-Soviet states.
pub const POST_SOVIET: [&str; 15] = [
    "ARM", "AZE", "BLR", "EST", "GEO", "KAZ", "KGZ", "LTU", "LVA", "MDA", "RUS", "TJK", "TKM",
    "UKR", "UZB",
];

/// The blocs whose members owe each other defense, by default.
pub const DEFENSE_BLOCS: [&str; 2] = ["CSTO", "NATO"];

/// One dyad-year where ATOP and the blocs disagree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Difference {
    pub country: String,
    pub partner: String,
    pub year: u16,
    /// `bloc-without-atop-defense` or `atop-defense-without-bloc`.
    pub kind: String,
    /// What ATOP says: `defense=1` or `defense=0`, and the other kinds it codes.
    pub atop: String,
    /// What the store's blocs say: the defense blocs both are members of, or `none` (with the
    /// other blocs both are members of, if any).
    pub blocs: String,
    /// The membership facts behind `blocs` (source/fact).
    pub facts: String,
    /// Their quotes, where there are any.
    pub quotes: String,
}

impl Rows for Difference {
    fn header() -> Vec<&'static str> {
        vec!["country", "partner", "year", "kind", "atop", "blocs", "facts", "quotes"]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.country.clone(),
            self.partner.clone(),
            self.year.to_string(),
            self.kind.clone(),
            self.atop.clone(),
            self.blocs.clone(),
            self.facts.clone(),
            self.quotes.clone(),
        ]
    }
}

/// Agreement counts.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Rate {
    pub scope: String,
    pub compared: usize,
    pub agreed: usize,
    pub rate: Option<f64>,
}

impl Rows for Rate {
    fn header() -> Vec<&'static str> {
        vec!["scope", "compared", "agreed", "rate"]
    }

    fn cells(&self) -> Vec<String> {
        vec![self.scope.clone(), self.compared.to_string(), self.agreed.to_string(), num(self.rate)]
    }
}

/// A run of consecutive years of one kind of difference for one pair.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Run {
    pub country: String,
    pub partner: String,
    pub kind: String,
    pub first: u16,
    pub last: u16,
    pub years: u16,
    /// What the blocs say over the run, `A -> B` where it changes.
    pub blocs: String,
}

impl Rows for Run {
    fn header() -> Vec<&'static str> {
        vec!["country", "partner", "kind", "first", "last", "years", "blocs"]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.country.clone(),
            self.partner.clone(),
            self.kind.clone(),
            self.first.to_string(),
            self.last.to_string(),
            self.years.to_string(),
            self.blocs.clone(),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    pub differences: Vec<Difference>,
    /// The differences as runs, longest first.
    pub runs: Vec<Run>,
    pub rates: Vec<Rate>,
}

/// Compares ATOP's defense obligations with the defense blocs over `[from, to]`.
pub fn compare(
    data: &Data,
    defense_blocs: &[String],
    from: u16,
    to: u16,
) -> Result<Report, AnalyzeError> {
    let sources = data.obligation_sources();
    let Some((&atop, &(first, horizon, _))) =
        sources.iter().find(|(s, _)| s.starts_with("atop")).or_else(|| sources.iter().next())
    else {
        return Err(AnalyzeError::Usage(
            "--with atop: the store has no alliance obligations; import them first with `blocgraph import --format atop-ddy FILE`".into(),
        ));
    };
    let from = from.max(first);
    let to = horizon.map_or(to, |h| to.min(h));
    let blocs: Vec<String> = if defense_blocs.is_empty() {
        DEFENSE_BLOCS.iter().map(|b| (*b).to_owned()).collect()
    } else {
        defense_blocs.to_vec()
    };
    let treaties = &data.treaties;
    let states: Vec<&str> = POST_SOVIET.iter().copied().filter(|s| data.has_country(s)).collect();
    let mut differences = Vec::new();
    let (mut n, mut ok) = (0usize, 0usize);
    let (mut bloc_n, mut bloc_ok) = (0usize, 0usize);
    let (mut atop_n, mut atop_ok) = (0usize, 0usize);
    for year in from..=to {
        // (country -> [(bloc, source, fact, quote)]) of the defense blocs' members this year.
        let mut members: BTreeMap<&str, Vec<(String, String, String, String)>> = BTreeMap::new();
        for bloc in &blocs {
            for (c, src, fact, quote) in data.members(bloc, year, Rule::AnyTime) {
                members.entry(c).or_default().push((
                    bloc.clone(),
                    src.to_owned(),
                    fact.to_owned(),
                    quote.to_owned(),
                ));
            }
        }
        // The other blocs' members, to say what the two do share when no defense bloc.
        let mut other_blocs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for bloc in data.blocs.iter().filter(|b| !blocs.contains(b)) {
            for (c, ..) in data.members(bloc, year, Rule::AnyTime) {
                other_blocs.entry(c).or_default().insert(bloc.as_str());
            }
        }
        for (i, &a) in states.iter().enumerate() {
            for &b in &states[i + 1..] {
                let kinds = data.obligations_in(a, b, year);
                let atop_defense = kinds.iter().any(|(k, s)| *k == "defense" && *s == atop);
                let empty = Vec::new();
                let (ma, mb) = (members.get(a).unwrap_or(&empty), members.get(b).unwrap_or(&empty));
                let shared: BTreeSet<&str> = ma
                    .iter()
                    .map(|m| m.0.as_str())
                    .filter(|bl| mb.iter().any(|m| m.0 == *bl))
                    .collect();
                let treaty = treaties
                    .iter()
                    .any(|(x, y, ty)| ((x == a && y == b) || (x == b && y == a)) && *ty <= year);
                n += 1;
                let agreed = if shared.is_empty() { !atop_defense || treaty } else { atop_defense };
                if !shared.is_empty() {
                    bloc_n += 1;
                    bloc_ok += usize::from(atop_defense);
                }
                if atop_defense {
                    atop_n += 1;
                    atop_ok += usize::from(!shared.is_empty() || treaty);
                }
                if agreed {
                    ok += 1;
                    continue;
                }
                let mut other: Vec<&str> = kinds
                    .iter()
                    .filter(|(k, s)| *k != "defense" && *s == atop)
                    .map(|(k, _)| *k)
                    .collect();
                other.sort_unstable();
                other.dedup();
                let atop_text = format!(
                    "defense={}{}",
                    u8::from(atop_defense),
                    if other.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", other.join(", "))
                    }
                );
                let behind: Vec<&(String, String, String, String)> =
                    ma.iter().chain(mb).filter(|m| shared.contains(m.0.as_str())).collect();
                let facts: BTreeSet<String> =
                    behind.iter().map(|m| format!("{}/{}", m.1, m.2)).collect();
                let quotes: BTreeSet<&str> =
                    behind.iter().map(|m| m.3.as_str()).filter(|q| !q.is_empty()).collect();
                differences.push(Difference {
                    country: a.to_owned(),
                    partner: b.to_owned(),
                    year,
                    kind: if shared.is_empty() {
                        "atop-defense-without-bloc".into()
                    } else {
                        "bloc-without-atop-defense".into()
                    },
                    atop: atop_text,
                    blocs: if shared.is_empty() {
                        let empty = BTreeSet::new();
                        let (oa, ob) = (
                            other_blocs.get(a).unwrap_or(&empty),
                            other_blocs.get(b).unwrap_or(&empty),
                        );
                        let both: Vec<&str> = oa.intersection(ob).copied().collect();
                        if both.is_empty() {
                            "none".into()
                        } else {
                            format!("none (both members of {})", both.join(";"))
                        }
                    } else {
                        shared.iter().copied().collect::<Vec<_>>().join(";")
                    },
                    facts: facts.into_iter().collect::<Vec<_>>().join(" "),
                    quotes: quotes.into_iter().collect::<Vec<_>>().join(" / "),
                });
            }
        }
    }
    differences
        .sort_by(|x, y| (&x.country, &x.partner, x.year).cmp(&(&y.country, &y.partner, y.year)));
    let runs = runs(&differences);
    let rate = |n: usize, ok: usize| (n > 0).then(|| ok as f64 / n as f64);
    let rates = vec![
        Rate {
            scope: format!("post-Soviet dyad-years {from}-{to}"),
            compared: n,
            agreed: ok,
            rate: rate(n, ok),
        },
        Rate {
            scope: format!("co-members of {} with an ATOP defense obligation", blocs.join("/")),
            compared: bloc_n,
            agreed: bloc_ok,
            rate: rate(bloc_n, bloc_ok),
        },
        Rate {
            scope: "ATOP defense obligations with a bloc or treaty behind them".into(),
            compared: atop_n,
            agreed: atop_ok,
            rate: rate(atop_n, atop_ok),
        },
    ];
    Ok(Report { differences, runs, rates })
}

/// Consecutive years of the same pair and kind, longest first; `blocs` lists what the store
/// says in order (`A -> B` when it changes within the run).
fn runs(differences: &[Difference]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for d in differences {
        match out.last_mut() {
            Some(r)
                if r.country == d.country
                    && r.partner == d.partner
                    && r.kind == d.kind
                    && r.last + 1 == d.year =>
            {
                r.last = d.year;
                r.years += 1;
                if r.blocs.rsplit(" -> ").next().is_none_or(|last| last != d.blocs) {
                    r.blocs = format!("{} -> {}", r.blocs, d.blocs);
                }
            }
            _ => out.push(Run {
                country: d.country.clone(),
                partner: d.partner.clone(),
                kind: d.kind.clone(),
                first: d.year,
                last: d.year,
                years: 1,
                blocs: d.blocs.clone(),
            }),
        }
    }
    out.sort_by(|a, b| {
        b.years
            .cmp(&a.years)
            .then_with(|| (&a.country, &a.partner, a.first).cmp(&(&b.country, &b.partner, b.first)))
    });
    out
}
