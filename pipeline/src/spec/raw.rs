//! The study spec as written: serde structures that mirror `study.toml`
//! key for key and keep the byte span of every value a later check may
//! complain about. Nothing here is validated beyond TOML types; that is
//! [`super::resolve`]'s job. Unknown keys are refused here, with the list of
//! valid keys, by serde's `deny_unknown_fields`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// The whole `study.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpec {
    pub study: RawStudy,
    #[serde(default)]
    pub datasets: BTreeMap<String, Spanned<RawDataset>>,
    #[serde(default)]
    pub indicators: Vec<Spanned<RawIndicator>>,
    #[serde(default)]
    pub charts: Vec<Spanned<RawChart>>,
    #[serde(default)]
    pub comparisons: Vec<Spanned<RawComparison>>,
    #[serde(default)]
    pub crosstabs: Vec<Spanned<RawCrosstab>>,
    #[serde(default)]
    pub models: Vec<Spanned<RawModel>>,
    #[serde(default)]
    pub composites: Vec<Spanned<RawComposite>>,
    pub report: Option<RawReport>,
}

/// A crosstab's rows or columns: a column, or a named SQL expression.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawTabVariable {
    Column(String),
    Derived(RawDerived),
}

/// A variable computed from the dataset's columns: `{ name, expr }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDerived {
    pub name: String,
    pub expr: String,
}

/// One `[[crosstabs]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCrosstab {
    pub id: Spanned<String>,
    pub dataset: Spanned<String>,
    pub rows: Spanned<RawTabVariable>,
    pub columns: Spanned<RawTabVariable>,
    #[serde(rename = "where")]
    pub where_: Option<Spanned<String>>,
    pub percent: Option<Spanned<String>>,
    pub test: Option<Spanned<String>>,
    pub label: Option<RawText>,
}

/// One `[[models]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModel {
    pub id: Spanned<String>,
    pub dataset: Spanned<String>,
    pub formula: Spanned<String>,
    pub family: Option<Spanned<String>>,
    #[serde(rename = "where")]
    pub where_: Option<Spanned<String>>,
    pub reference: Option<Spanned<BTreeMap<String, toml::Value>>>,
    pub variables: Option<Vec<RawDerived>>,
    pub level: Option<Spanned<f64>>,
    pub label: Option<RawText>,
}

/// One `[[composites]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawComposite {
    pub id: Spanned<String>,
    pub dataset: Option<Spanned<String>>,
    pub unit: String,
    pub wave: Option<String>,
    pub normalise: Option<Spanned<String>>,
    pub aggregate: Option<Spanned<String>>,
    pub label: Option<RawText>,
    pub components: Vec<Spanned<RawComponent>>,
    pub uncertainty: Option<Spanned<RawUncertainty>>,
    pub coverage: Option<Spanned<f64>>,
    pub impute: Option<Spanned<String>>,
    pub impute_by: Option<String>,
    pub outliers: Option<RawOutliers>,
}

/// `outliers = { skewness = 2, kurtosis = 3.5, winsorise = 5 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutliers {
    pub skewness: Option<f64>,
    pub kurtosis: Option<f64>,
    pub winsorise: Option<usize>,
}

/// `uncertainty = { draws, seed, weights, normalise, aggregate }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUncertainty {
    pub draws: Option<usize>,
    pub seed: Option<u64>,
    pub weights: Option<f64>,
    pub normalise: Option<Vec<Spanned<String>>>,
    pub aggregate: Option<Vec<Spanned<String>>>,
}

/// A component of a composite: an indicator column, or a pillar of components.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawComponent {
    pub column: Option<String>,
    pub indicator: Option<String>,
    pub id: Option<String>,
    pub weight: Option<Spanned<f64>>,
    pub direction: Option<Spanned<String>>,
    pub goalposts: Option<Spanned<[f64; 2]>>,
    pub se: Option<String>,
    pub components: Option<Vec<Spanned<RawComponent>>>,
}

/// `[study]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStudy {
    pub id: Spanned<String>,
    pub title: RawText,
    pub language: Option<Spanned<String>>,
    pub languages: Option<Vec<Spanned<String>>>,
    pub description: Option<RawText>,
    pub reliability: Option<RawReliability>,
    pub drift: Option<RawDrift>,
    pub disclosure: Option<Spanned<RawDisclosure>>,
    pub engine: Option<RawEngine>,
}

