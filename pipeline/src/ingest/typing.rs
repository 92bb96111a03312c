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

/// Parses one text column into `kind` (the contract's type, or the one
/// inferred over the whole source when the contract has no `rule` for it),
/// recording a reason for each cell that does not parse. A money column
/// comes with its currency column, `<name>_currency`.
pub fn type_column(
    name: &str,
    cells: &TextColumn,
    kind: ColumnType,
    rule: Option<&ColumnRule>,
    decimal: char,
    problems: &mut Problems,
) -> Result<Vec<Column>> {
    let mut typer = Typer::new(name, kind, rule, decimal, cells.len());
    for (row, cell) in cells.iter().enumerate() {
        typer.push(row, cell, problems);
    }
    typer.finish()
}

/// The name of a money column's currency column.
pub fn currency_column(name: &str) -> String {
    format!("{name}_currency")
}

/// Types one column's cells as they come, row after row: a cell that does
/// not parse becomes null and its row gets the reason
/// "column `name`: `value` {why}".
pub struct Typer<'a> {
    name: &'a str,
    decimal: char,
    /// For dates: the formats tried, in order.
    formats: &'a [String],
    /// For money: the one currency the contract allows.
    currency: Option<&'a str>,
    values: Values,
}

/// The typed values so far.
enum Values {
    Integer(Vec<i64>, Vec<bool>),
    Float(Vec<f64>, Vec<bool>),
    Boolean(Vec<Option<bool>>),
    /// Days since 1970-01-01.
    Date(Vec<Option<i32>>),
    Text(StringChunkedBuilder),
    /// Amounts and their currencies.
    Money(Vec<Option<f64>>, Vec<Option<String>>),
}

impl<'a> Typer<'a> {
    /// A typer of column `name` into `kind`, with the contract's `rule`,
    /// for about `rows` rows.
    pub fn new(
        name: &'a str,
        kind: ColumnType,
        rule: Option<&'a ColumnRule>,
        decimal: char,
        rows: usize,
    ) -> Self {
        let values = match kind {
            ColumnType::Integer => {
                Values::Integer(Vec::with_capacity(rows), Vec::with_capacity(rows))
            }
            ColumnType::Float => Values::Float(Vec::with_capacity(rows), Vec::with_capacity(rows)),
            ColumnType::Boolean => Values::Boolean(Vec::with_capacity(rows)),
            ColumnType::Date => Values::Date(Vec::with_capacity(rows)),
            ColumnType::String => Values::Text(StringChunkedBuilder::new(name.into(), rows)),
            ColumnType::Money => Values::Money(Vec::with_capacity(rows), Vec::with_capacity(rows)),
        };
        Typer {
            name,
            decimal,
            formats: rule.map(|r| r.formats.as_slice()).unwrap_or_default(),
            currency: rule.and_then(|r| r.currency.as_deref()),
            values,
        }
    }

    /// Adds the next row's cell (`None` when empty).
    pub fn push(&mut self, row: usize, cell: Option<&str>, problems: &mut Problems) {
        let Some(s) = cell else {
            self.push_null();
            return;
        };
        let parsed =
            match &mut self.values {
                Values::Integer(v, valid) => {
                    let x = parse_int(s);
                    v.push(x.unwrap_or_default());
                    valid.push(x.is_some());
                    x.map(drop).ok_or_else(|| "is not an integer".to_string())
                }
                Values::Float(v, valid) => {
                    let x = parse_float(s, self.decimal);
                    v.push(x.unwrap_or_default());
                    valid.push(x.is_some());
                    x.map(drop).ok_or_else(|| "is not a number".to_string())
                }
                Values::Boolean(v) => {
                    v.push(parse_bool(s));
                    v.last()
                        .copied()
                        .flatten()
                        .map(drop)
                        .ok_or_else(|| "is not a boolean (true/false, 1/0, yes/no)".to_string())
                }
                Values::Date(v) => {
                    v.push(parse_date(s, self.formats));
                    v.last().copied().flatten().map(drop).ok_or_else(|| {
                        format!("is not a date in format {}", self.formats.join(" or "))
                    })
                }
                Values::Text(b) => {
                    b.append_value(s);
                    Ok(())
                }
                Values::Money(amounts, currencies) => {
                    let m = parse_money(s, self.decimal, self.currency);
                    let (a, c) = match &m {
                        Ok((a, c)) => (Some(*a), c.clone()),
                        Err(_) => (None, None),
                    };
                    amounts.push(a);
                    currencies.push(c);
                    m.map(drop)
                }
            };
        if let Err(why) = parsed {
            problems.entry(row).or_default().push(format!(
                "column `{}`: `{}` {why}",
                self.name,
                crate::text::escape_control(s)
            ));
        }
    }

