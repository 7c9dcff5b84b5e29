//! Node positions for the explorer, computed once over the union of all dates so that nodes stay
//! put while the date moves: a deterministic force layout (Fruchterman & Reingold 1991) where
//! blocs start on a circle as hubs and each country starts near the blocs it ever belonged to.
//! O(I·V²) for I iterations; V is the countries and blocs that appear in any fact.

use std::collections::BTreeMap;

use oxigraph::store::Store;

use crate::error::StoreError;
use crate::model::EntityKind;
use crate::sparql::{select, subquery};
use crate::vocab::BG;

/// One node's place, in [0, 1] on both axes.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    pub id: String,
    pub label: String,
    pub kind: EntityKind,
    pub x: f64,
    pub y: f64,
}

/// A country or bloc as the store names it.
struct NodeRow {
    id: String,
    label: String,
    kind: EntityKind,
}

const ITERATIONS: usize = 300;

/// Positions of every country and bloc named by a membership, trade figure or event; with
/// `blocs`, of those blocs and every country that was ever a member of one of them.
pub fn compute(store: &Store, blocs: &[String]) -> Result<Vec<Position>, StoreError> {
    let p = "PREFIX bg: <https://blocgraph.org/ns#> PREFIX org: <http://www.w3.org/ns/org#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>";
    let nodes: Vec<NodeRow> = select(store, &format!("{p} SELECT ?id ?class ?label WHERE {{ VALUES ?class {{ bg:Country bg:Bloc }} ?e a ?class ; bg:id ?id ; rdfs:label ?label }} ORDER BY ?id"))?
        .iter()
        .map(|r| NodeRow {
            id: r.get("id").to_owned(),
            label: r.get("label").to_owned(),
            kind: r
                .get("class")
                .strip_prefix(BG)
                .and_then(EntityKind::from_class)
                .unwrap_or(EntityKind::Country),
        })
        .collect();
    // Every pair a fact ties, each triple pattern a subquery of its own so that oxigraph joins
    // them by hash instead of seeking per fact ([`subquery`]): 0.50 -> 0.13 s at 1,000 countries.
    let pair = |class: &str, from: &str, to: &str, weight: u8| {
        format!(
            "{{ SELECT ?a ?b ({weight} AS ?w) WHERE {{ {} {} {} {} {} }} }}",
            subquery(&format!("?f a {class}")),
            subquery(&format!("?f {from} ?x")),
            subquery("?x bg:id ?a"),
            to,
            subquery("?y bg:id ?b"),
        )
    };
    let to = |predicate: &str| subquery(&format!("?f {predicate} ?y"));
    let events_to = format!("{{ {} }} UNION {{ {} }}", to("bg:target"), to("bg:bloc"));
    let pairs = select(
        store,
        &format!(
            "{p} SELECT ?a ?b ?w WHERE {{ {} UNION {} UNION {} }}",
            pair("bg:Membership", "org:member", &to("org:organization"), 3),
            pair("bg:TradeFlow", "bg:reporter", &to("bg:partner"), 1),
            pair("bg:Event", "bg:actor", &events_to, 1),
        ),
    )?;
    let mut weights: BTreeMap<(String, String), f64> = BTreeMap::new();
    for r in pairs.iter() {
        let (a, b) = (r.get("a"), r.get("b"));
        if a == b {
            continue;
        }
        let key = if a < b { (a.to_owned(), b.to_owned()) } else { (b.to_owned(), a.to_owned()) };
        let w = r.get("w").parse::<f64>().unwrap_or(1.0);
        let e = weights.entry(key).or_default();
        *e = e.max(w);
    }
    if !blocs.is_empty() {
        // Blocs and their members over all dates: the view of any date under this filter.
        let mut keep: std::collections::BTreeSet<String> = blocs.iter().cloned().collect();
        let is_bloc = |id: &str| nodes.iter().any(|r| r.id == id && r.kind == EntityKind::Bloc);
        for ((a, b), w) in &weights {
            if *w > 1.0 {
                if blocs.contains(a) && !is_bloc(b) {
                    keep.insert(b.clone());
                }
                if blocs.contains(b) && !is_bloc(a) {
                    keep.insert(a.clone());
                }
            }
        }
        weights.retain(|(a, b), _| keep.contains(a) && keep.contains(b));
    }
    let used: std::collections::BTreeSet<&String> =
        weights.keys().flat_map(|(a, b)| [a, b]).collect();
    let mut out: Vec<Position> = nodes
        .into_iter()
        .filter(|r| used.contains(&r.id))
        .map(|r| Position { id: r.id, label: r.label, kind: r.kind, x: 0.0, y: 0.0 })
        .collect();
    let index: BTreeMap<String, usize> =
        out.iter().enumerate().map(|(i, p)| (p.id.clone(), i)).collect();
    let edges: Vec<(usize, usize, f64)> = weights
        .iter()
        .filter_map(|((a, b), w)| Some((*index.get(a)?, *index.get(b)?, *w)))
        .collect();
    let n = out.len();
    if n == 0 {
        return Ok(out);
    }
    // Start: blocs evenly on a circle; countries at the mean of their blocs plus a small,
    // id-derived offset (no randomness: the same store always gives the same picture).
    let blocs: Vec<usize> = (0..n).filter(|&i| out[i].kind == EntityKind::Bloc).collect();
    for (k, &i) in blocs.iter().enumerate() {
        let a = std::f64::consts::TAU * k as f64 / blocs.len().max(1) as f64;
        out[i].x = 0.5 + 0.3 * a.cos();
        out[i].y = 0.5 + 0.3 * a.sin();
    }
    for i in 0..n {
        if out[i].kind == EntityKind::Bloc {
            continue;
        }
        let h = hash(&out[i].id);
        let (mut sx, mut sy, mut c) = (0.0, 0.0, 0.0);
        for &(a, b, w) in &edges {
            let other = if a == i {
                b
            } else if b == i {
                a
            } else {
                continue;
            };
            if out[other].kind == EntityKind::Bloc && w > 1.0 {
                sx += out[other].x;
                sy += out[other].y;
                c += 1.0;
            }
        }
        let (bx, by) = if c > 0.0 { (sx / c, sy / c) } else { (0.5, 0.5) };
        let a = (h % 3600) as f64 / 3600.0 * std::f64::consts::TAU;
        let r = 0.05 + ((h / 3600) % 100) as f64 / 1000.0;
        out[i].x = bx + r * a.cos();
        out[i].y = by + r * a.sin();
    }
    let k = (1.0 / n as f64).sqrt() * 0.9;
    let mut temperature = 0.1;
    // The positions in one flat array while they move: the pair loop below reads every pair
    // 300 times, and `Position`s (with their strings) are too large to stay in cache.
    let mut at: Vec<(f64, f64)> = out.iter().map(|p| (p.x, p.y)).collect();
    let mut disp = vec![(0.0f64, 0.0f64); n];
    for _ in 0..ITERATIONS {
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));
        for i in 0..n {
            let (xi, yi) = at[i];
            let mut di = disp[i];
            for j in i + 1..n {
                let (dx, dy) = (xi - at[j].0, yi - at[j].1);
                let d2 = (dx * dx + dy * dy).max(1e-6);
                let f = k * k / d2;
                di.0 += dx * f;
                di.1 += dy * f;
                disp[j].0 -= dx * f;
                disp[j].1 -= dy * f;
            }
            disp[i] = di;
        }
        for &(a, b, w) in &edges {
            let (dx, dy) = (at[a].0 - at[b].0, at[a].1 - at[b].1);
            let d = (dx * dx + dy * dy).sqrt().max(1e-3);
            let f = d * w.sqrt() / k;
            disp[a].0 -= dx * f;
            disp[a].1 -= dy * f;
            disp[b].0 += dx * f;
            disp[b].1 += dy * f;
        }
        for i in 0..n {
            // A weak pull to the centre keeps loosely tied countries on the page.
            disp[i].0 -= (at[i].0 - 0.5) * 0.5;
            disp[i].1 -= (at[i].1 - 0.5) * 0.5;
            let len = (disp[i].0.powi(2) + disp[i].1.powi(2)).sqrt();
            if len > 0.0 {
                let step = len.min(temperature);
                at[i].0 += disp[i].0 / len * step;
                at[i].1 += disp[i].1 / len * step;
            }
        }
        temperature *= 0.985;
    }
    for (p, (x, y)) in out.iter_mut().zip(at) {
        (p.x, p.y) = (x, y);
    }
    spread(&mut out);
    // Scale into [0.04, 0.96] on both axes.
    let (minx, maxx) = out.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.x), b.max(p.x)));
    let (miny, maxy) = out.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.y), b.max(p.y)));
    for p in &mut out {
        p.x = round(0.04 + 0.92 * (p.x - minx) / (maxx - minx).max(1e-9));
        p.y = round(0.04 + 0.92 * (p.y - miny) / (maxy - miny).max(1e-9));
    }
    Ok(out)
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// FNV-1a: a stable hash of an id (the std hasher may change between releases).
fn hash(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// Pushes apart nodes closer than a minimum distance (relative to the drawing's size), so that
/// a dense core (the post-Soviet states, tied by many blocs) stays readable.
fn spread(out: &mut [Position]) {
    let n = out.len();
    if n < 2 {
        return;
    }
    let (minx, maxx) = out.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.x), b.max(p.x)));
    let (miny, maxy) = out.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.y), b.max(p.y)));
    let size = (maxx - minx).max(maxy - miny).max(1e-9);
    // About 1.5 node diameters on a 1000-unit drawing, less when there are many nodes.
    let min = size * (0.075 / (n as f64 / 40.0).sqrt().max(1.0));
    for _ in 0..200 {
        let mut moved = false;
        for i in 0..n {
            for j in i + 1..n {
                let (dx, dy) = (out[j].x - out[i].x, out[j].y - out[i].y);
                let d = (dx * dx + dy * dy).sqrt();
                if d >= min {
                    continue;
                }
                moved = true;
                // Coincident nodes part along an id-derived direction (deterministic).
                let (ux, uy) = if d > 1e-9 {
                    (dx / d, dy / d)
                } else {
                    let a = (hash(&out[j].id) % 3600) as f64 / 3600.0 * std::f64::consts::TAU;
                    (a.cos(), a.sin())
                };
                let push = (min - d) / 2.0;
                out[i].x -= ux * push;
                out[i].y -= uy * push;
                out[j].x += ux * push;
                out[j].y += uy * push;
            }
        }
        if !moved {
            break;
        }
    }
}
