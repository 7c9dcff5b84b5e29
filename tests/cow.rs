//! `import --format cow-igo` and `analyze agreement` on the real COW IGO v3 extract.

use serde_json::Value;

use crate::workdir::{shared, Workdir};

fn extract() -> std::path::PathBuf {
    let path = shared()
        .expect("../shared/ is needed (it is beside the repo in CI)")
        .join("external/cow-igo-v3-postsoviet.csv");
    assert!(path.exists(), "{} is missing", path.display());
    path
}

fn with_cow() -> Workdir {
    let w = Workdir::new();
    let out = w.ok(&["import", "--format", "cow-igo", extract().to_str().unwrap()]);
    assert!(out.contains("memberships: added 67, already present 0"), "{out}");
    assert!(out.contains("sources: added 1"), "{out}");
    w
}

/// The COW spells of a country (bloc, role, start, end).
fn cow_spells(w: &Workdir, country: &str) -> Vec<(String, String, String, String)> {
    let rows =
        w.csv(&["query", "memberships", "--param", &format!("country={country}"), "--by-source"]);
    rows[1..]
        .iter()
        .filter(|r| r[4] == "cow-igo-v3")
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()))
        .collect()
}

fn spell(bloc: &str, role: &str, start: &str, end: &str) -> (String, String, String, String) {
    (bloc.into(), role.into(), start.into(), end.into())
}

#[test]
fn cow_import_spells_match_the_raw_rows_and_reimport_adds_nothing() {
    let w = with_cow();
    // Raw rows: CSTO,uzbekistan 2002..2011 = 1, 2012..2014 = 0.
    assert!(
        cow_spells(&w, "UZB").contains(&spell("CSTO", "member", "2002", "2012")),
        "{:?}",
        cow_spells(&w, "UZB")
    );
    // Raw rows: CIS,georgia 1991..1994 = 0, 1995..2007 = 1, 2008..2014 = 0.
    assert!(cow_spells(&w, "Georgia").contains(&spell("CIS", "member", "1995", "2008")));
    // Raw rows: CIS,ukraine 1991..1992 = 1, 1993..2014 = 2 (coded through 2014, the last year: open).
    let ukr = cow_spells(&w, "UKR");
    assert!(
        ukr.contains(&spell("CIS", "member", "1991", "1993"))
            && ukr.contains(&spell("CIS", "associate", "1993", "")),
        "{ukr:?}"
    );
    // Raw rows: SCO,belarus 1996..2014 = 0: no spell at all.
    assert!(!cow_spells(&w, "BLR").iter().any(|s| s.0 == "SCO"), "{:?}", cow_spells(&w, "BLR"));
    // Organisations blocgraph did not know are created as blocs, with COW's name as an alias.
    let blocs = w.csv(&["query", "entities", "--param", "kind=bloc"]);
    assert!(
        blocs.iter().any(|r| r[0] == "EAEC" && r[2] == "Eurasian Economic Community"),
        "{blocs:?}"
    );
    assert!(
        blocs
            .iter()
            .any(|r| r[0] == "BSEC" && r[3].split('|').any(|a| a == "Black Sea Economic Council")),
        "{blocs:?}"
    );
    let before = w.snapshot();
    let again = w.ok(&["import", "--format", "cow-igo", extract().to_str().unwrap()]);
    assert!(
        again.contains("memberships: added 0, already present 67")
            && again.contains("coverage: added 0"),
        "{again}"
    );
    assert_eq!(w.snapshot(), before);
    assert!(w.ok(&["validate"]).contains("no violations"));
}

