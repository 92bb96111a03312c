//! Delimited text read as a stream of chunks of whole records, so that a
//! large file is parsed and typed on every core while only a few chunks are
//! in memory. A chunk ends after a line feed outside quotes — RFC 4180
//! quoting as the CSV reader applies it: a quote opens a field only at its
//! start, `""` inside a quoted field is a quote — so no record is split, and
//! each chunk knows the source line it starts on. Where the chunks end
//! depends on the bytes only (never on timing or threads), so the rows come
//! out the same however many cores read them.

use std::io::Read;

use super::text_table::{self, BrokenRecord, LineCounter, TextTable};
use crate::error::{Error, Result};
use crate::spec::model::DatasetSpec;

/// The bytes a chunk is read to before it is handed out, cut at its last
/// record end.
pub const CHUNK_BYTES: usize = 8 << 20;

/// A delimited file's header and the chunks of records after it.
pub struct Chunks {
    /// Column names from the header line, trimmed, in file order.
    pub header: Vec<String>,
    source: Box<dyn Read + Send>,
    /// Bytes read and not yet handed out.
    pending: Vec<u8>,
    /// Where quoting stands at the end of `pending`.
    quotes: Quotes,
    /// The end of the last whole record in `pending` (0: none yet).
    boundary: usize,
    /// The source line of `pending[0]`.
    line: u64,
    eof: bool,
    chunk_bytes: usize,
    delimiter: u8,
    id: String,
    path: std::path::PathBuf,
    /// The bytes read so far, hashed as they are read.
    hasher: blake3::Hasher,
    /// A chunk failed: nothing more is read.
    failed: bool,
}

/// Whole records of a delimited file, the line the first one is on and
/// how many line feeds they hold.
#[derive(Debug)]
pub struct RawChunk {
    bytes: Vec<u8>,
    first_line: u64,
    newlines: u64,
}

/// Opens a delimited file: skips its preamble, reads its header and
/// returns the chunks of records after it. A file in another encoding than
/// UTF-8, or whose first chunk holds no line feed (old Mac line ends, or a
/// single line), is decoded whole first.
pub fn open(ds: &DatasetSpec) -> Result<Chunks> {
    open_with(ds, CHUNK_BYTES)
}

fn open_with(ds: &DatasetSpec, chunk_bytes: usize) -> Result<Chunks> {
    let unreadable = |e: std::io::Error| Error::data(&ds.id, &ds.path, format!("cannot read: {e}"));
    let mut file = std::fs::File::open(&ds.path).map_err(unreadable)?;
    let mut head = Vec::new();
    (&mut file)
        .take(chunk_bytes as u64)
        .read_to_end(&mut head)
        .map_err(unreadable)?;
    let whole = ds.encoding != encoding_rs::UTF_8 || memchr::memchr(b'\n', &head).is_none();
    let mut hasher = blake3::Hasher::new();
    let (pending, source, eof): (Vec<u8>, Box<dyn Read + Send>, bool) = if whole {
        file.read_to_end(&mut head).map_err(unreadable)?;
        hasher.update(&head);
        let text = text_table::decode(ds, head)?;
        // Old Mac files end lines with CR alone: make them LF so line numbers count.
        let text = if !text.contains('\n') && text.contains('\r') {
            text.replace('\r', "\n")
        } else {
            text
        };
        (text.into_bytes(), Box::new(std::io::empty()), true)
    } else {
        hasher.update(&head);
        if head.starts_with(b"\xEF\xBB\xBF") {
            head.drain(..3);
        }
        let eof = head.len() < chunk_bytes;
        (head, Box::new(file), eof)
    };
    let mut chunks = Chunks {
        header: Vec::new(),
        source,
        pending,
        quotes: Quotes::default(),
        boundary: 0,
        line: 1,
        eof,
        chunk_bytes,
        delimiter: ds.delimiter,
        id: ds.id.clone(),
        path: ds.path.clone(),
        hasher,
        failed: false,
    };
    chunks.skip_lines(ds.skip_rows)?;
    chunks.read_header(ds)?;
    Ok(chunks)
}

