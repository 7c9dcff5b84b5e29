//! The synthetic data generator shared by `examples/gen_data.rs` and `benches/*.rs`
//! (included with `#[path]`): valid blocgraph CSV files of a given size, deterministic for a seed,
//! and optionally the same facts as N-Triples exactly as blocgraph stores them.
#![allow(dead_code)]

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    pub rows: u64,
    pub countries: Option<u32>,
    pub blocs: Option<u32>,
    pub sources: u32,
    pub seed: u64,
    /// Percent of memberships, trade, events.
    pub mix: [u64; 3],
    pub quote_share: f64,
}

impl Default for Spec {
    fn default() -> Self {
        Self {
            rows: 10_000,
            countries: None,
            blocs: None,
            sources: 5,
            seed: 42,
            mix: [40, 20, 40],
            quote_share: 0.25,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Generated {
    pub rows: u64,
    pub memberships: u64,
    pub trade: u64,
    pub events: u64,
    pub countries: u32,
    pub blocs: u32,
    pub entities: u64,
    pub sources: u64,
    pub seed: u64,
    pub csv_seconds: f64,
}

/// The five CSV files of a generated directory, in import order.
pub const FILES: [&str; 5] =
    ["entities.csv", "sources.csv", "memberships.csv", "trade.csv", "events.csv"];

/// SplitMix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in 0..n.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// An index picked by weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(u64::from(total)) as u32;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

const FIRST_YEAR: u32 = 1991;
const LAST_YEAR: u32 = 2025;

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A year skewed towards recent ones (density grows linearly with time), in [from, to].
fn recent_year(rng: &mut Rng, from: u32, to: u32) -> u32 {
    let span = f64::from(to - from + 1);
    (from + (span * rng.unit().sqrt()) as u32).min(to)
}

/// A date in `year` with mixed precision: 50% day, 30% month, 20% year.
fn date_in(rng: &mut Rng, year: u32) -> String {
    let month = 1 + rng.below(12) as u32;
    match rng.weighted(&[50, 30, 20]) {
        0 => format!(
            "{year:04}-{month:02}-{:02}",
            1 + rng.below(u64::from(days_in_month(year, month)))
        ),
        1 => format!("{year:04}-{month:02}"),
        _ => format!("{year:04}"),
    }
}

struct World {
    countries: u32,
    blocs: u32,
    sources: u32,
}

impl World {
    fn country(i: u32) -> String {
        format!("C{:05}", i + 1)
    }
    fn bloc(i: u32) -> String {
        format!("B{:04}", i + 1)
    }
    fn source(i: u32) -> String {
        format!("gen-src-{:02}", i + 1)
    }
    /// The bloc a country's region centres on.
    fn region(&self, c: u32) -> u32 {
        (u64::from(c) * u64::from(self.blocs) / u64::from(self.countries)) as u32
    }
    /// A bloc near the country's region: mostly its own, else a neighbour, sometimes any.
    fn bloc_for(&self, rng: &mut Rng, c: u32) -> u32 {
        let r = i64::from(self.region(c));
        let offset: i64 = match rng.weighted(&[55, 15, 15, 5, 5, 5]) {
            0 => 0,
            1 => 1,
            2 => -1,
            3 => 2,
            4 => -2,
            _ => return rng.below(u64::from(self.blocs)) as u32,
        };
        (r + offset).rem_euclid(i64::from(self.blocs)) as u32
    }
    /// Another country, 70% from the same region.
    fn partner_of(&self, rng: &mut Rng, c: u32) -> u32 {
        let n = self.countries;
        let per_region = (n / self.blocs).max(2);
        loop {
            let other = if rng.chance(0.7) {
                let start = u64::from(self.region(c)) * u64::from(n) / u64::from(self.blocs);
                ((start + rng.below(u64::from(per_region))) % u64::from(n)) as u32
            } else {
                rng.below(u64::from(n)) as u32
            };
            if other != c {
                return other;
            }
        }
    }
    fn any_source(&self, rng: &mut Rng) -> String {
        Self::source(rng.below(u64::from(self.sources)) as u32)
    }
}

fn quote(rng: &mut Rng, share: f64, n: u64) -> String {
    if rng.chance(share) {
        format!("synthetic quotation number {n}, \"verbatim\" from the source")
    } else {
        String::new()
    }
}

fn csv_writer(
    dir: &Path,
    name: &str,
) -> std::io::Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    Ok(csv::WriterBuilder::new().from_writer(std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(dir.join(name))?,
    )))
}

pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn write_entities(dir: &Path, w: &World, rng: &mut Rng) -> Res<u64> {
    let mut out = csv_writer(dir, "entities.csv")?;
    out.write_record(["id", "kind", "label", "aliases", "wikidata", "note"])?;
    for c in 0..w.countries {
        let id = World::country(c);
        let aliases = if rng.chance(0.3) {
            format!("Republic of Country {:05}|Ctry{:05}", c + 1, c + 1)
        } else {
            String::new()
        };
        out.write_record([
            id.as_str(),
            "country",
            &format!("Country {:05}", c + 1),
            &aliases,
            "",
            "",
        ])?;
    }
    for b in 0..w.blocs {
        let id = World::bloc(b);
        out.write_record([
            id.as_str(),
            "bloc",
            &format!("Bloc {:04}", b + 1),
            &format!("Synthetic Union {:04}", b + 1),
            "",
            "Synthetic bloc for benchmarks.",
        ])?;
    }
    out.flush()?;
    Ok(u64::from(w.countries + w.blocs))
}

fn write_sources(dir: &Path, w: &World) -> Res<u64> {
    let mut out = csv_writer(dir, "sources.csv")?;
    out.write_record(["id", "title", "publisher", "published", "author", "url", "note"])?;
    for s in 0..w.sources {
        let id = World::source(s);
        out.write_record([
            id.as_str(),
            &format!("Synthetic source {}", s + 1),
            "blocgraph benchmarks",
            &format!("2024-{:02}", 1 + s % 12),
            "",
            &format!("https://example.org/synthetic/{}", s + 1),
            "Generated by examples/gen_data.rs.",
        ])?;
    }
    out.flush()?;
    Ok(u64::from(w.sources))
}

/// Numbers the candidate rows drawn until `rows` distinct ones are written, and gives up when
/// distinct rows are too rare (so few countries and blocs that they repeat).
struct Draws {
    n: u64,
    limit: u64,
}

impl Draws {
    fn new(rows: u64) -> Self {
        Self { n: 0, limit: rows * 20 + 1_000 }
    }

