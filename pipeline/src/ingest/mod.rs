//! Ingest: one source file in, validated typed rows and rejects out.
//! `rows read = rows kept + rows rejected`, always: every refused row goes
//! to the rejects with its source line and the reasons. The share of rejects
//! allowed by the contract decides whether the run may go on.

pub mod contract;
pub mod delimited;
mod kept;
pub mod markers;
pub mod microdata;
pub mod money;
pub mod population;
pub mod sources;
mod text;
pub mod text_table;
pub mod typing;
pub mod validate;

pub use kept::Written;

use std::path::PathBuf;

use polars::prelude::*;

use crate::error::{Error, Result, choices};
use crate::indicators::streamed::{self, Source};
use crate::spec::model::{DatasetSpec, Format, Study};
use typing::Problems;

/// What the source file was, for the manifest and the Parquet metadata.
#[derive(Debug, Clone)]
pub struct SourceInfo {
    /// Size in bytes.
    pub bytes: u64,
    /// blake3 of the bytes.
    pub blake3: String,
}

/// The result of ingesting one dataset.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// Kept rows, typed.
    pub data: DataFrame,
    /// Refused rows: `line`, `reason`, then the dataset's columns as text.
    pub rejects: DataFrame,
    /// Rows read from the source (data rows, header and preamble excluded).
    pub rows_read: usize,
    /// The source file.
    pub source: SourceInfo,
    /// The source is Parquet whose rows all passed, with the types the
    /// contract asks for: its bytes are already the typed data.
    pub source_is_typed_data: bool,
    /// Too large to hold: `data` has the columns but no row, and the
    /// estimation reads this file batch by batch.
    pub streamed: Option<Source>,
    /// The kept rows were written to the [`Spill`] file as they came; when
    /// not held too, `data` has the columns but no row.
    pub written: Option<Written>,
}

impl Ingested {
    /// Rows kept.
    pub fn rows_kept(&self) -> usize {
        match (&self.streamed, self.written) {
            (Some(s), _) => s.rows,
            (None, Some(w)) => w.rows,
            (None, None) => self.data.height(),
        }
    }

    /// Rows rejected.
    pub fn rows_rejected(&self) -> usize {
        self.rejects.height()
    }
}

/// Where a delimited source, or a Parquet one with a contract, of more
/// rows than `[study.engine] stream_rows` writes its kept rows, typed, as
/// they are checked — so that memory holds a few parts, not the file — for
/// the estimation to read batch by batch (see
/// [`crate::indicators::streamed`]). When the file is the run's output, a
/// delimited source's kept rows all go to it as they are checked, held or
/// not: the writing runs beside the typing.
#[derive(Debug, Clone)]
pub struct Spill {
    /// The typed Parquet file to write.
    pub path: PathBuf,
    /// Its file metadata.
    pub metadata: Vec<(String, String)>,
    /// Rows held before the kept rows go to the file (and are no longer held).
    pub after_rows: u64,
    /// Rows of a Parquet source read at a time.
    pub batch_rows: usize,
    /// The file is the run's `data/<dataset>.parquet`: every kept row of a
    /// delimited source goes to it.
    pub output: bool,
}

impl Spill {
    /// The run's typed data file of a dataset of `study`, at `path`.
    pub fn output(study: &Study, path: PathBuf, metadata: Vec<(String, String)>) -> Spill {
        Spill {
            path,
            metadata,
            after_rows: study.engine.stream_rows,
            batch_rows: study.engine.batch_rows,
            output: true,
        }
    }

    /// A scratch file of a dataset of `study`, at `path`, written only once
    /// its rows are too many to hold.
    pub fn scratch(study: &Study, path: PathBuf) -> Spill {
        Spill {
            output: false,
            ..Spill::output(study, path, Vec::new())
        }
    }

    /// The same file, never written for want of memory: what the study
    /// does with the rows needs them held.
    fn held(self) -> Spill {
        Spill {
            after_rows: u64::MAX,
            ..self
        }
    }
}

