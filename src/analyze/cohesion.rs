//! Bloc cohesion: a composite index in [0, 1] of four components that each mean something on
//! their own (retention, event polarity, structural balance, intra-bloc trade share), with
//! the evidence beside every figure, an interval for each and a leave-one-source-out check.
//! The formula, the rules, the evidence threshold and the sensitivity are in `docs/cohesion.md`.
//!
//! Every figure is computed on the full view: a bloc's figures never depend on which blocs
//! are asked for.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::{num, Rows};
use crate::graph::view::{Departure, EventClaim, TradeClaim};
use crate::graph::View;
use crate::model::{EntityKind, Role};

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

    /// `len` positions drawn uniformly with replacement, into `out`.
    fn resample(&mut self, len: usize, out: &mut Vec<usize>) {
        out.clear();
        out.extend((0..len).map(|_| self.below(len)));
    }
}

/// Closed triads of a signed graph on nodes `0..n`, and how many of them are balanced (the
/// product of their three signs is positive; Cartwright & Harary 1956). `edges` holds each
/// undirected pair once, with sign +1 or -1.
///
/// # Complexity
/// O(E^1.5) time, O(V + E) memory: each edge points from its end of lower degree to the other,
/// so no node has more than √(2E) out-neighbours, and each triangle is found once, from its
/// lowest node, by marking that node's out-neighbours and scanning theirs (Chiba & Nishizeki 1985).
pub fn signed_triads(n: usize, edges: &[(u32, u32, i8)]) -> (usize, usize) {
    TriadCounter::default().count(n, edges)
}

/// [`signed_triads`] of a signed edge list by entity id (`signed_edges` of [`Cohesion`]).
///
/// # Complexity
/// O(E log E) to number the ids, then [`signed_triads`]'s.
pub fn signed_triads_by_id(edges: &[(String, String, i8)]) -> (usize, usize) {
    let mut ids: Vec<&str> = edges.iter().flat_map(|(a, b, _)| [a.as_str(), b.as_str()]).collect();
    ids.sort_unstable();
    ids.dedup();
    let at = |id: &str| ids.binary_search(&id).map_or(0, |i| i as u32);
    let numbered: Vec<(u32, u32, i8)> = edges.iter().map(|(a, b, s)| (at(a), at(b), *s)).collect();
    signed_triads(ids.len(), &numbered)
}

/// The buffers of [`signed_triads`], kept between the bootstrap's replicates.
#[derive(Default)]
struct TriadCounter {
    degree: Vec<u32>,
    offsets: Vec<u32>,
    /// Per node, its out-neighbours: (neighbour, position of the edge in the edge list).
    out: Vec<(u32, u32)>,
    /// Per node: 1 + the position of its edge from the node being searched, 0 for none.
    mark: Vec<u32>,
}

impl TriadCounter {
    fn count(&mut self, n: usize, edges: &[(u32, u32, i8)]) -> (usize, usize) {
        let (mut triads, mut balanced) = (0, 0);
        self.each(n, edges, |[a, b, c]| {
            let p = edges[a as usize].2 * edges[b as usize].2 * edges[c as usize].2;
            debug_assert!(p == 1 || p == -1, "signs {p}");
            triads += 1;
            balanced += usize::from(p > 0);
        });
        (triads, balanced)
    }

