#!/usr/bin/env python3
"""Saved-query benchmark: every saved query (`blocgraph queries --format json`) run by blocgraph on
a store, side by side with rdflib running the same queries/NAME.rq on the same data (the store
exported as N-Triples), with the same parameters bound as typed terms (rdflib initBindings:
entity -> URIRef https://blocgraph.org/id/ID, date -> Literal(d, datatype=XSD.date)).

usage (from the repo root):
  python3 benches/queries.py                         # seed store, 10k, 100k and 1M rows
  python3 benches/queries.py --sizes seed,100000 --rdflib-max 100000 --timeout 120
  python3 benches/queries.py --report                # print the tables of the saved results

Sizes: `seed` (the curated seed store) or a number of generated rows (examples/gen_data.rs:
N/100 countries C00001.., blocs B0001..). blocgraph is timed as the CLI a user runs
(`blocgraph --store S query NAME --param ... --format csv`, best of --repeat, process wall
clock including opening the store; the `baseline` row is a trivial ASK to show that fixed cost).
rdflib loads the N-Triples once per size (load time and memory reported); each query then runs
in a forked child (so a runaway query can be stopped at --timeout). rdflib runs only for sizes
up to --rdflib-max rows (default 100000: ~1.4M triples load in about a minute and ~2 GB; the
1M-row export, ~13.6M triples, would need well over 10 GB and many minutes in rdflib).
Row counts of both are compared: a mismatch is flagged.
Results are merged into $BG_BENCH_DIR/queries-results.json.
"""
import argparse
import csv
import io
import json
import os
import resource
import select
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import fmt_ratio, fmt_s, log  # noqa: E402

RESULTS = common.WORK / "queries-results.json"


def cases(size):
    """(label, query, params) per case: every saved query, with a few optional-param variants."""
    if size == "seed":
        c1, c2, c3, bloc, d = "ARM", "RUS", "KAZ", "CSTO", "2024-06-01"
    else:
        c1, c2, c3, bloc, d = "C00001", "C00002", "C00003", "B0001", "2024-06-01"
    return [
        ("bilateral", "bilateral", {"a": c2, "b": c3, "as_of": d}),
        ("blocs", "blocs", {"as_of": d}),
        ("changes", "changes", {"from": "2022-01-01", "to": "2024-12-31"}),
        ("entities", "entities", {}),
        ("events (all)", "events", {}),
        ("events (bloc, from, to)", "events", {"bloc": bloc, "from": "2022-01-01", "to": "2024-12-31"}),
        ("events (actor)", "events", {"actor": c1}),
        ("exits (all)", "exits", {}),
        ("exits (bloc)", "exits", {"bloc": bloc}),
        ("facts-per-source", "facts-per-source", {}),
        ("members", "members", {"bloc": bloc, "as_of": d}),
        ("memberships", "memberships", {"country": c1}),
        ("overlap", "overlap", {"as_of": d}),
        ("sources (entity)", "sources", {"entity": c1}),
        ("timeline", "timeline", {"country": c1}),
        ("trade (all)", "trade", {}),
        ("trade (country)", "trade", {"country": c2}),
        ("trade-growth", "trade-growth", {}),
        ("withdrawals (all)", "withdrawals", {}),
        ("withdrawals (bloc)", "withdrawals", {"bloc": bloc}),
    ]


def saved_queries():
    out = os.popen(f"'{common.blocgraph_bin()}' queries --format json").read()
    return {q["name"]: q for q in json.loads(out)}


def bg_cmd(store, query, params, timeout):
    cmd = [common.blocgraph_bin(), "--store", store, "query", query, "--format", "csv", "--timeout", str(timeout)]
    for k, v in params.items():
        cmd += ["--param", f"{k}={v}"]
    return cmd


def count_csv_rows(text):
    return max(0, sum(1 for _ in csv.reader(io.StringIO(text))) - 1)


def run_blocgraph(store, label, query, params, repeat, timeout):
    best, rows = None, None
    for _ in range(repeat):
        s, _, text, code = common.run_timed(bg_cmd(store, query, params, timeout), timeout=timeout + 10)
        if s is None or code != 0:
            return {"seconds": None, "rows": None, "error": "timeout" if s is None or code == 1 else f"exit {code}"}
        rows = count_csv_rows(text)
        best = s if best is None else min(best, s)
        if s > 20:  # a slow query is not repeated
            break
    return {"seconds": best, "rows": rows}


# ---------------------------------------------------------------- rdflib side