/// Ingests dataset `ds` of `study`: a survey a cluster estimates (see
/// [`crate::indicators::cluster`]) has its files hashed and counted only; a
/// Parquet survey too large to hold
/// (see [`crate::indicators::streamed`]) only has its columns read and its
/// bytes hashed — without a contract its bytes are its typed data —; a
/// delimited one, or a Parquet one with a contract, writes its kept rows
/// to `spill` once they are too many to hold, when given and nothing needs
/// them in memory; any other dataset goes through [`ingest`].
pub fn ingest_in(study: &Study, ds: &DatasetSpec, spill: Option<Spill>) -> Result<Ingested> {
    if let Some(scheduler) = &study.engine.scheduler
        && crate::indicators::cluster::obstacle(study, ds).is_none()
    {
        return for_cluster(study, ds, scheduler);
    }
    let source = match ds.format {
        Format::Parquet if ds.contract.is_none() => streamed::source_for(study, ds, &ds.path)?,
        _ => None,
    };
    let Some(source) = source else {
        let spill = match streamed::obstacle(study, ds) {
            None => spill,
            // Held whatever their number; a delimited source's kept rows
            // still go to the output as they are checked.
            Some(_) => spill
                .filter(|s| s.output && ds.format == Format::Delimited)
                .map(Spill::held),
        };
        let mut ing = ingest(ds, spill.as_ref())?;
        if let (Some(spill), Some(w)) = (&spill, ing.written)
            && !w.held
        {
            ing.streamed = Some(streamed::Source::new(study, ds, &spill.path, w.rows)?);
        }
        return Ok(ing);
    };
    let unreadable = |e: std::io::Error| Error::data(&ds.id, &ds.path, format!("cannot read: {e}"));
    let bytes = std::fs::metadata(&ds.path).map_err(unreadable)?.len();
    let data = streamed::schema_frame(ds, &ds.path)?;
    Ok(Ingested {
        rejects: no_rejects(&data)?,
        data,
        rows_read: source.rows,
        source: SourceInfo {
            bytes,
            blake3: sources::file_hash_parallel(&ds.path).map_err(unreadable)?,
        },
        source_is_typed_data: true,
        streamed: Some(source),
        written: None,
    })
}

/// A Parquet dataset whose first pass runs on the cluster at `scheduler`:
/// its files are hashed and their rows counted, not read — their bytes are
/// their typed data (no contract checks them), read where they are by the
/// executors and not copied into the outputs.
fn for_cluster(study: &Study, ds: &DatasetSpec, scheduler: &str) -> Result<Ingested> {
    let files = sources::files(ds)?;
    let data = streamed::schema_frame(ds, &files[0].path)?;
    if files.len() > 1 && data.column(&ds.wave).is_err() {
        return Err(Error::data(
            &ds.id,
            &files[0].path,
            format!(
                "on a cluster, every file of a pattern must hold its wave column `{}` (the executors read the files as they are)",
                ds.wave
            ),
        ));
    }
    let (mut rows, mut bytes, mut hashes) = (0, 0, Vec::new());
    for f in &files {
        let unreadable =
            |e: std::io::Error| Error::data(&ds.id, &f.path, format!("cannot read: {e}"));
        rows += streamed::rows(ds, &f.path)?;
        bytes += std::fs::metadata(&f.path).map_err(unreadable)?.len();
        hashes.push((
            sources::file_name(&f.path),
            sources::file_hash_parallel(&f.path).map_err(unreadable)?,
        ));
    }
    Ok(Ingested {
        rejects: no_rejects(&data)?,
        data,
        rows_read: rows,
        source: SourceInfo {
            bytes,
            blake3: match hashes.as_slice() {
                [(_, one)] => one.clone(),
                all => sources::combined_hash(all),
            },
        },
        source_is_typed_data: true,
        streamed: Some(streamed::Source::on_cluster(study, ds, rows, scheduler)?),
        written: None,
    })
}

/// No rejected rows, with the columns of `data`.
fn no_rejects(data: &DataFrame) -> Result<DataFrame> {
    let mut rejects = vec![
        Column::new_empty("line".into(), &DataType::UInt64),
        Column::new_empty("reason".into(), &DataType::String),
    ];
    rejects.extend(
        data.get_column_names()
            .iter()
            .map(|n| Column::new_empty((*n).clone(), &DataType::String)),
    );
    DataFrame::new_infer_height(rejects).map_err(|e| Error::internal("rejects", e))
}

