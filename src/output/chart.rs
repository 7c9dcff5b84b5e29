//! An SVG line chart of time series of values between 0 and 1 (bloc cohesion): one line per
//! series, dates along x, values along y. Plain SVG written by hand; every text is XML-escaped.

use std::collections::BTreeMap;
use std::fmt::Write;

/// One point of a series: the series' name (a bloc), the date, the value (none: a gap).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point<'a> {
    pub series: &'a str,
    pub date: &'a str,
    pub value: Option<f64>,
}

const COLORS: [&str; 10] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
];

/// Escapes `& < > " '` for XML text and attributes.
pub(crate) fn xml(text: &str) -> String {
    text.chars().fold(String::with_capacity(text.len()), |mut s, c| {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            c if c.is_control() && c != '\n' => {}
            c => s.push(c),
        }
        s
    })
}

/// Draws the series; points with no value leave a gap.
pub fn svg(rows: &[Point<'_>]) -> String {
    let (w, h, left, right, top, bottom) = (800.0, 420.0, 60.0, 150.0, 40.0, 50.0);
    let mut dates: Vec<&str> = rows.iter().map(|r| r.date).collect();
    dates.sort_unstable();
    dates.dedup();
    let mut series: BTreeMap<&str, Vec<(usize, Option<f64>)>> = BTreeMap::new();
    for r in rows {
        let x = dates.iter().position(|d| *d == r.date).unwrap_or(0);
        series.entry(r.series).or_default().push((x, r.value));
    }
    let px = |i: usize| {
        left + if dates.len() > 1 {
            i as f64 * (w - left - right) / (dates.len() - 1) as f64
        } else {
            (w - left - right) / 2.0
        }
    };
    let py = |v: f64| top + (1.0 - v) * (h - top - bottom);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Helvetica, Arial, sans-serif" font-size="11">"#
    );
    let _ = writeln!(
        out,
        r#"<rect width="100%" height="100%" fill="white"/><text x="{left}" y="22" font-size="14">Bloc cohesion (blocgraph)</text>"#
    );
    for tick in 0..=4 {
        let v = f64::from(tick) / 4.0;
        let _ = writeln!(
            out,
            r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{v:.2}</text>"##,
            w - right,
            left - 6.0,
            py(v) + 4.0,
            y = py(v)
        );
    }
    let every = (dates.len() / 8).max(1);
    for (i, d) in dates.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            px(i),
            h - bottom + 18.0,
            xml(d)
        );
    }
    for (n, (bloc, points)) in series.iter().enumerate() {
        let color = COLORS[n % COLORS.len()];
        let mut path = String::new();
        let mut pen_down = false;
        for (x, v) in points {
            match v {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{:.1},{:.1} ",
                        if pen_down { "L" } else { "M" },
                        px(*x),
                        py(*v)
                    );
                    pen_down = true;
                    let _ = writeln!(
                        out,
                        r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{color}"/>"#,
                        px(*x),
                        py(*v)
                    );
                }
                None => pen_down = false,
            }
        }
        let _ = writeln!(
            out,
            r#"<path d="{}" fill="none" stroke="{color}" stroke-width="2"/>"#,
            path.trim_end()
        );
        let ly = top + 16.0 * n as f64;
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{:.1}" width="12" height="3" fill="{color}"/><text x="{}" y="{:.1}">{}</text>"#,
            w - right + 12.0,
            ly,
            w - right + 30.0,
            ly + 5.0,
            xml(bloc)
        );
    }
    out.push_str("</svg>\n");
    out
}
