//! The resolved study: every value checked, every path absolute, every
//! choice an enum. Later stages read only this, never the TOML.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::error::Location;
use crate::ingest::contract::Contract;

/// Output language: labels and number formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// English: "89.9%", "12,345".
    En,
    /// French: "89,9 %", "12 345" (narrow no-break spaces).
    Fr,
}

impl Language {
    /// The code used in the spec and in per-language labels.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
        }
    }
}

/// A text given once or per language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text(pub BTreeMap<String, String>);

impl Text {
    /// A text that reads the same in every language.
    pub fn plain(s: impl Into<String>) -> Self {
        Text(BTreeMap::from([(String::new(), s.into())]))
    }

    /// The text in `lang`, else the language-independent text, else English,
    /// else any.
    pub fn get(&self, lang: Language) -> Option<&str> {
        self.0
            .get(lang.code())
            .or_else(|| self.0.get(""))
            .or_else(|| self.0.get("en"))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
    }

    /// The text in `lang`, or `fallback` when none was given.
    pub fn get_or<'a>(&'a self, lang: Language, fallback: &'a str) -> &'a str {
        self.get(lang).unwrap_or(fallback)
    }
}

/// A resolved study.
#[derive(Debug, Clone)]
pub struct Study {
    /// `[study] id`.
    pub id: String,
    /// `[study] title`.
    pub title: Text,
    /// `[study] description`.
    pub description: Text,
    /// `[study] language`.
    pub language: Language,
    /// The `study.toml` file.
    pub spec_path: PathBuf,
    /// The folder holding `study.toml`; relative paths start here.
    pub dir: PathBuf,
    /// blake3 of the spec file's bytes.
    pub spec_hash: String,
    /// Datasets in id order.
    pub datasets: Vec<DatasetSpec>,
    /// Indicators in spec order.
    pub indicators: Vec<IndicatorSpec>,
    /// Charts in spec order.
    pub charts: Vec<ChartSpec>,
    /// Comparisons in spec order.
    pub comparisons: Vec<ComparisonSpec>,
    /// Composite indices in spec order.
    pub composites: Vec<CompositeSpec>,
    /// Report layout.
    pub report: ReportSpec,
    /// Reliability rules for the `flag` column.
    pub reliability: Reliability,
    /// What counts as a change worth reporting between two runs.
    pub drift: Drift,
}

/// `[study.drift]`: an indicator value drifts when it moves, since the last
/// published run, by more than `se` standard errors of the difference or
/// more than `points` in the table's units (either limit, when given).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drift {
    /// In standard errors of the difference √(SE₁² + SE₀²) (default 3).
    pub se: Option<f64>,
    /// In the indicators table's units (a proportion's 0.05 is 5 points).
    pub points: Option<f64>,
}

impl Default for Drift {
    fn default() -> Self {
        Drift {
            se: Some(3.0),
            points: None,
        }
    }
}

impl Study {
    /// The dataset with `id`.
    pub fn dataset(&self, id: &str) -> Option<&DatasetSpec> {
        self.datasets.iter().find(|d| d.id == id)
    }

    /// The indicator with `id`.
    pub fn indicator(&self, id: &str) -> Option<&IndicatorSpec> {
        self.indicators.iter().find(|i| i.id == id)
    }
}

/// Source file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text (.csv, .tsv, .txt).
    Delimited,
    /// Apache Parquet.
    Parquet,
    /// Excel workbook (.xlsx).
    Xlsx,
    /// SPSS, Stata or SAS microdata (.sav, .zsav, .dta, .sas7bdat, .xpt).
    Microdata,
}

/// Wide-to-long reshaping at ingest.
#[derive(Debug, Clone)]
pub struct Unpivot {
    /// Columns kept as identifiers.
    pub index: Vec<String>,
    /// Name of the new column holding the former column names.
    pub variable: String,
    /// Name of the new column holding the values.
    pub value: String,
}

