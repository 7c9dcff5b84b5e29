//! Reading one CSV input: RFC 4180 records with their line numbers, strict UTF-8 per cell,
//! and the header checked against the columns of a fact kind.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use std::rc::Rc;

use crate::error::Problem;
use crate::model::FactKind;

/// The columns of one kind of CSV file.
#[derive(Debug)]
pub struct Spec {
    pub kind: FactKind,
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
    /// The `"` bytes read so far, and how many of them came before the current record.
    quotes: Rc<RefCell<QuoteTally>>,
    quotes_before_record: Option<u64>,
}

/// The longest cell a CSV file may hold. Facts are short; a longer cell is nearly always an
/// unclosed quote that swallowed the rest of the file, and would be held in memory several times.
pub const MAX_CELL_BYTES: usize = 1 << 20;

/// How many problems of a header are listed (a header may have a million columns).
const MAX_HEADER_PROBLEMS: usize = 20;

/// Counts the `"` bytes the CSV parser reads, so that a record holding an odd number of them
/// can be reported: RFC 4180 only has quotes in pairs around a cell and doubled inside one, so
/// an odd count is an unclosed quoted cell (which silently swallows the following rows up to
/// the next quote, or to the end of the file) or a stray quote in an unquoted cell.
/// Only the offsets in the last two chunks read are kept, so memory stays bounded.
#[derive(Default)]
struct QuoteTally {
    read: u64,
    total: u64,
    /// Per chunk: (first offset, quotes before it, offsets of its quotes); newest last.
    chunks: [(u64, u64, Vec<u64>); 2],
}

impl QuoteTally {
    /// How many quotes come before byte `offset`, when it lies in the last two chunks read.
    fn before(&self, offset: u64) -> Option<u64> {
        if offset >= self.read {
            return Some(self.total);
        }
        let (_, before, offsets) =
            self.chunks.iter().rev().find(|(start, _, _)| *start <= offset)?;
        Some(before + offsets.iter().take_while(|o| **o < offset).count() as u64)
    }
}

/// The input of the CSV parser, counting its quotes into a [`QuoteTally`].
struct Tallied {
    inner: Box<dyn Read>,
    tally: Rc<RefCell<QuoteTally>>,
}

impl Read for Tallied {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut t = self.tally.borrow_mut();
        let start = t.read;
        let mut oldest = std::mem::take(&mut t.chunks[0].2);
        oldest.clear();
        oldest.extend(
            buf[..n].iter().enumerate().filter(|(_, b)| **b == b'"').map(|(i, _)| start + i as u64),
        );
        let count = oldest.len() as u64;
        let total = t.total;
        t.chunks.swap(0, 1);
        t.chunks[1] = (start, total, oldest);
        t.total += count;
        t.read += n as u64;
        Ok(n)
    }
}

/// A header name as shown in a message: clipped, control characters escaped.
fn shown(name: &str) -> String {
    clip(name)
}

/// Shortens a cell for an error message, with control characters escaped (`\n`, `\u{1b}`) so
/// that a hostile cell cannot reflow or recolour the terminal that shows the message.
pub fn clip(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == 57 && text.chars().count() > 60 {
            out.push_str("...");
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
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
        Problem {
            file: self.file.to_owned(),
            line: Some(self.line),
            column: Some(column.to_owned()),
            message: message.into(),
        }
    }

    /// A problem with the whole row.
    pub fn row_problem(&self, message: impl Into<String>) -> Problem {
        Problem {
            file: self.file.to_owned(),
            line: Some(self.line),
            column: None,
            message: message.into(),
        }
    }
}

fn file_problem(name: &str, line: Option<u64>, message: impl Into<String>) -> Problem {
    Problem { file: name.to_owned(), line, column: None, message: message.into() }
}

