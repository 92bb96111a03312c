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

/// Parses one column's cells (`None` when empty) into `kind` (the
/// contract's type, or the one inferred over the whole source when the
/// contract has no `rule` for it): a cell that does not parse becomes null
/// and its row gets the reason "column `name`: `value` {why}". A money
/// column comes with its currency column, `<name>_currency`. The type is
/// chosen once, and each type's loop runs over the whole column.
pub fn type_column<'c>(
    name: &str,
    cells: impl Iterator<Item = Option<&'c str>>,
    kind: ColumnType,
    rule: Option<&ColumnRule>,
    decimal: char,
    problems: &mut Problems,
) -> Result<Vec<Column>> {
    let mut typer = ColumnTyper::new(name, kind, rule, decimal, cells.size_hint().0);
    typer.extend(cells, problems);
    typer.finish()
}

/// A column typed as [`type_column`] does, a block of rows at a time: the
/// columns of a chunk are typed block by block, so that a block's text is
/// still in the cache when its next column is read.
pub struct ColumnTyper<'a> {
    name: &'a str,
    rule: Option<&'a ColumnRule>,
    decimal: char,
    /// Rows typed so far.
    rows: usize,
    values: Values,
}

/// The values typed so far, by type: numbers (the default where there is
/// none) with the rows that have none.
enum Values {
    Integer(Vec<i64>, Vec<usize>),
    Float(Vec<f64>, Vec<usize>),
    Boolean(Vec<bool>, Vec<usize>),
    Date(Vec<i32>, Vec<usize>),
    /// Text, with its rows.
    Text(StringChunkedBuilder, usize),
    Money(Vec<Option<f64>>, Vec<Option<String>>),
}

impl<'a> ColumnTyper<'a> {
    /// A column `name` of `kind`, of about `rows` rows.
    pub fn new(
        name: &'a str,
        kind: ColumnType,
        rule: Option<&'a ColumnRule>,
        decimal: char,
        rows: usize,
    ) -> Self {
        let values = match kind {
            ColumnType::Integer => Values::Integer(Vec::with_capacity(rows), Vec::new()),
            ColumnType::Float => Values::Float(Vec::with_capacity(rows), Vec::new()),
            ColumnType::Boolean => Values::Boolean(Vec::with_capacity(rows), Vec::new()),
            ColumnType::Date => Values::Date(Vec::with_capacity(rows), Vec::new()),
            ColumnType::String => Values::Text(StringChunkedBuilder::new(name.into(), rows), 0),
            ColumnType::Money => Values::Money(Vec::with_capacity(rows), Vec::with_capacity(rows)),
        };
        ColumnTyper {
            name,
            rule,
            decimal,
            rows: 0,
            values,
        }
    }

