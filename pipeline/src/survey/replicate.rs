//! Replicate-weight designs, as R's `svrepdesign`: the variance of an
//! estimator is `scale · Σ_r rscales_r (θ_r − c)²`, where θ_r is the estimate
//! recomputed with replicate weight r and c is the full-sample estimate
//! (`mse = true`) or the mean of the replicates (`mse = false`, R's default).
//! This module resolves the replicate columns (names or glob patterns),
//! the method's default `scale` and `rscales`, and the design degrees of
//! freedom (rank of the replicate weights minus one, as R's `degf`).
//!
//! Jackknife, BRR and bootstrap weights are the full-sample weight times a
//! factor that is constant within a PSU. When the rows fall into few such
//! factor *patterns*, each pattern is treated as a PSU by the estimation
//! pass and the replicate sums are formed afterwards from the pattern sums
//! (Σ_i w_ri y_i = Σ_p f_rp Σ_{i∈p} w_i y_i): the pass then costs the same
//! as without replicates. Otherwise every replicate is summed row by row.

use polars::prelude::*;

use super::accumulate::Cell;

use crate::error::{Error, Result, choices};
use crate::names::{glob, natural_key};
use crate::spec::model::{ReplicateMethod, ReplicateSpec};

/// Replicate weights ready for the estimation pass.
#[derive(Debug, Clone)]
pub struct Replicates {
    /// Number of replicates.
    pub count: usize,
    /// Analysis weights, one vector per replicate — only when the rows do
    /// not fall into few factor patterns.
    pub weights: Option<Vec<Vec<f64>>>,
    /// Factor patterns: the pattern of each row, and each pattern's factors.
    pub patterns: Option<Patterns>,
    /// Overall multiplier.
    pub scale: f64,
    /// Per-replicate multipliers.
    pub rscales: Vec<f64>,
    /// Centre on the full-sample estimate.
    pub mse: bool,
    /// Degrees of freedom: rank of the replicate weights minus one.
    pub df: f64,
    /// The matched column names, in order.
    pub columns: Vec<String>,
}

/// Rows grouped by their replicate factors (replicate weight / weight).
#[derive(Debug, Clone)]
pub struct Patterns {
    /// Pattern of each row.
    pub of_row: Vec<u32>,
    /// Factors of each pattern, one per replicate.
    pub factors: Vec<Vec<f64>>,
}

impl Replicates {
    /// Number of replicates.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there is no replicate (never for a prepared design).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The replicate variance of estimates `thetas` around `full`, discarding
    /// replicates whose estimate is undefined (as R's `na.action`).
    pub fn variance(&self, thetas: &[f64], full: f64) -> f64 {
        let ok: Vec<(f64, f64)> = thetas
            .iter()
            .zip(&self.rscales)
            .filter(|(t, _)| t.is_finite())
            .map(|(t, r)| (*t, *r))
            .collect();
        let centre = if self.mse {
            full
        } else {
            let used: Vec<f64> = ok
                .iter()
                .filter(|(_, r)| *r > 0.0)
                .map(|(t, _)| *t)
                .collect();
            used.iter().sum::<f64>() / used.len() as f64
        };
        self.scale
            * ok.iter()
                .map(|(t, r)| r * (t - centre) * (t - centre))
                .sum::<f64>()
    }

    /// Degrees of freedom of a domain whose cells (one per factor pattern)
    /// are `cells`, as R's `degf` on the subset design: the design's own
    /// when the domain holds all `rows`, else the rank of the replicate
    /// weights of the domain's rows minus one. Without factor patterns the
    /// design's degrees of freedom stand for every domain.
    pub fn domain_df(&self, cells: &[Cell], rows: usize) -> f64 {
        let in_domain: u64 = cells.iter().map(|c| c.n_any).sum();
        match &self.patterns {
            Some(p) if in_domain as usize != rows => {
                let present: Vec<Vec<f64>> = p
                    .factors
                    .iter()
                    .zip(cells)
                    .filter(|(_, c)| c.n_any > 0)
                    .map(|(f, _)| f.clone())
                    .collect();
                rank(&present, self.count) as f64 - 1.0
            }
            _ => self.df,
        }
    }

