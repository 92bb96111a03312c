//! Calibration of survey weights to known population figures, as R's
//! `postStratify`, `rake` and `calibrate(calfun = "linear")` compute them,
//! and what the linearised variance takes out afterwards (R's `svyrecvar`):
//!
//! - post-stratification and linear (GREG) calibration: each row's influence
//!   value x becomes x − w·X β, the residual of its regression on the
//!   auxiliaries X with weights d (the initial weights), β = (X'DX)⁻ Σ X x/g;
//!   post-stratification is the case of X = the post-strata's indicators;
//! - raking: ten sweeps in which each margin in turn takes out, per category,
//!   ψ_k times the category's mean of x/ψ_k, where ψ_k are the weights right
//!   after that margin's post-stratification in the last raking iteration.
//!
//! Every correction is linear in the influence values, so the estimation pass
//! sums, per domain, the few numbers it needs per auxiliary category (Σ v·y
//! and Σ v·x with the row weights v of a [`Channel`]); the per-unit part of
//! the correction is a constant of the design.
//!
//! Replicate weights are recalibrated one by one with the same method, as R
//! does for replicate designs (raking runs as many sweeps as the full sample
//! needed).

use polars::prelude::*;

use super::accumulate::Grouped;
use super::columns::f64_values;
use crate::error::{Error, Result, choices};
use crate::spec::model::{CalibrationMethod, CalibrationSpec};

mod margins;
mod variance;
mod weighting;

use margins::{Auxiliary, consistent, margin};
use variance::{Pending, linear_correction, rake_correction};
use weighting::{Sweeps, bounded, linear, post_stratify, rake};

/// Separator between the values of a crossed margin's category.
const CROSS: &str = " × ";

/// A calibrated design's variance correction.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The auxiliary groupings whose domain sums the correction needs.
    pub channels: Vec<Channel>,
    correction: Correction,
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
}

/// One auxiliary grouping of the rows, with the row weights of its domain sums.
#[derive(Debug, Clone)]
pub struct Channel {
    /// The rows grouped by category with the row weights v: summing a
    /// target over them gives Σ v·y per category.
    pub sums: Grouped,
    /// Σ over each unit's rows of the weight the correction multiplies:
    /// `[unit * count + category]`.
    unit_weight: Vec<f64>,
    count: usize,
}