    fn next(&mut self) -> Res<u64> {
        self.n += 1;
        if self.n > self.limit {
            return Err("cannot find that many distinct rows for so few countries and blocs".into());
        }
        Ok(self.n)
    }
}

const ROLES: [&str; 5] = ["member", "associate", "observer", "frozen", "applicant"];

fn write_memberships(
    dir: &Path,
    w: &World,
    rng: &mut Rng,
    rows: u64,
    quote_share: f64,
) -> Res<u64> {
    let mut out = csv_writer(dir, "memberships.csv")?;
    out.write_record(["country", "bloc", "role", "start", "end", "source", "quote", "note"])?;
    let mut seen: HashSet<(u32, u32, u8, String, String, String)> =
        HashSet::with_capacity(rows as usize);
    let mut written = 0;
    let mut draws = Draws::new(rows);
    while written < rows {
        let n = draws.next()?;
        let c = rng.below(u64::from(w.countries)) as u32;
        let b = w.bloc_for(rng, c);
        let role = rng.weighted(&[70, 10, 8, 5, 7]) as u8;
        let start_year = recent_year(rng, FIRST_YEAR, 2023);
        let start = date_in(rng, start_year);
        // 45% of spells end, 1..12 years after the start year (so always after the start).
        let end = if rng.chance(0.45) {
            let end_year = (start_year + 1 + rng.below(12) as u32).min(LAST_YEAR + 5);
            date_in(rng, end_year)
        } else {
            String::new()
        };
        let source = w.any_source(rng);
        if !seen.insert((c, b, role, start.clone(), end.clone(), source.clone())) {
            continue;
        }
        let q = quote(rng, quote_share, n);
        out.write_record([
            World::country(c).as_str(),
            &World::bloc(b),
            ROLES[role as usize],
            &start,
            &end,
            &source,
            &q,
            "",
        ])?;
        written += 1;
    }
    out.flush()?;
    Ok(written)
}

fn write_trade(dir: &Path, w: &World, rng: &mut Rng, rows: u64, quote_share: f64) -> Res<u64> {
    let mut out = csv_writer(dir, "trade.csv")?;
    out.write_record([
        "reporter",
        "partner",
        "period_start",
        "period_end",
        "value_usd",
        "value_usd_max",
        "qualifier",
        "status",
        "change_pct",
        "source",
        "quote",
        "note",
    ])?;
    let mut seen: HashSet<(u32, String, String, String)> = HashSet::with_capacity(rows as usize);
    let mut written = 0;
    let mut draws = Draws::new(rows);
    while written < rows {
        let n = draws.next()?;
        let c = rng.below(u64::from(w.countries)) as u32;
        let partner = if rng.chance(0.15) {
            World::bloc(w.bloc_for(rng, c))
        } else {
            World::country(w.partner_of(rng, c))
        };
        let year = recent_year(rng, FIRST_YEAR, LAST_YEAR);
        let (start, end) = match rng.weighted(&[50, 30, 20]) {
            0 => (format!("{year:04}"), format!("{year:04}")),
            1 => {
                let m1 = 1 + rng.below(12) as u32;
                let m2 = m1 + rng.below(u64::from(13 - m1)) as u32;
                (format!("{year:04}-{m1:02}"), format!("{year:04}-{m2:02}"))
            }
            _ => {
                let m1 = 1 + rng.below(12) as u32;
                let d1 = 1 + rng.below(u64::from(days_in_month(year, m1))) as u32;
                let m2 = m1 + rng.below(u64::from(13 - m1)) as u32;
                let d2 = if m2 == m1 {
                    d1 + rng.below(u64::from(days_in_month(year, m1) - d1 + 1)) as u32
                } else {
                    1 + rng.below(u64::from(days_in_month(year, m2))) as u32
                };
                (format!("{year:04}-{m1:02}-{d1:02}"), format!("{year:04}-{m2:02}-{d2:02}"))
            }
        };
        if !seen.insert((c, partner.clone(), start.clone(), end.clone())) {
            continue;
        }
        let value: u64 = 1_000_000 + rng.below(100_000_000_000);
        let qualifier = ["exact", "at-least", "approx", "range"][rng.weighted(&[60, 15, 15, 10])];
        let max =
            if qualifier == "range" { (value + value / 10 + 1).to_string() } else { String::new() };
        let status = ["reported", "estimate", "forecast"][rng.weighted(&[80, 15, 5])];
        let change = if rng.chance(0.3) {
            format!("{:.1}", rng.unit() * 40.0 - 15.0)
        } else {
            String::new()
        };
        let change = if change == "-0.0" { "0.0".to_owned() } else { change };
        let source = w.any_source(rng);
        let q = quote(rng, quote_share, n);
        out.write_record([
            World::country(c).as_str(),
            &partner,
            &start,
            &end,
            &value.to_string(),
            &max,
            qualifier,
            status,
            &change,
            &source,
            &q,
            "",
        ])?;
        written += 1;
    }
    out.flush()?;
    Ok(written)
}

fn write_events(
    dir: &Path,
    w: &World,
    rng: &mut Rng,
    rows: u64,
    quote_share: f64,
    types: &[blocgraph::model::EventType],
) -> Res<u64> {
    let mut out = csv_writer(dir, "events.csv")?;
    out.write_record([
        "date", "type", "actor", "target", "bloc", "polarity", "summary", "source", "quote", "note",
    ])?;
    for i in 0..rows {
        let actor = rng.below(u64::from(w.countries)) as u32;
        let (target, bloc) = match rng.weighted(&[60, 25, 15]) {
            0 => (Some(w.partner_of(rng, actor)), None),
            1 => (None, Some(w.bloc_for(rng, actor))),
            _ => (Some(w.partner_of(rng, actor)), Some(w.bloc_for(rng, actor))),
        };
        let same_region = target.is_none_or(|t| w.region(t) == w.region(actor));
        let polarity = if same_region {
            ["1", "0", "-1"][rng.weighted(&[60, 25, 15])]
        } else {
            ["1", "0", "-1"][rng.weighted(&[30, 30, 40])]
        };
        let kind = types[rng.below(types.len() as u64) as usize].as_str();
        let year = recent_year(rng, FIRST_YEAR, LAST_YEAR);
        let date = date_in(rng, year);
        let target = target.map(World::country).unwrap_or_default();
        let bloc = bloc.map(World::bloc).unwrap_or_default();
        let summary = format!("Synthetic {kind} number {} by {}", i + 1, World::country(actor));
        let source = w.any_source(rng);
        let q = quote(rng, quote_share, i + 1);
        out.write_record([
            date.as_str(),
            kind,
            &World::country(actor),
            &target,
            &bloc,
            polarity,
            &summary,
            &source,
            &q,
            "",
        ])?;
    }
    out.flush()?;
    Ok(rows)
}

/// Imports the CSVs of `dir` with blocgraph's importer into a scratch store (`dir/.nt-store`,
/// removed afterwards) and writes the store as N-Triples to `dir/data.nt`; returns the triple count.
pub fn write_nt(dir: &Path) -> Res<u64> {
    use blocgraph::import::{Input, Options};
    use blocgraph::store::{Access, Location};
    let scratch = dir.join(".nt-store");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)?;
    }
    let count;
    {
        let db = blocgraph::store::open(&Location::Dir(scratch.clone()), Access::Write)?;
        let inputs: Vec<Input> = FILES.iter().map(|f| Input::File(dir.join(f))).collect();
        blocgraph::import::import(&db.store, &inputs, &Options::default())?;
        let mut out =
            std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(dir.join("data.nt"))?);
        blocgraph::export::rdf::write(&db.store, oxigraph::io::RdfFormat::NTriples, &mut out)?;
        out.flush()?;
        count = db.store.len()? as u64;
    }
    std::fs::remove_dir_all(&scratch)?;
    Ok(count)
}