    /// Calls `visit` once per triangle of the graph with the positions of its three edges.
    fn each(&mut self, n: usize, edges: &[(u32, u32, i8)], mut visit: impl FnMut([u32; 3])) {
        let degree = &mut self.degree;
        degree.clear();
        degree.resize(n, 0);
        for &(a, b, _) in edges {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
        }
        // Lower (degree, node) first.
        let from = |a: u32, b: u32| {
            if (degree[a as usize], a) < (degree[b as usize], b) {
                (a, b)
            } else {
                (b, a)
            }
        };
        let offsets = &mut self.offsets;
        offsets.clear();
        offsets.resize(n + 1, 0);
        for &(a, b, _) in edges {
            offsets[from(a, b).0 as usize + 1] += 1;
        }
        for v in 0..n {
            offsets[v + 1] += offsets[v];
        }
        self.out.clear();
        self.out.resize(edges.len(), (0, 0));
        for (i, &(a, b, _)) in edges.iter().enumerate() {
            let (u, w) = from(a, b);
            let at = &mut offsets[u as usize];
            self.out[*at as usize] = (w, i as u32);
            *at += 1;
        }
        // The fill moved every row's start to the next row's: shift back.
        for v in (1..=n).rev() {
            offsets[v] = offsets[v - 1];
        }
        offsets[0] = 0;
        let mark = &mut self.mark;
        mark.clear();
        mark.resize(n, 0);
        for u in 0..n {
            let row = &self.out[offsets[u] as usize..offsets[u + 1] as usize];
            if row.len() < 2 {
                continue;
            }
            for &(w, i) in row {
                mark[w as usize] = i + 1;
            }
            for &(v, uv) in row {
                for &(w, vw) in
                    &self.out[offsets[v as usize] as usize..offsets[v as usize + 1] as usize]
                {
                    let uw = mark[w as usize];
                    if uw != 0 {
                        visit([uv, vw, uw - 1]);
                    }
                }
            }
            for &(w, _) in row {
                mark[w as usize] = 0;
            }
        }
    }
}

/// Above this many triangles among a bloc's event pairs, the bootstrap counts each replicate's
/// triads afresh instead of keeping the triangles (12 bytes each: 48 MB at most).
const TRIANGLES_KEPT: usize = 4_000_000;

/// Every triangle a bloc's signed graph can hold, whatever the resampled events: found once,
/// so that each of the bootstrap's replicates only reads the signs of their three edges
/// instead of building and searching its graph again (the count of a replicate was most of
/// the cost of a cohesion series).
///
/// The graph of a replicate ([`figures`]) has an edge for each pair of nodes whose events'
/// net polarity is not 0, with that sign, and an edge from the bloc to each node whose tie is
/// not 0 (its own pair with the bloc, if that nets to non-zero, overriding its membership tie).
/// A triangle through the bloc is therefore a pair (x, y) of the events, neither the bloc,
/// with both ends tied; a triangle not through it is three such pairs.
#[derive(Debug)]
struct Triangles {
    /// Per node: the position in `pairs` of its pair with the bloc, or `NO_PAIR`.
    bloc_pair: Vec<u32>,
    /// The pairs, neither end the bloc, whose two ends can both be tied to the bloc.
    through_bloc: Vec<u32>,
    /// Triangles of three pairs, none with the bloc, as positions in `pairs`.
    among: Vec<[u32; 3]>,
}

const NO_PAIR: u32 = u32::MAX;

impl Triangles {
    /// The triangles of the graph of every pair in `pairs` (lower node, higher node, distinct)
    /// and every tie in `ties` (per node; 0 none) to `bloc`, or `None` when more than `kept`
    /// triangles avoid the bloc.
    ///
    /// # Complexity
    /// O(V + P^1.5) for V nodes and P pairs, as [`signed_triads`].
    fn new(pairs: &[(u32, u32)], ties: &[i8], bloc: u32, kept: usize) -> Option<Self> {
        let n = ties.len();
        let mut bloc_pair = vec![NO_PAIR; n];
        let mut others: Vec<(u32, u32, i8)> = Vec::new();
        let mut position: Vec<u32> = Vec::new();
        for (k, &(x, y)) in pairs.iter().enumerate() {
            if x == bloc {
                bloc_pair[y as usize] = k as u32;
            } else if y == bloc {
                bloc_pair[x as usize] = k as u32;
            } else {
                others.push((x, y, 1));
                position.push(k as u32);
            }
        }
        let tied = |c: u32| ties[c as usize] != 0 || bloc_pair[c as usize] != NO_PAIR;
        let through_bloc = position
            .iter()
            .zip(&others)
            .filter(|(_, &(x, y, _))| tied(x) && tied(y))
            .map(|(&k, _)| k)
            .collect();
        let mut among = Vec::new();
        let mut too_many = false;
        TriadCounter::default().each(n, &others, |e| {
            if among.len() == kept {
                too_many = true;
            } else {
                among.push(e.map(|i| position[i as usize]));
            }
        });
        (!too_many).then_some(Triangles { bloc_pair, through_bloc, among })
    }

