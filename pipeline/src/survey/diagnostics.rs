//! Weighting diagnostics of a survey's weights, as a statistics office
//! reports them beside its estimates: their spread (minimum, median,
//! maximum, the largest over the smallest), their coefficient of
//! variation, Kish's effective sample size (Σw)²/Σw² and the design effect
//! due to weighting 1 + CV², which is n over that effective size. The CV
//! is the weights' standard deviation with divisor n over their mean, the
//! form in which Kish's identity deff = 1 + CV² holds exactly.

/// Minimum, median and maximum of a set of values.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Spread {
    /// The smallest.
    pub min: f64,
    /// The median (the mean of the two middle values of an even count, as R's `median`).
    pub median: f64,
    /// The largest.
    pub max: f64,
}

impl Spread {
    /// The spread of `values`, or `None` when there are none (or a NaN).
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Self> {
        let mut v: Vec<f64> = values.into_iter().collect();
        if v.is_empty() || v.iter().any(|x| x.is_nan()) {
            return None;
        }
        // Selection rather than a sort: linear in the number of weights.
        let n = v.len();
        let (below, &mut upper, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
        let median = if n % 2 == 1 {
            upper
        } else {
            let lower = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (lower + upper) / 2.0
        };
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some(Spread { min, median, max })
    }
}

/// The diagnostics of one set of weights.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Weights {
    /// Number of rows.
    pub n: usize,
    /// Σw.
    pub sum: f64,
    /// Their spread.
    pub spread: Spread,
    /// The largest weight over the smallest (`None` when the smallest is 0).
    pub ratio: Option<f64>,
    /// Coefficient of variation (standard deviation with divisor n, over the mean).
    pub cv: f64,
    /// Kish's effective sample size (Σw)²/Σw².
    pub kish_n: f64,
    /// Design effect due to weighting, 1 + CV² = n / `kish_n`.
    pub deff: f64,
}

impl Weights {
    /// The diagnostics of `weights`, or `None` when there are none or they
    /// sum to zero.
    pub fn of(weights: &[f64]) -> Option<Self> {
        let spread = Spread::of(weights.iter().copied())?;
        let (sum, deviations) = sum_and_deviations(weights);
        Weights::from_sums(weights.len(), sum, deviations, spread)
    }

    /// The diagnostics of `count` weights of sum `sum`, sum of squared
    /// deviations from their mean `deviations` and spread `spread` (weights
    /// read in parts), or `None` when they sum to zero.
    pub fn from_sums(count: usize, sum: f64, deviations: f64, spread: Spread) -> Option<Self> {
        let n = count as f64;
        if sum <= 0.0 {
            return None;
        }
        let mean = sum / n;
        let cv = (deviations / n).sqrt() / mean;
        let squares = deviations + sum * mean;
        Some(Weights {
            n: count,
            sum,
            spread,
            ratio: (spread.min > 0.0).then(|| spread.max / spread.min),
            cv,
            kish_n: sum * sum / squares,
            deff: 1.0 + cv * cv,
        })
    }
}

/// The count, Σw and Σ(w − mean)² of two parts of the weights, merged
/// (Chan, Golub and LeVeque's update of the squared deviations).
pub fn merge_deviations(a: (usize, f64, f64), b: (usize, f64, f64)) -> (usize, f64, f64) {
    if a.0 == 0 {
        return b;
    }
    if b.0 == 0 {
        return a;
    }
    let (na, nb) = (a.0 as f64, b.0 as f64);
    let delta = b.1 / nb - a.1 / na;
    (
        a.0 + b.0,
        a.1 + b.1,
        a.2 + b.2 + delta * delta * na * nb / (na + nb),
    )
}

/// Σw and Σ(w − mean)² of `weights`, in two passes: equal weights have
/// no spread at all, where Σw² − (Σw)²/n would leave rounding noise.
pub fn sum_and_deviations(weights: &[f64]) -> (f64, f64) {
    let sum: f64 = weights.iter().sum();
    let mean = sum / weights.len() as f64;
    let deviations = weights.iter().map(|w| (w - mean) * (w - mean)).sum();
    (sum, deviations)
}

/// The g-weights of a calibration (calibrated over initial weight, for
/// rows with a positive initial weight): their spread, and how many sit
/// at each bound of a bounded calibration.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct GWeights {
    /// Their spread.
    pub spread: Spread,
    /// Rows at the lower bound.
    pub at_lower: usize,
    /// Rows at the upper bound.
    pub at_upper: usize,
}

impl GWeights {
    /// The g-weights of `calibrated` over `initial`, counted at `bounds`
    /// (to 1e-6 relative).
    pub fn of(initial: &[f64], calibrated: &[f64], bounds: Option<(f64, f64)>) -> Option<Self> {
        let g: Vec<f64> = initial
            .iter()
            .zip(calibrated)
            .filter(|(w0, _)| **w0 > 0.0)
            .map(|(w0, w)| w / w0)
            .collect();
        let spread = Spread::of(g.iter().copied())?;
        let at = |b: f64| {
            g.iter()
                .filter(|x| (**x - b).abs() <= 1e-6 * b.abs().max(1.0))
                .count()
        };
        let (at_lower, at_upper) = bounds.map_or((0, 0), |(l, h)| (at(l), at(h)));
        Some(GWeights {
            spread,
            at_lower,
            at_upper,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Weights 1, 1, 2, 4 by hand: Σw = 8, Σw² = 22, mean 2, variance
    /// (22/4 − 4) = 1.5, CV √1.5/2, n_eff = 64/22, deff = 1 + 1.5/4 = 1.375
    /// = 4 / (64/22).
    #[test]
    fn kish_by_hand() {
        let d = Weights::of(&[4.0, 1.0, 2.0, 1.0]).unwrap();
        assert_eq!(d.sum, 8.0);
        assert_eq!(
            d.spread,
            Spread {
                min: 1.0,
                median: 1.5,
                max: 4.0
            }
        );
        assert_eq!(d.ratio, Some(4.0));
        assert!((d.cv - 1.5f64.sqrt() / 2.0).abs() < 1e-15);
        assert!((d.kish_n - 64.0 / 22.0).abs() < 1e-15);
        assert!((d.deff - 1.375).abs() < 1e-15);
        assert!((d.deff - 4.0 / d.kish_n).abs() < 1e-15);
    }

    #[test]
    fn equal_weights_lose_nothing_and_zero_weights_have_no_ratio() {
        let d = Weights::of(&[3.0; 5]).unwrap();
        assert_eq!((d.cv, d.kish_n, d.deff), (0.0, 5.0, 1.0));
        assert_eq!(Weights::of(&[0.0, 2.0, 2.0]).unwrap().ratio, None);
        assert_eq!(Weights::of(&[]), None);
        assert_eq!(Spread::of([3.0, 1.0, 2.0]).unwrap().median, 2.0);
    }

    #[test]
    fn g_weights_count_the_rows_at_their_bounds() {
        let g = GWeights::of(
            &[1.0, 2.0, 4.0, 0.0],
            &[0.5, 3.0, 8.0, 1.0],
            Some((0.5, 2.0)),
        )
        .unwrap();
        assert_eq!(
            g.spread,
            Spread {
                min: 0.5,
                median: 1.5,
                max: 2.0
            }
        );
        assert_eq!((g.at_lower, g.at_upper), (1, 1));
    }
}
