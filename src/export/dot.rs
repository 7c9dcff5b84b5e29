//! `export dot`: the graph on a date as GraphViz DOT, fit to print: a title naming the blocs
//! and the date, a legend, a credit line of the sources drawn. Blocs are boxed hubs;
//! membership edges are styled by role (frozen dashed, observer dotted); one relation edge per
//! pair with friction and cooperation counted apart; trade edges weighted, forecasts dashed
//! and labelled as such; alliance obligations (ATOP) brown, dashed with defence, else dotted. Every label is escaped, so any name renders.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use petgraph::visit::EdgeRef;

use crate::error::ExportError;
use crate::graph::{Edge, View};
use crate::model::{EntityKind, Qualifier, Role, Status, Word};

/// What `--render` draws with graphviz.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Render {
    Svg,
    Png,
}

impl Render {
    /// graphviz's name of the format (`-Tsvg`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Svg => "svg",
            Self::Png => "png",
        }
    }
}

/// A DOT double-quoted string: `"` and `\` escaped, line breaks as `\n`, other control characters dropped.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// US dollars as `$59bn`, `$6.8bn`, `$900m`.
pub(crate) fn money(usd: f64) -> String {
    if usd >= 1e9 {
        let b = usd / 1e9;
        if (b - b.round()).abs() < 0.05 {
            format!("${:.0}bn", b)
        } else {
            format!("${:.1}bn", b)
        }
    } else {
        format!("${:.0}m", usd / 1e6)
    }
}

/// `n thing` or `n things`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A trade figure as a label: qualifier, value or range, period, and `forecast` when it is one.
pub fn trade_label(
    value_usd: f64,
    value_usd_max: Option<f64>,
    qualifier: Qualifier,
    status: Status,
    period_start: &str,
    period_end: &str,
) -> String {
    let value = match (qualifier, value_usd_max) {
        (Qualifier::Range, Some(max)) => {
            let (a, b) = (money(value_usd), money(max));
            // $59bn-$60bn -> $59-60bn when both are in billions.
            match (a.strip_suffix("bn"), b.strip_prefix('$')) {
                (Some(a), Some(b)) if b.ends_with("bn") => format!("{a}–{b}"),
                _ => format!("{a}–{b}"),
            }
        }
        (Qualifier::AtLeast, _) => format!("over {}", money(value_usd)),
        (Qualifier::Approx, _) => format!("about {}", money(value_usd)),
        _ => money(value_usd),
    };
    let period = if period_start == period_end {
        period_start.to_owned()
    } else {
        format!("{period_start} to {period_end}")
    };
    match status {
        Status::Forecast => format!("forecast: {value}\n{period}"),
        Status::Estimate => format!("estimate: {value}\n{period}"),
        Status::Reported => format!("{value}\n{period}"),
    }
}

const FRICTION: &str = "#d62728";
const COOPERATION: &str = "#2ca02c";
const MIXED: &str = "#7d3c98";
const NEUTRAL: &str = "#7f7f7f";
const TRADE: &str = "#1f77b4";
const MEMBERSHIP: &str = "#555555";
const OBLIGATION: &str = "#8c564b";

