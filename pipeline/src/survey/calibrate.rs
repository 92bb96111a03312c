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

use std::collections::HashMap;

use polars::prelude::*;

use super::codes::{Codes, index_column};
use super::columns::f64_values;
use super::design::PreparedDesign;
use crate::error::{Error, Result, choices};
use crate::spec::model::{CalibrationMethod, CalibrationSpec, Margin, Population};

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
    /// A design whose units are the categories and whose weights are the
    /// row weights v: summing a target over it gives Σ v·y per category.
    pub sums: PreparedDesign,
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

/// An auxiliary variable: a grouping of the rows (a margin's categories, or
/// one group for a numeric total), an optional numeric value per row, and
/// the population total of each group.
struct Auxiliary {
    of_row: Vec<u32>,
    names: Vec<String>,
    z: Option<Vec<f64>>,
    totals: Vec<f64>,
}

impl Auxiliary {
    fn count(&self) -> usize {
        self.names.len()
    }

    fn z(&self, row: usize) -> f64 {
        self.z.as_ref().map_or(1.0, |z| z[row])
    }

    /// Σ w·z per group.
    fn sample_totals(&self, w: &[f64]) -> Vec<f64> {
        let mut t = vec![0.0; self.count()];
        for (row, (&g, &w)) in self.of_row.iter().zip(w).enumerate() {
            t[g as usize] += w * self.z(row);
        }
        t
    }
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
                sums: PreparedDesign::grouped(&a.of_row, count, v),
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

/// A correction before the channels are built.
enum Pending {
    Linear(Vec<f64>),
    Rake {
        cross: Vec<Vec<Vec<f64>>>,
        rows: Vec<Vec<f64>>,
        psi: Vec<Vec<f64>>,
    },
}

/// The categorical margins must agree on the population size (and with
/// `population_size` when given), or no weights can meet them all.
fn consistent(margins: &[Auxiliary], size: Option<f64>) -> std::result::Result<(), String> {
    let sums: Vec<f64> = margins.iter().map(|a| a.totals.iter().sum()).collect();
    let reference = size.or_else(|| sums.first().copied());
    if let Some(r) = reference
        && let Some(s) = sums.iter().find(|s| (*s - r).abs() > 1e-9 * r.abs())
    {
        return Err(format!(
            "the margins' population counts add up to different sizes ({} against {r}); every margin (and `population_size`) must count the same population",
            s
        ));
    }
    Ok(())
}

/// The rows' categories of `margin` and its population counts. Every row
/// needs a category with a count; a category with a positive count needs a row.
fn margin(margin: &Margin, df: &DataFrame, dataset: &str) -> Result<Auxiliary> {
    let counts = population(margin, dataset)?;
    let fail = |m: String| match &margin.population {
        Population::File { path, .. } => Error::data(dataset, path, m),
        Population::Counts(_) => Error::Estimation {
            indicator: format!("(calibration of dataset `{dataset}`)"),
            message: format!("margin `{}`: {m}", margin.variables.join(CROSS)),
        },
    };
    let indexed: Vec<(Codes, Vec<String>)> = margin
        .variables
        .iter()
        .map(|v| {
            let c = df.column(v).map_err(|_| {
                Error::spec(format!(
                    "calibration variable `{v}` is not a column of dataset `{dataset}` — columns are: {}",
                    choices(df.get_column_names())
                ))
            })?;
            index_column(c)
        })
        .collect::<Result<_>>()?;
    // A combined code per row (mixed radix), then a category per distinct code.
    let n = df.height();
    let mut code = vec![0u64; n];
    for (codes, labels) in &indexed {
        let radix = labels.len() as u64 + 1;
        for (row, c) in code.iter_mut().enumerate() {
            let v = codes.get(row);
            *c = *c * radix
                + if v == u32::MAX {
                    labels.len() as u64
                } else {
                    u64::from(v)
                };
        }
    }
    let position: HashMap<&str, usize> = counts
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.as_str(), i))
        .collect();
    let mut category: HashMap<u64, u32> = HashMap::new();
    let mut of_row = vec![0u32; n];
    let mut rows = vec![0usize; counts.len()];
    for (row, (g, c)) in of_row.iter_mut().zip(&code).enumerate() {
        let cat = match category.get(c) {
            Some(cat) => *cat,
            None => {
                let parts: Vec<&str> = indexed
                    .iter()
                    .map(|(codes, labels)| {
                        labels
                            .get(codes.get(row) as usize)
                            .map_or("", String::as_str)
                    })
                    .collect();
                if let Some(i) = indexed
                    .iter()
                    .position(|(codes, _)| codes.get(row) == u32::MAX)
                {
                    return Err(fail(format!(
                        "row {} has no value of calibration variable `{}`",
                        row + 1,
                        margin.variables[i]
                    )));
                }
                let key = parts.join(CROSS);
                let cat = *position.get(key.as_str()).ok_or_else(|| {
                    fail(format!(
                        "row {} is in category `{key}`, which has no population count — counts are for: {}",
                        row + 1,
                        choices(counts.iter().map(|(k, _)| k.as_str()))
                    ))
                })? as u32;
                category.insert(*c, cat);
                cat
            }
        };
        *g = cat;
        rows[cat as usize] += 1;
    }
    if let Some(i) = (0..counts.len()).find(|&i| rows[i] == 0 && counts[i].1 > 0.0) {
        return Err(fail(format!(
            "category `{}` has a population count but no row in the sample",
            counts[i].0
        )));
    }
    Ok(Auxiliary {
        of_row,
        z: None,
        totals: counts.iter().map(|(_, n)| *n).collect(),
        names: counts.into_iter().map(|(k, _)| k).collect(),
    })
}