def rdflib_terms(params, kinds):
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD
    out = {}
    for k, v in params.items():
        kind = kinds[k]
        if kind == "entity":
            out[k] = URIRef("https://blocgraph.org/id/" + v)
        elif kind == "date":
            out[k] = Literal(v, datatype=XSD.date)
        else:
            out[k] = Literal(v)
    return out


def rdflib_default_terms(query_meta):
    """Defaults blocgraph applies (as_of: today) must be bound for rdflib too."""
    return {p["name"]: p["default"] for p in query_meta["params"] if p.get("default")}


def run_rdflib_forked(graph, text, bindings, timeout):
    """Runs one query in a forked child; returns (seconds, rows) or (None, None) on timeout/error."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            t = time.perf_counter()
            result = graph.query(text, initBindings=bindings)
            rows = sum(1 for _ in result)
            msg = json.dumps({"seconds": time.perf_counter() - t, "rows": rows})
        except Exception as e:  # noqa: BLE001
            msg = json.dumps({"seconds": None, "rows": None, "error": f"{type(e).__name__}: {e}"[:300]})
        os.write(w, msg.encode())
        os.close(w)
        os._exit(0)
    os.close(w)
    ready, _, _ = select.select([r], [], [], timeout)
    if not ready:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(r)
        return {"seconds": None, "rows": None, "error": "timeout"}
    data = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return json.loads(data.decode())


def selected(size, args):
    """The cases of a size, limited to --cases (labels or query names) when given."""
    wanted = [w.strip() for w in (args.cases or "").split(",") if w.strip()]
    return [c for c in cases(size) if not wanted or c[0] in wanted or c[1] in wanted]


def bench_size(size, args, meta, results):
    log(f"== size {size}")
    if size == "seed":
        store = common.ensure_store("seed")
        rows_n = 0
    else:
        rows_n = int(size)
        data, info = common.ensure_data(rows_n)
        store = common.ensure_store(f"rows-{rows_n}", data)
    key = str(size)
    res = results.setdefault(key, {})
    res["loadavg_start"] = common.loadavg()
    res["store"] = str(store)

    # blocgraph
    ask = common.WORK / "baseline-ask.rq"
    ask.write_text("# A trivial query: the fixed cost of a CLI run (process start, store open).\nASK {}\n")
    s, _, _, _ = common.run_timed([common.blocgraph_bin(), "--store", store, "query", ask, "--format", "csv"])
    best = s
    for _ in range(2):
        s, _, _, _ = common.run_timed([common.blocgraph_bin(), "--store", store, "query", ask, "--format", "csv"])
        best = min(best, s)
    res["baseline"] = best
    bg = res.setdefault("blocgraph", {})
    for label, query, params in selected(size, args):
        r = run_blocgraph(store, label, query, params, args.repeat, args.timeout)
        bg[label] = r
        log(f"  blocgraph {label:28} {fmt_s(r['seconds']):>10}  rows {r['rows']}")
        common.save_results(RESULTS, results)

    # rdflib
    if args.skip_rdflib:
        return
    if size != "seed" and rows_n > args.rdflib_max:
        res["rdflib"] = None
        res["rdflib_note"] = f"not run: {rows_n} rows > --rdflib-max {args.rdflib_max}"
        common.save_results(RESULTS, results)
        return
    import rdflib
    nt = common.ensure_nt(store, common.WORK / "nt" / f"{'seed' if size == 'seed' else 'rows-' + str(rows_n)}.nt")
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(str(nt), format="nt")
    res["rdflib_load_s"] = time.perf_counter() - t
    res["rdflib_triples"] = len(graph)
    res["rdflib_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    res["rdflib_version"] = rdflib.__version__
    # Warm up in the parent (imports the SPARQL engine, builds the parser) so that forked children don't pay it.
    graph.query("PREFIX bg: <https://blocgraph.org/ns#> ASK { ?s a bg:Country }")
    log(f"  rdflib loaded {len(graph)} triples in {res['rdflib_load_s']:.1f} s (peak RSS {res['rdflib_rss_mib']:.0f} MiB, was {rss0 / 1024:.0f})")
    rl = res.setdefault("rdflib", {})
    for label, query, params in selected(size, args):
        q = meta[query]
        kinds = {p["name"]: p["kind"] for p in q["params"]}
        given = dict(params)
        for k, v in rdflib_default_terms(q).items():
            if k not in given:
                given[k] = "2024-06-01" if v == "today" else v
        text = (common.REPO / "queries" / f"{query}.rq").read_text()
        best = None
        for i in range(args.repeat):
            r = run_rdflib_forked(graph, text, rdflib_terms(given, kinds), args.timeout)
            if r["seconds"] is None:
                best = r
                break
            if best is None or r["seconds"] < best["seconds"]:
                best = r
            if r["seconds"] > 5:
                break
        rl[label] = best
        log(f"  rdflib    {label:28} {fmt_s(best['seconds']):>10}  rows {best['rows']} {best.get('error', '')}")
        common.save_results(RESULTS, results)
    del graph


def report(results, sizes=None):
    lines = []
    order = sorted(results, key=lambda k: -1 if k == "seed" else int(k))
    for key in order:
        if sizes and key not in sizes:
            continue
        res = results[key]
        title = "seed store" if key == "seed" else f"{int(key):,} generated rows"
        lines.append(f"\n### {title}")
        if res.get("rdflib_triples"):
            lines.append(f"rdflib {res.get('rdflib_version', '')}: {res['rdflib_triples']:,} triples parsed in {fmt_s(res['rdflib_load_s'])}, peak RSS {res['rdflib_rss_mib']:.0f} MiB. "
                         f"blocgraph CLI fixed cost (trivial ASK): {fmt_s(res.get('baseline'))}.")
        else:
            lines.append(f"rdflib: {res.get('rdflib_note', 'not run')}. blocgraph CLI fixed cost (trivial ASK): {fmt_s(res.get('baseline'))}.")
        lines.append("")
        lines.append("| query | blocgraph | rows | rdflib | rows | rdflib / blocgraph |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
        bg = res.get("blocgraph", {})
        rl = res.get("rdflib") or {}
        for label in bg:
            b = bg[label]
            r = rl.get(label)
            bs = fmt_s(b["seconds"]) if b["seconds"] is not None else f"> {b.get('error', '?')}"
            if r is None:
                rs, rrows, ratio = "-", "-", "-"
            elif r["seconds"] is None:
                rs, rrows, ratio = r.get("error", "failed")[:40], "-", "-"
            else:
                rs, rrows = fmt_s(r["seconds"]), r["rows"]
                ratio = fmt_ratio(r["seconds"] / b["seconds"]) if b["seconds"] else "-"
            flag = ""
            if r is not None and r.get("rows") is not None and b.get("rows") is not None and r["rows"] != b["rows"]:
                flag = " (rows differ!)"
            lines.append(f"| {label} | {bs} | {b['rows'] if b['rows'] is not None else '-'} | {rs} | {rrows}{flag} | {ratio} |")
    # blocgraph across sizes: how each query's time grows with the data.
    keys = [k for k in order if (not sizes or k in sizes) and results[k].get("blocgraph")]
    if len(keys) > 1:
        names = [("seed" if k == "seed" else f"{int(k):,} rows") for k in keys]
        lines.append("\n### blocgraph across sizes (growth)\n")
        lines.append("| query | " + " | ".join(names) + " |")
        lines.append("| --- |" + " ---: |" * len(keys))
        labels = list(results[keys[0]]["blocgraph"])
        for label in labels:
            cells = []
            for k in keys:
                b = results[k]["blocgraph"].get(label)
                cells.append("-" if b is None else (fmt_s(b["seconds"]) if b["seconds"] is not None else f"> {b.get('error', '?')}"))
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="seed,10000,100000,1000000", help="comma-separated: seed and/or row counts")
    ap.add_argument("--rdflib-max", type=int, default=100_000, help="largest row count rdflib is run on")
    ap.add_argument("--repeat", type=int, default=3, help="runs per query (fastest kept)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per query run")
    ap.add_argument("--cases", help="only these cases (labels or query names, comma-separated); others keep earlier results")
    ap.add_argument("--skip-rdflib", action="store_true", help="time blocgraph only (keeps earlier rdflib results)")
    ap.add_argument("--report", action="store_true", help="only print the tables of the saved results")
    args = ap.parse_args()
    results = common.load_results(RESULTS)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if not args.report:
        meta = saved_queries()
        listed = {q for _, q, _ in cases("seed")}
        missing = sorted(set(meta) - listed)
        if missing:
            log(f"note: saved queries without a benchmark case: {missing}")
        for size in sizes:
            bench_size(size, args, meta, results)
            common.save_results(RESULTS, results)
    print(report(results, None if args.report else sizes))


if __name__ == "__main__":
    main()
