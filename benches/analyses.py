#!/usr/bin/env python3
"""Graph-analysis benchmark: blocgraph's cohesion and centrality on generated graphs, side by side
with networkx computing the same on the same graph.

usage (from the repo root):
  python3 benches/analyses.py                                    # all parts, default sizes
  python3 benches/analyses.py --parts snapshot --sizes 1000,3000,10000
  python3 benches/analyses.py --parts series --series-sizes 1000,3000
  python3 benches/analyses.py --parts estimate --sizes 10000     # 30-year cost from sampled dates
  python3 benches/analyses.py --report

Data: for N countries (--sizes), examples/gen_data.rs writes N countries, --blocs blocs (100) and
--rows-per-country x N fact rows (default 10: 4 membership spells, 2 trade figures, 4 events per
country over 1991-2025), imported into a blocgraph store (plus the seed). Parts:

* snapshot (one date, --as-of): blocgraph `analyze centrality --as-of D --format csv`,
  `analyze cohesion --as-of D --format json` and `analyze overlap --as-of D --format csv` as CLI
  runs, and their phases in-process (examples/analyze_timing.rs: view build from the store,
  cohesion of every bloc, the signed triads alone, overlap of every pair of blocs, betweenness,
  PageRank). networkx gets the same graph from `blocgraph export edges --as-of D` (nodes: every
  country and bloc, isolated ones included; simple undirected graph, parallel edges merged) and
  computes betweenness_centrality(normalized=True), pagerank(alpha=0.85, weight=None, tol=1e-15:
  blocgraph's stopping rule) and, for balance, the signed triangles of each bloc's signed graph
  (the `signed_edges` of cohesion's JSON, enumerated with enumerate_all_cliques as
  tests/oracle/balance_check.py does; blocgraph's "signed triads" phase counts the same edge
  lists). Overlap, which networkx has no function for, is Python's set intersections of the
  bloc member sets read from the same export (membership edges whose role holds the bloc:
  member, associate, frozen), shared lists and Jaccard for every pair of blocs, as
  src/analyze/overlap.rs computes them. Results are compared (max |difference|, triad counts,
  overlap rows). Above --nx-full-max-nodes nodes, networkx betweenness runs from --nx-sample
  sampled sources and its time is scaled by n/k (an estimate, marked "est."): full Brandes in
  Python on 10k nodes takes ~10 minutes. Every in-process blocgraph phase but the view build,
  and networkx's PageRank, triangles and the overlap, run --repeat times (3) and the fastest
  run is kept (the machine is shared); networkx betweenness runs once. The 1-minute load
  average is sampled every 2 s while a size runs; peak RSS is blocgraph's timing process's and
  the Python process's (cumulative).
* series (--from..--to yearly, 30 dates by default), for --series-sizes: blocgraph
  `analyze cohesion --from F --to T --step year` (one run) and 30 `analyze centrality --as-of`
  runs; networkx on the 30 edge exports.
* estimate: for sizes where the series is too slow to run, the in-process phases at sampled
  years (every 5th), interpolated over the 30 years.

Results are merged into $BG_BENCH_DIR/analyses-results.json; --report prints the tables.
"""
import argparse
import csv
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import fmt_ratio, fmt_s, log  # noqa: E402

RESULTS = common.WORK / "analyses-results.json"


_NX = None


def nx():
    """networkx, imported and warmed up once (pagerank imports scipy on its first call)."""
    global _NX
    if _NX is None:
        try:
            import networkx
        except ImportError:
            raise SystemExit("networkx is missing: pip install -r tests/oracle/requirements.txt")
        g = networkx.path_graph(4)
        networkx.pagerank(g)
        networkx.betweenness_centrality(g)
        _NX = networkx
    return _NX


def setup(n, args):
    rows = n * args.rows_per_country
    data, info = common.ensure_data(rows, countries=n, blocs=args.blocs)
    store = common.ensure_store(f"c{n}-b{args.blocs}-rows-{rows}", data)
    nodes_file = store.parent / f"c{n}-b{args.blocs}-rows-{rows}.nodes.txt"
    if not nodes_file.exists():
        _, _, text, _ = common.run_timed([common.blocgraph_bin(), "--store", store, "query", "entities", "--format", "csv"])
        ids = [r["id"] for r in csv.DictReader(text.splitlines()) if r["type"] in ("country", "bloc")]
        nodes_file.write_text("\n".join(ids) + "\n")
    nodes = [l for l in nodes_file.read_text().split() if l]
    return store, nodes, info


