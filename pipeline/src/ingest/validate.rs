//! Applies a contract's row rules to typed data: required values, numeric
//! ranges, allowed codes and the unique key. Each broken rule adds a reason
//! to its row; the caller moves those rows to the rejects.

use std::collections::HashMap;

use polars::prelude::*;

use super::contract::Contract;
use super::typing::Problems;
use crate::error::{Error, Result};

/// Adds a reason for every row of `df` that breaks a rule of `contract`.
/// `lines` gives each row's source line, for duplicate-key messages.
pub fn check(
    contract: &Contract,
    df: &DataFrame,
    lines: &[u64],
    problems: &mut Problems,
) -> Result<()> {
    check_rows(contract, df, problems)?;
    check_key(contract, df, lines, problems)
}

/// Adds a reason for every row of `df` that breaks a rule of one of the
/// contract's columns — rules a row breaks or keeps on its own, so that a
/// source can be checked in parts.
pub fn check_rows(contract: &Contract, df: &DataFrame, problems: &mut Problems) -> Result<()> {
    for (name, rule) in &contract.columns {
        let Ok(col) = df.column(name) else { continue };
        if rule.required && col.null_count() > 0 {
            // A value that did not parse is null too, but its row already
            // says why: it was not empty. Only the empty rows are visited.
            let about = format!("column `{name}`: ");
            for (i, null) in col.is_null().iter().enumerate() {
                if null != Some(true) {
                    continue;
                }
                let why = problems.entry(i).or_default();
                if !why.iter().any(|w| w.starts_with(&about)) {
                    why.push(format!("column `{name}` is required but empty"));
                }
            }
        }
        let mut add = |row: usize, why: String| problems.entry(row).or_default().push(why);
        if (rule.min.is_some() || rule.max.is_some())
            && col.dtype().is_primitive_numeric()
            && !within(col, rule.min, rule.max)
        {
            let fail = |e: PolarsError| Error::internal(format!("range check of `{name}`"), e);
            let f = col.cast(&DataType::Float64).map_err(fail)?;
            let values = f.f64().map_err(fail)?;
            // Compared as vectors; only the rows outside are visited.
            let below = rule.min.map(|lo| values.lt(lo));
            let above = rule.max.map(|hi| values.gt(hi));
            if let Some(outside) = below.into_iter().chain(above).reduce(|b, a| b | a)
                && outside.any()
            {
                let range = format!(
                    "{} to {}",
                    rule.min.map_or("-∞".into(), |x| x.to_string()),
                    rule.max.map_or("+∞".into(), |x| x.to_string())
                );
                for (i, (out, v)) in outside.iter().zip(values.iter()).enumerate() {
                    if let (Some(true), Some(v)) = (out, v) {
                        add(
                            i,
                            format!("column `{name}`: {v} is outside the allowed range {range}"),
                        );
                    }
                }
            }
        }
        if let Some(codes) = &rule.codes {
            let text = col
                .cast(&DataType::String)
                .map_err(|e| Error::internal(format!("code check of `{name}`"), e))?;
            let list = crate::error::choices(codes.keys());
            for (i, v) in text
                .str()
                .map_err(|e| Error::internal("code check", e))?
                .iter()
                .enumerate()
            {
                if let Some(v) = v
                    && !codes.contains_key(v)
                {
                    add(
                        i,
                        format!("column `{name}`: code `{v}` is not one of {list}"),
                    );
                }
            }
        }
    }
    Ok(())
}

/// Whether every value of a numeric column is known to lie within
/// `min`..=`max` from its smallest and largest alone (one vectorised pass,
/// no copy); `false` sends the column to the row-by-row check, which also
/// decides what an unusual value such as NaN makes of the range.
fn within(col: &Column, min: Option<f64>, max: Option<f64>) -> bool {
    let series = col.as_materialized_series();
    let inside = |lo: f64, hi: f64| min.is_none_or(|m| lo >= m) && max.is_none_or(|m| hi <= m);
    if let Ok(ints) = series.i64()
        && ints.null_count() == 0
    {
        // The common case, an integer column without a missing value: its
        // buffers' bounds.
        return ints.downcast_iter().all(|arr| {
            crate::survey::columns::bounds(arr.values().as_slice())
                .is_none_or(|(lo, hi)| inside(lo as f64, hi as f64))
        });
    }
    let (Ok(Some(lo)), Ok(Some(hi))) = (series.min::<f64>(), series.max::<f64>()) else {
        // No value (all null): nothing can be outside.
        return col.null_count() == col.len();
    };
    inside(lo, hi)
}

/// Adds a reason for every row of `df` whose contract key repeats that of
/// an earlier row, naming the earlier row's line (`lines`, one per row).
pub fn check_key(
    contract: &Contract,
    df: &DataFrame,
    lines: &[u64],
    problems: &mut Problems,
) -> Result<()> {
    if contract.key.is_empty() {
        return Ok(());
    }
    let cols: Vec<Column> = contract
        .key
        .iter()
        .map(|k| {
            df.column(k)
                .and_then(|c| c.cast(&DataType::String))
                .map_err(|e| Error::internal(format!("key column `{k}`"), e))
        })
        .collect::<Result<_>>()?;
    let strs: Vec<&StringChunked> = cols
        .iter()
        .map(|c| c.str().map_err(|e| Error::internal("key check", e)))
        .collect::<Result<_>>()?;
    let mut first: HashMap<Vec<Option<&str>>, usize> = HashMap::with_capacity(df.height());
    for i in 0..df.height() {
        let key: Vec<Option<&str>> = strs.iter().map(|s| s.get(i)).collect();
        if let Some(&j) = first.get(&key) {
            let shown: Vec<String> = contract
                .key
                .iter()
                .zip(&key)
                .map(|(k, v)| format!("{k}={}", v.unwrap_or("")))
                .collect();
            problems.entry(i).or_default().push(format!(
                "duplicate key {} (first at line {})",
                shown.join(", "),
                lines[j]
            ));
        } else {
            first.insert(key, i);
        }
    }
    Ok(())
}
