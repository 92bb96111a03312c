//! The codebook a statistics office publishes with its microdata (as
//! Stata's `codebook`): per dataset and column, its label and type; for
//! numbers, min, max and mean; for coded columns (with value labels from a
//! contract or the file), each code with its label and its unweighted and — for
//! a survey dataset, with its sampling weights — weighted frequency; and
//! the missing values, by reason. Written as `out/codebook.csv`.

use std::collections::BTreeMap;

use polars::prelude::*;
use rayon::prelude::*;

use super::table::value_label;
use crate::error::{Error, Result};
use crate::spec::model::Study;
use crate::survey::columns::{f64_values, integer_summary};

/// One line of the codebook.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Line {
    /// Dataset id.
    pub dataset: String,
    /// Column.
    pub column: String,
    /// The column's label (contract, else the file's).
    pub label: String,
    /// The column's type.
    pub kind: String,
    /// `summary` (the column as a whole), `code` or `missing`.
    pub row: &'static str,
    /// The code, or the missing value's reason.
    pub value: String,
    /// The code's label.
    pub value_label: String,
    /// Rows.
    pub n: u64,
    /// Σ sampling weights of those rows (survey datasets).
    pub weighted_n: Option<f64>,
    /// Smallest value (numbers, summary line).
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// Unweighted mean.
    pub mean: Option<f64>,
    /// `n` and `weighted_n` withheld by disclosure control.
    pub confidential: bool,
}

/// The codebook of every dataset of `study` (`data`: the kept rows). Built
/// from column aggregates — null counts, min, max, mean, distinct counts —
/// and group counts of the coded columns only, so that a ten-million-row
/// survey costs little more than a pass per column.
/// A dataset too large to hold (`streams`) is described batch by batch,
/// its lines added up ([`merge`]); one a cluster estimates, by the cluster
/// ([`crate::indicators::cluster::codebook`]).
pub fn lines(
    study: &Study,
    data: &BTreeMap<String, DataFrame>,
    streams: &super::streamed::Streams,
) -> Result<Vec<Line>> {
    let mut out = Vec::new();
    for ds in &study.datasets {
        let Some(df) = data.get(&ds.id) else { continue };
        let Some(source) = streams.get(&ds.id) else {
            out.extend(dataset_lines(study, ds, df, None)?);
            continue;
        };
        if let Some(scheduler) = &source.cluster {
            out.extend(crate::indicators::cluster::codebook(
                study, ds, df, scheduler,
            )?);
            continue;
        }
        // A few columns at a time (with the weights), batch by batch.
        let weight = ds.design.as_ref().and_then(|d| d.weights.clone());
        for group in column_groups(df, COLUMNS_AT_ONCE) {
            let mut read = group.clone();
            read.extend(weight.iter().filter(|w| !group.contains(w)).cloned());
            let mut all: Vec<Line> = Vec::new();
            super::streamed::batches(ds, source, Some(&read), |batch| {
                merge(&mut all, dataset_lines(study, ds, &batch, Some(&group))?);
                Ok(())
            })?;
            in_order(study, ds, &mut all);
            out.extend(all);
        }
    }
    Ok(out)
}

/// Columns described in one read of a streamed dataset.
const COLUMNS_AT_ONCE: usize = 16;

/// The columns of `df` in groups of about `size`, in order, each column
/// with its reasons column (microdata's `<column>__missing`).
fn column_groups(df: &DataFrame, size: usize) -> Vec<Vec<String>> {
    let suffix = crate::ingest::microdata::MISSING_SUFFIX;
    let mut groups: Vec<Vec<String>> = Vec::new();
    for name in df.get_column_names() {
        if name
            .strip_suffix(suffix)
            .is_some_and(|base| df.column(base).is_ok())
        {
            continue;
        }
        if groups.last().is_none_or(|g| g.len() >= size) {
            groups.push(Vec::new());
        }
        let group = groups.last_mut().expect("a group");
        group.push(name.to_string());
        let reasons = format!("{name}{suffix}");
        if df.column(&reasons).is_ok() {
            group.push(reasons);
        }
    }
    groups
}

