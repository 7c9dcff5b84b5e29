//! Generates synthetic, valid blocgraph CSV data of a given size, deterministically (seeded),
//! for the benchmarks in `benches/` (see `benches/README.md`).
//!
//! ```text
//! cargo run --release --example gen_data -- --out /tmp/bg-100k --rows 100000 [--countries N]
//!     [--blocs B] [--sources S] [--seed 42] [--mix 40,20,40] [--quote-share 0.25] [--nt]
//! ```
//!
//! Writes `entities.csv` (countries `C00001`.., blocs `B0001`..), `sources.csv` and
//! `memberships.csv`, `trade.csv`, `events.csv` whose rows add up to `--rows` (split by `--mix`,
//! percent of memberships, trade, events). Every row is valid for `blocgraph import`: real
//! calendar dates of mixed precision (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`), ends after starts,
//! ranges with a maximum above the value, event types from `schema/event-types.ttl`, polarity
//! -1/0/1, and no two rows alike. Countries have a "region" (a run of neighbouring blocs),
//! so memberships, trade and friendly events cluster, which gives the graph community structure;
//! facts are denser in recent years, as real sources are.
//!
//! `--nt` also writes `data.nt`: the same facts as N-Triples exactly as blocgraph stores them
//! (the seed plus this data, imported with blocgraph's own importer into a scratch store in
//! `OUT/.nt-store`, exported, and the scratch store removed), for the bulk-loader comparison.
//! It prints one JSON line with what it wrote.

#[path = "../benches/support/gen.rs"]
mod gen;

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;

#[derive(Parser)]
#[command(
    about = "Generate synthetic blocgraph CSV data (and optionally N-Triples) for benchmarks"
)]
struct Args {
    /// Output directory (created if missing; files in it are overwritten).
    #[arg(long)]
    out: PathBuf,
    /// Total fact rows: memberships + trade + events.
    #[arg(long, default_value_t = 10_000)]
    rows: u64,
    /// Countries (default: rows / 100, between 50 and 10 000).
    #[arg(long)]
    countries: Option<u32>,
    /// Blocs (default: countries / 100, between 10 and 100).
    #[arg(long)]
    blocs: Option<u32>,
    /// Sources.
    #[arg(long, default_value_t = 5)]
    sources: u32,
    /// Seed of the generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Percent of rows that are memberships, trade, events.
    #[arg(long, default_value = "40,20,40")]
    mix: String,
    /// Share of fact rows that carry a quote.
    #[arg(long, default_value_t = 0.25)]
    quote_share: f64,
    /// Also write OUT/data.nt: the store blocgraph builds from this data, as N-Triples.
    #[arg(long)]
    nt: bool,
}

fn main() -> gen::Res<()> {
    let args = Args::parse();
    let mix: Vec<u64> = args
        .mix
        .split(',')
        .map(|p| p.trim().parse())
        .collect::<Result<_, _>>()
        .map_err(|_| "--mix: three integers like 40,20,40")?;
    let [m, t, e] = mix[..] else { return Err("--mix: three integers like 40,20,40".into()) };
    let spec = gen::Spec {
        rows: args.rows,
        countries: args.countries,
        blocs: args.blocs,
        sources: args.sources,
        seed: args.seed,
        mix: [m, t, e],
        quote_share: args.quote_share,
    };
    let generated = gen::generate(&args.out, &spec)?;
    let (triples, nt_seconds) = if args.nt {
        let t0 = Instant::now();
        (Some(gen::write_nt(&args.out)?), Some(t0.elapsed().as_secs_f64()))
    } else {
        (None, None)
    };
    let mut json = serde_json::to_value(&generated)?;
    json["out"] = args.out.display().to_string().into();
    json["nt_triples"] = triples.into();
    json["nt_seconds"] = nt_seconds.into();
    println!("{json}");
    Ok(())
}
