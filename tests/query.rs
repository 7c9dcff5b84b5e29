//! `blocgraph query` and `queries`: golden answers written from the articles, formats, and bad use.

use crate::workdir::{seeded, ChildGuard, Workdir};

fn col(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]))
}

/// The distinct (country, role) pairs of `members`.
fn members(w: &Workdir, bloc: &str, as_of: &str) -> Vec<(String, String)> {
    let rows = w.csv(&["query", "members", "--param", &format!("bloc={bloc}"), "--as-of", as_of]);
    let (c, r) = (col(&rows, "country"), col(&rows, "role"));
    let mut pairs: Vec<(String, String)> =
        rows[1..].iter().map(|row| (row[c].clone(), row[r].clone())).collect();
    pairs.sort();
    pairs.dedup();
    pairs
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn query_members_csto_before_and_after_armenias_freeze() {
    let w = Workdir::new();
    // Collective Security Treaty 1992 and later accessions; Uzbekistan suspended in 2012, then
    // out from 2012-12-19 (reference facts).
    let end_2021 = pairs(&[
        ("ARM", "member"),
        ("BLR", "member"),
        ("KAZ", "member"),
        ("KGZ", "member"),
        ("RUS", "member"),
        ("TJK", "member"),
    ]);
    assert_eq!(members(&w, "CSTO", "2021-12-31"), end_2021);
    assert_eq!(members(&w, "CSTO", "2024-02-21"), end_2021, "the day before the freeze");
    // Pashinyan: participation frozen on 2024-02-22 (the Moscow Times: "de facto withdrawn").
    let after = pairs(&[
        ("ARM", "frozen"),
        ("BLR", "member"),
        ("KAZ", "member"),
        ("KGZ", "member"),
        ("RUS", "member"),
        ("TJK", "member"),
    ]);
    assert_eq!(members(&w, "CSTO", "2024-02-22"), after);
    assert_eq!(
        members(&w, "Organization for Collective Security", "2024-12-31"),
        after,
        "the article's own name for the CSTO"
    );
    // 1995: the treaty had Azerbaijan and Georgia too; no Uzbek freeze yet.
    let m1995 = members(&w, "csto", "1995");
    assert!(
        m1995.contains(&("AZE".into(), "member".into()))
            && m1995.contains(&("GEO".into(), "member".into()))
            && m1995.contains(&("UZB".into(), "member".into())),
        "{m1995:?}"
    );
}

#[test]
fn query_members_eaeu_five_states() {
    let w = Workdir::new();
    // "a single market for 184 million people across five former Soviet states"
    let m = members(&w, "EEU", "2023-01-15");
    let full: Vec<&str> =
        m.iter().filter(|(_, r)| r == "member").map(|(c, _)| c.as_str()).collect();
    assert_eq!(full, ["ARM", "BLR", "KAZ", "KGZ", "RUS"]);
    // Observers are listed with their role (Moldova 2018, Uzbekistan and Cuba 2020: reference facts).
    let observers: Vec<&str> =
        m.iter().filter(|(_, r)| r == "observer").map(|(c, _)| c.as_str()).collect();
    assert_eq!(observers, ["CUB", "MDA", "UZB"]);
}

#[test]
fn query_memberships_of_armenia() {
    let w = Workdir::new();
    let rows = w.csv(&["query", "memberships", "--param", "country=Armenia"]);
    let find = |bloc: &str, role: &str, start: &str, end: &str| {
        rows.iter().any(|r| r[0] == bloc && r[1] == role && r[2] == start && r[3] == end)
    };
    assert!(find("CSTO", "member", "1992-05-15", "2024-02-22"), "{rows:?}");
    assert!(find("CSTO", "frozen", "2024-02-22", ""), "{rows:?}");
    assert!(find("EAEU", "member", "2015-01-02", ""), "{rows:?}");
    assert!(find("CIS", "member", "1991-12-21", ""), "{rows:?}");
    let now = w.csv(&["query", "memberships", "--param", "country=ARM", "--as-of", "2024-12-31"]);
    assert!(
        now[1..].iter().all(|r| r[3].is_empty()),
        "only open spells hold at the end of 2024: {now:?}"
    );
    assert!(now[1..].iter().any(|r| r[0] == "CSTO" && r[1] == "frozen"));
}

#[test]
fn query_trade_russia_keeps_qualifiers_and_statuses() {
    let w = Workdir::new();
    let rows = w.csv(&["query", "trade", "--param", "country=Russia"]);
    let has = |partner: &str,
               start: &str,
               end: &str,
               value: &str,
               max: &str,
               qualifier: &str,
               status: &str,
               change: &str| {
        rows.iter().any(|r| {
            r[1] == partner
                && r[2] == start
                && r[3] == end
                && r[4] == value
                && r[5] == max
                && r[6] == qualifier
                && r[7] == status
                && r[8] == change
        })
    };
    // "a 10.6% increase in trade from January to October, reaching $93 billion"
    assert!(
        has("CIS", "2024-01", "2024-10", "93000000000", "", "exact", "reported", "10.6"),
        "{rows:?}"
    );
    // "exceeding $28 billion" (year not stated; 2023 assumed and noted)
    assert!(has("KAZ", "2023", "2023", "28000000000", "", "at-least", "reported", ""), "{rows:?}");
    // "reaching over $20 billion from January to September this year"
    assert!(
        has("KAZ", "2024-01", "2024-09", "20000000000", "", "at-least", "reported", ""),
        "{rows:?}"
    );
    // "expected to reach $59-60 billion in 2024"
    assert!(
        has("BLR", "2024", "2024", "59000000000", "60000000000", "range", "forecast", ""),
        "{rows:?}"
    );
    // "$6.8 billion in the first seven months of 2024, a 29.1% increase"
    assert!(
        has("UZB", "2024-01", "2024-07", "6800000000", "", "exact", "reported", "29.1"),
        "{rows:?}"
    );
    assert_eq!(rows.len() - 1, 5, "{rows:?}");
}

#[test]
fn query_events_between_armenia_and_the_csto() {
    let w = Workdir::new();
    let rows = w.csv(&[
        "query",
        "events",
        "--param",
        "actor=ARM",
        "--param",
        "bloc=CSTO",
        "--param",
        "from=2022",
        "--param",
        "to=2024-12-31",
    ]);
    let typed: Vec<(String, String)> =
        rows[1..].iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    for expected in [
        // Relative dates resolved to the day of their dated records (seed-data/README.md).
        ("2022-11-23", "refusal"),
        ("2023-01-10", "refusal"),
        ("2024-02-22", "membership-freeze"),
        ("2024-06-12", "withdrawal-announcement"),
    ] {
        assert!(
            typed.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} missing from {typed:?}"
        );
    }
    let p = col(&rows, "polarity");
    assert!(rows[1..].iter().filter(|r| r[1] == "refusal").all(|r| r[p] == "-1"));
    let before = w.csv(&["query", "events", "--param", "bloc=CSTO", "--param", "to=2022-10-31"]);
    assert!(before[1..].iter().all(|r| r[0].as_str() < "2022-11"), "{before:?}");
}

