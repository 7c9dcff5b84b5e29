"""Rebuilds blocgraph's view of a date from the exported RDF, by the rules written in
docs/cohesion.md ("The date and the view", "Rules that decide what counts", "The components",
"The composite and its evidence threshold", the leave-one-source-out check) and
docs/centrality.md, and recomputes with networkx what `analyze centrality` and `analyze
cohesion` report. It reads only the RDF (docs/model.md): nothing blocgraph computed (not even
its derived bg:untilDay; it does read bg:claim, the claims being part of the data model).

usage: python3 view_check.py STORE.nt AS_OF [AS_OF...]
Each AS_OF is YYYY-MM-DD; the window is 24 months.
Prints JSON {AS_OF: {"countries": [...], "density": d, "centrality": {id: {...}},
"cohesion": {bloc: {...}}}}.
"""
import calendar
import json
import sys

try:
    import networkx as nx
    from rdflib import Graph, Namespace, RDF, RDFS, URIRef

    import balance_check  # the triad count of Cartwright and Harary, beside this file
except ImportError:
    print("networkx and rdflib are needed: pip install -r tests/oracle/requirements.txt",
          file=sys.stderr)
    sys.exit(3)

BG = Namespace("https://blocgraph.org/ns#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ROLE = "https://blocgraph.org/ns/role/"
FACT = "https://blocgraph.org/fact/"
WITHDRAWAL = URIRef("https://blocgraph.org/ns/event-type/withdrawal-announcement")
# docs/cohesion.md: where sources give different roles, "frozen > member > associate > observer
# > applicant" (a freeze anywhere is news).
RANK = {"frozen": 5, "member": 4, "associate": 3, "observer": 2, "applicant": 1}
HOLDS = ("member", "associate", "frozen")
TAKES_PART = ("member", "associate")
WEIGHTS = {"retention": 0.4, "polarity": 0.3, "balance": 0.2, "trade_share": 0.1}
MIN_EVENTS, MIN_EVENT_SOURCES = 5, 2
WINDOW = 24
Z = 1.959963984540054


# ---------------------------------------------------------------------------- dates

def first_day(stated):
    """The first day of a stated date (YYYY, YYYY-MM, YYYY-MM-DD) as YYYY-MM-DD."""
    return {4: stated + "-01-01", 7: stated + "-01"}.get(len(stated), stated[:10])


def last_day(stated):
    """The last day of a stated date."""
    if len(stated) == 4:
        return stated + "-12-31"
    if len(stated) == 7:
        y, m = int(stated[:4]), int(stated[5:7])
        return "%s-%02d" % (stated, calendar.monthrange(y, m)[1])
    return stated[:10]


def day_before(day):
    y, m, d = (int(x) for x in day.split("-"))
    if d > 1:
        return "%04d-%02d-%02d" % (y, m, d - 1)
    if m > 1:
        return "%04d-%02d-%02d" % (y, m - 1, calendar.monthrange(y, m - 1)[1])
    return "%04d-12-31" % (y - 1)


def months_before(day, months):
    """YYYY-MM-DD minus `months` months, the day clamped to the month's length."""
    y, m, d = (int(x) for x in day.split("-"))
    total = y * 12 + (m - 1) - months
    y, m = total // 12, total % 12 + 1
    return "%04d-%02d-%02d" % (y, m, min(d, calendar.monthrange(y, m)[1]))


# ---------------------------------------------------------------------------- the data

def one(g, s, p):
    """The single object of (s, p), or None."""
    return next(iter(g.objects(s, p)), None)


def text(term):
    return None if term is None else str(term)


def local(iri):
    return str(iri)[len(FACT):] if str(iri).startswith(FACT) else str(iri)


def pair(a, b):
    return (a, b) if a <= b else (b, a)


class Data:
    """Everything the view is made of, read once from the RDF."""

    def __init__(self, g):
        ident = {s: str(o) for s, o in g.subject_objects(BG.id)}
        self.nodes = {}
        for cls, kind in ((BG.Country, "country"), (BG.Bloc, "bloc")):
            for s in g.subjects(RDF.type, cls):
                if s in ident and one(g, s, RDFS.label) is not None:
                    self.nodes[ident[s]] = kind
        # Sources: the last day of each horizon (the day before bg:horizonEndDay).
        horizon, horizon_end = {}, {}
        for s in g.subjects(RDF.type, BG.Source):
            end = one(g, s, BG.horizonEndDay)
            if end is not None:
                horizon_end[s] = str(end)
                horizon[s] = day_before(str(end))
        self.spells = []
        for m in g.subjects(RDF.type, BG.Membership):
            src = one(g, m, PROV.wasDerivedFrom)
            start, end = text(one(g, m, BG.start)), text(one(g, m, BG.end))
            # docs/model.md, Horizons: an open spell of a source with a horizon holds until the
            # horizon's end day; an ended one until its end.
            until = first_day(end) if end else horizon_end.get(src)
            self.spells.append({
                "country": ident[one(g, m, ORG.member)], "bloc": ident[one(g, m, ORG.organization)],
                "role": str(one(g, m, ORG.role))[len(ROLE):], "start": start, "end": end,
                "until": until, "source": ident[src]})
        # Event facts, each with its claim, and what its source's horizon lets it say.
        self.event_facts = []
        for e in g.subjects(RDF.type, BG.Event):
            src = one(g, e, PROV.wasDerivedFrom)
            target, bloc = one(g, e, BG.target), one(g, e, BG.bloc)
            self.event_facts.append({
                "fact": local(e), "claim": local(one(g, e, BG.claim) or e),
                "date": str(one(g, e, BG.date)), "type": one(g, e, BG.eventType),
                "actor": ident[one(g, e, BG.actor)],
                "target": ident[target] if target is not None else None,
                "bloc": ident[bloc] if bloc is not None else None,
                "polarity": max(-1, min(1, int(one(g, e, BG.polarity)))),
                "source": ident[src], "horizon": horizon.get(src)})
        self.trade_facts = []
        for t in g.subjects(RDF.type, BG.TradeFlow):
            src = one(g, t, PROV.wasDerivedFrom)
            self.trade_facts.append({
                "fact": local(t), "claim": local(one(g, t, BG.claim) or t),
                "reporter": ident[one(g, t, BG.reporter)], "partner": ident[one(g, t, BG.partner)],
                "start": str(one(g, t, BG.periodStart)), "end": str(one(g, t, BG.periodEnd)),
                "value": float(one(g, t, BG.valueUsd)),
                "forecast": text(one(g, t, BG.status)) == "forecast",
                "source": ident[src], "horizon": horizon.get(src)})
        self.obligations = []
        for o in g.subjects(RDF.type, BG.Obligation):
            allies = sorted(ident[a] for a in g.objects(o, BG.ally))
            src = one(g, o, PROV.wasDerivedFrom)
            self.obligations.append({
                "pair": tuple(allies), "start": str(one(g, o, BG.startDay)),
                "end": text(one(g, o, BG.endDay)),
                "until": horizon_end.get(src)})


# ---------------------------------------------------------------------------- the view

def holds(spell, day):
    return first_day(spell["start"]) <= day and (spell["until"] is None or day < spell["until"])


def claims(facts, keep):
    """Facts grouped by claim; the claim's fields are its primary fact's (the fact whose id is
    the claim's), its sources those of all its facts that `keep` keeps."""
    out = {}
    for f in facts:
        if not keep(f):
            continue
        c = out.setdefault(f["claim"], {"sources": set()})
        c["sources"].add(f["source"])
        if f["fact"] == f["claim"] or "fact" not in c:
            c.update({k: v for k, v in f.items() if k != "source"})
    return list(out.values())


def view(data, as_of):
    start = months_before(as_of, WINDOW)
    in_window = lambda seen: start <= seen <= as_of  # noqa: E731
    roles = {}
    for s in data.spells:
        if holds(s, as_of):
            key = (s["country"], s["bloc"])
            if key not in roles or RANK[s["role"]] > RANK[roles[key]]:
                roles[key] = s["role"]
    # Departures (rule 5): an exit, a freeze, an announced withdrawal, seen in the window.
    departures = {}
    for s in data.spells:
        if s["end"] and s["role"] in HOLDS and in_window(last_day(s["end"])):
            same = [o for o in data.spells if (o["country"], o["bloc"]) == (s["country"], s["bloc"])]
            if not any(o["role"] in HOLDS and holds(o, first_day(s["end"])) for o in same):
                departures.setdefault(s["bloc"], {}).setdefault(
                    (s["country"], "exit", s["end"]), set()).add(s["source"])
        if s["role"] == "frozen" and in_window(last_day(s["start"])):
            departures.setdefault(s["bloc"], {}).setdefault(
                (s["country"], "freeze", s["start"]), set()).add(s["source"])
    # Events (rule 1): seen on the last day of the stated date, or on the source's horizon if
    # that comes first; a fact its source dates wholly after its horizon is not an observation.
    def seen_event(f):
        if f["horizon"] and first_day(f["date"]) > f["horizon"]:
            return None
        return min(last_day(f["date"]), f["horizon"]) if f["horizon"] else last_day(f["date"])

    events = []
    for c in claims(data.event_facts, lambda f: seen_event(f) is not None):
        seen = seen_event(c)
        if seen is None or not in_window(seen):
            continue
        events.append(c)
        if c["type"] == WITHDRAWAL:
            bloc = c["bloc"] or (c["target"] if data.nodes.get(c["target"]) == "bloc" else None)
            if bloc:
                departures.setdefault(bloc, {}).setdefault(
                    (c["actor"], "announcement", c["date"]), set()).update(c["sources"])
    # Trade (rules 2 and 4): observed figures whose period ended in the window, within their
    # source's horizon; forecasts whose period overlaps the window (drawn, never counted).
    def trade_counts(f):
        if f["forecast"]:
            return first_day(f["start"]) <= as_of and last_day(f["end"]) >= start
        return in_window(last_day(f["end"])) and not (
            f["horizon"] and last_day(f["end"]) > f["horizon"])

    trade = claims(data.trade_facts, trade_counts)
    # Newest period end first, then the longest period, then the claim id.
    trade.sort(key=lambda t: (t["claim"],))
    trade.sort(key=lambda t: first_day(t["start"]))
    trade.sort(key=lambda t: last_day(t["end"]), reverse=True)
    obligations = {o["pair"] for o in data.obligations
                   if o["start"] <= as_of and (
                       as_of < o["end"] if o["end"] else (o["until"] is None or as_of < o["until"]))}
    return {"as_of": as_of, "start": start, "roles": roles, "departures": departures,
            "events": events, "trade": trade, "obligations": obligations}


# ---------------------------------------------------------------------------- centrality

def counterpart(e):
    return e["target"] if e["target"] is not None else e["bloc"]


def centrality(data, v):
    """docs/centrality.md: the undirected simple graph, weights summed per pair."""
    nodes = data.nodes
    g = nx.Graph()
    g.add_nodes_from(nodes)
    edges = [(c, b, 1.0) for (c, b) in v["roles"]]
    for forecast in (False, True):
        seen = set()
        for t in v["trade"]:
            if t["forecast"] == forecast and pair(t["reporter"], t["partner"]) not in seen:
                seen.add(pair(t["reporter"], t["partner"]))
                edges.append((t["reporter"], t["partner"], t["value"] / 1e9))
    net = {}
    for e in v["events"]:
        t = counterpart(e)
        if t is not None and t != e["actor"]:
            net[(e["actor"], t)] = net.get((e["actor"], t), 0) + e["polarity"]
    edges += [(a, t, float(max(abs(s), 1))) for (a, t), s in net.items()]
    edges += [(a, b, 1.0) for a, b in v["obligations"]]
    for a, b, w in edges:
        if a == b or a not in nodes or b not in nodes:
            continue
        if g.has_edge(a, b):
            g[a][b]["weight"] += w
        else:
            g.add_edge(a, b, weight=w)
    bc = nx.betweenness_centrality(g, normalized=True)
    pr = nx.pagerank(g, alpha=0.85, weight=None, tol=1e-15, max_iter=100000)
    out = {n: {"degree": g.degree(n), "weighted_degree": g.degree(n, weight="weight"),
               "betweenness": bc[n], "pagerank": pr[n]}
           for n, kind in nodes.items() if kind == "country"}
    return nx.density(g), out


# ---------------------------------------------------------------------------- cohesion

def evidence(data, v, bloc, exclude=None):
    holders = {c for (c, b), r in v["roles"].items() if b == bloc and r in TAKES_PART}
    departed = {c for (c, _, _) in v["departures"].get(bloc, {})}
    counted = holders | departed
    circle = counted | {bloc}
    kept = lambda c: exclude is None or any(s != exclude for s in c["sources"])  # noqa: E731
    events = [e for e in v["events"] if kept(e) and counterpart(e) is not None
              and counterpart(e) != e["actor"] and e["actor"] in circle and counterpart(e) in circle]
    trade, pairs = [], set()
    for t in v["trade"]:
        if t["forecast"] or not kept(t):
            continue
        if data.nodes.get(t["reporter"]) != "country" or data.nodes.get(t["partner"]) != "country":
            continue
        if t["reporter"] not in counted and t["partner"] not in counted:
            continue
        if pair(t["reporter"], t["partner"]) not in pairs:
            pairs.add(pair(t["reporter"], t["partner"]))
            trade.append(t)
    return holders, departed, counted, events, trade


def figures(bloc, holders, departed, counted, events, trade):
    retained = [c for c in counted if c in holders and c not in departed]
    retention = len(retained) / len(counted) if counted else None
    polarity = ((sum(e["polarity"] for e in events) / len(events) + 1) / 2) if events else None
    every = sum(t["value"] for t in trade)
    inside = sum(t["value"] for t in trade if t["reporter"] in counted and t["partner"] in counted)
    trade_share = inside / every if every > 0 else None
    # The signed graph: holders +1 and departed -1 to the bloc; the sign of a pair's net event
    # polarity (both directions) overrides; a net of zero adds nothing.
    signs = {pair(c, bloc): 1 for c in holders}
    signs.update({pair(c, bloc): -1 for c in departed})
    net = {}
    for e in events:
        p = pair(e["actor"], counterpart(e))
        net[p] = net.get(p, 0) + e["polarity"]
    signs.update({p: (1 if n > 0 else -1) for p, n in net.items() if n != 0})
    triads, balanced = balance_check.triads([(a, b, s) for (a, b), s in signs.items()])
    balance = balanced / triads if triads else None
    parts = {"retention": retention, "polarity": polarity, "balance": balance,
             "trade_share": trade_share}
    return parts, len(retained), triads, int(balanced), signs


def composite(parts):
    present = {k: x for k, x in parts.items() if x is not None}
    if not present:
        return None
    return sum(WEIGHTS[k] * x for k, x in present.items()) / sum(WEIGHTS[k] for k in present)


def shortfall(counted, events):
    sources = {s for e in events for s in e["sources"]}
    n = len(events)
    if not counted:
        return "no members on the date"
    if n < MIN_EVENTS:
        return "not enough evidence: %d %s in the window (needs %d)" % (
            n, "event" if n == 1 else "events", MIN_EVENTS)
    if len(sources) < MIN_EVENT_SOURCES:
        return "not enough evidence: events from %d %s (needs %d)" % (
            len(sources), "source" if len(sources) == 1 else "sources", MIN_EVENT_SOURCES)
    return None


def wilson(k, n):
    if n == 0:
        return None, None
    p, z2 = k / n, Z * Z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)) ** 0.5
    return max(centre - half, 0.0), min(centre + half, 1.0)


