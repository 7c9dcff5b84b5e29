//! `export gexf`: the whole history as GEXF 1.3 (`mode="dynamic"`, `timeformat="date"`) for
//! Gephi's timeline.
//!
//! * Nodes: countries and blocs, with their kind and codes as static attributes.
//! * Membership edges, country -> bloc, one per pair: spells where some source states a role
//!   (merged across sources), and the dynamic attribute `role`, the strongest role stated in each
//!   part of the time line (frozen > member > associate > observer > applicant).
//! * Obligation edges, `type="mutual"` (both ways: the pair is undirected), one per pair and
//!   kind: the obligation's spells.
//! * Events: one directed edge per event, actor -> target (or bloc), a spell of its one day.
//!
//! GEXF spells are closed: a fact's [start, end) becomes start .. the day before end. A spell a
//! dataset leaves open at its horizon (or at the end of its coverage) ends there: the source says
//! nothing after it. Curated spells with no end stay open.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::date::{days_in_month, Date};
use crate::error::StoreError;
use crate::model::{Role, Word};
use crate::sparql::select;
use crate::sparql::Engine;
use crate::vocab::{short_id, sparql_prefixes};

/// XML text escaping for attribute values.
/// A membership fact as GEXF draws it: start day, end day (open when none), role, source.
type MembershipSpell = (String, Option<String>, Role, String);
/// An obligation fact: start day, end day (open when none), source.
type ObligationSpell = (String, Option<String>, String);

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The day before a `YYYY-MM-DD` day.
fn day_before(day: &str) -> String {
    let Ok(d) = Date::parse(day) else { return day.to_owned() };
    let (y, m, dd) = if d.day > 1 {
        (d.year, d.month, d.day - 1)
    } else if d.month > 1 {
        (d.year, d.month - 1, days_in_month(d.year, d.month - 1))
    } else {
        (d.year - 1, 12, 31)
    };
    format!("{y:04}-{m:02}-{dd:02}")
}

fn year_of(text: &str) -> Option<u16> {
    text.get(..4)?.parse().ok()
}

/// `start`/`end` attributes of a closed spell; `end` is exclusive on input.
fn span(start: &str, end: Option<&str>) -> String {
    match end {
        Some(e) => format!("start=\"{start}\" end=\"{}\"", day_before(e)),
        None => format!("start=\"{start}\""),
    }
}