/// `[study.engine]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEngine {
    pub stream_rows: Option<Spanned<i64>>,
    pub batch_rows: Option<Spanned<i64>>,
    pub kind: Option<Spanned<String>>,
    pub scheduler: Option<Spanned<String>>,
}

/// `[study.disclosure]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDisclosure {
    pub min_n: Option<Spanned<i64>>,
    pub dominance: Option<Spanned<RawDominance>>,
    pub p_percent: Option<Spanned<f64>>,
    pub protection: Option<Spanned<f64>>,
    pub contributors: Option<BTreeMap<String, Spanned<String>>>,
}

/// `dominance = { n = 2, k = 0.85 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDominance {
    pub n: Spanned<i64>,
    pub k: Spanned<f64>,
}

/// `[study.drift]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDrift {
    pub se: Option<Spanned<f64>>,
    pub points: Option<Spanned<f64>>,
}

/// `[study.reliability]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReliability {
    pub rule: Option<Spanned<String>>,
    pub min_n: Option<u64>,
    pub cv_caution: Option<f64>,
    pub cv_suppress: Option<f64>,
}

/// A text given once or per language: `"…"` or `{ en = "…", fr = "…" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawText {
    One(String),
    PerLanguage(BTreeMap<String, String>),
}

/// `[datasets.<id>]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDataset {
    pub path: Spanned<String>,
    pub unit: Option<Spanned<String>>,
    pub wave: Option<String>,
    pub contract: Option<Spanned<String>>,
    pub delimiter: Option<Spanned<String>>,
    pub encoding: Option<Spanned<String>>,
    pub decimal: Option<Spanned<String>>,
    pub sheet: Option<Spanned<String>>,
    pub skip_rows: Option<usize>,
    pub missing: Option<Vec<String>>,
    pub unpivot: Option<Spanned<RawUnpivot>>,
    pub label: Option<RawText>,
    pub source: Option<RawText>,
    pub design: Option<Spanned<RawDesign>>,
}

/// `unpivot = { index = [...], variable = "year", value = "value" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUnpivot {
    pub index: Vec<String>,
    pub variable: String,
    pub value: String,
}

/// One column name or a list of them (one per sampling stage).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    /// The names as a list.
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// `[datasets.<id>.design]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDesign {
    pub weights: Option<Spanned<String>>,
    pub strata: Option<Spanned<String>>,
    pub clusters: Option<Spanned<OneOrMany>>,
    pub fpc: Option<Spanned<OneOrMany>>,
    pub nest: Option<bool>,
    pub lonely_psu: Option<Spanned<String>>,
    pub replicates: Option<Spanned<RawReplicates>>,
    pub poststratify: Option<Spanned<RawMargin>>,
    pub rake: Option<Spanned<RawRake>>,
    pub calibrate: Option<Spanned<RawCalibrate>>,
}

/// A margin: `[datasets.<id>.design.poststratify]`, or one of `margins`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMargin {
    pub variables: OneOrMany,
    pub population: Spanned<RawPopulation>,
    pub count: Option<String>,
}

/// A margin's population: a CSV path, or `{ category = count, … }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawPopulation {
    File(String),
    Counts(std::collections::BTreeMap<String, f64>),
}

/// `[datasets.<id>.design.rake]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRake {
    pub margins: Vec<Spanned<RawMargin>>,
    pub epsilon: Option<Spanned<f64>>,
    pub max_iterations: Option<usize>,
}

/// `[datasets.<id>.design.calibrate]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalibrate {
    pub margins: Option<Vec<Spanned<RawMargin>>>,
    pub totals: Option<std::collections::BTreeMap<String, f64>>,
    pub population_size: Option<Spanned<f64>>,
    pub bounds: Option<Spanned<[f64; 2]>>,
    pub epsilon: Option<Spanned<f64>>,
    pub max_iterations: Option<usize>,
}

/// `[datasets.<id>.design.replicates]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReplicates {
    pub method: Spanned<String>,
    pub columns: Option<Spanned<OneOrMany>>,
    pub build: Option<Spanned<String>>,
    pub replicates: Option<Spanned<usize>>,
    pub seed: Option<u64>,
    pub scale: Option<f64>,
    pub rscales: Option<Spanned<OneOrManyF64>>,
    pub rho: Option<Spanned<f64>>,
    pub mse: Option<bool>,
    pub combined_weights: Option<bool>,
}

/// One number or a list (one per replicate).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrManyF64 {
    One(f64),
    Many(Vec<f64>),
}

