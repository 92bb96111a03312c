//! Running a study: ingest → estimate → charts → report → manifest, each
//! stage timed, everything written into a staging folder and published over
//! `out/` only when every stage succeeded ([`store::Store::publish`]).
//! [`validate`] runs the checks of every stage without writing anything.

pub mod lock;
pub mod manifest;
pub mod store;
pub mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use polars::prelude::DataFrame;

use crate::charts;
use crate::error::Result;
use crate::indicators::{self, evaluate};
use crate::ingest::{self, Ingested};
use crate::report;
use crate::spec::model::Study;
use manifest::{InputRecord, Manifest, StageRecord};
use store::Store;

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Output folder (default: `out/` beside `study.toml`).
    pub out: Option<PathBuf>,
    /// Show a progress bar (only drawn on a terminal).
    pub progress: bool,
    /// Resolution of the PNG figures (default 300).
    pub dpi: Option<u32>,
}

/// Rows of one dataset.
#[derive(Debug, Clone)]
pub struct DatasetCounts {
    /// Dataset id.
    pub id: String,
    /// Rows read.
    pub read: usize,
    /// Rows kept.
    pub kept: usize,
    /// Rows rejected.
    pub rejected: usize,
}

/// What a run did, for the summary screen.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Per dataset.
    pub datasets: Vec<DatasetCounts>,
    /// Indicators computed.
    pub indicators: usize,
    /// Rows in the indicators table.
    pub indicator_rows: usize,
    /// Figures written.
    pub figures: usize,
    /// The published output folder.
    pub out: PathBuf,
    /// The HTML report.
    pub report: PathBuf,
}

/// The default output folder of a study.
pub fn default_out(study: &Study) -> PathBuf {
    study.dir.join("out")
}

struct Stages {
    bar: ProgressBar,
    records: Vec<StageRecord>,
}

impl Stages {
    fn new(total: usize, show: bool) -> Self {
        let bar = ProgressBar::with_draw_target(
            Some(total as u64),
            if show {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        if let Ok(style) = ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}") {
            bar.set_style(style.progress_chars("=> "));
        }
        Stages {
            bar,
            records: Vec::new(),
        }
    }

    fn time<T>(&mut self, name: String, f: impl FnOnce() -> Result<T>) -> Result<T> {
        self.bar.set_message(name.clone());
        let start = Instant::now();
        let out = f();
        self.records.push(StageRecord {
            stage: name,
            seconds: start.elapsed().as_secs_f64(),
        });
        self.bar.inc(1);
        out
    }
}

/// Ingests every dataset of `study` (in parallel) and checks every indicator
/// expression and breakdown against the data. Writes nothing.
pub fn validate(study: &Study) -> Result<BTreeMap<String, Ingested>> {
    let ingested = ingest_all(study)?;
    for ind in &study.indicators {
        let df = &ingested[&ind.dataset].data;
        evaluate::evaluate(ind, df)?;
    }
    Ok(ingested)
}

fn ingest_all(study: &Study) -> Result<BTreeMap<String, Ingested>> {
    use rayon::prelude::*;
    let results: Vec<Result<Ingested>> = study.datasets.par_iter().map(ingest::ingest).collect();
    study
        .datasets
        .iter()
        .zip(results)
        .map(|(d, r)| Ok((d.id.clone(), r?)))
        .collect()
}

/// Runs `study` end to end and publishes its outputs.
pub fn run(study: &Study, opts: &RunOptions) -> Result<Summary> {
    let out = opts.out.clone().unwrap_or_else(|| default_out(study));
    let out = std::path::absolute(&out).map_err(|e| crate::Error::io(&out, e))?;
    let _lock = lock::RunLock::acquire(&out)?;
    let staging = Store::new(Store::staging_for(&out));
    staging.discard_if_exists();
    staging.create()?;
    match run_into(study, opts, &staging) {
        Ok(mut summary) => {
            staging.publish(&out)?;
            summary.report = out.join("report.html");
            summary.out = out;
            Ok(summary)
        }
        Err(e) => {
            staging.discard();
            Err(e)
        }
    }
}