    /// Types the next rows' cells.
    pub fn extend<'c>(
        &mut self,
        cells: impl Iterator<Item = Option<&'c str>>,
        problems: &mut Problems,
    ) {
        let (name, first, decimal) = (self.name, self.rows, self.decimal);
        let mut refuse = |row: usize, s: &str, why: &dyn std::fmt::Display| {
            problems.entry(first + row).or_default().push(format!(
                "column `{name}`: `{}` {why}",
                crate::text::escape_control(s)
            ));
        };
        match &mut self.values {
            Values::Integer(values, missing) => {
                parse_into(cells, first, parse_int, values, missing, |row, s| {
                    refuse(row, s, &"is not an integer");
                })
            }
            Values::Float(values, missing) => parse_into(
                cells,
                first,
                |s| parse_float(s, decimal),
                values,
                missing,
                |row, s| refuse(row, s, &"is not a number"),
            ),
            Values::Boolean(values, missing) => {
                parse_into(cells, first, parse_bool, values, missing, |row, s| {
                    refuse(row, s, &"is not a boolean (true/false, 1/0, yes/no)");
                })
            }
            Values::Date(values, missing) => {
                let formats = self.rule.map(|r| r.formats.as_slice()).unwrap_or_default();
                parse_into(
                    cells,
                    first,
                    |s| parse_date(s, formats),
                    values,
                    missing,
                    |row, s| {
                        refuse(
                            row,
                            s,
                            &format!("is not a date in format {}", formats.join(" or ")),
                        );
                    },
                )
            }
            Values::Text(b, rows) => cells.for_each(|cell| {
                b.append_option(cell);
                *rows += 1;
            }),
            Values::Money(amounts, currencies) => {
                let currency = self.rule.and_then(|r| r.currency.as_deref());
                for (row, cell) in cells.enumerate() {
                    let m = cell.map(|s| (s, parse_money(s, decimal, currency)));
                    let (a, c) = match m {
                        Some((_, Ok((a, c)))) => (Some(a), c),
                        Some((s, Err(why))) => {
                            refuse(row, s, &why);
                            (None, None)
                        }
                        None => (None, None),
                    };
                    amounts.push(a);
                    currencies.push(c);
                }
            }
        }
        self.rows = match &self.values {
            Values::Integer(v, _) => v.len(),
            Values::Float(v, _) => v.len(),
            Values::Boolean(v, _) => v.len(),
            Values::Date(v, _) => v.len(),
            Values::Text(_, rows) => *rows,
            Values::Money(v, _) => v.len(),
        };
    }

    /// The typed column (a money column's with its currency column).
    pub fn finish(self) -> Result<Vec<Column>> {
        let name = self.name;
        Ok(match self.values {
            Values::Integer(values, missing) => {
                vec![with_validity::<Int64Type>(name, values, &missing)]
            }
            Values::Float(values, missing) => {
                vec![with_validity::<Float64Type>(name, values, &missing)]
            }
            Values::Boolean(values, missing) => {
                let mut values: Vec<Option<bool>> = values.into_iter().map(Some).collect();
                for row in missing {
                    values[row] = None;
                }
                vec![Column::new(name.into(), values)]
            }
            Values::Date(values, missing) => vec![
                with_validity::<Int32Type>(name, values, &missing)
                    .cast(&DataType::Date)
                    .map_err(|e| Error::internal(format!("casting `{name}` to date"), e))?,
            ],
            Values::Text(b, _) => vec![b.finish().into_column()],
            Values::Money(amounts, currencies) => vec![
                Column::new(name.into(), amounts),
                Column::new(currency_column(name).into(), currencies),
            ],
        })
    }
}

/// The name of a money column's currency column.
pub fn currency_column(name: &str) -> String {
    format!("{name}_currency")
}

/// Each cell parsed onto `values` (the default where empty or refused),
/// the rows without a value (counted from `first`) onto `missing`;
/// `refuse(row, cell)` for each cell that does not parse (`row` counted
/// from the first of `cells`).
fn parse_into<'c, T: Default>(
    cells: impl Iterator<Item = Option<&'c str>>,
    first: usize,
    parse: impl Fn(&str) -> Option<T>,
    values: &mut Vec<T>,
    missing: &mut Vec<usize>,
    mut refuse: impl FnMut(usize, &str),
) {
    values.extend(
        cells
            .enumerate()
            .map(|(row, cell)| match cell.map(|s| (s, parse(s))) {
                Some((_, Some(v))) => v,
                Some((s, None)) => {
                    refuse(row, s);
                    missing.push(first + row);
                    T::default()
                }
                None => {
                    missing.push(first + row);
                    T::default()
                }
            }),
    );
}

/// A column of `values`, null at the rows `missing`.
fn with_validity<T: PolarsNumericType>(
    name: &str,
    values: Vec<T::Native>,
    missing: &[usize],
) -> Column {
    let validity = (!missing.is_empty()).then(|| {
        let mut valid = polars_arrow::bitmap::MutableBitmap::from_len_set(values.len());
        for &row in missing {
            valid.set(row, false);
        }
        valid.freeze()
    });
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
    // Most cells are a few digits, a code often one: at most 18 cannot
    // overflow.
    let digits = s.as_bytes();
    if let [d @ b'0'..=b'9'] = digits {
        return Some(i64::from(d - b'0'));
    }
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
            "9",
            "/",
            ":",
            "-",
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