def bg(store, *args, timeout=None, out=None):
    s, rss, text, code = common.run_timed([common.blocgraph_bin(), "--store", store, *args], timeout=timeout, stdout_path=out)
    if code != 0:
        raise SystemExit(f"blocgraph {' '.join(map(str, args))} failed")
    return s, rss, text


def read_centrality(text):
    return {r["country"]: (float(r["betweenness"]), float(r["pagerank"])) for r in csv.DictReader(text.splitlines())}


def oracle(name):
    """A module of tests/oracle/, the independent checks the tests use."""
    import importlib
    here = str(Path(__file__).resolve().parent.parent / "tests" / "oracle")
    if here not in sys.path:
        sys.path.insert(0, here)
    return importlib.import_module(name)


def nx_graph(nodes, edges_path):
    """The same simple graph the test oracle builds (tests/oracle/graph_check.py)."""
    return oracle("graph_check").simple_graph(nodes, edges_path)


def nx_centrality(g, args):
    """(betweenness seconds, estimated?, values or None, pagerank seconds, values)."""
    n = g.number_of_nodes()
    t = time.perf_counter()
    if n <= args.nx_full_max_nodes:
        between = nx().betweenness_centrality(g, normalized=True)
        bs, est = time.perf_counter() - t, False
    else:
        k = min(args.nx_sample, n)
        nx().betweenness_centrality(g, k=k, normalized=True, seed=1)
        bs, est, between = (time.perf_counter() - t) * n / k, True, None
    rank, ps = best(args.repeat, lambda: nx().pagerank(g, alpha=0.85, weight=None, tol=1e-15, max_iter=10000))
    return bs, est, between, ps, rank


def best(repeat, f):
    """(f()'s value, the fastest of `repeat` runs' seconds)."""
    fastest, value = float("inf"), None
    for _ in range(max(1, repeat)):
        t = time.perf_counter()
        value = f()
        fastest = min(fastest, time.perf_counter() - t)
    return value, fastest


def nx_balance(signed):
    """{key: (triads, balanced)} for signed edge lists, counted by tests/oracle/balance_check.py."""
    return {key: oracle("balance_check").triads(edges) for key, edges in signed.items()}




HOLDS = {"member", "associate", "frozen"}


def memberships(edges_path):
    """(country, bloc, role) of the membership edges of an `export edges` CSV."""
    with open(edges_path, encoding="utf-8", newline="") as f:
        return [(r["source"], r["target"], r["role"]) for r in csv.DictReader(f) if r["kind"] == "membership"]


def py_overlap(rows, blocs):
    """What src/analyze/overlap.rs computes, with Python sets: {(a, b): (shared, jaccard, sorted shared list)}
    for every pair of the blocs (in the order given) that both have members."""
    members = {}
    for c, b, role in rows:
        if role in HOLDS:
            members.setdefault(b, set()).add(c)
    sets = [(b, members[b]) for b in blocs if members.get(b)]
    out = {}
    for i, (a, ma) in enumerate(sets):
        for b, mb in sets[i + 1:]:
            shared = ma & mb
            out[(a, b)] = (len(shared), len(shared) / len(ma | mb), sorted(shared))
    return out


def overlap_mismatches(bg_csv, py):
    """Rows of blocgraph's `analyze overlap` CSV that differ from Python's (pairs missing on either side count)."""
    bad = 0
    seen = set()
    for r in csv.DictReader(bg_csv.splitlines()):
        key = (r["bloc_a"], r["bloc_b"])
        seen.add(key)
        theirs = py.get(key)
        shared = r["shared_list"].split("|") if r["shared_list"] else []
        if theirs is None or int(r["shared"]) != theirs[0] or shared != theirs[2] or abs(float(r["jaccard"]) - theirs[1]) > 5e-7:
            bad += 1
    return bad + sum(1 for k in py if k not in seen)


