"""Recomputes `analyze agreement` (COW IGO v3 against the curated seed facts) with pandas from
the raw files, by the rules the report states (src/analyze/agreement.rs, docs/model.md):

- COW (external/README.md): status 1 member, 2 associate, 3 observer, 0 not a member; -9
  (missing) and -1 (not a state-system member) are gaps. COW speaks on a state and
  organisation over the years it codes (first to last year coded other than -9/-1) and codes
  one status per year, "a member if a member at any point of the year".
- Curated: every row of seed-data/memberships.csv (articles and reference sources together).
  For a country and bloc it has any spell of, it speaks from the bloc's first curated spell
  (its founding) to the end of the compared years, day by day: on a day the status is the
  strongest role of the spells holding (start <= day < end; an open spell of a source with a
  horizon ends at the day after the horizon), none when no spell holds.
- A (country, bloc, year) is compared when both speak on some day of it. COW's code agrees
  when the curated side states it on some day of the year where it speaks; curated "frozen"
  agrees with COW's member or none (COW has no code for a suspension).

usage: python3 agreement_check.py COW.csv MAPPING.csv MEMBERSHIPS.csv SOURCES.csv FROM TO
Prints JSON {"disagreements": [[country, bloc, year], ...] (by bloc, country, year),
"rates": {bloc: [compared, agreed]}, "pair": [compared, agreed]}.
"""
import calendar
import datetime
import json
import sys

try:
    import pandas as pd
except ImportError:
    print("pandas is missing: pip install -r tests/oracle/requirements.txt", file=sys.stderr)
    sys.exit(3)

COW_ROLE = {1: "member", 2: "associate", 3: "observer", 0: None}
STRENGTH = {"applicant": 1, "observer": 2, "associate": 3, "member": 4, "frozen": 5}


def first_day(stated):
    y = int(stated[:4])
    m = int(stated[5:7]) if len(stated) >= 7 else 1
    d = int(stated[8:10]) if len(stated) >= 10 else 1
    return datetime.date(y, m, d)


def after(stated):
    """The first day after a stated period (a horizon)."""
    y = int(stated[:4])
    if len(stated) == 4:
        return datetime.date(y + 1, 1, 1)
    m = int(stated[5:7])
    if len(stated) == 7:
        return datetime.date(y, m, calendar.monthrange(y, m)[1]) + datetime.timedelta(days=1)
    return first_day(stated) + datetime.timedelta(days=1)


def cow_years(cow, mapping):
    """{(country, bloc): {year: status}} over the years COW codes each pair."""
    states = mapping[mapping.kind == "state"].set_index("cow").id.to_dict()
    orgs = mapping[mapping.kind == "org"].set_index("cow").id.to_dict()
    cow = cow.assign(country=cow.state.map(states), bloc=cow.ioname.map(orgs))
    assert not cow.country.isna().any() and not cow.bloc.isna().any(), "unmapped COW names"
    out = {}
    for (country, bloc), g in cow.groupby(["country", "bloc"]):
        coded = g[~g.status.isin([-9, -1])]
        if coded.empty:
            continue
        by_year = dict(zip(coded.year.astype(int), coded.status.astype(int)))
        years = {}
        for y in range(min(by_year), max(by_year) + 1):
            if y in by_year:
                years[y] = COW_ROLE[by_year[y]]
            else:  # a gap neither ends nor extends a run: the run around it, else none
                before = by_year[max(k for k in by_year if k < y)]
                later = by_year[min(k for k in by_year if k > y)]
                years[y] = COW_ROLE[before] if before == later else None
        out[(country, bloc)] = years
    return out


def curated_statuses(members, sources, lo, hi):
    """{(country, bloc): {year: set of statuses on the days the curated side speaks}}."""
    horizon = {r.id: after(r.horizon) for r in sources.itertuples() if r.horizon}
    spells = {}
    for r in members.itertuples():
        end = first_day(r.end) if r.end else horizon.get(r.source)
        spells.setdefault((r.country, r.bloc), []).append((r.role, first_day(r.start), end))
    founded = {}
    for (_, bloc), ss in spells.items():
        for _, start, _ in ss:
            founded[bloc] = min(founded.get(bloc, start), start)
    out = {}
    for (country, bloc), ss in spells.items():
        years = {}
        for y in range(lo, hi + 1):
            first = max(datetime.date(y, 1, 1), founded[bloc])
            last = datetime.date(y, 12, 31)
            if first > last:
                continue
            # The status can only change where a spell starts or ends.
            points = {first} | {d for _, s, e in ss for d in (s, e) if d and first < d <= last}
            statuses = set()
            for day in points:
                held = [role for role, s, e in ss if s <= day and (e is None or day < e)]
                statuses.add(max(held, key=STRENGTH.get) if held else None)
            years[y] = statuses
        out[(country, bloc)] = years
    return out


def agrees(code, statuses):
    return any(s == code or (s == "frozen" and code in ("member", None)) for s in statuses)


def main():
    cow_file, mapping_file, members_file, sources_file, lo, hi = sys.argv[1:7]
    lo, hi = int(lo), int(hi)
    cow = pd.read_csv(cow_file)
    mapping = pd.read_csv(mapping_file, dtype=str, keep_default_na=False)
    members = pd.read_csv(members_file, dtype=str, keep_default_na=False)
    sources = pd.read_csv(sources_file, dtype=str, keep_default_na=False)
    a = cow_years(cow, mapping)
    b = curated_statuses(members, sources, lo, hi)
    disagreements, rates = [], {}
    for key in sorted(set(a) & set(b)):
        for year in range(lo, hi + 1):
            if year in a[key] and year in b[key]:
                n, ok = rates.get(key[1], (0, 0))
                agree = agrees(a[key][year], b[key][year])
                rates[key[1]] = (n + 1, ok + agree)
                if not agree:
                    disagreements.append([key[0], key[1], year])
    disagreements.sort(key=lambda d: (d[1], d[0], d[2]))
    pair = [sum(n for n, _ in rates.values()), sum(ok for _, ok in rates.values())]
    json.dump({"disagreements": disagreements, "rates": rates, "pair": pair}, sys.stdout)


if __name__ == "__main__":
    main()
