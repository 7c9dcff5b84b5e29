//! Bloc cohesion: a composite index in [0, 1] of four components that each mean something on
//! their own (retention, event polarity, structural balance, intra-bloc trade share), with
//! the evidence beside every figure, an interval for each and a leave-one-source-out check.
//! The formula, the rules, the evidence threshold and the sensitivity are in `docs/cohesion.md`.
//!
//! Every figure is computed on the full view: a bloc's figures never depend on which blocs
//! are asked for.

use std::collections::{BTreeMap, BTreeSet};

use super::{num, Rows};
use crate::graph::view::{Departure, EventClaim, TradeClaim};
use crate::graph::View;
use crate::model::EntityKind;

/// Weights of the components in the composite; missing components are left out and the
/// remaining weights renormalised.
pub const WEIGHTS: [(&str, f64); 4] =
    [("retention", 0.4), ("polarity", 0.3), ("balance", 0.2), ("trade_share", 0.1)];

/// The evidence a composite needs: this many distinct event claims among the bloc's circle…
pub const MIN_EVENTS: usize = 5;
/// …stated by at least this many distinct sources.
pub const MIN_EVENT_SOURCES: usize = 2;
/// Bootstrap replicates for the intervals.
pub const REPLICATES: usize = 1000;
/// The bootstrap's fixed seed: the same store gives the same intervals.
pub const SEED: u64 = 0x0B10_C6A4_C0E5_1017;
/// `as_of_basis` when no date was given.
pub const NEWEST_FACT: &str = "newest fact in the store";
/// z for a 95% interval.
const Z: f64 = 1.959_963_984_540_054;

/// The cohesion of one bloc on one date.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Cohesion {
    pub bloc: String,
    /// The bloc's label, for charts.
    pub label: String,
    pub as_of: String,
    /// How the date was chosen: `given` (--as-of, --from/--to) or `newest fact in the store`.
    pub as_of_basis: String,
    pub window_start: String,
    /// Members and associates on the date (frozen members are not counted: they do not take part).
    pub members: usize,
    /// The countries retention is measured on: members and associates on the date plus those
    /// that exited, froze or announced a withdrawal in the window.
    pub counted: usize,
    pub retained: usize,
    pub member_list: Vec<String>,
    /// Departures in the window (exit, freeze, announced withdrawal), with their dates and sources.
    pub departures: Vec<Departure>,
    /// `retained / counted`, with its Wilson 95% interval.
    pub retention: Option<f64>,
    pub retention_low: Option<f64>,
    pub retention_high: Option<f64>,
    /// (mean polarity + 1) / 2 over the window's event claims within the circle.
    pub polarity: Option<f64>,
    pub polarity_low: Option<f64>,
    pub polarity_high: Option<f64>,
    /// Distinct event claims counted, and how many were friction (-1) and cooperation (+1).
    pub events: u32,
    pub friction: u32,
    pub cooperation: u32,
    /// Distinct sources of those events; the source that states most of them and how many.
    pub event_sources: usize,
    pub top_source: String,
    pub top_source_events: usize,
    /// Share of balanced triads in the signed graph of the circle (Cartwright & Harary 1956).
    pub balance: Option<f64>,
    pub balance_low: Option<f64>,
    pub balance_high: Option<f64>,
    pub triads: usize,
    pub balanced_triads: usize,
    /// Intra-bloc share, by value, of the observed bilateral trade figures with a member on one side.
    pub trade_share: Option<f64>,
    pub trade_share_low: Option<f64>,
    pub trade_share_high: Option<f64>,
    pub trade_figures: usize,
    /// The weighted mean of the available components, only above the evidence threshold.
    pub cohesion: Option<f64>,
    pub cohesion_low: Option<f64>,
    pub cohesion_high: Option<f64>,
    /// Why `cohesion` is empty (empty when it is not).
    pub reason: String,
    /// How many of the four components had data.
    pub components: usize,
    /// The composite without each source in turn: lowest, highest, and the source whose
    /// removal moves it most (with the value, or "not enough evidence").
    pub loso_low: Option<f64>,
    pub loso_high: Option<f64>,
    pub loso_most: String,
    /// The signed edges the balance was computed on: (a, b, sign).
    pub signed_edges: Vec<(String, String, i8)>,
}