/// Puts each column's lines (merged from batches, a line coming when a
/// batch first had its value) in the order [`column_lines`] gives them over
/// all the rows: the summary, the codes in the order of their values, the
/// missing values (a file's reasons in the order of their codes, then
/// "no value"), then the codes the contract declares missing, in its order.
fn in_order(study: &Study, ds: &crate::spec::model::DatasetSpec, lines: &mut [Line]) {
    let columns: Vec<String> =
        lines
            .iter()
            .map(|l| l.column.clone())
            .fold(Vec::new(), |mut v, c| {
                if !v.contains(&c) {
                    v.push(c);
                }
                v
            });
    let rank = |l: &Line| {
        let declared = ds
            .contract
            .as_ref()
            .and_then(|c| c.columns.get(&l.column))
            .and_then(|rule| {
                rule.missing
                    .iter()
                    .position(|(code, reason)| declared_missing(study, code, reason) == l.value)
            });
        let group = match (l.row, declared) {
            ("summary", _) => (0, 0),
            ("code", _) => (1, 0),
            ("missing", Some(k)) => (3, k),
            ("missing", None) if l.value == "no value" => (2, 1),
            _ => (2, 0),
        };
        // Numbers in numeric order: their bits, negative ones flipped.
        let number = l.value.parse::<f64>().ok().map(|x| {
            let bits = x.to_bits() as i64;
            bits ^ (((bits >> 63) as u64) >> 1) as i64
        });
        (
            columns.iter().position(|c| *c == l.column),
            group,
            number,
            crate::names::natural_key(&l.value),
        )
    };
    lines.sort_by_cached_key(rank);
}

/// Adds the lines of a batch to those of the batches before it: counts and
/// weighted counts add up, extremes widen, means are weighted by their
/// counts; a line new in this batch goes after its column's lines.
fn merge(all: &mut Vec<Line>, batch: Vec<Line>) {
    for line in batch {
        let same = |l: &Line| l.column == line.column && l.row == line.row && l.value == line.value;
        let Some(at) = all.iter().position(same) else {
            let end = all
                .iter()
                .rposition(|l| l.column == line.column)
                .map_or(all.len(), |i| i + 1);
            all.insert(end, line);
            continue;
        };
        let l = &mut all[at];
        let n = (l.n + line.n) as f64;
        l.mean = match (l.mean, line.mean) {
            (Some(a), Some(b)) => Some((a * l.n as f64 + b * line.n as f64) / n),
            (a, b) => a.or(b),
        };
        l.n += line.n;
        l.weighted_n = match (l.weighted_n, line.weighted_n) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        l.min = [l.min, line.min].into_iter().flatten().reduce(f64::min);
        l.max = [l.max, line.max].into_iter().flatten().reduce(f64::max);
    }
}

/// The lines of one dataset's rows `df` (of its columns `only`, when given).
fn dataset_lines(
    study: &Study,
    ds: &crate::spec::model::DatasetSpec,
    df: &DataFrame,
    only: Option<&[String]>,
) -> Result<Vec<Line>> {
    let mut out = Vec::new();
    let weights: Option<Column> = ds
        .design
        .as_ref()
        .and_then(|d| d.weights.as_ref())
        .and_then(|w| df.column(w).ok())
        .map(|w| w.cast(&DataType::Float64))
        .transpose()
        .map_err(|e| Error::internal("codebook weights", e))?;
    let total_w = weights
        .as_ref()
        .map(|w| w.as_materialized_series().sum::<f64>())
        .transpose()
        .map_err(|e| Error::internal("codebook weights", e))?;
    let suffix = crate::ingest::microdata::MISSING_SUFFIX;
    // Columns are described independently: on both cores, in column order.
    let per_column: Vec<Vec<Line>> = df
        .columns()
        .par_iter()
        .filter(|col| {
            col.name()
                .strip_suffix(suffix)
                .is_none_or(|base| df.column(base).is_err())
                && only.is_none_or(|o| o.iter().any(|n| n == col.name().as_str()))
        })
        .map(|col| column_lines(study, ds, df, col, weights.as_ref(), total_w))
        .collect::<Result<_>>()?;
    out.extend(per_column.into_iter().flatten());
    Ok(out)
}

