//! The stages of a run, in order: each dataset's ingest, the estimation,
//! each chart, the report. A stage knows what it reads (the stages before
//! it whose outputs it uses) and which files of the output folder it writes
//! ([`Stage::owns`], from the one layout of [`Store`]). Its name in
//! `manifest.json`, `mizan status` and the run records is `ingest:<id>`,
//! `estimate`, `chart:<id>` or `report`.

use std::fmt;
use std::path::{Path, PathBuf};

use super::store::Store;
use crate::spec::model::Study;

/// One stage of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Reading, validating and typing one dataset.
    Ingest(String),
    /// Every indicator, comparison and composite, and the codebook.
    Estimate,
    /// One chart's figure and its data.
    Chart(String),
    /// The HTML and Markdown report.
    Report,
}

impl Stage {
    /// Every stage of `study`, in run order.
    pub fn all(study: &Study) -> Vec<Stage> {
        let mut out: Vec<Stage> = study
            .datasets
            .iter()
            .map(|d| Stage::Ingest(d.id.clone()))
            .collect();
        out.push(Stage::Estimate);
        out.extend(study.charts.iter().map(|c| Stage::Chart(c.id.clone())));
        out.push(Stage::Report);
        out
    }

    /// Whether this stage reads the outputs of `other`.
    pub fn reads(&self, other: &Stage) -> bool {
        matches!(
            (self, other),
            (Stage::Estimate, Stage::Ingest(_))
                | (Stage::Chart(_), Stage::Estimate)
                | (Stage::Report, Stage::Estimate | Stage::Chart(_))
        )
    }

    /// The files it writes for `study`, relative to the output folder.
    pub fn outputs(&self, study: &Study) -> Vec<PathBuf> {
        let layout = Store::new(PathBuf::new());
        let others = || study.languages.iter().filter(|l| **l != study.language);
        match self {
            Stage::Ingest(d) => vec![layout.data(d), layout.rejects(d)],
            Stage::Estimate => vec![
                layout.indicators_parquet(),
                layout.indicators_csv(),
                layout.comparisons_parquet(),
                layout.comparisons_csv(),
                layout.composites_parquet(),
                layout.composites_csv(),
                layout.codebook_csv(),
                layout.design_csv(),
                layout.crosstabs("parquet"),
                layout.crosstabs("csv"),
                layout.tests("parquet"),
                layout.tests("csv"),
                layout.models("parquet"),
                layout.models("csv"),
                layout.small_area("parquet"),
                layout.small_area("csv"),
            ],
            Stage::Chart(c) => Store::FIGURE_FILES
                .iter()
                .map(|ext| layout.figure(c, ext))
                .chain(others().flat_map(|l| {
                    Store::FIGURE_FILES
                        .iter()
                        .map(move |ext| Store::new(PathBuf::new()).figure_in(*l, c, ext))
                }))
                .collect(),
            Stage::Report => Store::REPORT_FILES
                .map(|ext| layout.report(ext))
                .into_iter()
                .chain(study.languages.iter().flat_map(|l| {
                    Store::REPORT_FILES.map(|ext| Store::new(PathBuf::new()).report_in(*l, ext))
                }))
                .collect(),
        }
    }

    /// Whether `path` (relative to the output folder, as the manifest
    /// names it) is one of its outputs for `study`.
    pub fn owns(&self, study: &Study, path: &str) -> bool {
        self.outputs(study).iter().any(|p| p == Path::new(path))
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stage::Ingest(d) => write!(f, "ingest:{d}"),
            Stage::Estimate => f.write_str("estimate"),
            Stage::Chart(c) => write!(f, "chart:{c}"),
            Stage::Report => f.write_str("report"),
        }
    }
}

impl serde::Serialize for Stage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
