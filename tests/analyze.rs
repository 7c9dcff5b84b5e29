//! `blocgraph analyze`: cohesion says what the articles say; networkx agrees with the graph
//! figures to 1e-9; bad use is exit 2.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::workdir::{python_with, root, Workdir};

fn cohesion(w: &Workdir, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["analyze", "cohesion", "--format", "json"];
    all.extend(args);
    serde_json::from_str::<Value>(&w.ok(&all)).unwrap().as_array().unwrap().clone()
}

fn row<'a>(rows: &'a [Value], bloc: &str) -> &'a Value {
    rows.iter().find(|r| r["bloc"] == bloc).unwrap_or_else(|| panic!("no {bloc} in {rows:?}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn analyze_cohesion_csto_drops_with_the_freeze() {
    let w = Workdir::new();
    let y2023 = cohesion(&w, &["--as-of", "2023-12-31"]);
    let y2024 = cohesion(&w, &["--as-of", "2024-12-31"]);
    let (a, b) = (row(&y2023, "CSTO"), row(&y2024, "CSTO"));
    assert!(f(&b["cohesion"]) < f(&a["cohesion"]) - 0.05, "2023 {a}\n2024 {b}");
    // Six taking part: ARM BLR KAZ KGZ RUS TJK (Uzbekistan, suspended in 2012 and out from
    // 2012-12-19, is not counted); Armenia froze its
    // participation on 2024-02-22 and announced its withdrawal in June 2024.
    assert_eq!(a["counted"], 6);
    assert!((f(&a["retention"]) - 1.0).abs() < 1e-12, "{a}");
    assert!((f(&b["retention"]) - 5.0 / 6.0).abs() < 1e-12, "{b}");
    // The window's events inside the CSTO are mostly friction.
    assert!(f(&b["polarity"]) < 0.5, "{b}");
    // Before 2022 the articles report two events inside the CSTO: no composite, and why.
    let y2021 = cohesion(&w, &["--as-of", "2021-12-31"]);
    let c = row(&y2021, "CSTO");
    assert!(c["cohesion"].is_null(), "{c}");
    assert!(c["reason"].as_str().unwrap().starts_with("not enough evidence: "), "{c}");
}

#[test]
fn analyze_cohesion_blocs_described_by_membership_only_have_no_composite() {
    let w = Workdir::new();
    let rows = cohesion(&w, &["--as-of", "2024-12-31"]);
    let nato = row(&rows, "NATO");
    assert!(nato["cohesion"].is_null() && nato["components"] == 1, "{nato}");
    assert_eq!(nato["reason"], "not enough evidence: 0 events in the window (needs 5)");
    assert!(nato["trade_share"].is_null(), "no trade figures is unknown, not zero: {nato}");
}

#[test]
fn analyze_cohesion_series_shows_when_the_drop_came() {
    let w = Workdir::new();
    let rows = cohesion(
        &w,
        &["--bloc", "CSTO", "--from", "2023-12", "--to", "2024-12", "--step", "month"],
    );
    assert_eq!(rows.len(), 13);
    let retention: BTreeMap<String, f64> = rows
        .iter()
        .map(|r| (r["as_of"].as_str().unwrap().to_owned(), f(&r["retention"])))
        .collect();
    assert!((retention["2024-02-01"] - 1.0).abs() < 1e-12, "{retention:?}");
    assert!(
        (retention["2024-03-01"] - 5.0 / 6.0).abs() < 1e-12,
        "the freeze of 2024-02-22: {retention:?}"
    );
    let yearly = cohesion(
        &w,
        &["--bloc", "Collective Security Treaty Organization", "--from", "2020", "--to", "2025"],
    );
    let c: Vec<Option<f64>> = yearly.iter().map(|r| r["cohesion"].as_f64()).collect();
    assert!(c[..3].iter().all(Option::is_none), "too few events before 2023: {c:?}");
    assert!(c[5].unwrap() < c[4].unwrap(), "lower after the freeze: {c:?}");
}

#[test]
fn analyze_centrality_and_density_match_networkx() {
    let w = Workdir::new();
    for date in ["2021-12-31", "2024-12-31"] {
        let edges = w.path("edges.csv");
        w.ok(&["export", "edges", "--as-of", date, "-o", edges.to_str().unwrap()]);
        let entities = w.csv(&["query", "entities"]);
        let nodes: Vec<&str> = entities[1..]
            .iter()
            .filter(|r| r[1] == "country" || r[1] == "bloc")
            .map(|r| r[0].as_str())
            .collect();
        let nodes_file = w.write("nodes.txt", nodes.join("\n"));
        let out = python_with("networkx")
            .arg(root().join("tests/oracle/graph_check.py"))
            .arg(&nodes_file)
            .arg(&edges)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let nx: Value = serde_json::from_slice(&out.stdout).unwrap();
        let ours: Value = serde_json::from_str(&w.ok(&[
            "analyze",
            "centrality",
            "--as-of",
            date,
            "--format",
            "json",
        ]))
        .unwrap();
        let ours = ours.as_array().unwrap();
        assert!(ours.len() >= 20);
        for r in ours {
            let id = r["country"].as_str().unwrap();
            for (ours_key, nx_key) in [
                ("betweenness", "betweenness"),
                ("pagerank", "pagerank"),
                ("weighted_degree", "weighted_degree"),
                ("degree", "degree"),
            ] {
                let (a, b) = (f(&r[ours_key]), f(&nx[nx_key][id]));
                assert!((a - b).abs() < 1e-9, "{date} {id} {ours_key}: ours {a}, networkx {b}");
            }
            assert!((f(&r["density"]) - f(&nx["density"])).abs() < 1e-9);
        }
        assert!(ours.iter().any(|r| f(&r["betweenness"]) > 0.0), "a test that cannot fail");
    }
}

#[test]
fn analyze_balanced_triads_match_networkx() {
    let w = Workdir::new();
    let rows = cohesion(&w, &["--as-of", "2024-12-31"]);
    let signed: BTreeMap<String, Value> = rows
        .iter()
        .map(|r| (r["bloc"].as_str().unwrap().to_owned(), r["signed_edges"].clone()))
        .collect();
    let file = w.write("signed.json", serde_json::to_string(&signed).unwrap());
    let out = python_with("networkx")
        .arg(root().join("tests/oracle/balance_check.py"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let nx: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut with_triads = 0;
    for r in &rows {
        let bloc = r["bloc"].as_str().unwrap();
        assert_eq!(r["triads"], nx[bloc][0], "{bloc}");
        assert_eq!(r["balanced_triads"], nx[bloc][1], "{bloc}");
        if r["triads"].as_u64().unwrap() > 0 {
            with_triads += 1;
            let share = f(&nx[bloc][1]) / f(&nx[bloc][0]);
            assert!((f(&r["balance"]) - share).abs() < 1e-9);
        }
    }
    assert!(with_triads >= 3, "a test that cannot fail");
}

#[test]
fn analyze_overlap_shared_members_and_jaccard() {
    let w = Workdir::new();
    let out: Value = serde_json::from_str(&w.ok(&[
        "analyze",
        "overlap",
        "--as-of",
        "2024-12-31",
        "--bloc",
        "CSTO",
        "--bloc",
        "EAEU",
        "--format",
        "json",
    ]))
    .unwrap();
    let pair = &out[0];
    assert_eq!((pair["bloc_a"].as_str(), pair["bloc_b"].as_str()), (Some("CSTO"), Some("EAEU")));
    // "The EAEU—the members of which are all also part of the Collective Security Treaty Organization"
    assert_eq!(pair["shared"], 5);
    // The CSTO has six states at the end of 2024 (Uzbekistan out since 2012), the EAEU five.
    assert!((f(&pair["jaccard"]) - 5.0 / 6.0).abs() < 1e-12, "{pair}");
}

#[test]
fn analyze_rejects_bad_use() {
    let w = Workdir::new();
    let e = w.fails(&["analyze", "cohesion", "--bloc", "CTSO"], 2);
    assert!(e.contains("unknown bloc 'CTSO'") && e.contains("'CSTO'"), "{e}");
    let e = w.fails(&["analyze", "cohesion", "--bloc", "Armenia"], 2);
    assert!(e.contains("'ARM' is a country"), "{e}");
    w.fails(&["analyze", "cohesion", "--as-of", "2024-13"], 2);
    w.fails(&["analyze", "cohesion", "--from", "2020"], 2);
    w.fails(&["analyze", "cohesion", "--from", "2024", "--to", "2020"], 2);
    w.fails(&["analyze", "cohesion", "--format", "svg"], 2);
    w.fails(&["analyze", "popularity"], 2);
}

#[test]
fn export_dot_renders_without_warnings_for_any_label() {
    let w = Workdir::new();
    let entities = w.write("e.csv", "id,kind,label\nXQ,country,\"Say \"\"hi\"\" \\ back\\slash\"\nXC,country,Союзное государство «тест»\nXB,bloc,\"Line\nbreak {bloc} <b>\"\n");
    let sources = w.write("s.csv", "id,title,publisher,published\nt,T,P,2024\n");
    let members = w.write("m.csv", "country,bloc,role,start,source\nXQ,XB,member,2020,t\nXC,XB,frozen,2021,t\nARM,XB,observer,2022,t\n");
    let events = w.write("ev.csv", "date,type,actor,target,polarity,summary,source\n2024-05,protest,XQ,XC,-1,x,t\n2024-06,agreement,XC,ARM,1,y,t\n");
    w.ok(&[
        "import",
        entities.to_str().unwrap(),
        sources.to_str().unwrap(),
        members.to_str().unwrap(),
        events.to_str().unwrap(),
    ]);
    for args in [
        vec!["--as-of", "2024-12-31"],
        vec!["--as-of", "2024-12-31", "--bloc", "XB"],
        vec!["--as-of", "1995"],
    ] {
        let mut all = vec!["export", "dot"];
        all.extend(&args);
        let dot = w.ok(&all);
        assert!(dot.starts_with("digraph blocgraph {"));
        let out = std::process::Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin.take().unwrap().write_all(dot.as_bytes())?;
                c.wait_with_output()
            })
            .expect("graphviz `dot` is needed: apt-get install graphviz");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(
            out.stderr.is_empty(),
            "dot warned for {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if args.len() == 4 {
            let svg = String::from_utf8_lossy(&out.stdout);
            assert!(
                svg.contains("Союзное государство «тест»")
                    && svg.contains("Say &quot;hi&quot; \\ back\\slash"),
                "{svg}"
            );
            assert!(dot.contains("style=\"dashed\""), "frozen membership dashed");
            assert!(dot.contains("style=\"dotted\""), "observer dotted");
            assert!(
                dot.contains("#d62728") && dot.contains("#2ca02c"),
                "friction red, cooperation green"
            );
        }
    }
    let svg = w.path("g.svg");
    w.ok(&[
        "export",
        "dot",
        "--as-of",
        "2024-12-31",
        "--bloc",
        "CSTO",
        "--render",
        "svg",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
    w.fails(&["export", "dot", "--render", "gif", "-o", "x.gif"], 2);
}

#[test]
fn analyze_bad_step_is_a_usage_error() {
    let w = Workdir::new();
    for (bad, says) in [
        ("week", "invalid value 'week' for '--step <S>'"),
        ("Year2", "invalid value 'Year2' for '--step <S>'"),
        ("", "a value is required for '--step <S>'"),
    ] {
        let flag = format!("--step={bad}");
        let stderr = w.fails(&["analyze", "cohesion", "--from", "2020", "--to", "2024", &flag], 2);
        assert!(
            stderr.contains(says) && stderr.contains("[possible values: year, month]"),
            "{stderr}"
        );
    }
    assert!(!w.store().exists(), "a usage error opened the store");
}