/// Reads the header of `reader` and picks the kind of file it is among `specs`.
pub fn open(
    name: &str,
    reader: Box<dyn Read>,
    specs: &'static [Spec],
) -> Result<CsvFile, Vec<Problem>> {
    let quotes = Rc::new(RefCell::new(QuoteTally::default()));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(Box::new(Tallied { inner: reader, tally: quotes.clone() }) as Box<dyn Read>);
    let mut header = csv::ByteRecord::new();
    match reader.read_byte_record(&mut header) {
        Ok(true) => {}
        Ok(false) => {
            return Err(vec![file_problem(name, None, "the file is empty; expected a header row")])
        }
        Err(e) => {
            return Err(vec![file_problem(name, Some(1), format!("cannot read the header: {e}"))])
        }
    }
    let quotes_before_record = quotes.borrow().before(reader.position().byte());
    if quotes_before_record.is_some_and(|q| q % 2 == 1) {
        return Err(vec![file_problem(
            name,
            Some(1),
            "unbalanced '\"' in the header: a quoted column name is not closed",
        )]);
    }
    let mut headers = Vec::with_capacity(header.len());
    let mut problems = Vec::new();
    let mut bad_cells = 0;
    for (i, raw) in header.iter().enumerate() {
        let raw = if i == 0 { raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw) } else { raw };
        let fault = match std::str::from_utf8(raw) {
            Ok(text) => match text.chars().find(|c| c.is_control()) {
                Some(c) => Some(format!("header cell {} contains the control character U+{:04X}", i + 1, u32::from(c))),
                None if raw.len() > 1000 => Some(format!("header cell {} is {} bytes long; a column name is one word", i + 1, raw.len())),
                None => {
                    headers.push(text.trim().to_lowercase());
                    None
                }
            },
            Err(e) => Some(format!("header cell {} is not valid UTF-8 (byte {} of the cell); save the file as UTF-8 (it may be Latin-1 or Windows-1252)", i + 1, e.valid_up_to() + 1)),
        };
        if let Some(message) = fault {
            headers.push(String::new());
            bad_cells += 1;
            if bad_cells <= MAX_HEADER_PROBLEMS {
                problems.push(file_problem(name, Some(1), message));
            }
        }
    }
    if bad_cells > MAX_HEADER_PROBLEMS {
        problems.push(file_problem(
            name,
            Some(1),
            format!("... and {} more bad header cells", bad_cells - MAX_HEADER_PROBLEMS),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let spec = detect(name, &headers, specs)?;
    let mut index = HashMap::new();
    let mut repeated: Vec<(&'static str, usize)> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let Some(column) = spec.required.iter().chain(spec.optional).find(|c| *c == h) else {
            continue;
        };
        if index.insert(*column, i).is_some() {
            match repeated.iter_mut().find(|(c, _)| c == column) {
                Some((_, n)) => *n += 1,
                None => repeated.push((column, 2)),
            }
        }
    }
    for (column, n) in repeated {
        let message = if n == 2 {
            "the column appears twice in the header".to_owned()
        } else {
            format!("the column appears {n} times in the header")
        };
        problems.push(Problem {
            file: name.to_owned(),
            line: Some(1),
            column: Some(column.to_owned()),
            message,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(CsvFile {
        name: name.to_owned(),
        spec,
        reader,
        index,
        headers,
        record: csv::ByteRecord::new(),
        quotes,
        quotes_before_record,
    })
}

/// Picks the kind whose required columns the header has; reports unknown and missing columns.
fn detect(
    name: &str,
    headers: &[String],
    specs: &'static [Spec],
) -> Result<&'static Spec, Vec<Problem>> {
    let present = |c: &&&str| headers.iter().any(|h| h == **c);
    let best = specs
        .iter()
        .max_by_key(|s| {
            (
                s.required.iter().filter(present).count() * 2
                    + s.optional.iter().filter(present).count(),
                usize::MAX - s.required.len(),
            )
        })
        .expect("at least one spec");
    if !best.required.iter().any(|c| present(&c)) {
        let kinds: Vec<String> =
            specs.iter().map(|s| format!("{} ({})", s.kind.name(), s.required.join(","))).collect();
        return Err(vec![file_problem(name, Some(1), format!("cannot tell what kind of file this is from its header; expected the required columns of one of: {}", kinds.join("; ")))]);
    }
    let mut problems = Vec::new();
    let missing: Vec<&str> = best.required.iter().filter(|c| !present(c)).copied().collect();
    if !missing.is_empty() {
        problems.push(file_problem(
            name,
            Some(1),
            format!(
                "a {} file needs the column{} {} (missing from the header)",
                best.kind.name(),
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            ),
        ));
    }
    for h in headers.iter().filter(|h| !best.knows(h)).take(MAX_HEADER_PROBLEMS) {
        let mut known: Vec<&str> = best.required.iter().chain(best.optional).copied().collect();
        known.sort_unstable();
        problems.push(Problem {
            file: name.to_owned(),
            line: Some(1),
            column: Some(shown(h)),
            message: if h.is_empty() {
                "empty column name in the header".into()
            } else {
                format!(
                    "unknown column for a {} file; known columns: {}",
                    best.kind.name(),
                    known.join(", ")
                )
            },
        });
    }
    let unknown = headers.iter().filter(|h| !best.knows(h)).count();
    if unknown > MAX_HEADER_PROBLEMS {
        problems.push(file_problem(
            name,
            Some(1),
            format!("... and {} more unknown columns", unknown - MAX_HEADER_PROBLEMS),
        ));
    }
    if problems.is_empty() {
        Ok(best)
    } else {
        Err(problems)
    }
}

impl CsvFile {
    /// The next record, `None` at the end; a record that cannot be decoded is a problem.
    pub fn next_row(&mut self) -> Option<Result<Row<'_>, Problem>> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Err(e) => {
                    let line = e.position().map(|p| p.line());
                    return Some(Err(file_problem(
                        &self.name,
                        line,
                        format!("malformed CSV: {e}"),
                    )));
                }
                Ok(true) => {
                    let unbalanced = self.unbalanced_quote();
                    // A blank line (or an empty quoted cell alone on its line) is skipped.
                    if unbalanced.is_none()
                        && self.record.len() == 1
                        && self.record.get(0).is_some_and(|c| c.is_empty())
                    {
                        continue;
                    }
                    return Some(self.decode(unbalanced));
                }
            }
        }
    }

    /// Whether the record just read holds an odd number of `"` (see [`QuoteTally`]): then the
    /// problem, naming the cell that holds the stray quote or runs on over several lines.
    fn unbalanced_quote(&mut self) -> Option<Problem> {
        let end = self.reader.position().clone();
        let after = self.quotes.borrow().before(end.byte());
        let before = std::mem::replace(&mut self.quotes_before_record, after);
        if (after? - before?) % 2 == 0 {
            return None;
        }
        let line = self.record.position().map_or(0, |p| p.line());
        let last = end.line().saturating_sub(1).max(line);
        let multiline = self.record.iter().position(|c| c.contains(&b'\n'));
        let stray = self.record.iter().position(|c| c.contains(&b'"'));
        let (cell, message) = match (multiline, stray) {
            (Some(i), _) if last > line => (Some(i), format!("a quoted cell is never closed: it runs on to line {last}, swallowing the rows in between; close the quote (a quote inside a quoted cell is written \"\")")),
            (_, Some(i)) => (Some(i), "a stray '\"' in an unquoted cell; quote the whole cell and double the quote inside it (\"5'10\"\" tall\")".to_owned()),
            _ => (None, "unbalanced '\"': a quoted cell is not closed, or a quote stands inside an unquoted cell".to_owned()),
        };
        Some(Problem {
            file: self.name.clone(),
            line: Some(line),
            column: cell.and_then(|i| self.headers.get(i)).map(|h| shown(h)),
            message,
        })
    }

    /// Decodes the record just read into trimmed UTF-8 cells, or the first problem found.
    fn decode(&self, unbalanced: Option<Problem>) -> Result<Row<'_>, Problem> {
        let line = self.record.position().map_or(0, |p| p.line());
        if let Some(problem) = unbalanced {
            return Err(problem);
        }
        if self.record.len() != self.headers.len() {
            let message = format!(
                "the row has {} fields, the header has {}",
                self.record.len(),
                self.headers.len()
            );
            return Err(file_problem(&self.name, Some(line), message));
        }
        let mut cells = Vec::with_capacity(self.record.len());
        for (i, raw) in self.record.iter().enumerate() {
            let problem = |message: String| Problem {
                file: self.name.clone(),
                line: Some(line),
                column: Some(shown(&self.headers[i])),
                message,
            };
            if raw.len() > MAX_CELL_BYTES {
                return Err(problem(format!(
                    "the cell is {} bytes long; a cell may hold at most {} bytes (1 MiB)",
                    raw.len(),
                    MAX_CELL_BYTES
                )));
            }
            match std::str::from_utf8(raw) {
                Ok(text) if text.contains('\0') => {
                    return Err(problem("the cell contains a NUL byte".into()))
                }
                Ok(text) => {
                    if let Some(c) =
                        text.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                    {
                        return Err(problem(format!(
                            "the cell contains the control character U+{:04X}",
                            u32::from(c)
                        )));
                    }
                    cells.push(text.trim().to_owned());
                }
                Err(e) => {
                    return Err(problem(format!("not valid UTF-8 (byte {} of the cell is 0x{:02X}); save the file as UTF-8 (it may be Latin-1 or Windows-1252)", e.valid_up_to() + 1, raw[e.valid_up_to()])));
                }
            }
        }
        Ok(Row { file: &self.name, line, cells, index: &self.index })
    }
}
