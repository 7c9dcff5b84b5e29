//! `export dot`: the graph on a date as GraphViz DOT. Blocs are boxed hubs; membership edges
//! are styled by role (frozen dashed, observer dotted); friction red, cooperation green;
//! trade edges weighted; alliance obligations purple (dashed with defense, else dotted). Every label is escaped, so any name renders.

use std::fmt::Write;

use petgraph::visit::EdgeRef;

use crate::error::ExportError;
use crate::graph::{Edge, View};
use crate::model::{EntityKind, Qualifier, Role, Word};

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

/// Renders the view. O(V + E).
pub fn dot(view: &View) -> String {
    let mut out = String::new();
    let title =
        format!("blocgraph: alliances on {} (events since {})", view.as_of, view.window_start);
    let _ = writeln!(out, "digraph blocgraph {{");
    let _ = writeln!(
        out,
        "  graph [label={}, labelloc=t, rankdir=LR, fontname=\"Helvetica\", overlap=false];",
        quote(&title)
    );
    let _ = writeln!(out, "  node [fontname=\"Helvetica\", fontsize=11];");
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=9];");
    let linked: std::collections::BTreeSet<usize> = view
        .graph
        .edge_references()
        .flat_map(|e| [e.source().index(), e.target().index()])
        .collect();
    for i in view.graph.node_indices() {
        if !linked.contains(&i.index()) {
            continue;
        }
        let n = &view.graph[i];
        let label = if n.label == n.id { n.id.clone() } else { format!("{}\n{}", n.label, n.id) };
        let style = match n.kind {
            EntityKind::Bloc => {
                "shape=box, style=\"rounded,filled\", fillcolor=\"#e8e8f4\", penwidth=2"
            }
            _ => "shape=ellipse",
        };
        let _ = writeln!(out, "  {} [label={}, {style}];", quote(&n.id), quote(&label));
    }
    for e in view.graph.edge_references() {
        let (a, b) = (quote(&view.graph[e.source()].id), quote(&view.graph[e.target()].id));
        let attrs = match e.weight() {
            Edge::Membership { role } => {
                let style = match role {
                    Role::Frozen => "dashed",
                    Role::Observer | Role::Applicant => "dotted",
                    Role::Associate => "solid\", penwidth=\"1",
                    Role::Member => "solid\", penwidth=\"2",
                };
                format!("style=\"{style}\", color=\"#555555\", label={}", quote(role.name()))
            }
            Edge::Trade { value_usd, period_start, period_end, qualifier } => {
                let width = 1.0 + (value_usd / 1e9).max(0.0).ln_1p();
                let sign = match qualifier {
                    Qualifier::AtLeast => ">",
                    Qualifier::Approx => "~",
                    Qualifier::Exact | Qualifier::Range => "",
                };
                let period = if period_start == period_end {
                    period_start.clone()
                } else {
                    format!("{period_start}..{period_end}")
                };
                format!(
                    "color=\"#1f77b4\", penwidth={width:.2}, dir=none, constraint=false, label={}",
                    quote(&format!("{sign}{} {period}", money(*value_usd)))
                )
            }
            Edge::Relation { events, polarity_sum } => {
                let color = match polarity_sum.signum() {
                    -1 => "#d62728",
                    1 => "#2ca02c",
                    _ => "#7f7f7f",
                };
                format!(
                    "color=\"{color}\", fontcolor=\"{color}\", constraint=false, label={}",
                    quote(&format!("{polarity_sum:+} ({events} events)"))
                )
            }
            // Unlabelled (a clique of labels hides the blocs): dashed when a defense
            // obligation, dotted otherwise; the kinds are the tooltip.
            Edge::Obligation { kinds } => format!(
                "color=\"#9467bd\", style=\"{}\", dir=none, constraint=false, tooltip={}",
                if kinds.iter().any(|k| k == "defense") { "dashed" } else { "dotted" },
                quote(&format!("alliance obligations: {}", kinds.join(", ")))
            ),
        };
        let _ = writeln!(out, "  {a} -> {b} [{attrs}];");
    }
    out.push_str("}\n");
    out
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
