//! `blocgraph import`: each CSV kind, each kind of bad input (store unchanged), re-import, RDF.

use crate::workdir::{rejects, seeded, ChildGuard, Workdir, TEST_SOURCE};

#[test]
fn import_each_kind_and_reimport_adds_nothing() {
    let w = seeded();
    let entities = w.write("entities.csv", "id,kind,label,aliases,wikidata,note\nXLD,country,Freedonia,Fredonia|Republic of Freedonia,Q1,fictional\nXBL,bloc,Test Bloc,TB,,\n");
    let sources = w.write("sources.csv", TEST_SOURCE);
    let memberships = w.write("memberships.csv", "country,bloc,role,start,end,source,quote,note\nFreedonia,TB,member,2020,2023-06-15,test-src,\"joined, then left\",\nXLD,XBL,observer,2023-06-15,,test-src,,\n");
    let trade = w.write("trade.csv", "reporter,partner,period_start,period_end,value_usd,value_usd_max,qualifier,status,change_pct,source,quote,note\nXLD,RUS,2024-01,2024-10,1000,2000,range,estimate,-3.5,test-src,,\nXLD,Kazakhstan,2023,2023,500,,at-least,reported,,test-src,,\n");
    let events = w.write("events.csv", "date,type,actor,target,bloc,polarity,summary,source,quote,note\n2024-03-02,summit,XLD,,XBL,1,A summit,test-src,,\n2024-04,protest,fredonia,RUS,,-1,\"A protest, with \"\"quotes\"\"\nand a newline\",test-src,,\n");
    let files = [&entities, &sources, &memberships, &trade, &events]
        .map(|p| p.to_str().unwrap().to_owned());
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    let out = w.ok(&args);
    for line in [
        "entities: added 2, already present 0",
        "sources: added 1, already present 0",
        "memberships: added 2, already present 0",
        "trade: added 2, already present 0",
        "events: added 2, already present 0",
    ] {
        assert!(out.contains(line), "{line} not in {out}");
    }
    let before = w.snapshot();
    let again = w.ok(&args);
    assert!(again.contains("memberships: added 0, already present 2"), "{again}");
    assert!(again.contains("entities: added 0, already present 2"), "{again}");
    assert_eq!(w.snapshot(), before, "re-import changed the store");
    // The facts answer queries by label and alias, with the stated precision kept.
    let rows = w.csv(&["query", "memberships", "--param", "country=Republic of Freedonia"]);
    assert_eq!(rows[0], ["bloc", "role", "start", "end", "sources", "disputed", "claim"]);
    assert!(
        rows.iter().any(|r| r[..6] == ["XBL", "member", "2020", "2023-06-15", "test-src", "false"]),
        "{rows:?}"
    );
    let members = w.csv(&["query", "members", "--param", "bloc=TB", "--as-of", "2023-06-15"]);
    assert_eq!(members.len(), 2, "{members:?}");
    assert_eq!(members[1][2], "observer");
    let events = w.csv(&["query", "events", "--param", "actor=XLD"]);
    assert!(
        events.iter().any(|r| r.iter().any(|c| c == "A protest, with \"quotes\"\nand a newline")),
        "{events:?}"
    );
}

#[test]
fn import_dry_run_stores_nothing() {
    let w = seeded();
    let before = w.snapshot();
    let file = w.write("e.csv", "id,kind,label\nXLD,country,Freedonia\n");
    let out = w.ok(&["import", "--dry-run", file.to_str().unwrap()]);
    assert!(out.contains("entities: would add 1"), "{out}");
    assert_eq!(w.snapshot(), before);
}

#[test]
fn import_columns_in_any_order_and_header_case() {
    let w = seeded();
    let file = w.write("e.csv", "Label,KIND,id\nFreedonia,country,XLD\n");
    w.ok(&["import", file.to_str().unwrap()]);
    assert!(w.ok(&["query", "entities", "--format", "csv"]).contains("XLD,country,Freedonia"));
}

#[test]
fn import_rejects_unknown_column() {
    rejects(
        "m.csv",
        "country,bloc,role,start,source,colour\nARM,CSTO,member,2020,test-src,red\n",
        &["m.csv:1: column 'colour': unknown column"],
    );
}

#[test]
fn import_rejects_missing_column() {
    rejects(
        "m.csv",
        "country,bloc,role,source\nARM,CSTO,member,test-src\n",
        &["m.csv:1:", "needs the column start"],
    );
}

#[test]
fn import_rejects_unknown_entity_with_suggestion() {
    rejects(
        "m.csv",
        "country,bloc,role,start,source\nArmenai,CSTO,member,2020,test-src\n",
        &["m.csv:2: column 'country': unknown country 'Armenai'", "did you mean 'ARM'"],
    );
}

#[test]
fn import_rejects_bad_date() {
    rejects(
        "m.csv",
        "country,bloc,role,start,source\nARM,CSTO,member,2024-02-30,test-src\n",
        &["m.csv:2: column 'start': '2024-02-30' is not a date"],
    );
}