#[test]
fn query_withdrawals_lists_exits_freezes_and_announcements() {
    let w = Workdir::new();
    let rows = w.csv(&["query", "withdrawals"]);
    let has = |c: &str, b: &str, d: &str, k: &str| {
        rows.iter().any(|r| r[0] == c && r[1] == b && r[2] == d && r[3] == k)
    };
    assert!(has("ARM", "CSTO", "2024-02-22", "frozen"), "{rows:?}");
    assert!(has("ARM", "CSTO", "2024-06-12", "announced"), "{rows:?}");
    assert!(has("GEO", "CIS", "2009-08-18", "exit"), "{rows:?}");
    assert!(has("UZB", "CSTO", "2012-06-28", "frozen"), "{rows:?}");
    assert!(!has("ARM", "CSTO", "2024-02-22", "exit"), "a freeze is not an exit: {rows:?}");
    assert!(
        rows.iter().any(|r| r[0] == "TKM" && r[1] == "CIS" && r[3] == "downgraded to associate"),
        "{rows:?}"
    );
}

#[test]
fn query_overlap_and_sources_with_quotes() {
    let w = Workdir::new();
    let rows = w.csv(&["query", "overlap", "--as-of", "2024-12-31"]);
    assert!(
        rows.iter()
            .any(|r| r[0] == "BLR" && r[1] == "5" && r[2].split('|').any(|b| b == "UNION_STATE")),
        "{rows:?}"
    );
    let src = w.csv(&["query", "sources", "--param", "entity=Kazakhstan"]);
    let q = col(&src, "quote");
    assert!(src.iter().any(|r| r[q] == "the trade volume between Russia and Kazakhstan has set a new record, exceeding $28 billion"), "{src:?}");
    // One fact by id: every version of its claim (here the reference source and the article).
    let c = col(&src, "claim");
    let fact = src[1][col(&src, "version")].clone();
    let one = w.csv(&["query", "sources", "--param", &format!("fact={fact}")]);
    assert!(one.len() >= 2, "{one:?}");
    assert!(one[1..].iter().all(|r| r[c] == src[1][c]), "one claim: {one:?}");
}

