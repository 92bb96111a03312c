//! Rows that arrive as text — a delimited file's chunks, a workbook's sheet
//! — typed and checked against the contract part by part, on every core,
//! into kept rows and rejects; a part's text is dropped once it is typed.
//! What must be known of the whole source before a part can be typed (the
//! fate of unnamed columns, the type of columns the contract does not
//! declare) is found by a first pass over the source, made only when the
//! header or the contract leaves it open. A key that must be unique across
//! the file is checked once every part is typed, their text kept till then.
//! Kept rows of a delimited file go to typed Parquet as they come when it
//! is the run's output or they are too many to hold ([`Spill`]).

use std::collections::BTreeMap;

use polars::prelude::*;
use rayon::prelude::*;

use super::Spill;
use super::contract::{ColumnRule, ColumnType};
use super::delimited::{self, RawChunk};
use super::kept::{Kept, Stack, stack};
use super::text_table::{self, BrokenRecord, Header, TextTable};
use super::typing::{self, Problems};
use super::validate;
use crate::error::{Error, Result, choices};
use crate::spec::model::{DatasetSpec, Format};

/// A delimited or workbook source as read, typed and checked.
pub(super) struct Read {
    pub kept: Kept,
    /// Refused rows: `line`, `reason`, then the cells as text.
    pub rejects: DataFrame,
    pub rows_read: usize,
    /// The blake3 of a delimited file's bytes, hashed as they were read.
    pub blake3: Option<String>,
}

/// Reads, types and checks a delimited or workbook source. Kept rows go to
/// `spill` as it asks.
pub(super) fn ingest(ds: &DatasetSpec, spill: Option<&Spill>) -> Result<Read> {
    let source = if ds.format == Format::Xlsx {
        Source::Sheet(text_table::read_xlsx(ds)?)
    } else {
        Source::File(delimited::open(ds)?.header)
    };
    let layout = Layout::of(ds, &source)?;
    let raw = &source.names().to_vec();
    let (mut kept, mut rejects, mut rows_read) = (Stack::new(ds, spill), Vec::new(), 0);
    let mut currencies = Currencies::new();
    let mut add = |part: Finished| {
        kept.push(part.kept)?;
        rejects.push(part.rejects);
        rows_read += part.rows_read;
        for (money, counts) in part.currencies {
            let all = currencies.entry(money).or_default();
            for (c, n) in counts {
                *all.entry(c).or_default() += n;
            }
        }
        Ok(())
    };
    let key = ds.contract.as_ref().filter(|c| !c.key.is_empty());
    let blake3 = match key {
        None => source.into_each(
            ds,
            |input| layout.type_part(ds, raw, input)?.finish(ds, &layout.header),
            &mut add,
        )?,
        Some(contract) => {
            let mut parts = Vec::new();
            let blake3 = source.into_each(
                ds,
                |input| layout.type_part(ds, raw, input),
                |p| {
                    parts.push(p);
                    Ok(())
                },
            )?;
            check_key(contract, &mut parts)?;
            let finished: Vec<Finished> = parts
                .into_par_iter()
                .map(|p| p.finish(ds, &layout.header))
                .collect::<Result<_>>()?;
            finished.into_iter().try_for_each(&mut add)?;
            blake3
        }
    };
    for (money, counts) in &currencies {
        one_currency(ds, money, counts)?;
    }
    Ok(Read {
        kept: kept.finish()?,
        rejects: stack(rejects)?,
        rows_read,
        blake3,
    })
}

/// Where the text comes from.
enum Source {
    /// A workbook's sheet, read whole.
    Sheet(TextTable),
    /// A delimited file with this header, read chunk by chunk.
    File(Vec<String>),
}

impl Source {
    /// The header's column names, as read.
    fn names(&self) -> &[String] {
        match self {
            Source::Sheet(t) => &t.names,
            Source::File(names) => names,
        }
    }