impl Chunks {
    fn unreadable(&self, e: std::io::Error) -> Error {
        Error::data(&self.id, &self.path, format!("cannot read: {e}"))
    }

    /// Reads the next block of the file onto `pending` and scans it.
    fn fill(&mut self) -> Result<()> {
        let from = self.pending.len();
        let read = (&mut self.source)
            .take(self.chunk_bytes as u64)
            .read_to_end(&mut self.pending)
            .map_err(|e| self.unreadable(e))?;
        self.eof = read < self.chunk_bytes;
        self.hasher.update(&self.pending[from..]);
        if let Some(end) = self.quotes.scan(&self.pending, from, self.delimiter) {
            self.boundary = end;
        }
        Ok(())
    }

    /// Drops the first `n` bytes of `pending`, counting their lines.
    fn consume(&mut self, n: usize) -> Vec<u8> {
        let rest = self.pending.split_off(n);
        let taken = std::mem::replace(&mut self.pending, rest);
        self.line += newlines(&taken);
        self.boundary = self.boundary.saturating_sub(n);
        self.quotes.opened_at = self.quotes.opened_at.saturating_sub(n);
        taken
    }

    /// Skips the preamble: `n` lines before the header.
    fn skip_lines(&mut self, n: usize) -> Result<()> {
        let mut at = 0;
        for _ in 0..n {
            loop {
                if let Some(i) = memchr::memchr(b'\n', &self.pending[at..]) {
                    at += i + 1;
                    break;
                }
                if self.eof {
                    at = self.pending.len();
                    break;
                }
                self.fill()?;
            }
        }
        self.consume(at);
        self.quotes = Quotes::default();
        self.boundary = 0;
        if let Some(end) = self.quotes.scan(&self.pending, 0, self.delimiter) {
            self.boundary = end;
        }
        Ok(())
    }

    /// Reads the header record, leaving `pending` at the first data record.
    fn read_header(&mut self, ds: &DatasetSpec) -> Result<()> {
        while self.boundary == 0 && !self.eof {
            self.fill()?;
        }
        let end = if self.boundary == 0 {
            self.pending.len()
        } else {
            self.boundary
        };
        text_table::utf8(ds, &self.pending[..end], self.line)?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(ds.delimiter)
            .has_headers(true)
            .flexible(true)
            .from_reader(&self.pending[..end]);
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
        let header_end = (reader.position().byte() as usize).min(end);
        if header.iter().all(String::is_empty) {
            return Err(Error::data(
                &ds.id,
                &ds.path,
                format!("line {}: the header line is empty", ds.skip_rows + 1),
            ));
        }
        text_table::check_header(ds, &header)?;
        self.consume(header_end);
        self.header = header;
        Ok(())
    }

    /// The next chunk of whole records, `None` after the last.
    fn next_chunk(&mut self) -> Result<Option<RawChunk>> {
        while !self.eof && (self.boundary == 0 || self.pending.len() < self.chunk_bytes) {
            self.fill()?;
        }
        if self.eof && self.quotes.held {
            self.quotes.quoted = false;
        }
        if self.eof && self.quotes.quoted {
            let line = self.line + newlines(&self.pending[..self.quotes.opened_at]);
            return Err(Error::data(
                &self.id,
                &self.path,
                format!(
                    "line {line}: a quote opens a field and is never closed; everything after it would be read as one field — close the quote (a quote inside a field is written twice: \"\")"
                ),
            ));
        }
        let end = if self.eof {
            self.last_end()
        } else {
            self.boundary
        };
        if end == 0 {
            return Ok(None);
        }
        let first_line = self.line;
        let bytes = self.consume(end);
        Ok(Some(RawChunk {
            bytes,
            first_line,
            newlines: self.line - first_line,
        }))
    }
}