/// The legend: an HTML-like table of the line styles and colours.
fn legend() -> String {
    let row = |glyph: &str, color: &str, text: &str| {
        format!(
            "<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"{color}\">{glyph}</FONT></TD><TD ALIGN=\"LEFT\">{text}</TD></TR>"
        )
    };
    let rows = [
        row("<B>━━━━</B>", MEMBERSHIP, "member of the bloc"),
        row("────", MEMBERSHIP, "associate"),
        row("╍╍╍╍", MEMBERSHIP, "participation frozen (suspended)"),
        row("┈┈┈┈", MEMBERSHIP, "observer or applicant"),
        row("━━━━", TRADE, "trade: reported figure (thicker = larger)"),
        row("╍╍╍╍", TRADE, "trade: forecast, not an observation"),
        row("━━━━", FRICTION, "events: more friction than cooperation"),
        row("━━━━", COOPERATION, "events: more cooperation than friction"),
        row("━━━━", MIXED, "events: as much friction as cooperation"),
        row("━━━━", NEUTRAL, "events: neutral only"),
        row("╍╍╍╍", OBLIGATION, "alliance: defence obligation (ATOP)"),
        row("┈┈┈┈", OBLIGATION, "alliance: other obligations (ATOP)"),
    ];
    format!(
        "<<TABLE BORDER=\"1\" COLOR=\"#999999\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\"><TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><B>Legend</B></TD></TR>{}<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\">Event labels count events (friction −1, cooperation +1) in the window;<BR ALIGN=\"LEFT\"/>an arrow points from the actor to the target or bloc.<BR ALIGN=\"LEFT\"/></TD></TR></TABLE>>",
        rows.join("")
    )
}

/// Text safe inside an HTML-like label.
fn html(text: &str) -> String {
    crate::output::chart::xml(text).replace('\n', "<BR/>")
}

/// Wraps `items` joined by `sep` into lines of at most `width` characters.
fn wrap(items: &[String], sep: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for item in items {
        let line = lines.last_mut().expect("one line");
        if !line.is_empty() && line.chars().count() + sep.len() + item.chars().count() > width {
            line.push_str(sep.trim_end());
            lines.push(item.clone());
        } else {
            if !line.is_empty() {
                line.push_str(sep);
            }
            line.push_str(item);
        }
    }
    lines
}