/// One `[datasets.<id>]`.
#[derive(Debug, Clone)]
pub struct DatasetSpec {
    /// The id (the TOML key).
    pub id: String,
    /// The source file, absolute; its file name may be a pattern
    /// (`survey_*.csv`) matching a file per wave.
    pub path: PathBuf,
    /// For a pattern: the column holding each file's wave (the text its `*`
    /// matched), added unless the files have it.
    pub wave: String,
    /// The source format, from the extension.
    pub format: Format,
    /// The contract, when given.
    pub contract: Option<Contract>,
    /// Field delimiter for delimited text.
    pub delimiter: u8,
    /// Text encoding of delimited text.
    pub encoding: &'static encoding_rs::Encoding,
    /// Decimal mark for numbers in text: `.` or `,`.
    pub decimal: char,
    /// Sheet of a workbook (first when absent).
    pub sheet: Option<String>,
    /// Preamble lines before the header.
    pub skip_rows: usize,
    /// Texts that mean "no value" in every column of a text or workbook
    /// source (`NA`, `.`), besides the empty cell.
    pub missing: Vec<String>,
    /// Wide-to-long reshaping.
    pub unpivot: Option<Unpivot>,
    /// Human name.
    pub label: Text,
    /// Attribution line for charts and the report.
    pub source: Text,
    /// Survey design; `None` for a registry (complete enumeration).
    pub design: Option<DesignSpec>,
    /// What a microdata file says of its variables (labels and value
    /// labels), read from its header; a contract's labels come first.
    pub file_labels: BTreeMap<String, crate::ingest::microdata::Variable>,
}

/// What to do with a stratum holding a single PSU (R's `survey.lonely.psu`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone)]
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
#[derive(Debug, Clone)]
pub struct CalibrationSpec {
    /// The categorical margins (one for post-stratification).
    pub margins: Vec<Margin>,
    /// How the weights are adjusted to them.
    pub method: CalibrationMethod,
}

/// The calibration methods, with R's meanings.
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone)]
pub struct Margin {
    /// The variables whose cross defines the margin's categories.
    pub variables: Vec<String>,
    /// The counts.
    pub population: Population,
}

/// Where a margin's population counts are.
#[derive(Debug, Clone)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone)]
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

/// The statistic of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    /// Weighted mean of `expr`.
    Mean,
    /// Weighted share of rows where the boolean `expr` holds.
    Proportion,
    /// Weighted total of `expr`.
    Total,
    /// Number of rows where `expr` holds (estimated population count for a survey).
    Count,
    /// Ratio of the totals of `numerator` and `denominator`.
    Ratio,
    /// A quantile of `expr` (R's qrule "math", Woodruff interval).
    Quantile,
    /// The number of distinct values of `expr` (registries).
    CountDistinct,
    /// How concentrated `expr` is across the units of `of` (registries):
    /// Herfindahl–Hirschman index, top-k share or Gini.
    Concentration,
    /// The growth of another indicator along a time breakdown: period on
    /// period, and the compound annual rate overall.
    Growth,
    /// The total of `expr` (or the count of rows) per `per` people of a
    /// population dataset, overall and by its key.
    PerCapita,
    /// The share of units still active `after` years after their founding
    /// (registries).
    Survival,
}

/// `founded`, `closed`, `after`, `as_of` of a survival indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalSpec {
    /// The founding-date column.
    pub founded: String,
    /// The closing-date column (empty while active).
    pub closed: String,
    /// Years after founding.
    pub after: u32,
    /// The date the registry stands at (default: its latest date).
    pub as_of: Option<chrono::NaiveDate>,
}

/// `population = { dataset, on, column }` and `per` of a per-capita indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct PerCapita {
    /// The population dataset.
    pub dataset: String,
    /// The breakdown variable that is also the population dataset's key.
    pub on: String,
    /// The population column.
    pub column: String,
    /// Per how many people (1,000 by default).
    pub per: f64,
}

/// A concentration measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concentration {
    /// Σ sᵢ² of the units' shares, from 1/n (even) to 1 (one unit holds all).
    Hhi,
    /// The share held by the `top` largest units.
    TopShare(usize),
    /// Gini coefficient of the units' totals (0: equal; → 1: one holds all).
    Gini,
}

impl Statistic {
    /// Every statistic with its spec name.
    pub const ALL: [(Statistic, &'static str); 11] = [
        (Statistic::Mean, "mean"),
        (Statistic::Proportion, "proportion"),
        (Statistic::Total, "total"),
        (Statistic::Count, "count"),
        (Statistic::Ratio, "ratio"),
        (Statistic::Quantile, "quantile"),
        (Statistic::CountDistinct, "count_distinct"),
        (Statistic::Concentration, "concentration"),
        (Statistic::Growth, "growth"),
        (Statistic::PerCapita, "per_capita"),
        (Statistic::Survival, "survival"),
    ];

    /// The spec name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map(|(_, n)| *n)
            .unwrap_or("")
    }
}