/// Reads, types and validates one dataset — every file of a pattern, each
/// given its wave, rows and rejects concatenated in file order. Fails (exit
/// code 3) when a source cannot be read, a declared column is missing, the
/// files disagree on their columns, or the share of rejected rows exceeds
/// the contract's `max_reject_share`.
/// `spill`: where a single file's kept rows go once there are too many to
/// hold (a delimited or Parquet source).
pub fn ingest(ds: &DatasetSpec, spill: Option<&Spill>) -> Result<Ingested> {
    let files = sources::files(ds)?;
    // The files of a pattern are given their wave and stacked after.
    let spill = spill.filter(|_| files.len() == 1 && !sources::is_pattern(&ds.path));
    let mut parts = Vec::new();
    for f in &files {
        let one = DatasetSpec {
            path: f.path.clone(),
            ..ds.clone()
        };
        let mut ing = ingest_file(&one, spill)?;
        if let Some(wave) = &f.wave {
            ing.source_is_typed_data = false;
            for df in [&mut ing.data, &mut ing.rejects] {
                if df.column(&ds.wave).is_err() {
                    let col =
                        Column::new(ds.wave.as_str().into(), vec![wave.as_str(); df.height()]);
                    df.with_column(col)
                        .map_err(|e| Error::internal("adding the wave column", e))?;
                }
            }
        }
        parts.push((sources::file_name(&f.path), ing));
    }
    let hashes: Vec<(String, String)> = parts
        .iter()
        .map(|(n, i)| (n.clone(), i.source.blake3.clone()))
        .collect();
    let mut all = parts.into_iter().map(|(_, i)| i);
    let mut out = all
        .next()
        .ok_or_else(|| Error::internal("ingest", "no file"))?;
    for (mut next, f) in all.zip(files.iter().skip(1)) {
        // Types inferred file by file may differ (`126` and `126.0`): both
        // take the wider one.
        align_types(&mut out.data, &mut next.data)?;
        let stack = |a: &mut DataFrame, b: &DataFrame| {
            a.vstack_mut(b).map(|_| ()).map_err(|e| {
                Error::data(
                    &ds.id,
                    &f.path,
                    format!("its columns differ from those of the files before it ({e})"),
                )
            })
        };
        stack(&mut out.data, &next.data)?;
        stack(&mut out.rejects, &next.rejects)?;
        out.rows_read += next.rows_read;
        out.source.bytes += next.source.bytes;
        out.source_is_typed_data = false;
    }
    out.source.blake3 = sources::combined_hash(&hashes);
    if files.len() > 1 {
        out.data.rechunk_mut();
    }
    check_share(ds, &out)?;
    Ok(out)
}

/// Casts the columns two frames share to one type where they differ: a
/// float when both are numbers, text otherwise.
fn align_types(a: &mut DataFrame, b: &mut DataFrame) -> Result<()> {
    let fail = |e: PolarsError| Error::internal("aligning column types", e);
    let names: Vec<String> = a.get_column_names().iter().map(|n| n.to_string()).collect();
    for name in names {
        let (Ok(x), Ok(y)) = (a.column(&name), b.column(&name)) else {
            continue;
        };
        if x.dtype() == y.dtype() {
            continue;
        }
        let wide = if x.dtype().is_primitive_numeric() && y.dtype().is_primitive_numeric() {
            DataType::Float64
        } else {
            DataType::String
        };
        let (x, y) = (x.cast(&wide).map_err(fail)?, y.cast(&wide).map_err(fail)?);
        a.with_column(x).map_err(fail)?;
        b.with_column(y).map_err(fail)?;
    }
    Ok(())
}

/// Reads, types and validates one source file.
fn ingest_file(ds: &DatasetSpec, spill: Option<&Spill>) -> Result<Ingested> {
    let unreadable = |e: std::io::Error| Error::data(&ds.id, &ds.path, format!("cannot read: {e}"));
    let bytes = std::fs::metadata(&ds.path).map_err(unreadable)?.len();
    // The source is hashed while it is parsed: a delimited file as its
    // bytes are read, any other beside.
    let (hash, parsed) = std::thread::scope(|scope| {
        let hashing =
            (ds.format != Format::Delimited).then(|| scope.spawn(|| sources::file_hash(&ds.path)));
        let parsed = parse(ds, spill);
        (hashing.map(|h| h.join()), parsed)
    });
    let Parsed {
        data,
        rejects,
        rows_read,
        source_is_typed_data,
        written,
        blake3,
    } = parsed?;
    let blake3 = match (hash, blake3) {
        (Some(hash), _) => hash
            .map_err(|_| Error::internal("hashing a source", "the hashing thread panicked"))?
            .map_err(unreadable)?,
        (None, Some(read)) => read,
        (None, None) => return Err(Error::internal("hashing a source", "no hash")),
    };
    let source = SourceInfo { bytes, blake3 };
    Ok(Ingested {
        data,
        rejects,
        rows_read,
        source,
        source_is_typed_data,
        streamed: None,
        written,
    })
}

