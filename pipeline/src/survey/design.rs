//! A survey design prepared for estimation: per row its weight and PSU, per
//! PSU its stratum, per stratum its PSU count and finite-population
//! correction. Built once per dataset from the columns the spec names, with
//! the checks R's `svydesign` makes (and clearer errors): missing or
//! non-positive weights, PSUs not nested in strata, fpc varying within a
//! stratum or smaller than the sample, single-PSU strata under "fail".
//!
//! A registry (no design) is prepared as a census: unit weights, a single
//! PSU, one stratum, sampling fraction 1 — so estimates are exact and
//! every variance is zero.

use polars::prelude::*;

use super::accumulate::{Breakdown, DesignSums, Rows, Target, accumulate};
use super::codes::{index_column, positions};
use super::columns::f64_values;
use super::correction::{Calibration, Summary};
use super::replicate::Replicates;
use crate::error::{Error, Result};
use crate::spec::model::{DesignSpec, LonelyPsu, ReplicateMethod};

/// One stratum.
#[derive(Debug, Clone)]
pub struct Stratum {
    /// The stratum's value in the data ("" when the design is unstratified).
    pub label: String,
    /// Number of PSUs sampled in the stratum.
    pub n_psu: u32,
    /// `(N - n) / N`: one minus the first-stage sampling fraction (1 without fpc).
    pub fpc_factor: f64,
}

/// The second sampling stage: units (SSUs) within each PSU.
#[derive(Debug, Clone)]
pub struct Stage2 {
    /// Number of SSUs sampled in each PSU.
    pub n_ssu: Vec<u32>,
    /// `(N2 - n2) / N2` of each PSU (1 without a second-stage fpc).
    pub fpc_factor: Vec<f64>,
    /// `n1 / N1` of each stratum: the weight R gives the second stage's variance.
    pub stage1_fraction: Vec<f64>,
}

/// A design ready for the linearisation pass.
#[derive(Debug, Clone)]
pub struct PreparedDesign {
    /// Sampling weight of each row.
    pub weights: Vec<f64>,
    /// The finest sampling unit of each row: its PSU, or its SSU in a
    /// two-stage design. The estimation pass sums per unit.
    pub unit: Vec<u32>,
    /// The PSU of each unit (units of one PSU are numbered consecutively).
    pub unit_psu: Vec<u32>,
    /// Stratum index of each PSU.
    pub psu_stratum: Vec<u32>,
    /// The second stage, for a two-stage design with a first-stage fpc.
    pub stage2: Option<Stage2>,
    /// Strata, in sorted order of their values.
    pub strata: Vec<Stratum>,
    /// Lonely-PSU rule.
    pub lonely_psu: LonelyPsu,
    /// Where the variances come from.
    pub variance: Variance,
    /// What calibration did, when the weights are calibrated.
    pub calibrated: Option<Summary>,
}

/// Where a design's variances come from.
#[derive(Debug, Clone)]
pub enum Variance {
    /// A registry: values are exact, there is no sampling variance.
    Census,
    /// Taylor linearisation over the strata and PSUs, less what a
    /// calibration of the weights fixes.
    Linearised {
        /// The calibration's correction (the weights are then the calibrated ones).
        calibration: Option<Calibration>,
    },
    /// Replicate weights, read or built from the strata and PSUs.
    Replicate(Replicates),
}

impl PreparedDesign {
    /// Number of PSUs.
    pub fn n_psu(&self) -> usize {
        self.psu_stratum.len()
    }

    /// Number of units the estimation pass sums over.
    pub fn n_units(&self) -> usize {
        self.unit_psu.len()
    }

    /// Design degrees of freedom, R's `degf`: PSUs minus strata, or the
    /// rank of the replicate weights minus one.
    pub fn degf(&self) -> f64 {
        match &self.variance {
            Variance::Replicate(r) => r.df,
            _ => self.n_psu() as f64 - self.strata.len() as f64,
        }
    }

    /// A registry: exact values.
    pub fn is_census(&self) -> bool {
        matches!(self.variance, Variance::Census)
    }

