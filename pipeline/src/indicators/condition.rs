//! The commonest condition of a survey indicator, `column <op> integer`
//! (`used_internet = 1`, `age >= 15`) over an integer column, evaluated
//! straight into the one-byte flags the estimation pass reads.
//!
//! Through polars, such a condition becomes a bitmap built bit by bit and is
//! then spread back into bytes; here one comparison a value, in the
//! column's own type, which the compiler turns into vector instructions.
//! The result is the same as polars' for every value: a missing value is
//! missing (or false, for a count), and a bound outside the column's type
//! compares as the number it is.

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::survey::columns::{MISSING, native_integer};

/// A comparison of a column with an integer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    column: PlSmallStr,
    op: Op,
    value: i64,
}

/// The comparisons recognised (SQL `!=` is `NOT (a = b)`, left to polars).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Lt,
    LtEq,
    Gt,
    GtEq,
}

impl Op {
    fn of(op: Operator) -> Option<Op> {
        Some(match op {
            Operator::Eq => Op::Eq,
            Operator::Lt => Op::Lt,
            Operator::LtEq => Op::LtEq,
            Operator::Gt => Op::Gt,
            Operator::GtEq => Op::GtEq,
            _ => return None,
        })
    }

    /// The same comparison with its sides swapped (`1 < a` is `a > 1`).
    fn swapped(self) -> Op {
        match self {
            Op::Eq => Op::Eq,
            Op::Lt => Op::Gt,
            Op::LtEq => Op::GtEq,
            Op::Gt => Op::Lt,
            Op::GtEq => Op::LtEq,
        }
    }

    /// Appends whether `v <op> k` for each of `values`: one loop per
    /// comparison, each of which the compiler turns into vector
    /// instructions.
    fn extend<T: Copy + PartialOrd>(self, values: &[T], k: T, out: &mut Vec<u8>) {
        let each = values.iter();
        match self {
            Op::Eq => out.extend(each.map(|&v| u8::from(v == k))),
            Op::Lt => out.extend(each.map(|&v| u8::from(v < k))),
            Op::LtEq => out.extend(each.map(|&v| u8::from(v <= k))),
            Op::Gt => out.extend(each.map(|&v| u8::from(v > k))),
            Op::GtEq => out.extend(each.map(|&v| u8::from(v >= k))),
        }
    }

    /// Whether every value compares true with a bound beyond the type's
    /// range: above its largest value (`above`) or below its smallest.
    fn beyond(self, above: bool) -> bool {
        match self {
            Op::Eq => false,
            Op::Lt | Op::LtEq => above,
            Op::Gt | Op::GtEq => !above,
        }
    }
}

impl Condition {
    /// `expr` as a condition of this kind over an integer column of `df`,
    /// or `None` when it is anything else.
    pub(crate) fn of(expr: &Expr, df: &DataFrame) -> Option<Condition> {
        let Expr::BinaryExpr { left, op, right } = expr else {
            return None;
        };
        let op = Op::of(*op)?;
        let (column, value, op) = match (left.as_ref(), right.as_ref()) {
            (Expr::Column(c), Expr::Literal(v)) => (c, v, op),
            (Expr::Literal(v), Expr::Column(c)) => (c, v, op.swapped()),
            _ => return None,
        };
        if !native_integer(df.column(column).ok()?.dtype()) {
            return None;
        }
        Some(Condition {
            column: column.clone(),
            op,
            value: value.extract_i64().ok()?,
        })
    }

    /// The condition over the rows of `df`: 1 where it holds, 0 where not,
    /// `missing` where the column has no value.
    pub(crate) fn flags(&self, df: &DataFrame, missing: u8) -> Result<Vec<u8>> {
        let col = df
            .column(&self.column)
            .map_err(|e| Error::internal("a condition's column", e))?;
        let s = col.as_materialized_series();
        let wrong = |e| Error::internal("a condition's column", e);
        match s.dtype() {
            DataType::Int8 => Ok(self.over(s.i8().map_err(wrong)?, missing)),
            DataType::Int16 => Ok(self.over(s.i16().map_err(wrong)?, missing)),
            DataType::Int32 => Ok(self.over(s.i32().map_err(wrong)?, missing)),
            DataType::Int64 => Ok(self.over(s.i64().map_err(wrong)?, missing)),
            DataType::UInt8 => Ok(self.over(s.u8().map_err(wrong)?, missing)),
            DataType::UInt16 => Ok(self.over(s.u16().map_err(wrong)?, missing)),
            DataType::UInt32 => Ok(self.over(s.u32().map_err(wrong)?, missing)),
            other => Err(Error::internal(
                "a condition's column",
                format!("`{}` is {other}, not an integer", self.column),
            )),
        }
    }

