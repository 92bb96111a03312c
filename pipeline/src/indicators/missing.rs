//! Declared missing codes (a contract's `missing = { 98 = "Don't know" }`):
//! the published data keeps them as they came, estimation reads them as
//! missing values — left out of every estimate as R's `na.rm = TRUE` does,
//! and out of every domain of a breakdown by them — and the methods say,
//! per indicator, how many rows each reason took out.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::spec::model::Study;
use crate::survey::columns::f64_values;

/// Rows holding one declared missing code.
#[derive(Debug, Clone, PartialEq)]
pub struct Count {
    /// Dataset id.
    pub dataset: String,
    /// Column.
    pub column: String,
    /// The code, as the contract writes it.
    pub code: String,
    /// Its reason in the study's language (empty when none was given).
    pub reason: String,
    /// Rows holding it.
    pub rows: usize,
}

/// The data as estimation reads it: every declared missing code of each
/// dataset's contract turned into a missing value; and the rows each took.
pub fn for_estimation(
    study: &Study,
    data: &BTreeMap<String, DataFrame>,
) -> Result<(BTreeMap<String, DataFrame>, Vec<Count>)> {
    let mut counts = Vec::new();
    let mut out = BTreeMap::new();
    for (id, df) in data {
        let (masked, found) = mask(study, id, df.clone())?;
        counts.extend(found);
        out.insert(id.clone(), masked);
    }
    Ok((out, counts))
}

/// Rows `df` of dataset `id` as estimation reads them (every declared
/// missing code made missing), and the rows each code took — in the order
/// of the contract's columns and codes.
pub fn mask(study: &Study, id: &str, mut df: DataFrame) -> Result<(DataFrame, Vec<Count>)> {
    let mut counts = file_reasons(study, id, &df)?;
    let Some(contract) = study.dataset(id).and_then(|d| d.contract.as_ref()) else {
        return Ok((df, counts));
    };
    for (name, rule) in contract
        .columns
        .iter()
        .filter(|(_, r)| !r.missing.is_empty())
    {
        let Ok(col) = df.column(name) else { continue };
        let numeric = col.dtype().is_primitive_numeric();
        let fail = |e: PolarsError| Error::internal(format!("missing codes of `{name}`"), e);
        // Each row's code index, or None.
        let codes: Vec<&String> = rule.missing.keys().collect();
        let hit: Vec<Option<usize>> = if numeric {
            let wanted: Vec<Option<f64>> =
                codes.iter().map(|c| c.trim().parse::<f64>().ok()).collect();
            f64_values(col)?
                .iter()
                .map(|v| wanted.iter().position(|w| *w == Some(*v)))
                .collect()
        } else {
            let text = col.cast(&DataType::String).map_err(fail)?;
            text.str()
                .map_err(fail)?
                .iter()
                .map(|v| v.and_then(|v| codes.iter().position(|c| c.as_str() == v)))
                .collect()
        };
        for (k, code) in codes.iter().enumerate() {
            let rows = hit.iter().filter(|h| **h == Some(k)).count();
            if rows > 0 {
                counts.push(Count {
                    dataset: id.to_string(),
                    column: name.clone(),
                    code: (*code).clone(),
                    reason: rule.missing[*code].get_or(study.language, "").to_string(),
                    rows,
                });
            }
        }
        let keep: BooleanChunked = hit.iter().map(|h| Some(h.is_none())).collect();
        let series = col.as_materialized_series();
        let nulls = Series::full_null(series.name().clone(), series.len(), series.dtype());
        let masked = series.zip_with(&keep, &nulls).map_err(fail)?;
        df.with_column(masked.into_column()).map_err(fail)?;
    }
    Ok((df, counts))
}

/// The counts of the parts of one dataset with a contract (batches of its
/// file) as one: rows added per column and code, in [`mask`]'s order (the
/// contract's columns and codes are sorted maps).
pub fn add_up(parts: Vec<Count>) -> Vec<Count> {
    let mut by: BTreeMap<(String, String), Count> = BTreeMap::new();
    for c in parts {
        by.entry((c.column.clone(), c.code.clone()))
            .and_modify(|o| o.rows += c.rows)
            .or_insert(c);
    }
    by.into_values().collect()
}

/// The rows of each reason in a microdata file's `<name>_missing` columns
/// (its declared missing values, already missing in `<name>`).
fn file_reasons(study: &Study, dataset: &str, df: &DataFrame) -> Result<Vec<Count>> {
    let suffix = crate::ingest::microdata::MISSING_SUFFIX;
    let mut out = Vec::new();
    for col in df.columns() {
        let Some(base) = col.name().strip_suffix(suffix) else {
            continue;
        };
        let (Ok(text), true) = (col.str(), df.column(base).is_ok()) else {
            continue;
        };
        let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
        for r in text.iter().flatten() {
            *by_reason.entry(r).or_default() += 1;
        }
        out.extend(by_reason.into_iter().map(|(code, rows)| {
            let label = super::table::value_label(study, dataset, base, code);
            Count {
                dataset: dataset.to_string(),
                column: base.to_string(),
                code: code.to_string(),
                reason: if label == code { String::new() } else { label },
                rows,
            }
        }));
    }
    Ok(out)
}

/// For the methods: per indicator, the rows its expression lost to each
/// declared missing code of a column it uses.
pub fn notes(study: &Study, counts: &[Count]) -> Vec<String> {
    let mut out = Vec::new();
    for ind in &study.indicators {
        let texts = ind.sql();
        let mut by_column: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for c in counts.iter().filter(|c| c.dataset == ind.dataset) {
            if texts.iter().any(|t| crate::text::mentions(t, &c.column)) {
                let reason = if c.reason.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", c.reason)
                };
                by_column
                    .entry(c.column.as_str())
                    .or_default()
                    .push(format!("{}{reason}: {} rows", c.code, c.rows));
            }
        }
        for (column, parts) in by_column {
            out.push(format!(
                "Indicator `{}`: rows where `{column}` holds a declared missing code are left out — {}.",
                ind.id,
                parts.join(", ")
            ));
        }
    }
    out
}