/// A margin's counts by category (values joined by ` × `).
fn population(margin: &Margin, dataset: &str) -> Result<Vec<(String, f64)>> {
    let (path, count) = match &margin.population {
        Population::Counts(c) => {
            if let Some((k, v)) = c.iter().find(|(_, v)| !(v.is_finite() && *v >= 0.0)) {
                return Err(Error::spec(format!(
                    "dataset `{dataset}`: the population count of `{k}` must be a non-negative number, not {v}"
                )));
            }
            return Ok(c.clone());
        }
        Population::File { path, count } => (path, count),
    };
    let err = |m: String| Error::data(dataset, path, m);
    let text = std::fs::read_to_string(path)
        .map_err(|e| err(format!("cannot read the population counts: {e}")))?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| err(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let col = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            err(format!(
                "no column `{name}` — columns are: {}",
                choices(&header)
            ))
        })
    };
    let var_cols: Vec<usize> = margin
        .variables
        .iter()
        .map(|v| col(v))
        .collect::<Result<_>>()?;
    let count_col = col(count)?;
    let mut totals = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| err(e.to_string()))?;
        let key: Vec<&str> = var_cols.iter().map(|&c| rec.get(c).unwrap_or("")).collect();
        let n: f64 = rec
            .get(count_col)
            .and_then(|v| v.trim().parse().ok())
            .filter(|n: &f64| n.is_finite() && *n >= 0.0)
            .ok_or_else(|| {
                err(format!(
                    "line {}: `{count}` must be a non-negative number",
                    i + 2
                ))
            })?;
        totals.push((key.join(CROSS), n));
    }
    Ok(totals)
}

/// R's `postStratify`: w · N_g / Σ_g w.
fn post_stratify(aux: &Auxiliary, w: &[f64]) -> Vec<f64> {
    let sample = aux.sample_totals(w);
    w.iter()
        .zip(&aux.of_row)
        .map(|(w, g)| w * (aux.totals[*g as usize] / sample[*g as usize]))
        .collect()
}

/// The matrix Σ_i w_i X_i X_i' over every auxiliary's columns (row-major).
fn cross_products(aux: &[Auxiliary], w: &[f64]) -> (Vec<f64>, usize) {
    let offsets: Vec<usize> = aux
        .iter()
        .scan(0, |o, a| {
            let here = *o;
            *o += a.count();
            Some(here)
        })
        .collect();
    let p: usize = aux.iter().map(Auxiliary::count).sum();
    let mut m = vec![0.0; p * p];
    for (row, &w) in w.iter().enumerate() {
        for (a, &oa) in aux.iter().zip(&offsets) {
            let i = oa + a.of_row[row] as usize;
            let wa = w * a.z(row);
            for (b, &ob) in aux.iter().zip(&offsets) {
                m[i * p + ob + b.of_row[row] as usize] += wa * b.z(row);
            }
        }
    }
    (m, p)
}

/// X λ for every row, λ split by auxiliary.
fn fitted(aux: &[Auxiliary], lambda: &[f64], n: usize) -> Vec<f64> {
    let mut start = 0;
    let parts: Vec<&[f64]> = aux
        .iter()
        .map(|a| {
            start += a.count();
            &lambda[start - a.count()..start]
        })
        .collect();
    (0..n)
        .map(|row| {
            aux.iter()
                .zip(&parts)
                .map(|(a, l)| a.z(row) * l[a.of_row[row] as usize])
                .sum()
        })
        .collect()
}

