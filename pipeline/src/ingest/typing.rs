//! Turns text cells into typed polars columns: the contract's type when the
//! column is declared, otherwise the narrowest of integer, float and string
//! that every value fits. A cell that does not parse as its declared type
//! becomes null and its row gets a reason naming the column and the value.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::contract::{ColumnRule, ColumnType};
use super::text_table::TextColumn;
use crate::error::{Error, Result};

/// Reasons per row index, only for rows that have one.
pub type Problems = BTreeMap<usize, Vec<String>>;

/// Parses one text column into `kind` (or the inferred type when `rule` is
/// `None`), recording a reason for each cell that does not parse. A money
/// column comes with its currency column, `<name>_currency`.
pub fn type_column(
    name: &str,
    cells: &TextColumn,
    rule: Option<&ColumnRule>,
    decimal: char,
    problems: &mut Problems,
) -> Result<Vec<Column>> {
    let kind = rule.map_or_else(|| infer(cells, decimal), |r| r.kind);
    if kind == ColumnType::Money {
        let required = rule.and_then(|r| r.currency.as_deref());
        return Ok(money_columns(name, cells, required, decimal, problems));
    }
    let col = match kind {
        ColumnType::Integer => Column::new(
            name.into(),
            parse_cells(name, cells, problems, "an integer", parse_int),
        ),
        ColumnType::Float => Column::new(
            name.into(),
            parse_cells(name, cells, problems, "a number", |s| {
                parse_float(s, decimal)
            }),
        ),
        ColumnType::Boolean => Column::new(
            name.into(),
            parse_cells(
                name,
                cells,
                problems,
                "a boolean (true/false, 1/0, yes/no)",
                parse_bool,
            ),
        ),
        ColumnType::Date => {
            let formats = rule.map(|r| r.formats.as_slice()).unwrap_or_default();
            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
            let what = format!("a date in format {}", formats.join(" or "));
            let days = parse_cells(name, cells, problems, &what, |s| {
                let d = formats
                    .iter()
                    .find_map(|f| NaiveDate::parse_from_str(s.trim(), f).ok())?;
                Some((d - epoch).num_days() as i32)
            });
            Column::new(name.into(), days)
                .cast(&DataType::Date)
                .map_err(|e| Error::internal(format!("casting `{name}` to date"), e))?
        }
        ColumnType::String | ColumnType::Money => {
            Column::new(name.into(), cells.iter().collect::<Vec<_>>())
        }
    };
    Ok(vec![col])
}

/// The name of a money column's currency column.
pub fn currency_column(name: &str) -> String {
    format!("{name}_currency")
}

/// A money column and its currency column. With a contract's `currency`,
/// amounts without one are in it and amounts in another are refused.
fn money_columns(
    name: &str,
    cells: &TextColumn,
    required: Option<&str>,
    decimal: char,
    problems: &mut Problems,
) -> Vec<Column> {
    let parsed = parse_cells_with(name, cells, problems, |s| {
        let m = super::money::parse(s, decimal)?;
        match (required, m.currency) {
            (Some(want), Some(got)) if got != want => Err(format!(
                "is in {got}; the contract allows amounts in {want} only"
            )),
            (Some(want), _) => Ok((m.amount, Some(want.to_string()))),
            (None, c) => Ok((m.amount, c)),
        }
    });
    let (amounts, currencies): (Vec<Option<f64>>, Vec<Option<String>>) = parsed
        .into_iter()
        .map(|p| p.map_or((None, None), |(a, c)| (Some(a), c)))
        .unzip();
    vec![
        Column::new(name.into(), amounts),
        Column::new(currency_column(name).into(), currencies),
    ]
}

/// Parses every non-empty cell with `parse`; a cell that fails becomes null
/// and its row gets the reason "column `name`: `value` is not {what}".
fn parse_cells<T>(
    name: &str,
    cells: &TextColumn,
    problems: &mut Problems,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Vec<Option<T>> {
    parse_cells_with(name, cells, problems, |s| {
        parse(s).ok_or_else(|| format!("is not {what}"))
    })
}

/// Parses every non-empty cell with `parse`, whose error says why; a cell
/// that fails becomes null and its row gets "column `name`: `value` {why}".
fn parse_cells_with<T>(
    name: &str,
    cells: &TextColumn,
    problems: &mut Problems,
    parse: impl Fn(&str) -> std::result::Result<T, String>,
) -> Vec<Option<T>> {
    cells
        .iter()
        .enumerate()
        .map(|(row, c)| {
            let s = c?;
            parse(s)
                .map_err(|why| {
                    problems.entry(row).or_default().push(format!(
                        "column `{name}`: `{}` {why}",
                        crate::text::escape_control(s)
                    ));
                })
                .ok()
        })
        .collect()
}

/// The narrowest type all non-empty cells fit: integer, float, else string.
fn infer(cells: &TextColumn, decimal: char) -> ColumnType {
    let values = || cells.iter().flatten();
    if values().all(|s| parse_int(s).is_some()) {
        ColumnType::Integer
    } else if values().all(|s| parse_float(s, decimal).is_some()) {
        ColumnType::Float
    } else {
        ColumnType::String
    }
}

fn parse_int(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

fn parse_float(s: &str, decimal: char) -> Option<f64> {
    let t = s.trim();
    let v: f64 = if decimal == ',' {
        t.replace(',', ".").parse().ok()?
    } else {
        t.parse().ok()?
    };
    v.is_finite().then_some(v)
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" | "yes" | "y" => Some(true),
        "false" | "f" | "0" | "no" | "n" => Some(false),
        _ => None,
    }
}

/// Casts a typed column from a Parquet source to the contract's type; values
/// that do not survive the cast become null with a reason.
pub fn cast_column(col: &Column, rule: &ColumnRule, problems: &mut Problems) -> Result<Column> {
    let target = match rule.kind {
        ColumnType::Integer => DataType::Int64,
        ColumnType::Float => DataType::Float64,
        ColumnType::String => DataType::String,
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Date => DataType::Date,
        ColumnType::Money => DataType::Float64,
    };
    if col.dtype() == &target {
        return Ok(col.clone());
    }
    let name = col.name().to_string();
    let cast = col
        .cast(&target)
        .map_err(|e| Error::internal(format!("casting `{name}` to {}", rule.kind.name()), e))?;
    let before = col.is_null();
    let after = cast.is_null();
    let text = col.cast(&DataType::String).ok();
    for (i, (b, a)) in before.iter().zip(after.iter()).enumerate() {
        if b == Some(false) && a == Some(true) {
            let v = text
                .as_ref()
                .and_then(|t| t.str().ok().and_then(|s| s.get(i).map(str::to_string)))
                .unwrap_or_default();
            problems.entry(i).or_default().push(format!(
                "column `{name}`: `{v}` is not {}",
                rule.kind.name()
            ));
        }
    }
    Ok(cast)
}