/// A source file as read and typed.
struct Parsed {
    /// Kept rows (only their columns when written).
    data: DataFrame,
    rejects: DataFrame,
    rows_read: usize,
    /// The source already is the typed data.
    source_is_typed_data: bool,
    /// Kept rows written to the spill file.
    written: Option<Written>,
    /// The blake3 of the source's bytes when hashed as they were read.
    blake3: Option<String>,
}

/// Reads and types a source file.
fn parse(ds: &DatasetSpec, spill: Option<&Spill>) -> Result<Parsed> {
    let typed = |(data, rejects, rows_read, source_is_typed_data)| Parsed {
        data,
        rejects,
        rows_read,
        source_is_typed_data,
        written: None,
        blake3: None,
    };
    Ok(match ds.format {
        Format::Delimited | Format::Xlsx => {
            let read = text::ingest(ds, spill)?;
            Parsed {
                data: read.kept.data,
                rejects: read.rejects,
                rows_read: read.rows_read,
                source_is_typed_data: false,
                written: read.kept.written,
                blake3: read.blake3,
            }
        }
        Format::Microdata => {
            let (data, rejects, rows_read, _) = from_typed(ds, microdata::read(ds, &ds.path)?, 0)?;
            typed((data, rejects, rows_read, false))
        }
        // Without a contract a Parquet source too large to hold is read
        // from its own file ([`ingest_in`]); held, it is read at once.
        Format::Parquet => match spill {
            Some(spill) if ds.contract.is_some() => from_parquet_in_batches(ds, spill)?,
            _ => typed(from_parquet(ds)?),
        },
    })
}

/// Reads a Parquet source `batch_rows` rows at a time, each batch checked
/// against the contract, the kept rows held — or written to `spill` once
/// there are too many.
fn from_parquet_in_batches(ds: &DatasetSpec, spill: &Spill) -> Result<Parsed> {
    let open = || {
        std::fs::File::open(&ds.path)
            .map_err(|e| Error::data(&ds.id, &ds.path, format!("cannot open: {e}")))
    };
    let unreadable =
        |e: PolarsError| Error::data(&ds.id, &ds.path, format!("cannot read Parquet: {e}"));
    let rows = ParquetReader::new(open()?).num_rows().map_err(unreadable)?;
    // A source whose rows all pass is copied as it is: nothing is written
    // for the output until the rows are too many to hold.
    let scratch = Spill {
        output: false,
        ..spill.clone()
    };
    let mut kept = kept::Stack::new(ds, Some(&scratch));
    let (mut rejects, mut unchanged) = (Vec::new(), true);
    // An empty file still gives its columns.
    for start in (0..rows.max(1)).step_by(spill.batch_rows.max(1)) {
        let batch = ParquetReader::new(open()?)
            .with_slice(Some((start, spill.batch_rows)))
            .finish()
            .map_err(unreadable)?;
        let (data, refused, _, same) = from_typed(ds, batch, start as u64)?;
        unchanged &= same;
        // Parts of a row group each, as a delimited source's.
        for offset in (0..data.height().max(1)).step_by(crate::run::write::GROUP_ROWS) {
            kept.push(data.slice(offset as i64, crate::run::write::GROUP_ROWS))?;
        }
        rejects.push(refused);
    }
    let kept = kept.finish()?;
    Ok(Parsed {
        data: kept.data,
        rejects: kept::stack(rejects)?,
        rows_read: rows,
        source_is_typed_data: unchanged && kept.written.is_none(),
        written: kept.written,
        blake3: None,
    })
}

fn missing_columns(ds: &DatasetSpec, names: &[String]) -> Result<()> {
    let Some(c) = &ds.contract else { return Ok(()) };
    let missing: Vec<&String> = c.columns.keys().filter(|k| !names.contains(k)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::data(
        &ds.id,
        &ds.path,
        format!(
            "column(s) {} declared in contract {} are not in the file — columns are: {}",
            choices(missing.iter().map(|m| format!("`{m}`"))),
            c.path.display(),
            choices(names)
        ),
    ))
}