#[test]
fn query_formats_are_the_w3c_ones() {
    let w = Workdir::new();
    let args = ["query", "members", "--param", "bloc=UNION_STATE", "--as-of", "2024-01-01"];
    let csv = w.ok(&[&args[..], &["--format", "csv"]].concat());
    assert!(csv.starts_with("country,label,role,start,end,sources,disputed,claim\r\n"), "{csv}");
    assert!(
        csv.contains("BLR,Belarus,member,2000-01-26,,ref-union-state-treaty-1999,false,m-"),
        "{csv}"
    );
    let tsv = w.ok(&[&args[..], &["--format", "tsv"]].concat());
    assert!(tsv.starts_with("?country\t?label"), "{tsv}");
    assert!(tsv.contains("\"2000-01-26\"^^<http://www.w3.org/2001/XMLSchema#date>"), "{tsv}");
    let json: serde_json::Value =
        serde_json::from_str(&w.ok(&[&args[..], &["--format", "json"]].concat())).unwrap();
    assert_eq!(json["head"]["vars"][0], "country");
    let first = &json["results"]["bindings"][0]["country"];
    assert_eq!(first["type"], "uri");
    assert!(first["value"].as_str().unwrap().ends_with("/id/BLR"), "{first}");
    let table = w.ok(&[&args[..], &["--format", "table"]].concat());
    assert!(table.contains("BLR") && table.contains("rows)"), "{table}");
    // Piped output defaults to csv.
    assert!(w.ok(&args).starts_with("country,label"));
}