    /// Prepares `spec` over `df`, whose full-sample weights are `weights`.
    pub fn prepare(
        spec: &ReplicateSpec,
        df: &DataFrame,
        weights: &[f64],
        dataset: &str,
    ) -> Result<Self> {
        let err = |m: String| Error::Design {
            dataset: dataset.to_string(),
            message: format!("replicate weights: {m}"),
        };
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut columns = Vec::new();
        for pattern in &spec.columns {
            let mut matched: Vec<&String> = names.iter().filter(|n| glob(pattern, n)).collect();
            if matched.is_empty() {
                return Err(Error::spec(format!(
                    "dataset `{dataset}`: replicate columns `{pattern}` match no column — columns are: {}",
                    choices(&names)
                )));
            }
            matched.sort_by_key(|a| natural_key(a));
            columns.extend(matched.into_iter().cloned());
        }
        let r = columns.len();
        if r < 2 {
            return Err(err(format!(
                "{r} replicate column(s); a replicate design needs at least 2"
            )));
        }
        let mut reps = Vec::with_capacity(r);
        for c in &columns {
            let col = df
                .column(c)
                .and_then(|c| c.cast(&DataType::Float64))
                .map_err(|e| err(format!("replicate column `{c}` is not numeric: {e}")))?;
            let v: Vec<f64> = col
                .f64()
                .map_err(|e| Error::internal("replicate column", e))?
                .iter()
                .map(|x| x.unwrap_or(f64::NAN))
                .collect();
            if let Some(i) = v.iter().position(|x| !x.is_finite() || *x < 0.0) {
                return Err(err(format!(
                    "replicate column `{c}` is missing or negative in row {}",
                    i + 1
                )));
            }
            let v = if spec.combined_weights {
                v
            } else {
                v.iter().zip(weights).map(|(f, w)| f * w).collect()
            };
            reps.push(v);
        }
        let rf = r as f64;
        let scale = match spec.method {
            ReplicateMethod::Brr => 1.0 / rf,
            ReplicateMethod::Fay => 1.0 / (rf * (1.0 - spec.rho.unwrap_or(0.0)).powi(2)),
            ReplicateMethod::Sdr | ReplicateMethod::Acs => 4.0 / rf,
            ReplicateMethod::Jk1 => spec.scale.unwrap_or((rf - 1.0) / rf),
            ReplicateMethod::Bootstrap => spec.scale.unwrap_or(1.0 / (rf - 1.0)),
            ReplicateMethod::Jkn => spec.scale.unwrap_or(1.0),
        };
        let rscales = match &spec.rscales {
            None => vec![1.0; r],
            Some(v) if v.len() == 1 => vec![v[0]; r],
            Some(v) if v.len() == r => v.clone(),
            Some(v) => {
                return Err(err(format!(
                    "rscales has {} values for {r} replicate columns",
                    v.len()
                )));
            }
        };
        Ok(Replicates {
            count: r,
            weights: None,
            patterns: None,
            scale,
            rscales,
            mse: spec.mse,
            df: 0.0,
            columns,
        }
        .with_columns(reps, weights))
    }

    /// The analysis weights of every replicate, one vector each. `unit` is
    /// each row's pattern when the patterns were built per unit of a design.
    pub fn columns(&self, weights: &[f64], unit: &[u32]) -> Vec<Vec<f64>> {
        match (&self.weights, &self.patterns) {
            (Some(w), _) => w.clone(),
            (None, Some(p)) => {
                let of_row = if p.of_row.is_empty() { unit } else { &p.of_row };
                (0..self.count)
                    .map(|r| {
                        of_row
                            .iter()
                            .zip(weights)
                            .map(|(q, w)| p.factors[*q as usize][r] * w)
                            .collect()
                    })
                    .collect()
            }
            (None, None) => Vec::new(),
        }
    }

