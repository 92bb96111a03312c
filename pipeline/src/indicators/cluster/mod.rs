//! The first pass on a cluster: with `[study.engine] kind = "ballista"` (or
//! `mizan run --engine df://host:50050`), the sums of a survey's
//! indicators — per stratum × PSU × domain: rows, Σw, Σw·x, Σw·y, Σw·y² —
//! are computed by an Apache DataFusion Ballista cluster from the
//! dataset's Parquet files, as one SQL query generated from the resolved
//! indicators (`sql.rs`). The cluster sends back that small table (its size
//! depends on the PSUs and domains, not on the rows), and the local side
//! finishes exactly as for a survey streamed from its file on this machine
//! ([`crate::indicators::streamed`]): the same merging of cells, the same
//! design checks, the same estimators. One finishing path, two ways of
//! producing its input.
//!
//! What goes to the cluster: a Parquet dataset (one file, or a pattern of
//! files that each hold every column) without a contract — its bytes are
//! its typed data, so no validation is skipped that a local run would
//! make — whose design and indicators a streamed pass can take
//! ([`crate::indicators::streamed::obstacle`]). Every other dataset of the
//! study is estimated on this machine, and the run says so.
//!
//! Built only with the cargo feature `ballista`; without it, a study that
//! asks for a cluster is refused with how to get one
//! ([`crate::spec::engine::NOT_BUILT`]).
//! `mizan cluster scheduler|executor` start the cluster's processes from
//! the same build ([`crate::cli::cluster`]).

#[cfg(feature = "ballista")]
mod codebook;
#[cfg(feature = "ballista")]
mod pass;
#[cfg(feature = "ballista")]
mod sql;

use crate::error::Result;
use crate::indicators::streamed::{Source, Streamed};
use crate::spec::model::{DatasetSpec, Format, IndicatorSpec, Study};

/// Why dataset `ds` of `study` is not sent to the cluster (`None`: it is,
/// when the study has one).
pub fn obstacle(study: &Study, ds: &DatasetSpec) -> Option<String> {
    if ds.format != Format::Parquet {
        return Some("its source is not Parquet".into());
    }
    if ds.contract.is_some() {
        return Some("its contract is checked on this machine".into());
    }
    let periods = study
        .indicators
        .iter()
        .filter(|i| i.dataset == ds.id)
        .flat_map(|i| i.by.iter().flatten())
        .any(|v| v.period.is_some());
    if periods {
        return Some("a breakdown is a period of a date column".into());
    }
    crate::indicators::streamed::use_obstacle(study, ds)
}

/// What the cluster did for one dataset, for the run record and the methods.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct ClusterRecord {
    /// The dataset.
    pub dataset: String,
    /// The engine (`ballista`).
    pub engine: String,
    /// The scheduler's URL.
    pub scheduler: String,
    /// Wall time of the pass on the cluster (queries sent to results back).
    pub seconds: f64,
    /// Bytes of the tables the cluster sent back (Arrow IPC).
    pub result_bytes: u64,
    /// Rows the cluster read.
    pub rows: u64,
    /// Files it read them from.
    pub files: usize,
}

/// What the methods say of the engines when the study has a cluster: for
/// each survey, whether the cluster (`records`) or this machine made its
/// first pass, and why not the cluster.
pub fn notes(study: &Study, records: &[ClusterRecord]) -> Vec<String> {
    let Some(scheduler) = &study.engine.scheduler else {
        return Vec::new();
    };
    study
        .datasets
        .iter()
        .filter(|ds| study.indicators.iter().any(|i| i.dataset == ds.id))
        .map(|ds| match records.iter().find(|r| r.dataset == ds.id) {
            Some(r) => format!(
                "The first pass over dataset `{}` ({} rows in {} Parquet file{}) ran on an Apache DataFusion Ballista cluster (scheduler {}); its sums per stratum, PSU and domain were finished on this machine by the same estimators as a local run.",
                ds.id,
                r.rows,
                r.files,
                if r.files == 1 { "" } else { "s" },
                r.scheduler
            ),
            None => format!(
                "Dataset `{}` was estimated on this machine, not on the cluster ({scheduler}): {}.",
                ds.id,
                obstacle(study, ds).unwrap_or_else(|| "none of its indicators reads its rows".into())
            ),
        })
        .collect()
}

/// The sums of indicators `inds` of dataset `ds`, from the cluster at
/// `scheduler`.
pub fn pass(
    ds: &DatasetSpec,
    inds: &[&IndicatorSpec],
    source: &Source,
    scheduler: &str,
) -> Result<Streamed> {
    #[cfg(feature = "ballista")]
    {
        pass::run(ds, inds, source, scheduler)
    }
    #[cfg(not(feature = "ballista"))]
    {
        let _ = (ds, inds, source, scheduler);
        Err(crate::Error::Usage(crate::spec::engine::NOT_BUILT.into()))
    }
}

/// The codebook lines of dataset `ds` (`columns`: its columns, no row),
/// from aggregates the cluster at `scheduler` computes.
pub fn codebook(
    study: &Study,
    ds: &DatasetSpec,
    columns: &polars::prelude::DataFrame,
    scheduler: &str,
) -> Result<Vec<crate::indicators::codebook::Line>> {
    #[cfg(feature = "ballista")]
    {
        codebook::lines(study, ds, columns, scheduler)
    }
    #[cfg(not(feature = "ballista"))]
    {
        let _ = (study, ds, columns, scheduler);
        Err(crate::Error::Usage(crate::spec::engine::NOT_BUILT.into()))
    }
}
