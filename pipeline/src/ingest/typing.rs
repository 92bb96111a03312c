//! Turns text cells into typed polars columns: the contract's type when the
//! column is declared, otherwise the narrowest of integer, float and string
//! that every value fits. A cell that does not parse as its declared type
//! becomes null and its row gets a reason naming the column and the value.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::contract::{ColumnRule, ColumnType};
use crate::error::{Error, Result};

/// Reasons per row index, only for rows that have one.
pub type Problems = BTreeMap<usize, Vec<String>>;

/// Parses one text column into `kind` (or the inferred type when `rule` is
/// `None`), recording a reason for each cell that does not parse.
pub fn type_column(
    name: &str,
    cells: &[Option<String>],
    rule: Option<&ColumnRule>,
    decimal: char,
    problems: &mut Problems,
) -> Result<Column> {
    let kind = rule.map_or_else(|| infer(cells, decimal), |r| r.kind);
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
        ColumnType::Money => Column::new(
            name.into(),
            parse_cells(name, cells, problems, "an amount", |s| {
                parse_money(s, decimal)
            }),
        ),
        ColumnType::String => Column::new(name.into(), cells.to_vec()),
    };
    Ok(col)
}

/// Parses every non-empty cell with `parse`; a cell that fails becomes null
/// and its row gets the reason "column `name`: `value` is not {what}".
fn parse_cells<T>(
    name: &str,
    cells: &[Option<String>],
    problems: &mut Problems,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Vec<Option<T>> {
    cells
        .iter()
        .enumerate()
        .map(|(row, c)| {
            let s = c.as_deref()?;
            let v = parse(s);
            if v.is_none() {
                problems
                    .entry(row)
                    .or_default()
                    .push(format!("column `{name}`: `{s}` is not {what}"));
            }
            v
        })
        .collect()
}

/// The narrowest type all non-empty cells fit: integer, float, else string.
fn infer(cells: &[Option<String>], decimal: char) -> ColumnType {
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

/// An amount as people write them: a currency symbol or code before or
/// after (`$`, `€`, `£`, `USD`, `MAD`, `DH`…), thousands separators (`,` or
/// spaces with a decimal point; `.` or spaces with a decimal comma; `'`),
/// a multiplier suffix (`k`, `M`, `bn`), and parentheses for a negative.
fn parse_money(s: &str, decimal: char) -> Option<f64> {
    let mut t = s.trim();
    let negative = t.starts_with('(') && t.ends_with(')');
    if negative {
        t = &t[1..t.len() - 1];
    }
    // Currency: symbols and letter codes at either end.
    let is_currency = |c: char| "$€£¥".contains(c);
    let body = t.trim_matches(|c: char| is_currency(c) || c.is_whitespace());
    let body = body.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c.is_whitespace());
    let (body, multiplier) = {
        let b = body.trim_end_matches(|c: char| is_currency(c) || c.is_whitespace());
        let lower = b.to_ascii_lowercase();
        let suffixes = [("bn", 1e9), ("b", 1e9), ("m", 1e6), ("k", 1e3)];
        // A trailing currency code (`MAD`, `DH`) is not a multiplier.
        let letters = lower
            .chars()
            .rev()
            .take_while(char::is_ascii_alphabetic)
            .count();
        match suffixes
            .iter()
            .find(|(x, _)| letters == x.len() && lower.ends_with(x))
        {
            Some((x, m)) => (b[..b.len() - x.len()].trim_end(), *m),
            None if letters > 0 => (b[..b.len() - letters].trim_end(), 1.0),
            None => (b, 1.0),
        }
    };
    let body = body.trim_end_matches(|c: char| is_currency(c) || c.is_whitespace());
    let thousands =
        |c: char| c.is_whitespace() || matches!(c, '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'');
    let digits: String = body
        .chars()
        .filter(|&c| !thousands(c))
        .filter(|&c| if decimal == ',' { c != '.' } else { c != ',' })
        .map(|c| if c == decimal { '.' } else { c })
        .collect();
    if digits.is_empty()
        || !digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
    {
        return None;
    }
    let v: f64 = digits.parse().ok()?;
    let v = v * multiplier * if negative { -1.0 } else { 1.0 };
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

#[cfg(test)]
mod tests {
    use super::parse_money;

    #[test]
    fn amounts_as_people_write_them() {
        let dot = |s| parse_money(s, '.');
        assert_eq!(dot("$1,750,000"), Some(1_750_000.0));
        assert_eq!(dot("1750000"), Some(1_750_000.0));
        assert_eq!(dot("USD 2.5M"), Some(2_500_000.0));
        assert_eq!(dot("€600k"), Some(600_000.0));
        assert_eq!(dot("£1.2bn"), Some(1_200_000_000.0));
        assert_eq!(dot("(1,200)"), Some(-1_200.0));
        assert_eq!(dot("1'000'000 CHF"), Some(1_000_000.0));
        assert_eq!(dot("about a million"), None);
        assert_eq!(dot("$"), None);
        let comma = |s| parse_money(s, ',');
        assert_eq!(comma("1 750 000 MAD"), Some(1_750_000.0));
        assert_eq!(comma("2.500.000,50 DH"), Some(2_500_000.5));
        assert_eq!(comma("12\u{202f}345,6\u{a0}€"), Some(12_345.6));
    }
}