def py_peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def compare(bg_values, nx_between, nx_rank):
    db = max((abs(v[0] - nx_between[c]) for c, v in bg_values.items()), default=0.0) if nx_between else None
    dp = max((abs(v[1] - nx_rank[c]) for c, v in bg_values.items()), default=0.0)
    return db, dp


# ------------------------------------------------------------------------------------- parts

def part_snapshot(n, args, results):
    with common.LoadSampler() as load:
        snapshot(n, args, results)
    results[str(n)]["snapshot"]["loadavg"] = load.summary()
    common.save_results(RESULTS, results)


def snapshot(n, args, results):
    store, nodes, info = setup(n, args)
    d = args.as_of
    res = results.setdefault(str(n), {}).setdefault("snapshot", {})
    res.update({"as_of": d, "countries": info["countries"], "blocs": info["blocs"], "rows": info["rows"], "loadavg_start": common.loadavg()})
    log(f"== snapshot {n} countries at {d}")
    s, rss, text = bg(store, "analyze", "centrality", "--as-of", d, "--format", "csv")
    res["bg_centrality_cli_s"], res["bg_centrality_rss_mib"] = s, rss
    bg_values = read_centrality(text)
    log(f"  blocgraph analyze centrality: {fmt_s(s)}")
    s, rss, text = bg(store, "analyze", "cohesion", "--as-of", d, "--format", "json")
    res["bg_cohesion_cli_s"] = s
    coh = json.loads(text)
    log(f"  blocgraph analyze cohesion: {fmt_s(s)}")
    s, rss, text = bg(store, "analyze", "overlap", "--as-of", d, "--format", "csv")
    res["bg_overlap_cli_s"] = s
    bg_overlap = text
    log(f"  blocgraph analyze overlap: {fmt_s(s)}")
    s, rss, text, _ = common.run_timed([common.example_bin("analyze_timing"), store, d, "--repeat", str(args.repeat)])
    phases = json.loads(text.strip().splitlines()[-1])
    res["bg_phases"] = phases
    res["bg_timing_rss_mib"] = rss
    log(f"  phases: {phases}")
    edges = common.WORK / "edges" / f"c{n}-{d}.csv"
    edges.parent.mkdir(parents=True, exist_ok=True)
    s, _, _ = bg(store, "export", "edges", "--as-of", d, "-o", edges)
    res["bg_export_edges_s"] = s

    t = time.perf_counter()
    g = nx_graph(nodes, edges)
    res["nx_build_s"] = time.perf_counter() - t
    res["nx_nodes"], res["nx_edges"] = g.number_of_nodes(), g.number_of_edges()
    bs, est, between, ps, rank = nx_centrality(g, args)
    res.update({"nx_betweenness_s": bs, "nx_betweenness_estimated": est, "nx_pagerank_s": ps})
    res["max_diff_betweenness"], res["max_diff_pagerank"] = compare(bg_values, between, rank)
    signed = {r["bloc"]: r["signed_edges"] for r in coh}
    counted, res["nx_balance_s"] = best(args.repeat, lambda: nx_balance(signed))
    res["triads_blocgraph"] = sum(r["triads"] for r in coh)
    res["triads_networkx"] = sum(v[0] for v in counted.values())
    res["balance_mismatches"] = sum(1 for r in coh if counted[r["bloc"]] != (r["triads"], r["balanced_triads"]))
    rows = memberships(edges)
    blocs = sorted({b for _, b, _ in rows})
    py, res["py_overlap_s"] = best(args.repeat, lambda: py_overlap(rows, blocs))
    res["overlap_pairs"] = len(py)
    res["overlap_mismatches"] = overlap_mismatches(bg_overlap, py)
    res["py_peak_rss_mib"] = py_peak_rss_mib()
    log(f"  networkx: build {fmt_s(res['nx_build_s'])}, betweenness {fmt_s(bs)}{' (est.)' if est else ''}, pagerank {fmt_s(ps)}, balance {fmt_s(res['nx_balance_s'])}; Python overlap {fmt_s(res['py_overlap_s'])}")
    common.save_results(RESULTS, results)