    /// Applies `f` to every part of the source — as many at once as there
    /// are cores — and hands the results to `sink` in source order. A
    /// source without rows has one empty part. A sheet is lent (a copy).
    fn each<T: Send>(
        &self,
        ds: &DatasetSpec,
        f: impl Fn(Input) -> Result<T> + Sync,
        mut sink: impl FnMut(T) -> Result<()> + Send,
    ) -> Result<()> {
        match self {
            Source::Sheet(t) => sink(f(Input::Table(t.clone()))?),
            Source::File(names) => each_chunk(ds, names, f, sink).map(drop),
        }
    }

    /// [`Source::each`] for the last pass: a sheet is handed over; a
    /// file's bytes are hashed as they are read (their blake3).
    fn into_each<T: Send>(
        self,
        ds: &DatasetSpec,
        f: impl Fn(Input) -> Result<T> + Sync,
        mut sink: impl FnMut(T) -> Result<()> + Send,
    ) -> Result<Option<String>> {
        match self {
            Source::Sheet(t) => sink(f(Input::Table(t))?).map(|_| None),
            Source::File(names) => each_chunk(ds, &names, f, sink).map(Some),
        }
    }
}

/// [`Source::each`] for a delimited file with header `names`; the blake3
/// of the file's bytes.
fn each_chunk<T: Send>(
    ds: &DatasetSpec,
    names: &[String],
    f: impl Fn(Input) -> Result<T> + Sync,
    mut sink: impl FnMut(T) -> Result<()> + Send,
) -> Result<String> {
    let mut chunks = delimited::open(ds)?;
    let mut next_batch = || -> Result<Vec<RawChunk>> {
        chunks
            .by_ref()
            .take(2 * rayon::current_num_threads())
            .collect()
    };
    // While a batch is typed, the results of the one before go to the
    // sink (which may write them) and the next one is read; two chunks per
    // core, so that no core waits long for the one that writes.
    let mut batch = next_batch()?;
    let mut done: Vec<T> = Vec::new();
    let any = !batch.is_empty();
    while !batch.is_empty() {
        let (typed, next) = rayon::join(
            || {
                batch
                    .into_par_iter()
                    .map(|c| f(Input::Chunk(c)))
                    .collect::<Result<Vec<T>>>()
            },
            || {
                std::mem::take(&mut done)
                    .into_iter()
                    .try_for_each(&mut sink)?;
                next_batch()
            },
        );
        done = typed?;
        batch = next?;
    }
    done.into_iter().try_for_each(&mut sink)?;
    if !any {
        sink(f(Input::Table(TextTable::with_header(names.to_vec())))?)?;
    }
    chunks
        .source_hash()
        .ok_or_else(|| Error::internal("reading chunks", "the file was not read to its end"))
}

/// One part of a source, as read.
enum Input {
    Table(TextTable),
    Chunk(RawChunk),
}

impl Input {
    /// The part as text in the header's columns (`names`).
    fn table(self, ds: &DatasetSpec, names: &[String]) -> Result<TextTable> {
        match self {
            Input::Table(t) => Ok(t),
            Input::Chunk(c) => c.parse(ds, names),
        }
    }
}

/// How every part is shaped and typed: decided once for the whole source.
struct Layout {
    /// What becomes of the header's columns.
    header: Header,
    /// The type of each column once shaped (after `unpivot`).
    kinds: Vec<ColumnType>,
}

