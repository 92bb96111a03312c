//! `concentration`: how `expr` (an amount) is spread across the units named
//! by `of` (startups, investors, regions) within each domain of a registry —
//! the Herfindahl–Hirschman index of the units' shares, the share of the `top`
//! largest, or the Gini coefficient of the units' totals. Exact (registries
//! only), like every registry figure.

use std::collections::BTreeMap;

use super::{Estimator, Pass};
use crate::error::Result;
use crate::spec::model::{Concentration, IndicatorSpec, Variable};
use crate::survey::accumulate::Target;
use crate::survey::codes::Codes;
use crate::survey::estimate::Estimate;

/// A concentration measure of the units named by the column `of`.
pub struct Measured<'a> {
    /// The column naming the units.
    pub of: &'a str,
    /// The measure.
    pub measure: Concentration,
}

impl Estimator for Measured<'_> {
    fn registries_only(&self) -> bool {
        true
    }

    /// The measure of target `t` for each of its breakdowns and domains.
    fn estimate(
        &self,
        _ind: &IndicatorSpec,
        pass: &Pass,
        target: &Target,
        t: usize,
    ) -> Result<Vec<Vec<Estimate>>> {
        let of = Variable {
            column: self.of.to_string(),
            period: None,
        };
        let units = crate::indicators::domains::variable(pass.df, &of)?.codes;
        let measure = self.measure;
        let y = super::numbers(target, "concentration")?;
        // Each domain's total per unit, in unit order (a fixed summation order).
        Ok(super::fold_domains(
            pass,
            target,
            y,
            t,
            BTreeMap::new(),
            |totals: &mut BTreeMap<u32, f64>, row, v| {
                let u = units.get(row);
                if u != Codes::NONE {
                    *totals.entry(u).or_insert(0.0) += v;
                }
            },
            |totals, _| measured(&totals.values().copied().collect::<Vec<_>>(), measure),
        ))
    }
}

/// The measure over the units' totals; `None` without a positive total.
pub fn measured(totals: &[f64], measure: Concentration) -> Option<f64> {
    let sum: f64 = totals.iter().sum();
    if totals.is_empty() || sum <= 0.0 {
        return None;
    }
    Some(match measure {
        Concentration::Hhi => totals.iter().map(|v| (v / sum) * (v / sum)).sum(),
        Concentration::TopShare(k) => {
            let mut sorted = totals.to_vec();
            sorted.sort_by(|a, b| b.total_cmp(a));
            sorted.iter().take(k).sum::<f64>() / sum
        }
        Concentration::Gini => {
            // Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄), from the sorted values:
            // Σᵢ (2i − n − 1) x₍ᵢ₎ / (n Σ x).
            let mut sorted = totals.to_vec();
            sorted.sort_by(f64::total_cmp);
            let n = sorted.len() as f64;
            sorted
                .iter()
                .enumerate()
                .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x)
                .sum::<f64>()
                / (n * sum)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_by_hand() {
        // Shares 0.5, 0.3, 0.2.
        let t = [50.0, 30.0, 20.0];
        assert!((measured(&t, Concentration::Hhi).unwrap() - 0.38).abs() < 1e-15);
        assert_eq!(measured(&t, Concentration::TopShare(1)), Some(0.5));
        assert_eq!(measured(&t, Concentration::TopShare(2)), Some(0.8));
        // Gini: pairs |50−30| + |50−20| + |30−20| = 60, twice over n² = 9
        // pairs with mean 100/3: 120 / (2 · 9 · 100/3) = 0.2.
        assert!((measured(&t, Concentration::Gini).unwrap() - 0.2).abs() < 1e-15);
        assert_eq!(measured(&[5.0, 5.0], Concentration::Gini), Some(0.0));
        assert_eq!(measured(&[], Concentration::Hhi), None);
    }
}
