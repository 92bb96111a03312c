//! Plain vectors out of polars columns, chunk by chunk over the Arrow
//! buffers rather than value by value through polars' generic iterators:
//! on ten million rows this is the difference between milliseconds and
//! seconds.

use polars::prelude::*;

use crate::error::{Error, Result};

/// The column as f64, missing values as NaN.
pub fn f64_values(col: &Column) -> Result<Vec<f64>> {
    let cast = col
        .cast(&DataType::Float64)
        .map_err(|e| Error::internal(format!("column `{}` as numbers", col.name()), e))?;
    let ca = cast
        .f64()
        .map_err(|e| Error::internal("numeric column", e))?;
    let mut out = Vec::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        let values = arr.values().as_slice();
        match arr.validity() {
            None => out.extend_from_slice(values),
            Some(valid) => out.extend(
                values
                    .iter()
                    .zip(valid.iter())
                    .map(|(v, ok)| if ok { *v } else { f64::NAN }),
            ),
        }
    }
    Ok(out)
}

/// The column as i64 with a validity flag per row (`None` when no value is missing).
pub fn i64_values(col: &Column) -> Result<(Vec<i64>, Option<Vec<bool>>)> {
    let cast = col
        .cast(&DataType::Int64)
        .map_err(|e| Error::internal(format!("column `{}` as integers", col.name()), e))?;
    let ca = cast
        .i64()
        .map_err(|e| Error::internal("integer column", e))?;
    let mut out = Vec::with_capacity(ca.len());
    let mut validity: Option<Vec<bool>> = None;
    for arr in ca.downcast_iter() {
        let done = out.len();
        out.extend_from_slice(arr.values().as_slice());
        if let Some(valid) = arr.validity()
            && valid.unset_bits() > 0
        {
            let v = validity.get_or_insert_with(|| vec![true; done]);
            v.extend(valid.iter());
        } else if let Some(v) = validity.as_mut() {
            v.extend(std::iter::repeat_n(true, arr.len()));
        }
    }
    Ok((out, validity))
}

/// A boolean column as flags: 1 true, 0 false, [`MISSING`] for a missing value.
pub fn flags(col: &Column) -> Result<Vec<u8>> {
    let ca = col
        .bool()
        .map_err(|e| Error::internal(format!("column `{}` as flags", col.name()), e))?;
    let mut out = Vec::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        let values = arr.values().iter().map(u8::from);
        match arr.validity() {
            None => out.extend(values),
            Some(valid) => out.extend(
                values
                    .zip(valid.iter())
                    .map(|(v, ok)| if ok { v } else { MISSING }),
            ),
        }
    }
    Ok(out)
}

/// The flag of a missing value.
pub const MISSING: u8 = 2;
