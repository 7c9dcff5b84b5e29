//! `blocgraph export rdf|dot|edges`.

use crate::workdir::{Workdir, TEST_SOURCE};

/// COUNT(*) over the store's default graph and named graphs, through the query engine.
fn count(w: &Workdir) -> u64 {
    w.count("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
}

#[test]
fn export_rdf_round_trips_into_a_fresh_store() {
    // A store with facts beyond the seed (a fresh store seeds itself, so only these can show a
    // lost triple): CSV facts of every kind, two sources stating one claim, and RDF in a named
    // graph.
    let w = Workdir::new();
    let seed = count(&w);
    let files = [
        w.write(
            "e.csv",
            "id,kind,label,aliases\nXLD,country,Freedonia,Fredonia|Republic of Freedonia\nXBL,bloc,Test Bloc,TB\n",
        ),
        w.write("s.csv", format!("{TEST_SOURCE}test-src2,Another article,Test Press,2024-06,,,\n")),
        w.write(
            "m.csv",
            "country,bloc,role,start,end,source,quote\nXLD,XBL,member,2020-02,2023-06-15,test-src,\"a \"\"quoted\"\"\nline\"\nXLD,XBL,member,2020-02,2023-06-15,test-src2,\n",
        ),
        w.write(
            "t.csv",
            "reporter,partner,period_start,period_end,value_usd,value_usd_max,qualifier,status,source\nXLD,RUS,2024,2024,10,20,range,estimate,test-src\n",
        ),
        w.write(
            "ev.csv",
            "date,type,actor,target,polarity,summary,source\n2024-05-01,protest,XLD,RUS,-1,Юникод ☭,test-src\n",
        ),
        w.write(
            "g.nq",
            "<http://example.org/a> <http://example.org/p> \"in a graph\"@en <http://example.org/g> .\n",
        ),
    ];
    let mut args = vec!["import"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    w.ok(&args);
    let total = count(&w);
    let added = total - seed;
    assert!(added > 50, "only {added} triples beyond the seed");
    let snapshot = w.snapshot();
    assert_eq!(snapshot.len() as u64, total, "export rdf --format nq lines vs COUNT(*)");
    for format in ["ttl", "nt", "nq", "trig"] {
        let file = w.path(&format!("all.{format}"));
        w.ok(&["export", "rdf", "--format", format, "-o", file.to_str().unwrap()]);
        let fresh = Workdir::new();
        assert_eq!(count(&fresh), seed);
        let out = fresh.ok(&["import", file.to_str().unwrap()]);
        // Every triple beyond the seed comes back (Turtle and N-Triples put the named graph's
        // triple in the default graph: a triple all the same), and the seed's are all there.
        assert!(
            out.contains(&format!("triples: added {added}, already present {seed}")),
            "{format}: {out}"
        );
        assert_eq!(count(&fresh), total, "{format}: COUNT(*) after the round trip");
        if matches!(format, "nq" | "trig") {
            assert_eq!(fresh.snapshot(), snapshot, "{format}");
        }
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

#[test]
fn export_dot_render_png() {
    let w = Workdir::new();
    let png = w.path("csto.png");
    let args = ["export", "dot", "--as-of", "2024-12-31", "--bloc", "CSTO", "--render"];
    let mut all = args.to_vec();
    all.extend(["png", "-o", png.to_str().unwrap()]);
    w.ok(&all);
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // IHDR: width and height, big-endian, at bytes 16..24; the same drawing as the SVG's.
    let (wd, ht) = (
        u32::from_be_bytes(bytes[16..20].try_into().unwrap()),
        u32::from_be_bytes(bytes[20..24].try_into().unwrap()),
    );
    let svg = w.path("csto.svg");
    let mut all = args.to_vec();
    all.extend(["svg", "-o", svg.to_str().unwrap()]);
    w.ok(&all);
    let svg = std::fs::read_to_string(&svg).unwrap();
    let points = |attr: &str| -> f64 {
        let at = svg.find(&format!(" {attr}=\"")).unwrap() + attr.len() + 3;
        svg[at..].split('p').next().unwrap().parse().unwrap()
    };
    // graphviz draws PNG at 96 dpi, SVG in points (72 a inch).
    let (sw, sh) = (points("width") * 96.0 / 72.0, points("height") * 96.0 / 72.0);
    assert!(
        (f64::from(wd) - sw).abs() <= 2.0 && (f64::from(ht) - sh).abs() <= 2.0,
        "PNG {wd}x{ht}, SVG {sw}x{sh}"
    );
    let stderr = w.fails(&["export", "dot", "--render", "png"], 2);
    assert!(stderr.contains("--render needs -o FILE"), "{stderr}");
}
