"""Reads a GEXF file with networkx's read_gexf (GEXF 1.3) and prints what it found as JSON:
node and edge counts by kind, and the spells and role values of chosen edges.

usage: python3 gexf_check.py FILE.gexf
"""
import json
import sys

try:
    import networkx as nx
except ImportError:
    print("networkx is missing: pip install -r tests/oracle/requirements.txt", file=sys.stderr)
    sys.exit(3)

g = nx.read_gexf(sys.argv[1], version="1.3")
kinds = {}
edges = {}
for a, b, k, d in g.edges(keys=True, data=True) if g.is_multigraph() else ((a, b, None, d) for a, b, d in g.edges(data=True)):
    kinds[d.get("kind")] = kinds.get(d.get("kind"), 0) + 1
    edges[d.get("id", f"{a}->{b}")] = {
        "source": a, "target": b, "spells": d.get("spells"), "role": d.get("role"),
        "sources": d.get("sources"), "obligation": d.get("obligation"), "polarity": d.get("polarity"),
    }
print(json.dumps({
    "mode": g.graph.get("mode"),
    "nodes": g.number_of_nodes(),
    "node_kinds": {k: sum(1 for _, d in g.nodes(data=True) if d.get("kind") == k) for k in ("country", "bloc")},
    "edge_kinds": kinds,
    "edges": edges,
    "RUS": dict(g.nodes["RUS"]) if "RUS" in g else None,
}, default=str))
