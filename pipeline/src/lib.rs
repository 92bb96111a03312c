//! Mizan: a batch pipeline for digital-usage and innovation-ecosystem
//! studies. A study is described once in `study.toml`; [`run::run`] ingests
//! its datasets into validated Parquet, estimates its indicators with
//! design-based standard errors, draws its charts, writes its report and
//! records the hashes of everything it read and wrote.
//!
//! ```no_run
//! let study = mizan::spec::load(std::path::Path::new("reports/example"))?;
//! let summary = mizan::run::run(&study, &mizan::run::RunOptions::default())?;
//! println!("report: {}", summary.report.display());
//! # Ok::<(), mizan::Error>(())
//! ```
#![deny(missing_docs)]

pub mod charts;
pub mod cli;
pub mod composites;
pub mod disclosure;
pub mod error;
pub mod indicators;
pub mod ingest;
pub mod locale;
pub mod models;
pub mod names;
pub mod report;
pub mod run;
pub mod small_area;
pub mod spec;
pub mod survey;
pub mod text;

pub use error::{Error, Result};
