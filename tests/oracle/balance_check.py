"""Counts balanced triads (Cartwright & Harary) of signed edge lists with networkx.

usage: python3 balance_check.py SIGNED.json
SIGNED.json: {"BLOC": [[a, b, sign], ...], ...} (from `analyze cohesion --format json`).
Prints JSON {"BLOC": [triads, balanced], ...}.
"""
import json
import sys

try:
    import networkx as nx
except ImportError:
    print("networkx is missing: pip install -r tests/oracle/requirements.txt", file=sys.stderr)
    sys.exit(3)


def triads(edges):
    """(closed triads, balanced ones) of a signed edge list [[a, b, sign], ...]."""
    g = nx.Graph()
    for a, b, sign in edges:
        g.add_edge(a, b, sign=sign)
    total = balanced = 0
    for clique in nx.enumerate_all_cliques(g):
        if len(clique) == 3:
            a, b, c = clique
            total += 1
            if g[a][b]["sign"] * g[a][c]["sign"] * g[b][c]["sign"] > 0:
                balanced += 1
        elif len(clique) > 3:
            break
    return total, balanced


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        blocs = json.load(f)
    json.dump({bloc: list(triads(edges)) for bloc, edges in blocs.items()}, sys.stdout)


if __name__ == "__main__":
    main()
