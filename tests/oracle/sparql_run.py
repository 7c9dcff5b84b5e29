"""Runs SPARQL queries with rdflib on an exported N-Triples file: the independent engine.

usage: python3 sparql_run.py CASES.json
CASES.json is a list of {"data": "path/to/DATA.nt", "query": "path/to/QUERY.rq", "bindings":
{...}}; bindings map variable names to {"iri": "..."} or {"date": "YYYY-MM-DD"} or
{"string": "..."}. Each data file is parsed once.
Prints a list, one {"vars": [...], "rows": [[cell, ...], ...]} per case, with cells normalised
as in tests/oracle.rs: an IRI as <iri>, a literal as its lexical form followed by ^^datatype
unless a plain string, "" unbound.
"""
import json
import sys

try:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import XSD
except ImportError:
    print("rdflib is missing: pip install -r tests/oracle/requirements.txt", file=sys.stderr)
    sys.exit(3)


def cell(term):
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return "<%s>" % term
    if isinstance(term, Literal):
        if term.datatype is None or term.datatype == XSD.string:
            return str(term)
        return "%s^^%s" % (str(term), term.datatype)
    return str(term)


def ordered_sources(text):
    """The `sources` column as blocgraph prints it (docs/model.md, Claims): the queries
    concatenate "RANK id" keys in no order; sort by rank, then id, and drop the ranks."""
    parts = []
    for part in [p for p in text.split(";") if p]:
        rank, sep, ident = part.partition(" ")
        if not sep or not rank.isdigit():
            return text
        parts.append((int(rank), ident))
    return ";".join(ident for _, ident in sorted(set(parts)))


def run(graph, query_file, spec):
    with open(query_file, encoding="utf-8") as f:
        query = f.read()
    bindings = {}
    for name, value in spec.items():
        if "iri" in value:
            bindings[name] = URIRef(value["iri"])
        elif "date" in value:
            bindings[name] = Literal(value["date"], datatype=XSD.date)
        else:
            bindings[name] = Literal(value["string"])
    result = graph.query(query, initBindings=bindings)
    names = [str(v) for v in result.vars]
    rows = [[cell(row[i]) for i in range(len(names))] for row in result]
    if "sources" in names:
        i = names.index("sources")
        for row in rows:
            row[i] = ordered_sources(row[i])
    return {"vars": names, "rows": rows}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    graphs = {}
    for c in cases:
        if c["data"] not in graphs:
            graphs[c["data"]] = Graph().parse(c["data"], format="nt")
    json.dump([run(graphs[c["data"]], c["query"], c["bindings"]) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
