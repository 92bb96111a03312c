//! `count_distinct`: the number of distinct values of `expr` in each domain
//! of a registry (the values' text identifies them; missing values are not
//! counted). A registry is complete, so the count is exact: no standard
//! error. Survey designs are refused — a sample's distinct count estimates
//! nothing simple.

use std::collections::HashSet;

use crate::error::{Error, Result};
use crate::spec::model::IndicatorSpec;
use crate::survey::accumulate::{Breakdown, DesignSums, Target, Values};
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
    if !design.census {
        return Err(Error::Estimation {
            indicator: ind.id.clone(),
            message: "count_distinct is for registries (datasets without a survey design)".into(),
        });
    }
    let Values::Numbers(y) = target.y else {
        return Err(Error::internal("count_distinct", "values are not codes"));
    };
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