    fn push_null(&mut self) {
        match &mut self.values {
            Values::Integer(v, valid) => {
                v.push(0);
                valid.push(false);
            }
            Values::Float(v, valid) => {
                v.push(0.0);
                valid.push(false);
            }
            Values::Boolean(v) => v.push(None),
            Values::Date(v) => v.push(None),
            Values::Text(b) => b.append_null(),
            Values::Money(amounts, currencies) => {
                amounts.push(None);
                currencies.push(None);
            }
        }
    }

    /// The typed column (and a money column's currency column).
    pub fn finish(self) -> Result<Vec<Column>> {
        let name = self.name;
        Ok(match self.values {
            Values::Integer(v, valid) => vec![with_validity::<Int64Type>(name, v, &valid)],
            Values::Float(v, valid) => vec![with_validity::<Float64Type>(name, v, &valid)],
            Values::Boolean(v) => vec![Column::new(name.into(), v)],
            Values::Date(v) => vec![
                Column::new(name.into(), v)
                    .cast(&DataType::Date)
                    .map_err(|e| Error::internal(format!("casting `{name}` to date"), e))?,
            ],
            Values::Text(b) => vec![b.finish().into_column()],
            Values::Money(amounts, currencies) => vec![
                Column::new(name.into(), amounts),
                Column::new(currency_column(name).into(), currencies),
            ],
        })
    }
}

/// A column of `values`, null where `valid` is false.
fn with_validity<T: PolarsNumericType>(
    name: &str,
    values: Vec<T::Native>,
    valid: &[bool],
) -> Column {
    let validity = valid
        .contains(&false)
        .then(|| {
            BooleanChunked::from_slice("".into(), valid)
                .downcast_iter()
                .next()
                .map(|a| a.values().clone())
        })
        .flatten();
    ChunkedArray::<T>::from_vec_validity(name.into(), values, validity).into_column()
}

/// An amount and its currency. With `required`, amounts without a currency
/// are in it and amounts in another are refused.
fn parse_money(
    s: &str,
    decimal: char,
    required: Option<&str>,
) -> std::result::Result<(f64, Option<String>), String> {
    let m = super::money::parse(s, decimal)?;
    match (required, m.currency) {
        (Some(want), Some(got)) if got != want => Err(format!(
            "is in {got}; the contract allows amounts in {want} only"
        )),
        (Some(want), _) => Ok((m.amount, Some(want.to_string()))),
        (None, c) => Ok((m.amount, c)),
    }
}

/// Days since 1970-01-01 of a date in one of `formats`.
fn parse_date(s: &str, formats: &[String]) -> Option<i32> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    let d = formats
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s.trim(), f).ok())?;
    Some((d - epoch).num_days() as i32)
}

/// The narrowest type all non-empty cells fit: integer, float, else string.
pub fn infer(cells: &TextColumn, decimal: char) -> ColumnType {
    let values = || cells.iter().flatten();
    if values().all(|s| parse_int(s).is_some()) {
        ColumnType::Integer
    } else if values().all(|s| parse_float(s, decimal).is_some()) {
        ColumnType::Float
    } else {
        ColumnType::String
    }
}

/// The narrowest of two inferred types that fits the cells of both: the
/// type inferred for a whole source from those of its parts.
pub fn wider(a: ColumnType, b: ColumnType) -> ColumnType {
    let rank = |t| match t {
        ColumnType::Integer => 0,
        ColumnType::Float => 1,
        _ => 2,
    };
    if rank(a) >= rank(b) { a } else { b }
}

/// `s` without surrounding white space; most cells have none, and a cell
/// that starts and ends with a visible ASCII character is returned as is.
fn trimmed(s: &str) -> &str {
    let visible = |b: u8| b.is_ascii_graphic();
    match s.as_bytes() {
        [first, .., last] if visible(*first) && visible(*last) => s,
        [only] if visible(*only) => s,
        _ => s.trim(),
    }
}

fn parse_int(s: &str) -> Option<i64> {
    // Most cells are a few digits: at most 18 cannot overflow.
    let digits = s.as_bytes();
    if (1..=18).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit) {
        return Some(digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')));
    }
    trimmed(s).parse().ok()
}

