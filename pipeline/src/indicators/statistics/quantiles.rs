//! Quantile indicators. They need the values themselves, not only sums:
//! each domain's values are sorted to find the quantile, then one more pass
//! over the rows sums, for every domain at once, the share of rows at or
//! below their domain's quantile — whose design-based SE gives Woodruff's
//! interval (see [`crate::survey::quantile`]).

use super::{Estimator, Pass};
use crate::error::{Error, Result};
use crate::spec::model::IndicatorSpec;
use crate::survey::accumulate::{Breakdown, Cell, DomainSums, Target, Values};
use crate::survey::estimate::{self, Estimate, Form, Interval};
use crate::survey::quantile::{Sorted, woodruff};
use crate::survey::reliability;

/// The quantile at probability `.0` (0.5 for the median).
pub struct Quantile(pub f64);

impl Estimator for Quantile {
    fn form(&self) -> (Form, Interval) {
        (Form::Mean, Interval::Wald)
    }

    /// The quantile estimates of target `t` (indicator `ind`) for each of
    /// its breakdowns and domains, in the order the other statistics use.
    fn estimate(
        &self,
        ind: &IndicatorSpec,
        pass: &Pass,
        target: &Target,
        t: usize,
    ) -> Result<Vec<Vec<Estimate>>> {
        let p = self.0;
        let Pass {
            design,
            breakdowns,
            sums,
            rules,
            ..
        } = *pass;
        let Values::Numbers(y) = target.y else {
            return Err(Error::internal("quantile", "values are not numbers"));
        };
        // Per breakdown: each domain's sorted values, its quantile, and each
        // row's indicator of being at or below its domain's quantile.
        let mut sorted: Vec<Vec<Sorted>> = Vec::new();
        let mut at_or_below: Vec<Vec<f64>> = Vec::new();
        for &b in &target.breakdowns {
            let mut rows: Vec<Vec<(f64, f64)>> = vec![Vec::new(); breakdowns[b].n_domains()];
            for (row, &v) in y.iter().enumerate() {
                let d = breakdowns[b].code(row);
                if d != Breakdown::NONE && !v.is_nan() && target.mask.is_none_or(|m| m[row]) {
                    rows[d as usize].push((v, design.weights[row]));
                }
            }
            let domains: Vec<Sorted> = rows.into_iter().map(Sorted::new).collect();
            let q: Vec<Option<f64>> = domains.iter().map(|s| s.quantile(p)).collect();
            let z = y
                .iter()
                .enumerate()
                .map(|(row, &v)| match breakdowns[b].code(row) {
                    // A missing value is out of the domain, as R's `na.rm = TRUE`
                    // subsets the design: not a row above the quantile.
                    _ if v.is_nan() => f64::NAN,
                    Breakdown::NONE => f64::NAN,
                    d => q[d as usize].map_or(f64::NAN, |q| f64::from(u8::from(v <= q))),
                })
                .collect();
            sorted.push(domains);
            at_or_below.push(z);
        }
        let below_targets: Vec<Target> = target
            .breakdowns
            .iter()
            .zip(&at_or_below)
            .map(|(&b, z)| Target {
                y: Values::Numbers(z),
                x: None,
                mask: target.mask,
                binary: true,
                breakdowns: vec![b],
            })
            .collect();
        let below = design.sums(breakdowns, &below_targets);
        Ok(sorted
            .iter()
            .enumerate()
            .map(|(k, domains)| {
                domains
                    .iter()
                    .enumerate()
                    .map(|(d, s)| {
                        let cells = sums.main.domain(t, k, d);
                        let mut out = Estimate {
                            n: cells.iter().map(|c| c.n).sum(),
                            weighted_n: cells.iter().map(|c| c.w).sum(),
                            ..Default::default()
                        };
                        let Some(q) = s.quantile(p) else {
                            return out;
                        };
                        out.estimate = Some(q);
                        if design.is_census() {
                            return out;
                        }
                        // R subsets the design to the rows with a value before
                        // svyquantile: its degrees of freedom count only the
                        // PSUs holding one.
                        let sums = below.domain(k, 0, d);
                        let with_value: Vec<Cell> = sums
                            .cells
                            .iter()
                            .map(|c| Cell { n_any: c.n, ..*c })
                            .collect();
                        let sums = DomainSums {
                            cells: &with_value,
                            ..sums
                        };
                        let share = estimate::estimate(
                            design,
                            sums,
                            Form::Mean,
                            Interval::Wald,
                            ind.level,
                            rules,
                        );
                        let (Some(p_hat), Some(p_se), Some(df)) =
                            (share.estimate, share.se, share.df)
                        else {
                            return out;
                        };
                        (out.ci_low, out.ci_high, out.se) = woodruff(s, p_hat, p_se, df, ind.level);
                        out.df = Some(df);
                        out.cv = out.se.filter(|_| q != 0.0).map(|se| se / q.abs());
                        out.flag = reliability::flag(rules, out.n, out.cv);
                        out
                    })
                    .collect()
            })
            .collect())
    }
}
