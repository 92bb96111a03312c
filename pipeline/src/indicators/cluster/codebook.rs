//! The codebook of a dataset a cluster estimates, from one aggregate query
//! per source file, added up in file order: per column its values present
//! and missing, their Σ weights, and for numbers min, max and mean (an
//! integer column's mean from its exact sum, as on this machine). A Parquet source without a contract has no
//! coded columns nor declared missing codes: a summary line per column,
//! and a "no value" line where some rows have none.

use polars::prelude::*;

use super::pass::{collect, files};
use super::sql::{FILE, dataset, quote};
use crate::error::{Error, Result};
use crate::indicators::codebook::{Line, base_line};
use crate::spec::model::{DatasetSpec, Study};

/// The lines of `ds` (`columns`: its columns, no row).
pub fn lines(
    study: &Study,
    ds: &DatasetSpec,
    columns: &DataFrame,
    scheduler: &str,
) -> Result<Vec<Line>> {
    let w = ds
        .design
        .as_ref()
        .and_then(|d| d.weights.as_ref())
        .map(|w| format!("CAST({} AS DOUBLE)", quote(w)));
    let weighted = |cond: &str| match &w {
        Some(w) => format!("COALESCE(SUM(CASE WHEN {cond} THEN {w} END), 0.0)"),
        None => "CAST(NULL AS DOUBLE)".to_string(),
    };
    // Per file (added up here in file order: the same digits every run).
    let mut select = vec![
        FILE.to_string(),
        "COUNT(*) AS rows_all".to_string(),
        format!("{} AS total_w", weighted("TRUE")),
    ];
    for (j, col) in columns.columns().iter().enumerate() {
        let c = quote(col.name());
        select.push(format!("COUNT({c}) AS n{j}"));
        select.push(format!("{} AS w{j}", weighted(&format!("{c} IS NOT NULL"))));
        select.push(format!("{} AS m{j}", weighted(&format!("{c} IS NULL"))));
        if col.dtype().is_primitive_numeric() {
            select.push(format!("CAST(MIN({c}) AS DOUBLE) AS lo{j}"));
            select.push(format!("CAST(MAX({c}) AS DOUBLE) AS hi{j}"));
            // An integer column's sum exact (as on this machine): as decimals.
            let sum = if crate::survey::columns::native_integer(col.dtype()) {
                format!("CAST(SUM(CAST({c} AS DECIMAL(38, 0))) AS DOUBLE)")
            } else {
                format!("SUM(CAST({c} AS DOUBLE))")
            };
            select.push(format!("{sum} AS sum{j}"));
        }
    }
    let names: Vec<String> = columns
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let files = files(ds)?;
    let query = format!(
        "SELECT {} FROM {} GROUP BY {FILE}",
        select.join(", "),
        dataset(files.len(), &names)
    );
    let (table, _) = collect(ds, scheduler, &files, &query)?;
    let table = table
        .sort([FILE], SortMultipleOptions::default())
        .map_err(|e| Error::internal("the cluster's codebook", e))?;
    // The column `name` added up over the files (`None`: no value in any).
    let total = |name: &str, fold: fn(f64, f64) -> f64| -> Option<f64> {
        let col = table.column(name).ok()?.cast(&DataType::Float64).ok()?;
        col.f64().ok()?.iter().flatten().reduce(fold)
    };
    let sum = |name: &str| total(name, |a, b| a + b);
    let total_w = sum("total_w");
    let rows = sum("rows_all").unwrap_or_default() as u64;
    let mut out = Vec::new();
    for (j, col) in columns.columns().iter().enumerate() {
        let base = base_line(study, ds, col.name(), col.dtype());
        let n = sum(&format!("n{j}")).unwrap_or_default() as u64;
        let nulls = rows - n;
        out.push(Line {
            row: "summary",
            n,
            weighted_n: if nulls == 0 {
                total_w
            } else {
                sum(&format!("w{j}"))
            },
            min: total(&format!("lo{j}"), f64::min),
            max: total(&format!("hi{j}"), f64::max),
            mean: sum(&format!("sum{j}"))
                .filter(|_| n > 0)
                .map(|s| s / n as f64),
            ..base.clone()
        });
        if nulls > 0 {
            out.push(Line {
                row: "missing",
                value: "no value".to_string(),
                n: nulls,
                weighted_n: sum(&format!("m{j}")),
                ..base
            });
        }
    }
    Ok(out)
}
