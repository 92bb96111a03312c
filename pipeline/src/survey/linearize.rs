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

use super::design::PreparedDesign;
use crate::spec::model::LonelyPsu;

/// The variance of an estimator whose influence-value total in PSU `j` is
/// `psu_totals[j]`. Zero for a census.
pub fn variance(design: &PreparedDesign, psu_totals: &[f64]) -> f64 {
    if design.census {
        return 0.0;
    }
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
    design
        .strata
        .iter()
        .zip(ss)
        .map(|(st, ss)| {
            if st.fpc_factor < 1e-7 {
                return 0.0;
            }
            let scale = if st.n_psu > 1 {
                st.fpc_factor * f64::from(st.n_psu) / f64::from(st.n_psu - 1)
            } else {
                match design.lonely_psu {
                    LonelyPsu::Adjust => st.fpc_factor,
                    // "fail" was refused when the design was prepared.
                    LonelyPsu::Remove | LonelyPsu::Certainty | LonelyPsu::Fail => 0.0,
                }
            };
            scale * ss
        })
        .sum()
}
