//! The classes of a sequential colour scale (maps and heatmaps), by the
//! chart's `classes`: equal-width ("nice" bounds), quantiles (as many
//! values in each class) or Jenks's natural breaks (Fisher's exact optimal
//! grouping: the least squared deviation within classes). Quantile and
//! Jenks breaks are rounded to two significant digits of the values' range,
//! so that a legend reads "10–20", not "9.73–21.4".

use plotters::style::RGBColor;

use super::{Figure, Point, drawn, theme};
use crate::spec::model::Classes;

/// The class bounds of the drawn values of `points`: at most `n` classes.
pub fn bounds(points: &[Point], n: usize, method: Classes) -> Vec<f64> {
    let mut values: Vec<f64> = points
        .iter()
        .filter(|p| drawn(p))
        .filter_map(|p| p.value)
        .collect();
    values.sort_by(f64::total_cmp);
    let (Some(&lo), Some(&hi)) = (values.first(), values.last()) else {
        return vec![0.0, 1.0];
    };
    let equal = || {
        let ticks = theme::ticks(lo, hi.max(lo + f64::EPSILON), n);
        if ticks.len() < 2 { vec![lo, hi] } else { ticks }
    };
    let inner: Vec<f64> = match method {
        Classes::Equal => return equal(),
        Classes::Quantile => (1..n).map(|k| values[(k * values.len()) / n]).collect(),
        Classes::Jenks => jenks(&values, n),
    };
    rounded(lo, hi, &inner)
}

/// Fisher–Jenks: the lower value of each class but the first in the
/// grouping of the sorted `values` into at most `n` classes with the least
/// total squared deviation from the class means (dynamic programming over
/// the cut points, O(n · values²)).
fn jenks(values: &[f64], n: usize) -> Vec<f64> {
    let m = values.len();
    let k = n.min(m).max(1);
    // Prefix sums for the squared deviation of values[i..j].
    let mut s1 = vec![0.0; m + 1];
    let mut s2 = vec![0.0; m + 1];
    for (i, v) in values.iter().enumerate() {
        s1[i + 1] = s1[i] + v;
        s2[i + 1] = s2[i] + v * v;
    }
    let ssd = |i: usize, j: usize| {
        let (sum, sq, len) = (s1[j] - s1[i], s2[j] - s2[i], (j - i) as f64);
        sq - sum * sum / len
    };
    // cost[c][j]: the best cost of the first j values in c + 1 classes;
    // cut[c][j]: where its last class starts.
    let mut cost = vec![vec![f64::INFINITY; m + 1]; k];
    let mut cut = vec![vec![0usize; m + 1]; k];
    for (j, c) in cost[0].iter_mut().enumerate().skip(1) {
        *c = ssd(0, j);
    }
    for c in 1..k {
        for j in c + 1..=m {
            for i in c..j {
                let v = cost[c - 1][i] + ssd(i, j);
                if v < cost[c][j] {
                    cost[c][j] = v;
                    cut[c][j] = i;
                }
            }
        }
    }
    let mut starts = Vec::new();
    let mut j = m;
    for c in (1..k).rev() {
        j = cut[c][j];
        starts.push(values[j]);
    }
    starts.reverse();
    starts
}

/// The bounds from `lo` to `hi` with the `inner` breaks rounded to two
/// significant digits of the range, kept strictly increasing.
fn rounded(lo: f64, hi: f64, inner: &[f64]) -> Vec<f64> {
    let range = (hi - lo).abs().max(f64::EPSILON);
    let step = 10f64.powf(range.log10().floor() - 1.0);
    let round = |v: f64| (v / step).round() * step;
    let mut out = vec![(lo / step).floor() * step];
    for &b in inner {
        let b = round(b);
        if b > out[out.len() - 1] && b <= hi {
            out.push(b);
        }
    }
    // The top bound above the highest value (a class starting at the
    // highest value, an outlier's, is one step wide).
    let top = (hi / step).ceil() * step;
    let last = out[out.len() - 1];
    out.push(if top > last { top } else { last + step });
    out
}

/// The class colour of `v` given class `bounds`.
pub fn colour(bounds: &[f64], v: f64) -> RGBColor {
    let classes = bounds.len().saturating_sub(1).max(1);
    let i = bounds
        .windows(2)
        .position(|w| v < w[1])
        .unwrap_or(classes - 1);
    theme::sequential(if classes == 1 {
        1.0
    } else {
        i as f64 / (classes - 1) as f64
    })
}

/// The legend entries of class `bounds`: "lo–hi" in the figure's format.
pub fn legend(fig: &Figure, bounds: &[f64]) -> Vec<(RGBColor, String)> {
    bounds
        .windows(2)
        .map(|w| {
            (
                colour(bounds, w[0]),
                format!(
                    "{}–{}",
                    fig.fmt_tick(w[0], bounds),
                    fig.fmt_tick(w[1], bounds)
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jenks_isolates_the_outlier_and_splits_the_rest_by_hand() {
        // Two classes of 1, 2, 3, 10, 11, 12: {1, 2, 3} and {10, 11, 12}.
        assert_eq!(jenks(&[1.0, 2.0, 3.0, 10.0, 11.0, 12.0], 2), [10.0]);
        // Three classes of 1, 2, 3, 4, 5, 100: the outlier alone; of the
        // rest, {1, 2} | {3, 4, 5} and {1, 2, 3} | {4, 5} tie (squared
        // deviations 0.5 + 2 = 2 + 0.5) and the first found is kept.
        assert_eq!(jenks(&[1.0, 2.0, 3.0, 4.0, 5.0, 100.0], 3), [3.0, 100.0]);
    }

    #[test]
    fn breaks_are_rounded_to_two_significant_digits_of_the_range() {
        assert_eq!(rounded(9.73, 98.2, &[21.4, 55.55]), [9.0, 21.0, 56.0, 99.0]);
        assert_eq!(rounded(0.0, 1000.0, &[333.3]), [0.0, 300.0, 1000.0]);
        // An outlier's class: from it, one step wide.
        assert_eq!(rounded(1.0, 100.0, &[4.0, 100.0]), [1.0, 4.0, 100.0, 101.0]);
    }
}