    /// (triads, balanced) of the graph whose pairs net to `net` (per pair of `pairs`), as
    /// [`signed_triads`] of the graph [`figures`] builds.
    ///
    /// # Complexity
    /// O(P + T) for the P pairs and the T triangles kept.
    fn count(&self, pairs: &[(u32, u32)], ties: &[i8], net: &[i64]) -> (usize, usize) {
        let sign = |k: u32| net[k as usize].signum() as i8;
        let tie = |c: u32| match self.bloc_pair[c as usize] {
            NO_PAIR => ties[c as usize],
            k => match sign(k) {
                0 => ties[c as usize],
                s => s,
            },
        };
        let (mut triads, mut balanced) = (0, 0);
        for &k in &self.through_bloc {
            let s = sign(k);
            let (x, y) = pairs[k as usize];
            let p = s * tie(x) * tie(y);
            triads += usize::from(p != 0);
            balanced += usize::from(p > 0);
        }
        for &[a, b, c] in &self.among {
            let p = sign(a) * sign(b) * sign(c);
            triads += usize::from(p != 0);
            balanced += usize::from(p > 0);
        }
        (triads, balanced)
    }
}

/// What a bloc's figures are computed from.
struct Evidence<'a> {
    /// Members and associates on the date.
    holders: BTreeSet<String>,
    /// Departed in the window.
    departed: BTreeSet<String>,
    /// holders ∪ departed.
    counted: BTreeSet<String>,
    events: Vec<&'a EventClaim>,
    trade: Vec<&'a TradeClaim>,
    /// The positions in the view of the events, and of every trade figure `trade` was chosen
    /// from (before keeping the latest per pair), for leaving a source out.
    event_at: Vec<usize>,
    trade_candidates: Vec<usize>,
    /// Per counted country: retained (a holder that did not depart).
    flags: Vec<bool>,
    /// The nodes of the signed graph: the circle (counted and the bloc), ascending.
    circle: Vec<String>,
    /// Per node: its tie to the bloc, +1 holder, -1 departed, 0 none (the bloc itself).
    ties: Vec<i8>,
    bloc_node: u32,
    /// The distinct pairs (lower node, higher node) the events are between, and each event's.
    pairs: Vec<(u32, u32)>,
    event_pair: Vec<u32>,
    /// Per trade figure: both sides counted.
    trade_inside: Vec<bool>,
}

