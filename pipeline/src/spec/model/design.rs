//! `[datasets.<id>.design]` resolved: weights, strata, clusters, replicates, calibration.

use super::*;

/// What to do with a stratum holding a single PSU (R's `survey.lonely.psu`).
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq)]
pub enum LonelyPsu {
    /// Stop with an error naming the stratum (R's default).
    Fail,
    /// The stratum contributes nothing to the variance.
    Remove,
    /// As `Remove`: the PSU was sampled with certainty.
    Certainty,
    /// Centre the lonely PSU at the grand mean instead of its stratum mean.
    Adjust,
    /// Leave lonely strata out and scale the others' variance up to stand for them.
    Average,
}

/// `[datasets.<id>.design]`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DesignSpec {
    /// Sampling-weight column; `None` to derive the weights from the fpc of
    /// every stage (as R's `svydesign`).
    pub weights: Option<String>,
    /// Stratum column.
    pub strata: Option<String>,
    /// Cluster columns, one per stage (first stage first).
    pub clusters: Vec<String>,
    /// Finite-population-correction columns, one per stage.
    pub fpc: Vec<String>,
    /// Cluster ids are unique only within strata.
    pub nest: bool,
    /// Treatment of single-PSU strata.
    pub lonely_psu: LonelyPsu,
    /// Replicate weights; when present they, not the strata and clusters,
    /// give the variances.
    pub replicates: Option<ReplicateSpec>,
    /// Calibration of the weights to population margins: post-stratification,
    /// raking or linear (GREG) calibration.
    pub calibration: Option<CalibrationSpec>,
    /// Where the design table is in `study.toml`, for errors about its columns.
    pub location: Location,
}

/// Calibration of a design's weights to known population figures:
/// `[datasets.<id>.design.poststratify]`, `.rake` or `.calibrate`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CalibrationSpec {
    /// The categorical margins (one for post-stratification).
    pub margins: Vec<Margin>,
    /// How the weights are adjusted to them.
    pub method: CalibrationMethod,
}

/// The calibration methods, with R's meanings.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub enum CalibrationMethod {
    /// R's `postStratify`: w · N_g / Σ_g w.
    PostStratify,
    /// R's `rake`: iterative proportional fitting over the margins.
    Rake {
        /// Stop when no cell of the margins' cross-table changes by more
        /// than this (a weighted count; below 1, a share of Σ w), as R's
        /// `control$epsilon`.
        epsilon: f64,
        /// Iteration cap (R's `maxit`).
        max_iterations: usize,
    },
    /// R's `calibrate(calfun = "linear")`: GREG weights, optionally bounded.
    Linear {
        /// Numeric auxiliary columns with their population totals.
        totals: Vec<(String, f64)>,
        /// Population size: calibrates Σ w as well (the model's intercept)
        /// when no margin already does.
        population_size: Option<f64>,
        /// Bounds on the g-weights (calibrated / initial weight).
        bounds: Option<(f64, f64)>,
        /// Convergence tolerance of bounded calibration (R's `epsilon`):
        /// |misfit| / (1 + |total|) below it for every total.
        epsilon: f64,
        /// Iteration cap of bounded calibration (R's `maxit`).
        max_iterations: usize,
    },
}

/// One margin: a variable (or a cross of variables) and its population counts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Margin {
    /// The variables whose cross defines the margin's categories.
    pub variables: Vec<String>,
    /// The counts.
    pub population: Population,
}

/// Where a margin's population counts are.
#[derive(Debug, Clone, serde::Serialize)]
pub enum Population {
    /// A CSV with a column per variable and a count column.
    File {
        /// The CSV.
        path: PathBuf,
        /// The count column (default `Freq`, as R's tables).
        count: String,
    },
    /// Given in the spec: category (values joined by ` × `) → count.
    Counts(Vec<(String, f64)>),
}

/// Replicate-weight methods, with R's `svrepdesign` meanings.
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq)]
pub enum ReplicateMethod {
    /// Delete-one-cluster jackknife; scale (R−1)/R unless given.
    Jk1,
    /// Stratified jackknife; `rscales` required.
    Jkn,
    /// Balanced repeated replication; scale 1/R.
    Brr,
    /// Fay's BRR with `rho`; scale 1/(R(1−ρ)²).
    Fay,
    /// Bootstrap; scale 1/(R−1) unless given.
    Bootstrap,
    /// Successive-difference replication; scale 4/R, mse true by default.
    Sdr,
    /// The U.S. Census ACS: successive differences, 80 replicates, scale 4/80, mse true.
    Acs,
}

impl ReplicateMethod {
    /// Every method with its spec name.
    pub const ALL: [(ReplicateMethod, &'static str); 7] = [
        (ReplicateMethod::Jk1, "jk1"),
        (ReplicateMethod::Jkn, "jkn"),
        (ReplicateMethod::Brr, "brr"),
        (ReplicateMethod::Fay, "fay"),
        (ReplicateMethod::Bootstrap, "bootstrap"),
        (ReplicateMethod::Sdr, "sdr"),
        (ReplicateMethod::Acs, "acs"),
    ];
}

/// `[datasets.<id>.design.replicates]`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReplicateSpec {
    /// The method.
    pub method: ReplicateMethod,
    /// Column names, or glob patterns (`*`, `?`) matched against the
    /// dataset's columns; empty when the weights are built (`build`).
    pub columns: Vec<String>,
    /// Build the replicate weights from the strata and clusters (as R's
    /// `as.svrepdesign`) instead of reading them: `jk1` or `jkn`.
    pub build: bool,
    /// Bootstrap build: number of replicates.
    pub replicates: usize,
    /// Bootstrap build: seed of the resampling.
    pub seed: u64,
    /// Overall variance multiplier (method default when absent).
    pub scale: Option<f64>,
    /// Per-replicate multipliers (one value for all, or one per replicate).
    pub rscales: Option<Vec<f64>>,
    /// Fay's ρ.
    pub rho: Option<f64>,
    /// Centre the variance on the full-sample estimate (true) or on the mean of the replicates (false).
    pub mse: bool,
    /// The columns are full replicate weights (true) or factors to multiply by `weights` (false).
    pub combined_weights: bool,
}

impl DesignSpec {
    /// Every column the design reads.
    pub fn columns(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.weights.iter().map(String::as_str).collect();
        v.extend(self.strata.as_deref());
        v.extend(self.clusters.iter().map(String::as_str));
        v.extend(self.fpc.iter().map(String::as_str));
        v
    }
}