#[test]
fn import_rejects_end_before_start() {
    rejects(
        "m.csv",
        "country,bloc,role,start,end,source\nARM,CSTO,member,2020-05,2019,test-src\n",
        &["m.csv:2: column 'end': end 2019 is not after start 2020-05"],
    );
}

#[test]
fn import_rejects_unknown_source() {
    rejects(
        "m.csv",
        "country,bloc,role,start,source\nARM,CSTO,member,2020,test-srx\n",
        &["m.csv:2: column 'source': unknown source 'test-srx'", "did you mean 'test-src'"],
    );
}

#[test]
fn import_rejects_unknown_event_type_listing_valid_ones() {
    rejects(
        "e.csv",
        "date,type,actor,polarity,summary,source\n2024,picnic,ARM,1,x,test-src\n",
        &[
            "e.csv:2: column 'type': unknown event type 'picnic'",
            "summit",
            "withdrawal-announcement",
        ],
    );
}

#[test]
fn import_rejects_bad_polarity() {
    rejects(
        "e.csv",
        "date,type,actor,polarity,summary,source\n2024,summit,ARM,2,x,test-src\n",
        &["e.csv:2: column 'polarity': '2' is not a polarity"],
    );
}

#[test]
fn import_rejects_bad_number() {
    for bad in ["93 billion", "1e400", "NaN", "-5"] {
        rejects("t.csv", format!("reporter,partner,period_start,period_end,value_usd,status,source\nRUS,KAZ,2024,2024,{bad},reported,test-src\n"), &["t.csv:2: column 'value_usd':"]);
    }
}

#[test]
fn import_rejects_range_without_max() {
    rejects("t.csv", "reporter,partner,period_start,period_end,value_usd,qualifier,status,source\nRUS,BLR,2024,2024,59000000000,range,forecast,test-src\n", &["t.csv:2: column 'value_usd_max': qualifier 'range' needs value_usd_max"]);
}

#[test]
fn import_rejects_duplicate_rows() {
    rejects("m.csv", "country,bloc,role,start,source\nARM,CSTO,member,2020,test-src\nARM,CSTO,member,2020,test-src\n", &["m.csv:3: duplicate row", "first at", "m.csv:2"]);
}

#[test]
fn import_rejects_latin1_naming_line_and_column() {
    let mut bytes = b"id,kind,label\nXLD,country,Fr".to_vec();
    bytes.push(0xE9); // é in Latin-1
    bytes.extend(b"donia\n");
    let w = seeded();
    let before = w.snapshot();
    let file = w.write("latin1.csv", bytes);
    let stderr = w.fails(&["import", file.to_str().unwrap()], 2);
    assert!(stderr.contains("latin1.csv:2: column 'label': not valid UTF-8"), "{stderr}");
    assert_eq!(w.snapshot(), before);
}

#[test]
fn import_rejects_empty_file() {
    rejects("empty.csv", "", &["empty.csv: the file is empty"]);
}

#[test]
fn import_header_only_adds_nothing() {
    let w = seeded();
    let before = w.snapshot();
    let file = w.write("h.csv", "country,bloc,role,start,source\n");
    let out = w.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("nothing to import"), "{out}");
    assert_eq!(w.snapshot(), before);
}

#[test]
fn import_reports_every_error_of_every_file_in_one_run() {
    rejects(
        "m.csv",
        "country,bloc,role,start,end,source\nArmenai,CSTO,member,2020,,test-src\nARM,CSTO,boss,2020,,test-src\nARM,CSTO,member,2021-13,,test-src\nARM,CSTO,member,2021,2020,test-src\n",
        &["m.csv:2: column 'country'", "m.csv:3: column 'role'", "m.csv:4: column 'start'", "m.csv:5: column 'end'", "4 problems"],
    );
}

#[test]
fn import_one_bad_file_stores_nothing_of_the_good_one() {
    let w = seeded();
    let before = w.snapshot();
    let good = w.write("good.csv", "id,kind,label\nXLD,country,Freedonia\n");
    let bad = w.write("bad.csv", "country,bloc,role,start,source\nXLD,CSTO,member,2020,nowhere\n");
    w.fails(&["import", good.to_str().unwrap(), bad.to_str().unwrap()], 2);
    assert_eq!(w.snapshot(), before);
}

#[test]
fn import_handles_bom_crlf_and_quoted_commas() {
    let w = seeded();
    let file = w.write("e.csv", "\u{feff}id,kind,label,aliases\r\nXLD,country,\"Freedonia, Republic of\",\"Fredonia|Freedonia\"\r\n");
    w.ok(&["import", file.to_str().unwrap()]);
    assert!(w.ok(&["query", "entities", "--format", "csv"]).contains("\"Freedonia, Republic of\""));
}

#[test]
fn import_rejects_alias_taken_by_another_entity() {
    rejects(
        "e.csv",
        "id,kind,label,aliases\nXLD,country,Freedonia,Armenia\n",
        &["column 'aliases': 'Armenia' already names entity 'ARM'"],
    );
}

#[test]
fn import_rejects_entity_id_that_looks_like_sparql() {
    rejects(
        "e.csv",
        "id,kind,label\n\"X> } ; DROP ALL ; #\",country,Evil\n",
        &["e.csv:2: column 'id'", "is not a valid id"],
    );
}

