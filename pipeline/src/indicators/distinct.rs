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
    Ok(target
        .breakdowns
        .iter()
        .enumerate()
        .map(|(k, &b)| {
            let mut seen: Vec<HashSet<u64>> = vec![HashSet::new(); breakdowns[b].n_domains()];
            for (row, v) in y.iter().enumerate() {
                let d = breakdowns[b].code(row);
                if d != Breakdown::NONE && !v.is_nan() && target.mask.is_none_or(|m| m[row]) {
                    seen[d as usize].insert(v.to_bits());
                }
            }
            seen.iter()
                .enumerate()
                .map(|(d, values)| {
                    let cells = sums.main.domain(t, k, d);
                    let n: u64 = cells.iter().map(|c| c.n).sum();
                    Estimate {
                        estimate: (n > 0).then_some(values.len() as f64),
                        n,
                        weighted_n: cells.iter().map(|c| c.w).sum(),
                        ..Default::default()
                    }
                })
                .collect()
        })
        .collect())
}