impl<'a> Evidence<'a> {
    /// The evidence of the claims at `event_at` and the latest figure per pair of those at
    /// `trade_candidates` (positions in the view), leaving out what `exclude` alone states.
    fn new(
        claims: &Claims<'a>,
        bloc: &str,
        holders: BTreeSet<String>,
        departed: BTreeSet<String>,
        event_at: Vec<usize>,
        trade_candidates: Vec<usize>,
        exclude: Option<u32>,
    ) -> Self {
        let view = claims.view;
        let event_at: Vec<usize> =
            event_at.into_iter().filter(|&k| claims.events[k].2.kept(exclude)).collect();
        let events: Vec<&'a EventClaim> = event_at.iter().map(|&k| &view.events[k]).collect();
        let mut seen = HashSet::new();
        let trade: Vec<&'a TradeClaim> = trade_candidates
            .iter()
            .filter(|&&k| claims.trade[k].3.kept(exclude) && seen.insert(claims.trade[k].2))
            .map(|&k| &view.trade[k])
            .collect();
        let counted: BTreeSet<String> = holders.union(&departed).cloned().collect();
        let flags = counted.iter().map(|c| holders.contains(c) && !departed.contains(c)).collect();
        let mut circle: Vec<String> = counted.iter().cloned().collect();
        let bloc_node = circle.binary_search_by(|c| c.as_str().cmp(bloc)).unwrap_or_else(|at| {
            circle.insert(at, bloc.to_owned());
            at
        });
        let node = |id: &str| circle.binary_search_by(|c| c.as_str().cmp(id)).ok();
        let mut ties = vec![0i8; circle.len()];
        for c in &holders {
            ties[node(c).expect("a holder is in the circle")] = 1;
        }
        for c in &departed {
            ties[node(c).expect("a departed country is in the circle")] = -1;
        }
        let mut keyed: Vec<((u32, u32), usize)> = events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let a = node(&e.actor).expect("an event's actor is in the circle") as u32;
                let b = e.counterpart().and_then(node).expect("its counterpart too") as u32;
                ((a.min(b), a.max(b)), i)
            })
            .collect();
        keyed.sort_unstable();
        let (mut pairs, mut event_pair) = (Vec::new(), vec![0u32; events.len()]);
        for (p, i) in keyed {
            if pairs.last() != Some(&p) {
                pairs.push(p);
            }
            event_pair[i] = (pairs.len() - 1) as u32;
        }
        let trade_inside = trade
            .iter()
            .map(|t| counted.contains(&t.reporter) && counted.contains(&t.partner))
            .collect();
        Evidence {
            holders,
            departed,
            counted,
            events,
            trade,
            event_at,
            trade_candidates,
            flags,
            circle,
            ties,
            bloc_node: bloc_node as u32,
            pairs,
            event_pair,
            trade_inside,
        }
    }
}

/// Who states a claim, as leave-one-source-out needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stated {
    /// By no source: left out whenever a source is.
    Unsourced,
    /// By this source alone.
    Only(u32),
    /// By at least two sources: never left out.
    Several,
}

impl Stated {
    fn of(sources: &[String], numbers: &HashMap<&str, u32>) -> Self {
        let mut it = sources.iter().map(|s| numbers[s.as_str()]);
        match it.next() {
            None => Self::Unsourced,
            Some(first) if it.all(|s| s == first) => Self::Only(first),
            Some(_) => Self::Several,
        }
    }

    /// Whether the claim stays when `exclude` is left out (kept when one of its sources is another).
    fn kept(self, exclude: Option<u32>) -> bool {
        match (exclude, self) {
            (None, _) | (_, Self::Several) => true,
            (Some(_), Self::Unsourced) => false,
            (Some(x), Self::Only(s)) => s != x,
        }
    }
}

/// A number for "none".
const NONE: u32 = u32::MAX;

/// The view's claims read once for every bloc: entity and source ids numbered, each claim's
/// parties and sources by number, the memberships grouped by bloc.
struct Claims<'a> {
    view: &'a View,
    ids: HashMap<&'a str, u32>,
    /// Per entity number: a country of the view.
    country: Vec<bool>,
    /// Per bloc: (country, role) on the date, countries ascending.
    roles: HashMap<&'a str, Vec<(&'a str, Role)>>,
    sources: HashMap<&'a str, u32>,
    /// Per event of the view: (actor, counterpart or NONE), and who states it.
    events: Vec<(u32, u32, Stated)>,
    /// Per trade figure of the view: (reporter, partner, the pair's number), and who states it.
    trade: Vec<(u32, u32, u32, Stated)>,
}

