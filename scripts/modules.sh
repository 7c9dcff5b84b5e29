#!/usr/bin/env bash
# Prints blocgraph's module graph: each top-level module of src/ and the modules it uses, read
# from the `crate::` paths of its code (`blocgraph::` for the binary, src/main.rs and src/cmd/,
# shown as `cmd`). The test `layers_one_way` (tests/layers.rs) checks the same graph against the
# layers of docs/architecture.md. Needs only python3; no build.
#
#   scripts/modules.sh             # this checkout
#   scripts/modules.sh OTHER_REPO  # another checkout (say, before a change), for comparison
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
exec python3 - "$root/src" <<'PY'
import os, re, sys
src = sys.argv[1]
def module(path):
    first = os.path.relpath(path, src).split(os.sep)[0]
    first = first[:-3] if first.endswith(".rs") else first
    return "cmd" if first == "main" else first
files = [os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f.endswith(".rs")]
modules = {module(f) for f in files} - {"lib"}
graph = {m: set() for m in modules}
for f in files:
    here = module(f)
    if here == "lib":
        continue
    prefix = "blocgraph::" if here == "cmd" else "crate::"
    for line in open(f, encoding="utf-8"):
        if line.lstrip().startswith("//"):
            continue
        for m in re.finditer(r"(?<![\w])" + re.escape(prefix) + r"(\{[^}]*\}|\w+)", line):
            names = re.findall(r"(\w+)(?:::\S*)?", m.group(1).strip("{}")) if m.group(1).startswith("{") else [m.group(1)]
            graph[here].update(n for n in names if n in modules and n != here and n != "self")
for m in sorted(graph):
    print(f"{m} -> {' '.join(sorted(graph[m]))}".rstrip())
PY
