//! `blocgraph stats`: counts per kind and per source.

use crate::workdir::Workdir;

#[test]
fn stats_counts_kinds_and_sources() {
    let w = Workdir::new();
    let out = w.ok(&["stats", "--format", "csv"]);
    let count = |kind: &str| -> u64 {
        out.lines()
            .find(|l| l.starts_with(&format!("kind,{kind},")))
            .and_then(|l| l.rsplit(',').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{kind} missing in {out}"))
    };
    assert!(count("countries") >= 15);
    assert!(count("blocs") >= 8);
    assert!(count("memberships") > 50);
    assert!(count("trade") >= 5);
    assert!(count("events") >= 20);
    assert!(
        out.contains("source,moscowtimes")
            || out.lines().filter(|l| l.starts_with("source,")).count() >= 5,
        "{out}"
    );
    let table = w.ok(&["stats"]);
    assert!(table.contains("memberships") && table.contains("reference"), "{table}");
}
