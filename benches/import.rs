//! Import benchmark: `blocgraph import` of generated CSV data into a fresh store, side by side
//! with oxigraph's own bulk loader loading the same triples as N-Triples into a fresh store.
//!
//! ```text
//! cargo bench --bench import                          # 10k, 100k and 1M rows (~8 min on 2 cores)
//! BG_BENCH_SIZES=10000,100000 cargo bench --bench import
//! ```
//!
//! Environment: `BG_BENCH_SIZES` (comma-separated total rows), `BG_BENCH_REPEAT` (runs per
//! size, the fastest is reported; default 3 up to 100k rows, 1 above), `BG_BENCH_DIR` (work
//! directory, default `$TMPDIR/blocgraph-bench`; generated data is kept there and reused),
//! `BLOCGRAPH` (the binary to time, default the one cargo built for this bench).
//!
//! For each size: the CSV files are generated (deterministic, `benches/support/gen.rs`), then
//! 1. `blocgraph --store FRESH import entities.csv sources.csv memberships.csv trade.csv events.csv`
//!    runs as its own process (the store is seeded on open, as every first use is; past
//!    `BULK_THRESHOLD` new triples the import goes through the bulk loader, in batches of
//!    200,000 quads per thread, and past a million quads it optimizes the store after it);
//! 2. that store is exported once with `blocgraph export rdf --format nt` (cached as `data.nt`),
//!    so the N-Triples are exactly what blocgraph stored (seed included);
//! 3. a child process loads `data.nt` into a fresh on-disk oxigraph store with
//!    `Store::bulk_loader().load_from_reader(RdfFormat::NTriples, ..)` and commits, then
//!    runs `Store::optimize` (what `oxigraph optimize` does, which oxigraph's CLI suggests
//!    after `load` for a read-heavy workload; blocgraph's import does the same after a bulk
//!    load). The optimize is timed in the child, so both the load alone (process time minus
//!    it) and load + optimize are reported.
//!
//! Both are timed as whole processes (wall clock, peak RSS from /proc; the 1-minute load
//! average is read after each run, as the machine may be shared), and both stores are
//! checked to hold the same number of triples. Results go to stdout as a table and to
//! `BG_BENCH_DIR/import-results.json`.

#[path = "support/gen.rs"]
mod gen;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use oxigraph::io::RdfFormat;
use oxigraph::store::Store;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Peak resident memory of a running process, in MiB (VmHWM), if it can be read.
fn peak_rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The 1-minute load average (first field of /proc/loadavg), if it can be read.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

/// Runs a command to completion; returns (wall seconds, peak RSS MiB, stdout).
fn timed(command: &mut Command) -> Res<(f64, f64, String)> {
    let started = Instant::now();
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let pid = child.id();
    let mut peak: f64 = 0.0;
    // Poll the high-water mark until the process exits (it only grows, so the last read is close).
    let (stdout, stderr) = {
        let mut out = child.stdout.take().expect("piped");
        let mut err = child.stderr.take().expect("piped");
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut out, &mut s).ok();
            s
        });
        let err_reader = std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut err, &mut s).ok();
            s
        });
        loop {
            if let Some(m) = peak_rss_mib(pid) {
                peak = peak.max(m);
            }
            if child.try_wait()?.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        (reader.join().unwrap_or_default(), err_reader.join().unwrap_or_default())
    };
    let seconds = started.elapsed().as_secs_f64();
    let status = child.wait()?;
    if !status.success() {
        return Err(format!("{command:?} failed ({status}): {stderr}").into());
    }
    Ok((seconds, peak, stdout))
}

/// The child mode: bulk-load an N-Triples file into a fresh oxigraph store, optimize it,
/// print the triple count and the optimize's seconds.
fn child_bulk_load(nt: &Path, store_dir: &Path) -> Res<()> {
    let store = Store::open(store_dir)?;
    let mut loader = store.bulk_loader();
    let file = std::fs::File::open(nt)?;
    loader
        .load_from_reader(RdfFormat::NTriples, std::io::BufReader::with_capacity(1 << 20, file))?;
    loader.commit()?;
    let optimizing = Instant::now();
    store.optimize()?;
    let optimize_s = optimizing.elapsed().as_secs_f64();
    println!("{} {optimize_s}", store.len()?);
    Ok(())
}

fn blocgraph_bin() -> PathBuf {
    std::env::var_os("BLOCGRAPH")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_blocgraph")))
}

