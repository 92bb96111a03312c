//! Taylor-linearised variance of an estimator from its influence values
//! summed per PSU, as R's `svyrecvar` computes it for the first stage
//! (with-replacement approximation; `survey.ultimate.cluster` semantics for
//! single-stage designs):
//!
//! V = Σ_h (1 − f_h) · n_h / (n_h − 1) · Σ_j (t_hj − t̄_h)²
//!
//! where t_hj is the PSU total of the influence values, n_h the number of
//! PSUs in stratum h (every PSU of the design, including those outside the
//! domain, whose total is zero) and f_h the sampling fraction from `fpc`.
//! Single-PSU strata follow `lonely_psu` exactly as R's `onestrat`.

use super::design::{PreparedDesign, Stage2};
use crate::spec::model::LonelyPsu;

/// The variance of an estimator whose influence-value total in unit `j`
/// (PSU, or SSU of a two-stage design) is `unit_totals[j]`. Zero for a census.
/// `present` marks the strata holding a row of the domain (R's subset
/// design keeps only those; it matters for `lonely_psu = "average"`).
pub fn variance(design: &PreparedDesign, unit_totals: &[f64], present: &[bool]) -> f64 {
    if design.is_census() {
        return 0.0;
    }
    let Some(stage2) = &design.stage2 else {
        return first_stage(design, unit_totals, present);
    };
    let mut psu_totals = vec![0.0; design.n_psu()];
    for (t, p) in unit_totals.iter().zip(&design.unit_psu) {
        psu_totals[*p as usize] += t;
    }
    first_stage(design, &psu_totals, present) + second_stage(design, stage2, unit_totals)
}

/// R's `multistage` below the first stage: within each PSU, the SSU totals'
/// spread (centred on the PSU's mean, scaled by f₂ · n₂/(n₂ − 1)), weighted
/// by the first-stage sampling fraction n₁/N₁ — zero without a first-stage fpc.
fn second_stage(design: &PreparedDesign, stage2: &Stage2, unit_totals: &[f64]) -> f64 {
    let mut total = 0.0;
    let mut start = 0;
    for (p, &n2) in stage2.n_ssu.iter().enumerate() {
        let units = &unit_totals[start..start + n2 as usize];
        start += n2 as usize;
        let fraction = stage2.stage1_fraction[design.psu_stratum[p] as usize];
        let f2 = stage2.fpc_factor[p];
        if fraction <= 0.0 || f2 < 1e-7 {
            continue;
        }
        let v = if n2 > 1 {
            let mean = units.iter().sum::<f64>() / f64::from(n2);
            f2 * f64::from(n2) / f64::from(n2 - 1)
                * units.iter().map(|t| (t - mean) * (t - mean)).sum::<f64>()
        } else {
            match design.lonely_psu {
                LonelyPsu::Adjust => f2 * units[0] * units[0],
                LonelyPsu::Remove | LonelyPsu::Certainty | LonelyPsu::Fail | LonelyPsu::Average => {
                    0.0
                }
            }
        };
        total += fraction * v;
    }
    total
}

/// The first stage: Σ_h (1 − f_h) n_h/(n_h − 1) Σ_j (t_hj − t̄_h)².
fn first_stage(design: &PreparedDesign, psu_totals: &[f64], present: &[bool]) -> f64 {
    let n_strata = design.strata.len();
    let mut sum = vec![0.0; n_strata];
    for (j, &t) in psu_totals.iter().enumerate() {
        sum[design.psu_stratum[j] as usize] += t;
    }
    let mean: Vec<f64> = sum
        .iter()
        .zip(&design.strata)
        .map(|(s, st)| s / f64::from(st.n_psu))
        .collect();
    let mut ss = vec![0.0; n_strata];
    for (j, &t) in psu_totals.iter().enumerate() {
        let h = design.psu_stratum[j] as usize;
        let st = &design.strata[h];
        // R's "adjust": a lonely PSU is not centred (its deviation is from zero).
        let centre = if st.n_psu == 1 && design.lonely_psu == LonelyPsu::Adjust {
            0.0
        } else {
            mean[h]
        };
        let d = t - centre;
        ss[h] += d * d;
    }
    // "average": lonely strata are left out and the others scaled up to
    // stand for every stratum of the domain (R's nstrat / nokstrat).
    let (mut strata_in, mut lonely_in) = (0usize, 0usize);
    let total: f64 = design
        .strata
        .iter()
        .zip(ss)
        .zip(present)
        .map(|((st, ss), &here)| {
            strata_in += usize::from(here);
            if st.fpc_factor < 1e-7 {
                return 0.0;
            }
            let scale = if st.n_psu > 1 {
                st.fpc_factor * f64::from(st.n_psu) / f64::from(st.n_psu - 1)
            } else {
                match design.lonely_psu {
                    LonelyPsu::Adjust => st.fpc_factor,
                    LonelyPsu::Average => {
                        lonely_in += usize::from(here);
                        0.0
                    }
                    // "fail" was refused when the design was prepared.
                    LonelyPsu::Remove | LonelyPsu::Certainty | LonelyPsu::Fail => 0.0,
                }
            };
            scale * ss
        })
        .sum();
    if lonely_in > 0 && strata_in > lonely_in {
        total * strata_in as f64 / (strata_in - lonely_in) as f64
    } else {
        total
    }
}
