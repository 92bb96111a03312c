//! A column's values as small integer codes in natural order — numbers by
//! value, text by [`natural_cmp`](crate::names::natural_cmp) — with the distinct values as labels: how
//! strata, clusters, breakdown variables and calibration margins are read.
//!
//! Codes are stored in the narrowest integer type that holds them (a byte a
//! row for a breakdown of fewer than 255 values), and integer columns are
//! indexed from their own buffers without a widened copy, so indexing ten
//! million rows takes milliseconds and a few bytes a row.

use std::collections::HashMap;

use polars::prelude::*;

use crate::error::{Error, Result};

/// Codes, one per row, each below the number of distinct values or
/// [`Codes::NONE`] for a missing value.
#[derive(Debug, Clone)]
pub enum Codes {
    /// Fewer than 255 distinct values (255 marks a missing value).
    U8(Vec<u8>),
    /// Fewer than 65,535.
    U16(Vec<u16>),
    /// Any number.
    U32(Vec<u32>),
}

impl Codes {
    /// The code of a missing value (or of a row in no domain).
    pub const NONE: u32 = u32::MAX;

    /// Collects `codes` (each below `count`, or [`Codes::NONE`]).
    pub fn collect(count: usize, codes: impl Iterator<Item = u32>) -> Self {
        fn narrow<T: TryFrom<u32> + Copy>(codes: impl Iterator<Item = u32>, none: T) -> Vec<T> {
            codes
                .map(|c| {
                    T::try_from(c)
                        .ok()
                        .filter(|_| c != Codes::NONE)
                        .unwrap_or(none)
                })
                .collect()
        }
        if count < usize::from(u8::MAX) {
            Codes::U8(narrow(codes, u8::MAX))
        } else if count < usize::from(u16::MAX) {
            Codes::U16(narrow(codes, u16::MAX))
        } else {
            Codes::U32(codes.collect())
        }
    }

    /// The code of `row`, or [`Codes::NONE`].
    #[inline]
    pub fn get(&self, row: usize) -> u32 {
        match self {
            Codes::U8(v) if v[row] == u8::MAX => Codes::NONE,
            Codes::U8(v) => u32::from(v[row]),
            Codes::U16(v) if v[row] == u16::MAX => Codes::NONE,
            Codes::U16(v) => u32::from(v[row]),
            Codes::U32(v) => v[row],
        }
    }

    /// Calls `f(i, code)` for each row `rows.start + i` of `rows` (the code
    /// [`Codes::NONE`] when missing), choosing the width once.
    #[inline]
    pub fn each(&self, rows: std::ops::Range<usize>, mut f: impl FnMut(usize, u32)) {
        match self {
            Codes::U8(v) => v[rows].iter().enumerate().for_each(|(i, &c)| {
                f(i, if c == u8::MAX { Codes::NONE } else { c.into() });
            }),
            Codes::U16(v) => v[rows].iter().enumerate().for_each(|(i, &c)| {
                f(i, if c == u16::MAX { Codes::NONE } else { c.into() });
            }),
            Codes::U32(v) => v[rows].iter().enumerate().for_each(|(i, &c)| f(i, c)),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Codes::U8(v) => v.len(),
            Codes::U16(v) => v.len(),
            Codes::U32(v) => v.len(),
        }
    }