impl Chunks {
    /// The blake3 of the file's bytes — the bytes the chunks were cut
    /// from — once every chunk has been handed out; `None` before.
    pub fn source_hash(&self) -> Option<String> {
        (self.eof && self.pending.is_empty() && !self.failed)
            .then(|| self.hasher.finalize().to_hex().to_string())
    }

    /// Once the whole source is read, where the next chunk ends: all that
    /// is left, or — when more than two chunks' worth is (a file decoded
    /// whole) — the records within about a chunk's bytes, so that such a
    /// file too is typed in parts on every core.
    fn last_end(&self) -> usize {
        let mut limit = self.chunk_bytes.max(1);
        while limit.saturating_mul(2) < self.pending.len() {
            // `pending` starts a record, outside any quote.
            if let Some(end) = Quotes::default().scan(&self.pending[..limit], 0, self.delimiter) {
                return end;
            }
            limit *= 2;
        }
        self.pending.len()
    }
}

impl Iterator for Chunks {
    type Item = Result<RawChunk>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = self.next_chunk().transpose();
        if matches!(next, Some(Err(_))) {
            // Nothing more after an error.
            self.pending.clear();
            self.quotes = Quotes::default();
            self.eof = true;
            self.failed = true;
        }
        next
    }
}

/// Line feeds in `bytes`.
fn newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Where quoting stands after the bytes scanned so far.
#[derive(Debug, Clone, Copy)]
struct Quotes {
    /// Inside a quoted field.
    quoted: bool,
    /// Inside a quoted field whose last byte scanned is a quote: it closes
    /// the field unless the next byte, not read yet, is a quote too (`""`).
    held: bool,
    /// The next byte starts a field.
    field_start: bool,
    /// Where the open quoted field began (meaningful while `quoted`).
    opened_at: usize,
}

impl Default for Quotes {
    fn default() -> Self {
        Quotes {
            quoted: false,
            held: false,
            field_start: true,
            opened_at: 0,
        }
    }
}

impl Quotes {
    /// Scans `bytes[from..]`, returning the end of the last record that
    /// ends in it (just after its line feed), if one does.
    fn scan(&mut self, bytes: &[u8], from: usize, delimiter: u8) -> Option<usize> {
        let new = &bytes[from..];
        let last = *new.last()?;
        if !self.quoted && memchr::memchr(b'"', new).is_none() {
            self.field_start = last == delimiter || last == b'\n' || last == b'\r';
            return memchr::memrchr(b'\n', new).map(|i| from + i + 1);
        }
        let mut end = None;
        let mut i = from;
        if std::mem::take(&mut self.held) {
            if new[0] == b'"' {
                i += 1; // the held quote and this one are a quote
            } else {
                self.quoted = false;
                self.field_start = false;
            }
        }
        while i < bytes.len() {
            let b = bytes[i];
            if self.quoted {
                if b == b'"' {
                    match bytes.get(i + 1) {
                        Some(b'"') => i += 1,
                        Some(_) => self.quoted = false,
                        None => self.held = true,
                    }
                }
            } else if b == b'"' && self.field_start {
                self.quoted = true;
                self.opened_at = i;
            } else if b == b'\n' {
                end = Some(i + 1);
            }
            self.field_start = !self.quoted && (b == delimiter || b == b'\n' || b == b'\r');
            i += 1;
        }
        end
    }
}

impl RawChunk {
    /// Splits the chunk's records into the header's columns: empty cells
    /// and the dataset's `missing` markers become empty, blank lines are
    /// skipped, records of another width are kept aside with their line.
    pub fn parse(&self, ds: &DatasetSpec, names: &[String]) -> Result<TextTable> {
        let cells = self.split(ds, names.len())?;
        let mut table = TextTable::with_header(names.to_vec());
        for (row, &line) in cells.lines.iter().enumerate() {
            table.push_cells(
                line,
                (0..names.len()).map(|c| text_table::cell(ds, cells.get(row, c))),
            );
        }
        table.broken = cells.broken;
        Ok(table)
    }

