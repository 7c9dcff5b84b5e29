"""Explorer draw times in a real headless Chromium (WebDriver), on the seed store and on a
generated store with many countries. Not a test: it prints what it measured.

    python3 benches/explorer.py [--sizes seed,1000] [--changes 20]

A size N other than `seed` is a store of generated data with N countries (gen_data, 20 rows a
country, at most 100k rows). Needs chromium and chromedriver (apt-get install -y chromium
chromium-driver). Measured per size:
  - first draw: from navigation start to the graph drawn (layout, events and view fetched,
    SVG built), as performance.now() in the page when it sets data-ready;
  - the API alone: /api/layout and /api/view times from the server, as a client sees them,
    and /api/view on --changes other dates with the server warm, median and 90th percentile;
  - date change: from setting a new date to the new graph drawn (fetch + redraw), for
    --changes dates spread over the slider, median and max.
"""
import argparse
import json
import socket
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from common import WORK, blocgraph_bin, example_bin, log


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.loads(r.read() or b"null")


class Browser:
    def __init__(self):
        self.port = free_port()
        self.proc = subprocess.Popen(["chromedriver", f"--port={self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                if http(self.port, "GET", "/status")["value"]["ready"]:
                    break
            except OSError:
                time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1900"]}}}}
        self.session = http(self.port, "POST", "/session", caps)["value"]["sessionId"]

    def cmd(self, method, path, body=None):
        return http(self.port, method, f"/session/{self.session}{path}", body)["value"]

    def script(self, js, *args):
        return self.cmd("POST", "/execute/sync", {"script": js, "args": list(args)})

    def script_async(self, js, *args):
        return self.cmd("POST", "/execute/async", {"script": js, "args": list(args)})

    def close(self):
        try:
            http(self.port, "DELETE", f"/session/{self.session}")
        finally:
            self.proc.kill()
            self.proc.wait()


def store_for(size):
    store = WORK / f"explorer-{size}" / "store"
    if store.exists():
        return store
    store.parent.mkdir(parents=True, exist_ok=True)
    if size == "seed":
        subprocess.run([blocgraph_bin(), "--store", store, "stats"], check=True, stdout=subprocess.DEVNULL)
        return store
    countries = int(size)
    data = WORK / f"explorer-{size}" / "data"
    rows = min(countries * 20, 100_000)
    subprocess.run([example_bin("gen_data"), "--out", data, "--rows", str(rows), "--countries", str(countries)],
                   check=True, stdout=subprocess.DEVNULL)
    files = [data / f for f in ["entities.csv", "sources.csv", "memberships.csv", "trade.csv", "events.csv"]]
    subprocess.run([blocgraph_bin(), "--store", store, "import", *files], check=True, stdout=subprocess.DEVNULL)
    return store


def measure(size, changes):
    store = store_for(size)
    server = subprocess.Popen([blocgraph_bin(), "--store", store, "serve", "--bind", "127.0.0.1:0", "--quiet"],
                              stderr=subprocess.PIPE, text=True)
    browser = None
    try:
        banner = server.stderr.readline()
        base = "http://" + banner.split("http://")[1].split("/")[0]
        api = {}
        for name, path in [("layout", "/api/layout"), ("view", "/api/view?as_of=2024-03-01")]:
            t = time.perf_counter()
            with urllib.request.urlopen(base + path, timeout=300) as r:
                body = json.loads(r.read())
            api[name] = (time.perf_counter() - t) * 1000
            if name == "view":
                api["view_nodes"], api["view_edges"] = len(body["nodes"]), len(body["edges"])
            else:
                api["layout_nodes"] = len(body["nodes"])
        # /api/view alone on a date change, the server warm (its facts read by the first
        # request above): what the explorer's slider asks of the server.
        views = []
        for i in range(changes):
            day = f"{1995 + (i * 29) // max(changes - 1, 1)}-{1 + (i * 7) % 12:02d}-01"
            t = time.perf_counter()
            with urllib.request.urlopen(f"{base}/api/view?as_of={day}", timeout=300) as r:
                r.read()
            views.append((time.perf_counter() - t) * 1000)
        views.sort()
        api["view_change_median"] = statistics.median(views)
        api["view_change_p90"] = views[min(len(views) - 1, (9 * len(views)) // 10)]
        browser = Browser()
        browser.cmd("POST", "/url", {"url": base + "/?as_of=2024-03-01"})
        for _ in range(1200):
            if browser.script("return document.body.dataset.ready === 'true'"):
                break
            time.sleep(0.05)
        first = browser.script("return performance.now()")
        in_page = browser.script("return window.explorer.timings.firstDraw")
        drawn = browser.script("return document.querySelectorAll('#graph [data-node], #graph [data-edge]').length")
        redraws = []
        for i in range(changes):
            day = f"{1995 + (i * 29) // max(changes - 1, 1)}-{1 + (i * 5) % 12:02d}-15"
            ms = browser.script_async("""
                const day = arguments[0], done = arguments[arguments.length - 1];
                const t = performance.now();
                window.explorer.setDate(day);
                (function wait() {
                  if ((document.body.dataset.drawn || '').startsWith(day)) done(performance.now() - t);
                  else setTimeout(wait, 2);
                })();""", day)
            redraws.append(ms)
        return {"size": size, "first_draw_ms": round(first), "start_to_draw_ms": round(in_page),
                "svg_elements": drawn, "redraw_median_ms": round(statistics.median(redraws)),
                "redraw_max_ms": round(max(redraws)), **{k: round(v) for k, v in api.items()}}
    finally:
        if browser:
            browser.close()
        server.kill()
        server.wait()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="seed,1000")
    p.add_argument("--changes", type=int, default=20)
    args = p.parse_args()
    for size in args.sizes.split(","):
        log(f"explorer bench: {size} ...")
        print(json.dumps(measure(size, args.changes)), flush=True)


if __name__ == "__main__":
    main()