impl Rows for Cohesion {
    fn header() -> Vec<&'static str> {
        vec![
            "bloc",
            "as_of",
            "as_of_basis",
            "window_start",
            "members",
            "cohesion",
            "cohesion_low",
            "cohesion_high",
            "reason",
            "components",
            "retention",
            "retention_low",
            "retention_high",
            "counted",
            "retained",
            "polarity",
            "polarity_low",
            "polarity_high",
            "events",
            "friction",
            "cooperation",
            "event_sources",
            "top_source",
            "top_source_events",
            "balance",
            "balance_low",
            "balance_high",
            "triads",
            "trade_share",
            "trade_share_low",
            "trade_share_high",
            "trade_figures",
            "loso_low",
            "loso_high",
            "loso_most",
            "member_list",
            "departures",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.bloc.clone(),
            self.as_of.clone(),
            self.as_of_basis.clone(),
            self.window_start.clone(),
            self.members.to_string(),
            num(self.cohesion),
            num(self.cohesion_low),
            num(self.cohesion_high),
            self.reason.clone(),
            self.components.to_string(),
            num(self.retention),
            num(self.retention_low),
            num(self.retention_high),
            self.counted.to_string(),
            self.retained.to_string(),
            num(self.polarity),
            num(self.polarity_low),
            num(self.polarity_high),
            self.events.to_string(),
            self.friction.to_string(),
            self.cooperation.to_string(),
            self.event_sources.to_string(),
            self.top_source.clone(),
            self.top_source_events.to_string(),
            num(self.balance),
            num(self.balance_low),
            num(self.balance_high),
            self.triads.to_string(),
            num(self.trade_share),
            num(self.trade_share_low),
            num(self.trade_share_high),
            self.trade_figures.to_string(),
            num(self.loso_low),
            num(self.loso_high),
            self.loso_most.clone(),
            self.member_list.join("|"),
            self.departures
                .iter()
                .map(|d| format!("{} {} {}", d.country, d.kind.name(), d.date))
                .collect::<Vec<_>>()
                .join("|"),
        ]
    }
}

/// The composite: Σ wᵢ·cᵢ / Σ wᵢ over the components present (`None` when none is).
pub fn composite(components: &[Option<f64>; 4]) -> Option<f64> {
    let (mut sum, mut weight) = (0.0, 0.0);
    for (c, (_, w)) in components.iter().zip(WEIGHTS) {
        if let Some(c) = c {
            sum += w * c;
            weight += w;
        }
    }
    (weight > 0.0).then(|| sum / weight)
}

/// The Wilson score interval (95%) for `k` successes in `n` trials.
pub fn wilson(k: usize, n: usize) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// SplitMix64: a small, fixed, well-known generator (Steele, Lea and Flood 2014), so the
/// intervals are the same on every machine.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0), by rejection so there is no modulo bias.
    fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return (x % n) as usize;
            }
        }
    }

    fn resample<'a, T>(&mut self, items: &[&'a T]) -> Vec<&'a T> {
        (0..items.len()).map(|_| items[self.below(items.len())]).collect()
    }
}

/// What a bloc's figures are computed from.
struct Evidence<'a> {
    bloc: String,
    /// Members and associates on the date.
    holders: BTreeSet<String>,
    /// Departed in the window.
    departed: BTreeSet<String>,
    /// holders ∪ departed.
    counted: BTreeSet<String>,
    events: Vec<&'a EventClaim>,
    trade: Vec<&'a TradeClaim>,
}

impl Evidence<'_> {
    fn circle(&self) -> BTreeSet<String> {
        let mut c = self.counted.clone();
        c.insert(self.bloc.clone());
        c
    }
}