impl Layout {
    /// The layout of `source`, with a first pass over it only for what the
    /// header or the contract leaves open.
    fn of(ds: &DatasetSpec, source: &Source) -> Result<Layout> {
        let raw = &source.names().to_vec();
        let mut empty = vec![false; raw.len()];
        if Header::has_unnamed(raw) {
            empty = vec![true; raw.len()];
            source.each(
                ds,
                |input| Ok(input.table(ds, raw)?.empty_columns()),
                |part| {
                    empty.iter_mut().zip(part).for_each(|(all, e)| *all &= e);
                    Ok(())
                },
            )?;
        }
        let mut layout = Layout {
            header: Header::new(raw, &empty),
            kinds: Vec::new(),
        };
        let names = layout
            .shape(ds, TextTable::with_header(raw.to_vec()))?
            .names;
        super::missing_columns(ds, &names)?;
        let declared: Vec<Option<ColumnType>> =
            names.iter().map(|n| rule(ds, n).map(|r| r.kind)).collect();
        let mut found = vec![ColumnType::Integer; names.len()];
        if declared.contains(&None) {
            source.each(
                ds,
                |input| {
                    let t = layout.shape(ds, input.table(ds, raw)?)?;
                    Ok(t.columns
                        .iter()
                        .zip(&declared)
                        .map(|(c, d)| match d {
                            Some(_) => ColumnType::Integer,
                            None => typing::infer(c, ds.decimal),
                        })
                        .collect::<Vec<_>>())
                },
                |part| {
                    for (all, k) in found.iter_mut().zip(part) {
                        *all = typing::wider(*all, k);
                    }
                    Ok(())
                },
            )?;
        }
        layout.kinds = declared
            .into_iter()
            .zip(found)
            .map(|(d, f)| d.unwrap_or(f))
            .collect();
        Ok(layout)
    }

    /// A part as read, with the header's columns kept and named, reshaped
    /// by the dataset's `unpivot`.
    fn shape(&self, ds: &DatasetSpec, table: TextTable) -> Result<TextTable> {
        let table = self.header.apply(table);
        match &ds.unpivot {
            Some(u) => text_table::unpivot(ds, table, u),
            None => Ok(table),
        }
    }

    /// Types a part and checks it against the contract's column rules:
    /// a chunk of a delimited file straight from its bytes, anything else
    /// (a sheet, rows to unpivot) through its text.
    fn type_part(&self, ds: &DatasetSpec, raw: &[String], input: Input) -> Result<Part> {
        match input {
            Input::Chunk(chunk) if ds.unpivot.is_none() => self.type_chunk(ds, raw.len(), chunk),
            input => self.type_table(ds, input.table(ds, raw)?),
        }
    }

    fn type_table(&self, ds: &DatasetSpec, table: TextTable) -> Result<Part> {
        let table = self.shape(ds, table)?;
        let mut problems = Problems::new();
        let typed = table
            .names
            .iter()
            .zip(&table.columns)
            .zip(&self.kinds)
            .map(|((name, cells), &kind)| {
                let rule = rule(ds, name);
                typing::type_column(name, cells.iter(), kind, rule, ds.decimal, &mut problems)
            })
            .collect::<Result<Vec<_>>>()?;
        let names = table.names.clone();
        part(ds, names, typed, problems, PartText::Table(table))
    }

    /// Types a chunk's cells once its records are split, column by column
    /// within blocks of rows (a block's text stays in the cache while its
    /// columns are read), keeping only where each record begins (to read a
    /// refused row's cells again).
    fn type_chunk(&self, ds: &DatasetSpec, width: usize, chunk: RawChunk) -> Result<Part> {
        /// Rows typed column by column at a time: a few hundred KiB of text.
        const BLOCK_ROWS: usize = 4096;
        let names = self.header.names();
        let cells = chunk.split(ds, width)?;
        let mut problems = Problems::new();
        let columns: Vec<usize> = (0..width).filter(|&c| self.header.kept()[c]).collect();
        let mut typers: Vec<typing::ColumnTyper> = names
            .iter()
            .zip(&self.kinds)
            .map(|(name, &kind)| {
                typing::ColumnTyper::new(name, kind, rule(ds, name), ds.decimal, cells.rows())
            })
            .collect();
        for from in (0..cells.rows()).step_by(BLOCK_ROWS) {
            let rows = from..(from + BLOCK_ROWS).min(cells.rows());
            for (typer, &c) in typers.iter_mut().zip(&columns) {
                let text = cells
                    .column(c, rows.clone())
                    .map(|f| text_table::cell(ds, f));
                typer.extend(text, &mut problems);
            }
        }
        let typed = typers
            .into_iter()
            .map(typing::ColumnTyper::finish)
            .collect::<Result<Vec<_>>>()?;
        let (lines, starts, broken) = cells.into_rows();
        let broken = broken
            .into_iter()
            .map(|b| BrokenRecord {
                fields: self.header.keep(b.fields),
                ..b
            })
            .collect();
        let text = PartText::Chunk {
            chunk,
            lines,
            starts,
            broken,
        };
        part(ds, names.to_vec(), typed, problems, text)
    }
}