#[derive(Debug, Clone)]
enum Correction {
    /// β = G s, with G a generalised inverse of X'DX (p × p, row-major).
    Linear { inverse: Vec<f64> },
    /// Raking sweeps: `cross[k][j][c * count_j + c']` = Σ ψ_j/ψ_k over rows in
    /// category c of margin k and c' of margin j; `rows[k][c]` rows per category.
    Rake {
        cross: Vec<Vec<Vec<f64>>>,
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

/// What [`calibrate`] returns: the calibrated weights, the variance
/// correction (for a linearisation design) and a summary.
pub type Calibrated = (Vec<f64>, Option<Calibration>, Summary);

/// Calibrates `weights` to `spec`; also recalibrates every column of
/// `replicates` (analysis weights). Returns the calibrated weights and, for
/// a linearisation design (`unit` given with its unit count), the variance
/// correction.
pub fn calibrate(
    spec: &CalibrationSpec,
    df: &DataFrame,
    dataset: &str,
    weights: Vec<f64>,
    replicates: Option<&mut Vec<Vec<f64>>>,
    units: Option<(&[u32], usize)>,
) -> Result<Calibrated> {
    let err = |m: String| Error::Estimation {
        indicator: format!("(calibration of dataset `{dataset}`)"),
        message: m,
    };
    let mut aux: Vec<Auxiliary> = spec
        .margins
        .iter()
        .map(|m| margin(m, df, dataset))
        .collect::<Result<_>>()?;
    let n_margins = aux.len();
    if let CalibrationMethod::Linear {
        totals,
        population_size,
        ..
    } = &spec.method
    {
        for (name, total) in totals {
            let col = df.column(name).map_err(|_| {
                Error::spec(format!(
                    "calibration total `{name}` is not a column of dataset `{dataset}` — columns are: {}",
                    choices(df.get_column_names())
                ))
            })?;
            let z = f64_values(col)?;
            if let Some(i) = z.iter().position(|v| !v.is_finite()) {
                return Err(err(format!(
                    "calibration variable `{name}` is missing in row {}",
                    i + 1
                )));
            }
            aux.push(Auxiliary {
                of_row: vec![0; df.height()],
                names: vec![name.clone()],
                z: Some(z),
                totals: vec![*total],
            });
        }
        if let Some(n) = population_size
            && n_margins == 0
        {
            aux.push(Auxiliary {
                of_row: vec![0; df.height()],
                names: vec!["population size".into()],
                z: None,
                totals: vec![*n],
            });
        }
        consistent(&aux[..n_margins], *population_size).map_err(err)?;
    } else {
        consistent(&aux, None).map_err(err)?;
    }
    let initial = weights;
    let mut summary = Summary {
        method: "poststratify",
        margins: spec
            .margins
            .iter()
            .map(|m| m.variables.join(CROSS))
            .collect(),
        totals: aux[n_margins..]
            .iter()
            .flat_map(|a| a.names.clone())
            .collect(),
        bounds: None,
        iterations: None,
        converged: true,
    };
    let (weights, correction) = match &spec.method {
        CalibrationMethod::PostStratify => {
            if let Some(reps) = replicates {
                reps.iter_mut().for_each(|r| *r = post_stratify(&aux[0], r));
            }
            let w = post_stratify(&aux[0], &initial);
            (w, linear_correction(&aux, &initial))
        }
        CalibrationMethod::Linear {
            bounds,
            epsilon,
            max_iterations,
            ..
        } => {
            let solve = |w: &[f64]| match bounds {
                None => Ok(linear(&aux, w)),
                Some(b) => bounded(&aux, w, *b, *epsilon, *max_iterations).map_err(err),
            };
            if let Some(reps) = replicates {
                for r in reps.iter_mut() {
                    *r = solve(r)?;
                }
            }
            let w = solve(&initial)?;
            summary.method = "linear";
            summary.bounds = *bounds;
            (w, linear_correction(&aux, &initial))
        }
        CalibrationMethod::Rake {
            epsilon,
            max_iterations,
        } => {
            let eps = if *epsilon < 1.0 {
                epsilon * initial.iter().sum::<f64>()
            } else {
                *epsilon
            };
            let raked = rake(
                &aux,
                initial.clone(),
                Sweeps::UntilConverged(eps, *max_iterations),
            );
            if let Some(reps) = replicates {
                for r in reps.iter_mut() {
                    *r = rake(&aux, std::mem::take(r), Sweeps::Exactly(raked.sweeps)).weights;
                }
            }
            summary.method = "rake";
            summary.iterations = Some(raked.sweeps);
            summary.converged = raked.converged;
            let correction = rake_correction(&aux, &raked);
            (raked.weights, correction)
        }
    };
    let Some((unit, n_units)) = units else {
        return Ok((weights, None, summary));
    };
    // Per channel: the row weights v of its domain sums, and the weight ψ
    // each unit's rows give the correction.
    let (correction, row_weights, psi): (Correction, Vec<Vec<f64>>, Vec<Vec<f64>>) =
        match correction {
            Pending::Linear(inverse) => (
                Correction::Linear { inverse },
                aux.iter()
                    .map(|a| (0..initial.len()).map(|i| initial[i] * a.z(i)).collect())
                    .collect(),
                aux.iter()
                    .map(|a| (0..weights.len()).map(|i| weights[i] * a.z(i)).collect())
                    .collect(),
            ),
            Pending::Rake { cross, rows, psi } => (
                Correction::Rake { cross, rows },
                psi.iter()
                    .map(|p| weights.iter().zip(p).map(|(w, p)| w / p).collect())
                    .collect(),
                psi,
            ),
        };
    let channels = aux
        .iter()
        .zip(row_weights)
        .zip(psi)
        .map(|((a, v), psi)| {
            let count = a.count();
            let mut unit_weight = vec![0.0; n_units * count];
            for ((u, g), p) in unit.iter().zip(&a.of_row).zip(&psi) {
                unit_weight[*u as usize * count + *g as usize] += p;
            }
            Channel {
                sums: Grouped {
                    weights: v,
                    group: a.of_row.clone(),
                    count,
                },
                unit_weight,
                count,
            }
        })
        .collect();
    Ok((
        weights,
        Some(Calibration {
            channels,
            correction,
        }),
        summary,
    ))
}