    /// The replicate weights of a replicate design.
    pub fn replicates(&self) -> Option<&Replicates> {
        match &self.variance {
            Variance::Replicate(r) => Some(r),
            _ => None,
        }
    }

    /// The variance correction of a calibrated linearisation design.
    pub fn calibration(&self) -> Option<&Calibration> {
        match &self.variance {
            Variance::Linearised { calibration } => calibration.as_ref(),
            _ => None,
        }
    }

    /// A census of `n` rows: unit weights, one PSU, no sampling variance.
    pub fn census(n: usize) -> Self {
        PreparedDesign {
            weights: vec![1.0; n],
            unit: vec![0; n],
            unit_psu: vec![0],
            psu_stratum: vec![0],
            stage2: None,
            strata: vec![Stratum {
                label: String::new(),
                n_psu: 1,
                fpc_factor: 0.0,
            }],
            lonely_psu: LonelyPsu::Certainty,
            variance: Variance::Census,
            calibrated: None,
        }
    }

    /// What the estimation pass reads of each row.
    pub fn rows(&self) -> Rows<'_> {
        Rows {
            weights: &self.weights,
            unit: &self.unit,
            n_units: self.n_units(),
            replicates: self.replicates().and_then(|r| r.weights.as_deref()),
        }
    }

    /// Sums every target over every breakdown in one pass over the rows,
    /// and over each calibration channel.
    pub fn sums(&self, breakdowns: &[Breakdown], targets: &[Target]) -> DesignSums {
        DesignSums {
            main: accumulate(&self.rows(), breakdowns, targets),
            channels: self.calibration().map_or(Vec::new(), |c| {
                c.channels
                    .iter()
                    .map(|ch| accumulate(&ch.sums.rows(), breakdowns, targets))
                    .collect()
            }),
        }
    }

    /// A design whose variance comes from replicate weights: the estimation
    /// pass sums per factor pattern (or over a single cell).
    pub fn replicate(weights: Vec<f64>, replicates: Replicates, lonely_psu: LonelyPsu) -> Self {
        let (unit, n_cells) = match &replicates.patterns {
            Some(p) => (p.of_row.clone(), p.factors.len()),
            None => (vec![0; weights.len()], 1),
        };
        PreparedDesign {
            weights,
            unit,
            unit_psu: (0..n_cells as u32).collect(),
            stage2: None,
            psu_stratum: vec![0; n_cells],
            strata: vec![Stratum {
                label: String::new(),
                n_psu: n_cells as u32,
                fpc_factor: 1.0,
            }],
            lonely_psu,
            variance: Variance::Replicate(replicates),
            calibrated: None,
        }
    }

    /// Prepares `spec` over the ingested rows of dataset `dataset`, as R's
    /// `svydesign` (or `svrepdesign`, `as.svrepdesign`) does: its weights
    /// as given; [`super::calibrate::calibrated`] is the next step.
    pub fn prepare(spec: &DesignSpec, df: &DataFrame, dataset: &str) -> Result<Self> {
        let err = |m: String| Error::Design {
            dataset: dataset.to_string(),
            message: m,
        };
        let n = df.height();
        let weights = match &spec.weights {
            Some(w) => numeric(df, w, dataset)?,
            // Derived from the fpc of every stage once the design is known.
            None => vec![1.0; n],
        };
        if let Some((i, w)) = weights
            .iter()
            .enumerate()
            .find(|(_, w)| !w.is_finite() || **w < 0.0)
        {
            // Bad data, not a bad design: an input-data error (exit 3).
            return Err(Error::data(
                dataset,
                std::path::Path::new(""),
                format!(
                    "weight column `{}` has a missing, infinite or negative value ({w}) in kept row {}; weights must be finite and non-negative (a contract with `required = true, min = 0` on it sends such rows to the rejects)",
                    spec.weights.as_deref().unwrap_or_default(),
                    i + 1
                ),
            ));
        }
        if let Some(rep) = spec.replicates.as_ref().filter(|r| !r.build) {
            // The variance comes from the replicates; the estimation pass only
            // needs cells per factor pattern (or a single cell).
            let replicates = Replicates::prepare(rep, df, &weights, dataset)?;
            return Ok(PreparedDesign::replicate(
                weights,
                replicates,
                spec.lonely_psu,
            ));
        }
        // Strata and clusters indexed at the same time.
        let (strata_keys, cluster_keys) = rayon::join(
            || spec.strata.as_ref().map(|s| keys(df, s, dataset)),
            || spec.clusters.first().map(|c| keys(df, c, dataset)),
        );
        let (stratum_of_row, stratum_labels) = match strata_keys {
            Some(k) => k?,
            None => (vec![0; n], vec![String::new()]),
        };
        let (psu, psu_labels): (Vec<u32>, Vec<String>) = match cluster_keys {
            Some(k) => {
                let (codes, labels) = k?;
                if spec.nest {
                    // A PSU is a (stratum, cluster) pair, numbered in that order.
                    let width = labels.len() as u64;
                    let (pairs, distinct) = index_pairs(&stratum_of_row, &codes, width);
                    let names = distinct
                        .iter()
                        .map(|p| {
                            format!(
                                "{}/{}",
                                stratum_labels[(p / width) as usize],
                                labels[(p % width) as usize]
                            )
                        })
                        .collect();
                    (pairs, names)
                } else {
                    (codes, labels)
                }
            }
            None => (
                (0..n as u32).collect(),
                (1..=n).map(|i| format!("row {i}")).collect(),
            ),
        };
        let mut psu_stratum = vec![u32::MAX; psu_labels.len()];
        for (row, &p) in psu.iter().enumerate() {
            let s = stratum_of_row[row];
            let slot = &mut psu_stratum[p as usize];
            if *slot == u32::MAX {
                *slot = s;
            } else if *slot != s {
                return Err(err(format!(
                    "cluster `{}` appears in strata `{}` and `{}`: clusters are not nested in strata — set `nest = true` if cluster ids repeat across strata",
                    psu_labels[p as usize],
                    stratum_labels[*slot as usize],
                    stratum_labels[s as usize]
                )));
            }
        }
        let mut strata: Vec<Stratum> = stratum_labels
            .iter()
            .map(|l| Stratum {
                label: l.clone(),
                n_psu: 0,
                fpc_factor: 1.0,
            })
            .collect();
        for &s in &psu_stratum {
            strata[s as usize].n_psu += 1;
        }
        if let Some(fpc_col) = spec.fpc.first() {
            let fpc = numeric(df, fpc_col, dataset)?;
            let mut seen: Vec<Option<f64>> = vec![None; strata.len()];
            for (row, &v) in fpc.iter().enumerate() {
                let s = stratum_of_row[row] as usize;
                match seen[s] {
                    None => seen[s] = Some(v),
                    Some(prev) if prev != v => {
                        return Err(err(format!(
                            "fpc column `{fpc_col}` is not constant within stratum `{}` ({prev} and {v})",
                            strata[s].label
                        )));
                    }
                    _ => {}
                }
            }
            for (s, v) in strata.iter_mut().zip(seen) {
                let v = v.unwrap_or(f64::INFINITY);
                let n_h = f64::from(s.n_psu);
                let pop = if v <= 1.0 { n_h / v } else { v };
                if !pop.is_finite() || pop <= 0.0 {
                    return Err(err(format!(
                        "fpc column `{fpc_col}` has an invalid value {v} in stratum `{}`",
                        s.label
                    )));
                }
                if pop < n_h - 1e-9 {
                    return Err(err(format!(
                        "fpc column `{fpc_col}` gives a population of {pop} PSUs in stratum `{}`, smaller than the {n_h} sampled",
                        s.label
                    )));
                }
                s.fpc_factor = ((pop - n_h) / pop).max(0.0);
            }
        }
        if spec.lonely_psu == LonelyPsu::Fail
            && let Some(s) = strata.iter().find(|s| s.n_psu == 1 && s.fpc_factor > 1e-7)
        {
            return Err(err(format!(
                "stratum `{}` has only one PSU; set `lonely_psu` in the design to one of remove, certainty, adjust, average",
                s.label
            )));
        }
        let (unit, unit_psu, stage2, weights) =
            second_stage(spec, df, dataset, &psu, &psu_stratum, &strata, weights)?;
        let replicates = match spec.replicates.as_ref().filter(|r| r.build) {
            None => None,
            Some(rep) => {
                let n_in: Vec<u32> = strata.iter().map(|s| s.n_psu).collect();
                let fpc: Vec<f64> = strata.iter().map(|s| s.fpc_factor).collect();
                Some(match rep.method {
                    ReplicateMethod::Bootstrap => super::replicate::bootstrap(
                        &unit_psu,
                        &psu_stratum,
                        &n_in,
                        &fpc,
                        rep.replicates,
                        rep.seed,
                    ),
                    ReplicateMethod::Brr | ReplicateMethod::Fay => {
                        let mut first_row = vec![usize::MAX; psu_stratum.len()];
                        for (row, &p) in psu.iter().enumerate() {
                            first_row[p as usize] = first_row[p as usize].min(row);
                        }
                        let labels: Vec<String> = strata.iter().map(|s| s.label.clone()).collect();
                        super::replicate::brr(
                            &unit_psu,
                            &psu_stratum,
                            &first_row,
                            &labels,
                            rep.rho.unwrap_or(0.0),
                        )?
                    }
                    method => {
                        super::replicate::jackknife(method, &unit_psu, &psu_stratum, &n_in, &fpc)?
                    }
                })
            }
        };
        Ok(PreparedDesign {
            calibrated: None,
            // Built replicates sum per unit of this design; they replace the second stage.
            stage2: if replicates.is_some() { None } else { stage2 },
            variance: match replicates {
                Some(r) => Variance::Replicate(r),
                None => Variance::Linearised { calibration: None },
            },
            weights,
            unit,
            unit_psu,
            psu_stratum,
            strata,
            lonely_psu: spec.lonely_psu,
        })
    }
}

