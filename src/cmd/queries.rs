//! `blocgraph queries`: the saved queries with their descriptions and parameters.

use std::io::Write;

use blocgraph::error::QueryError;
use blocgraph::output::OutputFormat;
use blocgraph::Error;

#[derive(clap::Args)]
pub struct Args {
    /// table (default) or json.
    #[arg(long, value_name = "F")]
    format: Option<String>,
}

pub fn run(args: Args) -> Result<(), Error> {
    let format = match args.format.as_deref() {
        None => OutputFormat::Table,
        Some(_) => super::output_format(
            args.format.as_deref(),
            &[OutputFormat::Table, OutputFormat::Json],
        )?,
    };
    let queries = blocgraph::query::saved::all();
    let mut out = super::stdout();
    let io = |e: std::io::Error| Error::Query(QueryError::Write(e));
    if format == OutputFormat::Json {
        serde_json::to_writer_pretty(&mut out, &queries).map_err(|e| io(e.into()))?;
        writeln!(out).map_err(io)?;
        return super::finish(out);
    }
    for q in &queries {
        writeln!(out, "{}\n    {}", q.name, q.description).map_err(io)?;
        for p in &q.params {
            let flags = if p.required {
                "required".to_owned()
            } else if let Some(d) = &p.default {
                format!("default: {d}")
            } else {
                "optional".to_owned()
            };
            let flag = if p.name == "as_of" { " (--as-of)" } else { "" };
            writeln!(
                out,
                "    --param {}=<{}>  ({flags}){flag}  {}",
                p.name,
                p.kind.name(),
                p.description
            )
            .map_err(io)?;
        }
    }
    super::finish(out)
}