/// Renders the view: the blocs asked for and their members (every node with an edge when
/// none are asked for), a title naming the blocs and date, a legend and a credit line of
/// the sources of what is drawn. `newest` says the date is the newest fact in the store. O(V + E).
pub fn dot(view: &View, blocs: &[String], newest: bool) -> String {
    let shown = view.shown(blocs);
    let visible = |a: &str, b: &str| shown.contains(a) && shown.contains(b);
    let mut out = String::new();
    let mut credited: BTreeSet<String> = BTreeSet::new();
    let mut edges: Vec<String> = Vec::new();
    let mut linked: BTreeSet<String> = BTreeSet::new();

    // Memberships and trade: one edge each.
    for e in view.graph.edge_references() {
        let (a, b) = (&view.graph[e.source()].id, &view.graph[e.target()].id);
        if !visible(a, b) {
            continue;
        }
        let attrs = match e.weight() {
            Edge::Membership { role } => {
                if let Some((_, srcs)) = view.roles.get(&(a.clone(), b.clone())) {
                    credited.extend(srcs.iter().cloned());
                }
                let (style, width, label) = match role {
                    Role::Frozen => ("dashed", 1.5, role.name()),
                    Role::Observer | Role::Applicant => ("dotted", 1.0, role.name()),
                    Role::Associate => ("solid", 1.0, role.name()),
                    Role::Member => ("solid", 2.5, ""),
                };
                format!(
                    "style=\"{style}\", penwidth={width}, color=\"{MEMBERSHIP}\", arrowhead=none, label={}",
                    quote(label)
                )
            }
            Edge::Trade {
                value_usd,
                value_usd_max,
                period_start,
                period_end,
                qualifier,
                status,
            } => {
                credited.extend(
                    view.trade
                        .iter()
                        .filter(|t| {
                            &t.reporter == a
                                && &t.partner == b
                                && &t.period_start == period_start
                                && &t.period_end == period_end
                                && t.status == *status
                        })
                        .flat_map(|t| t.sources.iter().cloned()),
                );
                let width = 1.0 + (value_usd / 1e10).max(0.0).ln_1p() * 2.0;
                let style = if *status == Status::Forecast { "dashed" } else { "solid" };
                format!(
                    "color=\"{TRADE}\", fontcolor=\"{TRADE}\", style=\"{style}\", penwidth={width:.2}, dir=none, label={}",
                    quote(&trade_label(
                        *value_usd,
                        *value_usd_max,
                        *qualifier,
                        *status,
                        period_start,
                        period_end
                    ))
                )
            }
            // Unlabelled (a clique of labels hides the blocs): dashed for a defence
            // obligation, dotted otherwise; the kinds are the tooltip.
            Edge::Obligation { kinds, sources } => {
                credited.extend(sources.iter().cloned());
                format!(
                    "color=\"{OBLIGATION}\", style=\"{}\", dir=none, constraint=false, tooltip={}",
                    if kinds.iter().any(|k| k == "defense") { "dashed" } else { "dotted" },
                    quote(&format!("alliance obligations: {}", kinds.join(", ")))
                )
            }
            Edge::Relation { .. } => continue,
        };
        linked.insert(a.clone());
        linked.insert(b.clone());
        edges.push(format!("  {} -> {} [{attrs}];", quote(a), quote(b)));
    }

    // Relations: one edge per pair, friction and cooperation counted apart.
    let mut pairs: BTreeMap<(String, String), ([usize; 3], bool, bool)> = BTreeMap::new();
    for ev in &view.events {
        let Some(t) = ev.counterpart() else { continue };
        if t == ev.actor || !visible(&ev.actor, t) || !view.index.contains_key(t) {
            continue;
        }
        if !view.index.contains_key(&ev.actor) {
            continue;
        }
        credited.extend(ev.sources.iter().cloned());
        let forward = ev.actor.as_str() < t;
        let key = if forward {
            (ev.actor.clone(), t.to_owned())
        } else {
            (t.to_owned(), ev.actor.clone())
        };
        let entry = pairs.entry(key).or_default();
        entry.0[(ev.polarity + 1) as usize] += 1;
        if forward {
            entry.1 = true;
        } else {
            entry.2 = true;
        }
    }
    let mut relation_count = 0;
    for ((a, b), ([friction, neutral, cooperation], ab, ba)) in pairs {
        relation_count += friction + neutral + cooperation;
        let color = match friction.cmp(&cooperation) {
            std::cmp::Ordering::Greater => FRICTION,
            std::cmp::Ordering::Less => COOPERATION,
            std::cmp::Ordering::Equal if friction > 0 => MIXED,
            _ => NEUTRAL,
        };
        let mut parts = Vec::new();
        if friction > 0 {
            parts.push(format!("{friction} friction"));
        }
        if cooperation > 0 {
            parts.push(format!("{cooperation} cooperation"));
        }
        if neutral > 0 {
            parts.push(format!("{neutral} neutral"));
        }
        let dir = match (ab, ba) {
            (true, true) => "both",
            _ => "forward",
        };
        let (from, to) = if ab || !ba { (&a, &b) } else { (&b, &a) };
        linked.insert(a.clone());
        linked.insert(b.clone());
        edges.push(format!(
            "  {} -> {} [color=\"{color}\", fontcolor=\"{color}\", dir={dir}, arrowsize=0.7, penwidth=1.5, label={}];",
            quote(from),
            quote(to),
            quote(&parts.join("\n"))
        ));
    }

    let what = if blocs.is_empty() {
        "Post-Soviet blocs".to_owned()
    } else {
        let names: Vec<String> = blocs.iter().map(|b| view.label(b).to_owned()).collect();
        match names.len() {
            1 => names[0].clone(),
            n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
        }
    };
    let title = format!(
        "{what} on {}{}",
        view.as_of,
        if newest { " (the newest fact in the store)" } else { "" }
    );
    let subtitle = format!(
        "Memberships on the date; trade figures and {} in the window {} to {}",
        plural(relation_count, "event", "events"),
        view.window_start,
        view.as_of
    );
    // The credit line: articles by publisher and date, then reference sources, then datasets.
    let mut articles = Vec::new();
    let (mut references, mut datasets) = (0, Vec::new());
    for id in &credited {
        match view.sources.get(id) {
            Some(s) if s.dataset && !s.reference => datasets.push(s.title.clone()),
            Some(s) if s.reference => references += 1,
            Some(s) if s.publisher.is_empty() || s.publisher == "unknown" => {
                articles.push(format!("“{}” ({})", s.title, s.published))
            }
            Some(s) => articles.push(format!("{} ({})", s.publisher, s.published)),
            None => articles.push(id.clone()),
        }
    }
    articles.sort();
    articles.dedup();
    let mut credit_items = articles;
    if references > 0 {
        credit_items.push(format!(
            "{} (treaties and official records)",
            plural(references, "reference source", "reference sources")
        ));
    }
    credit_items.extend(datasets);
    let credit = if credit_items.is_empty() {
        "Sources: none (nothing to draw on this date)".to_owned()
    } else {
        format!("Sources: {}", wrap(&credit_items, "; ", 110).join("<BR ALIGN=\"LEFT\"/>"))
    };
    let credit = html_credit(&credit);

    let _ = writeln!(out, "digraph blocgraph {{");
    let _ = writeln!(
        out,
        "  graph [label=<{credit}<BR ALIGN=\"LEFT\"/>Drawn by blocgraph.>, labelloc=b, labeljust=l, fontname=\"Helvetica\", fontsize=10, rankdir=LR, nodesep=0.35, ranksep=1.1, pad=0.3];"
    );
    let _ = writeln!(out, "  node [fontname=\"Helvetica\", fontsize=11];");
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=9];");
    let _ = writeln!(
        out,
        "  subgraph cluster_drawing {{\n    label=<<FONT POINT-SIZE=\"18\"><B>{}</B></FONT><BR/><FONT POINT-SIZE=\"11\">{}</FONT>>; labelloc=t; peripheries=0;",
        html(&title),
        html(&subtitle)
    );
    for i in view.graph.node_indices() {
        let n = &view.graph[i];
        if !linked.contains(&n.id) {
            continue;
        }
        let label = if n.label == n.id { n.id.clone() } else { format!("{}\n{}", n.label, n.id) };
        let style = match n.kind {
            EntityKind::Bloc => {
                "shape=box, style=\"rounded,filled\", fillcolor=\"#e8e8f4\", penwidth=2"
            }
            _ => "shape=ellipse",
        };
        let _ = writeln!(out, "    {} [label={}, {style}];", quote(&n.id), quote(&label));
    }
    let _ = writeln!(out, "    legend [shape=plaintext, label={}];", legend());
    for e in &edges {
        let _ = writeln!(out, "  {e}");
    }
    out.push_str("  }\n}\n");
    out
}