#[test]
fn query_lists_saved_queries_with_parameters() {
    let w = Workdir::new();
    let out = w.ok(&["queries"]);
    for name in [
        "members",
        "memberships",
        "trade",
        "events",
        "withdrawals",
        "overlap",
        "sources",
        "timeline",
        "changes",
        "bilateral",
    ] {
        assert!(out.lines().any(|l| l == name), "{name} missing:\n{out}");
    }
    assert!(out.contains("--param bloc=<entity>  (required)"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&w.ok(&["queries", "--format", "json"])).unwrap();
    assert!(json.as_array().unwrap().len() >= 12);
}

#[test]
fn query_rejects_unknown_query_and_parameters() {
    let w = Workdir::new();
    let e = w.fails(&["query", "membrs"], 2);
    assert!(e.contains("unknown query 'membrs'") && e.contains("'members'"), "{e}");
    let e = w.fails(&["query", "members", "--param", "blok=CSTO"], 2);
    assert!(e.contains("has no parameter 'blok'") && e.contains("bloc"), "{e}");
    let e = w.fails(&["query", "members"], 2);
    assert!(e.contains("needs --param bloc="), "{e}");
    let e = w.fails(&["query", "members", "--param", "bloc=CTSO"], 2);
    assert!(e.contains("unknown entity 'CTSO'") && e.contains("'CSTO'"), "{e}");
    let e = w.fails(&["query", "members", "--param", "bloc=CSTO", "--as-of", "2024-02-30"], 2);
    assert!(e.contains("2024-02-30"), "{e}");
    let e = w.fails(&["query", "trade", "--as-of", "2024"], 2);
    assert!(e.contains("as_of"), "{e}");
    w.fails(&["query", "members", "--param", "bloc"], 2);
}

#[test]
fn query_parameter_injection_is_only_a_value() {
    let w = Workdir::new();
    let before = w.snapshot();
    let e = w.fails(
        &["query", "members", "--param", "bloc=CSTO> } ; DROP ALL ; SELECT * { ?s ?p ?o"],
        2,
    );
    assert!(e.contains("unknown entity"), "{e}");
    let rows = w.csv(&["query", "entities", "--param", "kind=bloc\" || true || \""]);
    assert_eq!(rows.len(), 1, "a string parameter is a literal, never SPARQL: {rows:?}");
    assert_eq!(w.snapshot(), before);
}

#[test]
fn query_malformed_user_query_names_line_and_column() {
    let w = Workdir::new();
    let file = w.write("bad.rq", "SELECT ?x WHERE {\n  ?x ?y \n}\n");
    let e = w.fails(&["query", file.to_str().unwrap()], 2);
    assert!(e.contains("bad.rq") && e.contains("error at 3:"), "{e}");
    let good =
        w.write("count.rq", "# Count triples.\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n");
    let rows = w.csv(&["query", good.to_str().unwrap()]);
    assert!(rows[1][0].parse::<u64>().unwrap() > 1000);
}

#[test]
fn query_timeout_cancels_a_runaway_query() {
    let w = seeded();
    // The second shape builds its cross product in memory without reading the store, where
    // oxigraph does not look at its cancellation flag (it took 90 s to notice a 2 s timeout).
    for (i, text) in [
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    ]
    .into_iter()
    .enumerate()
    {
        let slow = w.write(&format!("slow{i}.rq"), format!("{text}\n"));
        let (out, cpu) = w.run_cpu_timed(&["query", slow.to_str().unwrap(), "--timeout", "0.5"]);
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{e}");
        assert!(e.contains("longer than 0.5 s"), "{e}");
        // CPU time, not wall-clock time: it does not grow when the machine is loaded. A query
        // that went on computing after its timeout (the 90 s case above) would use far more.
        assert!(cpu < 5.0, "cancelling {text} used {cpu:.1} s of CPU time");
    }
}

#[test]
fn query_timeout_applies_to_saved_queries_and_bad_values_are_usage_errors() {
    let w = seeded();
    let args = ["query", "changes", "--param", "from=1991", "--param", "to=2024-12-31"];
    let plain = w.ok(&args);
    let mut timed = args.to_vec();
    timed.extend(["--timeout", "30"]);
    assert_eq!(w.ok(&timed), plain, "--timeout changed a saved query's answer");
    // A microsecond is less than any query takes: the saved query is cancelled, exit 1.
    let mut tiny = args.to_vec();
    tiny.extend(["--timeout", "0.000001"]);
    let e = w.fails(&tiny, 1);
    assert!(e.contains("the query took longer than 0.000001 s and was cancelled"), "{e}");
    for bad in ["0", "-1", "abc", "NaN", "inf", "1e400", ""] {
        let flag = format!("--timeout={bad}");
        let mut all = args.to_vec();
        all.push(&flag);
        let stderr = w.fails(&all, 2);
        assert!(
            stderr.contains(&format!("--timeout {bad}: expected a positive number of seconds")),
            "--timeout {bad:?}: {stderr}"
        );
    }
}

#[test]
fn query_and_export_into_a_closed_pipe_exit_0_silently() {
    // `blocgraph export rdf | head -c 16`: the reader stops; blocgraph ends, exit 0, no message.
    let w = seeded();
    for args in [
        &["export", "rdf", "--format", "nt"][..],
        &["query", "sources", "--param", "entity=RUS"][..],
        &[
            "query",
            "changes",
            "--param",
            "from=1991",
            "--param",
            "to=2024-12-31",
            "--format",
            "csv",
        ][..],
    ] {
        let mut child = ChildGuard::spawn(
            w.command(args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped()),
        );
        let mut first = [0u8; 16];
        std::io::Read::read_exact(child.child_mut().stdout.as_mut().unwrap(), &mut first).unwrap();
        drop(child.child_mut().stdout.take());
        let out = child.take().wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stderr.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
