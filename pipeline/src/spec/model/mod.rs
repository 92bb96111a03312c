//! The resolved study: every value checked, every path absolute, every
//! choice an enum. Later stages read only this, never the TOML.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::error::Location;
use crate::ingest::contract::Contract;

mod chart;
mod composite;
mod dataset;
mod design;
mod indicator;
mod regression;
mod report;

pub use chart::*;
pub use composite::*;
pub use dataset::*;
pub use design::*;
pub use indicator::*;
pub use regression::*;
pub use report::*;

pub use crate::locale::Language;

/// A text given once or per language.
#[derive(Debug, Clone, serde::Serialize, Default, PartialEq)]
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
    /// `[study] language`: the language of `report.html` and the figures
    /// (the first of `languages` when those are given).
    pub language: Language,
    /// `[study] languages`: every language the study is published in, each
    /// with its `report.<lang>.html|md` (and figures under `figures/<lang>/`
    /// for the languages but the first); empty when not given.
    pub languages: Vec<Language>,
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
    /// Cross-tabulations in spec order.
    pub crosstabs: Vec<CrosstabSpec>,
    /// Regression models in spec order.
    pub models: Vec<ModelSpec>,
    /// Composite indices in spec order.
    pub composites: Vec<CompositeSpec>,
    /// Report layout.
    pub report: ReportSpec,
    /// Reliability rules for the `flag` column.
    pub reliability: Reliability,
    /// What counts as a change worth reporting between two runs.
    pub drift: Drift,
    /// `[study.disclosure]`: the rules that keep cells confidential.
    pub disclosure: Option<Disclosure>,
    /// `[study.engine]`: how large datasets are read.
    pub engine: Engine,
}

/// `[study.engine]`: a Parquet survey with more rows than `stream_rows` is
/// estimated batch by batch from its file, `batch_rows` rows at a time, so
/// that memory does not grow with its rows
/// ([`crate::indicators::streamed`]). `kind = "ballista"` sends the first
/// pass over the datasets a cluster can take to an Apache DataFusion
/// Ballista scheduler ([`crate::indicators::cluster`]).
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Engine {
    /// Datasets with more rows are streamed (default 20,000,000).
    pub stream_rows: u64,
    /// Rows read at a time when streaming (default 4,194,304).
    pub batch_rows: usize,
    /// `kind = "ballista"`: the scheduler's URL (`df://host:50050`); `None`
    /// for the local engine (`kind = "local"`, the default).
    pub scheduler: Option<String>,
}

impl Default for Engine {
    fn default() -> Self {
        Engine {
            stream_rows: 20_000_000,
            batch_rows: 1 << 22,
            scheduler: None,
        }
    }
}

/// `[study.disclosure]`: statistical disclosure control of the indicators'
/// cells — primary rules, and how wide an attacker's interval for a
/// confidential cell must stay.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Disclosure {
    /// A cell with fewer contributing units (respondents, or the
    /// `contributors` of a registry) is confidential.
    pub min_n: Option<u64>,
    /// The (n, k) dominance rule: the `n` largest contributions hold more
    /// than `k` of the cell's total.
    pub dominance: Option<(usize, f64)>,
    /// The p% rule: the cell's total less its two largest contributions is
    /// under `p` of the largest.
    pub p_percent: Option<f64>,
    /// For a cell under `min_n`: how far, as a share of each of its values,
    /// an attacker's interval must reach on both sides (default 0.10).
    pub protection: f64,
    /// Per dataset, the column naming the unit a row's contribution belongs
    /// to (rows of one startup are one contributor); by default each row is.
    pub contributors: BTreeMap<String, String>,
}

/// `[study.drift]`: an indicator value drifts when it moves, since the last
/// published run, by more than `se` standard errors of the difference or
/// more than `points` in the table's units (either limit, when given).
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq)]
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

/// Rules for the `flag` column (Statistics Canada's by default).
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq)]
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
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq)]
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
