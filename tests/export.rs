//! `blocgraph export rdf|dot|edges`.

use crate::workdir::Workdir;

#[test]
fn export_rdf_round_trips_into_a_fresh_store() {
    let w = Workdir::new();
    for format in ["ttl", "nt", "nq", "trig"] {
        let file = w.path(&format!("all.{format}"));
        w.ok(&["export", "rdf", "--format", format, "-o", file.to_str().unwrap()]);
        let fresh = Workdir::new();
        // A fresh store seeds itself; importing the export adds nothing new.
        let out = fresh.ok(&["import", file.to_str().unwrap()]);
        assert!(out.contains("triples: added 0"), "{format}: {out}");
        assert_eq!(fresh.snapshot(), w.snapshot(), "{format}");
    }
    w.fails(&["export", "rdf", "--format", "xml"], 2);
}

#[test]
fn export_rdf_turtle_uses_prefixes() {
    let w = Workdir::new();
    let ttl = w.ok(&["export", "rdf"]);
    assert!(
        ttl.contains("@prefix bgid: <https://blocgraph.org/id/>"),
        "{}",
        &ttl[..500.min(ttl.len())]
    );
    assert!(ttl.contains("bgid:ARM"));
}