    /// Whether some row has no value.
    pub fn has_none(&self) -> bool {
        match self {
            Codes::U8(v) => v.contains(&u8::MAX),
            Codes::U16(v) => v.contains(&u16::MAX),
            Codes::U32(v) => v.contains(&Codes::NONE),
        }
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every code as a u32 ([`Codes::NONE`] for missing).
    pub fn into_u32(self) -> Vec<u32> {
        match self {
            Codes::U32(v) => v,
            Codes::U8(v) => widened(&v, u8::MAX),
            Codes::U16(v) => widened(&v, u16::MAX),
        }
    }
}

/// Narrow codes as u32, `none` becoming [`Codes::NONE`].
fn widened<N: Copy + PartialEq + Into<u32>>(codes: &[N], none: N) -> Vec<u32> {
    codes
        .iter()
        .map(|&c| if c == none { Codes::NONE } else { c.into() })
        .collect()
}

/// Indexes a column's values in natural order (integers by value, text by
/// [`natural_cmp`](crate::names::natural_cmp)): a code per row and the distinct values as text.
/// Integer columns never go through text, and a small range of integers is
/// indexed through a table.
pub fn index_column(col: &Column) -> Result<(Codes, Vec<String>)> {
    let s = col.as_materialized_series();
    let fail = |e: PolarsError| Error::internal(format!("indexing column `{}`", col.name()), e);
    match s.dtype() {
        DataType::Int8 => Ok(index_integers(s.i8().map_err(fail)?)),
        DataType::Int16 => Ok(index_integers(s.i16().map_err(fail)?)),
        DataType::Int32 => Ok(index_integers(s.i32().map_err(fail)?)),
        DataType::Int64 => Ok(index_integers(s.i64().map_err(fail)?)),
        DataType::UInt8 => Ok(index_integers(s.u8().map_err(fail)?)),
        DataType::UInt16 => Ok(index_integers(s.u16().map_err(fail)?)),
        DataType::UInt32 => Ok(index_integers(s.u32().map_err(fail)?)),
        d if d.is_integer() => {
            let wide = s.cast(&DataType::Int64).map_err(fail)?;
            Ok(index_integers(wide.i64().map_err(fail)?))
        }
        _ => index_text(col),
    }
}

fn index_text(col: &Column) -> Result<(Codes, Vec<String>)> {
    let text = col
        .cast(&DataType::String)
        .map_err(|e| Error::internal("indexing a column", e))?;
    let ca = text
        .str()
        .map_err(|e| Error::internal("indexing a column", e))?;
    let mut distinct: Vec<&str> = ca
        .iter()
        .flatten()
        .collect::<std::collections::HashSet<_>>()
        .into_iter()
        .collect();
    distinct.sort_by(|a, b| crate::names::natural_cmp(a, b));
    let pos = positions(&distinct);
    let codes = Codes::collect(
        distinct.len(),
        ca.iter().map(|v| v.map_or(Codes::NONE, |v| pos[v])),
    );
    Ok((codes, distinct.into_iter().map(str::to_string).collect()))
}

/// The values of an integer column as i64, `None` when missing, chunk by chunk.
fn values<T>(ca: &ChunkedArray<T>) -> impl Iterator<Item = Option<i64>> + '_
where
    T: PolarsIntegerType,
    T::Native: Into<i64> + Ord,
{
    ca.downcast_iter()
        .flat_map(|arr| arr.iter().map(|v| v.map(|v| (*v).into())))
}

fn index_integers<T>(ca: &ChunkedArray<T>) -> (Codes, Vec<String>)
where
    T: PolarsIntegerType,
    T::Native: Into<i64> + Ord,
{
    const TABLE_LIMIT: i64 = 1 << 24;
    let Some((lo, hi)) = super::columns::integer_bounds(ca) else {
        return (
            Codes::collect(0, (0..ca.len()).map(|_| Codes::NONE)),
            Vec::new(),
        );
    };
    if hi - lo < i64::from(u8::MAX) - 1 {
        return index_byte_range(ca, lo, hi);
    }
    if hi - lo < TABLE_LIMIT {
        // A small range: a table from value to code, read from each
        // chunk's buffer without widening the column.
        let mut table = vec![Codes::NONE; (hi - lo + 1) as usize];
        for arr in ca.downcast_iter() {
            match arr.validity().filter(|v| v.unset_bits() > 0) {
                None => arr
                    .values()
                    .iter()
                    .for_each(|v| table[((*v).into() - lo) as usize] = 0),
                Some(_) => arr
                    .non_null_values_iter()
                    .for_each(|v| table[(v.into() - lo) as usize] = 0),
            }
        }
        let mut distinct = Vec::new();
        for (i, slot) in table.iter_mut().enumerate() {
            if *slot == 0 {
                *slot = distinct.len() as u32;
                distinct.push((lo + i as i64).to_string());
            }
        }
        let count = distinct.len();
        let codes = if count < usize::from(u8::MAX) {
            Codes::U8(encode(ca, lo, &narrowed(&table, u8::MAX), u8::MAX))
        } else if count < usize::from(u16::MAX) {
            Codes::U16(encode(ca, lo, &narrowed(&table, u16::MAX), u16::MAX))
        } else {
            Codes::U32(encode(ca, lo, &table, Codes::NONE))
        };
        return (codes, distinct);
    }
    let mut distinct: Vec<i64> = values(ca).flatten().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let pos = positions(&distinct);
    let codes = Codes::collect(
        distinct.len(),
        values(ca).map(|v| v.map_or(Codes::NONE, |v| pos[&v])),
    );
    (codes, distinct.iter().map(i64::to_string).collect())
}

/// The codes of a column whose values lie within 254 of each other: each
/// value's distance from the smallest, a byte computed many at a time —
/// then, only when some value between is absent, renumbered in order.
fn index_byte_range<T>(ca: &ChunkedArray<T>, lo: i64, hi: i64) -> (Codes, Vec<String>)
where
    T: PolarsIntegerType,
    T::Native: Into<i64> + Ord,
{
    const NONE: u8 = u8::MAX;
    // (v − lo) mod 256 from the low bytes alone: exact, as v − lo < 255.
    let base = lo as u8;
    let mut codes: Vec<u8> = Vec::with_capacity(ca.len());
    let mut seen = [false; 256];
    for arr in ca.downcast_iter() {
        let start = codes.len();
        let values = arr.values().as_slice();
        codes.extend(
            values
                .iter()
                .map(|v| ((*v).into() as u8).wrapping_sub(base)),
        );
        let chunk = &mut codes[start..];
        match arr.validity().filter(|v| v.unset_bits() > 0) {
            None => chunk.iter().for_each(|&c| seen[usize::from(c)] = true),
            Some(valid) => {
                for (c, ok) in chunk.iter_mut().zip(valid.iter()) {
                    if ok {
                        seen[usize::from(*c)] = true;
                    } else {
                        *c = NONE;
                    }
                }
            }
        }
    }
    let span = (hi - lo) as usize;
    let present: Vec<usize> = (0..=span).filter(|&d| seen[d]).collect();
    if present.len() <= span {
        let mut renumber = [NONE; 256];
        for (code, &d) in present.iter().enumerate() {
            renumber[d] = code as u8;
        }
        codes
            .iter_mut()
            .for_each(|c| *c = renumber[usize::from(*c)]);
    }
    let labels = present
        .iter()
        .map(|&d| (lo + d as i64).to_string())
        .collect();
    (Codes::U8(codes), labels)
}

/// A code table in a narrower type (`none` for values absent from the column).
fn narrowed<N: TryFrom<u32> + Copy>(table: &[u32], none: N) -> Vec<N> {
    table
        .iter()
        .map(|&c| N::try_from(c).unwrap_or(none))
        .collect()
}

/// Each row's code through `table` (indexed by value − `lo`), `none` when missing.
fn encode<T, N>(ca: &ChunkedArray<T>, lo: i64, table: &[N], none: N) -> Vec<N>
where
    T: PolarsIntegerType,
    T::Native: Into<i64> + Ord,
    N: Copy,
{
    let code = |v: &T::Native| table[((*v).into() - lo) as usize];
    let mut out = Vec::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        let values = arr.values().as_slice();
        match arr.validity().filter(|v| v.unset_bits() > 0) {
            None => out.extend(values.iter().map(code)),
            Some(valid) => out.extend(
                values
                    .iter()
                    .zip(valid.iter())
                    .map(|(v, ok)| if ok { code(v) } else { none }),
            ),
        }
    }
    out
}