    /// The chunk's records of the header's `width`, split into cells held
    /// column by column; blank lines are skipped and the records of another
    /// width kept aside with their line and reason.
    pub fn split(&self, ds: &DatasetSpec, width: usize) -> Result<Cells<'_>> {
        let text = text_table::utf8(ds, &self.bytes, self.first_line)?;
        if u32::try_from(self.bytes.len()).is_err() {
            // Chunks end after a few MiB of records: only one record can be this long.
            return Err(Error::data(
                &ds.id,
                &ds.path,
                format!(
                    "line {}: a record longer than 4 GiB — check the file's quotes and line ends",
                    self.first_line
                ),
            ));
        }
        let mut cells = Cells::new(width, self.max_rows());
        if self.is_plain(ds.delimiter) {
            cells.text = std::borrow::Cow::Borrowed(text);
            split_plain(ds, text, self.first_line, &mut cells);
            return Ok(cells);
        }
        let mut reader = self.reader(ds, 0);
        let mut lines = LineCounter::new(&self.bytes, self.first_line);
        let mut record = csv::StringRecord::new();
        let mut row = Vec::with_capacity(width);
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let start = record.position().map_or(0, |p| p.byte() as usize);
                    row.clear();
                    for field in &record {
                        let from = cells.text.len();
                        cells.text.to_mut().push_str(field);
                        row.push(cells.range(from, cells.text.len()));
                    }
                    cells.add(ds, lines.at(start), start, &row);
                }
                Err(e) => {
                    let line = lines.at(e.position().map_or(0, |p| p.byte() as usize));
                    cells.broken.push(BrokenRecord {
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
        Ok(cells)
    }

    /// Whether every record is one line split at the delimiter: no quote,
    /// no carriage return but before a line feed, an ASCII delimiter.
    fn is_plain(&self, delimiter: u8) -> bool {
        delimiter.is_ascii()
            && memchr::memchr(b'"', &self.bytes).is_none()
            && memchr::memchr_iter(b'\r', &self.bytes)
                .all(|i| self.bytes.get(i + 1) == Some(&b'\n'))
    }

    /// At most this many rows: one per line.
    fn max_rows(&self) -> usize {
        self.newlines as usize + 1
    }

    /// The cells of the record that begins at `start`, as
    /// [`RawChunk::split`] read them.
    pub fn record_at(&self, ds: &DatasetSpec, start: usize) -> Vec<Option<String>> {
        let mut record = csv::StringRecord::new();
        match self.reader(ds, start).read_record(&mut record) {
            Ok(true) => cells(ds, record.iter()),
            _ => Vec::new(),
        }
    }

    fn reader(&self, ds: &DatasetSpec, start: usize) -> csv::Reader<&[u8]> {
        csv::ReaderBuilder::new()
            .delimiter(ds.delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(&self.bytes[start..])
    }
}

/// Splits the lines of `text` (no quotes; CR only before LF; an ASCII
/// delimiter) at the delimiter: one pass over the bytes.
fn split_plain(ds: &DatasetSpec, text: &str, first_line: u64, cells: &mut Cells<'_>) {
    let bytes = text.as_bytes();
    // The fields of the line so far go straight to their columns.
    let (mut record, mut field, mut line, mut fields) = (0, 0, first_line, 0);
    let mut at = |i: usize| {
        if bytes[i] == ds.delimiter {
            cells.push_field(fields, field, i);
            fields += 1;
            field = i + 1;
        } else {
            cells.end_line(ds, line, [record, field, i], fields);
            (record, field, line, fields) = (i + 1, i + 1, line + 1, 0);
        }
    };
    // Eight bytes at a time: the delimiters and line feeds among them
    // found at once, then visited in order.
    let (delimiters, feeds) = (LANES * u64::from(ds.delimiter), LANES * u64::from(b'\n'));
    let mut words = bytes.chunks_exact(8);
    for (w, word) in (&mut words).enumerate() {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let mut found = zero_bytes(word ^ delimiters) | zero_bytes(word ^ feeds);
        while found != 0 {
            at(w * 8 + found.trailing_zeros() as usize / 8);
            found &= found - 1;
        }
    }
    let tail = bytes.len() - words.remainder().len();
    for (i, &b) in words.remainder().iter().enumerate() {
        if b == ds.delimiter || b == b'\n' {
            at(tail + i);
        }
    }
    if record < bytes.len() {
        cells.end_line(ds, line, [record, field, bytes.len()], fields);
    }
}

/// A byte's value in each of the eight bytes of a word.
const LANES: u64 = 0x0101_0101_0101_0101;

/// The high bit of each byte of `x` that is zero, and no other bit.
fn zero_bytes(x: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// A chunk's records of the header's width, split into cells held column
/// by column (each a range of the chunk's text, or of the fields a quoted
/// record was read into), with each row's source line and where its record
/// begins; the records of another width apart.
pub struct Cells<'a> {
    text: std::borrow::Cow<'a, str>,
    /// Per column, each row's cell as a range of `text`.
    columns: Vec<Vec<[u32; 2]>>,
    /// The source line of each row.
    lines: Vec<u64>,
    /// Where each row's record begins in the chunk.
    starts: Vec<usize>,
    /// Records that could not be split into the header's columns.
    broken: Vec<BrokenRecord>,
}

impl<'a> Cells<'a> {
    fn new(width: usize, rows: usize) -> Self {
        Cells {
            text: std::borrow::Cow::Owned(String::new()),
            columns: (0..width).map(|_| Vec::with_capacity(rows)).collect(),
            lines: Vec::with_capacity(rows),
            starts: Vec::with_capacity(rows),
            broken: Vec::new(),
        }
    }

    /// A range of the text, as held (a chunk holds less than 4 GiB:
    /// [`RawChunk::split`]).
    fn range(&self, from: usize, to: usize) -> [u32; 2] {
        [from as u32, to as u32]
    }

    /// Puts field `n` of a plain chunk's line, `from..to`, in its column
    /// (none past the header's width: the line is broken).
    fn push_field(&mut self, n: usize, from: usize, to: usize) {
        let range = self.range(from, to);
        if let Some(column) = self.columns.get_mut(n) {
            column.push(range);
        }
    }

    /// Ends a line of a plain chunk whose first `fields` fields are in
    /// their columns; `at` is where the line, its last field and its line
    /// feed (or the text's end) are. A line empty but for a CR is blank; a
    /// line of another width than the header's takes its fields back out
    /// of the columns and goes to [`Cells::add`].
    fn end_line(&mut self, ds: &DatasetSpec, line: u64, at: [usize; 3], fields: usize) {
        let [from, field, mut to] = at;
        if to > from && self.text.as_bytes()[to - 1] == b'\r' {
            to -= 1;
        }
        if to == from {
            return;
        }
        if fields + 1 == self.columns.len() {
            self.push_field(fields, field, to);
            self.lines.push(line);
            self.starts.push(from);
            return;
        }
        for column in self.columns.iter_mut().take(fields) {
            column.pop();
        }
        let mut start = from;
        let mut row: Vec<[u32; 2]> =
            memchr::memchr_iter(ds.delimiter, &self.text.as_bytes()[from..to])
                .map(|i| {
                    let range = self.range(start, from + i);
                    start = from + i + 1;
                    range
                })
                .collect();
        row.push(self.range(start, to));
        self.add(ds, line, from, &row);
    }

    /// Adds a record (its fields as ranges) begun at `start` on `line`: a
    /// row when it has the header's width, nothing when it is a blank
    /// line, a broken record otherwise.
    fn add(&mut self, ds: &DatasetSpec, line: u64, start: usize, fields: &[[u32; 2]]) {
        let width = self.columns.len();
        let found = fields.len();
        if found == width {
            for (column, &f) in self.columns.iter_mut().zip(fields) {
                column.push(f);
            }
            self.lines.push(line);
            self.starts.push(start);
            return;
        }
        let field = |f: &[u32; 2]| &self.text[f[0] as usize..f[1] as usize];
        if found == 1 && width > 1 && text_table::cell(ds, field(&fields[0])).is_none() {
            return;
        }
        let mut cells = cells(ds, fields.iter().map(field));
        cells.resize(width, None);
        self.broken.push(BrokenRecord {
            line,
            reason: format!("expected {width} fields, found {found}"),
            fields: cells,
        });
    }

    /// Each row's source line and where its record begins, and the
    /// broken records: what is left once the cells are typed.
    pub fn into_rows(self) -> (Vec<u64>, Vec<usize>, Vec<BrokenRecord>) {
        (self.lines, self.starts, self.broken)
    }

    /// The text of column `c` in row `row`, as read.
    pub fn get(&self, row: usize, c: usize) -> &str {
        let [from, to] = self.columns[c][row];
        &self.text[from as usize..to as usize]
    }

    /// The text of the cells of column `c` in `rows`, in row order.
    pub fn column(
        &self,
        c: usize,
        rows: std::ops::Range<usize>,
    ) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.columns[c][rows]
            .iter()
            .map(|&[from, to]| &self.text[from as usize..to as usize])
    }

    /// Rows (records of the header's width).
    pub fn rows(&self) -> usize {
        self.lines.len()
    }
}

/// A record's cells as text, empty ones and `missing` markers `None`.
fn cells<'a>(ds: &DatasetSpec, fields: impl Iterator<Item = &'a str>) -> Vec<Option<String>> {
    fields
        .map(|f| text_table::cell(ds, f).map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value at every place, beside bytes that carry or borrow
    /// (0x00, 0x01, 0x80, 0xff), against a byte-by-byte comparison.
    #[test]
    fn zero_bytes_are_exactly_the_zero_bytes() {
        for fill in [0x00u8, 0x01, 0x80, 0xff] {
            for place in 0..8 {
                for value in 0..=255u8 {
                    let mut bytes = [fill; 8];
                    bytes[place] = value;
                    let expect = bytes
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| **b == 0)
                        .fold(0u64, |m, (i, _)| m | 0x80 << (8 * i));
                    assert_eq!(zero_bytes(u64::from_le_bytes(bytes)), expect, "{bytes:?}");
                }
            }
        }
    }

    fn spec(path: &std::path::Path) -> DatasetSpec {
        use crate::spec::model::{Format, Text};
        DatasetSpec {
            id: "d".into(),
            path: path.to_path_buf(),
            wave: "wave".into(),
            format: Format::Delimited,
            contract: None,
            delimiter: b',',
            encoding: encoding_rs::UTF_8,
            decimal: '.',
            sheet: None,
            skip_rows: 0,
            missing: vec!["NA".into()],
            unpivot: None,
            label: Text(Default::default()),
            source: Text(Default::default()),
            design: None,
            unit: None,
            file_labels: Default::default(),
        }
    }

    /// A row as read: its line and cells.
    type Row = (u64, Vec<Option<String>>);

    /// Every row of every chunk, and the lines of the broken records.
    fn read(ds: &DatasetSpec, chunk_bytes: usize) -> (Vec<Row>, Vec<u64>) {
        let chunks = open_with(ds, chunk_bytes).unwrap();
        let header = chunks.header.clone();
        let (mut rows, mut broken) = (Vec::new(), Vec::new());
        for c in chunks {
            let t = c.unwrap().parse(ds, &header).unwrap();
            for r in 0..t.height() {
                let cells = t.columns.iter().map(|c| c.get(r).map(str::to_string));
                rows.push((t.lines[r], cells.collect()));
            }
            broken.extend(t.broken.iter().map(|b| b.line));
        }
        (rows, broken)
    }

    #[test]
    fn chunks_of_any_size_give_the_rows_of_one_chunk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let text = "preamble\nid,name,note\n1,a,\"two \"\"x\"\"\nand\nmore\nlines\"\n\n2,\"b,\"\"c\"\"\",NA\r\n3,x\n4,\"d\",e\n5,f\"g,h\n6,,\"\"";
        std::fs::write(&path, text).unwrap();
        let mut ds = spec(&path);
        ds.skip_rows = 1;
        let whole = read(&ds, 1 << 20);
        let cell = |s: &str| Some(s.to_string());
        assert_eq!(
            whole.0,
            vec![
                (
                    3,
                    vec![cell("1"), cell("a"), cell("two \"x\"\nand\nmore\nlines")]
                ),
                (8, vec![cell("2"), cell("b,\"c\""), None]),
                (10, vec![cell("4"), cell("d"), cell("e")]),
                (11, vec![cell("5"), cell("f\"g"), cell("h")]),
                (12, vec![cell("6"), None, None]),
            ]
        );
        assert_eq!(whole.1, vec![9]);
        for size in 1..text.len() + 2 {
            assert_eq!(read(&ds, size), whole, "chunks of {size} bytes");
        }
        // Decoded whole (another encoding), then handed out in parts.
        ds.encoding = encoding_rs::WINDOWS_1252;
        for size in 1..text.len() + 2 {
            assert_eq!(read(&ds, size), whole, "decoded, parts of {size} bytes");
        }
        // Three parts: the quoted record with its blank line, the CRLF one, the rest.
        assert_eq!(open_with(&ds, 16).unwrap().count(), 3);
    }

    #[test]
    fn lines_without_quotes_are_split_as_the_csv_reader_splits_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        // CRLF and LF, blank lines, a short record, a missing marker, a
        // lone CR inside a field (which the CSV reader ends a record at).
        for (text, cr_alone) in [
            ("id,name\r\n1,a\r\n\r\n2,NA\n3\n4, b \n", false),
            ("id,name\n1,a\n\n2,NA\n3\n4, b \r5,c\n", true),
        ] {
            std::fs::write(&path, text).unwrap();
            let ds = spec(&path);
            let whole = read(&ds, 1 << 20);
            let cell = |s: &str| Some(s.to_string());
            let mut rows = vec![
                (2, vec![cell("1"), cell("a")]),
                (4, vec![cell("2"), None]),
                (6, vec![cell("4"), cell(" b ")]),
            ];
            if cr_alone {
                rows.push((6, vec![cell("5"), cell("c")]));
            }
            assert_eq!(whole.0, rows, "{text:?}");
            assert_eq!(whole.1, vec![5], "{text:?}");
            for size in 1..text.len() + 2 {
                assert_eq!(read(&ds, size), whole, "{text:?} in chunks of {size} bytes");
            }
        }
    }

    /// A record too short or too long, its fields already placed in their
    /// columns when its line ends, is taken back out whole: the rows after
    /// it keep their cells (by hand), whatever the chunks.
    #[test]
    fn records_of_another_width_leave_the_rows_after_them_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let text = "a,b,c\n1,2\n3,4,5,6\n7,8,9\n,,\n10,11,12\n13,14,15,16,17\n18,19,20";
        std::fs::write(&path, text).unwrap();
        let ds = spec(&path);
        let whole = read(&ds, 1 << 20);
        let cell = |s: &str| Some(s.to_string());
        assert_eq!(
            whole.0,
            vec![
                (4, vec![cell("7"), cell("8"), cell("9")]),
                (5, vec![None, None, None]),
                (6, vec![cell("10"), cell("11"), cell("12")]),
                (8, vec![cell("18"), cell("19"), cell("20")]),
            ]
        );
        assert_eq!(whole.1, vec![2, 3, 7]);
        for size in 1..text.len() + 2 {
            assert_eq!(read(&ds, size), whole, "chunks of {size} bytes");
        }
    }

    #[test]
    fn an_unclosed_quote_is_refused_with_its_line_whatever_the_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a,b\n1,2\n3,\"x\n4,5\n6,7\n").unwrap();
        let ds = spec(&path);
        for size in 1..24 {
            let err = open_with(&ds, size)
                .and_then(|c| c.collect::<Result<Vec<_>>>())
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("line 3: a quote opens a field"),
                "{size}: {err}"
            );
        }
    }
}