/// The credit text with `&`, `<`, `>` escaped (keeping the line breaks already inserted).
fn html_credit(text: &str) -> String {
    text.split("<BR ALIGN=\"LEFT\"/>")
        .map(crate::output::chart::xml)
        .collect::<Vec<_>>()
        .join("<BR ALIGN=\"LEFT\"/>")
}

/// Renders DOT text to `path` with graphviz (`dot -T<format>`).
pub fn render(dot_text: &str, format: Render, path: &std::path::Path) -> Result<(), ExportError> {
    use std::io::Write as _;
    let mut child = std::process::Command::new("dot")
        .arg(format!("-T{}", format.name()))
        .arg("-o")
        .arg(path)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                ExportError::NoGraphviz
            } else {
                ExportError::Graphviz(e.to_string())
            }
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(dot_text.as_bytes()).map_err(|e| ExportError::Graphviz(e.to_string()))?;
    }
    let out = child.wait_with_output().map_err(|e| ExportError::Graphviz(e.to_string()))?;
    if !out.status.success() {
        return Err(ExportError::Graphviz(String::from_utf8_lossy(&out.stderr).trim().to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quoting_escapes_everything_dot_reads_specially() {
        assert_eq!(quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(quote("Союзное государство"), "\"Союзное государство\"");
        assert_eq!(quote("x\u{0}y\u{7}"), "\"xy\"");
    }
}