/// How a proportion's interval is built (R's `svyciprop` methods).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiMethod {
    /// On the logit scale with the SE of logit(p) (default; `svyciprop`'s "logit").
    Logit,
    /// p ± t·SE (`svyciprop`'s "mean").
    Wald,
    /// Korn–Graubard, from the beta distribution with the effective sample size.
    Beta,
    /// On the logit scale with the delta-method SE(p) / (p(1 − p)).
    XLogit,
    /// On the arcsine-square-root scale.
    Asin,
}

impl CiMethod {
    /// Every method with its spec name.
    pub const ALL: [(CiMethod, &'static str); 5] = [
        (CiMethod::Logit, "logit"),
        (CiMethod::Wald, "wald"),
        (CiMethod::Beta, "beta"),
        (CiMethod::XLogit, "xlogit"),
        (CiMethod::Asin, "asin"),
    ];
}

/// One `[[indicators]]`.
#[derive(Debug, Clone)]
pub struct IndicatorSpec {
    /// The id.
    pub id: String,
    /// The dataset id.
    pub dataset: String,
    /// The statistic.
    pub statistic: Statistic,
    /// SQL expression over the dataset's columns (`None`: every row / 1).
    pub expr: Option<String>,
    /// SQL condition defining the subpopulation.
    pub where_: Option<String>,
    /// Ratio: SQL expressions of the numerator and denominator, with where they are.
    pub ratio: Option<[(String, Location); 2]>,
    /// Breakdowns: each a list of variables (one variable = one-way; several = crossed).
    pub by: Vec<Vec<String>>,
    /// Human label.
    pub label: Text,
    /// Confidence level of intervals.
    pub level: f64,
    /// Interval method of a proportion.
    pub ci: CiMethod,
    /// The probability of a quantile (0.5 for the median).
    pub quantile: f64,
    /// Where `expr` is.
    pub expr_location: Option<Location>,
    /// Where `where` is.
    pub where_location: Option<Location>,
    /// Where each `by` entry is.
    pub by_locations: Vec<Location>,
    /// Columns of a related dataset, joined to each row by key.
    pub join: Option<JoinSpec>,
    /// Concentration: the column naming the units and the measure.
    pub concentration: Option<(String, Concentration)>,
    /// Growth: the indicator whose series grows, and the time variable.
    pub growth: Option<(String, String)>,
    /// Per capita: the population it is divided by.
    pub per_capita: Option<PerCapita>,
    /// Survival: the dates and horizon.
    pub survival: Option<SurvivalSpec>,
}

/// `join = { dataset = "startups", on = "startup_id" }`: each row gets the
/// columns of the related dataset's row with the same key (a left join).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JoinSpec {
    /// The related dataset.
    pub dataset: String,
    /// The key columns, present in both.
    pub on: Vec<String>,
}

/// What a comparison compares.
#[derive(Debug, Clone, PartialEq)]
pub enum Compared {
    /// Two domains of one breakdown of the indicator (one survey: their
    /// covariance counts).
    Domains {
        /// The breakdown variable.
        by: String,
        /// Value of the first domain.
        a: String,
        /// Value of the second domain.
        b: String,
    },
    /// The indicator's overall value against another indicator's, from an
    /// independent sample (another wave or survey).
    Independent {
        /// The other indicator.
        versus: String,
    },
}

/// One `[[comparisons]]`: a difference a − b with its SE, interval and p-value.
#[derive(Debug, Clone)]
pub struct ComparisonSpec {
    /// The id.
    pub id: String,
    /// The indicator.
    pub indicator: String,
    /// What is compared.
    pub compared: Compared,
    /// Human label.
    pub label: Text,
    /// Where it is declared.
    pub location: Location,
}

/// Kinds of chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Horizontal bars with CI error bars, one per domain of `by`.
    Bar,
    /// Bars of `by`, one per value of `series` within each, side by side.
    GroupedBar,
    /// A series over `x` (waves, years), one line per value of `series`.
    Line,
    /// A ranking: a dot per domain of `by` with its interval, best first.
    Dot,
    /// Indicators (rows) × domains of `by` (columns), coloured by value.
    Heatmap,
    /// One small bar chart of `by` per value of `series`, on a shared scale.
    SmallMultiples,
    /// A choropleth of the domains of `by` over a GeoJSON file, or a tile grid.
    Map,
}

