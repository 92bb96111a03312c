//! Quantiles as R's `svyquantile` (survey ≥ 4.1) computes them: the
//! estimate by `qrule = "math"` — the smallest value whose weighted
//! distribution function reaches p — and Woodruff's interval: the design-
//! based interval of the proportion of rows at or below the estimate,
//! p̂ ± t_df·SE, mapped back through the same rule. The reported SE is the
//! interval's width over 2·t_df, as R reports it.

use super::estimate::t_quantile;

/// Values of a domain sorted by value (stable), with their weights and the
/// weights' total summed in row order (as R sums them).
#[derive(Debug, Clone, Default)]
pub struct Sorted {
    /// (value, weight), by value.
    pub values: Vec<(f64, f64)>,
    /// Σ w in row order.
    pub total: f64,
}

impl Sorted {
    /// Sorts `(value, weight)` pairs given in row order; zero weights are left out.
    pub fn new(rows: Vec<(f64, f64)>) -> Self {
        let mut values: Vec<(f64, f64)> = rows.into_iter().filter(|(_, w)| *w != 0.0).collect();
        let mut total = Sum::default();
        values.iter().for_each(|(_, w)| total.add(*w));
        let total = total.value();
        values.sort_by(|a, b| a.0.total_cmp(&b.0));
        Sorted { values, total }
    }

    /// R's `qrule_math`: with `pos` the last value whose cumulative weight is
    /// at most p·Σw, that value when it reaches p exactly, else the next.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        let first = self.values.first()?.0;
        let target = p * self.total;
        let mut running = Sum::default();
        let mut pos = None;
        for (i, (_, w)) in self.values.iter().enumerate() {
            running.add(*w);
            let cum = running.value();
            if cum <= target {
                pos = Some((i, cum));
            } else {
                break;
            }
        }
        let Some((i, cum)) = pos else {
            return Some(first);
        };
        if p - cum / self.total == 0.0 {
            Some(self.values[i].0)
        } else {
            Some(self.values[(i + 1).min(self.values.len() - 1)].0)
        }
    }
}

/// Neumaier's compensated sum: nearly the exactly rounded sum, as R's
/// `sum` and `cumsum` get from extended-precision accumulation — which
/// decides ties such as a cumulative weight of exactly p·Σw.
#[derive(Debug, Default, Clone, Copy)]
struct Sum {
    sum: f64,
    compensation: f64,
}

impl Sum {
    fn add(&mut self, v: f64) {
        let t = self.sum + v;
        if self.sum.abs() >= v.abs() {
            self.compensation += (self.sum - t) + v;
        } else {
            self.compensation += (v - t) + self.sum;
        }
        self.sum = t;
    }

    fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// Woodruff's interval for the quantile at `p`, from the proportion at or
/// below the estimate `p_hat` and its standard error on `df` degrees of
/// freedom: (lower, upper, se). A bound whose probability falls outside
/// [0, 1] is undefined, as in R.
pub fn woodruff(
    sorted: &Sorted,
    p_hat: f64,
    p_se: f64,
    df: f64,
    level: f64,
) -> (Option<f64>, Option<f64>, Option<f64>) {
    let t = t_quantile(level, df);
    let (lo, hi) = (p_hat - t * p_se, p_hat + t * p_se);
    let lower = if lo.is_nan() || lo < 0.0 {
        None
    } else {
        sorted.quantile(lo)
    };
    let upper = if hi.is_nan() || hi > 1.0 {
        None
    } else {
        sorted.quantile(hi)
    };
    let se = match (lower, upper) {
        (Some(l), Some(u)) => Some((u - l) / (2.0 * t)),
        _ => None,
    };
    (lower, upper, se)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn math_rule_by_hand() {
        // Values 1..4 with weights 1: F = .25, .5, .75, 1.
        let s = Sorted::new(vec![(3.0, 1.0), (1.0, 1.0), (4.0, 1.0), (2.0, 1.0)]);
        assert_eq!(s.quantile(0.5), Some(2.0)); // F(2) = 0.5 exactly
        assert_eq!(s.quantile(0.6), Some(3.0));
        assert_eq!(s.quantile(0.1), Some(1.0));
        assert_eq!(s.quantile(1.0), Some(4.0));
        // A heavy last value: F = .1, .2, .3, 1.
        let s = Sorted::new(vec![(1.0, 1.0), (2.0, 1.0), (3.0, 1.0), (4.0, 7.0)]);
        assert_eq!(s.quantile(0.5), Some(4.0));
    }
}
