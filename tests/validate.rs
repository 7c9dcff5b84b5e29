//! `blocgraph validate`: the seed conforms; broken facts (loaded as RDF, past the importer's
//! checks) are each reported with their source, exit 1, and pyshacl agrees they do not conform.

use crate::workdir::{python_with, root, Workdir};

const BROKEN: &str = r#"@prefix bg: <https://blocgraph.org/ns#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://blocgraph.org/fact/m-00000000000000aa> a org:Membership, bg:Membership, bg:Fact ;
  org:member <https://blocgraph.org/id/ARM> ; org:organization <https://blocgraph.org/id/CSTO> ;
  org:role <https://blocgraph.org/ns/role/member> ;
  bg:start "2020"^^xsd:gYear ; bg:startDay "2020-01-01"^^xsd:date ;
  bg:end "2019"^^xsd:gYear ; bg:endDay "2019-01-01"^^xsd:date ;
  prov:wasDerivedFrom <https://blocgraph.org/source/ref-cis-founding> .
<https://blocgraph.org/fact/e-00000000000000bb> a bg:Event, bg:Fact ;
  bg:date "2024"^^xsd:gYear ; bg:dateDay "2024-01-01"^^xsd:date ;
  bg:eventType <https://blocgraph.org/ns/event-type/picnic> ; bg:actor <https://blocgraph.org/id/ARM> ;
  bg:polarity 2 ; bg:summary "no source" .
"#;

#[test]
fn validate_reports_each_violation_and_agrees_with_pyshacl() {
    let w = Workdir::new();
    assert!(w.ok(&["validate"]).contains("no violations"));
    let file = w.write("broken.ttl", BROKEN);
    w.ok(&["import", file.to_str().unwrap()]);
    let out = w.command(&["validate", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let has = |rule: &str, focus: &str| {
        found.as_array().unwrap().iter().any(|v| v["rule"] == rule && v["focus"] == focus)
    };
    assert!(has("rule:end-after-start", "m-00000000000000aa"), "{found:#}");
    assert!(has("rule:source", "e-00000000000000bb"), "{found:#}");
    assert!(has("rule:polarity", "e-00000000000000bb"), "{found:#}");
    assert!(has("rule:event-type", "e-00000000000000bb"), "{found:#}");
    assert!(found
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["focus"] == "m-00000000000000aa" && v["source"] == "ref-cis-founding"));
    // The independent SHACL engine agrees that this store does not conform.
    let ttl = w.path("store.ttl");
    w.ok(&["export", "rdf", "-o", ttl.to_str().unwrap()]);
    let shacl = python_with("pyshacl")
        .arg(root().join("tests/oracle/shacl_check.py"))
        .arg(&ttl)
        .arg(root().join("schema/shapes.ttl"))
        .output()
        .unwrap();
    assert_eq!(shacl.status.code(), Some(1), "pyshacl: {}", String::from_utf8_lossy(&shacl.stdout));
}