def cohesion(data, v, bloc):
    holders, departed, counted, events, trade = evidence(data, v, bloc)
    parts, retained, triads, balanced, signs = figures(bloc, holders, departed, counted, events, trade)
    reason = shortfall(counted, events)
    value = composite(parts) if reason is None else None
    # Leave one source out: each source of the counted events and trade figures in turn.
    loso, most = [], None
    if value is not None:
        for s in sorted({s for c in events + trade for s in c["sources"]}):
            ev = evidence(data, v, bloc, exclude=s)
            without = None if shortfall(ev[2], ev[3]) else composite(figures(bloc, *ev)[0])
            shift = float("inf") if without is None else abs(without - value)
            if without is not None:
                loso.append(without)
            if most is None or shift > most[0]:
                most = (shift, s, without)
    counts = {}
    for e in events:
        for s in e["sources"]:
            counts[s] = counts.get(s, 0) + 1
    top = min(counts.items(), key=lambda x: (-x[1], x[0])) if counts else ("", 0)
    low, high = wilson(retained, len(counted))
    order = {"exit": 0, "freeze": 1, "announcement": 2}
    departures = sorted(v["departures"].get(bloc, {}).items(),
                        key=lambda x: (x[0][0], order[x[0][1]], x[0][2]))
    return dict(
        parts, members=len(holders), counted=len(counted), retained=retained,
        member_list=sorted(counted), retention_low=low, retention_high=high,
        departures=[{"country": c, "bloc": bloc, "kind": k, "date": d, "sources": sorted(src)}
                    for (c, k, d), src in departures],
        events=len(events), friction=sum(e["polarity"] == -1 for e in events),
        cooperation=sum(e["polarity"] == 1 for e in events),
        event_sources=len(counts), top_source=top[0], top_source_events=top[1],
        triads=triads, balanced_triads=balanced, trade_figures=len(trade),
        cohesion=value, reason=reason or "",
        components=sum(x is not None for x in parts.values()),
        loso_low=min(loso) if loso else None, loso_high=max(loso) if loso else None,
        loso_most_source=most[1] if most else None, loso_most_value=most[2] if most else None,
        signed_edges=[[a, b, s] for (a, b), s in sorted(signs.items())])


def main():
    data_file, dates = sys.argv[1], sys.argv[2:]
    g = Graph()
    g.parse(data_file, format="nt")
    data = Data(g)
    out = {}
    for as_of in dates:
        v = view(data, as_of)
        density, cent = centrality(data, v)
        blocs = sorted(n for n, k in data.nodes.items() if k == "bloc")
        out[as_of] = {
            "countries": sorted(cent), "density": density, "centrality": cent,
            "cohesion": {b: cohesion(data, v, b) for b in blocs},
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