/// The evidence for `bloc`, without the claims `exclude` is the only source of.
fn evidence<'a>(view: &'a View, bloc: &str, exclude: Option<&str>) -> Evidence<'a> {
    let holders: BTreeSet<String> =
        view.members(bloc).into_iter().filter(|(_, r)| r.takes_part()).map(|(c, _)| c).collect();
    let departed: BTreeSet<String> = view.departures.get(bloc).cloned().unwrap_or_default();
    let counted: BTreeSet<String> = holders.union(&departed).cloned().collect();
    let mut circle = counted.clone();
    circle.insert(bloc.to_owned());
    let kept = |sources: &[String]| exclude.is_none_or(|x| sources.iter().any(|s| s != x));
    let events = view
        .events
        .iter()
        .filter(|e| kept(&e.sources))
        .filter(|e| {
            e.counterpart()
                .is_some_and(|t| t != e.actor && circle.contains(t) && circle.contains(&e.actor))
        })
        .collect();
    let is_country =
        |id: &str| view.index.get(id).is_some_and(|&i| view.graph[i].kind == EntityKind::Country);
    // The latest observed bilateral figure per pair (view.trade is newest first).
    let mut pairs = BTreeSet::new();
    let trade = view
        .trade
        .iter()
        .filter(|t| !t.is_forecast() && kept(&t.sources))
        .filter(|t| is_country(&t.reporter) && is_country(&t.partner))
        .filter(|t| counted.contains(&t.reporter) || counted.contains(&t.partner))
        .filter(|t| {
            let pair = if t.reporter < t.partner {
                (t.reporter.clone(), t.partner.clone())
            } else {
                (t.partner.clone(), t.reporter.clone())
            };
            pairs.insert(pair)
        })
        .collect();
    Evidence { bloc: bloc.to_owned(), holders, departed, counted, events, trade }
}

/// The four components from a (possibly resampled) set of evidence.
struct Figures {
    retention: Option<f64>,
    polarity: Option<f64>,
    balance: Option<f64>,
    triads: usize,
    balanced: usize,
    trade_share: Option<f64>,
    signs: BTreeMap<(String, String), i8>,
}

impl Figures {
    fn parts(&self) -> [Option<f64>; 4] {
        [self.retention, self.polarity, self.balance, self.trade_share]
    }
}

fn figures(
    ev: &Evidence<'_>,
    retained_flags: &[bool],
    events: &[&EventClaim],
    trade: &[&TradeClaim],
) -> Figures {
    let retention = (!retained_flags.is_empty()).then(|| {
        retained_flags.iter().filter(|r| **r).count() as f64 / retained_flags.len() as f64
    });
    let polarity = (!events.is_empty()).then(|| {
        let sum: i64 = events.iter().map(|e| i64::from(e.polarity)).sum();
        (sum as f64 / events.len() as f64 + 1.0) / 2.0
    });
    let (mut inside, mut all) = (0.0, 0.0);
    for t in trade {
        all += t.value_usd;
        if ev.counted.contains(&t.reporter) && ev.counted.contains(&t.partner) {
            inside += t.value_usd;
        }
    }
    let trade_share = (all > 0.0).then(|| inside / all);

    // The signed graph: holders tied to the bloc (+1), departed members (-1); the sign of the
    // net polarity of a pair's events (both directions) overrides the tie; a net 0 adds nothing.
    let mut signs: BTreeMap<(String, String), i8> = BTreeMap::new();
    for c in &ev.holders {
        signs.insert(pair(c, &ev.bloc), 1);
    }
    for c in &ev.departed {
        signs.insert(pair(c, &ev.bloc), -1);
    }
    let mut net: BTreeMap<(String, String), i64> = BTreeMap::new();
    for e in events {
        if let Some(t) = e.counterpart() {
            *net.entry(pair(&e.actor, t)).or_default() += i64::from(e.polarity);
        }
    }
    for (p, n) in net {
        if n != 0 {
            signs.insert(p, n.signum() as i8);
        }
    }
    let circle: Vec<String> = ev.circle().into_iter().collect();
    let (mut triads, mut balanced) = (0, 0);
    for i in 0..circle.len() {
        for j in i + 1..circle.len() {
            let Some(&sij) = signs.get(&pair(&circle[i], &circle[j])) else { continue };
            for k in j + 1..circle.len() {
                if let (Some(&sik), Some(&sjk)) = (
                    signs.get(&pair(&circle[i], &circle[k])),
                    signs.get(&pair(&circle[j], &circle[k])),
                ) {
                    triads += 1;
                    if sij * sik * sjk > 0 {
                        balanced += 1;
                    }
                }
            }
        }
    }
    let balance = (triads > 0).then(|| balanced as f64 / triads as f64);
    Figures { retention, polarity, balance, triads, balanced, trade_share, signs }
}

