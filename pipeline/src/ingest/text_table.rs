//! Sources as text cells before any typing: the [`TextTable`] a workbook's
//! sheet or a chunk of a delimited file is read into (column names, one
//! line number per row, the cells as strings), the [`Header`] decisions
//! made for the whole source, and what reading text shares — empty cells
//! and `missing` markers, encodings, line numbers. Records that cannot even
//! be split into the header's columns (a ragged line, broken quoting) are
//! kept aside with their line and the reason, never dropped.

use calamine::{Data, Reader};

use crate::error::{Error, Result};
use crate::spec::model::{DatasetSpec, Unpivot};

/// A source read as text.
#[derive(Debug, Clone, Default)]
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
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .zip(&self.present)
            .map(|((start, &end), &present)| present.then(|| &self.text[start..end]))
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.present.len()
    }

    /// Whether the column has no cells.
    pub fn is_empty(&self) -> bool {
        self.present.is_empty()
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
    /// An empty table with these columns.
    pub(super) fn with_header(names: Vec<String>) -> Self {
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

    /// Appends a row of exactly one cell per column.
    pub(super) fn push_cells<'c>(
        &mut self,
        line: u64,
        cells: impl Iterator<Item = Option<&'c str>>,
    ) {
        for (col, c) in self.columns.iter_mut().zip(cells) {
            col.push(c);
        }
        self.lines.push(line);
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.lines.len()
    }

    /// Which columns are empty in every row.
    pub fn empty_columns(&self) -> Vec<bool> {
        self.columns.iter().map(TextColumn::all_empty).collect()
    }
}

/// What becomes of the header's columns once the whole source has been
/// seen: an unnamed column empty in every row (the trailing delimiter of
/// World Bank files) is dropped; another unnamed one is named
/// `column_<n>`, `n` its place among the columns kept.
#[derive(Debug, Clone)]
pub struct Header {
    keep: Vec<bool>,
    names: Vec<String>,
}

impl Header {
    /// Whether a header has unnamed columns, whose fate depends on the cells.
    pub fn has_unnamed(names: &[String]) -> bool {
        names.iter().any(String::is_empty)
    }

    /// The fate of header `names`, given which columns are empty in every row.
    pub fn new(names: &[String], empty: &[bool]) -> Header {
        let keep: Vec<bool> = names
            .iter()
            .zip(empty)
            .map(|(n, &e)| !(n.is_empty() && e))
            .collect();
        let mut kept: Vec<String> = Vec::new();
        for (n, _) in names.iter().zip(&keep).filter(|(_, k)| **k) {
            kept.push(if n.is_empty() {
                format!("column_{}", kept.len() + 1)
            } else {
                n.clone()
            });
        }
        Header { keep, names: kept }
    }

    /// The names of the columns kept.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Which of the header's columns are kept.
    pub fn kept(&self) -> &[bool] {
        &self.keep
    }

    /// The items of the columns kept, of one item per header column.
    pub fn keep<T>(&self, items: Vec<T>) -> Vec<T> {
        if !self.keep.contains(&false) {
            return items;
        }
        items
            .into_iter()
            .zip(&self.keep)
            .filter_map(|(x, &k)| k.then_some(x))
            .collect()
    }

    /// `table` with the columns kept, named.
    pub fn apply(&self, mut table: TextTable) -> TextTable {
        table.columns = self.keep(table.columns);
        for b in &mut table.broken {
            b.fields = self.keep(std::mem::take(&mut b.fields));
        }
        table.names = self.names.clone();
        table
    }
}

/// A cell's text, `None` when it is empty or one of the dataset's
/// `missing` markers (compared without surrounding spaces).
pub(super) fn cell<'a>(ds: &DatasetSpec, s: &'a str) -> Option<&'a str> {
    if s.is_empty() {
        return None;
    }
    if ds.missing.is_empty() {
        return Some(s);
    }
    let trimmed = s.trim();
    (!ds.missing.iter().any(|m| m == trimmed)).then_some(s)
}

/// Two columns of one name would make every later reference ambiguous: an
/// input-data error naming the column.
pub(super) fn check_header(ds: &DatasetSpec, names: &[String]) -> Result<()> {
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

/// Turns byte offsets met in increasing order into 1-based line numbers,
/// counting each line feed once (linear in the text, whatever is skipped).
pub(super) struct LineCounter<'a> {
    text: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    /// Counts from `line`, the line `text` starts on.
    pub(super) fn new(text: &'a [u8], line: u64) -> Self {
        LineCounter { text, at: 0, line }
    }

    /// The line of the record that starts at byte `offset`.
    pub(super) fn at(&mut self, offset: usize) -> u64 {
        // A record's position is where the reader began it, before any
        // blank lines it skipped: its line is that of its first character.
        let mut offset = offset.min(self.text.len());
        while matches!(self.text.get(offset), Some(b'\n' | b'\r')) {
            offset += 1;
        }
        if offset > self.at {
            self.line += memchr::memchr_iter(b'\n', &self.text[self.at..offset]).count() as u64;
            self.at = offset;
        }
        self.line
    }
}

/// The 1-based line of the byte after `before`: lines end with LF, CRLF or
/// CR alone.
pub(super) fn line_after(before: &[u8]) -> u64 {
    let cr_alone = before
        .windows(2)
        .filter(|w| w[0] == b'\r' && w[1] != b'\n')
        .count()
        + usize::from(before.last() == Some(&b'\r'));
    (memchr::memchr_iter(b'\n', before).count() + cr_alone + 1) as u64
}

/// Decodes bytes in the dataset's encoding into UTF-8 text; a file that is
/// not valid in the declared encoding is an error naming the line.
pub(super) fn decode(ds: &DatasetSpec, mut bytes: Vec<u8>) -> Result<String> {
    if ds.encoding == encoding_rs::UTF_8 {
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        return String::from_utf8(bytes).map_err(|e| {
            let (bytes, at) = (e.as_bytes(), e.utf8_error().valid_up_to());
            not_utf8(ds, line_after(&bytes[..at]), bytes[at])
        });
    }
    let (text, _, had_errors) = ds.encoding.decode(&bytes);
    if had_errors {
        return Err(Error::data(
            &ds.id,
            &ds.path,
            format!("the file is not valid {}", ds.encoding.name()),
        ));
    }
    Ok(text.into_owned())
}

/// `bytes`, which start on source line `first_line`, as text; the first
/// byte that is not UTF-8 is an error naming its line.
pub(super) fn utf8<'a>(ds: &DatasetSpec, bytes: &'a [u8], first_line: u64) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        not_utf8(ds, first_line - 1 + line_after(&bytes[..at]), bytes[at])
    })
}

/// The error for a byte that is not UTF-8, on `line`.
fn not_utf8(ds: &DatasetSpec, line: u64, byte: u8) -> Error {
    Error::data(
        &ds.id,
        &ds.path,
        format!(
            "line {line}: byte 0x{byte:02X} is not valid UTF-8 — if the file comes from Excel on Windows, add `encoding = \"windows-1252\"` to the dataset"
        ),
    )
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
    Ok(Header::new(&table.names, &table.empty_columns()).apply(table))
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