/// `[[indicators]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    pub id: Spanned<String>,
    pub dataset: Spanned<String>,
    pub statistic: Spanned<String>,
    pub expr: Option<Spanned<String>>,
    pub numerator: Option<Spanned<String>>,
    pub denominator: Option<Spanned<String>>,
    #[serde(rename = "where")]
    pub where_: Option<Spanned<String>>,
    pub by: Option<Vec<Spanned<OneOrMany>>>,
    pub label: Option<RawText>,
    pub level: Option<Spanned<f64>>,
    pub ci: Option<Spanned<String>>,
    pub quantile: Option<Spanned<OneOrManyF64>>,
    pub join: Option<Spanned<RawJoin>>,
    pub of: Option<Spanned<String>>,
    pub measure: Option<Spanned<String>>,
    pub top: Option<Spanned<usize>>,
    pub over: Option<Spanned<String>>,
    pub population: Option<Spanned<RawPerCapita>>,
    pub per: Option<Spanned<f64>>,
    pub stages: Option<Spanned<Vec<String>>>,
    pub period: Option<Spanned<String>>,
    pub date: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    pub to: Option<Spanned<String>>,
    pub founded: Option<String>,
    pub closed: Option<String>,
    pub after: Option<u32>,
    pub as_of: Option<Spanned<String>>,
    pub small_area: Option<Spanned<RawSmallArea>>,
    pub itu: Option<Spanned<String>>,
    pub disclosure: Option<bool>,
}

/// `small_area = { method = "fay_herriot", covariates = { … }, fit = "reml" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSmallArea {
    pub method: Spanned<String>,
    pub covariates: Spanned<RawCovariates>,
    pub fit: Option<Spanned<String>>,
    pub smooth_variance: Option<bool>,
}

/// `covariates = { dataset = "provinces", on = "province", columns = ["x1"] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCovariates {
    pub dataset: Spanned<String>,
    pub on: String,
    pub columns: Vec<String>,
}

/// `population = { dataset = "…", on = "region", column = "people" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPerCapita {
    pub dataset: Spanned<String>,
    pub on: String,
    pub column: String,
}

/// `join = { dataset = "…", on = "key" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawJoin {
    pub dataset: Spanned<String>,
    pub on: OneOrMany,
}

/// `[[comparisons]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawComparison {
    pub id: Spanned<String>,
    pub indicator: Spanned<String>,
    pub by: Option<Spanned<String>>,
    pub a: Option<Spanned<String>>,
    pub b: Option<Spanned<String>>,
    pub within: Option<Spanned<String>>,
    pub versus: Option<Spanned<String>>,
    pub label: Option<RawText>,
}

/// `[[charts]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChart {
    pub id: Spanned<String>,
    pub indicator: Option<Spanned<OneOrMany>>,
    pub model: Option<Spanned<String>>,
    pub crosstab: Option<Spanned<String>>,
    pub statistic: Option<Spanned<String>>,
    pub kind: Spanned<String>,
    pub geometry: Option<Spanned<String>>,
    pub property: Option<String>,
    pub join: Option<Spanned<String>>,
    pub dpi: Option<Spanned<u32>>,
    pub max_categories: Option<Spanned<usize>>,
    pub units: Option<Spanned<String>>,
    pub decimals: Option<Spanned<usize>>,
    pub by: Option<Spanned<String>>,
    pub x: Option<Spanned<String>>,
    pub series: Option<Spanned<String>>,
    pub sort: Option<Spanned<OneOrMany>>,
    pub reference: Option<Spanned<String>>,
    pub classes: Option<Spanned<String>>,
    pub title: Option<RawText>,
    pub subtitle: Option<RawText>,
    pub source: Option<RawText>,
    pub note: Option<RawText>,
}

/// `[report]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    pub title: Option<RawText>,
    pub introduction: Option<RawText>,
    #[serde(default)]
    pub sections: Vec<RawSection>,
}

/// One `sections = [{ … }]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub title: RawText,
    pub text: Option<RawText>,
    #[serde(default)]
    pub charts: Vec<Spanned<String>>,
    #[serde(default)]
    pub indicators: Vec<Spanned<String>>,
    pub summary: Option<Spanned<RawSummary>>,
}

/// A section's `summary = { by = "axis", indicators = [...] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSummary {
    pub by: String,
    pub indicators: Vec<String>,
    pub title: Option<RawText>,
}
