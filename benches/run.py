#!/usr/bin/env python3
"""Runs the benchmarks and rewrites the measured part of benches/README.md: one command.

usage (from the repo root):
  python3 benches/run.py                                  # import, queries, analyses (~1.5 h on 2 cores)
  python3 benches/run.py --parts queries --sizes 10000,100000
  python3 benches/run.py --report                         # only rewrite the README from saved results

Each part is its own script and saves its results under $BG_BENCH_DIR (benches/common.py):
  import    `cargo bench --bench import` (BG_BENCH_SIZES = --sizes): blocgraph import and
            oxigraph's bulk loader on the same triples, one after the other, per size
  queries   `benches/queries.py --sizes seed,<sizes>`: every saved query, blocgraph's CLI and
            rdflib on the same data (rdflib up to --rdflib-max rows)
  analyses  `benches/analyses.py`: betweenness, PageRank, signed triads and overlap against
            networkx on the same graph, the 30-year series, the view build
Every ratio in the tables is measured side by side in one run of its part. This runner
samples the 1-minute load average every 5 s for the whole run and records its minimum,
median and maximum per part (a timing taken at load 4 on 2 cores is not one taken at load
0), then replaces the text between `<!-- measured: begin -->` and `<!-- measured: end -->`
in benches/README.md with the machine, the commit, the date, the load and each part's tables.
The text outside the markers (what each benchmark does, the reading of the figures) is
written by hand.
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

README = common.REPO / "benches" / "README.md"
LOADS = common.WORK / "run-load.json"
BEGIN, END = "<!-- measured: begin -->", "<!-- measured: end -->"
PARTS = ("import", "queries", "analyses")


def run_part(part, args):
    env = dict(os.environ, CARGO_TARGET_DIR=str(common.TARGET), BG_BENCH_DIR=str(common.WORK))
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if part == "import":
        cmd = ["cargo", "bench", "--bench", "import"]
        env["BG_BENCH_SIZES"] = ",".join(sizes)
    elif part == "queries":
        cmd = [sys.executable, "benches/queries.py", "--sizes", ",".join(["seed", *sizes]),
               "--timeout", str(args.timeout), "--rdflib-max", str(args.rdflib_max), "--repeat", str(args.repeat)]
    else:
        cmd = [sys.executable, "benches/analyses.py", "--series-sizes", args.series_sizes]
    common.log(f"== {part}: {' '.join(cmd)}")
    started = time.perf_counter()
    with common.LoadSampler(every=5.0) as sampler:
        status = subprocess.run(cmd, cwd=common.REPO, env=env).returncode
    if status != 0:
        raise SystemExit(f"benches/run.py: the {part} part failed (exit {status}): {' '.join(cmd)}")
    return {
        "seconds": time.perf_counter() - started,
        "load": sampler.samples,
        "finished": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(),
    }


def fmt_int(x):
    return f"{x:,.0f}"


def import_tables():
    path = common.WORK / "import-results.json"
    if not path.exists():
        return "(no import results: run `python3 benches/run.py --parts import`)"
    rows = json.loads(path.read_text())
    out = ["blocgraph's import optimizes the store after a bulk load of more than a million quads (`oxigraph optimize`, which oxigraph's CLI suggests after `load` for a read-heavy workload); oxigraph's side is timed without and with it, in the same process. Peak RSS of oxigraph's side covers both.", "",
           "| rows | triples | blocgraph import | triples/s | peak RSS | oxigraph bulk load | triples/s | peak RSS | oxigraph load + optimize | blocgraph / oxigraph load (time) | blocgraph / (load + optimize) (time) | blocgraph / oxigraph (memory) |",
           "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        opt = r.get("oxigraph_optimized_seconds")
        opt_s = f"{opt:.2f} s" if opt else "-"
        opt_ratio = f"{r['blocgraph_seconds'] / opt:.2f}x" if opt else "-"
        out.append(
            f"| {fmt_int(r['rows'])} | {fmt_int(r['triples'])} | {r['blocgraph_seconds']:.2f} s | {fmt_int(r['blocgraph_triples_per_s'])} "
            f"| {r['blocgraph_peak_rss_mib']:.0f} MiB | {r['oxigraph_seconds']:.2f} s | {fmt_int(r['oxigraph_triples_per_s'])} "
            f"| {r['oxigraph_peak_rss_mib']:.0f} MiB | {opt_s} | {r['ratio']:.2f}x "
            f"| {opt_ratio} | {r['blocgraph_peak_rss_mib'] / r['oxigraph_peak_rss_mib']:.2f}x |")
    if len(rows) > 1:
        out += ["", "Growth per 10x (time x between consecutive sizes; linear = the rows ratio):", "",
                "| from -> to | rows x | blocgraph time x | oxigraph time x |", "| --- | ---: | ---: | ---: |"]
        for a, b in zip(rows, rows[1:]):
            out.append(f"| {fmt_int(a['rows'])} -> {fmt_int(b['rows'])} | {b['rows'] / a['rows']:.1f} "
                       f"| {b['blocgraph_seconds'] / a['blocgraph_seconds']:.1f} | {b['oxigraph_seconds'] / a['oxigraph_seconds']:.1f} |")
    return "\n".join(out)


def script_report(script):
    done = subprocess.run([sys.executable, f"benches/{script}", "--report"], cwd=common.REPO,
                          capture_output=True, text=True)
    if done.returncode != 0:
        return f"(`benches/{script} --report` failed: {done.stderr.strip()[-300:]})"
    # Its sections go one level under this file's part headings.
    text = re.sub(r"^### ", "#### ", done.stdout.strip(), flags=re.M)
    return text or "(no results saved: not run in this record)"


def load_line(part, info):
    if not info:
        return f"- {part}: not run in this record"
    s = info["load"] or [float("nan")]
    return (f"- {part}: release build of commit {info.get('commit', '?')}, {info['seconds'] / 60:.1f} min, finished {info['finished']}; 1-minute load average "
            f"min {min(s):.2f}, median {statistics.median(s):.2f}, max {max(s):.2f} ({len(s)} samples)")


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} cores ({cpu}), {mem / 1048576:.0f} GiB, Python {platform.python_version()}"


def commit():
    return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=common.REPO,
                          capture_output=True, text=True).stdout.strip()


def measured(loads):
    parts = [
        ("import", "### 1. Import: `blocgraph import` vs oxigraph's bulk loader (same triples)", import_tables),
        ("queries", "### 2. Saved queries: blocgraph's CLI vs rdflib (same .rq, same data, same bindings)",
         lambda: script_report("queries.py")),
        ("analyses", "### 3. Analyses: blocgraph vs networkx (same graph)",
         lambda: script_report("analyses.py")),
    ]
    out = [BEGIN, f"Written by `python3 benches/run.py` on {datetime.now(timezone.utc).strftime('%Y-%m-%d')}: "
           f"{machine()}. Commit, time and load of each part:", ""]
    out += [load_line(p, loads.get(p)) for p, _, _ in parts]
    for _, title, tables in parts:
        out += ["", title, "", tables().strip()]
    out.append(END)
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parts", default=",".join(PARTS), help="comma-separated: import, queries, analyses")
    ap.add_argument("--sizes", default="10000,100000,1000000", help="generated rows (import and queries)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per query run (queries)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per query, the fastest kept (queries)")
    ap.add_argument("--rdflib-max", type=int, default=100_000, help="largest row count rdflib runs on")
    ap.add_argument("--series-sizes", default="1000,3000", help="countries for the full 30-date series (analyses; networkx's 30 betweenness runs take ~20 min at 3000)")
    ap.add_argument("--report", action="store_true", help="only rewrite the README from the saved results")
    args = ap.parse_args()
    loads = common.load_results(LOADS)
    if not args.report:
        parts = [p.strip() for p in args.parts.split(",") if p.strip()]
        unknown = [p for p in parts if p not in PARTS]
        if unknown:
            ap.error(f"--parts: unknown part(s) {', '.join(unknown)}; the parts are {', '.join(PARTS)}")
        common.WORK.mkdir(parents=True, exist_ok=True)
        for part in parts:
            loads[part] = run_part(part, args)
            common.save_results(LOADS, loads)
    text = README.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{README}: the markers {BEGIN} and {END} are missing")
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    README.write_text(head + measured(loads) + tail)
    common.log(f"rewrote the measured part of {README}")


if __name__ == "__main__":
    main()
