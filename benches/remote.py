#!/usr/bin/env python3
"""Remote-engine benchmark: every saved query on the embedded store, on oxigraph's server and on
Virtuoso 7.2, side by side, and the push rate (triples/s) into oxigraph's server.

usage (from the repo root):
  python3 benches/remote.py                    # 100k generated rows (the default here)
  python3 benches/remote.py --rows 1000000     # the 1M case (~13.6M triples; run it alone:
                                               # Virtuoso wants ~4 GB of buffers for it)
  python3 benches/remote.py --report           # print the saved tables

Each engine runs on 127.0.0.1 with its data under $BG_BENCH_DIR/remote-ROWS/ and is stopped by
its PID at the end. oxigraph's server (PyPI `oxigraph`, pinned in tests/oracle/requirements.txt)
is filled with `blocgraph push` (the push rate is measured there); Virtuoso (Debian
`virtuoso-opensource`) with its bulk loader from `blocgraph export rdf --format nt`
(`ld_dir` + `rdf_loader_run`, timed). Every query is the CLI a user runs
(`blocgraph [--store S | --endpoint URL [--graph G]] query NAME --param ... --format csv`), best
of --repeat, process wall clock; row counts are compared and a mismatch flagged.
Results are merged into $BG_BENCH_DIR/remote-results.json.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from queries import cases, count_csv_rows  # noqa: E402

RESULTS = common.WORK / "remote-results.json"
GRAPH = "https://blocgraph.org/graph/bench"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, limit):
    started = time.time()
    while time.time() - started < limit:
        if proc.poll() is not None:
            raise SystemExit(f"server exited at start: {proc.args}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {limit} s")


def start_oxigraph(work, keep=False):
    d = work / "oxigraph"
    if not keep:
        shutil.rmtree(d, ignore_errors=True)
    port = free_port()
    proc = subprocess.Popen(["oxigraph", "serve", "--location", str(d), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_http(f"{base}/query?query=ASK%7B%7D", proc, 60)
    return proc, base


def virtuoso_ini(d, data, sql_port, http_port, buffers):
    out = []
    section = ""
    for line in Path("/etc/virtuoso-opensource-7/virtuoso.ini").read_text().splitlines():
        t = line.strip()
        if t.startswith("["):
            section = t
        key = t.split("=")[0].strip()
        if key in ("DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file"):
            line = line.replace("/var/lib/virtuoso-opensource-7/db", str(d))
        elif section == "[Parameters]" and key == "ServerPort":
            line = f"ServerPort = {sql_port}"
        elif section == "[HTTPServer]" and key == "ServerPort":
            line = f"ServerPort = {http_port}"
        elif key == "DirsAllowed":
            line = f"DirsAllowed = ., {d}, {data}, /usr/share/virtuoso-opensource-7/vad"
        elif section == "[SPARQL]" and key == "ResultSetMaxRows":
            line = "ResultSetMaxRows = 100000000"
        elif section == "[SPARQL]" and key == "MaxQueryExecutionTime":
            line = "MaxQueryExecutionTime = 3600"
        elif section == "[SPARQL]" and key == "MaxQueryCostEstimationTime":
            line = "MaxQueryCostEstimationTime = 100000"
        elif section == "[Parameters]" and key == "NumberOfBuffers":
            line = f"NumberOfBuffers = {buffers}"
        elif key == "MaxDirtyBuffers":
            line = f"MaxDirtyBuffers = {buffers * 3 // 4}"
        out.append(line)
    ini = d / "virtuoso.ini"
    ini.write_text("\n".join(out) + "\n")
    return ini


def start_virtuoso(work, nt, buffers):
    d = work / "virtuoso"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    sql_port, http_port = free_port(), free_port()
    ini = virtuoso_ini(d, nt.parent, sql_port, http_port, buffers)
    proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=d,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http_port}/sparql"
    wait_http(f"{url}?query=ASK%7B%7D", proc, 180)
    script = (f"ld_dir('{nt.parent}', '{nt.name}', '{GRAPH}');\nrdf_loader_run();\ncheckpoint;\n"
              "SELECT 'errors', COUNT(*) FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;\n"
              "SELECT 'loaded', COUNT(*) FROM DB.DBA.load_list WHERE ll_state = 2;\n")
    started = time.perf_counter()
    r = subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba"], input=script.encode(),
                       capture_output=True, check=False)
    load_s = time.perf_counter() - started
    text = r.stdout.decode()
    loaded = [l.split() for l in text.splitlines()]
    # ld_dir lists nothing, silently, from a directory outside DirsAllowed: check it loaded.
    if r.returncode != 0 or "*** Error" in text or ["errors", "0"] not in loaded or ["loaded", "1"] not in loaded:
        raise SystemExit(f"virtuoso bulk load failed:\n{text}")
    return proc, url, load_s


def stop(proc):
    if proc and proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def timed_query(flags, query, params, repeat, timeout):
    cmd = [common.blocgraph_bin(), *flags, "query", query, "--format", "csv", "--timeout", str(timeout)]
    for k, v in params.items():
        cmd += ["--param", f"{k}={v}"]
    best, rows = None, None
    for _ in range(repeat):
        s, _, text, code = common.run_timed(cmd, timeout=timeout + 30)
        if code != 0 or s is None:
            return None, None
        best = s if best is None else min(best, s)
        rows = count_csv_rows(text)
    return best, rows


def run(args):
    rows = args.rows
    work = common.WORK / f"remote-{rows}"
    work.mkdir(parents=True, exist_ok=True)
    data, _ = common.ensure_data(rows)
    store = common.ensure_store(f"rows-{rows}", data)
    nt = common.ensure_nt(store, work / "nt" / "data.nt")
    triples = sum(1 for _ in open(nt, "rb"))
    results = {"rows": rows, "triples": triples, "loadavg": common.loadavg(), "queries": []}
    ox = vt = None
    try:
        marker = work / "oxigraph-push.json"
        reuse = args.reuse_push and marker.exists()
        if not reuse:
            marker.unlink(missing_ok=True)
        ox, base = start_oxigraph(work, keep=reuse)
        if reuse:
            pushed = json.loads(marker.read_text())
            common.log(f"  push: reusing the store pushed by an earlier run ({pushed})")
        else:
            started = time.perf_counter()
            r = subprocess.run([common.blocgraph_bin(), "--store", store, "push", f"{base}/store",
                                "--batch", str(args.batch)], capture_output=True, check=False)
            push_s = time.perf_counter() - started
            if r.returncode != 0:
                raise SystemExit(f"push failed: {r.stderr.decode()}")
            pushed = {"seconds": push_s, "triples_per_s": triples / push_s, "loadavg": common.loadavg()}
            marker.write_text(json.dumps(pushed))
            common.log(f"  push: {triples} triples in {push_s:.1f} s = {triples / push_s:.0f} triples/s")
        results["push_seconds"] = pushed["seconds"]
        results["push_triples_per_s"] = pushed["triples_per_s"]
        results["push_loadavg"] = pushed.get("loadavg")
        vt, vt_url, load_s = start_virtuoso(work, nt, args.virtuoso_buffers)
        results["virtuoso_load_seconds"] = load_s
        common.log(f"  virtuoso bulk load: {load_s:.1f} s")
        engines = {
            "embedded": ["--store", str(store)],
            "oxigraph-server": ["--endpoint", f"{base}/query"],
            "virtuoso": ["--endpoint", vt_url, "--graph", GRAPH],
        }
        for label, query, params in cases(rows):
            row = {"case": label}
            for name, flags in engines.items():
                s, n = timed_query(flags, query, params, args.repeat, args.timeout)
                row[name] = {"seconds": s, "rows": n}
            counts = {v["rows"] for k, v in row.items() if k != "case"}
            row["same_rows"] = len(counts) == 1
            common.log(f"  {label}: " + ", ".join(f"{k} {common.fmt_s(v['seconds'])} ({v['rows']})"
                                                 for k, v in row.items() if isinstance(v, dict)))
            results["queries"].append(row)
            saved = common.load_results(RESULTS)
            saved[str(rows)] = results
            common.save_results(RESULTS, saved)  # after each case: a cut run keeps what it measured
        results["loadavg_end"] = common.loadavg()
    finally:
        stop(vt)
        stop(ox)
    saved = common.load_results(RESULTS)
    saved[str(rows)] = results
    common.save_results(RESULTS, saved)
    report(saved)


def report(saved):
    for rows, r in sorted(saved.items(), key=lambda kv: int(kv[0])):
        print(f"\n### {int(rows):,} generated rows ({r['triples']:,} triples), load average {r.get('loadavg')} at the start, "
              f"{r.get('loadavg_end')} at the end\n")
        print(f"push into oxigraph's server: {r['push_seconds']:.1f} s, {r['push_triples_per_s']:,.0f} triples/s "
              f"(load average {r.get('push_loadavg')} after it); "
              f"Virtuoso bulk load (ld_dir + rdf_loader_run + checkpoint): {r['virtuoso_load_seconds']:.1f} s\n")
        print("- = no answer within the timeout; times are one run of the CLI (process start included)\n")
        print("| query | embedded | oxigraph server | Virtuoso 7.2 | rows | same rows |")
        print("| --- | ---: | ---: | ---: | ---: | --- |")
        for q in r["queries"]:
            cells = [common.fmt_s(q[e]["seconds"]) for e in ("embedded", "oxigraph-server", "virtuoso")]
            counts = [q[e]["rows"] for e in ("embedded", "oxigraph-server", "virtuoso") if q[e]["rows"] is not None]
            # Rows are compared between the engines that answered within the timeout.
            same = "-" if len(counts) < 2 else ("yes" if len(set(counts)) == 1 else "NO")
            print(f"| {q['case']} | {' | '.join(cells)} | {counts[0] if counts else '-'} | {same} |")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("--batch", type=int, default=50_000)
    p.add_argument("--virtuoso-buffers", type=int, default=170_000,
                   help="NumberOfBuffers (8 KiB each; 170000 = 1.3 GB, enough for 100k rows)")
    p.add_argument("--reuse-push", action="store_true",
                   help="keep the oxigraph server's store (and push figures) from an earlier run of this size")
    p.add_argument("--report", action="store_true")
    args = p.parse_args()
    if args.report:
        report(common.load_results(RESULTS))
    else:
        run(args)


if __name__ == "__main__":
    main()
