//! Readers for sources that arrive as text cells — delimited text and Excel
//! workbooks — into a [`TextTable`]: column names, one line number per row
//! and the cells as strings, before any typing. Records that cannot even be
//! split into the header's columns (a ragged line, broken quoting) are kept
//! aside with their line and the reason, never dropped.

use calamine::{Data, Reader};

use crate::error::{Error, Result};
use crate::spec::model::{DatasetSpec, Unpivot};

/// A source read as text.
#[derive(Debug, Default)]
pub struct TextTable {
    /// Column names, in file order.
    pub names: Vec<String>,
    /// Cells, column-major.
    pub columns: Vec<TextColumn>,
    /// The source line (or sheet row) of each row, 1-based.
    pub lines: Vec<u64>,
    /// Records refused before typing: line, reason and the fields as read.
    pub broken: Vec<BrokenRecord>,
}

/// One column's cells as read: their text end to end, where each ends and
/// which are empty — one allocation a column rather than one a cell.
#[derive(Debug, Clone, Default)]
pub struct TextColumn {
    text: String,
    ends: Vec<usize>,
    present: Vec<bool>,
}

impl TextColumn {
    fn push(&mut self, cell: Option<&str>) {
        if let Some(c) = cell {
            self.text.push_str(c);
        }
        self.ends.push(self.text.len());
        self.present.push(cell.is_some());
    }

    /// The cell of `row`, `None` when it is empty.
    pub fn get(&self, row: usize) -> Option<&str> {
        let start = row.checked_sub(1).map_or(0, |r| self.ends[r]);
        self.present[row].then(|| &self.text[start..self.ends[row]])
    }

    /// Every cell in row order.
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.present.len()).map(|row| self.get(row))
    }

    /// Whether every cell is empty.
    fn all_empty(&self) -> bool {
        !self.present.contains(&true)
    }
}

/// A record that could not be split into the header's columns.
#[derive(Debug, Clone)]
pub struct BrokenRecord {
    /// 1-based source line.
    pub line: u64,
    /// Why it was refused.
    pub reason: String,
    /// The fields as read, padded or cut to the header's width.
    pub fields: Vec<Option<String>>,
}

impl TextTable {
    fn with_header(names: Vec<String>) -> Self {
        let columns = vec![TextColumn::default(); names.len()];
        TextTable {
            names,
            columns,
            ..Default::default()
        }
    }

    fn push<S: AsRef<str>>(&mut self, line: u64, fields: &[Option<S>]) {
        for (col, f) in self.columns.iter_mut().zip(fields) {
            col.push(f.as_ref().map(AsRef::as_ref));
        }
        self.lines.push(line);
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.lines.len()
    }

    /// Drops columns with an empty header whose cells are all empty (the
    /// trailing delimiter of World Bank files) and names the others.
    fn tidy_header(&mut self) {
        let mut i = 0;
        while i < self.names.len() {
            if self.names[i].is_empty() {
                if self.columns[i].all_empty() {
                    self.names.remove(i);
                    self.columns.remove(i);
                    for b in &mut self.broken {
                        if i < b.fields.len() {
                            b.fields.remove(i);
                        }
                    }
                    continue;
                }
                self.names[i] = format!("column_{}", i + 1);
            }
            i += 1;
        }
    }
}

/// A cell's text, `None` when it is empty or one of the dataset's
/// `missing` markers (compared without surrounding spaces).
fn cell<'a>(ds: &DatasetSpec, s: &'a str) -> Option<&'a str> {
    let trimmed = s.trim();
    if s.is_empty() || ds.missing.iter().any(|m| m == trimmed) {
        None
    } else {
        Some(s)
    }
}

