//! What the linearised variance takes out after calibration (R's
//! `svyrecvar`): the design constants of the GREG and raking corrections.

use super::margins::Auxiliary;
use super::weighting::{Raked, cross_products};
use crate::survey::linalg::solve;

/// A correction before the channels are built.
pub(super) enum Pending {
    Linear(Vec<f64>),
    Rake {
        cross: Vec<Vec<Vec<f64>>>,
        rows: Vec<Vec<f64>>,
        psi: Vec<Vec<f64>>,
    },
}

/// The GREG correction: a generalised inverse of X'DX with the initial weights.
pub(super) fn linear_correction(aux: &[Auxiliary], initial: &[f64]) -> Pending {
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

/// The raking correction's design constants.
pub(super) fn rake_correction(aux: &[Auxiliary], raked: &Raked) -> Pending {
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
