"""Recomputes a blocgraph panel (export panel) from the store's RDF (export rdf) with rdflib and
pandas, by the rules of docs/panel.md, and compares every cell with blocgraph's CSV.

Usage: python3 panel_check.py STORE.nt PANEL.csv CODES.csv UNIT RULE FROM TO DIRECTED
Prints 'ok N rows' or the differing cells (and exits 1).
"""
import sys
from collections import defaultdict

import pandas as pd
import rdflib
from rdflib.namespace import RDF

BG = rdflib.Namespace("https://blocgraph.org/ns#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")

RANK = {"frozen": 5, "member": 4, "associate": 3, "observer": 2}
KINDS = [("defense", "atop_defense"), ("offense", "atop_offense"), ("neutrality", "atop_neutral"),
         ("nonaggression", "atop_nonagg"), ("consultation", "atop_consul")]


def main():
    nt, panel_csv, codes_csv, unit, rule, first, last, directed = sys.argv[1:9]
    first, last, directed = int(first), int(last), directed == "true"
    g = rdflib.Graph()
    g.parse(nt, format="nt")

    def ident(node):
        return str(g.value(node, BG.id))

    def year(lit):
        return int(str(lit)[:4])

    countries = sorted(ident(s) for s in g.subjects(RDF.type, BG.Country))
    blocs = sorted(ident(s) for s in g.subjects(RDF.type, BG.Bloc))
    horizon, issued = {}, {}
    for s in g.subjects(RDF.type, BG.Source):
        issued[ident(s)] = year(g.value(s, DCT.issued))
        h = g.value(s, BG.horizon)
        if h is not None:
            horizon[ident(s)] = year(h)
    coverage = defaultdict(list)
    for c in g.subjects(RDF.type, BG.Coverage):
        src = ident(g.value(c, PROV.wasDerivedFrom))
        coverage[(src, ident(g.value(c, BG.country)), ident(g.value(c, BG.bloc)))].append(
            (year(g.value(c, BG.coversFrom)), year(g.value(c, BG.coversTo))))
    datasets = set(horizon) | {k[0] for k in coverage}
    curated_h = max((y for s, y in issued.items() if s not in datasets), default=None)
    covering_sources = {k[0] for k in coverage}

    members = []
    for m in g.subjects(RDF.type, BG.Membership):
        end = g.value(m, BG.endDay)
        members.append(dict(
            c=ident(g.value(m, ORG.member)), b=ident(g.value(m, ORG.organization)),
            role=str(g.value(m, ORG.role)).rsplit("/", 1)[1], start=str(g.value(m, BG.startDay)),
            end=None if end is None else str(end), src=ident(g.value(m, PROV.wasDerivedFrom))))

    def counts(m, y):
        if m["src"] not in datasets:
            return curated_h is not None and y <= curated_h
        if m["src"] in horizon and y > horizon[m["src"]]:
            return False
        if m["src"] not in covering_sources:
            return True
        return any(f <= y <= t for f, t in coverage.get((m["src"], m["c"], m["b"]), []))

    def holds(m, y):
        if m["start"] > f"{y:04d}-12-31":
            return False
        if m["end"] is None:
            return True
        return m["end"] > (f"{y:04d}-12-31" if rule == "end-of-year" else f"{y:04d}-01-01")

    years = list(range(first, last + 1))
    cell = {}
    for m in members:
        for y in years:
            if holds(m, y) and counts(m, y):
                k = (m["c"], m["b"], y)
                if k not in cell or RANK.get(m["role"], 1) > RANK.get(cell[k], 1):
                    cell[k] = m["role"]
    first_curated = {}
    for m in members:
        if m["src"] not in datasets:
            first_curated[m["b"]] = min(first_curated.get(m["b"], 9999), int(m["start"][:4]))
    for c in countries:
        for b in blocs:
            for y in years:
                if (c, b, y) in cell:
                    continue
                cur = b in first_curated and first_curated[b] <= y and curated_h is not None and y <= curated_h
                ds = any(cc == c and bb == b and any(f <= y <= t for f, t in spans)
                         and (src not in horizon or y <= horizon[src])
                         for (src, cc, bb), spans in coverage.items())
                if cur or ds:
                    cell[(c, b, y)] = "none"

    events = []
    for e in g.subjects(RDF.type, BG.Event):
        t = g.value(e, BG.target)
        events.append((year(g.value(e, BG.dateDay)), ident(g.value(e, BG.actor)),
                       None if t is None else ident(t), int(g.value(e, BG.polarity))))
    ev_years = [e[0] for e in events]
    ev_cov = (lambda y: min(ev_years) <= y <= max(ev_years)) if ev_years else (lambda y: False)
    trade = []
    for t in g.subjects(RDF.type, BG.TradeFlow):
        a, b = year(g.value(t, BG.periodStartDay)), year(g.value(t, BG.periodEndDay))
        if a == b:
            trade.append((a, ident(g.value(t, BG.reporter)), ident(g.value(t, BG.partner)),
                          float(g.value(t, BG.valueUsd))))

    def usd(v):
        return str(int(v)) if float(v).is_integer() else repr(v)

    codes = pd.read_csv(codes_csv, dtype=str, keep_default_na=False)
    by_id = defaultdict(list)
    for r in codes.to_dict("records"):
        if r["id"]:
            by_id[r["id"]].append(r)

    def code_row(i, y):
        rows = by_id.get(i, [])
        if not rows:
            return None
        for r in rows:
            for sp in r["cow_spells"].split("|"):
                a, b = sp.split("-")
                if int(a) <= y <= int(b):
                    return r
        return max(rows, key=lambda r: max(int(sp.split("-")[1]) for sp in r["cow_spells"].split("|")))

    key_cache = {}

    def keys(i, y):
        if (i, y) not in key_cache:
            r = code_row(i, y)
            key_cache[(i, y)] = [i, "" if r is None else r["cow"], "" if r is None else r["gw"]]
        return key_cache[(i, y)]

    out = []
    if unit == "country-year":
        cols = ["year", "iso3", "cow", "gw"] + blocs + ["events_neg", "events_neu", "events_pos", "trade_usd"]
        for c in countries:
            for y in years:
                row = [str(y)] + keys(c, y) + [cell.get((c, b, y), "") for b in blocs]
                n = [0, 0, 0]
                for ey, a, t, p in events:
                    if ey == y and (a == c or t == c):
                        n[(p > 0) - (p < 0) + 1] += 1
                row += [str(x) if ev_cov(y) else "" for x in n]
                vals = [v for ty, r, _, v in trade if ty == y and r == c]
                row.append(usd(sum(vals)) if vals else "")
                out.append(row)
    else:
        cols = (["year", "iso3_a", "cow_a", "gw_a", "iso3_b", "cow_b", "gw_b", "shared_blocs", "shared_list"]
                + [k[1] for k in KINDS] + ["events_neg", "events_neu", "events_pos", "net_polarity", "trade_usd"])
        obl = []
        for o in g.subjects(RDF.type, BG.Obligation):
            a, b = sorted(ident(x) for x in g.objects(o, BG.ally))
            end = g.value(o, BG.endDay)
            obl.append(dict(a=a, b=b, kind=str(g.value(o, BG.obligation)), start=year(g.value(o, BG.startDay)),
                            end=None if end is None else year(end), src=ident(g.value(o, PROV.wasDerivedFrom))))
        src_first = {}
        for o in obl:
            src_first[o["src"]] = min(src_first.get(o["src"], 9999), o["start"])
        pairs_cov = defaultdict(list)
        for o in obl:
            pairs_cov[(o["a"], o["b"])].append((src_first[o["src"]], horizon.get(o["src"], 99999)))
        held = set()
        for o in obl:
            until = (o["end"] - 1) if o["end"] is not None else horizon.get(o["src"], 99999)
            for y in years:
                if o["start"] <= y <= until:
                    held.add((o["a"], o["b"], o["kind"], y))
        ev_by = defaultdict(list)
        for ey, act, tgt, pol in events:
            if tgt is not None:
                ev_by[(ey, act, tgt)].append(pol)
        tr_by = defaultdict(list)
        for ty, tr, tp, val in trade:
            tr_by[(ty, tr, tp)].append(val)
        for a in countries:
            for b in countries:
                if a == b or (not directed and b < a):
                    continue
                p = tuple(sorted((a, b)))
                for y in years:
                    ka, kb = keys(a, y), keys(b, y)
                    row = [str(y)] + ka + kb
                    both = [bl for bl in blocs if (a, bl, y) in cell and (b, bl, y) in cell]
                    shared = [bl for bl in both if cell[(a, bl, y)] == "member" and cell[(b, bl, y)] == "member"]
                    row += [str(len(shared)) if both else "", ";".join(shared) if both else ""]
                    covered = any(f <= y <= t for f, t in pairs_cov.get(p, []))
                    for kind, _ in KINDS:
                        row.append("1" if (p[0], p[1], kind, y) in held else ("0" if covered else ""))
                    n, net = [0, 0, 0], 0
                    pols = ev_by.get((y, a, b), []) + ([] if directed else ev_by.get((y, b, a), []))
                    for pol in pols:
                        n[(pol > 0) - (pol < 0) + 1] += 1
                        net += pol
                    row += [str(x) if ev_cov(y) else "" for x in n] + [str(net) if ev_cov(y) else ""]

                    def tsum(r, q):
                        v = tr_by.get((y, r, q), [])
                        return sum(v) if v else None
                    if directed:
                        tv = tsum(a, b)
                    else:
                        x, z = tsum(a, b), tsum(b, a)
                        tv = max(x, z) if x is not None and z is not None else (x if x is not None else z)
                    row.append("" if tv is None else usd(tv))
                    out.append(row)
    expected = pd.DataFrame(out, columns=cols)
    actual = pd.read_csv(panel_csv, dtype=str, keep_default_na=False)
    if list(actual.columns) != cols:
        print(f"columns differ:\n  expected {cols}\n  actual   {list(actual.columns)}")
        sys.exit(1)
    key = ["year", "iso3"] if unit == "country-year" else ["year", "iso3_a", "iso3_b"]
    expected = expected.sort_values(key).reset_index(drop=True)
    actual = actual.sort_values(key).reset_index(drop=True)
    if len(expected) != len(actual):
        print(f"row count differs: expected {len(expected)}, actual {len(actual)}")
        sys.exit(1)
    diff = expected != actual
    if diff.values.any():
        bad = diff.stack()
        bad = bad[bad]
        for (i, col) in list(bad.index)[:20]:
            print(f"row {dict(expected.loc[i, key])} column {col}: expected {expected.loc[i, col]!r}, actual {actual.loc[i, col]!r}")
        print(f"{len(bad)} cells differ")
        sys.exit(1)
    print(f"ok {len(actual)} rows {len(cols)} columns")


if __name__ == "__main__":
    main()