/// Reads a delimited text file per the dataset's options.
pub fn read_delimited(ds: &DatasetSpec) -> Result<TextTable> {
    let bytes = std::fs::read(&ds.path)
        .map_err(|e| Error::data(&ds.id, &ds.path, format!("cannot read: {e}")))?;
    let text = decode(ds, &bytes)?;
    // Old Mac files end lines with CR alone: make them LF so line numbers count.
    let text = if !text.contains('\n') && text.contains('\r') {
        text.replace('\r', "\n")
    } else {
        text
    };
    let mut body = text.as_str();
    for _ in 0..ds.skip_rows {
        body = body.find('\n').map_or("", |i| &body[i + 1..]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(ds.delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| {
            Error::data(
                &ds.id,
                &ds.path,
                format!("cannot read the header line: {e}"),
            )
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(Error::data(
            &ds.id,
            &ds.path,
            format!("line {}: the header line is empty", ds.skip_rows + 1),
        ));
    }
    check_header(ds, &header)?;
    if let Some(line) = unterminated_quote(body.as_bytes(), ds.delimiter) {
        return Err(Error::data(
            &ds.id,
            &ds.path,
            format!(
                "line {}: a quote opens a field and is never closed; everything after it would be read as one field — close the quote (a quote inside a field is written twice: \"\")",
                line + ds.skip_rows as u64
            ),
        ));
    }
    let width = header.len();
    let mut table = TextTable::with_header(header);
    let offset = ds.skip_rows as u64;
    let mut lines = LineCounter::new(body.as_bytes());
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines.at(record.position().map_or(0, |p| p.byte() as usize)) + offset;
                let fields: Vec<Option<&str>> = record.iter().map(|f| cell(ds, f)).collect();
                if fields.len() == 1 && fields[0].is_none() && width > 1 {
                    continue; // a blank line
                }
                if fields.len() != width {
                    let found = fields.len();
                    let mut fields: Vec<Option<String>> =
                        fields.iter().map(|f| f.map(str::to_string)).collect();
                    fields.resize(width, None);
                    table.broken.push(BrokenRecord {
                        line,
                        reason: format!("expected {width} fields, found {found}"),
                        fields,
                    });
                } else {
                    table.push(line, &fields);
                }
            }
            Err(e) => {
                let line = lines.at(e.position().map_or(0, |p| p.byte() as usize)) + offset;
                table.broken.push(BrokenRecord {
                    line,
                    reason: format!("unreadable record: {e}"),
                    fields: vec![None; width],
                });
                if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
    table.tidy_header();
    Ok(table)
}

/// Two columns of one name would make every later reference ambiguous: an
/// input-data error naming the column.
fn check_header(ds: &DatasetSpec, names: &[String]) -> Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    match names
        .iter()
        .find(|n| !n.is_empty() && !seen.insert(n.as_str()))
    {
        Some(dup) => Err(Error::data(
            &ds.id,
            &ds.path,
            format!(
                "the header names column `{}` twice; rename one of them",
                crate::text::escape_control(dup)
            ),
        )),
        None => Ok(()),
    }
}

/// The 1-based line where a quoted field opens and never closes, if any:
/// RFC 4180 quoting as the CSV reader applies it — a quote opens a field
/// only at its start, `""` inside is a quote.
fn unterminated_quote(body: &[u8], delimiter: u8) -> Option<u64> {
    let (mut line, mut opened_on) = (1u64, 0u64);
    let (mut quoted, mut field_start) = (false, true);
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        if quoted {
            if b == b'"' {
                if body.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if b == b'"' && field_start {
            quoted = true;
            opened_on = line;
        }
        if b == b'\n' {
            line += 1;
        }
        field_start = !quoted && (b == delimiter || b == b'\n' || b == b'\r');
        i += 1;
    }
    quoted.then_some(opened_on)
}

/// Turns byte offsets met in increasing order into 1-based line numbers,
/// counting each line feed once (linear in the text, whatever is skipped).
struct LineCounter<'a> {
    text: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> Self {
        LineCounter {
            text,
            at: 0,
            line: 1,
        }
    }

    fn at(&mut self, offset: usize) -> u64 {
        // A record's position is where the reader began it, before any
        // blank lines it skipped: its line is that of its first character.
        let mut offset = offset.min(self.text.len());
        while matches!(self.text.get(offset), Some(b'\n' | b'\r')) {
            offset += 1;
        }
        if offset > self.at {
            self.line += self.text[self.at..offset]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.at = offset;
        }
        self.line
    }
}

/// The 1-based line of the byte after `before`: lines end with LF, CRLF or
/// CR alone.
fn line_after(before: &[u8]) -> usize {
    let cr_alone = before
        .windows(2)
        .filter(|w| w[0] == b'\r' && w[1] != b'\n')
        .count()
        + usize::from(before.last() == Some(&b'\r'));
    before.iter().filter(|b| **b == b'\n').count() + cr_alone + 1
}

/// Decodes bytes in the dataset's encoding into UTF-8 text; a file that is
/// not valid in the declared encoding is an error naming the line.
fn decode(ds: &DatasetSpec, bytes: &[u8]) -> Result<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if ds.encoding == encoding_rs::UTF_8 {
        return match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => {
                let line = line_after(&bytes[..e.valid_up_to()]);
                Err(Error::data(
                    &ds.id,
                    &ds.path,
                    format!(
                        "line {line}: byte 0x{:02X} is not valid UTF-8 — if the file comes from Excel on Windows, add `encoding = \"windows-1252\"` to the dataset",
                        bytes[e.valid_up_to()]
                    ),
                ))
            }
        };
    }
    let (text, _, had_errors) = ds.encoding.decode(bytes);
    if had_errors {
        return Err(Error::data(
            &ds.id,
            &ds.path,
            format!("the file is not valid {}", ds.encoding.name()),
        ));
    }
    Ok(text.into_owned())
}

