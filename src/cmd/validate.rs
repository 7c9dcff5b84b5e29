//! `blocgraph validate`: list every violation of the shapes and the importer's rules; exit 1 if any.

use std::io::Write;

use blocgraph::output::table::write_rows;
use blocgraph::store::{self, Location};
use blocgraph::Error;

use super::{output_error, ListFormat};

#[derive(clap::Args)]
pub struct Args {
    /// table (default) or json.
    #[arg(long, value_name = "F", value_enum, ignore_case = true, default_value_t)]
    format: ListFormat,
}

pub fn run(location: &Location, args: Args) -> Result<(), Error> {
    let db = store::open_reader(location)?;
    let violations = blocgraph::validate::validate(db.engine())?;
    let mut out = super::stdout();
    let io = || output_error("standard output");
    if args.format == ListFormat::Json {
        serde_json::to_writer_pretty(&mut out, &violations).map_err(|e| io()(e.into()))?;
        writeln!(out).map_err(io())?;
    } else if violations.is_empty() {
        writeln!(out, "the store at {} conforms: no violations", location.describe())
            .map_err(io())?;
    } else {
        let rows: Vec<Vec<String>> = violations
            .iter()
            .map(|v| vec![v.rule.clone(), v.focus.clone(), v.source.clone(), v.message.clone()])
            .collect();
        write_rows(
            &mut out,
            &["rule".into(), "focus".into(), "source".into(), "message".into()],
            &rows,
        )
        .map_err(io())?;
    }
    super::finish(out)?;
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "{} violation{} found",
            violations.len(),
            if violations.len() == 1 { "" } else { "s" }
        )))
    }
}
