//! The arithmetic of composite indices: normalising an indicator over the
//! units of a wave, aggregating weighted components, ranking scores. Missing
//! values (NaN) stay missing: a unit lacking a component has no score for
//! the node above it.

use crate::spec::model::{Aggregate, Normalise};

/// `values` (one per unit; NaN when missing) normalised by `method`, in the
/// indicator's `direction` (+1: more is better; −1: less is better).
pub fn normalise(
    values: &[f64],
    method: Normalise,
    direction: f64,
    goalposts: Option<(f64, f64)>,
) -> Vec<f64> {
    let present: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let min = present.iter().copied().fold(f64::INFINITY, f64::min);
    let max = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let n = present.len() as f64;
    let mean = present.iter().sum::<f64>() / n;
    let sd = (present.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0)).sqrt();
    let up = direction >= 0.0;
    let ranks = ranks(values);
    values
        .iter()
        .zip(&ranks)
        .map(|(&x, &r)| {
            if x.is_nan() {
                return f64::NAN;
            }
            match method {
                Normalise::None => x,
                Normalise::MinMax if max > min => {
                    100.0 * if up { x - min } else { max - x } / (max - min)
                }
                Normalise::MinMax => 100.0,
                Normalise::ZScore if sd > 0.0 => (x - mean) / sd * direction.signum(),
                Normalise::ZScore => 0.0,
                Normalise::Goalposts => {
                    let (lo, hi) = goalposts.unwrap_or((min, max));
                    let v = if up { x - lo } else { hi - x };
                    (100.0 * v / (hi - lo)).clamp(0.0, 100.0)
                }
                Normalise::Rank if up => r,
                Normalise::Rank => n + 1.0 - r,
                Normalise::DistanceToFrontier if up => 100.0 * x / max,
                Normalise::DistanceToFrontier => 100.0 * min / x,
            }
        })
        .collect()
}

/// Ranks from the lowest (1), ties sharing their mean rank; NaN stays NaN.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).filter(|&i| !values[i].is_nan()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![f64::NAN; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = mean;
        }
        i = j + 1;
    }
    out
}

/// One unit's components (value, weight) combined by `method`; NaN when a
/// component is missing, or when a geometric or harmonic mean meets a value
/// at or below zero.
pub fn aggregate(parts: &[(f64, f64)], method: Aggregate) -> f64 {
    let total: f64 = parts.iter().map(|(_, w)| w).sum();
    if total <= 0.0 || parts.iter().any(|(v, _)| v.is_nan()) {
        return f64::NAN;
    }
    match method {
        Aggregate::Arithmetic => parts.iter().map(|(v, w)| v * w).sum::<f64>() / total,
        _ if parts.iter().any(|(v, w)| *v <= 0.0 && *w > 0.0) => f64::NAN,
        Aggregate::Geometric => parts
            .iter()
            .map(|(v, w)| v.ln() * w / total)
            .sum::<f64>()
            .exp(),
        Aggregate::Harmonic => total / parts.iter().map(|(v, w)| w / v).sum::<f64>(),
    }
}

/// Ranks of scores, 1 for the highest; ties share the best rank of their
/// group (1, 2, 2, 4); units without a score have none.
pub fn rank_scores(scores: &[f64]) -> Vec<Option<u32>> {
    scores
        .iter()
        .map(|&s| {
            (!s.is_nan())
                .then(|| 1 + scores.iter().filter(|&&t| !t.is_nan() && t > s).count() as u32)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisations_by_hand() {
        let x = [2.0, 4.0, 6.0, f64::NAN];
        let mm = normalise(&x, Normalise::MinMax, 1.0, None);
        assert_eq!(&mm[..3], &[0.0, 50.0, 100.0]);
        assert!(mm[3].is_nan());
        assert_eq!(
            &normalise(&x, Normalise::MinMax, -1.0, None)[..3],
            &[100.0, 50.0, 0.0]
        );
        // mean 4, sd 2.
        assert_eq!(
            &normalise(&x, Normalise::ZScore, 1.0, None)[..3],
            &[-1.0, 0.0, 1.0]
        );
        assert_eq!(
            &normalise(&x, Normalise::Goalposts, 1.0, Some((0.0, 5.0)))[..3],
            &[40.0, 80.0, 100.0]
        );
        assert_eq!(
            &normalise(&[3.0, 1.0, 3.0], Normalise::Rank, 1.0, None),
            &[2.5, 1.0, 2.5]
        );
        assert_eq!(
            &normalise(&x, Normalise::DistanceToFrontier, 1.0, None)[..2],
            &[100.0 / 3.0, 200.0 / 3.0]
        );
    }

    #[test]
    fn aggregations_by_hand() {
        let parts = [(4.0, 1.0), (16.0, 1.0)];
        assert_eq!(aggregate(&parts, Aggregate::Arithmetic), 10.0);
        assert!((aggregate(&parts, Aggregate::Geometric) - 8.0).abs() < 1e-12);
        assert!((aggregate(&parts, Aggregate::Harmonic) - 6.4).abs() < 1e-12);
        // Weights 3:1.
        assert_eq!(
            aggregate(&[(4.0, 3.0), (16.0, 1.0)], Aggregate::Arithmetic),
            7.0
        );
        assert!(aggregate(&[(0.0, 1.0), (1.0, 1.0)], Aggregate::Geometric).is_nan());
        assert_eq!(
            rank_scores(&[0.5, 0.9, 0.5, f64::NAN, 0.1]),
            [Some(2), Some(1), Some(2), None, Some(4)]
        );
    }
}