/// A part from its typed columns: checked against the contract's column
/// rules, its money columns' currencies counted.
fn part(
    ds: &DatasetSpec,
    names: Vec<String>,
    typed: Vec<Vec<Column>>,
    mut problems: Problems,
    text: PartText,
) -> Result<Part> {
    let mut columns: Vec<Column> = Vec::with_capacity(names.len());
    let mut currencies = Vec::new();
    for (name, typed) in names.iter().zip(typed) {
        for col in typed {
            if col.name() != name {
                if names.iter().any(|n| n == col.name().as_str()) {
                    return Err(Error::data(
                        &ds.id,
                        &ds.path,
                        format!(
                            "money column `{name}` keeps its currency in `{}`, which the file already has; rename that column",
                            col.name()
                        ),
                    ));
                }
                currencies.push((name.clone(), count_currencies(&col)?));
            }
            columns.push(col);
        }
    }
    let data = DataFrame::new_infer_height(columns)
        .map_err(|e| Error::internal(format!("dataset `{}`", ds.id), e))?;
    if let Some(c) = &ds.contract {
        validate::check_rows(c, &data, &mut problems)?;
    }
    Ok(Part {
        data,
        problems,
        names,
        text,
        currencies,
    })
}

/// The contract's rule for a column, if any.
fn rule<'a>(ds: &'a DatasetSpec, name: &str) -> Option<&'a ColumnRule> {
    ds.contract.as_ref().and_then(|c| c.columns.get(name))
}

/// Rows of each currency, per money column.
type Currencies = BTreeMap<String, BTreeMap<String, usize>>;

/// A part typed and checked, its text still at hand for the rejects.
struct Part {
    data: DataFrame,
    problems: Problems,
    /// The text columns, as the rejects show them.
    names: Vec<String>,
    text: PartText,
    currencies: Vec<(String, BTreeMap<String, usize>)>,
}

/// A part's text.
enum PartText {
    /// All its cells.
    Table(TextTable),
    /// Its bytes, where each row's record begins and the source line of
    /// each row, and the records that could not be split.
    Chunk {
        chunk: RawChunk,
        lines: Vec<u64>,
        starts: Vec<usize>,
        broken: Vec<BrokenRecord>,
    },
}

impl PartText {
    /// The source line of each row.
    fn lines(&self) -> &[u64] {
        match self {
            PartText::Table(t) => &t.lines,
            PartText::Chunk { lines, .. } => lines,
        }
    }

    /// The cells of `row` as read, in the columns kept.
    fn cells(&self, ds: &DatasetSpec, header: &Header, row: usize) -> Vec<Option<String>> {
        match self {
            PartText::Table(t) => t
                .columns
                .iter()
                .map(|c| c.get(row).map(str::to_string))
                .collect(),
            PartText::Chunk { chunk, starts, .. } => header.keep(chunk.record_at(ds, starts[row])),
        }
    }

    /// The records that could not be split.
    fn broken(self) -> Vec<BrokenRecord> {
        match self {
            PartText::Table(t) => t.broken,
            PartText::Chunk { broken, .. } => broken,
        }
    }
}

/// A part split into kept rows and rejects.
struct Finished {
    kept: DataFrame,
    rejects: DataFrame,
    rows_read: usize,
    currencies: Vec<(String, BTreeMap<String, usize>)>,
}

