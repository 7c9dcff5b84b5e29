"""Recomputes blocgraph's graph figures with networkx, the independent oracle.

usage: python3 graph_check.py NODES.txt EDGES.csv
NODES.txt: one node id per line (every country and bloc of the view, isolated ones included).
EDGES.csv: `blocgraph export edges` output. The simple undirected graph is built as documented
in src/analyze/centrality.rs: no self-loops, parallel edges merged, weights summed.
Prints JSON {"density": d, "betweenness": {id: b}, "pagerank": {id: p}, "weighted_degree": {id: w}}.
"""
import csv
import json
import sys

try:
    import networkx as nx
except ImportError:
    print("networkx is missing: pip install -r tests/oracle/requirements.txt", file=sys.stderr)
    sys.exit(3)


def simple_graph(nodes, edges_path):
    """The simple undirected graph of `nodes` and the edges CSV, parallel edges' weights summed."""
    g = nx.Graph()
    g.add_nodes_from(nodes)
    with open(edges_path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            a, b, w = row["source"], row["target"], float(row["weight"])
            if a == b:
                continue
            if g.has_edge(a, b):
                g[a][b]["weight"] += w
            else:
                g.add_edge(a, b, weight=w)
    return g


def main():
    nodes_file, edges_file = sys.argv[1:3]
    with open(nodes_file, encoding="utf-8") as f:
        g = simple_graph([line.strip() for line in f if line.strip()], edges_file)
    out = {
        "density": nx.density(g),
        "betweenness": nx.betweenness_centrality(g, normalized=True),
        "pagerank": nx.pagerank(g, alpha=0.85, weight=None, tol=1e-15, max_iter=100000),
        "weighted_degree": dict(g.degree(weight="weight")),
        "degree": dict(g.degree()),
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