/// Reads the dataset's sheet (the first when none is named) of a workbook.
pub fn read_xlsx(ds: &DatasetSpec) -> Result<TextTable> {
    let fail = |m: String| Error::data(&ds.id, &ds.path, m);
    check_inflated_size(ds)?;
    let mut wb = calamine::open_workbook_auto(&ds.path)
        .map_err(|e| fail(format!("cannot open workbook: {e}")))?;
    let names = wb.sheet_names().to_vec();
    let sheet = match &ds.sheet {
        Some(s) if names.contains(s) => s.clone(),
        Some(s) => {
            return Err(fail(format!(
                "no sheet `{s}` — sheets are: {}",
                crate::error::choices(&names)
            )));
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| fail("the workbook has no sheet".into()))?,
    };
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|e| fail(format!("cannot read sheet `{sheet}`: {e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| r as u64);
    let mut rows = range.rows().enumerate().skip(ds.skip_rows);
    let header: Vec<String> = rows
        .next()
        .map(|(_, r)| {
            r.iter()
                .map(|c| xlsx_text(c).unwrap_or_default().trim().to_string())
                .collect()
        })
        .ok_or_else(|| fail(format!("sheet `{sheet}` is empty")))?;
    check_header(ds, &header)?;
    let mut table = TextTable::with_header(header);
    for (i, row) in rows {
        let fields: Vec<Option<String>> = row
            .iter()
            .map(|c| xlsx_text(c).and_then(|t| cell(ds, &t).map(str::to_string)))
            .collect();
        if fields.iter().all(Option::is_none) {
            continue;
        }
        table.push(first_row + i as u64 + 1, &fields);
    }
    table.tidy_header();
    Ok(table)
}

/// The most a workbook may inflate to (the sum of the sizes its parts
/// declare): beyond it, reading would take that much memory.
pub const MAX_WORKBOOK_INFLATED: u64 = 1 << 30;

/// Refuses a workbook whose parts declare more than
/// [`MAX_WORKBOOK_INFLATED`] bytes once inflated (a "zip bomb", or a sheet
/// too large for memory), before anything is inflated.
fn check_inflated_size(ds: &DatasetSpec) -> Result<()> {
    let fail = |m: String| Error::data(&ds.id, &ds.path, m);
    let file = std::fs::File::open(&ds.path).map_err(|e| fail(format!("cannot read: {e}")))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| fail(format!("not a workbook (an .xlsx is a zip archive): {e}")))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip
            .by_index_raw(i)
            .map_err(|e| fail(format!("damaged workbook: {e}")))?;
        total = total.saturating_add(part.size());
        if total > MAX_WORKBOOK_INFLATED {
            return Err(fail(format!(
                "the workbook inflates to more than {} MiB (part `{}` alone declares {} MiB); export the sheet as CSV or Parquet",
                MAX_WORKBOOK_INFLATED >> 20,
                crate::text::escape_control(part.name()),
                part.size() >> 20
            )));
        }
    }
    Ok(())
}

fn xlsx_text(c: &Data) -> Option<String> {
    match c {
        Data::Empty => None,
        Data::String(s) => Some(s.clone()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(format!("{}", *f as i64)),
        Data::Float(f) => Some(f.to_string()),
        Data::Int(i) => Some(i.to_string()),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(d) => d.as_datetime().map(|dt| {
            if dt.time() == chrono::NaiveTime::MIN {
                dt.date().format("%Y-%m-%d").to_string()
            } else {
                dt.format("%Y-%m-%d %H:%M:%S").to_string()
            }
        }),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Error(_) => None,
    }
}

/// Reshapes a wide table to long: one row per index values × other column.
pub fn unpivot(ds: &DatasetSpec, table: TextTable, u: &Unpivot) -> Result<TextTable> {
    let idx: Vec<usize> = u
        .index
        .iter()
        .map(|n| {
            table.names.iter().position(|c| c == n).ok_or_else(|| {
                Error::spec(format!(
                    "dataset `{}`: unpivot index column `{n}` is not in {} — columns are: {}",
                    ds.id,
                    ds.path.display(),
                    crate::error::choices(&table.names)
                ))
            })
        })
        .collect::<Result<_>>()?;
    let melted: Vec<usize> = (0..table.names.len())
        .filter(|i| !idx.contains(i))
        .collect();
    let mut names: Vec<String> = idx.iter().map(|&i| table.names[i].clone()).collect();
    names.push(u.variable.clone());
    names.push(u.value.clone());
    let mut out = TextTable::with_header(names);
    for row in 0..table.height() {
        for &m in &melted {
            let mut fields: Vec<Option<&str>> =
                idx.iter().map(|&i| table.columns[i].get(row)).collect();
            fields.push(Some(&table.names[m]));
            fields.push(table.columns[m].get(row));
            out.push(table.lines[row], &fields);
        }
    }
    out.broken = table.broken;
    Ok(out)
}