/// Reads a Parquet source: kept rows, rejects, rows read, and whether the
/// source already is the typed data (no row refused, no column retyped).
fn from_parquet(ds: &DatasetSpec) -> Result<(DataFrame, DataFrame, usize, bool)> {
    let file = std::fs::File::open(&ds.path)
        .map_err(|e| Error::data(&ds.id, &ds.path, format!("cannot open: {e}")))?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| Error::data(&ds.id, &ds.path, format!("cannot read Parquet: {e}")))?;
    from_typed(ds, df, 0)
}

/// Applies the contract to rows that arrive typed (Parquet, microdata), the
/// first of them row `first + 1` of the source: kept rows, rejects, rows
/// read, and whether nothing was refused or retyped.
fn from_typed(
    ds: &DatasetSpec,
    df: DataFrame,
    first: u64,
) -> Result<(DataFrame, DataFrame, usize, bool)> {
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    missing_columns(ds, &names)?;
    let source_schema = df.schema().clone();
    let mut problems = Problems::new();
    let df = match &ds.contract {
        None => df,
        Some(c) => {
            let cols: Vec<Column> = df
                .columns()
                .iter()
                .map(|col| match c.columns.get(col.name().as_str()) {
                    Some(rule) => typing::cast_column(col, rule, &mut problems),
                    None => Ok(col.clone()),
                })
                .collect::<Result<_>>()?;
            DataFrame::new_infer_height(cols).map_err(|e| Error::internal("typed parquet", e))?
        }
    };
    if let Some(c) = &ds.contract {
        let lines: Vec<u64> = (first + 1..=first + df.height() as u64).collect();
        validate::check(c, &df, &lines, &mut problems)?;
    }
    let rows: Vec<IdxSize> = problems.keys().map(|&r| r as IdxSize).collect();
    let idx = IdxCa::from_vec("idx".into(), rows.clone());
    let taken = df.take(&idx).map_err(|e| Error::internal("rejects", e))?;
    let mut rej_cols = vec![
        Column::new(
            "line".into(),
            rows.iter()
                .map(|&r| first + r as u64 + 1)
                .collect::<Vec<u64>>(),
        ),
        Column::new(
            "reason".into(),
            problems
                .values()
                .map(|w| w.join("; "))
                .collect::<Vec<String>>(),
        ),
    ];
    for col in taken.columns() {
        rej_cols.push(
            col.cast(&DataType::String)
                .map_err(|e| Error::internal("rejects", e))?,
        );
    }
    let rejects =
        DataFrame::new_infer_height(rej_cols).map_err(|e| Error::internal("rejects", e))?;
    let rows_read = df.height();
    let unchanged = problems.is_empty() && *df.schema() == source_schema;
    Ok((keep(df, &problems)?, rejects, rows_read, unchanged))
}

/// The rows of `df` without a problem.
fn keep(df: DataFrame, problems: &Problems) -> Result<DataFrame> {
    if problems.is_empty() {
        return Ok(df);
    }
    let mask: BooleanChunked = (0..df.height())
        .map(|i| !problems.contains_key(&i))
        .collect();
    df.filter(&mask)
        .map_err(|e| Error::internal("filtering rejects", e))
}

fn check_share(ds: &DatasetSpec, ing: &Ingested) -> Result<()> {
    let allowed = ds.contract.as_ref().map_or(0.0, |c| c.max_reject_share);
    let rejected = ing.rows_rejected();
    if rejected == 0 || ing.rows_read == 0 {
        return Ok(());
    }
    let share = rejected as f64 / ing.rows_read as f64;
    if share <= allowed {
        return Ok(());
    }
    let mut examples = Vec::new();
    if let (Ok(l), Ok(r)) = (ing.rejects.column("line"), ing.rejects.column("reason"))
        && let (Ok(l), Ok(r)) = (l.u64(), r.str())
    {
        for (line, why) in l.iter().zip(r.iter()).take(5) {
            examples.push(format!(
                "  line {}: {}",
                line.unwrap_or(0),
                why.unwrap_or("")
            ));
        }
    }
    Err(Error::data(
        &ds.id,
        &ds.path,
        format!(
            "{rejected} of {} rows rejected ({:.2}%), above the contract's max_reject_share of {:.2}%; first rejects:\n{}",
            ing.rows_read,
            share * 100.0,
            allowed * 100.0,
            examples.join("\n")
        ),
    ))
}