def years(args):
    return list(range(args.from_year, args.to_year + 1))


def part_series(n, args, results):
    store, nodes, info = setup(n, args)
    res = results.setdefault(str(n), {}).setdefault("series", {})
    ys = years(args)
    res.update({"from": ys[0], "to": ys[-1], "dates": len(ys), "loadavg_start": common.loadavg()})
    log(f"== series {n} countries, {ys[0]}..{ys[-1]}")
    s, _, text = bg(store, "analyze", "cohesion", "--from", str(ys[0]), "--to", str(ys[-1]), "--step", "year", "--format", "json")
    res["bg_cohesion_series_s"] = s
    coh = json.loads(text)
    log(f"  blocgraph analyze cohesion --from {ys[0]} --to {ys[-1]}: {fmt_s(s)} ({len(coh)} rows)")
    total_cent = total_edges = 0.0
    nx_build = nx_between = nx_rank = 0.0
    any_est = False
    worst_b = worst_p = 0.0
    for y in ys:
        s, _, text = bg(store, "analyze", "centrality", "--as-of", str(y), "--format", "csv")
        total_cent += s
        bg_values = read_centrality(text)
        edges = common.WORK / "edges" / f"c{n}-{y}.csv"
        edges.parent.mkdir(parents=True, exist_ok=True)
        s, _, _ = bg(store, "export", "edges", "--as-of", str(y), "-o", edges)
        total_edges += s
        t = time.perf_counter()
        g = nx_graph(nodes, edges)
        nx_build += time.perf_counter() - t
        bs, est, between, ps, rank = nx_centrality(g, args)
        nx_between += bs
        nx_rank += ps
        any_est |= est
        db, dp = compare(bg_values, between, rank)
        worst_b = max(worst_b, db or 0.0)
        worst_p = max(worst_p, dp)
        log(f"  {y}: {g.number_of_nodes()} nodes {g.number_of_edges()} edges; nx betweenness {fmt_s(bs)}{' est.' if est else ''}, pagerank {fmt_s(ps)}")
    res.update({"bg_centrality_series_s": total_cent, "bg_export_edges_series_s": total_edges, "nx_build_s": nx_build,
                "nx_betweenness_s": nx_between, "nx_betweenness_estimated": any_est, "nx_pagerank_s": nx_rank,
                "max_diff_betweenness": worst_b if not any_est else None, "max_diff_pagerank": worst_p})
    signed = {(r["bloc"], r["as_of"]): r["signed_edges"] for r in coh}
    t = time.perf_counter()
    counted = nx_balance(signed)
    res["nx_balance_s"] = time.perf_counter() - t
    res["balance_mismatches"] = sum(1 for r in coh if counted[(r["bloc"], r["as_of"])] != (r["triads"], r["balanced_triads"]))
    res["triads_blocgraph"] = sum(r["triads"] for r in coh)
    log(f"  blocgraph 30x centrality {fmt_s(total_cent)}; networkx betweenness {fmt_s(nx_between)}, pagerank {fmt_s(nx_rank)}, balance {fmt_s(res['nx_balance_s'])}")
    common.save_results(RESULTS, results)


def series_read_s(est):
    """What a series' one read of the store costs: the slowest sampled view build (each reads
    every fact, whatever its date)."""
    return max(p["view_s"] for p in est["sample"])


