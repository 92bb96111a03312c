//! What the linearised variance of a calibrated design takes out (R's
//! `svyrecvar` after `postStratify`, `rake` or `calibrate`): the
//! correction's design constants, and the correction of a domain's unit
//! totals from the sums the estimation pass gathered per auxiliary
//! category. [`super::calibrate`] builds it; [`super::estimate`] applies it.

use super::accumulate::Grouped;

/// A calibrated design's variance correction.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The auxiliary groupings whose domain sums the correction needs.
    pub channels: Vec<Channel>,
    /// The correction's design constants.
    pub correction: Correction,
}

/// What a calibration did, for the methods section.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Summary {
    /// "poststratify", "rake" or "linear".
    pub method: &'static str,
    /// The margins, each as its variables joined by ` × `.
    pub margins: Vec<String>,
    /// Numeric auxiliary totals (linear calibration).
    pub totals: Vec<String>,
    /// Bounds on the g-weights (bounded linear calibration).
    pub bounds: Option<(f64, f64)>,
    /// Raking iterations run.
    pub iterations: Option<usize>,
    /// Whether raking converged within its iteration cap.
    pub converged: bool,
    /// The g-weights (calibrated over initial weights).
    pub g: Option<super::diagnostics::GWeights>,
}

/// One auxiliary grouping of the rows, with the row weights of its domain sums.
#[derive(Debug, Clone)]
pub struct Channel {
    /// The rows grouped by category with the row weights v: summing a
    /// target over them gives Σ v·y per category.
    pub sums: Grouped,
    /// Σ over each unit's rows of the weight the correction multiplies:
    /// `[unit * count + category]`.
    pub unit_weight: Vec<f64>,
    /// Number of categories.
    pub count: usize,
}

/// How the coefficients of a domain's correction follow from its sums.
#[derive(Debug, Clone)]
pub enum Correction {
    /// β = G s, with G a generalised inverse of X'DX (p × p, row-major).
    Linear {
        /// G, row-major.
        inverse: Vec<f64>,
    },
    /// Raking sweeps: `cross[k][j][c * count_j + c']` = Σ ψ_j/ψ_k over rows in
    /// category c of margin k and c' of margin j; `rows[k][c]` rows per category.
    Rake {
        /// Σ ψ_j/ψ_k per pair of categories of two margins.
        cross: Vec<Vec<Vec<f64>>>,
        /// Rows per category of each margin.
        rows: Vec<Vec<f64>>,
    },
}

impl Calibration {
    /// The unit totals of a domain's influence values less the part the
    /// calibration fixes. `s[k][c]` is the domain's Σ v·(influence/w·W…)
    /// per channel and category, as [`crate::survey::estimate`] forms it.
    pub fn correct(&self, totals: &mut [f64], s: &[Vec<f64>]) {
        let coefficients: Vec<Vec<f64>> = match &self.correction {
            Correction::Linear { inverse } => {
                let flat: Vec<f64> = s.iter().flatten().copied().collect();
                let p = flat.len();
                let beta: Vec<f64> = (0..p)
                    .map(|i| (0..p).map(|j| inverse[i * p + j] * flat[j]).sum())
                    .collect();
                split(&beta, &self.channels)
            }
            Correction::Rake { cross, rows } => {
                let mut a: Vec<Vec<f64>> = s.iter().map(|v| vec![0.0; v.len()]).collect();
                for _ in 0..10 {
                    for k in 0..a.len() {
                        for c in 0..a[k].len() {
                            let mut m = s[k][c];
                            for (j, aj) in a.iter().enumerate() {
                                let row = &cross[k][j][c * aj.len()..(c + 1) * aj.len()];
                                m -= row.iter().zip(aj).map(|(x, y)| x * y).sum::<f64>();
                            }
                            a[k][c] += if rows[k][c] > 0.0 {
                                m / rows[k][c]
                            } else {
                                0.0
                            };
                        }
                    }
                }
                a
            }
        };
        for (u, t) in totals.iter_mut().enumerate() {
            for (ch, coef) in self.channels.iter().zip(&coefficients) {
                let uw = &ch.unit_weight[u * ch.count..(u + 1) * ch.count];
                *t -= uw.iter().zip(coef).map(|(x, y)| x * y).sum::<f64>();
            }
        }
    }
}

fn split(flat: &[f64], channels: &[Channel]) -> Vec<Vec<f64>> {
    let mut start = 0;
    channels
        .iter()
        .map(|c| {
            start += c.count;
            flat[start - c.count..start].to_vec()
        })
        .collect()
}
