//! `count_distinct`: the number of distinct values of `expr` in each domain
//! of a registry (the values' text identifies them; missing values are not
//! counted). A registry is complete, so the count is exact: no standard
//! error. Survey designs are refused — a sample's distinct count estimates
//! nothing simple.

use std::collections::HashSet;

use crate::error::Result;
use crate::spec::model::IndicatorSpec;
use crate::survey::accumulate::{Breakdown, DesignSums, Target};
use crate::survey::design::PreparedDesign;
use crate::survey::estimate::Estimate;

/// The distinct counts of target `t` for each of its breakdowns and domains.
pub fn estimate(
    ind: &IndicatorSpec,
    design: &PreparedDesign,
    breakdowns: &[Breakdown],
    target: &Target,
    sums: &DesignSums,
    t: usize,
) -> Result<Vec<Vec<Estimate>>> {
    super::registry_only(ind, design)?;
    let y = super::numbers(target, "count_distinct")?;
    Ok(super::fold_domains(
        breakdowns,
        target,
        y,
        sums,
        t,
        HashSet::new(),
        |seen: &mut HashSet<u64>, _, v| {
            seen.insert(v.to_bits());
        },
        |seen, n| (n > 0).then_some(seen.len() as f64),
    ))
}