impl Part {
    /// Moves the rows with a problem, and the records that could not be
    /// split, to the rejects with their line, reasons and cells as read.
    fn finish(self, ds: &DatasetSpec, header: &Header) -> Result<Finished> {
        let Part {
            data,
            problems,
            names,
            text,
            currencies,
        } = self;
        let lines = text.lines();
        let mut rejected: Vec<(u64, String, Vec<Option<String>>)> = problems
            .iter()
            .map(|(&row, why)| (lines[row], why.join("; "), text.cells(ds, header, row)))
            .collect();
        let rows_read = lines.len();
        let broken = text.broken();
        let rows_read = rows_read + broken.len();
        rejected.extend(broken.into_iter().map(|b| (b.line, b.reason, b.fields)));
        rejected.sort_by_key(|r| r.0);
        let mut lines = Vec::with_capacity(rejected.len());
        let mut reasons = Vec::with_capacity(rejected.len());
        let mut cells: Vec<Vec<Option<String>>> = vec![Vec::new(); names.len()];
        for (line, why, fields) in rejected {
            lines.push(line);
            reasons.push(why);
            for (col, f) in cells.iter_mut().zip(fields) {
                col.push(f);
            }
        }
        let mut columns = vec![
            Column::new("line".into(), lines),
            Column::new("reason".into(), reasons),
        ];
        columns.extend(
            names
                .iter()
                .zip(cells)
                .map(|(n, c)| Column::new(n.into(), c)),
        );
        let rejects =
            DataFrame::new_infer_height(columns).map_err(|e| Error::internal("rejects", e))?;
        Ok(Finished {
            kept: super::keep(data, &problems)?,
            rejects,
            rows_read,
            currencies,
        })
    }
}

/// Checks the contract's key across all parts, adding each duplicate's
/// reason to its part.
fn check_key(contract: &super::contract::Contract, parts: &mut [Part]) -> Result<()> {
    let fail = |e: PolarsError| Error::internal("key check", e);
    let mut all = DataFrame::empty();
    for p in parts.iter() {
        if all.width() == 0 {
            all = p.data.clone();
        } else {
            all.vstack_mut(&p.data).map_err(fail)?;
        }
    }
    let lines: Vec<u64> = parts
        .iter()
        .flat_map(|p| p.text.lines().iter().copied())
        .collect();
    let mut problems = Problems::new();
    validate::check_key(contract, &all, &lines, &mut problems)?;
    let mut problems = problems.into_iter().peekable();
    let mut offset = 0;
    for p in parts {
        let end = offset + p.data.height();
        while let Some((row, why)) = problems.next_if(|(row, _)| *row < end) {
            p.problems.entry(row - offset).or_default().extend(why);
        }
        offset = end;
    }
    Ok(())
}

/// Rows per currency in a currency column.
fn count_currencies(currencies: &Column) -> Result<BTreeMap<String, usize>> {
    let mut counts = BTreeMap::<String, usize>::new();
    let text = currencies
        .str()
        .map_err(|e| Error::internal("counting currencies", e))?;
    for c in text.iter().flatten() {
        match counts.get_mut(c) {
            Some(n) => *n += 1,
            None => {
                counts.insert(c.to_string(), 1);
            }
        }
    }
    Ok(counts)
}

/// Amounts in several currencies cannot be added up: a money column whose
/// values name more than one currency needs the contract's `currency`
/// (the others refused) — an input-data error listing what was found.
fn one_currency(ds: &DatasetSpec, money: &str, counts: &BTreeMap<String, usize>) -> Result<()> {
    if counts.len() <= 1 {
        return Ok(());
    }
    let found: Vec<String> = counts
        .iter()
        .map(|(c, n)| format!("{c} ({n} rows)"))
        .collect();
    Err(Error::data(
        &ds.id,
        &ds.path,
        format!(
            "money column `{money}` holds amounts in several currencies: {} — they cannot be added together; state the one currency in its contract (`currency = \"MAD\"`, the others are then rejected) or convert them upstream",
            choices(found)
        ),
    ))
}
