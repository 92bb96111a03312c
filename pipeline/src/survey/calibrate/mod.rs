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
use super::correction::{Calibration, Channel, Correction, Summary};
use super::design::{PreparedDesign, Variance};
use super::diagnostics::GWeights;
use crate::error::{Error, Result, choices};
use crate::spec::model::{CalibrationMethod, CalibrationSpec, DesignSpec};

mod margins;
mod variance;
mod weighting;

use margins::{Auxiliary, consistent, margin};
use variance::{Pending, linear_correction, rake_correction};
use weighting::{Sweeps, bounded, linear, post_stratify, rake};

/// Separator between the values of a crossed margin's category.
const CROSS: &str = " × ";

/// What [`calibrate`] returns: the calibrated weights, the variance
/// correction (for a linearisation design) and a summary.
type Calibrated = (Vec<f64>, Option<Calibration>, Summary);

/// R's `calibrate(design, …)`: `design` with its weights calibrated as the
/// spec's `poststratify`, `rake` or `calibrate` table asks, and what the
/// variance must take out (a linearisation design) or its replicate weights
/// recalibrated one by one (a replicate design). Without calibration in the
/// spec, the design as it is.
pub fn calibrated(
    design: PreparedDesign,
    spec: &DesignSpec,
    df: &DataFrame,
    dataset: &str,
) -> Result<PreparedDesign> {
    let Some(c) = &spec.calibration else {
        return Ok(design);
    };
    match design.variance {
        Variance::Census => Ok(design),
        Variance::Replicate(replicates) => {
            // Replicates built from the design sum per unit of it; read ones
            // per factor pattern.
            let built = spec.replicates.as_ref().is_some_and(|r| r.build);
            let unit = if built { design.unit.as_slice() } else { &[] };
            let mut columns = replicates.columns(&design.weights, unit);
            let (weights, _, summary) =
                calibrate(c, df, dataset, design.weights, Some(&mut columns), None)?;
            let replicates = replicates.with_columns(columns, &weights);
            Ok(PreparedDesign {
                calibrated: Some(summary),
                ..PreparedDesign::replicate(weights, replicates, design.lonely_psu)
            })
        }
        Variance::Linearised { .. } => {
            let mut design = design;
            let initial = std::mem::take(&mut design.weights);
            let units = (design.unit.as_slice(), design.unit_psu.len());
            let (weights, calibration, summary) =
                calibrate(c, df, dataset, initial, None, Some(units))?;
            Ok(PreparedDesign {
                weights,
                variance: Variance::Linearised { calibration },
                calibrated: Some(summary),
                ..design
            })
        }
    }
}

/// Calibrates `weights` to `spec`; also recalibrates every column of
/// `replicates` (analysis weights). Returns the calibrated weights and, for
/// a linearisation design (`unit` given with its unit count), the variance
/// correction.
fn calibrate(
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
        g: None,
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
    summary.g = GWeights::of(&initial, &weights, summary.bounds);
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