/// Writes the five CSV files of `spec` into `dir`.
pub fn generate(dir: &Path, spec: &Spec) -> Res<Generated> {
    let countries = spec.countries.unwrap_or_else(|| (spec.rows / 100).clamp(50, 10_000) as u32);
    let blocs = spec.blocs.unwrap_or_else(|| (countries / 100).clamp(10, 100));
    if !(3..=99_999).contains(&countries)
        || !(1..=9_999).contains(&blocs)
        || spec.sources < 1
        || spec.sources > 99
    {
        return Err("need 3..=99999 countries, 1..=9999 blocs and 1..=99 sources".into());
    }
    let total: u64 = spec.mix.iter().sum();
    if total == 0 {
        return Err("the mix must not be all zero".into());
    }
    let memberships = spec.rows * spec.mix[0] / total;
    let trade = spec.rows * spec.mix[1] / total;
    let events = spec.rows - memberships - trade;
    std::fs::create_dir_all(dir)?;
    let started = Instant::now();
    let world = World { countries, blocs, sources: spec.sources };
    let mut rng = Rng(spec.seed);
    let types = blocgraph::schema::event_types();
    let entities = write_entities(dir, &world, &mut rng)?;
    let sources = write_sources(dir, &world)?;
    let m = write_memberships(dir, &world, &mut rng, memberships, spec.quote_share)?;
    let t = write_trade(dir, &world, &mut rng, trade, spec.quote_share)?;
    let e = write_events(dir, &world, &mut rng, events, spec.quote_share, &types)?;
    Ok(Generated {
        rows: m + t + e,
        memberships: m,
        trade: t,
        events: e,
        countries,
        blocs,
        entities,
        sources,
        seed: spec.seed,
        csv_seconds: started.elapsed().as_secs_f64(),
    })
}