    /// These replicates with new analysis weights `reps` for full-sample
    /// weights `weights`: factor patterns and degrees of freedom (rank of the
    /// replicate weights minus one, as R's `degf`) found afresh.
    pub fn with_columns(self, reps: Vec<Vec<f64>>, weights: &[f64]) -> Self {
        let r = reps.len();
        let patterns = patterns(&reps, weights);
        let df = match &patterns {
            Some(p) => rank(&p.factors, r),
            None => rank(&distinct_factor_rows(&reps, weights), r),
        } as f64
            - 1.0;
        Replicates {
            weights: if patterns.is_some() { None } else { Some(reps) },
            patterns,
            df,
            ..self
        }
    }
}

/// Jackknife replicates built from a design, as R's `as.svrepdesign`:
/// replicate r deletes PSU r and reweights the other PSUs of its stratum by
/// n_h/(n_h − 1). JK1 (one stratum) has scale (n − 1)/n · (1 − f);
/// JKn has scale 1 and rscales (n_h − 1)/n_h · (1 − f_h). Strata with a
/// single PSU get no replicate. Returned as factor patterns, one per unit.
pub fn jackknife(
    method: ReplicateMethod,
    unit_psu: &[u32],
    psu_stratum: &[u32],
    n_psu_in: &[u32],
    fpc_factor: &[f64],
) -> Result<Replicates> {
    let n_psu = psu_stratum.len();
    if method == ReplicateMethod::Jk1 && n_psu_in.len() > 1 {
        return Err(Error::spec(
            "build = \"jk1\" is for unstratified designs; use method = \"jkn\" and build = \"jkn\" with strata",
        ));
    }
    let deleted: Vec<usize> = (0..n_psu)
        .filter(|&p| n_psu_in[psu_stratum[p] as usize] > 1)
        .collect();
    let r = deleted.len();
    let psu_factors: Vec<Vec<f64>> = (0..n_psu)
        .map(|p| {
            deleted
                .iter()
                .map(|&d| {
                    let h = psu_stratum[d] as usize;
                    if p == d {
                        0.0
                    } else if psu_stratum[p] as usize == h {
                        let n_h = f64::from(n_psu_in[h]);
                        n_h / (n_h - 1.0)
                    } else {
                        1.0
                    }
                })
                .collect()
        })
        .collect();
    let (scale, rscales) = match method {
        ReplicateMethod::Jk1 => {
            let n = n_psu as f64;
            ((n - 1.0) / n * fpc_factor[0], vec![1.0; r])
        }
        _ => (
            1.0,
            deleted
                .iter()
                .map(|&d| {
                    let h = psu_stratum[d] as usize;
                    let n_h = f64::from(n_psu_in[h]);
                    (n_h - 1.0) / n_h * fpc_factor[h]
                })
                .collect(),
        ),
    };
    let df = n_psu as f64 - n_psu_in.len() as f64;
    Ok(built(&psu_factors, unit_psu, scale, rscales, df))
}

/// Replicates built from a design's PSUs: each unit takes its PSU's factors
/// (one pattern per unit); centred on the replicates' mean; `df` the
/// design's degrees of freedom, PSUs − strata, as `as.svrepdesign` keeps them.
fn built(
    psu_factors: &[Vec<f64>],
    unit_psu: &[u32],
    scale: f64,
    rscales: Vec<f64>,
    df: f64,
) -> Replicates {
    Replicates {
        count: rscales.len(),
        weights: None,
        patterns: Some(Patterns {
            of_row: Vec::new(),
            factors: unit_psu
                .iter()
                .map(|&p| psu_factors[p as usize].clone())
                .collect(),
        }),
        scale,
        rscales,
        mse: false,
        df,
        columns: Vec::new(),
    }
}