fn parse_float(s: &str, decimal: char) -> Option<f64> {
    let t = trimmed(s);
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

/// Casts a typed column from a Parquet source to the contract's type (an
/// integer column narrower than Int64 already is one); values that do not
/// survive the cast become null with a reason.
pub fn cast_column(col: &Column, rule: &ColumnRule, problems: &mut Problems) -> Result<Column> {
    let target = match rule.kind {
        ColumnType::Integer => DataType::Int64,
        ColumnType::Float => DataType::Float64,
        ColumnType::String => DataType::String,
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Date => DataType::Date,
        ColumnType::Money => DataType::Float64,
    };
    // Integers of any width that fits in an Int64 are integers as they are
    // (the source's own types kept: its bytes can then serve as typed data).
    let integer = matches!(
        col.dtype(),
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
    );
    if col.dtype() == &target || (rule.kind == ColumnType::Integer && integer) {
        return Ok(col.clone());
    }
    let name = col.name().to_string();
    let fail =
        |e: PolarsError| Error::internal(format!("casting `{name}` to {}", rule.kind.name()), e);
    let mut cast = col.cast(&target).map_err(fail)?;
    // Values the cast lost: not null before, null after — and numbers with
    // a fraction, which a cast to an integer would truncate.
    let mut lost = !&col.is_null() & cast.is_null();
    if rule.kind == ColumnType::Integer && col.dtype().is_float() {
        let values = col.cast(&DataType::Float64).map_err(fail)?;
        let fractional: BooleanChunked = values
            .f64()
            .map_err(fail)?
            .iter()
            .map(|v| Some(v.is_some_and(|x| x.fract() != 0.0)))
            .collect();
        if fractional.any() {
            let series = cast.as_materialized_series();
            let nulls = Series::full_null(series.name().clone(), series.len(), series.dtype());
            cast = series
                .zip_with(&!&fractional, &nulls)
                .map_err(fail)?
                .into_column();
            lost = lost | fractional;
        }
    }
    if !lost.any() {
        return Ok(cast);
    }
    let text = col.cast(&DataType::String).ok();
    for (i, _) in lost.iter().enumerate().filter(|(_, l)| *l == Some(true)) {
        let v = text
            .as_ref()
            .and_then(|t| t.str().ok().and_then(|s| s.get(i).map(str::to_string)))
            .unwrap_or_default();
        problems.entry(i).or_default().push(format!(
            "column `{name}`: `{v}` is not of the contract's type `{}`",
            rule.kind.name()
        ));
    }
    Ok(cast)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(kind: ColumnType) -> ColumnRule {
        ColumnRule {
            kind,
            required: false,
            min: None,
            max: None,
            codes: None,
            label: Default::default(),
            formats: Vec::new(),
            currency: None,
            missing: Default::default(),
        }
    }

    #[test]
    fn typed_integers_keep_their_width_and_fractions_or_overflows_are_refused() {
        let mut problems = Problems::new();
        let narrow = Column::new("a".into(), [Some(1i8), None, Some(-3)]);
        let kept = cast_column(&narrow, &rule(ColumnType::Integer), &mut problems).unwrap();
        assert_eq!(kept.dtype(), &DataType::Int8);
        assert!(
            kept.as_materialized_series()
                .equals_missing(narrow.as_materialized_series())
        );
        let floats = Column::new("f".into(), [Some(2.0f64), Some(1.5), None, Some(-0.25)]);
        let cast = cast_column(&floats, &rule(ColumnType::Integer), &mut problems).unwrap();
        let values: Vec<Option<i64>> = cast.i64().unwrap().iter().collect();
        assert_eq!(values, [Some(2), None, None, None]);
        let huge = Column::new("u".into(), [Some(7u64), Some(u64::MAX)]);
        let cast = cast_column(&huge, &rule(ColumnType::Integer), &mut problems).unwrap();
        assert_eq!(
            cast.i64().unwrap().iter().collect::<Vec<_>>(),
            [Some(7), None]
        );
        let reasons: Vec<String> = problems.into_values().flatten().collect();
        assert_eq!(
            reasons,
            [
                "column `f`: `1.5` is not of the contract's type `integer`",
                "column `u`: `18446744073709551615` is not of the contract's type `integer`",
                "column `f`: `-0.25` is not of the contract's type `integer`",
            ]
        );
    }

    #[test]
    fn integers_parse_as_the_standard_library_parses_them_trimmed() {
        for s in [
            "0",
            "7",
            "007",
            "42",
            "-3",
            "+5",
            " 12 ",
            "12\u{a0}",
            "1.0",
            "1e3",
            "",
            "abc",
            "999999999999999999",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "99999999999999999999",
            "١٢",
        ] {
            assert_eq!(parse_int(s), s.trim().parse::<i64>().ok(), "{s:?}");
        }
    }
}
