//! `import --format cow-igo` and `analyze agreement` on the real COW IGO v3 extract.

use serde_json::Value;

use crate::workdir::{root, shared, Workdir};

fn extract() -> std::path::PathBuf {
    let path = shared().join("external/cow-igo-v3-postsoviet.csv");
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

/// `analyze agreement` of COW and the curated facts, 1991-2014, as JSON.
fn agreement(w: &Workdir, blocs: &[&str]) -> Value {
    let mut args =
        vec!["analyze", "agreement", "--from", "1991", "--to", "2014", "--format", "json"];
    args.extend(blocs);
    serde_json::from_str(&w.ok(&args)).unwrap()
}

#[test]
fn cow_agreement_lists_the_known_disagreements_and_nothing_else() {
    let w = with_cow();
    let report = agreement(&w, &["--bloc", "CIS", "--bloc", "CSTO", "--bloc", "SCO"]);
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
    // Each dataset under its own coding rule: COW codes a year "member if a member at any
    // point of it", so in a year of change it agrees with either status. What is left are real
    // differences, never a whole-year artefact (Georgia/CIS 2009, Ukraine 1993, Turkmenistan
    // 2005, Uzbekistan/CSTO 2012).
    let expected = [
        // Georgia joined on 1993-12-03; COW codes it only from 1995.
        "GEO CIS 1994",
        // Georgia's withdrawal took effect on 2009-08-18; COW codes it out from 2008, the notice.
        "GEO CIS 2008",
        // Turkmenistan never ratified the 1993 Charter: by the rule it shares with Ukraine it is
        // an associate from 1993-01-22 (seed-data/README.md); COW codes it a member to 2004. In
        // 1993 the curated side states both (member to 1993-01-21), so COW's code agrees; from
        // 1994 to 2004 it states only associate all year.
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
        // Uzbekistan left the treaty in 1999 and rejoined on 2006-08-16; COW codes 2002-2011.
        // Suspended in 2012 and out from 2012-12-19 (seed-data/README.md): COW's 0 from 2012
        // agrees with "frozen" and "none" alike, so 2012-2014 agree.
        "UZB CSTO 2002",
        "UZB CSTO 2003",
        "UZB CSTO 2004",
        "UZB CSTO 2005",
    ];
    assert_eq!(found, expected);
    let georgia = &report["disagreements"][1]["says"];
    assert_eq!(georgia[0]["source"], "cow-igo-v3");
    assert_eq!(georgia[0]["status"], "none");
    assert_eq!(georgia[0]["days"], "coded for the whole of 2008");
    assert_eq!(georgia[1]["source"], "curated");
    assert_eq!(georgia[1]["status"], "member");
    assert_eq!(georgia[1]["days"], "member all year");
    assert!(
        georgia[1]["facts"][0].as_str().unwrap().starts_with("ref-georgia-cis/m-"),
        "{georgia}"
    );
    // The quote columns are filled: a fact's quote, or its note where it has none.
    assert!(
        georgia[0]["quotes"][0]
            .as_str()
            .unwrap()
            .starts_with("note: COW IGO v3 status 1 (member) in 1995-2007"),
        "{georgia}"
    );
    let uzbekistan = &report["disagreements"][13]["says"];
    assert_eq!(
        (uzbekistan[0]["status"].as_str(), uzbekistan[1]["status"].as_str()),
        (Some("member"), Some("none"))
    );
    assert_eq!(uzbekistan[1]["days"], "none all year");
    // "none" cites the spells around the gap: the one that ended in 1999 and the one of 2006.
    assert_eq!(uzbekistan[1]["facts"].as_array().unwrap().len(), 2, "{uzbekistan}");
    let quotes = uzbekistan[1]["quotes"].as_array().unwrap();
    assert_eq!(quotes.len(), 2, "{uzbekistan}");
    assert!(
        quotes[0].as_str().unwrap().starts_with("note: Uzbekistan/CSTO modelling, spell 1 of 3"),
        "{uzbekistan}"
    );
    // The rates over the three blocs asked for: a (country, bloc, year) is compared when both
    // sides speak on it. CIS: the 12 countries with a curated CIS spell x 1991-2014 = 288, all
    // but the 13 above agree. CSTO: 9 countries x 2002-2014 (COW codes the CSTO from its 2002
    // Charter) = 117, all but Uzbekistan's 4. SCO: 6 countries x 2001-2014 (the curated side
    // speaks from the SCO's founding, 2001-06-15; COW codes the Shanghai Five from 1996) = 84.
    let rates = report["rates"].as_array().unwrap();
    let rate = |name: &str| {
        let r = rates.iter().find(|r| r["name"] == name).unwrap_or_else(|| panic!("{name}"));
        (
            r["scope"].as_str().unwrap(),
            r["compared"].as_u64().unwrap(),
            r["agreed"].as_u64().unwrap(),
        )
    };
    assert_eq!(rate("CIS"), ("bloc", 288, 275));
    assert_eq!(rate("CSTO"), ("bloc", 117, 113));
    assert_eq!(rate("SCO"), ("bloc", 84, 84));
    assert_eq!(rate("cow-igo-v3 ~ curated"), ("sources", 489, 472));
    assert_eq!(rates.len(), 4, "{rates:?}");
    for r in rates {
        let (n, ok) = (r["compared"].as_f64().unwrap(), r["agreed"].as_f64().unwrap());
        assert!((r["rate"].as_f64().unwrap() - ok / n).abs() < 1e-15, "{r}");
    }
    let cis = rates.iter().find(|r| r["name"] == "CIS").unwrap();
    // The CSV carries the same list and the rates, told apart by the `row` column.
    let csv = w.csv(&["analyze", "agreement", "--bloc", "CIS", "--from", "1991", "--to", "2014"]);
    assert_eq!(csv[0][..5], ["row", "country", "bloc", "year", "says"]);
    // GEO 1994 and 2008, TKM 1994-2004.
    assert_eq!(csv.iter().filter(|r| r[0] == "disagreement").count(), 13);
    let rate_row = csv.iter().find(|r| r[0] == "rate" && r[9] == "CIS").expect("the CIS rate");
    assert_eq!(rate_row[10], cis["compared"].to_string());
    assert_eq!(rate_row[11], cis["agreed"].to_string());
}

#[test]
fn cow_agreement_compares_any_two_sources_to_the_day() {
    let w = Workdir::new();
    // The founding agreement's Ukraine spell ends on 1993-01-22, the day the associate spell of
    // the other source begins: at day precision they never speak on the same day.
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
    assert_eq!(report["disagreements"].as_array().unwrap().len(), 0, "{report}");
    // A source that has Georgia an associate from 2006-03-15: found year by year, with the days.
    let s = w.write("s.csv", "id,title,publisher,published\ngeo-assoc,Geo,Press,2010\n");
    let m = w.write("m.csv", "country,bloc,role,start,end,source,quote\nGEO,CIS,member,1993-12-03,2006-03-15,geo-assoc,\nGEO,CIS,associate,2006-03-15,2009-08-18,geo-assoc,Georgia took part only as an associate\n");
    w.ok(&["import", s.to_str().unwrap(), m.to_str().unwrap()]);
    let report: Value = serde_json::from_str(&w.ok(&[
        "analyze",
        "agreement",
        "--source",
        "geo-assoc",
        "--source",
        "ref-georgia-cis",
        "--format",
        "json",
    ]))
    .unwrap();
    let d = report["disagreements"].as_array().unwrap();
    let years: Vec<u64> = d.iter().map(|x| x["year"].as_u64().unwrap()).collect();
    assert_eq!(years, [2006, 2007, 2008, 2009], "{d:?}");
    assert_eq!(d[0]["says"][0]["source"], "geo-assoc");
    assert_eq!(d[0]["says"][0]["days"], "member to 2006-03-14, associate from 2006-03-15");
    assert_eq!(d[0]["says"][0]["quotes"][0], "Georgia took part only as an associate");
    assert_eq!(d[0]["says"][1]["days"], "member all year");
    assert_eq!(d[3]["says"][0]["days"], "associate to 2009-08-17");
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

/// pandas recomputes the comparison from the raw COW file, the mapping table and the seed CSV
/// (tests/oracle/agreement_check.py, by the rules the report states): every bloc's compared and
/// agreed counts, the source pair's, and the list of disagreements, exactly.
#[test]
fn cow_agreement_rates_match_pandas_on_the_raw_files() {
    let w = with_cow();
    let report = agreement(&w, &[]);
    let out = crate::workdir::python_with("pandas")
        .arg(root().join("tests/oracle/agreement_check.py"))
        .arg(extract())
        .arg(root().join("schema/cow-igo-mapping.csv"))
        .arg(root().join("seed-data/memberships.csv"))
        .arg(root().join("seed-data/sources.csv"))
        .args(["1991", "2014"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pandas: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours: Vec<Value> = report["disagreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| serde_json::json!([d["country"], d["bloc"], d["year"]]))
        .collect();
    assert_eq!(Value::from(ours), pandas["disagreements"]);
    let rates = report["rates"].as_array().unwrap();
    let mut blocs = 0;
    for r in rates {
        let expected = if r["scope"] == "bloc" {
            blocs += 1;
            &pandas["rates"][r["name"].as_str().unwrap()]
        } else {
            assert_eq!(r["name"], "cow-igo-v3 ~ curated");
            &pandas["pair"]
        };
        assert_eq!((&r["compared"], &r["agreed"]), (&expected[0], &expected[1]), "{r}");
    }
    assert_eq!(blocs, pandas["rates"].as_object().unwrap().len(), "{rates:?}");
    // Every bloc both sides speak on, 1991-2014 (checked by hand: the countries with a curated
    // spell of the bloc times the years COW codes it from the bloc's founding): CIS 12 x 24,
    // CSTO 9 x 13 (2002-2014), EU 6 x 22 (1993-2014: the Baltic states and the three 2022
    // applicants), NATO 4 x 24, SCO 6 x 14 (2001-2014). Only the CIS and the CSTO disagree.
    let rate = |name: &str| {
        let r = rates.iter().find(|r| r["name"] == name).unwrap_or_else(|| panic!("{name}"));
        (r["compared"].as_u64().unwrap(), r["agreed"].as_u64().unwrap())
    };
    assert_eq!(
        ["CIS", "CSTO", "EU", "NATO", "SCO", "cow-igo-v3 ~ curated"].map(rate),
        [(288, 275), (117, 113), (132, 132), (96, 96), (84, 84), (717, 700)]
    );
}
