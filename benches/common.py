"""Helpers shared by benches/queries.py and benches/analyses.py (Python 3.11, standard library).

Paths: the blocgraph binary and the gen_data / analyze_timing examples are taken from
$CARGO_TARGET_DIR (default ~/.cache/blocgraph/target, as .ci/run uses) and built with
`cargo build --release` when missing; $BLOCGRAPH overrides the binary. Generated data and
stores live in $BG_BENCH_DIR (default $TMPDIR/blocgraph-bench), shared with `cargo bench
--bench import`, and are reused between runs (data is deterministic for a size and seed).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/blocgraph/target"))
WORK = Path(os.environ.get("BG_BENCH_DIR", Path(tempfile.gettempdir()) / "blocgraph-bench"))


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def build(*what):
    """cargo build --release [--example X]... (waits for the shared target dir's lock)."""
    cmd = ["cargo", "build", "--release", "--quiet", *what]
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET))
    subprocess.run(cmd, cwd=REPO, env=env, check=True)


def blocgraph_bin():
    if os.environ.get("BLOCGRAPH"):
        return Path(os.environ["BLOCGRAPH"])
    path = TARGET / "release" / "blocgraph"
    if not path.exists():
        build()
    return path


def example_bin(name):
    path = TARGET / "release" / "examples" / name
    if not path.exists() or os.environ.get("BG_BENCH_REBUILD"):
        build("--example", name)
    return path


def run_timed(cmd, timeout=None, stdout_path=None):
    """Runs a command; returns (wall seconds, peak RSS MiB, stdout text or None, exit code).

    The peak RSS is the child's own (os.wait4). On timeout the process is killed and the
    seconds returned are None.
    """
    out = open(stdout_path, "wb") if stdout_path else tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=err)
    deadline = None if timeout is None else started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            proc.returncode = -9
            out.close()
            err.close()
            return None, None, None, -9
        time.sleep(0.002)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = None
    if not stdout_path:
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    err.seek(0)
    errtext = err.read().decode("utf-8", "replace")
    out.close()
    err.close()
    if proc.returncode != 0:
        log(f"  ! {' '.join(map(str, cmd))} exited {proc.returncode}: {errtext.strip()[:500]}")
    return seconds, usage.ru_maxrss / 1024.0, text, proc.returncode


def data_dir(rows, countries=None, blocs=None, rows_label=None):
    name = f"rows-{rows}" if countries is None else f"c{countries}-b{blocs}-rows-{rows}"
    return WORK / "data" / name


def ensure_data(rows, countries=None, blocs=None):
    """Generates the CSV data (and its marker) unless already there; returns (dir, info)."""
    d = data_dir(rows, countries, blocs)
    marker = d / "generated.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("rows") == rows:
            return d, info
    if d.exists():
        shutil.rmtree(d)
    cmd = [example_bin("gen_data"), "--out", d, "--rows", str(rows)]
    if countries is not None:
        cmd += ["--countries", str(countries)]
    if blocs is not None:
        cmd += ["--blocs", str(blocs)]
    log(f"  generating {rows} rows into {d}")
    _, _, text, code = run_timed(cmd)
    if code != 0:
        raise SystemExit(f"gen_data failed for {rows} rows")
    info = json.loads(text.strip().splitlines()[-1])
    marker.write_text(json.dumps(info))
    return d, info


CSV_FILES = ["entities.csv", "sources.csv", "memberships.csv", "trade.csv", "events.csv"]


def ensure_store(name, data=None):
    """A blocgraph store WORK/stores/NAME: seeded, plus the CSV data of `data` if given."""
    store = WORK / "stores" / name
    marker = store.parent / f"{name}.done"
    if marker.exists() and store.exists():
        return store
    if store.exists():
        shutil.rmtree(store)
    store.parent.mkdir(parents=True, exist_ok=True)
    bg = blocgraph_bin()
    if data is None:
        s, _, _, code = run_timed([bg, "--store", store, "stats"])
        log(f"  seeded store {store} in {s:.2f} s")
    else:
        s, _, _, code = run_timed([bg, "--store", store, "import", "--quiet", *[data / f for f in CSV_FILES]])
        log(f"  imported {data} into {store} in {s:.1f} s")
    if code != 0:
        raise SystemExit(f"could not build store {store}")
    marker.write_text("ok\n")
    return store


def ensure_nt(store, path):
    """The whole store as N-Triples (blocgraph export rdf --format nt), cached at `path`."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".nt.part")
    s, _, _, code = run_timed([blocgraph_bin(), "--store", store, "export", "rdf", "--format", "nt", "-o", tmp])
    if code != 0:
        raise SystemExit(f"export of {store} failed")
    tmp.rename(path)
    log(f"  exported {store} as N-Triples in {s:.1f} s")
    return path


def load_results(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}


def save_results(path, results):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(results, indent=1, sort_keys=True))


def loadavg():
    try:
        return Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        return []


class LoadSampler:
    """The 1-minute load average (os.getloadavg()) every `every` seconds while the block runs
    (benches/analyses.py per size, benches/run.py per part)."""

    def __init__(self, every=2.0):
        self.every, self.samples = every, []
        self._stop = threading.Event()

    def _run(self):
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(self.every):
                break

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])

    def summary(self):
        xs = self.samples
        return {"min": min(xs), "max": max(xs), "mean": sum(xs) / len(xs), "samples": len(xs)}


def fmt_s(x):
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    if x < 0.01:
        return f"{x * 1000:.1f} ms"
    if x < 1:
        return f"{x * 1000:.0f} ms"
    return f"{x:.2f} s"


def fmt_ratio(x):
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    return f"{x:.1f}x" if x >= 0.95 else f"{x:.2f}x"