/// Balanced repeated replication built from a design with two PSUs per
/// stratum, as R's `as.svrepdesign(type = "BRR" | "Fay")` with the Sylvester
/// Hadamard matrix of the smallest order above the number of strata: in
/// replicate r, stratum h (the h-th in order, h ≥ 1) keeps its first PSU
/// (in order of appearance in the data) when entry (h, r) of the matrix is
/// −1, its second when +1; the kept PSU's factor is 2 − ρ, the other's ρ
/// (ρ = 0 for BRR). Scale 1/(R(1 − ρ)²); degrees of freedom of the design.
pub fn brr(
    unit_psu: &[u32],
    psu_stratum: &[u32],
    first_row: &[usize],
    strata: &[String],
    rho: f64,
) -> Result<Replicates> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); strata.len()];
    for (p, &h) in psu_stratum.iter().enumerate() {
        members[h as usize].push(p);
    }
    if let Some((h, m)) = members.iter().enumerate().find(|(_, m)| m.len() != 2) {
        return Err(Error::spec(format!(
            "build = \"brr\" needs exactly two PSUs in every stratum; stratum `{}` has {}",
            strata[h],
            m.len()
        )));
    }
    let order = (strata.len() + 1).next_power_of_two();
    // Sylvester's matrix: entry (i, j) is −1 when i & j has an odd number of bits.
    let minus = |i: usize, j: usize| (i & j).count_ones() % 2 == 1;
    let mut psu_factors = vec![vec![0.0; order]; psu_stratum.len()];
    for (h, m) in members.iter_mut().enumerate() {
        m.sort_by_key(|&p| first_row[p]);
        let first_kept: Vec<bool> = (0..order).map(|r| minus(h + 1, r)).collect();
        let factor = |kept: bool| if kept { 2.0 - rho } else { rho };
        psu_factors[m[0]] = first_kept.iter().map(|&k| factor(k)).collect();
        psu_factors[m[1]] = first_kept.iter().map(|&k| factor(!k)).collect();
    }
    let n = order as f64;
    let df = psu_stratum.len() as f64 - strata.len() as f64;
    Ok(built(
        &psu_factors,
        unit_psu,
        1.0 / (n * (1.0 - rho) * (1.0 - rho)),
        vec![1.0; order],
        df,
    ))
}

/// Bootstrap replicates built from a design: Rao and Wu's rescaled
/// bootstrap with n_h − 1 PSUs drawn with replacement in each stratum, the
/// factor of PSU j being 1 − λ + λ·n_h/(n_h − 1)·m_j (m_j its draws,
/// λ = √(1 − f_h)), scale 1/(R − 1), centred on the replicates' mean.
/// Seeded: the same seed gives the same replicates on every machine (R's
/// random numbers cannot be reproduced, so the test compares the variance
/// with the linearised one instead). Strata with one PSU get factor 1.
pub fn bootstrap(
    unit_psu: &[u32],
    psu_stratum: &[u32],
    n_psu_in: &[u32],
    fpc_factor: &[f64],
    replicates: usize,
    seed: u64,
) -> Replicates {
    let n_psu = psu_stratum.len();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_psu_in.len()];
    for (p, &h) in psu_stratum.iter().enumerate() {
        members[h as usize].push(p);
    }
    let mut state = seed;
    let mut next = move || {
        // SplitMix64.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut psu_factors: Vec<Vec<f64>> = vec![Vec::with_capacity(replicates); n_psu];
    for _ in 0..replicates {
        let mut factor = vec![1.0; n_psu];
        for (h, psus) in members.iter().enumerate() {
            let n = psus.len();
            if n < 2 {
                continue;
            }
            let mut draws = vec![0u32; n];
            for _ in 0..n - 1 {
                draws[(next() % n as u64) as usize] += 1;
            }
            let lambda = fpc_factor[h].sqrt();
            let nf = n as f64;
            for (&p, &m) in psus.iter().zip(&draws) {
                factor[p] = 1.0 - lambda + lambda * nf / (nf - 1.0) * f64::from(m);
            }
        }
        for (f, v) in psu_factors.iter_mut().zip(factor) {
            f.push(v);
        }
    }
    let df = n_psu as f64 - n_psu_in.len() as f64;
    built(
        &psu_factors,
        unit_psu,
        1.0 / (replicates as f64 - 1.0),
        vec![1.0; replicates],
        df,
    )
}

