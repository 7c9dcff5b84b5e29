//! A cohesion time series as a chart fit to print: one panel per bloc, the composite as a
//! bold line and each component as its own thinner line, dates along x (year ticks, or
//! months for short series), axis titles, markers for freezes, exits and announced
//! withdrawals, and the stretches without a composite shaded and labelled "not enough
//! evidence". Plain SVG written by hand (every text XML-escaped), and PNG rendered from that
//! SVG with resvg, so both always look the same.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::analyze::cohesion::Cohesion;
use crate::date::Date;

/// Colours of the components (the composite is drawn in near-black).
const COMPONENTS: [(&str, &str, &str); 4] = [
    ("retention", "#1f77b4", "retention"),
    ("polarity", "#d62728", "event polarity"),
    ("balance", "#2ca02c", "structural balance"),
    ("trade_share", "#ff7f0e", "intra-bloc trade share"),
];
const COMPOSITE: &str = "#222222";
const FONT: &str = "DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif";

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

/// Days since 1970-01-01 of a date's first day (civil calendar, Howard Hinnant's algorithm).
fn days(d: Date) -> i64 {
    let (y, m, day) = (i64::from(d.year), i64::from(d.month), i64::from(d.day));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn parse(text: &str) -> Option<Date> {
    Date::parse(text).ok().map(Date::first_day)
}

/// A line of the chart: colour, width, dash pattern and points (day, value).
type Line<'a> = (&'a str, f64, &'a str, Vec<(i64, Option<f64>)>);

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Draws the series; rows without a value leave a gap (shaded when it is the composite).
pub fn svg(rows: &[Cohesion]) -> String {
    let mut blocs: Vec<&str> = Vec::new();
    for r in rows {
        if !blocs.contains(&r.bloc.as_str()) {
            blocs.push(&r.bloc);
        }
    }
    let dates: BTreeSet<i64> = rows.iter().filter_map(|r| parse(&r.as_of)).map(days).collect();
    let (first, last) = match (dates.first(), dates.last()) {
        (Some(&f), Some(&l)) => (f, l),
        _ => (0, 1),
    };
    let span = (last - first).max(1) as f64;
    let (w, panel_h, left, right, top) = (960.0, 262.0, 70.0, 210.0, 80.0);
    let (plot_top, plot_h, gap) = (40.0, 190.0, 30.0);
    let h = top + blocs.len().max(1) as f64 * (panel_h + gap);
    let plot_w = w - left - right;
    let px = |day: i64| {
        if dates.len() > 1 {
            left + (day - first) as f64 / span * plot_w
        } else {
            left + plot_w / 2.0
        }
    };
    let half_step = if dates.len() > 1 { plot_w / (dates.len() - 1) as f64 / 2.0 } else { 10.0 };

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}" font-size="12">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    // "Collective Security Treaty Organization (CSTO)", or the id alone when it is the label.
    let name = |bloc: &str| {
        let label = rows.iter().find(|r| r.bloc == bloc).map_or(bloc, |r| r.label.as_str());
        if label == bloc || label.is_empty() {
            bloc.to_owned()
        } else {
            format!("{label} ({bloc})")
        }
    };
    let names = match blocs.as_slice() {
        [one] => format!("Cohesion of {}", name(one)),
        _ => "Cohesion".to_owned(),
    };
    let period = match (rows.first(), rows.last()) {
        (Some(a), Some(b)) if a.as_of != b.as_of => format!("{} to {}", a.as_of, b.as_of),
        (Some(a), _) => a.as_of.clone(),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        r#"<text x="{left}" y="28" font-size="18" font-weight="bold">{}, {}</text>"#,
        xml(&names),
        xml(&period)
    );
    let window = rows.first().map_or(String::new(), |r| r.window_start.clone());
    let _ = writeln!(
        out,
        r##"<text x="{left}" y="48" font-size="12" fill="#444">Composite index (bold, drawn only above the evidence threshold) and its four components (dashed).</text><text x="{left}" y="63" font-size="12" fill="#444">Each point counts the events and trade figures of the window before its date (the first from {}). Drawn by blocgraph.</text>"##,
        xml(&window)
    );

    for (p, bloc) in blocs.iter().enumerate() {
        let y0 = top + p as f64 * (panel_h + gap);
        let py = |v: f64| y0 + plot_top + (1.0 - v) * plot_h;
        let series: Vec<&Cohesion> = rows.iter().filter(|r| r.bloc == *bloc).collect();
        let _ = writeln!(
            out,
            r#"<text x="{left}" y="{:.1}" font-size="15" font-weight="bold">{}</text>"#,
            y0 + 24.0,
            xml(&name(bloc))
        );
        // Shaded gaps: runs of dates without a composite.
        let mut runs: Vec<(i64, i64, String)> = Vec::new();
        for r in &series {
            let Some(d) = parse(&r.as_of).map(days) else { continue };
            if r.cohesion.is_none() {
                match runs.last_mut() {
                    Some(run) if run.1 == prev_date(&dates, d) => run.1 = d,
                    _ => runs.push((d, d, r.reason.clone())),
                }
            }
        }
        for (a, b, _) in &runs {
            let (x0, x1) =
                ((px(*a) - half_step).max(left), (px(*b) + half_step).min(left + plot_w));
            let _ = writeln!(
                out,
                r##"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{plot_h}" fill="#eeeeee"/>"##,
                py(1.0),
                x1 - x0
            );
            let label =
                if x1 - x0 > 120.0 { "not enough evidence" } else { "not enough\nevidence" };
            for (i, line) in label.lines().enumerate() {
                let _ = writeln!(
                    out,
                    r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="#666">{line}</text>"##,
                    (x0 + x1) / 2.0,
                    py(0.93) + 13.0 * i as f64
                );
            }
        }
        // Grid and y axis.
        for tick in 0..=4 {
            let v = f64::from(tick) / 4.0;
            let _ = writeln!(
                out,
                r##"<line x1="{left}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#dddddd"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11">{v:.2}</text>"##,
                left + plot_w,
                left - 6.0,
                py(v) + 4.0,
                y = py(v)
            );
        }
        let _ = writeln!(
            out,
            r##"<line x1="{left}" x2="{left}" y1="{:.1}" y2="{:.1}" stroke="#333"/><line x1="{left}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#333"/>"##,
            py(1.0),
            py(0.0),
            left + plot_w,
            py(0.0),
            py(0.0)
        );
        let _ = writeln!(
            out,
            r#"<text transform="translate({:.1},{:.1}) rotate(-90)" text-anchor="middle" font-size="12">index (0 to 1)</text>"#,
            left - 44.0,
            py(0.5)
        );
        // X ticks: every year (thinned to at most 12 labels), or months for short series.
        let ticks = x_ticks(first, last);
        for (day, label) in &ticks {
            let x = px(*day);
            let _ = writeln!(
                out,
                r##"<line x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{:.1}" stroke="#333"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text>"##,
                py(0.0),
                py(0.0) + 5.0,
                py(0.0) + 18.0,
                xml(label)
            );
        }
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12">date of the index (as of)</text>"#,
            left + plot_w / 2.0,
            py(0.0) + 36.0
        );
        // Markers for departures (freeze, exit, announced withdrawal), once each.
        let mut marks: BTreeMap<(i64, String), ()> = BTreeMap::new();
        for r in &series {
            for d in &r.departures {
                if let Some(day) = parse(&d.date).map(days) {
                    if day >= first && day <= last {
                        marks.insert(
                            (day, format!("{} {} {}", d.country, d.kind.name(), d.date)),
                            (),
                        );
                    }
                }
            }
        }
        // Labels stacked from the bottom of the plot, latest lowest, each on the side of its
        // line that has room, so none runs into another or out of the plot.
        let n = marks.len();
        for (i, (day, label)) in marks.keys().enumerate() {
            let x = px(*day);
            let ly = py(0.0) - 8.0 - 14.0 * (n - 1 - i) as f64;
            let (lx, anchor) =
                if x > left + plot_w * 0.55 { (x - 4.0, "end") } else { (x + 4.0, "start") };
            let _ = writeln!(
                out,
                r##"<line x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{:.1}" stroke="#7d3c98" stroke-width="1.5" stroke-dasharray="4 3"/><text x="{lx:.1}" y="{ly:.1}" text-anchor="{anchor}" font-size="11" fill="#7d3c98" stroke="white" stroke-width="3" paint-order="stroke">{}</text>"##,
                py(1.0),
                py(0.0),
                xml(label)
            );
        }
        // Component lines, then the composite on top.
        let mut lines: Vec<Line<'_>> = COMPONENTS
            .iter()
            .map(|(key, color, _)| {
                let pts = series
                    .iter()
                    .filter_map(|r| {
                        let v = match *key {
                            "retention" => r.retention,
                            "polarity" => r.polarity,
                            "balance" => r.balance,
                            _ => r.trade_share,
                        };
                        parse(&r.as_of).map(|d| (days(d), v))
                    })
                    .collect();
                (*color, 1.5, "5 3", pts)
            })
            .collect();
        lines.push((
            COMPOSITE,
            3.0,
            "",
            series.iter().filter_map(|r| parse(&r.as_of).map(|d| (days(d), r.cohesion))).collect(),
        ));
        for (color, width, dash, pts) in &lines {
            let mut path = String::new();
            let mut pen_down = false;
            for (d, v) in pts {
                match v {
                    Some(v) => {
                        let _ = write!(
                            path,
                            "{}{:.1},{:.1} ",
                            if pen_down { "L" } else { "M" },
                            px(*d),
                            py(*v)
                        );
                        pen_down = true;
                        let _ = writeln!(
                            out,
                            r#"<circle cx="{:.1}" cy="{:.1}" r="{:.1}" fill="{color}"/>"#,
                            px(*d),
                            py(*v),
                            width + 0.5
                        );
                    }
                    None => pen_down = false,
                }
            }
            if !path.is_empty() {
                let dash = if dash.is_empty() {
                    String::new()
                } else {
                    format!(r#" stroke-dasharray="{dash}""#)
                };
                let _ = writeln!(
                    out,
                    r#"<path d="{}" fill="none" stroke="{color}" stroke-width="{width}"{dash}/>"#,
                    path.trim_end()
                );
            }
        }
        // Legend beside the panel.
        let lx = left + plot_w + 20.0;
        let mut entries: Vec<(&str, &str, f64, &str)> =
            vec![(COMPOSITE, "", 3.0, "composite (cohesion)")];
        entries.extend(COMPONENTS.iter().map(|(_, c, label)| (*c, "5 3", 1.5, *label)));
        for (i, (color, dash, width, label)) in entries.iter().enumerate() {
            let ly = py(1.0) + 4.0 + 18.0 * i as f64;
            let _ = writeln!(
                out,
                r#"<line x1="{lx:.1}" x2="{:.1}" y1="{ly:.1}" y2="{ly:.1}" stroke="{color}" stroke-width="{width}" stroke-dasharray="{dash}"/><text x="{:.1}" y="{:.1}" font-size="11">{label}</text>"#,
                lx + 26.0,
                lx + 32.0,
                ly + 4.0
            );
        }
        let ly = py(1.0) + 4.0 + 18.0 * entries.len() as f64;
        let _ = writeln!(
            out,
            r##"<rect x="{lx:.1}" y="{:.1}" width="26" height="10" fill="#eeeeee"/><text x="{:.1}" y="{:.1}" font-size="11">not enough evidence</text><line x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#7d3c98" stroke-dasharray="4 3" stroke-width="1.5"/><text x="{:.1}" y="{:.1}" font-size="11">freeze, exit, withdrawal</text>"##,
            ly - 5.0,
            lx + 32.0,
            ly + 4.0,
            lx + 13.0,
            lx + 13.0,
            ly + 10.0,
            ly + 26.0,
            lx + 32.0,
            ly + 22.0
        );
    }
    out.push_str("</svg>\n");
    out
}

