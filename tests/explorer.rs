//! The explorer page in a real headless Chromium over WebDriver, served by the real binary on a
//! real store. Screenshots of each state go to target/explorer-screens/ (paths printed).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::webdriver::Browser;
use crate::workdir::{seeded, Workdir};

/// `blocgraph serve` (or `explore`) on a free port, killed on drop.
pub struct Served {
    child: Child,
    pub base: String,
}

impl Served {
    pub fn serve(w: &Workdir) -> Self {
        let mut child = w
            .command(&["serve", "--bind", "127.0.0.1:0", "--quiet"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let mut banner = String::new();
        BufReader::new(child.stderr.take().unwrap()).read_line(&mut banner).unwrap();
        let addr = banner
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {banner:?}"))
            .to_owned();
        Self { child, base: format!("http://{addr}") }
    }

    fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// GET `target` with raw HTTP; (status, head, body).
    pub fn get(&self, target: &str) -> (u16, String, String) {
        self.get_with(target, "")
    }

    pub fn get_with(&self, target: &str, headers: &str) -> (u16, String, String) {
        let mut stream = TcpStream::connect(self.addr()).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let _ = write!(stream, "GET {target} HTTP/1.1\r\nHost: test\r\n{headers}\r\n");
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        let text = String::from_utf8(raw).expect("utf-8 response");
        let (head, body) =
            text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no head: {text:?}"));
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap();
        (status, head.to_owned(), body.to_owned())
    }

    /// GET a JSON endpoint; (status, JSON).
    pub fn json(&self, target: &str) -> (u16, Value) {
        let (status, head, body) = self.get(target);
        assert!(head.contains("Content-Type: application/json"), "{target}: {head}\n{body}");
        (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{target}: {e}: {body}")))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Console entries at level SEVERE (errors), as text.
fn console_errors(browser: &Browser) -> Vec<String> {
    browser
        .console()
        .into_iter()
        .filter(|e| e["level"] == json!("SEVERE"))
        .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Opens `path` and waits until the page has drawn.
fn open(browser: &Browser, server: &Served, path: &str) {
    browser.goto(&format!("{}{path}", server.base));
    browser.wait_for("document.body.dataset.ready === 'true'", &format!("the page {path} to draw"));
}

const EDGE: &str = r#"[data-edge="ARM CSTO membership"]"#;
const MOSCOW_TIMES_QUOTE: &str = "Armenia has already de facto [withdrawn](#) from the CSTO";

#[test]
fn explore_page_shows_armenia_frozen_in_the_csto_with_its_quote_and_reopens_from_its_url() {
    let w = seeded();
    let before = w.snapshot();
    let server = Served::serve(&w);
    let browser = Browser::start();
    open(&browser, &server, "/");
    assert_eq!(console_errors(&browser), Vec::<String>::new(), "console errors on first load");
    let drawn = browser.script(
        "return [document.querySelectorAll('#graph [data-node]').length, document.querySelectorAll('#graph [data-edge]').length, document.querySelectorAll('#timeline [data-event]').length, document.getElementById('as-of').type, document.getElementById('as-of-slider').type]",
        json!([]),
    );
    assert!(drawn[0].as_u64().unwrap() >= 15, "too few nodes: {drawn}");
    assert!(drawn[1].as_u64().unwrap() >= 20, "too few edges: {drawn}");
    assert!(drawn[2].as_u64().unwrap() >= 10, "too few events: {drawn}");
    assert_eq!((drawn[3].as_str(), drawn[4].as_str()), (Some("date"), Some("range")));
    browser.screenshot("01-first-view");

    // The date and the bloc from the URL; the edge shows frozen, with its style as second cue.
    open(&browser, &server, "/?as_of=2024-03-01&bloc=CSTO");
    let edge = browser.script(
        &format!("const e = document.querySelector('{EDGE}'); return e && [e.getAttribute('data-role'), e.querySelector('.line').getAttribute('stroke-dasharray'), document.getElementById('as-of').value, document.querySelector('#blocs input[value=CSTO]').checked]"),
        json!([]),
    );
    assert_eq!(edge[0], json!("frozen"), "the ARM-CSTO edge on 2024-03-01: {edge}");
    assert!(edge[1].as_str().is_some_and(|d| !d.is_empty()), "frozen has no dash pattern: {edge}");
    assert_eq!((edge[2].as_str(), edge[3].as_bool()), (Some("2024-03-01"), Some(true)));
    // Only the CSTO and its members: no EU node.
    assert_eq!(
        browser
            .script("return document.querySelectorAll('#graph [data-node=EU]').length", json!([])),
        json!(0)
    );
    browser.screenshot("02-csto-2024-03-01");

    // Selecting the edge lists its claims, the Moscow Times quote among them.
    browser.click(&format!("{EDGE} .line"));
    browser.wait_for(
        &format!("[...document.querySelectorAll('#facts [data-claim]')].some(li => li.textContent.includes({MOSCOW_TIMES_QUOTE:?}))"),
        "the Moscow Times quote in #facts",
    );
    // Shown as a reader reads it (the link markup as its words), the verbatim text beside it.
    browser.wait_for(
        "[...document.querySelectorAll('#facts blockquote')].some(q => q.textContent === 'Armenia has already de facto withdrawn from the CSTO')",
        "the quote's display text in #facts",
    );
    let facts = browser.script(
        "return [...document.querySelectorAll('#facts [data-claim]')].map(li => [li.dataset.claim, li.dataset.sources, li.textContent])",
        json!([]),
    );
    let rows = facts.as_array().unwrap();
    // One row per claim of the edge, as the API lists them (one per source until the claims
    // links exist; one with every source after).
    let (_, view) = crate::explorer::Served::json(&server, "/api/view?as_of=2024-03-01&bloc=CSTO");
    let edge_claims = view["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["source"] == json!("ARM") && e["target"] == json!("CSTO"))
        .unwrap()["claims"]
        .clone();
    let listed: Vec<Value> = rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(Value::Array(listed), edge_claims, "one row per claim");
    let sources: Vec<&str> = rows.iter().flat_map(|r| r[1].as_str().unwrap().split(' ')).collect();
    assert!(sources.iter().any(|s| s.starts_with("moscowtimes-")), "{sources:?}");
    assert!(sources.contains(&"ref-armenia-csto-freeze-2024"), "{sources:?}");
    assert!(
        rows.iter().all(|r| r[2].as_str().unwrap().contains("2024-02-22")),
        "the start date as stated: {facts}"
    );
    let url = browser.url();
    assert!(
        url.contains("as_of=2024-03-01")
            && url.contains("bloc=CSTO")
            && url.contains("select=ARM%2CCSTO%2Cmembership"),
        "the URL does not hold the state: {url}"
    );
    browser.screenshot("03-arm-csto-selected");

    // The URL of that state opens it again, in a fresh page.
    browser.goto("about:blank");
    open(&browser, &server, &url[server.base.len()..]);
    browser.wait_for(
        &format!("[...document.querySelectorAll('#facts [data-claim]')].some(li => li.textContent.includes({MOSCOW_TIMES_QUOTE:?}))"),
        "the quote after reopening the URL",
    );
    assert_eq!(
        browser.script(
            &format!("return document.querySelector('{EDGE}').getAttribute('data-selected')"),
            json!([])
        ),
        json!("true")
    );
    browser.screenshot("04-reopened-from-url");
    assert_eq!(console_errors(&browser), Vec::<String>::new(), "console errors");
    drop(server);
    assert_eq!(w.snapshot(), before, "the store changed");
}

#[test]
fn explore_page_moves_the_date_by_slider_keyboard_play_and_timeline() {
    let w = seeded();
    let server = Served::serve(&w);
    let browser = Browser::start();
    open(&browser, &server, "/?as_of=2020-01-01&bloc=CSTO");
    let date = || browser.script("return document.getElementById('as-of').value", json!([]));
    assert_eq!(date(), json!("2020-01-01"));
    // Keyboard on the slider: → a month, Page Up a year.
    browser.keys("#as-of-slider", "\u{E014}");
    assert_eq!(date(), json!("2020-02-01"));
    browser.keys("#as-of-slider", "\u{E00E}");
    assert_eq!(date(), json!("2021-02-01"));
    browser
        .wait_for("document.body.dataset.drawn === '2021-02-01 CSTO'", "the redraw after the keys");
    assert!(browser.url().contains("as_of=2021-02-01"), "{}", browser.url());
    // The slider as a mouse would set it.
    browser.script(
        "const s = document.getElementById('as-of-slider'); s.value = String((2024 - 1991) * 12 + 2); s.dispatchEvent(new Event('input'));",
        json!([]),
    );
    assert_eq!(date(), json!("2024-03-01"));
    browser.wait_for(&format!("document.querySelector('{EDGE}') && document.querySelector('{EDGE}').getAttribute('data-role') === 'frozen'"), "frozen after the slider");
    // Typing a date in the date field.
    browser.script(
        "const i = document.getElementById('as-of'); i.value = '2010-06-15'; i.dispatchEvent(new Event('change'));",
        json!([]),
    );
    browser.wait_for("document.body.dataset.drawn === '2010-06-15 CSTO'", "the typed date drawn");
    assert_eq!(
        browser.script(
            &format!("return document.querySelector('{EDGE}').getAttribute('data-role')"),
            json!([])
        ),
        json!("member")
    );
    browser.screenshot("05-csto-2010-06-15");
    // Play steps year by year; a second press stops it. The page's timers are counted (a
    // wrapped setInterval and clearInterval), so "stopped" is seen at once, without waiting
    // for a tick that should not come.
    browser.script(
        "window.__timers = new Set(); const set = window.setInterval, clear = window.clearInterval; window.setInterval = (f, ms) => { const id = set(f, ms); window.__timers.add(id); return id; }; window.clearInterval = (id) => { window.__timers.delete(id); clear(id); };",
        json!([]),
    );
    browser.click("#play");
    assert_eq!(
        browser.script("return window.__timers.size", json!([])),
        json!(1),
        "play set no timer"
    );
    browser.wait_for(
        "document.getElementById('as-of').value >= '2012-06-15'",
        "play to step two years",
    );
    browser.click("#play");
    assert_eq!(
        browser.script("return window.__timers.size", json!([])),
        json!(0),
        "play did not stop"
    );
    assert_eq!(
        browser.script(
            "return document.getElementById('play').getAttribute('aria-pressed')",
            json!([])
        ),
        json!("false")
    );
    // The graph is drawn for the date play stopped on, and stays there.
    let stopped = date();
    let stopped = stopped.as_str().unwrap();
    assert!(stopped >= "2012-06-15", "{stopped}");
    browser.wait_for(
        &format!("document.body.dataset.drawn === '{stopped} CSTO'"),
        "the date play stopped on drawn",
    );
    assert_eq!(date(), json!(stopped), "the date moved after play stopped");
    // Choosing an event moves the slider to its date and highlights its actor.
    let event = browser.script(
        "const e = [...document.querySelectorAll('#timeline [data-event]')].find(e => e.dataset.date.startsWith('2022-11')); return e && [e.dataset.event, e.dataset.date]",
        json!([]),
    );
    let (id, day) =
        (event[0].as_str().expect("an event of November 2022"), event[1].as_str().unwrap());
    browser.keys(&format!("#timeline [data-event=\"{id}\"]"), "\u{E007}");
    browser.wait_for(
        &format!("document.getElementById('as-of').value.startsWith({:?})", &day[..7]),
        "the event's date",
    );
    browser.wait_for(
        "document.querySelector('#graph [data-node][data-selected]')",
        "the event's actor highlighted",
    );
    browser.wait_for("document.querySelector('#facts [data-claim]')", "the event's claim listed");
    browser.screenshot("06-event-chosen");
    // The cohesion chart of the ticked bloc has its marker.
    assert_eq!(
        browser.script("return document.querySelectorAll('#cohesion svg[data-bloc=CSTO] .cohesion-marker').length", json!([])),
        json!(1)
    );
    assert_eq!(console_errors(&browser), Vec::<String>::new(), "console errors");
}

#[test]
fn explore_page_downloads_valid_svg_png_and_csv() {
    let w = seeded();
    let server = Served::serve(&w);
    let browser = Browser::start();
    open(&browser, &server, "/?as_of=2024-03-01&bloc=CSTO&select=ARM%2CCSTO%2Cmembership");
    browser.wait_for("document.querySelector('#facts [data-claim]')", "the listed claims");
    // Each button makes a blob; read it back as text (or base64 for the PNG).
    let read = |button: &str| {
        browser.click(button);
        browser.wait_for("window.explorer.lastDownload", "a download");
        let v = browser.script_async(
            "const done = arguments[arguments.length - 1]; const d = window.explorer.lastDownload; window.explorer.lastDownload = null;
             const r = new FileReader(); r.onload = () => done([d.name, d.blob.type, r.result]); d.blob.type === 'image/png' ? r.readAsDataURL(d.blob) : r.readAsText(d.blob);",
            json!([]),
        );
        (
            v[0].as_str().unwrap().to_owned(),
            v[1].as_str().unwrap().to_owned(),
            v[2].as_str().unwrap().to_owned(),
        )
    };
    let (name, kind, svg) = read("#download-svg");
    assert_eq!((name.as_str(), kind.as_str()), ("blocgraph-2024-03-01-CSTO.svg", "image/svg+xml"));
    let path = w.write("graph.svg", &svg);
    let lint = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg(&path)
        .output()
        .expect("xmllint (apt-get install libxml2-utils)");
    assert!(
        lint.status.success(),
        "the SVG is not well-formed: {}",
        String::from_utf8_lossy(&lint.stderr)
    );
    assert!(
        svg.contains(r#"data-edge="ARM CSTO membership""#) && svg.contains(r#"data-role="frozen""#),
        "{svg}"
    );
    assert!(svg.contains("Alliances on 2024-03-01"), "no title in the SVG");
    // The SVG renders on its own (no page CSS needed): rsvg-convert makes a PNG of it.
    if let Ok(out) = std::process::Command::new("rsvg-convert")
        .arg(&path)
        .arg("-o")
        .arg(crate::webdriver::screens_dir().join("07-download.png"))
        .output()
    {
        assert!(out.status.success(), "rsvg-convert: {}", String::from_utf8_lossy(&out.stderr));
        eprintln!(
            "screenshot: {}",
            crate::webdriver::screens_dir().join("07-download.png").display()
        );
    }
    let (name, _, csv_text) = read("#download-csv");
    assert_eq!(name, "blocgraph-2024-03-01-CSTO-facts.csv");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(&header[..3], ["claim", "kind", "summary"]);
    let quote = header.iter().position(|h| h == "quote").unwrap();
    let source = header.iter().position(|h| h == "source").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV row")).collect();
    assert!(rows.iter().all(|r| r.len() == header.len()));
    assert!(
        rows.iter()
            .any(|r| r[source].starts_with("moscowtimes-") && r[quote] == *MOSCOW_TIMES_QUOTE),
        "{csv_text}"
    );
    let (name, kind, png) = read("#download-png");
    assert_eq!((name.as_str(), kind.as_str()), ("blocgraph-2024-03-01-CSTO.png", "image/png"));
    let bytes = crate::webdriver::base64_decode(png.split_once(',').unwrap().1);
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let png_path = crate::webdriver::screens_dir().join("08-download-png.png");
    std::fs::write(&png_path, &bytes).unwrap();
    eprintln!("screenshot: {}", png_path.display());
    assert_eq!(console_errors(&browser), Vec::<String>::new(), "console errors");
}

#[test]
fn explore_prints_the_url_of_a_served_explorer() {
    let w = seeded();
    let mut child = w
        .command(&["explore", "--no-browser"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start explore");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let served = Served { child, base: line.trim().trim_end_matches('/').to_owned() };
    assert!(served.base.starts_with("http://127.0.0.1:"), "{line:?}");
    let (status, head, body) = served.get("/");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Type: text/html"), "{head}");
    for needed in [
        r#"id="as-of""#,
        r#"id="as-of-slider""#,
        r#"id="facts""#,
        r#"id="timeline""#,
        "/assets/explorer.js",
    ] {
        assert!(body.contains(needed), "{needed} missing from the page");
    }
    let (status, head, script) = served.get("/assets/explorer.js");
    assert!(status == 200 && head.contains("text/javascript"), "{head}");
    // Nothing from outside: the only absolute URL is the SVG namespace.
    assert_eq!(
        script.matches("http").count(),
        script.matches("http://www.w3.org/2000/svg").count(),
        "the page must not load anything from outside"
    );
    assert_eq!(served.get("/assets/nothing.js").0, 404);
}