/// Numbers the distinct (outer, inner) code pairs in order: the pair index
/// of each row, and each pair as `outer * width + inner`.
fn index_pairs(outer: &[u32], inner: &[u32], width: u64) -> (Vec<u32>, Vec<u64>) {
    let pairs: Vec<u64> = outer
        .iter()
        .zip(inner)
        .map(|(o, i)| u64::from(*o) * width + u64::from(*i))
        .collect();
    let mut distinct = pairs.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let pos = positions(&distinct);
    (pairs.iter().map(|p| pos[p]).collect(), distinct)
}

/// What the second stage adds: the unit of each row (its SSU, or its PSU in
/// a one-stage design), the PSU of each unit, the second stage's sizes and
/// fpc, and the weights when the spec derives them from the fpc
/// (1/f₁ · 1/f₂, as R's `svydesign` without `weights`).
#[allow(clippy::type_complexity)]
fn second_stage(
    spec: &DesignSpec,
    df: &DataFrame,
    dataset: &str,
    psu: &[u32],
    psu_stratum: &[u32],
    strata: &[Stratum],
    weights: Vec<f64>,
) -> Result<(Vec<u32>, Vec<u32>, Option<Stage2>, Vec<f64>)> {
    let err = |m: String| Error::Design {
        dataset: dataset.to_string(),
        message: m,
    };
    let n_psu = psu_stratum.len();
    let stage1_fraction: Vec<f64> = strata.iter().map(|s| 1.0 - s.fpc_factor).collect();
    let derive = spec.weights.is_none();
    let w1 = |row: usize| 1.0 / stage1_fraction[psu_stratum[psu[row] as usize] as usize];
    let Some(ssu_col) = spec.clusters.get(1) else {
        let weights = if derive {
            (0..psu.len()).map(w1).collect()
        } else {
            weights
        };
        return Ok((psu.to_vec(), (0..n_psu as u32).collect(), None, weights));
    };
    // A unit is a (PSU, SSU) pair; units of one PSU are numbered consecutively.
    let (ssu, ssu_labels) = keys(df, ssu_col, dataset)?;
    let width = ssu_labels.len() as u64;
    let (unit, distinct) = index_pairs(psu, &ssu, width);
    let unit_psu: Vec<u32> = distinct.iter().map(|p| (p / width) as u32).collect();
    let mut n_ssu = vec![0u32; n_psu];
    for &p in &unit_psu {
        n_ssu[p as usize] += 1;
    }
    let mut fpc_factor = vec![1.0; n_psu];
    let mut pop2 = vec![f64::INFINITY; n_psu];
    if let Some(col) = spec.fpc.get(1) {
        let fpc = numeric(df, col, dataset)?;
        let mut seen: Vec<Option<f64>> = vec![None; n_psu];
        for (row, &v) in fpc.iter().enumerate() {
            let p = psu[row] as usize;
            match seen[p] {
                None => seen[p] = Some(v),
                Some(prev) if prev != v => {
                    return Err(err(format!(
                        "fpc column `{col}` is not constant within a PSU ({prev} and {v})"
                    )));
                }
                _ => {}
            }
        }
        for p in 0..n_psu {
            let n2 = f64::from(n_ssu[p]);
            let v = seen[p].unwrap_or(f64::INFINITY);
            let pop = if v <= 1.0 { n2 / v } else { v };
            if !pop.is_finite() || pop < n2 - 1e-9 {
                return Err(err(format!(
                    "fpc column `{col}` gives a population of {pop} second-stage units in a PSU, smaller than the {n2} sampled"
                )));
            }
            pop2[p] = pop;
            fpc_factor[p] = ((pop - n2) / pop).max(0.0);
        }
    }
    if spec.lonely_psu == LonelyPsu::Fail
        && let Some(p) = (0..n_psu).find(|&p| {
            n_ssu[p] == 1 && fpc_factor[p] > 1e-7 && stage1_fraction[psu_stratum[p] as usize] > 0.0
        })
    {
        let id = unit
            .iter()
            .position(|u| unit_psu[*u as usize] as usize == p)
            .map_or(0, |r| r + 1);
        return Err(err(format!(
            "the PSU of row {id} has only one second-stage unit; set `lonely_psu` in the design to one of remove, certainty, adjust, average"
        )));
    }
    let weights = if derive {
        (0..psu.len())
            .map(|row| w1(row) * pop2[psu[row] as usize] / f64::from(n_ssu[psu[row] as usize]))
            .collect()
    } else {
        weights
    };
    let stage2 = Stage2 {
        n_ssu,
        fpc_factor,
        stage1_fraction,
    };
    Ok((unit, unit_psu, Some(stage2), weights))
}