/// The GEXF text of the whole store.
pub fn gexf<'a>(store: impl Into<Engine<'a>>) -> Result<String, StoreError> {
    let store: Engine<'a> = store.into();
    let p = sparql_prefixes();
    let nodes = select(store, &format!(
        "{p} SELECT ?id ?class ?label ?iso ?cow ?gw WHERE {{ VALUES ?class {{ bg:Country bg:Bloc }} ?e a ?class ; bg:id ?id ; rdfs:label ?label .
           OPTIONAL {{ ?e bg:isoNumeric ?iso }} OPTIONAL {{ ?e bg:cowCode ?cow }} OPTIONAL {{ ?e bg:gwCode ?gw }} }} ORDER BY ?id"
    ))?;
    // A dataset's last covered year per (source, country, bloc), and its horizon year.
    let mut reach: BTreeMap<(String, String, String), u16> = BTreeMap::new();
    for r in select(store, &format!(
        "{p} SELECT ?src ?c ?b ?t WHERE {{ ?x a bg:Coverage ; prov:wasDerivedFrom/bg:id ?src ; bg:country/bg:id ?c ; bg:bloc/bg:id ?b ; bg:coversTo ?t }}"
    ))?
    .iter()
    {
        if let Some(t) = year_of(r.get("t")) {
            let key = (r.get("src").to_owned(), r.get("c").to_owned(), r.get("b").to_owned());
            let e = reach.entry(key).or_insert(t);
            *e = (*e).max(t);
        }
    }
    let mut horizons: BTreeMap<String, u16> = BTreeMap::new();
    let mut credits = Vec::new();
    for r in select(
        store,
        &format!(
        "{p} SELECT ?id ?title ?h ?rank WHERE {{ ?s a bg:Source ; bg:id ?id ; dcterms:title ?title .
           OPTIONAL {{ ?s bg:horizon ?h }} OPTIONAL {{ ?s bg:sourceRank ?rank }} }} ORDER BY ?id"
    ),
    )?
    .iter()
    {
        // A dataset's spell open at its horizon ends there; an article's horizon (its
        // publication) does not end what it says still holds.
        if let Some(h) = r.opt("h").and_then(year_of).filter(|_| r.get("rank") == "3") {
            horizons.insert(r.get("id").to_owned(), h);
        }
        credits.push(format!("{}: {}", r.get("id"), r.get("title")));
    }
    let open_end = |src: &str, c: &str, b: Option<&str>| -> Option<String> {
        let h = horizons.get(src).copied();
        let cov = b.and_then(|b| reach.get(&(src.to_owned(), c.to_owned(), b.to_owned())).copied());
        h.into_iter().chain(cov).min().map(|y| format!("{:04}-01-01", y + 1))
    };

    // Memberships: per pair, facts as half-open day intervals.
    let mut pairs: BTreeMap<(String, String), Vec<MembershipSpell>> = BTreeMap::new();
    for r in select(store, &format!(
        "{p} SELECT ?c ?b ?r ?s ?e ?src WHERE {{ ?m a bg:Membership ; org:member/bg:id ?c ; org:organization/bg:id ?b ; org:role ?r ;
           bg:startDay ?s ; prov:wasDerivedFrom/bg:id ?src . OPTIONAL {{ ?m bg:endDay ?e }} }} ORDER BY ?c ?b ?s"
    ))?
    .iter()
    {
        let Some(role) = short_id(r.get("r")).and_then(Role::parse) else { continue };
        let (c, b, src) = (r.get("c"), r.get("b"), r.get("src"));
        let end = r.opt("e").map(str::to_owned).or_else(|| open_end(src, c, Some(b)));
        pairs.entry((c.to_owned(), b.to_owned())).or_default().push((
            r.get("s").to_owned(),
            end,
            role,
            src.to_owned(),
        ));
    }

    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\">\n");
    let _ = writeln!(
        out,
        "  <meta>\n    <creator>blocgraph {}</creator>\n    <description>{}</description>\n  </meta>",
        env!("CARGO_PKG_VERSION"),
        esc(&format!(
            "Post-Soviet alliance relations: bloc memberships and alliance obligations with their spells, events on their day. Sources: {}",
            credits.join("; ")
        ))
    );
    out.push_str("  <graph mode=\"dynamic\" timeformat=\"date\" timerepresentation=\"interval\" defaultedgetype=\"directed\">\n");
    out.push_str("    <attributes class=\"node\" mode=\"static\">\n");
    for (i, (name, ty)) in [
        ("kind", "string"),
        ("iso3", "string"),
        ("iso_num", "string"),
        ("cow", "integer"),
        ("gw", "integer"),
    ]
    .iter()
    .enumerate()
    {
        let _ = writeln!(out, "      <attribute id=\"n{i}\" title=\"{name}\" type=\"{ty}\"/>");
    }
    out.push_str("    </attributes>\n");
    out.push_str("    <attributes class=\"edge\" mode=\"static\">\n");
    for (i, name) in
        ["kind", "sources", "obligation", "event_type", "polarity", "summary"].iter().enumerate()
    {
        let ty = if *name == "polarity" { "integer" } else { "string" };
        let _ = writeln!(out, "      <attribute id=\"e{i}\" title=\"{name}\" type=\"{ty}\"/>");
    }
    out.push_str("    </attributes>\n");
    out.push_str("    <attributes class=\"edge\" mode=\"dynamic\">\n");
    out.push_str("      <attribute id=\"role\" title=\"role\" type=\"string\"/>\n");
    out.push_str("    </attributes>\n");

    let _ = writeln!(out, "    <nodes count=\"{}\">", nodes.iter().count());
    let known: BTreeSet<&str> = nodes.iter().map(|n| n.get("id")).collect();
    for n in nodes.iter() {
        let id = n.get("id");
        let kind = if n.get("class").ends_with("#Bloc") { "bloc" } else { "country" };
        let _ = writeln!(out, "      <node id=\"{}\" label=\"{}\">", esc(id), esc(n.get("label")));
        out.push_str("        <attvalues>\n");
        let _ = writeln!(out, "          <attvalue for=\"n0\" value=\"{kind}\"/>");
        if kind == "country" && crate::codes::table().by_id(id).is_some() {
            let _ = writeln!(out, "          <attvalue for=\"n1\" value=\"{}\"/>", esc(id));
        }
        for (i, v) in [(2, n.get("iso")), (3, n.get("cow")), (4, n.get("gw"))] {
            if !v.is_empty() {
                let _ = writeln!(out, "          <attvalue for=\"n{i}\" value=\"{}\"/>", esc(v));
            }
        }
        out.push_str("        </attvalues>\n      </node>\n");
    }
    out.push_str("    </nodes>\n");

    let mut edges = String::new();
    let mut count = 0usize;
    for ((c, b), facts) in &pairs {
        if !known.contains(c.as_str()) || !known.contains(b.as_str()) {
            continue;
        }
        // Elementary intervals between every boundary; the strongest role stated in each.
        let mut bounds: BTreeSet<&str> = BTreeSet::new();
        for (s, e, _, _) in facts {
            bounds.insert(s);
            if let Some(e) = e {
                bounds.insert(e);
            }
        }
        let bounds: Vec<&str> = bounds.into_iter().collect();
        let mut pieces: Vec<(String, Option<String>, Role)> = Vec::new();
        for (i, &from) in bounds.iter().enumerate() {
            let to = bounds.get(i + 1).copied();
            let role = facts
                .iter()
                .filter(|(s, e, _, _)| s.as_str() <= from && e.as_deref().is_none_or(|e| e > from))
                .map(|f| f.2)
                .max();
            let Some(role) = role else { continue };
            match pieces.last_mut() {
                Some(last) if last.2 == role && last.1.as_deref() == Some(from) => {
                    last.1 = to.map(str::to_owned)
                }
                _ => pieces.push((from.to_owned(), to.map(str::to_owned), role)),
            }
        }
        // Spells: the pieces, adjacent ones merged.
        let mut spells: Vec<(String, Option<String>)> = Vec::new();
        for (s, e, _) in &pieces {
            match spells.last_mut() {
                Some(last) if last.1.as_deref() == Some(s.as_str()) => last.1 = e.clone(),
                _ => spells.push((s.clone(), e.clone())),
            }
        }
        let sources: BTreeSet<&str> = facts.iter().map(|f| f.3.as_str()).collect();
        let sources: Vec<&str> = sources.into_iter().collect();
        let _ = writeln!(
            edges,
            "      <edge id=\"m:{}:{}\" source=\"{}\" target=\"{}\" kind=\"membership\" label=\"membership\">",
            esc(c),
            esc(b),
            esc(c),
            esc(b)
        );
        edges.push_str("        <attvalues>\n");
        let _ = writeln!(edges, "          <attvalue for=\"e0\" value=\"membership\"/>");
        let _ = writeln!(
            edges,
            "          <attvalue for=\"e1\" value=\"{}\"/>",
            esc(&sources.join(";"))
        );
        for (s, e, role) in &pieces {
            let _ = writeln!(
                edges,
                "          <attvalue for=\"role\" value=\"{role}\" {}/>",
                span(s, e.as_deref())
            );
        }
        edges.push_str("        </attvalues>\n        <spells>\n");
        for (s, e) in &spells {
            let _ = writeln!(edges, "          <spell {}/>", span(s, e.as_deref()));
        }
        edges.push_str("        </spells>\n      </edge>\n");
        count += 1;
    }

    // Obligations: one undirected edge per pair and kind.
    let mut obligations: BTreeMap<(String, String, String), Vec<ObligationSpell>> = BTreeMap::new();
    for r in select(store, &format!(
        "{p} SELECT ?a ?b ?k ?s ?e ?src WHERE {{ ?o a bg:Obligation ; bg:ally/bg:id ?a , ?b ; bg:obligation ?k ; bg:startDay ?s ;
           prov:wasDerivedFrom/bg:id ?src . OPTIONAL {{ ?o bg:endDay ?e }} FILTER(?a < ?b) }} ORDER BY ?a ?b ?k ?s"
    ))?
    .iter()
    {
        let (a, src) = (r.get("a"), r.get("src"));
        let end = r.opt("e").map(str::to_owned).or_else(|| open_end(src, a, None));
        let key = (a.to_owned(), r.get("b").to_owned(), r.get("k").to_owned());
        obligations.entry(key).or_default().push((r.get("s").to_owned(), end, src.to_owned()));
    }
    for ((a, b, k), spells) in &obligations {
        if !known.contains(a.as_str()) || !known.contains(b.as_str()) {
            continue;
        }
        let sources: BTreeSet<&str> = spells.iter().map(|s| s.2.as_str()).collect();
        let sources: Vec<&str> = sources.into_iter().collect();
        let _ = writeln!(
            edges,
            "      <edge id=\"o:{a}:{b}:{k}\" source=\"{a}\" target=\"{b}\" type=\"mutual\" kind=\"obligation\" label=\"{k}\">"
        );
        let _ = writeln!(
            edges,
            "        <attvalues>\n          <attvalue for=\"e0\" value=\"obligation\"/>\n          <attvalue for=\"e1\" value=\"{}\"/>\n          <attvalue for=\"e2\" value=\"{}\"/>\n        </attvalues>",
            esc(&sources.join(";")),
            esc(k)
        );
        edges.push_str("        <spells>\n");
        for (s, e, _) in spells {
            let _ = writeln!(edges, "          <spell {}/>", span(s, e.as_deref()));
        }
        edges.push_str("        </spells>\n      </edge>\n");
        count += 1;
    }

    // Events: one edge each, on its day.
    for r in select(store, &format!(
        "{p} SELECT ?e ?a ?t ?b ?day ?type ?pol ?summary ?src WHERE {{ ?e a bg:Event ; bg:actor/bg:id ?a ; bg:dateDay ?day ; bg:eventType ?ty ;
           bg:polarity ?pol ; bg:summary ?summary ; prov:wasDerivedFrom/bg:id ?src .
           OPTIONAL {{ ?e bg:target/bg:id ?t }} OPTIONAL {{ ?e bg:bloc/bg:id ?b }}
           BIND(STRAFTER(STR(?ty), \"/event-type/\") AS ?type) }} ORDER BY ?day ?e"
    ))?
    .iter()
    {
        let actor = r.get("a");
        let Some(target) = r.opt("t").or_else(|| r.opt("b")) else { continue };
        if target == actor || !known.contains(target) || !known.contains(actor) {
            continue;
        }
        let iri = r.get("e");
        let id = iri.rsplit('/').next().unwrap_or(iri);
        let _ = writeln!(
            edges,
            "      <edge id=\"{}\" source=\"{}\" target=\"{}\" kind=\"event\" label=\"{}\">",
            esc(id),
            esc(actor),
            esc(target),
            esc(r.get("type"))
        );
        let _ = writeln!(
            edges,
            "        <attvalues>\n          <attvalue for=\"e0\" value=\"event\"/>\n          <attvalue for=\"e1\" value=\"{}\"/>\n          <attvalue for=\"e3\" value=\"{}\"/>\n          <attvalue for=\"e4\" value=\"{}\"/>\n          <attvalue for=\"e5\" value=\"{}\"/>\n        </attvalues>",
            esc(r.get("src")),
            esc(r.get("type")),
            esc(r.get("pol")),
            esc(r.get("summary"))
        );
        let _ = writeln!(
            edges,
            "        <spells>\n          <spell start=\"{0}\" end=\"{0}\"/>\n        </spells>\n      </edge>",
            r.get("day")
        );
        count += 1;
    }
    let _ = writeln!(out, "    <edges count=\"{count}\">");
    out.push_str(&edges);
    out.push_str("    </edges>\n  </graph>\n</gexf>\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_before_crosses_months_and_years() {
        assert_eq!(day_before("2024-03-01"), "2024-02-29");
        assert_eq!(day_before("2019-01-01"), "2018-12-31");
        assert_eq!(day_before("2024-02-22"), "2024-02-21");
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
