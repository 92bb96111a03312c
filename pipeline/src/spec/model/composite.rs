//! `[[composites]]` resolved: the framework of pillars and indicators.

use super::*;

/// One `[[composites]]`: an index over the rows of a dataset (one per unit
/// and wave), as the JRC/OECD Handbook on composite indicators describes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CompositeSpec {
    /// The id.
    pub id: String,
    /// The dataset (one row per unit, or per unit and wave); empty when the
    /// components are indicators, read by the domains of `unit`.
    pub dataset: String,
    /// The column naming each unit.
    pub unit: String,
    /// The column naming each wave; `None`: a single wave.
    pub wave: Option<String>,
    /// How each indicator is put on a common scale.
    pub normalise: Normalise,
    /// How a node combines its components.
    pub aggregate: Aggregate,
    /// The index itself: a node whose components are pillars or indicators.
    pub root: Node,
    /// Label.
    pub label: Text,
    /// The Monte Carlo uncertainty analysis, when asked for.
    pub uncertainty: Option<Uncertainty>,
    /// The share of its indicators a unit needs to get a score (0–1).
    pub coverage: f64,
    /// How missing indicator values are filled, and the grouping column.
    pub impute: (Impute, Option<String>),
    /// Outlier treatment, when asked for.
    pub outliers: Option<Outliers>,
}

/// Imputation of a missing indicator value.
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq)]
pub enum Impute {
    /// Left missing.
    None,
    /// The mean of the other units (of the group).
    Mean,
    /// The median of the other units (of the group).
    Median,
}

/// COINr's default outlier rule: an indicator with |skewness| above
/// `skewness` and kurtosis above `kurtosis` is winsorised one extreme value
/// at a time, at most `winsorise` values; if it still breaks the rule, its
/// original values are log-transformed instead.
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq)]
pub struct Outliers {
    /// |skewness| threshold (default 2).
    pub skewness: f64,
    /// Excess-kurtosis threshold (default 3.5).
    pub kurtosis: f64,
    /// Most values winsorised (default 5).
    pub winsorise: usize,
}

/// `uncertainty = { draws, seed, weights, normalise, aggregate }`: each draw
/// perturbs every weight by a uniform factor in [1 − weights, 1 + weights],
/// picks a normalisation and an aggregation among the declared ones, and
/// redraws each indicator with an `se` column from N(value, se²).
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Uncertainty {
    /// Number of draws.
    pub draws: usize,
    /// Seed of the draws.
    pub seed: u64,
    /// Relative weight perturbation.
    pub weights: f64,
    /// Normalisations drawn among (the composite's own when empty).
    pub normalise: Vec<Normalise>,
    /// Aggregations drawn among (the composite's own when empty).
    pub aggregate: Vec<Aggregate>,
}

/// Normalisation of an indicator over the units of a wave.
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq)]
pub enum Normalise {
    /// As given.
    None,
    /// 100 · (x − min) / (max − min).
    MinMax,
    /// (x − mean) / standard deviation.
    ZScore,
    /// 100 · (x − lower) / (upper − lower), clamped to 0–100, with fixed goalposts.
    Goalposts,
    /// The unit's rank, 1 for the lowest (ties share their mean rank).
    Rank,
    /// 100 · x / max: the share of the frontier reached.
    DistanceToFrontier,
}

impl Normalise {
    /// Every method with its spec name.
    pub const ALL: [(Normalise, &'static str); 6] = [
        (Normalise::None, "none"),
        (Normalise::MinMax, "minmax"),
        (Normalise::ZScore, "zscore"),
        (Normalise::Goalposts, "goalposts"),
        (Normalise::Rank, "rank"),
        (Normalise::DistanceToFrontier, "distance_to_frontier"),
    ];
}

/// How a node's weighted components combine.
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq)]
pub enum Aggregate {
    /// Σ w·x / Σ w.
    Arithmetic,
    /// Π x^(w / Σ w): a shortfall in one component is not made up by another.
    Geometric,
    /// Σ w / Σ (w / x).
    Harmonic,
}

impl Aggregate {
    /// Every method with its spec name.
    pub const ALL: [(Aggregate, &'static str); 3] = [
        (Aggregate::Arithmetic, "arithmetic"),
        (Aggregate::Geometric, "geometric"),
        (Aggregate::Harmonic, "harmonic"),
    ];
}

/// A node of a composite's framework.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Node {
    /// The node's id (the column for an indicator).
    pub id: String,
    /// Its weight within its parent.
    pub weight: f64,
    /// An indicator or a group of components.
    pub kind: NodeKind,
}

/// What a node is.
#[derive(Debug, Clone, serde::Serialize)]
pub enum NodeKind {
    /// A column of the dataset.
    Indicator {
        /// +1 when more is better, −1 when less is.
        direction: f64,
        /// Fixed bounds for `goalposts` normalisation.
        goalposts: Option<(f64, f64)>,
        /// The column of the value's standard error (a survey estimate),
        /// redrawn in the uncertainty analysis.
        se: Option<String>,
        /// The values are an indicator's estimates (a composite of
        /// indicators), not a dataset's column.
        estimates: bool,
    },
    /// A pillar (or the index): its components.
    Group(Vec<Node>),
}
