//! `blocgraph queries`: the saved queries with their descriptions and parameters.

use std::io::Write;

use blocgraph::Error;

use super::{output_error, ListFormat};

#[derive(clap::Args)]
pub struct Args {
    /// table (default) or json.
    #[arg(long, value_name = "F", value_enum, ignore_case = true, default_value_t)]
    format: ListFormat,
}

pub fn run(args: Args) -> Result<(), Error> {
    let queries = blocgraph::query::saved::all();
    let mut out = super::stdout();
    let io = || output_error("standard output");
    if args.format == ListFormat::Json {
        serde_json::to_writer_pretty(&mut out, &queries).map_err(|e| io()(e.into()))?;
        writeln!(out).map_err(io())?;
        return super::finish(out);
    }
    for q in &queries {
        writeln!(out, "{}\n    {}", q.name, q.description).map_err(io())?;
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
            .map_err(io())?;
        }
    }
    super::finish(out)
}
