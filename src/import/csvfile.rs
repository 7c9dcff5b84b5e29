//! Reading one CSV input: RFC 4180 records with their line numbers, strict UTF-8 per cell,
//! and the header checked against the columns of a fact kind.

use std::collections::HashMap;
use std::io::Read;

use super::problem::Problem;
use super::Kind;

/// The columns of one kind of CSV file.
#[derive(Debug)]
pub struct Spec {
    pub kind: Kind,
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
}

impl Spec {
    fn knows(&self, column: &str) -> bool {
        self.required.contains(&column) || self.optional.contains(&column)
    }
}

/// An open CSV file whose header has been read and matched to a kind.
pub struct CsvFile {
    pub name: String,
    pub spec: &'static Spec,
    reader: csv::Reader<Box<dyn Read>>,
    /// Column name -> index in the record.
    index: HashMap<&'static str, usize>,
    headers: Vec<String>,
    record: csv::ByteRecord,
}

/// One record of a CSV file, with its cells decoded and trimmed.
pub struct Row<'a> {
    pub file: &'a str,
    pub line: u64,
    cells: Vec<String>,
    index: &'a HashMap<&'static str, usize>,
}

impl Row<'_> {
    /// The trimmed cell of a column, `None` when the column is absent or the cell empty.
    pub fn get(&self, column: &str) -> Option<&str> {
        let i = *self.index.get(column)?;
        let cell = self.cells.get(i)?.as_str();
        (!cell.is_empty()).then_some(cell)
    }

    /// A problem located at this row and column.
    pub fn problem(&self, column: &str, message: impl Into<String>) -> Problem {
        Problem { file: self.file.to_owned(), line: Some(self.line), column: Some(column.to_owned()), message: message.into() }
    }

    /// A problem with the whole row.
    pub fn row_problem(&self, message: impl Into<String>) -> Problem {
        Problem { file: self.file.to_owned(), line: Some(self.line), column: None, message: message.into() }
    }
}

fn file_problem(name: &str, line: Option<u64>, message: impl Into<String>) -> Problem {
    Problem { file: name.to_owned(), line, column: None, message: message.into() }
}

/// Reads the header of `reader` and picks the kind of file it is among `specs`.
pub fn open(name: &str, reader: Box<dyn Read>, specs: &'static [Spec]) -> Result<CsvFile, Vec<Problem>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(reader);
    let mut header = csv::ByteRecord::new();
    match reader.read_byte_record(&mut header) {
        Ok(true) => {}
        Ok(false) => return Err(vec![file_problem(name, None, "the file is empty; expected a header row")]),
        Err(e) => return Err(vec![file_problem(name, Some(1), format!("cannot read the header: {e}"))]),
    }
    let mut headers = Vec::with_capacity(header.len());
    let mut problems = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let raw = if i == 0 { raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw) } else { raw };
        match std::str::from_utf8(raw) {
            Ok(text) => headers.push(text.trim().to_lowercase()),
            Err(e) => {
                problems.push(file_problem(name, Some(1), format!("header cell {} is not valid UTF-8 (byte {} of the cell); save the file as UTF-8 (it may be Latin-1 or Windows-1252)", i + 1, e.valid_up_to() + 1)));
                headers.push(String::new());
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let spec = detect(name, &headers, specs)?;
    let mut index = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let Some(column) = spec.required.iter().chain(spec.optional).find(|c| *c == h) else { continue };
        if index.insert(*column, i).is_some() {
            problems.push(Problem { file: name.to_owned(), line: Some(1), column: Some(h.clone()), message: "the column appears twice in the header".into() });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(CsvFile { name: name.to_owned(), spec, reader, index, headers, record: csv::ByteRecord::new() })
}

/// Picks the kind whose required columns the header has; reports unknown and missing columns.
fn detect(name: &str, headers: &[String], specs: &'static [Spec]) -> Result<&'static Spec, Vec<Problem>> {
    let present = |c: &&&str| headers.iter().any(|h| h == **c);
    let best = specs
        .iter()
        .max_by_key(|s| (s.required.iter().filter(present).count() * 2 + s.optional.iter().filter(present).count(), usize::MAX - s.required.len()))
        .expect("at least one spec");
    if !best.required.iter().any(|c| present(&c)) {
        let kinds: Vec<String> = specs.iter().map(|s| format!("{} ({})", s.kind.name(), s.required.join(","))).collect();
        return Err(vec![file_problem(name, Some(1), format!("cannot tell what kind of file this is from its header; expected the required columns of one of: {}", kinds.join("; ")))]);
    }
    let mut problems = Vec::new();
    let missing: Vec<&str> = best.required.iter().filter(|c| !present(c)).copied().collect();
    if !missing.is_empty() {
        problems.push(file_problem(name, Some(1), format!("a {} file needs the column{} {} (missing from the header)", best.kind.name(), if missing.len() == 1 { "" } else { "s" }, missing.join(", "))));
    }
    for h in headers.iter().filter(|h| !best.knows(h)).take(20) {
        let mut known: Vec<&str> = best.required.iter().chain(best.optional).copied().collect();
        known.sort_unstable();
        problems.push(Problem {
            file: name.to_owned(),
            line: Some(1),
            column: Some(h.clone()),
            message: if h.is_empty() { "empty column name in the header".into() } else { format!("unknown column for a {} file; known columns: {}", best.kind.name(), known.join(", ")) },
        });
    }
    let unknown = headers.iter().filter(|h| !best.knows(h)).count();
    if unknown > 20 {
        problems.push(file_problem(name, Some(1), format!("... and {} more unknown columns", unknown - 20)));
    }
    if problems.is_empty() {
        Ok(best)
    } else {
        Err(problems)
    }
}

impl CsvFile {
    /// The next record, `Ok(None)` at the end; a record that cannot be decoded is a problem.
    pub fn next_row(&mut self) -> Option<Result<Row<'_>, Problem>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                Some(Err(file_problem(&self.name, line, format!("malformed CSV: {e}"))))
            }
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                if self.record.len() != self.headers.len() {
                    if self.record.len() == 1 && self.record.get(0).is_some_and(|c| c.is_empty()) {
                        return self.next_row();
                    }
                    let message = format!("the row has {} fields, the header has {}", self.record.len(), self.headers.len());
                    return Some(Err(file_problem(&self.name, Some(line), message)));
                }
                let mut cells = Vec::with_capacity(self.record.len());
                for (i, raw) in self.record.iter().enumerate() {
                    let column = &self.headers[i];
                    match std::str::from_utf8(raw) {
                        Ok(text) if text.contains('\0') => {
                            return Some(Err(Problem { file: self.name.clone(), line: Some(line), column: Some(column.clone()), message: "the cell contains a NUL byte".into() }));
                        }
                        Ok(text) => cells.push(text.trim().to_owned()),
                        Err(e) => {
                            let message = format!("not valid UTF-8 (byte {} of the cell is 0x{:02X}); save the file as UTF-8 (it may be Latin-1 or Windows-1252)", e.valid_up_to() + 1, raw[e.valid_up_to()]);
                            return Some(Err(Problem { file: self.name.clone(), line: Some(line), column: Some(column.clone()), message }));
                        }
                    }
                }
                Some(Ok(Row { file: &self.name, line, cells, index: &self.index }))
            }
        }
    }
}