fn retained_flags(ev: &Evidence<'_>) -> Vec<bool> {
    ev.counted.iter().map(|c| ev.holders.contains(c) && !ev.departed.contains(c)).collect()
}

/// Why the evidence is too thin for a composite, if it is.
fn shortfall(ev: &Evidence<'_>) -> Option<String> {
    let sources: BTreeSet<&String> = ev.events.iter().flat_map(|e| &e.sources).collect();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if ev.counted.is_empty() {
        Some("no members on the date".into())
    } else if ev.events.len() < MIN_EVENTS {
        Some(format!(
            "not enough evidence: {} in the window (needs {MIN_EVENTS})",
            plural(ev.events.len(), "event", "events")
        ))
    } else if sources.len() < MIN_EVENT_SOURCES {
        Some(format!(
            "not enough evidence: events from {} (needs {MIN_EVENT_SOURCES})",
            plural(sources.len(), "source", "sources")
        ))
    } else {
        None
    }
}

/// The 2.5% and 97.5% percentiles of a sample.
fn percentiles(mut xs: Vec<f64>) -> Option<(f64, f64)> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let at = |q: f64| xs[((q * (xs.len() - 1) as f64).round() as usize).min(xs.len() - 1)];
    Some((at(0.025), at(0.975)))
}

/// Cohesion of `bloc` on the view's date. O(S · (E + M³)) for S sources, E events and M
/// counted members, plus the bootstrap's [`REPLICATES`] recomputations.
pub fn cohesion(view: &View, bloc: &str) -> Cohesion {
    let ev = evidence(view, bloc, None);
    let flags = retained_flags(&ev);
    let point = figures(&ev, &flags, &ev.events, &ev.trade);
    let reason = shortfall(&ev);
    let parts = point.parts();
    let cohesion = if reason.is_none() { composite(&parts) } else { None };

    // Bootstrap: members, events and trade figures each resampled with replacement.
    let mut rng = SplitMix(SEED);
    let members: Vec<&bool> = flags.iter().collect();
    let mut samples: [Vec<f64>; 4] = Default::default();
    let mut composites = Vec::new();
    for _ in 0..REPLICATES {
        let m: Vec<bool> = rng.resample(&members).into_iter().copied().collect();
        let e = rng.resample(&ev.events);
        let t = rng.resample(&ev.trade);
        let f = figures(&ev, &m, &e, &t);
        for (i, v) in f.parts().iter().enumerate() {
            if let Some(v) = v {
                samples[i].push(*v);
            }
        }
        if cohesion.is_some() {
            composites.extend(composite(&f.parts()));
        }
    }
    let [_, pol, bal, trd] = samples;
    let interval = |present: Option<f64>, xs: Vec<f64>| {
        present.and_then(|_| percentiles(xs)).map_or((None, None), |(a, b)| (Some(a), Some(b)))
    };
    let (retention_low, retention_high) = wilson(flags.iter().filter(|f| **f).count(), flags.len())
        .map_or((None, None), |(a, b)| (Some(a), Some(b)));
    let (polarity_low, polarity_high) = interval(point.polarity, pol);
    let (balance_low, balance_high) = interval(point.balance, bal);
    let (trade_share_low, trade_share_high) = interval(point.trade_share, trd);
    let (cohesion_low, cohesion_high) = interval(cohesion, composites);

    // Leave one source out: the composite without the claims each source alone states.
    let (mut loso_low, mut loso_high, mut loso_most) = (None, None, String::new());
    if let Some(c) = cohesion {
        let sources: BTreeSet<&String> = ev
            .events
            .iter()
            .flat_map(|e| &e.sources)
            .chain(ev.trade.iter().flat_map(|t| &t.sources))
            .collect();
        let mut most: Option<(f64, String)> = None;
        for s in sources {
            let without = evidence(view, bloc, Some(s.as_str()));
            let value = if shortfall(&without).is_none() {
                let flags = retained_flags(&without);
                composite(&figures(&without, &flags, &without.events, &without.trade).parts())
            } else {
                None
            };
            let (shift, text) = match value {
                Some(v) => {
                    loso_low = Some(loso_low.map_or(v, |l: f64| l.min(v)));
                    loso_high = Some(loso_high.map_or(v, |h: f64| h.max(v)));
                    ((v - c).abs(), format!("without {s}: {}", num(Some(v))))
                }
                None => (f64::INFINITY, format!("without {s}: not enough evidence")),
            };
            if most.as_ref().is_none_or(|(m, _)| shift > *m) {
                most = Some((shift, text));
            }
        }
        loso_most = most.map(|(_, t)| t).unwrap_or_default();
    }

    let mut counts: BTreeMap<&String, usize> = BTreeMap::new();
    for e in &ev.events {
        for s in &e.sources {
            *counts.entry(s).or_default() += 1;
        }
    }
    let (top_source, top_source_events) = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map_or((String::new(), 0), |(s, n)| ((*s).clone(), *n));
    let count = |p: i8| ev.events.iter().filter(|e| e.polarity == p).count() as u32;
    Cohesion {
        bloc: bloc.to_owned(),
        label: view.label(bloc).to_owned(),
        as_of: view.as_of.to_string(),
        as_of_basis: "given".into(),
        window_start: view.window_start.to_string(),
        members: ev.holders.len(),
        counted: ev.counted.len(),
        retained: flags.iter().filter(|f| **f).count(),
        member_list: ev.counted.iter().cloned().collect(),
        departures: view.departure_list.iter().filter(|d| d.bloc == bloc).cloned().collect(),
        retention: point.retention,
        retention_low,
        retention_high,
        polarity: point.polarity,
        polarity_low,
        polarity_high,
        events: ev.events.len() as u32,
        friction: count(-1),
        cooperation: count(1),
        event_sources: counts.len(),
        top_source,
        top_source_events,
        balance: point.balance,
        balance_low,
        balance_high,
        triads: point.triads,
        balanced_triads: point.balanced,
        trade_share: point.trade_share,
        trade_share_low,
        trade_share_high,
        trade_figures: ev.trade.len(),
        cohesion,
        cohesion_low,
        cohesion_high,
        reason: reason.unwrap_or_default(),
        components: parts.iter().flatten().count(),
        loso_low,
        loso_high,
        loso_most,
        signed_edges: point.signs.into_iter().map(|((a, b), s)| (a, b, s)).collect(),
    }
}

fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_owned(), b.to_owned())
    } else {
        (b.to_owned(), a.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::{composite, wilson, SplitMix};

    #[test]
    fn composite_renormalises_over_present_components() {
        assert_eq!(composite(&[Some(1.0), Some(0.0), None, None]), Some(0.4 / 0.7));
        assert_eq!(composite(&[None, None, None, None]), None);
        assert!((composite(&[Some(0.5); 4]).unwrap() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn wilson_matches_the_textbook_values() {
        // Newcombe (1998), table I: 81/263 -> 0.2553 to 0.3662.
        let (lo, hi) = wilson(81, 263).unwrap();
        assert!((lo - 0.2553).abs() < 5e-5 && (hi - 0.3662).abs() < 5e-5, "{lo} {hi}");
        // 5/6 -> 0.4365 to 0.9699.
        let (lo, hi) = wilson(5, 6).unwrap();
        assert!((lo - 0.4365).abs() < 5e-5 && (hi - 0.9699).abs() < 5e-5, "{lo} {hi}");
        assert_eq!(wilson(0, 0), None);
    }

    #[test]
    fn splitmix_is_the_published_sequence() {
        // The reference output of SplitMix64 seeded with 1234567.
        let mut r = SplitMix(1_234_567);
        assert_eq!(r.next(), 6_457_827_717_110_365_317);
        assert_eq!(r.next(), 3_203_168_211_198_807_973);
    }
}
