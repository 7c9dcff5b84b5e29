//! `blocgraph stats`: counts per kind and per source, exactly what seed-data/ holds (counted
//! here from the CSV files) and what the README states.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::workdir::{root, Workdir, TEST_SOURCE};

/// The rows of seed-data/NAME.csv as maps from column to cell.
fn seed_rows(name: &str) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(root().join(format!("seed-data/{name}.csv"))).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            headers
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, c)| (h.to_owned(), c.to_owned()))
                .collect()
        })
        .collect()
}

fn stats(w: &Workdir) -> Value {
    serde_json::from_str(&w.ok(&["stats", "--format", "json"])).unwrap()
}

#[test]
fn stats_counts_exactly_the_seed_data() {
    let entities = seed_rows("entities");
    let sources = seed_rows("sources");
    let facts: Vec<(&str, Vec<BTreeMap<String, String>>)> =
        ["memberships", "trade", "events"].iter().map(|k| (*k, seed_rows(k))).collect();
    // Expected per kind: entities by kind (pluralised as stats names them), then each fact kind.
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for e in &entities {
        let kind = match e["kind"].as_str() {
            "country" => "countries",
            "bloc" => "blocs",
            "person" => "people",
            "organisation" => "organisations",
            "place" => "places",
            other => panic!("entity kind {other}"),
        };
        *expected.entry(kind.to_owned()).or_default() += 1;
    }
    for (kind, rows) in &facts {
        expected.insert((*kind).to_owned(), rows.len() as u64);
    }
    expected.insert("sources".to_owned(), sources.len() as u64);

    let w = Workdir::new();
    let s = stats(&w);
    let kinds: BTreeMap<String, u64> = s["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k[0].as_str().unwrap().to_owned(), k[1].as_u64().unwrap()))
        .collect();
    for (kind, n) in &expected {
        assert_eq!(kinds.get(kind).copied().unwrap_or(0), *n, "{kind}: {kinds:?}");
    }
    // Every kind stats names, none left out: the CSV kinds and obligations (ATOP only).
    assert_eq!(
        kinds.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "blocs",
            "countries",
            "events",
            "memberships",
            "obligations",
            "organisations",
            "people",
            "places",
            "sources",
            "trade"
        ]
    );
    assert_eq!(kinds["obligations"], 0);
    // The README states the seed's size; it must be today's.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let stated = format!(
        "{} entities ({} countries, {} blocs), {} sources (the 5 articles and {} reference sources), {} memberships, {} trade figures and {} events",
        entities.len(),
        expected["countries"],
        expected["blocs"],
        sources.len(),
        sources.iter().filter(|s| s["id"].starts_with("ref-")).count(),
        facts[0].1.len(),
        facts[1].1.len(),
        facts[2].1.len()
    );
    assert!(readme.contains(&stated), "README.md does not say {stated:?}");
    // Today's figures, as the README states them (a change to seed-data/ changes them here too).
    assert_eq!(
        stated,
        "73 entities (56 countries, 8 blocs), 53 sources (the 5 articles and 48 reference sources), 149 memberships, 5 trade figures and 66 events"
    );

    // Per source: every source row, its facts counted by kind, reference sources marked.
    let per_source: BTreeMap<String, Value> = s["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["source"].as_str().unwrap().to_owned(), r.clone()))
        .collect();
    assert_eq!(per_source.len(), sources.len(), "{per_source:?}");
    for src in &sources {
        let id = &src["id"];
        let row = per_source.get(id).unwrap_or_else(|| panic!("no stats row for {id}"));
        let count = |k: usize| facts[k].1.iter().filter(|r| &r["source"] == id).count() as u64;
        let (m, t, e) = (count(0), count(1), count(2));
        assert_eq!(
            (
                row["memberships"].as_u64(),
                row["trade"].as_u64(),
                row["events"].as_u64(),
                row["total"].as_u64()
            ),
            (Some(m), Some(t), Some(e), Some(m + t + e)),
            "{id}"
        );
        assert_eq!(row["reference"], id.starts_with("ref-"), "{id}");
    }

    // The CSV and table forms carry the same numbers.
    let csv = w.ok(&["stats", "--format", "csv"]);
    assert!(csv.starts_with("section,name,reference,memberships,trade,events,total\n"), "{csv}");
    for (kind, n) in &kinds {
        assert!(csv.lines().any(|l| l == format!("kind,{kind},,,,,{n}")), "{kind} {n} in {csv}");
    }
    assert_eq!(csv.lines().filter(|l| l.starts_with("source,")).count(), sources.len(), "{csv}");
    let table = w.ok(&["stats"]);
    let memberships = format!("memberships {}", kinds["memberships"]);
    let squeezed: String = table.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squeezed.contains(&memberships), "{table}");
    assert!(table.contains(&format!("({} triples)", s["triples"])), "{table}");
}

#[test]
fn stats_count_what_an_import_adds() {
    let w = Workdir::new();
    let before = stats(&w);
    let files = [
        w.write("e.csv", "id,kind,label\nXLD,country,Freedonia\nXBL,bloc,Test Bloc\n"),
        w.write("s.csv", TEST_SOURCE),
        w.write("m.csv", "country,bloc,role,start,source\nXLD,XBL,member,2020,test-src\nXLD,CSTO,observer,2021,test-src\n"),
        w.write("ev.csv", "date,type,actor,polarity,summary,source\n2024,summit,XLD,1,x,test-src\n"),
    ];
    let mut args = vec!["import"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    w.ok(&args);
    let after = stats(&w);
    let kind = |s: &Value, k: &str| {
        s["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[0] == k)
            .map_or(0, |r| r[1].as_u64().unwrap())
    };
    for (k, added) in [
        ("countries", 1),
        ("blocs", 1),
        ("sources", 1),
        ("memberships", 2),
        ("trade", 0),
        ("events", 1),
    ] {
        assert_eq!(kind(&after, k), kind(&before, k) + added, "{k}");
    }
    let row = after["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["source"] == "test-src")
        .unwrap()
        .clone();
    assert_eq!(
        (row["memberships"].as_u64(), row["events"].as_u64(), row["total"].as_u64()),
        (Some(2), Some(1), Some(3))
    );
    assert_eq!(row["reference"], false);
}