def part_estimate(n, args, results):
    store, nodes, info = setup(n, args)
    res = results.setdefault(str(n), {}).setdefault("estimate", {})
    ys = years(args)
    sample = sorted(set(ys[::5] + [ys[-1]]))
    log(f"== estimate {n} countries from {sample}")
    s, _, text = common.run_timed([common.example_bin("analyze_timing"), store, *[f"{y}-01-01" for y in sample]])[:3]
    phases = [json.loads(l) for l in text.strip().splitlines()]
    res["sample"] = phases
    res["sample_wall_s"] = s

    def interpolate(field):
        pts = [(int(p["as_of"][:4]), p[field]) for p in phases]
        total = 0.0
        for y in ys:
            for (y0, v0), (y1, v1) in zip(pts, pts[1:]):
                if y0 <= y <= y1:
                    total += v0 + (v1 - v0) * (y - y0) / max(1, y1 - y0)
                    break
        return total

    for f in ("view_s", "cohesion_s", "betweenness_s", "pagerank_s", "centrality_s"):
        res[f"series_{f}"] = interpolate(f)
    # The CLI's cohesion series reads the store once and slices every date from memory (one view
    # build stands for that read); 30 `analyze centrality` runs are 30 processes, each building
    # its view.
    res["est_bg_cohesion_series_s"] = series_read_s(res) + res["series_cohesion_s"]
    res["est_bg_centrality_series_s"] = res["series_view_s"] + res["series_centrality_s"]
    log(f"  estimated 30-date cohesion series {fmt_s(res['est_bg_cohesion_series_s'])}, centrality {fmt_s(res['est_bg_centrality_series_s'])}")
    common.save_results(RESULTS, results)


# ------------------------------------------------------------------------------------ report

def fmt_t(x):
    """fmt_s, with microseconds below a millisecond (blocgraph's fast phases)."""
    if isinstance(x, (int, float)) and x < 0.001:
        return f"{x * 1e6:.0f} µs"
    return fmt_s(x)


def per_algorithm(snaps):
    """Each algorithm at every size side by side: blocgraph in-process, networkx (or Python), ratio."""
    algos = [
        ("betweenness", "betweenness_s", "nx_betweenness_s", "networkx betweenness_centrality"),
        ("PageRank", "pagerank_s", "nx_pagerank_s", "networkx pagerank (scipy)"),
        ("signed triads (balance)", "triads_s", "nx_balance_s", "networkx enumerate_all_cliques, as tests/oracle/balance_check.py"),
        ("overlap (all bloc pairs)", "overlap_s", "py_overlap_s", "Python set intersections (networkx has none)"),
    ]
    have = [(n, r) for n, r in snaps if "triads_s" in r["bg_phases"] and "py_overlap_s" in r]
    if not have:
        return ""
    out = [f"\n### Per algorithm, one snapshot (as of {have[0][1]['as_of']}): blocgraph vs networkx on the same input\n"]
    head = "| algorithm | " + " | ".join(f"{int(n):,}: bg | nx | nx / bg" for n, _ in have) + " | networkx side |"
    out.append(head)
    out.append("| --- | " + " | ".join("---: | ---: | ---:" for _ in have) + " | --- |")
    for name, bgk, nxk, what in algos:
        cells = []
        for _, r in have:
            b, x = r["bg_phases"][bgk], r[nxk]
            est = " est." if nxk == "nx_betweenness_s" and r["nx_betweenness_estimated"] else ""
            cells.append(f"{fmt_t(b)} | {fmt_t(x)}{est} | {fmt_ratio(x / max(b, 1e-9))}")
        out.append(f"| {name} | " + " | ".join(cells) + f" | {what} |")
    cells = [f"{fmt_t(r['bg_phases']['cohesion_s'])} | - | -" for _, r in have]
    out.append("| cohesion, all 4 components + intervals + leave-one-source-out, all blocs | " + " | ".join(cells) + " | (no networkx equivalent) |")
    out.append("")
    for n, r in have:
        p = r["bg_phases"]
        load = r.get("loadavg")
        load_s = f"load average (1 min) {load['min']:.2f}-{load['max']:.2f} (mean {load['mean']:.2f}, {load['samples']} samples)" if load else "load average not recorded"
        rss = f"peak RSS: blocgraph timing process {r.get('bg_timing_rss_mib', 0):.0f} MiB, Python (cumulative) {r.get('py_peak_rss_mib', 0):.0f} MiB"
        db = "n/a (sampled)" if r["max_diff_betweenness"] is None else f"{r['max_diff_betweenness']:.1e}"
        out.append(
            f"- {int(n):,} countries ({p['nodes']:,} nodes, {r['nx_edges']:,} edges, PageRank {p.get('pagerank_iterations', '?')} rounds): {load_s}; {rss}. "
            f"Agreement: max |betweenness diff| {db}, max |PageRank diff| {r['max_diff_pagerank']:.1e}, "
            f"triads {r['triads_blocgraph']} vs {r['triads_networkx']} ({r['balance_mismatches']} blocs differ), "
            f"overlap rows differing {r['overlap_mismatches']} of {r['overlap_pairs']}"
        )
    out.append("\nnx / bg = networkx (or Python) time / blocgraph time. Both sides start from their own graph: blocgraph's phases from the view (the simple graph for betweenness and PageRank, the `signed_edges` by id for triads, the view's memberships for overlap), networkx from its Graph (its pagerank converts it to a scipy matrix inside), the `signed_edges` lists and the exported membership rows. blocgraph's times are in-process (examples/analyze_timing.rs); both sides' times are the fastest of --repeat runs, except networkx betweenness (one run).")
    return "\n".join(out)