/// The line of column `name` (of type `dtype`) of `ds` before its counts:
/// its label from the contract, else from the file.
pub(crate) fn base_line(
    study: &Study,
    ds: &crate::spec::model::DatasetSpec,
    name: &str,
    dtype: &DataType,
) -> Line {
    let rule = ds.contract.as_ref().and_then(|c| c.columns.get(name));
    let file = ds.file_labels.get(name);
    let label = rule
        .and_then(|r| r.label.get(study.language))
        .map(str::to_string)
        .or_else(|| file.and_then(|f| f.label.clone()))
        .unwrap_or_default();
    Line {
        dataset: ds.id.clone(),
        column: name.to_string(),
        label,
        kind: dtype.to_string(),
        ..Line::default()
    }
}

/// The lines of one column.
fn column_lines(
    study: &Study,
    ds: &crate::spec::model::DatasetSpec,
    df: &DataFrame,
    col: &Column,
    weights: Option<&Column>,
    total_w: Option<f64>,
) -> Result<Vec<Line>> {
    let name = col.name().to_string();
    let fail = |e: PolarsError| Error::internal(format!("codebook of `{name}`"), e);
    let rule = ds.contract.as_ref().and_then(|c| c.columns.get(&name));
    let file = ds.file_labels.get(&name);
    let base = base_line(study, ds, &name, col.dtype());
    // Σ w over the rows where `mask` holds.
    let weighted = |mask: &BooleanChunked| -> Result<Option<f64>> {
        weights
            .map(|w| {
                let w = w.as_materialized_series().filter(mask).map_err(fail)?;
                w.sum::<f64>().map_err(fail)
            })
            .transpose()
    };
    let series = col.as_materialized_series();
    let numeric = col.dtype().is_primitive_numeric();
    let stat = |v: PolarsResult<Option<f64>>| v.ok().flatten();
    let present = (col.len() - col.null_count()) as f64;
    // An integer column's in one pass; others through polars.
    let (min, max, mean) = match numeric.then(|| integer_summary(col)).flatten() {
        Some(range) => range.map_or((None, None, None), |(lo, hi, sum)| {
            (Some(lo as f64), Some(hi as f64), Some(sum as f64 / present))
        }),
        None if numeric => (
            stat(series.min::<f64>()),
            stat(series.max::<f64>()),
            series.mean(),
        ),
        None => (None, None, None),
    };
    let mut out = vec![Line {
        row: "summary",
        n: (col.len() - col.null_count()) as u64,
        weighted_n: if col.null_count() == 0 {
            total_w
        } else {
            weighted(&col.is_not_null())?
        },
        min,
        max,
        mean,
        ..base.clone()
    }];
    // Each code of a coded column: one with value labels (a contract's codes
    // or the file's). Listing every column's values would cost a pass per
    // column over every row; `mizan describe` shows examples instead.
    let coded =
        rule.is_some_and(|r| r.codes.is_some()) || file.is_some_and(|f| !f.values.is_empty());
    if coded {
        for (code, n, w) in group_counts(df, &name, weights)? {
            out.push(Line {
                row: "code",
                value_label: value_label(study, &ds.id, &name, &code),
                value: code,
                n,
                weighted_n: w,
                ..base.clone()
            });
        }
    }
    // Missing values, by reason: a file's reason column, else "no value".
    let nulls = col.null_count();
    if nulls > 0 {
        let reasons = format!("{name}{}", crate::ingest::microdata::MISSING_SUFFIX);
        let missing = col.is_null();
        match df.column(&reasons) {
            Ok(why) => {
                let only = DataFrame::new_infer_height(vec![why.filter(&missing).map_err(fail)?])
                    .map_err(fail)?;
                let w = weights
                    .map(|w| w.filter(&missing))
                    .transpose()
                    .map_err(fail)?;
                let reasons_of = group_counts(&only, &reasons, w.as_ref())?;
                let with_reason: u64 = reasons_of.iter().map(|r| r.1).sum();
                for (code, n, wn) in reasons_of {
                    out.push(Line {
                        row: "missing",
                        value: labelled_code(study, &ds.id, &name, &code),
                        n,
                        weighted_n: wn,
                        ..base.clone()
                    });
                }
                let plain = nulls as u64 - with_reason;
                if plain > 0 {
                    let no_reason = why.is_null();
                    let mask = &missing & &no_reason;
                    out.push(Line {
                        row: "missing",
                        value: "no value".to_string(),
                        n: plain,
                        weighted_n: weighted(&mask)?,
                        ..base.clone()
                    });
                }
            }
            Err(_) => out.push(Line {
                row: "missing",
                value: "no value".to_string(),
                n: nulls as u64,
                weighted_n: weighted(&missing)?,
                ..base.clone()
            }),
        }
    }
    // Codes a contract declares missing: kept in the data, counted here.
    for (code, reason) in rule.map(|r| &r.missing).into_iter().flatten() {
        let hit = if numeric {
            let v: f64 = code.trim().parse().unwrap_or(f64::NAN);
            series
                .cast(&DataType::Float64)
                .map_err(fail)?
                .f64()
                .map_err(fail)?
                .equal(v)
        } else {
            series
                .cast(&DataType::String)
                .map_err(fail)?
                .str()
                .map_err(fail)?
                .equal(code.as_str())
        };
        let n = hit.sum().unwrap_or(0) as u64;
        if n > 0 {
            out.push(Line {
                row: "missing",
                value: declared_missing(study, code, reason),
                n,
                weighted_n: weighted(&hit)?,
                ..base.clone()
            });
        }
    }
    Ok(out)
}