impl<'a> Claims<'a> {
    /// # Complexity
    /// O(R + E + T + S) hash-map operations for R memberships, E events, T trade figures and
    /// S source mentions.
    fn new(view: &'a View) -> Self {
        let mut ids: HashMap<&'a str, u32> = HashMap::new();
        let mut number = |id: &'a str| {
            let next = ids.len() as u32;
            *ids.entry(id).or_insert(next)
        };
        let mut roles: HashMap<&'a str, Vec<(&'a str, Role)>> = HashMap::new();
        for ((c, b), (role, _)) in &view.roles {
            number(c);
            number(b);
            roles.entry(b).or_default().push((c, *role));
        }
        for (b, cs) in &view.departures {
            number(b);
            cs.iter().for_each(|c| {
                number(c);
            });
        }
        let mut sources: HashMap<&'a str, u32> = HashMap::new();
        let mut mention = |list: &'a [String]| {
            for s in list {
                let next = sources.len() as u32;
                sources.entry(s).or_insert(next);
            }
        };
        view.events.iter().for_each(|e| mention(&e.sources));
        view.trade.iter().for_each(|t| mention(&t.sources));
        let events: Vec<(u32, u32)> = view
            .events
            .iter()
            .map(|e| (number(&e.actor), e.counterpart().map_or(NONE, &mut number)))
            .collect();
        let mut pairs: HashMap<(u32, u32), u32> = HashMap::new();
        let trade: Vec<(u32, u32, u32)> = view
            .trade
            .iter()
            .map(|t| {
                let (r, p) = (number(&t.reporter), number(&t.partner));
                let next = pairs.len() as u32;
                (r, p, *pairs.entry((r.min(p), r.max(p))).or_insert(next))
            })
            .collect();
        let mut country = vec![false; ids.len()];
        for (id, &n) in &ids {
            country[n as usize] =
                view.index.get(*id).is_some_and(|&i| view.graph[i].kind == EntityKind::Country);
        }
        let events = events
            .into_iter()
            .zip(&view.events)
            .map(|((a, t), e)| (a, t, Stated::of(&e.sources, &sources)))
            .collect();
        let trade = trade
            .into_iter()
            .zip(&view.trade)
            .map(|((r, p, pair), t)| (r, p, pair, Stated::of(&t.sources, &sources)))
            .collect();
        Claims { view, ids, country, roles, sources, events, trade }
    }
}

/// The evidence for `bloc`.
///
/// # Complexity
/// O(V + E + T + M log M) for V entities, the view's E events and T trade figures and the M
/// counted members.
fn evidence<'a>(claims: &Claims<'a>, bloc: &str) -> Evidence<'a> {
    let view = claims.view;
    let roles = claims.roles.get(bloc).map_or(&[][..], Vec::as_slice);
    let holders: BTreeSet<String> =
        roles.iter().filter(|(_, r)| r.takes_part()).map(|(c, _)| (*c).to_owned()).collect();
    let departed: BTreeSet<String> = view.departures.get(bloc).cloned().unwrap_or_default();
    let (mut in_circle, mut in_counted) =
        (vec![false; claims.ids.len()], vec![false; claims.ids.len()]);
    for c in holders.iter().chain(&departed) {
        if let Some(&n) = claims.ids.get(c.as_str()) {
            in_circle[n as usize] = true;
            in_counted[n as usize] = true;
        }
    }
    if let Some(&n) = claims.ids.get(bloc) {
        in_circle[n as usize] = true;
    }
    let events = (0..view.events.len())
        .filter(|&k| {
            let (a, t, _) = claims.events[k];
            t != NONE && a != t && in_circle[a as usize] && in_circle[t as usize]
        })
        .collect();
    // Observed figures between two countries, one of them counted; the latest per pair is
    // chosen after leaving a source out (view.trade is newest first).
    let trade_candidates = (0..view.trade.len())
        .filter(|&k| {
            let (r, p, _, _) = claims.trade[k];
            let (r, p) = (r as usize, p as usize);
            !view.trade[k].is_forecast()
                && claims.country[r]
                && claims.country[p]
                && (in_counted[r] || in_counted[p])
        })
        .collect();
    Evidence::new(claims, bloc, holders, departed, events, trade_candidates, None)
}