def report(results):
    out = []
    sizes = sorted(results, key=int)
    snaps = [(n, results[n]["snapshot"]) for n in sizes if "snapshot" in results[n]]
    if snaps:
        out.append(per_algorithm(snaps))
        out.append(f"\n### One snapshot (as of {snaps[0][1]['as_of']})\n")
        out.append("| countries | nodes | edges | view build (SPARQL) | bg betweenness | nx betweenness | ratio | bg PageRank (rounds) | nx PageRank | ratio | bg cohesion (all blocs) | bg signed triads | nx signed triangles | ratio (triads) | bg CLI centrality | bg CLI cohesion |")
        out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for n, r in snaps:
            p = r["bg_phases"]
            est = " est." if r["nx_betweenness_estimated"] else ""
            out.append(
                f"| {int(n):,} | {p['nodes']:,} | {r['nx_edges']:,} | {fmt_s(p['view_s'])} | {fmt_s(p['betweenness_s'])} | {fmt_s(r['nx_betweenness_s'])}{est} | {fmt_ratio(r['nx_betweenness_s'] / p['betweenness_s'])} "
                f"| {fmt_s(p['pagerank_s'])} ({p.get('pagerank_iterations', '?')}) | {fmt_s(r['nx_pagerank_s'])} | {fmt_ratio(r['nx_pagerank_s'] / p['pagerank_s'])} "
                f"| {fmt_s(p['cohesion_s'])} | {fmt_s(p.get('triads_s'))} | {fmt_s(r['nx_balance_s'])} | {fmt_ratio(r['nx_balance_s'] / p['triads_s']) if 'triads_s' in p else '-'} | {fmt_s(r['bg_centrality_cli_s'])} | {fmt_s(r['bg_cohesion_cli_s'])} |"
            )
        out.append("\nratio = networkx time / blocgraph time for the same computation. Agreement: ")
        for n, r in snaps:
            db = "n/a (sampled)" if r["max_diff_betweenness"] is None else f"{r['max_diff_betweenness']:.1e}"
            out.append(f"- {int(n):,} countries: max |betweenness diff| {db}, max |PageRank diff| {r['max_diff_pagerank']:.1e}, triads {r['triads_blocgraph']} (blocgraph) vs {r['triads_networkx']} (networkx), blocs whose triad counts differ: {r['balance_mismatches']}")
        if len(snaps) > 1:
            out.append("\ngrowth between consecutive sizes (time x):\n")
            out.append("| countries | edges x | view build x | bg betweenness x | nx betweenness x | bg cohesion x |")
            out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
            for (n0, a), (n1, b) in zip(snaps, snaps[1:]):
                out.append(f"| {int(n0):,} -> {int(n1):,} | {b['nx_edges'] / a['nx_edges']:.1f} | {b['bg_phases']['view_s'] / a['bg_phases']['view_s']:.1f} | {b['bg_phases']['betweenness_s'] / a['bg_phases']['betweenness_s']:.1f} | {b['nx_betweenness_s'] / a['nx_betweenness_s']:.1f} | {b['bg_phases']['cohesion_s'] / max(a['bg_phases']['cohesion_s'], 1e-9):.1f} |")
    series = [(n, results[n]["series"]) for n in sizes if "series" in results[n]]
    if series:
        s0 = series[0][1]
        out.append(f"\n### {s0['dates']} yearly snapshots ({s0['from']}..{s0['to']})\n")
        k = s0["dates"]
        out.append(f"| countries | bg `analyze cohesion --from --to` | nx signed triangles (all blocs, all dates) | bg {k}x `analyze centrality` | nx {k}x betweenness + PageRank | ratio (centrality) | bg {k}x `export edges` (nx input) |")
        out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for n, r in series:
            est = " est." if r["nx_betweenness_estimated"] else ""
            nxc = r["nx_betweenness_s"] + r["nx_pagerank_s"] + r["nx_build_s"]
            out.append(f"| {int(n):,} | {fmt_s(r['bg_cohesion_series_s'])} | {fmt_s(r['nx_balance_s'])} | {fmt_s(r['bg_centrality_series_s'])} | {fmt_s(nxc)}{est} | {fmt_ratio(nxc / r['bg_centrality_series_s'])} | {fmt_s(r['bg_export_edges_series_s'])} |")
        for n, r in series:
            db = "n/a (sampled)" if r.get("max_diff_betweenness") is None else f"{r['max_diff_betweenness']:.1e}"
            out.append(f"- {int(n):,} countries: max |betweenness diff| {db}, max |PageRank diff| {r['max_diff_pagerank']:.1e}, (bloc, date) rows whose triad counts differ: {r['balance_mismatches']} (triads: {r['triads_blocgraph']})")
        out.append("\nThe blocgraph CLI times include building the view from the store at each date (SPARQL); the networkx times cover only the graph computations on the exported edges.")
    ests = [(n, results[n]["estimate"]) for n in sizes if "estimate" in results[n]]
    if ests:
        out.append("\n### 30-year series estimated from sampled dates (in-process phases, interpolated)\n")
        out.append("| countries | sampled years | view build per date (first .. last) | est. view builds, 30 dates (30 processes) | est. `analyze cohesion --from --to` (one read, 30 slices) | est. 30x `analyze centrality` |")
        out.append("| ---: | --- | --- | ---: | ---: | ---: |")
        for n, r in ests:
            ys = ", ".join(p["as_of"][:4] for p in r["sample"])
            v = " .. ".join(fmt_s(p["view_s"]) for p in (r["sample"][0], r["sample"][-1]))
            cohesion_series = series_read_s(r) + r["series_cohesion_s"]
            out.append(f"| {int(n):,} | {ys} | {v} | {fmt_s(r['series_view_s'])} | {fmt_s(cohesion_series)} | {fmt_s(r['est_bg_centrality_series_s'])} |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,3000,10000", help="countries per generated graph (snapshot and estimate parts)")
    ap.add_argument("--series-sizes", default="1000,3000", help="countries for the full 30-date series")
    ap.add_argument("--blocs", type=int, default=100)
    ap.add_argument("--rows-per-country", type=int, default=10)
    ap.add_argument("--as-of", default="2024-01-01")
    ap.add_argument("--from-year", type=int, default=1995)
    ap.add_argument("--to-year", type=int, default=2024)
    ap.add_argument("--nx-full-max-nodes", type=int, default=4000, help="above this, networkx betweenness is sampled and scaled")
    ap.add_argument("--nx-sample", type=int, default=500, help="sources sampled for the networkx betweenness estimate")
    ap.add_argument("--repeat", type=int, default=3, help="snapshot: runs of each phase (both sides; networkx betweenness once), the fastest kept")
    ap.add_argument("--parts", default="snapshot,series,estimate")
    ap.add_argument("--report", action="store_true")
    args = ap.parse_args()
    results = common.load_results(RESULTS)
    if not args.report:
        parts = [p.strip() for p in args.parts.split(",")]
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        series_sizes = [int(s) for s in args.series_sizes.split(",") if s.strip()]
        if "snapshot" in parts:
            for n in sizes:
                part_snapshot(n, args, results)
        if "series" in parts:
            for n in series_sizes:
                part_series(n, args, results)
        if "estimate" in parts:
            for n in sizes:
                if n not in series_sizes:
                    part_estimate(n, args, results)
    print(report(results))


if __name__ == "__main__":
    main()
