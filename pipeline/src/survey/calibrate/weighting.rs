//! The weighting algorithms, with R's meanings: post-stratification, linear
//! (GREG) calibration, bounded linear calibration and raking.

use std::collections::HashMap;

use super::margins::Auxiliary;
use crate::survey::linalg::solve;

/// R's `postStratify`: w · N_g / Σ_g w.
pub(super) fn post_stratify(aux: &Auxiliary, w: &[f64]) -> Vec<f64> {
    let sample = aux.sample_totals(w);
    w.iter()
        .zip(&aux.of_row)
        .map(|(w, g)| w * (aux.totals[*g as usize] / sample[*g as usize]))
        .collect()
}

/// The matrix Σ_i w_i X_i X_i' over every auxiliary's columns (row-major).
pub(super) fn cross_products(aux: &[Auxiliary], w: &[f64]) -> (Vec<f64>, usize) {
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
pub(super) fn fitted(aux: &[Auxiliary], lambda: &[f64], n: usize) -> Vec<f64> {
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
pub(super) fn misfit(aux: &[Auxiliary], w: &[f64]) -> Vec<f64> {
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
pub(super) fn linear(aux: &[Auxiliary], w: &[f64]) -> Vec<f64> {
    let (m, p) = cross_products(aux, w);
    let lambda = solve(&m, p, &misfit(aux, w));
    let xl = fitted(aux, &lambda, w.len());
    w.iter().zip(xl).map(|(w, x)| w * (1.0 + x)).collect()
}

/// Bounded linear calibration: R's `grake` with `cal.linear` — Newton steps
/// on g = clamp(1 + Xη, lower, upper) until every total is met within
/// `epsilon` relative to 1 + |total|.
pub(super) fn bounded(
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

/// How many raking iterations to run.
#[derive(Clone, Copy)]
pub(super) enum Sweeps {
    /// Until no cell of the margins' cross-table moves by `epsilon` or more,
    /// at most the given number of iterations (R's `rake`).
    UntilConverged(f64, usize),
    /// Exactly this many (replicates follow the full sample).
    Exactly(usize),
}

pub(super) struct Raked {
    /// The raked weights.
    pub weights: Vec<f64>,
    /// ψ_k: the weights right after margin k's step in the last iteration.
    pub psi: Vec<Vec<f64>>,
    /// Iterations run.
    pub sweeps: usize,
    /// Whether the cross-table stopped moving within the cap.
    pub converged: bool,
}

/// R's `rake`: post-stratifies to each margin in turn, iteration after
/// iteration, until the cross-table of all margins stops moving.
pub(super) fn rake(aux: &[Auxiliary], mut w: Vec<f64>, sweeps: Sweeps) -> Raked {
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
