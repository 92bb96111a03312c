//! Integer columns handed to the Parquet page encoder already as
//! dictionaries, decided as polars' writer decides — a dictionary of the
//! values seen, in ascending order, when they span at most 2^16 and are few
//! (at most 2048, or under three quarters of the rows) — but found in two
//! tight passes. polars finds them through its generic min/max kernel, one
//! pair of bounds at a time in a build without SIMD: on typed survey
//! columns that was a fifth of the time spent writing them. The pages, and
//! so the file's bytes, are those polars writes.

use polars_arrow::array::{Array, DictionaryArray, PrimitiveArray};
use polars_arrow::datatypes::{ArrowDataType, IntegerType};

/// Values spanning more than this are not dictionary-encoded this way.
const SPAN_LIMIT: u64 = u16::MAX as u64;
/// At most this many distinct values always make a dictionary.
const FEW: usize = 2048;

/// `array` as a dictionary of its values when it is a 64-bit integer
/// column that polars' writer would encode so; `None` leaves the decision
/// to polars (another type, no value, too wide a span or too many values).
pub fn of(array: &dyn Array) -> Option<Box<dyn Array>> {
    let ints = array.as_any().downcast_ref::<PrimitiveArray<i64>>()?;
    let values = ints.values().as_slice();
    let validity = ints.validity().filter(|v| v.unset_bits() > 0);
    let (lo, hi) = match validity {
        None => crate::survey::columns::bounds(values)?,
        Some(valid) => values.iter().zip(valid.iter()).filter(|(_, ok)| *ok).fold(
            None,
            |b: Option<(i64, i64)>, (&v, _)| {
                Some(b.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
            },
        )?,
    };
    let span = hi.checked_sub(lo).map(|d| d as u64)?;
    if span > SPAN_LIMIT {
        return None;
    }
    // Each row's offset from the smallest value, and the offsets seen.
    let mut seen = vec![false; span as usize + 1];
    let mut keys: Vec<u32> = Vec::with_capacity(values.len());
    match validity {
        None => keys.extend(values.iter().map(|&v| {
            let k = (v - lo) as u32;
            seen[k as usize] = true;
            k
        })),
        Some(valid) => keys.extend(values.iter().zip(valid.iter()).map(|(&v, ok)| {
            // A missing value's slot holds anything: kept within the bounds.
            let k = (v.clamp(lo, hi) - lo) as u32;
            seen[k as usize] |= ok;
            k
        })),
    }
    let distinct = seen.iter().filter(|s| **s).count();
    if distinct > FEW && distinct as f64 / values.len() as f64 >= 0.75 {
        return None;
    }
    if distinct < seen.len() {
        // Offsets to ranks among the values seen (0 for one never seen).
        let mut rank = vec![0u32; seen.len()];
        for (next, (r, _)) in rank.iter_mut().zip(&seen).filter(|(_, s)| **s).enumerate() {
            *r = next as u32;
        }
        keys.iter_mut().for_each(|k| *k = rank[*k as usize]);
    }
    let dictionary: Vec<i64> = (0..=span)
        .filter(|&k| seen[k as usize])
        .map(|k| lo + k as i64)
        .collect();
    let keys = PrimitiveArray::new(ArrowDataType::UInt32, keys.into(), ints.validity().cloned());
    let dtype =
        ArrowDataType::Dictionary(IntegerType::UInt32, Box::new(ArrowDataType::Int64), false);
    let dictionary = PrimitiveArray::new(ArrowDataType::Int64, dictionary.into(), None);
    DictionaryArray::<u32>::try_new(dtype, keys, dictionary.boxed())
        .ok()
        .map(|d| d.boxed())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dictionary(values: &[Option<i64>]) -> Option<(Vec<Option<u32>>, Vec<i64>)> {
        let array = PrimitiveArray::<i64>::from(values.to_vec());
        let d = of(&array)?;
        let d = d.as_any().downcast_ref::<DictionaryArray<u32>>().unwrap();
        let dictionary = d
            .values()
            .as_any()
            .downcast_ref::<PrimitiveArray<i64>>()
            .unwrap();
        Some((
            d.keys().iter().map(|k| k.copied()).collect(),
            dictionary.values().as_slice().to_vec(),
        ))
    }

    /// Keys and values worked out by hand for each branch; `None` where
    /// polars decides (its own writer is the reference for the bytes:
    /// `run::write`'s tests).
    #[test]
    fn dictionaries_by_hand() {
        // Dense codes: offsets are the keys.
        assert_eq!(
            dictionary(&[Some(3), Some(1), Some(2), Some(1)]),
            Some((vec![Some(2), Some(0), Some(1), Some(0)], vec![1, 2, 3]))
        );
        // Far apart, with a missing value: ranks among the values seen.
        assert_eq!(
            dictionary(&[Some(-3000), None, Some(4000), Some(-3000), Some(1000)]),
            Some((
                vec![Some(0), None, Some(2), Some(0), Some(1)],
                vec![-3000, 1000, 4000]
            ))
        );
        // Too wide a span, past i64, no value, too many distinct values.
        assert_eq!(dictionary(&[Some(0), Some(70_000)]), None);
        assert_eq!(dictionary(&[Some(i64::MIN), Some(i64::MAX)]), None);
        assert_eq!(dictionary(&[None, None]), None);
        let distinct: Vec<Option<i64>> = (0..3000).map(|i| Some(i * 20)).collect();
        assert_eq!(dictionary(&distinct), None);
        // Many rows of the same values: a dictionary.
        let repeated: Vec<Option<i64>> = (0..12_000).map(|i| Some(i % 3000 * 20)).collect();
        assert_eq!(dictionary(&repeated).map(|(_, v)| v.len()), Some(3000));
    }
}