    fn over<T>(&self, ca: &ChunkedArray<T>, missing: u8) -> Vec<u8>
    where
        T: PolarsIntegerType,
        T::Native: TryFrom<i64> + PartialOrd + Copy,
    {
        let mut out = Vec::with_capacity(ca.len());
        for arr in ca.downcast_iter() {
            let start = out.len();
            let values = arr.values().as_slice();
            match T::Native::try_from(self.value) {
                Ok(k) => self.op.extend(values, k, &mut out),
                // Every value of the type is on the same side of the bound.
                Err(_) => {
                    let all = u8::from(self.op.beyond(self.value > 0));
                    out.resize(start + values.len(), all);
                }
            }
            if let Some(valid) = arr.validity().filter(|v| v.unset_bits() > 0) {
                for (flag, ok) in out[start..].iter_mut().zip(valid.iter()) {
                    if !ok {
                        *flag = missing;
                    }
                }
            }
        }
        out
    }
}

/// The flag of a row whose value is missing: missing for a proportion
/// (left out of it), false for a count (the row is not counted).
pub(crate) fn missing_flag(counted: bool) -> u8 {
    if counted { 0 } else { MISSING }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::columns::flags;

    /// Every comparison, with the integer on either side, inside and beyond
    /// the column's type, over columns of every integer type with a missing
    /// value and several chunks: the same flags as polars' own evaluation.
    #[test]
    fn conditions_flag_the_rows_polars_does() {
        let values: Vec<Option<i64>> = (0..300)
            .map(|i| (i % 17 != 5).then_some((i * 37) % 255 - 127))
            .collect();
        let mut columns: Vec<Column> = Vec::new();
        for dtype in [
            DataType::Int8,
            DataType::Int16,
            DataType::Int32,
            DataType::Int64,
            DataType::UInt8,
            DataType::UInt16,
            DataType::UInt32,
        ] {
            let signed = dtype.is_signed_integer();
            let fit: Vec<Option<i64>> = values
                .iter()
                .map(|v| v.map(|v| if signed { v } else { v + 127 }))
                .collect();
            let mut s = Series::new("x".into(), &fit).cast(&dtype).unwrap();
            // A second chunk, so that the flags of each follow on.
            s.append(&s.slice(10, 50)).unwrap();
            columns.push(s.into());
        }
        let ops = ["=", "<", "<=", ">", ">="];
        let bounds: [i64; 13] = [
            -129,
            -128,
            -1,
            0,
            1,
            5,
            127,
            128,
            255,
            256,
            70_000,
            -70_000,
            5_000_000_000,
        ];
        for col in columns {
            let dtype = col.dtype().clone();
            let df = DataFrame::new_infer_height(vec![col]).unwrap();
            for op in ops {
                for k in bounds {
                    for sql in [format!("x {op} {k}"), format!("{k} {op} x")] {
                        let expr = polars::sql::sql_expr(&sql).unwrap();
                        let cond = Condition::of(&expr, &df)
                            .unwrap_or_else(|| panic!("`{sql}` over {dtype} recognised"));
                        let by_polars = df.clone().lazy().select([expr]).collect().unwrap();
                        let expect = flags(&by_polars.columns()[0]).unwrap();
                        assert_eq!(
                            cond.flags(&df, MISSING).unwrap(),
                            expect,
                            "`{sql}` over {dtype}"
                        );
                    }
                }
            }
        }
    }

    /// What is not `integer column <op> integer` is left to polars: a float
    /// column or bound, a text value, `!=`, two columns, a nested expression.
    #[test]
    fn other_expressions_are_not_recognised() {
        let df = df!(
            "x" => [1i32, 2, 3],
            "y" => [1.0f64, 2.0, 3.0],
            "s" => ["a", "b", "c"]
        )
        .unwrap();
        for sql in [
            "y = 1",
            "x = 1.5",
            "s = 'a'",
            "x != 1",
            "x = y",
            "x + 1 = 2",
            "x = 1 AND x < 3",
            "x IN (1, 2)",
        ] {
            let expr = polars::sql::sql_expr(sql).unwrap();
            assert_eq!(Condition::of(&expr, &df), None, "`{sql}`");
        }
        let expr = polars::sql::sql_expr("x = 2").unwrap();
        let cond = Condition::of(&expr, &df).unwrap();
        assert_eq!(cond.flags(&df, MISSING).unwrap(), vec![0, 1, 0]);
    }

    /// A missing value is missing for a proportion and false for a count.
    #[test]
    fn a_missing_value_is_missing_or_false() {
        let df = df!("x" => [Some(1i8), None, Some(0)]).unwrap();
        let cond = Condition::of(&polars::sql::sql_expr("x = 1").unwrap(), &df).unwrap();
        assert_eq!(
            cond.flags(&df, missing_flag(false)).unwrap(),
            vec![1, MISSING, 0]
        );
        assert_eq!(cond.flags(&df, missing_flag(true)).unwrap(), vec![1, 0, 0]);
    }
}