/// A column as f64 (nulls become NaN), or an error naming it.
fn numeric(df: &DataFrame, name: &str, dataset: &str) -> Result<Vec<f64>> {
    let col = df.column(name).map_err(|_| missing(df, name, dataset))?;
    if !col.dtype().is_primitive_numeric() {
        return Err(Error::spec(format!(
            "design column `{name}` of dataset `{dataset}` is not numeric (it holds {})",
            col.dtype()
        )));
    }
    f64_values(col)
}

/// A design column indexed in natural order (stratum or cluster ids);
/// missing values are an error.
fn keys(df: &DataFrame, name: &str, dataset: &str) -> Result<(Vec<u32>, Vec<String>)> {
    let col = df.column(name).map_err(|_| missing(df, name, dataset))?;
    let (codes, labels) = index_column(col)?;
    let codes = codes.into_u32();
    if let Some(i) = codes.iter().position(|c| *c == u32::MAX) {
        return Err(Error::Design {
            dataset: dataset.to_string(),
            message: format!("design column `{name}` is empty in row {}", i + 1),
        });
    }
    Ok((codes, labels))
}

fn missing(df: &DataFrame, name: &str, dataset: &str) -> Error {
    Error::spec(format!(
        "design column `{name}` not found in dataset `{dataset}` — columns are: {}",
        crate::error::choices(df.get_column_names())
    ))
}