fn run_into(study: &Study, opts: &RunOptions, store: &Store) -> Result<Summary> {
    // ingest, estimate, each chart, report (the data writes run beside estimate).
    let total = 1 + 1 + study.charts.len() + 1;
    let mut st = Stages::new(total, opts.progress);

    let ingested = st.time("ingest".into(), || ingest_all(study))?;
    let mut inputs = Vec::new();
    let mut counts = Vec::new();
    for ds in &study.datasets {
        let ing = &ingested[&ds.id];
        inputs.push(InputRecord {
            dataset: ds.id.clone(),
            path: manifest::relative_up(&ds.path, &study.dir),
            bytes: ing.source.bytes,
            blake3: ing.source.blake3.clone(),
            rows: ing.rows_read,
            rows_kept: ing.rows_kept(),
            rows_rejected: ing.rows_rejected(),
            contract: match &ds.contract {
                Some(c) => Some(manifest::file_record(
                    &c.path,
                    manifest::relative_up(&c.path, &study.dir),
                )?),
                None => None,
            },
        });
        counts.push(DatasetCounts {
            id: ds.id.clone(),
            read: ing.rows_read,
            kept: ing.rows_kept(),
            rejected: ing.rows_rejected(),
        });
    }
    let data: BTreeMap<String, DataFrame> = ingested
        .iter()
        .map(|(k, v)| (k.clone(), v.data.clone()))
        .collect();

    // Writing the typed data and estimating both only read the ingested
    // rows: do them at the same time.
    let (written, estimated) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| write_datasets(study, store, &ingested));
        let estimated = st.time("estimate".into(), || estimate(study, store, &data));
        (writer.join(), estimated)
    });
    st.records.extend(
        written
            .map_err(|_| crate::Error::internal("writing data", "the writer thread panicked"))??,
    );
    let (rows, designs, comparisons) = estimated?;
    drop(ingested);

    let mut figures = Vec::new();
    for chart in &study.charts {
        let fig = st.time(format!("chart:{}", chart.id), || {
            let fig = charts::figure(study, chart, &rows)?;
            let svg = charts::svg(&fig)?;
            write::bytes(&store.figure(&chart.id, "svg"), svg.as_bytes())?;
            write::bytes(
                &store.figure(&chart.id, "png"),
                &charts::raster::png(&svg, opts.dpi.unwrap_or(chart.dpi))?,
            )?;
            write::bytes(&store.figure(&chart.id, "csv"), &charts::csv(&fig)?)?;
            write::bytes(
                &store.figure(&chart.id, "json"),
                &charts::metadata(study, &fig)?,
            )?;
            Ok((fig, svg))
        })?;
        figures.push(fig);
    }

    st.time("report".into(), || {
        let sources = study
            .datasets
            .iter()
            .zip(&inputs)
            .map(|(d, i)| report::SourceRow {
                id: d.id.clone(),
                label: d.label.get_or(study.language, &d.id).to_string(),
                path: i.path.clone(),
                source: d.source.get_or(study.language, "").to_string(),
                blake3: i.blake3.clone(),
                rows_read: i.rows,
                rows_kept: i.rows_kept,
                rows_rejected: i.rows_rejected,
            })
            .collect();
        let ctx = report::context(study, &rows, &comparisons, &figures, sources, &designs);
        write::bytes(&store.report_html(), report::html(&ctx)?.as_bytes())?;
        write::bytes(
            &store.report_md(),
            report::markdown::render(&ctx)?.as_bytes(),
        )
    })?;

    let manifest = Manifest {
        mizan_version: env!("CARGO_PKG_VERSION").to_string(),
        study: study.id.clone(),
        spec: manifest::file_record(
            &study.spec_path,
            manifest::relative_up(&study.spec_path, &study.dir),
        )?,
        inputs,
        outputs: manifest::outputs(store.root())?,
        stages: st.records.clone(),
    };
    let json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| crate::Error::internal("manifest", e))?;
    write::bytes(&store.manifest(), &json)?;
    st.bar.finish_and_clear();

    Ok(Summary {
        datasets: counts,
        indicators: study.indicators.len(),
        indicator_rows: rows.len(),
        figures: figures.len(),
        out: PathBuf::new(),
        report: PathBuf::new(),
    })
}

/// Writes `data/<dataset>.parquet` and `rejects/<dataset>.parquet` of every
/// dataset, with the provenance metadata; returns each write's timing.
fn write_datasets(
    study: &Study,
    store: &Store,
    ingested: &BTreeMap<String, Ingested>,
) -> Result<Vec<StageRecord>> {
    let mut records = Vec::new();
    for ds in &study.datasets {
        let start = Instant::now();
        let ing = &ingested[&ds.id];
        let meta = vec![
            (
                "mizan.source".to_string(),
                manifest::relative_up(&ds.path, &study.dir),
            ),
            ("mizan.source_blake3".to_string(), ing.source.blake3.clone()),
            (
                "mizan.contract_blake3".to_string(),
                ds.contract
                    .as_ref()
                    .map(|c| c.hash.clone())
                    .unwrap_or_default(),
            ),
            (
                "mizan.version".to_string(),
                env!("CARGO_PKG_VERSION").to_string(),
            ),
        ];
        if ing.source_is_typed_data {
            // Re-encoding would give the same rows and types: the source's bytes serve.
            std::fs::copy(&ds.path, store.data(&ds.id))
                .map_err(|e| crate::error::Error::io(&ds.path, e))?;
        } else {
            write::parquet(&store.data(&ds.id), &mut ing.data.clone(), meta.clone())?;
        }
        write::parquet(&store.rejects(&ds.id), &mut ing.rejects.clone(), meta)?;
        records.push(StageRecord {
            stage: format!("write:{}", ds.id),
            seconds: start.elapsed().as_secs_f64(),
        });
    }
    Ok(records)
}

/// Estimates every indicator and writes `indicators.parquet` and `.csv`.
fn estimate(
    study: &Study,
    store: &Store,
    data: &BTreeMap<String, DataFrame>,
) -> Result<(
    Vec<indicators::IndicatorRow>,
    Vec<indicators::DesignSummary>,
    Vec<indicators::compare::ComparisonRow>,
)> {
    let (rows, designs, comparisons) = indicators::compute(study, data)?;
    if !study.comparisons.is_empty() {
        let mut table = indicators::compare::to_frame(&comparisons)?;
        write::parquet(&store.comparisons_parquet(), &mut table, Vec::new())?;
        write::csv(&store.comparisons_csv(), &mut table)?;
    }
    let mut table = indicators::table::to_frame(study, &rows)?;
    let meta = vec![
        ("mizan.spec_blake3".to_string(), study.spec_hash.clone()),
        (
            "mizan.version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
    ];
    write::parquet(&store.indicators_parquet(), &mut table, meta)?;
    let mut flat = table.drop_many([indicators::table::BY_VARS, indicators::table::DOMAIN_VALUES]);
    write::csv(&store.indicators_csv(), &mut flat)?;
    Ok((rows, designs, comparisons))
}

/// Whether `path` looks like a study (a `study.toml` or a folder holding one).
pub fn is_study(path: &Path) -> bool {
    crate::spec::resolve::spec_file(path).is_file()
}