/// Each value's position in `distinct`.
pub fn positions<K: std::hash::Hash + Eq + Copy>(distinct: &[K]) -> HashMap<K, u32> {
    distinct
        .iter()
        .enumerate()
        .map(|(i, v)| (*v, i as u32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_text_in_natural_order_with_missing_values() {
        let ints = Column::new("v".into(), [Some(10i32), None, Some(2), Some(10)]);
        let (codes, labels) = index_column(&ints).unwrap();
        assert_eq!(labels, ["2", "10"]);
        assert_eq!(codes.into_u32(), [1, Codes::NONE, 0, 1]);
        let text = Column::new("v".into(), [Some("b10"), Some("2"), None, Some("a")]);
        let (codes, labels) = index_column(&text).unwrap();
        assert_eq!(labels, ["2", "a", "b10"]);
        assert_eq!(codes.into_u32(), [2, 0, Codes::NONE, 1]);
    }

    /// Columns of every integer type whose values span fewer than 255 (coded
    /// a byte at a time), with gaps, missing values, negative values and
    /// several chunks, and spans just past it: codes and labels as the
    /// definition gives them — each value's rank among the distinct ones.
    #[test]
    fn integer_codes_are_the_ranks_of_the_values() {
        for span in [1i64, 2, 12, 200, 253, 254, 255, 400] {
            let values: Vec<Option<i64>> = (0..1000i64)
                .map(|i| {
                    let v = (i * 7919) % (span + 1);
                    // Every third value of a wide span left out: gaps.
                    let v = if span > 100 && v % 3 == 1 { v - 1 } else { v };
                    (i % 13 != 6).then_some(v - 60)
                })
                .collect();
            let mut distinct: Vec<i64> = values.iter().flatten().copied().collect();
            distinct.sort_unstable();
            distinct.dedup();
            let expect_codes: Vec<u32> = values
                .iter()
                .map(|v| v.map_or(Codes::NONE, |v| distinct.binary_search(&v).unwrap() as u32))
                .collect();
            let expect_labels: Vec<String> = distinct.iter().map(i64::to_string).collect();
            for dtype in [DataType::Int16, DataType::Int32, DataType::Int64] {
                let mut s = Series::new("v".into(), &values).cast(&dtype).unwrap();
                let tail = s.slice(500, 500);
                s = s.slice(0, 500);
                s.append(&tail).unwrap();
                let (codes, labels) = index_column(&s.into()).unwrap();
                assert_eq!(labels, expect_labels, "span {span}, {dtype}");
                assert_eq!(codes.into_u32(), expect_codes, "span {span}, {dtype}");
            }
        }
        let bytes = Column::new("b".into(), [Some(250u8), None, Some(7), Some(250)]);
        let (codes, labels) = index_column(&bytes).unwrap();
        assert_eq!(labels, ["7", "250"]);
        assert_eq!(codes.into_u32(), [1, Codes::NONE, 0, 1]);
        let small = Column::new("i".into(), [Some(-128i8), Some(127), None]);
        let (codes, labels) = index_column(&small).unwrap();
        assert_eq!(labels, ["-128", "127"]);
        assert_eq!(codes.into_u32(), [0, 1, Codes::NONE]);
    }

    #[test]
    fn codes_widen_past_a_byte() {
        let many = Codes::collect(300, (0..300u32).chain([Codes::NONE]));
        assert!(matches!(many, Codes::U16(_)));
        assert_eq!(many.get(299), 299);
        assert_eq!(many.get(300), Codes::NONE);
        let few = Codes::collect(254, [253, Codes::NONE].into_iter());
        assert!(matches!(few, Codes::U8(_)));
        assert_eq!(few.into_u32(), [253, Codes::NONE]);
    }
}