#[test]
fn import_rejects_ragged_rows_and_nul_bytes() {
    rejects(
        "e.csv",
        "id,kind,label\nXLD,country\nXLE,country,A\0B\n",
        &[
            "e.csv:2: the row has 2 fields, the header has 3",
            "e.csv:3: column 'label': the cell contains a NUL byte",
        ],
    );
}

#[test]
fn import_rdf_turtle_and_reports_syntax_errors() {
    let w = seeded();
    let ttl = w.write(
        "x.ttl",
        "@prefix ex: <http://example.org/> .\nex:a ex:b \"c\" .\nex:a ex:d ex:e .\n",
    );
    let out = w.ok(&["import", ttl.to_str().unwrap()]);
    assert!(out.contains("triples: added 2, already present 0"), "{out}");
    let again = w.ok(&["import", ttl.to_str().unwrap()]);
    assert!(again.contains("triples: added 0, already present 2"), "{again}");
    let before = w.snapshot();
    let bad = w.write(
        "bad.nt",
        "<http://example.org/a> <http://example.org/b> <http://exa mple.org/c> .\n",
    );
    let stderr = w.fails(&["import", bad.to_str().unwrap()], 2);
    assert!(stderr.contains("bad.nt:1: column"), "{stderr}");
    assert_eq!(w.snapshot(), before);
}

#[test]
fn import_missing_file_is_a_runtime_error() {
    let w = seeded();
    let stderr = w.fails(&["import", "no-such-file.csv"], 1);
    assert!(stderr.contains("no-such-file.csv"), "{stderr}");
}

#[test]
fn import_reads_standard_input() {
    let w = seeded();
    let mut child = w
        .command(&["import", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        b"id,kind,label\nXLD,country,Freedonia\nXLD,country,Freedonia\n",
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("<stdin>:3: entity 'XLD' is defined twice"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn import_standard_input_stores_its_facts() {
    let w = seeded();
    let mut child = ChildGuard::spawn(
        w.command(&["import", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped()),
    );
    std::io::Write::write_all(
        &mut child.child_mut().stdin.take().unwrap(),
        b"id,kind,label,aliases\nXLD,country,Freedonia,Fredonia\n",
    )
    .unwrap();
    let out = child.take().wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "entities: added 1, already present 0\n");
    let rows = w.csv(&["query", "entities", "--param", "kind=country"]);
    assert!(
        rows.iter().any(|r| r[0] == "XLD" && r[2] == "Freedonia" && r[3] == "Fredonia"),
        "{rows:?}"
    );
}

/// 12,000 event rows: the importer reports its progress every 10,000 rows.
fn many_events(w: &Workdir) -> std::path::PathBuf {
    let mut rows = String::from("date,type,actor,polarity,summary,source\n");
    for i in 0..12_000 {
        rows.push_str(&format!("2020-01-01,summit,ARM,0,summit {i},test-src\n"));
    }
    w.write("events.csv", rows)
}

#[test]
fn import_progress_line_on_a_terminal_never_in_a_pipe() {
    let w = seeded();
    let src = w.write("s.csv", TEST_SOURCE);
    let events = many_events(&w);
    // On a terminal: `script` gives the command a pseudo-terminal and copies what it printed.
    let line = format!(
        "'{}' --store '{}' import --dry-run '{}' '{}'",
        env!("CARGO_BIN_EXE_blocgraph"),
        w.store().display(),
        src.display(),
        events.display()
    );
    let out = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env_remove("BLOCGRAPH_STORE")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("`script` (util-linux) gives the import a terminal: apt-get install util-linux");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("\rchecking: 10000 rows\x1b[K"), "no progress line: {shown:?}");
    assert!(shown.contains("\r\x1b[K"), "the progress line is not cleared: {shown:?}");
    assert!(shown.contains("events: would add 12000"), "{shown:?}");
    // In a pipe: no progress, no control characters; the facts are stored.
    let out = w.run(&["import", src.to_str().unwrap(), events.to_str().unwrap()]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "progress reached a pipe: {stderr:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "events: added 12000, already present 0\nsources: added 1, already present 0\n"
    );
}

#[test]
fn import_quiet_prints_nothing_but_stores_and_still_reports_errors() {
    let w = seeded();
    let file = w.write("e.csv", "id,kind,label\nXLD,country,Freedonia\n");
    let out = w.run(&["import", "-q", file.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "-q: {out:?}");
    assert!(w.csv(&["query", "entities"]).iter().any(|r| r[0] == "XLD"), "-q stored nothing");
    let again = w.run(&["import", "--quiet", file.to_str().unwrap()]);
    assert!(again.status.success() && again.stdout.is_empty() && again.stderr.is_empty());
    let bad = w.write("bad.csv", "id,kind,label\nXLE,planet,Mars\n");
    let stderr = w.fails(&["import", "-q", bad.to_str().unwrap()], 2);
    assert!(stderr.contains("bad.csv:2: column 'kind'"), "{stderr}");
}