pub fn bench_dir() -> PathBuf {
    std::env::var_os("BG_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("blocgraph-bench"))
}

/// Generates the CSV data of `rows` rows into `BG_BENCH_DIR/data/rows-N` unless already there.
fn ensure_data(rows: u64) -> Res<(PathBuf, gen::Generated)> {
    let dir = bench_dir().join("data").join(format!("rows-{rows}"));
    let marker = dir.join("generated.json");
    if let Ok(text) = std::fs::read_to_string(&marker) {
        if let Ok(g) = serde_json::from_str::<serde_json::Value>(&text) {
            if g["rows"].as_u64() == Some(rows) {
                let generated = gen::Generated {
                    rows,
                    memberships: g["memberships"].as_u64().unwrap_or(0),
                    trade: g["trade"].as_u64().unwrap_or(0),
                    events: g["events"].as_u64().unwrap_or(0),
                    countries: g["countries"].as_u64().unwrap_or(0) as u32,
                    blocs: g["blocs"].as_u64().unwrap_or(0) as u32,
                    entities: g["entities"].as_u64().unwrap_or(0),
                    sources: g["sources"].as_u64().unwrap_or(0),
                    seed: g["seed"].as_u64().unwrap_or(0),
                    csv_seconds: g["csv_seconds"].as_f64().unwrap_or(0.0),
                };
                return Ok((dir, generated));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let generated = gen::generate(&dir, &gen::Spec { rows, ..gen::Spec::default() })?;
    std::fs::write(&marker, serde_json::to_string(&generated)?)?;
    Ok((dir, generated))
}

fn fresh(dir: &Path) -> Res<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    Ok(())
}

fn dir_mib(dir: &Path) -> f64 {
    fn walk(p: &Path) -> u64 {
        std::fs::read_dir(p).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => walk(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
    }
    walk(dir) as f64 / (1024.0 * 1024.0)
}

#[derive(serde::Serialize)]
struct Row {
    rows: u64,
    countries: u32,
    blocs: u32,
    triples: u64,
    nt_mib: f64,
    blocgraph_seconds: f64,
    blocgraph_runs: Vec<f64>,
    blocgraph_rows_per_s: f64,
    blocgraph_triples_per_s: f64,
    blocgraph_peak_rss_mib: f64,
    blocgraph_store_mib: f64,
    /// The bulk load alone (the child process's time minus its optimize).
    oxigraph_seconds: f64,
    oxigraph_runs: Vec<f64>,
    /// The bulk load and the optimize after it (the whole child process).
    oxigraph_optimized_seconds: f64,
    oxigraph_triples_per_s: f64,
    oxigraph_peak_rss_mib: f64,
    oxigraph_store_mib: f64,
    ratio: f64,
    /// The 1-minute load average right after each run (blocgraph runs, then oxigraph runs): this
    /// machine may be shared, and the runs themselves add about 1 to it.
    load_after_runs: Vec<f64>,
}

fn fmt_int(n: f64) -> String {
    let s = format!("{:.0}", n);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn main() -> Res<()> {
    if std::env::var("BG_BENCH_CHILD").as_deref() == Ok("bulk-load") {
        let args: Vec<String> = std::env::args().collect();
        let (nt, store) = (
            args.iter().rev().nth(1).ok_or("child: NT path")?,
            args.last().ok_or("child: store path")?,
        );
        return child_bulk_load(Path::new(nt), Path::new(store));
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing useful: only run for bench.
    if !std::env::args().any(|a| a == "--bench") && std::env::var_os("BG_BENCH_FORCE").is_none() {
        println!("import bench: run with `cargo bench --bench import` (skipped)");
        return Ok(());
    }
    let sizes: Vec<u64> = std::env::var("BG_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000,1000000".into())
        .split(',')
        .map(|s| s.trim().replace('_', "").parse())
        .collect::<Result<_, _>>()?;
    let bin = blocgraph_bin();
    let work = bench_dir();
    std::fs::create_dir_all(&work)?;
    let me = std::env::current_exe()?;
    println!(
        "blocgraph import vs oxigraph bulk loader; binary {}; work dir {}",
        bin.display(),
        work.display()
    );
    println!(
        "machine: {} cores; load average at start: {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim()
    );
    let mut results = Vec::new();
    for rows in sizes {
        let repeat: usize = std::env::var("BG_BENCH_REPEAT")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(if rows <= 100_000 { 3 } else { 1 });
        let (data, generated) = ensure_data(rows)?;
        let files: Vec<PathBuf> = gen::FILES.iter().map(|f| data.join(f)).collect();
        let bg_store = work.join("store-blocgraph");
        let ox_store = work.join("store-oxigraph");
        let nt = data.join("data.nt");

        let mut loads = Vec::new();
        let mut bg_runs = Vec::new();
        let mut bg_peak: f64 = 0.0;
        for run in 0..repeat {
            fresh(&bg_store)?;
            let (s, peak, _) = timed(
                Command::new(&bin)
                    .arg("--store")
                    .arg(&bg_store)
                    .arg("import")
                    .arg("--quiet")
                    .args(&files),
            )?;
            let load = load_average().unwrap_or(f64::NAN);
            loads.push(load);
            eprintln!(
                "  {rows} rows: blocgraph import run {} {:.2} s, peak {:.0} MiB, load {load:.2}",
                run + 1,
                s,
                peak
            );
            bg_runs.push(s);
            bg_peak = bg_peak.max(peak);
        }
        let bg_store_mib = dir_mib(&bg_store);
        let triples = Store::open_read_only(&bg_store)?.len()? as u64;
        if !nt.exists() {
            let (s, _, _) = timed(
                Command::new(&bin)
                    .arg("--store")
                    .arg(&bg_store)
                    .args(["export", "rdf", "--format", "nt", "-o"])
                    .arg(&nt),
            )?;
            eprintln!("  {rows} rows: exported {triples} triples as N-Triples in {s:.2} s");
        }
        fresh(&bg_store)?;

        let mut ox_runs = Vec::new();
        let mut ox_optimized_runs = Vec::new();
        let mut ox_peak: f64 = 0.0;
        let mut ox_triples = 0;
        for run in 0..repeat {
            fresh(&ox_store)?;
            let (s, peak, out) = timed(
                Command::new(&me).env("BG_BENCH_CHILD", "bulk-load").arg(&nt).arg(&ox_store),
            )?;
            let mut fields = out.split_whitespace();
            ox_triples = fields.next().ok_or("no triple count")?.parse::<u64>()?;
            let optimize_s = fields.next().ok_or("no optimize time")?.parse::<f64>()?;
            let load = load_average().unwrap_or(f64::NAN);
            loads.push(load);
            eprintln!(
                "  {rows} rows: oxigraph bulk load run {} {:.2} s + optimize {optimize_s:.2} s, peak {:.0} MiB, load {load:.2}",
                run + 1,
                s - optimize_s,
                peak
            );
            ox_runs.push(s - optimize_s);
            ox_optimized_runs.push(s);
            ox_peak = ox_peak.max(peak);
        }
        let ox_store_mib = dir_mib(&ox_store);
        fresh(&ox_store)?;
        if ox_triples != triples {
            return Err(format!(
                "{rows} rows: blocgraph stored {triples} triples but oxigraph loaded {ox_triples}"
            )
            .into());
        }
        let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let (bg, ox) = (best(&bg_runs), best(&ox_runs));
        results.push(Row {
            rows: generated.rows,
            countries: generated.countries,
            blocs: generated.blocs,
            triples,
            nt_mib: std::fs::metadata(&nt).map_or(0.0, |m| m.len() as f64 / 1048576.0),
            blocgraph_seconds: bg,
            blocgraph_runs: bg_runs,
            blocgraph_rows_per_s: generated.rows as f64 / bg,
            blocgraph_triples_per_s: triples as f64 / bg,
            blocgraph_peak_rss_mib: bg_peak,
            blocgraph_store_mib: bg_store_mib,
            oxigraph_seconds: ox,
            oxigraph_runs: ox_runs,
            oxigraph_optimized_seconds: best(&ox_optimized_runs),
            oxigraph_triples_per_s: triples as f64 / ox,
            oxigraph_peak_rss_mib: ox_peak,
            oxigraph_store_mib: ox_store_mib,
            ratio: bg / ox,
            load_after_runs: loads,
        });
    }

    let mut out = std::io::stdout().lock();
    writeln!(out)?;
    writeln!(out, "| rows | triples | blocgraph import | rows/s | triples/s | peak RSS | oxigraph bulk load | triples/s | peak RSS | oxigraph load + optimize | blocgraph / oxigraph load | blocgraph / (load + optimize) | load after runs |")?;
    writeln!(
        out,
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    )?;
    for r in &results {
        writeln!(
            out,
            "| {} | {} | {:.2} s | {} | {} | {:.0} MiB | {:.2} s | {} | {:.0} MiB | {:.2} s | {:.2}x | {:.2}x | {} |",
            fmt_int(r.rows as f64),
            fmt_int(r.triples as f64),
            r.blocgraph_seconds,
            fmt_int(r.blocgraph_rows_per_s),
            fmt_int(r.blocgraph_triples_per_s),
            r.blocgraph_peak_rss_mib,
            r.oxigraph_seconds,
            fmt_int(r.oxigraph_triples_per_s),
            r.oxigraph_peak_rss_mib,
            r.oxigraph_optimized_seconds,
            r.ratio,
            r.blocgraph_seconds / r.oxigraph_optimized_seconds,
            r.load_after_runs.iter().map(|l| format!("{l:.2}")).collect::<Vec<_>>().join(" ")
        )?;
    }
    if results.len() > 1 {
        writeln!(out)?;
        writeln!(out, "growth (time ratio between consecutive sizes; linear = the rows ratio):")?;
        writeln!(out, "| from -> to | rows x | blocgraph time x | oxigraph time x |")?;
        writeln!(out, "| --- | ---: | ---: | ---: |")?;
        for w in results.windows(2) {
            writeln!(
                out,
                "| {} -> {} | {:.1} | {:.1} | {:.1} |",
                fmt_int(w[0].rows as f64),
                fmt_int(w[1].rows as f64),
                w[1].rows as f64 / w[0].rows as f64,
                w[1].blocgraph_seconds / w[0].blocgraph_seconds,
                w[1].oxigraph_seconds / w[0].oxigraph_seconds
            )?;
        }
    }
    writeln!(
        out,
        "\nload average at the end: {}",
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim()
    )?;
    let path = work.join("import-results.json");
    std::fs::write(&path, serde_json::to_string_pretty(&results)?)?;
    writeln!(out, "\nresults: {}", path.display())?;
    Ok(())
}