/// The four components from a (possibly resampled) set of evidence.
struct Figures {
    retention: Option<f64>,
    polarity: Option<f64>,
    balance: Option<f64>,
    triads: usize,
    balanced: usize,
    trade_share: Option<f64>,
}

impl Figures {
    fn parts(&self) -> [Option<f64>; 4] {
        [self.retention, self.polarity, self.balance, self.trade_share]
    }
}

/// The buffers [`figures`] works in, kept between the bootstrap's replicates.
#[derive(Default)]
struct Scratch {
    net: Vec<i64>,
    ties: Vec<i8>,
    /// The signed graph of the last call: (lower node, higher node, sign).
    signs: Vec<(u32, u32, i8)>,
    triads: TriadCounter,
}

/// The components from the evidence's retained flags `members` and the events and trade
/// figures at positions `events` and `trade` (each position as often as it was drawn).
///
/// # Complexity
/// O(M + E + T + P^1.5) for M counted members, E events, T trade figures and the P pairs of
/// the signed graph.
fn figures(
    ev: &Evidence<'_>,
    members: &[bool],
    events: &[usize],
    trade: &[usize],
    closes: Option<&Triangles>,
    scratch: &mut Scratch,
) -> Figures {
    let retention = (!members.is_empty())
        .then(|| members.iter().filter(|r| **r).count() as f64 / members.len() as f64);
    let polarity = (!events.is_empty()).then(|| {
        let sum: i64 = events.iter().map(|&e| i64::from(ev.events[e].polarity)).sum();
        (sum as f64 / events.len() as f64 + 1.0) / 2.0
    });
    let (mut inside, mut all) = (0.0, 0.0);
    for &t in trade {
        all += ev.trade[t].value_usd;
        if ev.trade_inside[t] {
            inside += ev.trade[t].value_usd;
        }
    }
    let trade_share = (all > 0.0).then(|| inside / all);

    // The signed graph: holders tied to the bloc (+1), departed members (-1); the sign of the
    // net polarity of a pair's events (both directions) overrides the tie; a net 0 adds nothing.
    let Scratch { net, ties, signs, triads: counter } = scratch;
    net.clear();
    net.resize(ev.pairs.len(), 0);
    for &e in events {
        net[ev.event_pair[e] as usize] += i64::from(ev.events[e].polarity);
    }
    let (triads, balanced) = match closes {
        Some(closes) => closes.count(&ev.pairs, &ev.ties, net),
        None => {
            ties.clear();
            ties.extend_from_slice(&ev.ties);
            signs.clear();
            let b = ev.bloc_node;
            for (&(x, y), &n) in ev.pairs.iter().zip(net.iter()) {
                if n == 0 {
                    continue;
                }
                let sign = n.signum() as i8;
                if x == b {
                    ties[y as usize] = sign;
                } else if y == b {
                    ties[x as usize] = sign;
                } else {
                    signs.push((x, y, sign));
                }
            }
            for (c, &t) in ties.iter().enumerate() {
                if t != 0 && c as u32 != b {
                    let c = c as u32;
                    signs.push((c.min(b), c.max(b), t));
                }
            }
            counter.count(ev.circle.len(), signs)
        }
    };
    let balance = (triads > 0).then(|| balanced as f64 / triads as f64);
    Figures { retention, polarity, balance, triads, balanced, trade_share }
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

/// The positions `0..len`: every piece of evidence once.
fn all(len: usize) -> Vec<usize> {
    (0..len).collect()
}

/// Cohesion of `bloc` on the view's date (for several blocs, [`cohesion_of`] reads the
/// view's claims once).
///
/// # Complexity
/// O(V + E + T) for the view's V entities, E events and T trade figures, then
/// O(S · (M + e + t + P^1.5) + R · (M + e + t + P + Δ)) for the bloc's S sources, the
/// bootstrap's R = [`REPLICATES`], its M counted members, e events, t trade figures, the P
/// pairs of its signed graph and their Δ triangles (found once, read by every replicate).
pub fn cohesion(view: &View, bloc: &str) -> Cohesion {
    of_bloc(&Claims::new(view), bloc)
}

/// [`cohesion`] of each of `blocs`, in that order.
///
/// # Complexity
/// O(V + E + T) once, then per bloc O(V + E + T) array lookups plus [`cohesion`]'s per-bloc
/// part.
pub fn cohesion_of(view: &View, blocs: &[String]) -> Vec<Cohesion> {
    let claims = Claims::new(view);
    // Each bloc is computed on its own (its bootstrap seeded alike), so the blocs are shared
    // among the machine's cores; the rows keep the order of `blocs`.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(blocs.len());
    if threads <= 1 {
        return blocs.iter().map(|b| of_bloc(&claims, b)).collect();
    }
    // The next bloc goes to whichever thread is free: blocs differ in cost by orders of
    // magnitude, and contiguous shares left one core idle while the other finished.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut rows: Vec<(usize, Cohesion)> = std::thread::scope(|scope| {
        let (claims, next) = (&claims, &next);
        let parts: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(bloc) = blocs.get(i) else { break done };
                        done.push((i, of_bloc(claims, bloc)));
                    }
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|part| match part.join() {
                Ok(rows) => rows,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    rows.sort_unstable_by_key(|(i, _)| *i);
    rows.into_iter().map(|(_, row)| row).collect()
}

fn of_bloc(claims: &Claims<'_>, bloc: &str) -> Cohesion {
    let view = claims.view;
    let ev = evidence(claims, bloc);
    let flags = &ev.flags;
    let mut scratch = Scratch::default();
    let point =
        figures(&ev, flags, &all(ev.events.len()), &all(ev.trade.len()), None, &mut scratch);
    let signed_edges: Vec<(String, String, i8)> = {
        let mut signs = scratch.signs.clone();
        signs.sort_unstable();
        signs
            .into_iter()
            .map(|(a, b, s)| (ev.circle[a as usize].clone(), ev.circle[b as usize].clone(), s))
            .collect()
    };
    let reason = shortfall(&ev);
    let parts = point.parts();
    let cohesion = if reason.is_none() { composite(&parts) } else { None };

    // Bootstrap: members, events and trade figures each resampled with replacement.
    let closes = Triangles::new(&ev.pairs, &ev.ties, ev.bloc_node, TRIANGLES_KEPT);
    let mut rng = SplitMix(SEED);
    let mut samples: [Vec<f64>; 4] = Default::default();
    let mut composites = Vec::new();
    let (mut m, mut e, mut t, mut members) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..REPLICATES {
        rng.resample(flags.len(), &mut m);
        rng.resample(ev.events.len(), &mut e);
        rng.resample(ev.trade.len(), &mut t);
        members.clear();
        members.extend(m.iter().map(|&i| flags[i]));
        let f = figures(&ev, &members, &e, &t, closes.as_ref(), &mut scratch);
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
            let without = Evidence::new(
                claims,
                bloc,
                ev.holders.clone(),
                ev.departed.clone(),
                ev.event_at.clone(),
                ev.trade_candidates.clone(),
                Some(claims.sources[s.as_str()]),
            );
            let value = if shortfall(&without).is_none() {
                let (e, t) = (all(without.events.len()), all(without.trade.len()));
                composite(&figures(&without, &without.flags, &e, &t, None, &mut scratch).parts())
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
        signed_edges,
    }
}

#[cfg(test)]
mod tests {
    use super::{composite, signed_triads, signed_triads_by_id, wilson, SplitMix, Triangles};

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

    #[test]
    fn kept_triangles_count_as_the_replicate_graph() {
        // Random circles: the bloc is node 0, ties of ±1 or 0, pairs among all nodes (some
        // with the bloc), random nets; the graph built the way `figures` builds it is the
        // oracle.
        let mut rng = SplitMix(11);
        for n in [2, 5, 9, 20] {
            for round in 0..40 {
                let bloc = (round % n) as u32;
                let ties: Vec<i8> = (0..n as u32)
                    .map(|c| if c == bloc { 0 } else { [1, -1, 0][rng.below(3)] })
                    .collect();
                let mut pairs = Vec::new();
                for a in 0..n as u32 {
                    for b in a + 1..n as u32 {
                        if rng.below(3) > 0 {
                            pairs.push((a, b));
                        }
                    }
                }
                let closes = Triangles::new(&pairs, &ties, bloc, usize::MAX).expect("no cap");
                for _ in 0..5 {
                    let net: Vec<i64> = pairs.iter().map(|_| rng.below(5) as i64 - 2).collect();
                    let mut t = ties.clone();
                    let mut edges = Vec::new();
                    for (&(x, y), &v) in pairs.iter().zip(&net) {
                        let s = v.signum() as i8;
                        match (s, x == bloc, y == bloc) {
                            (0, _, _) => {}
                            (_, true, _) => t[y as usize] = s,
                            (_, _, true) => t[x as usize] = s,
                            _ => edges.push((x, y, s)),
                        }
                    }
                    for (c, &s) in t.iter().enumerate() {
                        if s != 0 && c as u32 != bloc {
                            edges.push(((c as u32).min(bloc), (c as u32).max(bloc), s));
                        }
                    }
                    let want = signed_triads(n, &edges);
                    assert_eq!(closes.count(&pairs, &ties, &net), want, "{n} nodes, round {round}");
                }
            }
        }
        // Past the cap, no list is kept (the replicates then count afresh).
        let triangle = [(1, 2), (1, 3), (2, 3)];
        assert!(Triangles::new(&triangle, &[0, 1, 1, 1], 0, 0).is_none());
        assert!(Triangles::new(&triangle, &[0, 1, 1, 1], 0, 1).is_some());
    }

    #[test]
    fn signed_triads_of_a_small_graph() {
        // Two triangles sharing the edge 1-2: {0,1,2} with one negative edge (unbalanced),
        // {1,2,3} with two (balanced); 3-4 closes nothing.
        let edges = [(0, 1, 1), (0, 2, -1), (1, 2, 1), (1, 3, -1), (2, 3, -1), (3, 4, 1)];
        assert_eq!(signed_triads(5, &edges), (2, 1));
        assert_eq!(signed_triads(0, &[]), (0, 0));
        let by_id = |a: &str, b: &str, s| (a.to_owned(), b.to_owned(), s);
        let named = [by_id("ARM", "CSTO", 1), by_id("BLR", "CSTO", 1), by_id("ARM", "BLR", -1)];
        assert_eq!(signed_triads_by_id(&named), (1, 0));
    }

    #[test]
    #[allow(clippy::needless_range_loop)] // the brute force reads a matrix by index
    fn signed_triads_agree_with_every_triple() {
        let mut rng = SplitMix(7);
        for n in [3, 6, 12, 25] {
            for density in [2, 4, 8] {
                let mut sign = vec![vec![0i8; n]; n];
                let mut edges = Vec::new();
                for a in 0..n {
                    for b in a + 1..n {
                        if rng.below(10) < density {
                            let s = if rng.below(2) == 0 { 1 } else { -1 };
                            sign[a][b] = s;
                            edges.push((a as u32, b as u32, s));
                        }
                    }
                }
                let (mut triads, mut balanced) = (0, 0);
                for a in 0..n {
                    for b in a + 1..n {
                        for c in b + 1..n {
                            let p = sign[a][b] * sign[a][c] * sign[b][c];
                            triads += usize::from(p != 0);
                            balanced += usize::from(p > 0);
                        }
                    }
                }
                assert_eq!(signed_triads(n, &edges), (triads, balanced), "{n} nodes, {density}/10");
            }
        }
    }
}