/// The date before `d` in the series (or `d` itself when it is the first).
fn prev_date(dates: &BTreeSet<i64>, d: i64) -> i64 {
    dates.range(..d).next_back().copied().unwrap_or(d)
}

/// Ticks for the x axis: 1 January of each year (every 2nd, 5th or 10th year when there are
/// many); for a series shorter than two years, the first of every quarter's month.
fn x_ticks(first: i64, last: i64) -> Vec<(i64, String)> {
    let y0 = Date::from_days_since_epoch(first).year;
    let y1 = Date::from_days_since_epoch(last).year;
    let mut ticks = Vec::new();
    if last - first < 2 * 366 {
        for y in y0..=y1 {
            for m in [1u8, 4, 7, 10] {
                let d = days(Date {
                    year: y,
                    month: m,
                    day: 1,
                    precision: crate::date::Precision::Day,
                });
                if d >= first && d <= last {
                    let label = if m == 1 {
                        format!("{} {y}", MONTHS[0])
                    } else {
                        MONTHS[usize::from(m) - 1].to_owned()
                    };
                    ticks.push((d, label));
                }
            }
        }
        return ticks;
    }
    let years = u32::from(y1 - y0 + 1);
    let every = [1, 2, 5, 10, 20, 50].into_iter().find(|e| years / e <= 12).unwrap_or(100) as u16;
    for y in y0..=y1 {
        if y % every != 0 {
            continue;
        }
        let d = days(Date { year: y, month: 1, day: 1, precision: crate::date::Precision::Day });
        if d >= first && d <= last {
            ticks.push((d, y.to_string()));
        }
    }
    ticks
}