/// Each value of column `name` of `df` present, with its rows and Σ weights
/// (summed in row order, so the codebook is the same bytes every run), in
/// natural order.
fn group_counts(
    df: &DataFrame,
    name: &str,
    weights: Option<&Column>,
) -> Result<Vec<(String, u64, Option<f64>)>> {
    let col = df
        .column(name)
        .map_err(|e| Error::internal("codebook", e))?;
    let w = weights.map(f64_values).transpose()?;
    let (codes, values) = crate::survey::codes::index_column(col)?;
    let mut n = vec![0u64; values.len()];
    let mut sum = vec![0f64; values.len()];
    for row in 0..codes.len() {
        let c = codes.get(row);
        if c != crate::survey::codes::Codes::NONE {
            n[c as usize] += 1;
            if let Some(w) = &w {
                sum[c as usize] += w[row];
            }
        }
    }
    Ok(values
        .into_iter()
        .enumerate()
        .map(|(i, v)| (v, n[i], w.as_ref().map(|_| sum[i])))
        .collect())
}

/// The codebook's text of a code the contract declares missing, with its
/// reason (the code itself when the study's language has none).
fn declared_missing(study: &Study, code: &str, reason: &crate::spec::model::Text) -> String {
    format!("{code} ({})", reason.get_or(study.language, code))
}

/// A missing code with its label when it has one: `98 (Don't know)`.
pub fn labelled_code(study: &Study, dataset: &str, column: &str, code: &str) -> String {
    let label = value_label(study, dataset, column, code);
    if label == code {
        code.to_string()
    } else {
        format!("{code} ({label})")
    }
}

/// The codebook as a table.
pub fn to_frame(lines: &[Line]) -> Result<DataFrame> {
    let text = |f: fn(&Line) -> String| lines.iter().map(f).collect::<Vec<String>>();
    let cols = vec![
        Column::new("dataset".into(), text(|l| l.dataset.clone())),
        Column::new("column".into(), text(|l| l.column.clone())),
        Column::new("label".into(), text(|l| l.label.clone())),
        Column::new("type".into(), text(|l| l.kind.clone())),
        Column::new("row".into(), text(|l| l.row.to_string())),
        Column::new("value".into(), text(|l| l.value.clone())),
        Column::new("value_label".into(), text(|l| l.value_label.clone())),
        Column::new(
            "n".into(),
            lines
                .iter()
                .map(|l| (!l.confidential).then_some(l.n))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "weighted_n".into(),
            lines
                .iter()
                .map(|l| l.weighted_n.filter(|_| !l.confidential))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "min".into(),
            lines.iter().map(|l| l.min).collect::<Vec<_>>(),
        ),
        Column::new(
            "max".into(),
            lines.iter().map(|l| l.max).collect::<Vec<_>>(),
        ),
        Column::new(
            "mean".into(),
            lines.iter().map(|l| l.mean).collect::<Vec<_>>(),
        ),
        Column::new(
            "flag".into(),
            lines
                .iter()
                .map(|l| l.confidential.then_some("confidential"))
                .collect::<Vec<_>>(),
        ),
    ];
    DataFrame::new_infer_height(cols).map_err(|e| Error::internal("codebook", e))
}
