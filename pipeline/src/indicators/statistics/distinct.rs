//! `count_distinct`: the number of distinct values of `expr` in each domain
//! of a registry (the values' text identifies them; missing values are not
//! counted). A registry is complete, so the count is exact: no standard
//! error. Survey designs are refused — a sample's distinct count estimates
//! nothing simple.

use std::collections::HashSet;

use super::{Estimator, Pass, Reads};
use crate::error::Result;
use crate::spec::model::IndicatorSpec;
use crate::survey::accumulate::Target;
use crate::survey::estimate::Estimate;

/// The number of distinct values.
pub struct CountDistinct;

impl Estimator for CountDistinct {
    fn reads(&self) -> Reads {
        Reads::Text
    }

    fn registries_only(&self) -> bool {
        true
    }

    /// The distinct counts of target `t` for each of its breakdowns and domains.
    fn estimate(
        &self,
        _ind: &IndicatorSpec,
        pass: &Pass,
        target: &Target,
        t: usize,
    ) -> Result<Vec<Vec<Estimate>>> {
        let y = super::numbers(target, "count_distinct")?;
        Ok(super::fold_domains(
            pass,
            target,
            y,
            t,
            HashSet::new(),
            |seen: &mut HashSet<u64>, _, v| {
                seen.insert(v.to_bits());
            },
            |seen, n| (n > 0).then_some(seen.len() as f64),
        ))
    }
}