impl ChartKind {
    /// Every kind with its spec name.
    pub const ALL: [(ChartKind, &'static str); 7] = [
        (ChartKind::Bar, "bar"),
        (ChartKind::GroupedBar, "grouped_bar"),
        (ChartKind::Line, "line"),
        (ChartKind::Dot, "dot"),
        (ChartKind::Heatmap, "heatmap"),
        (ChartKind::SmallMultiples, "small_multiples"),
        (ChartKind::Map, "map"),
    ];

    /// The kind's spec name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("", |(_, n)| n)
    }
}

/// A map's geometry: a GeoJSON file and how its features meet the domains.
#[derive(Debug, Clone)]
pub struct MapGeometry {
    /// The GeoJSON file (polygons and multipolygons, WGS84 longitude/latitude).
    pub path: PathBuf,
    /// The feature property holding each feature's key.
    pub property: String,
    /// Match the property against the domain's label (true) or its value (false).
    pub by_label: bool,
}

/// Bar order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarOrder {
    /// Largest estimate first.
    Value,
    /// In code order.
    Code,
}

/// One `[[charts]]`.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    /// The id (file stem of the figure).
    pub id: String,
    /// The indicator drawn (the first row of a heatmap).
    pub indicator: String,
    /// Every indicator drawn: the rows of a heatmap, else just `indicator`.
    pub indicators: Vec<String>,
    /// The kind.
    pub kind: ChartKind,
    /// The breakdown variable (bars, dots, columns, regions); a line's x variable.
    pub by: String,
    /// Line: one line per value; grouped bar: one bar per value within each
    /// group; small multiples: one panel per value (a crossed breakdown with `by`).
    pub series: Option<String>,
    /// A map's geometry; `None` draws a tile grid.
    pub geometry: Option<MapGeometry>,
    /// PNG resolution.
    pub dpi: u32,
    /// The most categories drawn (the largest by value; a line's most
    /// recent); the others are in the tables, and a note says so.
    pub max_categories: usize,
    /// `indicator` names a composite: its index is drawn with its intervals.
    pub composite: bool,
    /// Bar order.
    pub order: BarOrder,
    /// Title (defaults to the indicator label).
    pub title: Text,
    /// Subtitle.
    pub subtitle: Text,
    /// Source line (defaults to the dataset's source).
    pub source: Text,
    /// Notes.
    pub note: Text,
}

/// One report section.
#[derive(Debug, Clone)]
pub struct SectionSpec {
    /// Heading.
    pub title: Text,
    /// Paragraph under the heading.
    pub text: Text,
    /// Chart ids.
    pub charts: Vec<String>,
    /// Indicator ids whose tables are shown.
    pub indicators: Vec<String>,
}

/// `[report]`.
#[derive(Debug, Clone)]
pub struct ReportSpec {
    /// Title (defaults to the study title).
    pub title: Text,
    /// Introduction paragraph.
    pub introduction: Text,
    /// Sections, in order.
    pub sections: Vec<SectionSpec>,
}

/// Rules for the `flag` column (Statistics Canada's by default).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reliability {
    /// The rule set.
    pub rule: ReliabilityRule,
    /// Below this unweighted n: suppressed.
    pub min_n: u64,
    /// CV above this (a fraction): use with caution.
    pub cv_caution: f64,
    /// CV above this (a fraction): suppressed.
    pub cv_suppress: f64,
}

/// Which reliability rules flag the estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReliabilityRule {
    /// Statistics Canada's: unweighted n and coefficient of variation.
    Cv,
    /// NCHS Data Presentation Standards for Proportions (2017) for
    /// proportions; the CV rule for other statistics.
    Nchs2017,
}

impl Default for Reliability {
    fn default() -> Self {
        Reliability {
            rule: ReliabilityRule::Cv,
            min_n: 30,
            cv_caution: 0.165,
            cv_suppress: 0.333,
        }
    }
}

/// One `[[composites]]`: an index over the rows of a dataset (one per unit
/// and wave), as the JRC/OECD Handbook on composite indicators describes.
#[derive(Debug, Clone)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq)]
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
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone)]
pub struct Node {
    /// The node's id (the column for an indicator).
    pub id: String,
    /// Its weight within its parent.
    pub weight: f64,
    /// An indicator or a group of components.
    pub kind: NodeKind,
}

/// What a node is.
#[derive(Debug, Clone)]
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