/// The replicate factors of row `i` (replicate weight / weight), or `None`
/// when the weight is zero but a replicate weight is not.
fn factors(reps: &[Vec<f64>], weights: &[f64], i: usize) -> Option<Vec<f64>> {
    let w = weights[i];
    if w > 0.0 {
        Some(reps.iter().map(|c| c[i] / w).collect())
    } else if reps.iter().all(|c| c[i] == 0.0) {
        Some(vec![0.0; reps.len()])
    } else {
        None
    }
}

/// A hashable key for a factor row: each factor with its last 20 mantissa
/// bits rounded away (about 1e-10 relative), so that rows of one PSU match
/// despite rounding in their weights. (A pair straddling a rounding boundary
/// only makes one pattern more.)
fn key(row: &[f64]) -> Vec<u64> {
    row.iter()
        .map(|f| (f.to_bits() + (1 << 19)) >> 20)
        .collect()
}

/// Groups the rows by factor pattern, unless there are too many patterns
/// for it to pay (more than one in eight rows, beyond a thousand).
fn patterns(reps: &[Vec<f64>], weights: &[f64]) -> Option<Patterns> {
    let n = weights.len();
    let limit = (n / 8).max(1000);
    let mut index: std::collections::HashMap<Vec<u64>, u32> = std::collections::HashMap::new();
    let mut factors_of: Vec<Vec<f64>> = Vec::new();
    let mut of_row = Vec::with_capacity(n);
    for i in 0..n {
        let f = factors(reps, weights, i)?;
        let next = factors_of.len() as u32;
        let p = *index.entry(key(&f)).or_insert_with(|| {
            factors_of.push(f);
            next
        });
        if factors_of.len() > limit {
            return None;
        }
        of_row.push(p);
    }
    Some(Patterns {
        of_row,
        factors: factors_of,
    })
}

/// The distinct factor rows (for the rank when rows do not form patterns).
fn distinct_factor_rows(reps: &[Vec<f64>], weights: &[f64]) -> Vec<Vec<f64>> {
    let mut seen = std::collections::HashSet::new();
    (0..weights.len())
        .map(|i| factors(reps, weights, i).unwrap_or_else(|| reps.iter().map(|c| c[i]).collect()))
        .filter(|row| seen.insert(key(row)))
        .collect()
}

/// Numerical rank (R's `qr(…, tol = 1e-5)$rank`) of the matrix whose rows
/// are `rows` (R columns). Scaling or repeating rows of the replicate-weight
/// matrix leaves its rank alone, so the distinct factor rows stand for it.
fn rank(rows: &[Vec<f64>], r: usize) -> usize {
    // Modified Gram–Schmidt on the columns.
    let mut cols: Vec<Vec<f64>> = (0..r)
        .map(|j| rows.iter().map(|row| row[j]).collect())
        .collect();
    let norms: Vec<f64> = cols
        .iter()
        .map(|c| c.iter().map(|x| x * x).sum::<f64>().sqrt())
        .collect();
    let mut basis: Vec<Vec<f64>> = Vec::new();
    for (j, col) in cols.iter_mut().enumerate() {
        for b in &basis {
            let dot: f64 = col.iter().zip(b).map(|(x, y)| x * y).sum();
            for (x, y) in col.iter_mut().zip(b) {
                *x -= dot * y;
            }
        }
        let norm = col.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 1e-5 * norms[j].max(f64::MIN_POSITIVE) {
            basis.push(col.iter().map(|x| x / norm).collect());
        }
    }
    basis.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_of_a_jackknife() {
        // Three clusters of two rows, delete-one jackknife: rank 3.
        let w = [1.0; 6];
        let reps = vec![
            vec![0.0, 0.0, 1.5, 1.5, 1.5, 1.5],
            vec![1.5, 1.5, 0.0, 0.0, 1.5, 1.5],
            vec![1.5, 1.5, 1.5, 1.5, 0.0, 0.0],
            vec![3.0, 3.0, 0.0, 0.0, 3.0, 3.0],
        ];
        let p = patterns(&reps, &w).expect("three clusters, three patterns");
        assert_eq!(p.factors.len(), 3);
        assert_eq!(p.of_row, [0, 0, 1, 1, 2, 2]);
        assert_eq!(rank(&p.factors, 4), 3);
    }
}