/// Renders the chart's SVG to PNG (2x, for print) with resvg and the system's fonts.
pub fn png(svg: &str) -> Result<Vec<u8>, String> {
    let mut options = resvg::usvg::Options::default();
    options.fontdb_mut().load_system_fonts();
    if options.fontdb.is_empty() {
        return Err("no fonts found on this system to draw the text with; install one (Debian: apt-get install fonts-dejavu-core)".into());
    }
    options.fontdb_mut().set_sans_serif_family("DejaVu Sans");
    let tree = resvg::usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width() * 2, size.height() * 2)
        .ok_or("the chart has no size")?;
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(2.0, 2.0), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_agree_with_the_date_module() {
        for n in [0, 19_782, -1, 10_000, 20_454] {
            assert_eq!(days(Date::from_days_since_epoch(n)), n);
        }
    }

    #[test]
    fn year_ticks_are_thinned_and_short_series_get_months() {
        let d = |s: &str| days(Date::parse(s).unwrap());
        let t = x_ticks(d("2015-01-01"), d("2025-01-01"));
        assert_eq!(t.len(), 11);
        let t = x_ticks(d("1991-01-01"), d("2025-01-01"));
        assert!(
            t.len() <= 12 && t.iter().all(|(_, l)| l.parse::<u16>().unwrap() % 5 == 0),
            "{t:?}"
        );
        let t = x_ticks(d("2023-12-01"), d("2024-12-01"));
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["Jan 2024", "Apr", "Jul", "Oct"]);
    }
}