/// The population totals less the sample totals with weights `w`.
fn misfit(aux: &[Auxiliary], w: &[f64]) -> Vec<f64> {
    aux.iter()
        .flat_map(|a| {
            let s = a.sample_totals(w);
            a.totals
                .iter()
                .zip(s)
                .map(|(t, s)| t - s)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Unbounded linear calibration (R's `regcalibrate`): g = 1 + X (X'DX)⁻ (T − t̂).
fn linear(aux: &[Auxiliary], w: &[f64]) -> Vec<f64> {
    let (m, p) = cross_products(aux, w);
    let lambda = solve(&m, p, &misfit(aux, w));
    let xl = fitted(aux, &lambda, w.len());
    w.iter().zip(xl).map(|(w, x)| w * (1.0 + x)).collect()
}

/// Bounded linear calibration: R's `grake` with `cal.linear` — Newton steps
/// on g = clamp(1 + Xη, lower, upper) until every total is met within
/// `epsilon` relative to 1 + |total|.
fn bounded(
    aux: &[Auxiliary],
    w: &[f64],
    (lower, upper): (f64, f64),
    epsilon: f64,
    max_iterations: usize,
) -> std::result::Result<Vec<f64>, String> {
    const SOME_THRESHOLD: f64 = 20.0;
    let n = w.len();
    let population: Vec<f64> = aux.iter().flat_map(|a| a.totals.clone()).collect();
    // Weights far below the population totals are first scaled up, as R does.
    let sample: Vec<f64> = aux.iter().flat_map(|a| a.sample_totals(w)).collect();
    let scales: Vec<f64> = population.iter().zip(&sample).map(|(t, s)| t / s).collect();
    let scale = (scales.iter().copied().fold(f64::INFINITY, f64::min) > SOME_THRESHOLD)
        .then(|| scales.iter().sum::<f64>() / scales.len() as f64);
    let ww: Vec<f64> = w.iter().map(|w| w * scale.unwrap_or(1.0)).collect();
    let p = population.len();
    let mut eta = vec![0.0; p];
    let mut xeta = vec![0.0; n];
    let g_of = |u: f64| (u + 1.0).max(lower).min(upper);
    let inside = |u: f64| u < upper - 1.0 && u > lower - 1.0;
    let mut iter = 1;
    loop {
        let active: Vec<f64> = ww
            .iter()
            .zip(&xeta)
            .map(|(w, u)| if inside(*u) { *w } else { 0.0 })
            .collect();
        let (tmat, _) = cross_products(aux, &active);
        let current: Vec<f64> = ww.iter().zip(&xeta).map(|(w, u)| w * g_of(*u)).collect();
        let step = solve(&tmat, p, &misfit(aux, &current));
        eta.iter_mut().zip(&step).for_each(|(e, s)| *e += s);
        xeta = fitted(aux, &eta, n);
        let current: Vec<f64> = ww.iter().zip(&xeta).map(|(w, u)| w * g_of(*u)).collect();
        let miss = misfit(aux, &current);
        let worst = miss
            .iter()
            .zip(&population)
            .map(|(m, t)| m.abs() / (1.0 + t.abs()))
            .fold(0.0, f64::max);
        if worst < epsilon {
            break;
        }
        iter += 1;
        if iter > max_iterations {
            return Err(format!(
                "bounded calibration did not converge in {max_iterations} iterations (largest misfit {worst:.3e} of a total); widen `bounds` or raise `max_iterations`"
            ));
        }
    }
    Ok(w.iter()
        .zip(&xeta)
        .map(|(w, u)| w * g_of(*u) * scale.unwrap_or(1.0))
        .collect())
}

/// The GREG correction: a generalised inverse of X'DX with the initial weights.
fn linear_correction(aux: &[Auxiliary], initial: &[f64]) -> Pending {
    let (m, p) = cross_products(aux, initial);
    let mut inverse = vec![0.0; p * p];
    for j in 0..p {
        let mut e = vec![0.0; p];
        e[j] = 1.0;
        for (i, v) in solve(&m, p, &e).into_iter().enumerate() {
            inverse[i * p + j] = v;
        }
    }
    Pending::Linear(inverse)
}

/// How many raking iterations to run.
#[derive(Clone, Copy)]
enum Sweeps {
    /// Until no cell of the margins' cross-table moves by `epsilon` or more,
    /// at most the given number of iterations (R's `rake`).
    UntilConverged(f64, usize),
    /// Exactly this many (replicates follow the full sample).
    Exactly(usize),
}

struct Raked {
    weights: Vec<f64>,
    /// ψ_k: the weights right after margin k's step in the last iteration.
    psi: Vec<Vec<f64>>,
    sweeps: usize,
    converged: bool,
}

/// R's `rake`: post-stratifies to each margin in turn, iteration after
/// iteration, until the cross-table of all margins stops moving.
fn rake(aux: &[Auxiliary], mut w: Vec<f64>, sweeps: Sweeps) -> Raked {
    // The cell of each row in the cross of every margin.
    let mut cells: HashMap<Vec<u32>, u32> = HashMap::new();
    let cell: Vec<u32> = (0..w.len())
        .map(|row| {
            let key: Vec<u32> = aux.iter().map(|a| a.of_row[row]).collect();
            let next = cells.len() as u32;
            *cells.entry(key).or_insert(next)
        })
        .collect();
    let table = |w: &[f64]| {
        let mut t = vec![0.0; cells.len()];
        for (c, w) in cell.iter().zip(w) {
            t[*c as usize] += w;
        }
        t
    };
    let mut old = table(&w);
    let mut psi = Vec::new();
    let (mut done, mut converged) = (0, false);
    let cap = match sweeps {
        Sweeps::UntilConverged(_, cap) => cap,
        Sweeps::Exactly(k) => k,
    };
    while done < cap {
        psi.clear();
        for a in aux {
            w = post_stratify(a, &w);
            psi.push(w.clone());
        }
        done += 1;
        if let Sweeps::UntilConverged(epsilon, _) = sweeps {
            let new = table(&w);
            let delta = old
                .iter()
                .zip(&new)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            if delta < epsilon {
                converged = true;
                break;
            }
            old = new;
        }
    }
    Raked {
        weights: w,
        psi,
        sweeps: done,
        converged,
    }
}

/// The raking correction's design constants.
fn rake_correction(aux: &[Auxiliary], raked: &Raked) -> Pending {
    let cross = aux
        .iter()
        .zip(&raked.psi)
        .map(|(ak, pk)| {
            aux.iter()
                .zip(&raked.psi)
                .map(|(aj, pj)| {
                    let cj = aj.count();
                    let mut m = vec![0.0; ak.count() * cj];
                    for row in 0..pk.len() {
                        m[ak.of_row[row] as usize * cj + aj.of_row[row] as usize] +=
                            pj[row] / pk[row];
                    }
                    m
                })
                .collect()
        })
        .collect();
    let rows = aux
        .iter()
        .map(|a| {
            let mut r = vec![0.0; a.count()];
            a.of_row.iter().for_each(|g| r[*g as usize] += 1.0);
            r
        })
        .collect();
    Pending::Rake {
        cross,
        rows,
        psi: raked.psi.clone(),
    }
}

/// Solves M x = b for a symmetric positive semi-definite M (p × p,
/// row-major) by an LDLᵀ factorisation that skips negligible pivots: for a
/// singular M (collinear auxiliaries, such as the full indicators of two
/// margins) it returns one solution of the consistent system.
fn solve(m: &[f64], p: usize, b: &[f64]) -> Vec<f64> {
    let mut l = vec![0.0; p * p];
    let mut d = vec![0.0; p];
    for k in 0..p {
        let mut dk = m[k * p + k];
        for j in 0..k {
            dk -= l[k * p + j] * l[k * p + j] * d[j];
        }
        let scale = m[k * p + k].abs().max(f64::MIN_POSITIVE);
        if dk <= 1e-10 * scale {
            continue; // a dependent column: d_k = 0, its L column zero
        }
        d[k] = dk;
        l[k * p + k] = 1.0;
        for i in k + 1..p {
            let mut v = m[i * p + k];
            for j in 0..k {
                v -= l[i * p + j] * l[k * p + j] * d[j];
            }
            l[i * p + k] = v / dk;
        }
    }
    let mut y = b.to_vec();
    for i in 0..p {
        for j in 0..i {
            y[i] -= l[i * p + j] * y[j];
        }
    }
    let mut x: Vec<f64> = y
        .iter()
        .zip(&d)
        .map(|(y, d)| if *d > 0.0 { y / d } else { 0.0 })
        .collect();
    for i in (0..p).rev() {
        for j in i + 1..p {
            x[i] -= l[j * p + i] * x[j];
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::solve;

    #[test]
    fn solves_a_singular_consistent_system() {
        // Two margins' full indicators: columns (a, b, c, d) with a + b = c + d.
        // Rows: (a,c) w=1, (a,d) w=2, (b,c) w=3, (b,d) w=4.
        let m = [
            3.0, 0.0, 1.0, 2.0, //
            0.0, 7.0, 3.0, 4.0, //
            1.0, 3.0, 4.0, 0.0, //
            2.0, 4.0, 0.0, 6.0,
        ];
        let x_true = [1.0, -2.0, 0.5, 3.0];
        let b: Vec<f64> = (0..4)
            .map(|i| (0..4).map(|j| m[i * 4 + j] * x_true[j]).sum())
            .collect();
        let x = solve(&m, 4, &b);
        for i in 0..4 {
            let mx: f64 = (0..4).map(|j| m[i * 4 + j] * x[j]).sum();
            assert!((mx - b[i]).abs() < 1e-12, "row {i}: {mx} vs {}", b[i]);
        }
    }
}
