//! An independent engine: rdflib answers every saved query on the exported RDF with the same
//! multiset of rows as blocgraph. This checks the engine, not the meaning: the answers
//! themselves are checked against the articles in tests/golden.rs and tests/query.rs. pyshacl
//! runs once, in tests/validate.rs.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::workdir::{python_with, root, Workdir};

/// An entity, date or string parameter for both engines.
enum P<'a> {
    Entity(&'a str),
    Date(&'a str),
    Str(&'a str),
}

/// One saved query run per entry: (query, params).
fn cases() -> Vec<(&'static str, Vec<(&'static str, P<'static>)>)> {
    use P::*;
    vec![
        ("members", vec![("bloc", Entity("CSTO")), ("as_of", Date("2024-06-01"))]),
        ("members", vec![("bloc", Entity("CIS")), ("as_of", Date("2000-01-01"))]),
        ("memberships", vec![("country", Entity("ARM"))]),
        ("memberships", vec![("country", Entity("UZB")), ("as_of", Date("2008-01-01"))]),
        ("trade", vec![]),
        ("trade", vec![("country", Entity("KAZ"))]),
        ("events", vec![]),
        (
            "events",
            vec![
                ("actor", Entity("ARM")),
                ("bloc", Entity("CSTO")),
                ("from", Date("2022-01-01")),
                ("to", Date("2024-12-31")),
            ],
        ),
        ("withdrawals", vec![]),
        ("overlap", vec![("as_of", Date("2024-12-31"))]),
        ("sources", vec![("entity", Entity("KAZ"))]),
        ("timeline", vec![("country", Entity("ARM"))]),
        ("changes", vec![("from", Date("2022-01-01")), ("to", Date("2024-12-31"))]),
        (
            "bilateral",
            vec![("a", Entity("RUS")), ("b", Entity("BLR")), ("as_of", Date("2024-12-31"))],
        ),
        ("trade-growth", vec![]),
        ("exits", vec![]),
        ("facts-per-source", vec![]),
        ("blocs", vec![("as_of", Date("2024-12-31"))]),
        ("entities", vec![("kind", Str("bloc"))]),
        // One row per claim, and per source with by_source (issue 12).
        ("members", vec![("bloc", Entity("CSTO")), ("as_of", Date("2005-06-01"))]),
        (
            "members",
            vec![("bloc", Entity("EU")), ("as_of", Date("2019-06-01")), ("by_source", Str("true"))],
        ),
        ("memberships", vec![("country", Entity("TKM")), ("by_source", Str("true"))]),
        ("withdrawals", vec![("bloc", Entity("CSTO"))]),
        ("withdrawals", vec![("by_source", Str("true"))]),
        ("events", vec![("actor", Entity("AZE"))]),
        ("sources", vec![("entity", Entity("UZB"))]),
        ("event-types", vec![]),
        (
            "bilateral",
            vec![("a", Entity("ARM")), ("b", Entity("RUS")), ("as_of", Date("2024-06-01"))],
        ),
        // Country codes and ATOP obligations (issue 14; run on the store with the ATOP extract).
        ("entities", vec![("kind", Str("country"))]),
        ("alliances", vec![("country", Entity("RUS")), ("kind", Str("defense"))]),
        ("alliances", vec![("country", Entity("RUS")), ("partner", Entity("ARM"))]),
        ("alliances", vec![("kind", Str("defense")), ("as_of", Date("2010-06-01"))]),
        ("alliances", vec![("partner", Entity("GEO")), ("as_of", Date("2015-06-01"))]),
    ]
}

/// A SPARQL JSON term as the oracle script prints it.
fn cell(term: Option<&Value>) -> String {
    let Some(t) = term else { return String::new() };
    let value = t["value"].as_str().unwrap_or_default();
    match t["type"].as_str() {
        Some("uri") => format!("<{value}>"),
        Some("literal") => match t.get("datatype").and_then(Value::as_str) {
            Some(dt) if dt != "http://www.w3.org/2001/XMLSchema#string" => format!("{value}^^{dt}"),
            _ => value.to_owned(),
        },
        _ => value.to_owned(),
    }
}

/// Rows as sorted multisets, with `|`-joined aggregate lists sorted (GROUP_CONCAT has no order).
fn normalise(rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|c| {
                    if c.contains('|') {
                        let mut parts: Vec<&str> = c.split('|').collect();
                        parts.sort_unstable();
                        parts.join("|")
                    } else {
                        c
                    }
                })
                .collect()
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn query_answers_match_rdflib_for_every_saved_query() {
    let python = python_with("rdflib");
    drop(python);
    // The seed, and the seed with the ATOP extract for the cases about alliance obligations
    // and country codes (rdflib takes minutes for the other queries on its 1,225 obligations).
    let seed = Workdir::new();
    let with_atop = Workdir::new();
    let atop = crate::workdir::shared().join("external/atop-5.1-ddy-postsoviet.csv");
    with_atop.ok(&["import", "--format", "atop-ddy", atop.to_str().unwrap()]);
    for w in [&seed, &with_atop] {
        let nt = w.path("store.nt");
        w.ok(&["export", "rdf", "--format", "nt", "-o", nt.to_str().unwrap()]);
    }
    let mut covered = std::collections::BTreeSet::new();
    // Our answers first, then rdflib's for all the cases in one run (each store parsed once).
    let mut ours = Vec::new();
    let mut batch = Vec::new();
    for (query, params) in cases() {
        covered.insert(query);
        let w =
            if query == "alliances" || params.iter().any(|(_, p)| matches!(p, P::Str("country"))) {
                &with_atop
            } else {
                &seed
            };
        let mut args: Vec<String> =
            vec!["query".into(), query.into(), "--format".into(), "json".into()];
        let mut bindings = BTreeMap::new();
        for (name, p) in &params {
            let (value, spec) = match p {
                P::Entity(id) => (
                    id.to_string(),
                    serde_json::json!({ "iri": format!("https://blocgraph.org/id/{id}") }),
                ),
                P::Date(d) => (d.to_string(), serde_json::json!({ "date": d })),
                P::Str(s) => (s.to_string(), serde_json::json!({ "string": s })),
            };
            args.push("--param".into());
            args.push(format!("{name}={value}"));
            bindings.insert(name.to_string(), spec);
        }
        let answer: Value =
            serde_json::from_str(&w.ok(&args.iter().map(String::as_str).collect::<Vec<_>>()))
                .unwrap();
        batch.push(serde_json::json!({
            "data": w.path("store.nt"),
            "query": root().join(format!("queries/{query}.rq")),
            "bindings": bindings,
        }));
        ours.push((query, args, answer));
    }
    let cases_file = seed.write("cases.json", serde_json::to_string(&batch).unwrap());
    let out = python_with("rdflib")
        .arg(root().join("tests/oracle/sparql_run.py"))
        .arg(&cases_file)
        .output()
        .unwrap();
    assert!(out.status.success(), "rdflib failed: {}", String::from_utf8_lossy(&out.stderr));
    let theirs: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(theirs.len(), ours.len());
    for ((query, args, answer), theirs) in ours.into_iter().zip(theirs) {
        let vars: Vec<String> = answer["head"]["vars"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        let our_rows: Vec<Vec<String>> = answer["results"]["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| vars.iter().map(|v| cell(b.get(v))).collect())
            .collect();
        let their_vars: Vec<String> = theirs["vars"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        let their_rows: Vec<Vec<String>> = theirs["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let r = r.as_array().unwrap();
                vars.iter()
                    .map(|v| {
                        their_vars
                            .iter()
                            .position(|t| t == v)
                            .map(|i| r[i].as_str().unwrap().to_owned())
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .collect();
        assert!(
            !our_rows.is_empty() || query == "withdrawals",
            "{query} {args:?} answered nothing: a test that cannot fail"
        );
        assert_eq!(
            normalise(our_rows),
            normalise(their_rows),
            "{query} with {args:?}: blocgraph and rdflib disagree"
        );
    }
    for (name, _) in blocgraph::query::saved::SAVED {
        assert!(
            covered.contains(name) || *name == "disagreements",
            "saved query {name} has no oracle case"
        );
    }
}