#[test]
fn cow_agreement_lists_the_known_disagreements_and_nothing_else() {
    let w = with_cow();
    let report: Value = serde_json::from_str(&w.ok(&[
        "analyze",
        "agreement",
        "--bloc",
        "CIS",
        "--bloc",
        "CSTO",
        "--bloc",
        "SCO",
        "--from",
        "1991",
        "--to",
        "2014",
        "--format",
        "json",
    ]))
    .unwrap();
    let found: Vec<String> = report["disagreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d["country"].as_str().unwrap(),
                d["bloc"].as_str().unwrap(),
                d["year"]
            )
        })
        .collect();
    let expected = [
        // Georgia: joined 1993-12-03, exit effective 2009-08-18; COW codes 1995-2007.
        "GEO CIS 1993",
        "GEO CIS 1994",
        "GEO CIS 2008",
        "GEO CIS 2009",
        // Turkmenistan never ratified the 1993 Charter: by the rule it shares with Ukraine it is
        // an associate from 1993-01-22 (seed-data/README.md); COW codes it a member to 2004.
        "TKM CIS 1994",
        "TKM CIS 1995",
        "TKM CIS 1996",
        "TKM CIS 1997",
        "TKM CIS 1998",
        "TKM CIS 1999",
        "TKM CIS 2000",
        "TKM CIS 2001",
        "TKM CIS 2002",
        "TKM CIS 2003",
        "TKM CIS 2004",
        // Ukraine: member until the 1993 Charter; COW codes it an associate from 1993.
        "UKR CIS 1993",
        // Uzbekistan left the treaty in 1999 and rejoined in 2006; suspended in 2012, then out
        // from 2012-12-19, as COW codes it from 2012 (so 2013 and 2014 now agree).
        "UZB CSTO 2002",
        "UZB CSTO 2003",
        "UZB CSTO 2004",
        "UZB CSTO 2005",
        "UZB CSTO 2012",
    ];
    assert_eq!(found, expected);
    let georgia = &report["disagreements"][0]["says"];
    assert_eq!(georgia[0]["source"], "cow-igo-v3");
    assert_eq!(georgia[0]["status"], "none");
    assert_eq!(georgia[1]["source"], "curated");
    assert!(
        georgia[1]["facts"][0].as_str().unwrap().starts_with("ref-georgia-cis/m-"),
        "{georgia}"
    );
    let rates = report["rates"].as_array().unwrap();
    let sco = rates.iter().find(|r| r["name"] == "SCO").unwrap();
    assert_eq!(sco["rate"], 1.0);
    let pair = rates.iter().find(|r| r["scope"] == "sources").unwrap();
    assert_eq!(pair["name"], "cow-igo-v3 ~ curated");
    // The same list as CSV for a spreadsheet.
    let csv = w.csv(&["analyze", "agreement", "--bloc", "CIS", "--from", "1991", "--to", "2014"]);
    assert_eq!(csv[0][..4], ["country", "bloc", "year", "says"]);
    assert_eq!(csv.len(), 1 + 16);
}

#[test]
fn cow_agreement_compares_any_two_sources() {
    let w = Workdir::new();
    let report: Value = serde_json::from_str(&w.ok(&[
        "analyze",
        "agreement",
        "--source",
        "ref-cis-founding",
        "--source",
        "ref-ukraine-cis-2018",
        "--format",
        "json",
    ]))
    .unwrap();
    // Both speak on Ukraine in 1993, the year the founding spell ends and the associate one starts.
    let d = report["disagreements"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0]["country"].as_str(), d[0]["year"].as_u64()), (Some("UKR"), Some(1993)));
    w.fails(&["analyze", "agreement", "--source", "ref-cis-founding"], 2);
}

#[test]
fn cow_import_rejects_bad_rows_storing_nothing() {
    let w = Workdir::new();
    w.ok(&["stats"]);
    let before = w.snapshot();
    let bad = w.write("bad.csv", "ioname,orgname,year,state,status\nCIS,Commonwealth,1995,georgia,1\nCIS,Commonwealth,19x5,georgia,1\nCIS,Commonwealth,1996,atlantis,1\nCIS,Commonwealth,1997,georgia,7\nCIS,Commonwealth,1995,georgia,0\n");
    let e = w.fails(&["import", "--format", "cow-igo", bad.to_str().unwrap()], 2);
    for expected in [
        "bad.csv:3: column 'year'",
        "bad.csv:4: column 'state': unknown country 'atlantis'",
        "bad.csv:5: column 'status'",
        "bad.csv:6: this state, organisation and year are coded 1 at line 2 and 0 here",
    ] {
        assert!(e.contains(expected), "{expected} not in:\n{e}");
    }
    let missing = w.write("m.csv", "ioname,year,state\nCIS,1995,georgia\n");
    let e = w.fails(&["import", "--format", "cow-igo", missing.to_str().unwrap()], 2);
    assert!(e.contains("needs the columns orgname, status"), "{e}");
    assert_eq!(w.snapshot(), before);
}
