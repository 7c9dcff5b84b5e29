//! `blocgraph validate`: the seed conforms; one broken fact per rule (loaded as RDF, past the
//! importer's checks) is reported under that rule with its source, exit 1; pyshacl, run once on
//! the same store's export, reports exactly the facts our shape-derived checks report.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::workdir::{python_with, root, Workdir};

const FACT: &str = "https://blocgraph.org/fact/";

/// One valid fact of each kind, imported through the CSV importer, as N-Triples lines per fact
/// id (`m-...`, `t-...`, `e-...`), its `#interval` and `#start`/`#end` nodes included.
fn valid_facts() -> BTreeMap<char, (String, Vec<String>)> {
    let w = Workdir::new();
    let seed: BTreeSet<String> =
        w.ok(&["export", "rdf", "--format", "nt"]).lines().map(str::to_owned).collect();
    let files = [
        w.write("s.csv", sources()),
        w.write("m.csv", "country,bloc,role,start,end,source\nARM,CSTO,observer,2030,2032,test-src\n"),
        w.write("t.csv", "reporter,partner,period_start,period_end,value_usd,status,source\nARM,KAZ,2030,2030,5,reported,test-src\n"),
        w.write("e.csv", "date,type,actor,bloc,polarity,summary,source\n2030,summit,ARM,CSTO,1,A summit,test-src\n"),
    ];
    let mut args = vec!["import"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    w.ok(&args);
    let mut facts: BTreeMap<char, (String, Vec<String>)> = BTreeMap::new();
    for line in w.ok(&["export", "rdf", "--format", "nt"]).lines() {
        if seed.contains(line) {
            continue;
        }
        let Some(rest) = line.strip_prefix(&format!("<{FACT}")) else { continue };
        let id: String =
            rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        let kind = id.chars().next().unwrap();
        let entry = facts.entry(kind).or_insert_with(|| (id.clone(), Vec::new()));
        assert_eq!(entry.0, id, "one fact of each kind");
        entry.1.push(line.to_owned());
    }
    assert_eq!(facts.keys().collect::<String>(), "emt", "{facts:?}");
    facts
}

/// A broken fact: its id and its N-Triples.
type Broken = (String, String);

/// The sources the facts cite: test-src and test-src2, and test-src3 whose horizon is 2024-06.
fn sources() -> String {
    "id,title,publisher,published,horizon\n\
     test-src,A test article,Test Press,2024-05,\n\
     test-src2,Another article,Test Press,2024-06,\n\
     test-src3,A dated article,Test Press,2024-06,2024-06\n"
        .to_owned()
}

/// A copy of a valid fact under a new id (`kind` + 16 hex digits from `n`), changed by `edit`.
fn variant(
    facts: &BTreeMap<char, (String, Vec<String>)>,
    kind: char,
    n: u8,
    edit: impl Fn(&str) -> Option<String>,
) -> Broken {
    let (id, lines) = &facts[&kind];
    let new = format!("{kind}-{n:016x}");
    let text: String = lines
        .iter()
        .map(|l| l.replace(id.as_str(), &new))
        .filter_map(|l| edit(&l))
        .map(|l| l + "\n")
        .collect();
    (new, text)
}

#[test]
fn validate_reports_each_rule_and_agrees_with_pyshacl() {
    let facts = valid_facts();
    let derived = "<http://www.w3.org/ns/prov#wasDerivedFrom>";
    let src2 = "<https://blocgraph.org/source/test-src2>";
    let keep = |l: &str| Some(l.to_owned());
    // (rule, whether a shape states it too, the broken facts)
    let cases: Vec<(&str, bool, Vec<Broken>)> = vec![
        (
            "source",
            true,
            vec![variant(&facts, 'e', 1, |l| (!l.contains(derived)).then(|| l.to_owned()))],
        ),
        (
            "one-source",
            true,
            vec![variant(&facts, 't', 2, |l| {
                Some(if l.contains(derived) {
                    format!("{l}\n{}", l.replace("<https://blocgraph.org/source/test-src>", src2))
                } else {
                    l.to_owned()
                })
            })],
        ),
        (
            "end-after-start",
            true,
            vec![variant(&facts, 'm', 3, |l| Some(l.replace("\"2032", "\"2029")))],
        ),
        (
            "period-order",
            true,
            vec![variant(&facts, 't', 4, |l| {
                Some(if l.contains("#periodEnd") {
                    l.replace("\"2030", "\"2029")
                } else {
                    l.to_owned()
                })
            })],
        ),
        (
            "range",
            true,
            vec![variant(&facts, 't', 5, |l| Some(l.replace("\"exact\"", "\"range\"")))],
        ),
        (
            "polarity",
            true,
            vec![variant(&facts, 'e', 6, |l| {
                Some(if l.contains("#polarity") {
                    l.replace("\"1\"", "\"2\"")
                } else {
                    l.to_owned()
                })
            })],
        ),
        (
            "event-type",
            false,
            vec![variant(&facts, 'e', 7, |l| {
                Some(l.replace("event-type/summit", "event-type/picnic"))
            })],
        ),
        (
            "past-horizon",
            false,
            vec![variant(&facts, 'e', 10, |l| {
                Some(l.replace(
                    "<https://blocgraph.org/source/test-src>",
                    "<https://blocgraph.org/source/test-src3>",
                ))
            })],
        ),
        // Its bg:claim is removed below, after the import (which recomputes every claim).
        ("claim", true, vec![variant(&facts, 'e', 11, |l| Some(l.to_owned()))]),
        // Two spells of one country, bloc and source that overlap: each is fine alone.
        (
            "no-self-overlap",
            false,
            vec![
                variant(&facts, 'm', 8, keep),
                variant(&facts, 'm', 9, |l| {
                    Some(l.replace("\"2030", "\"2031").replace("\"2032", "\"2033"))
                }),
            ],
        ),
    ];
    let w = Workdir::new();
    let clean = w.ok(&["validate"]);
    assert!(
        clean.trim_end().ends_with("conforms: no violations"),
        "the seed does not validate: {clean}"
    );
    let src = w.write("s.csv", sources());
    let nt: String = cases.iter().flat_map(|(_, _, v)| v.iter().map(|(_, t)| t.as_str())).collect();
    let broken = w.write("broken.nt", nt);
    w.ok(&["import", src.to_str().unwrap(), broken.to_str().unwrap()]);
    // A fact without its bg:claim, as a store written before claims has them: no import can
    // leave one (it recomputes the claims it touches), so it is removed through the library.
    {
        use blocgraph::store::{open, Access, Location};
        let db = open(&Location::Dir(w.store()), Access::Write).unwrap();
        let fact = oxigraph::model::NamedNode::new(format!("{FACT}e-000000000000000b")).unwrap();
        let claim = oxigraph::model::NamedNode::new("https://blocgraph.org/ns#claim").unwrap();
        let quads: Vec<oxigraph::model::Quad> = db
            .store
            .quads_for_pattern(Some(fact.as_ref().into()), Some(claim.as_ref()), None, None)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(quads.len(), 1, "{quads:?}");
        db.store.remove(&quads[0]).unwrap();
    }

    let out = w.run(&["validate", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let found: Vec<Value> =
        serde_json::from_slice::<Value>(&out.stdout).unwrap().as_array().unwrap().clone();
    let by_rule = |prefix: &str| -> BTreeSet<(String, String)> {
        found
            .iter()
            .filter(|v| v["rule"].as_str().unwrap().starts_with(prefix))
            .map(|v| {
                (v["rule"].as_str().unwrap().to_owned(), v["focus"].as_str().unwrap().to_owned())
            })
            .collect()
    };
    let expected: BTreeSet<(String, String)> = cases
        .iter()
        .flat_map(|(rule, _, v)| v.iter().map(move |(id, _)| (format!("rule:{rule}"), id.clone())))
        .collect();
    assert_eq!(by_rule("rule:"), expected, "the importer's rules: {found:#?}");
    for v in &found {
        let focus = v["focus"].as_str().unwrap();
        let source = match &focus[1..] {
            "-0000000000000001" => "",
            "-000000000000000a" => "test-src3",
            _ => "test-src",
        };
        if v["rule"] != "rule:one-source" {
            assert_eq!(v["source"], source, "{v}");
        }
        assert!(!v["message"].as_str().unwrap().is_empty(), "{v}");
    }
    // The shape-derived checks report exactly the facts whose flaw a shape states.
    let shaped: BTreeSet<String> = cases
        .iter()
        .filter(|(_, shape, _)| *shape)
        .flat_map(|(_, _, v)| v.iter().map(|(id, _)| id.clone()))
        .collect();
    let ours: BTreeSet<String> = by_rule("shape:").into_iter().map(|(_, f)| f).collect();
    assert_eq!(ours, shaped, "shape-derived checks: {found:#?}");

    // pyshacl, once, on the export of the same store: the same focus nodes, and no seed fact.
    let ttl = w.path("store.ttl");
    w.ok(&["export", "rdf", "-o", ttl.to_str().unwrap()]);
    let shacl = python_with("pyshacl")
        .arg(root().join("tests/oracle/shacl_check.py"))
        .arg("--focus")
        .arg(&ttl)
        .arg(root().join("schema/shapes.ttl"))
        .output()
        .unwrap();
    assert_eq!(shacl.status.code(), Some(1), "pyshacl: {}", String::from_utf8_lossy(&shacl.stderr));
    let report: Value = serde_json::from_slice(&shacl.stdout).unwrap();
    let theirs: BTreeSet<String> = report["focus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f.as_str()
                .unwrap()
                .strip_prefix(FACT)
                .unwrap_or_else(|| panic!("pyshacl flags a non-fact: {f}"))
                .to_owned()
        })
        .collect();
    assert_eq!(theirs, shaped, "pyshacl's focus nodes");
}
