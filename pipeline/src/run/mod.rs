//! Running a study: ingest → estimate → charts → report → manifest, each
//! stage timed, everything written into a staging folder and published over
//! `out/` only when every stage succeeded ([`store::Store::publish`]).
//! [`validate`] runs the checks of every stage without writing anything.

mod dictionary;
pub mod drift;
pub mod history;
pub mod lock;
pub mod manifest;
pub mod plan;
pub mod stage;
mod stages;
pub mod store;
pub mod target;
pub mod verify;
pub mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;

use crate::charts;
use crate::error::Result;
use crate::indicators;
use crate::ingest::{self, Ingested};
use crate::spec::model::Study;
use drift::DriftRow;
use history::{RunRecord, StageOutcome};
use manifest::Manifest;
use plan::Plan;
use store::Store;

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Output folder (default: `out/` beside `study.toml`).
    pub out: Option<PathBuf>,
    /// Show a progress bar (only drawn on a terminal).
    pub progress: bool,
    /// Resolution of the PNG figures (default: each chart's `dpi`).
    pub dpi: Option<u32>,
    /// Rerun every stage, up to date or not.
    pub force: bool,
    /// Refuse to publish when indicators drifted beyond `[study.drift]`.
    pub fail_on_drift: bool,
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
    /// Nothing had changed: no stage ran and `out/` was left as it was.
    pub unchanged: bool,
    /// What happened to each stage, and why.
    pub stages: Vec<StageOutcome>,
    /// Indicator values that moved beyond `[study.drift]`.
    pub drift: Vec<DriftRow>,
    /// Columns added, removed or retyped in the sources.
    pub schema_changes: Vec<String>,
    /// This run's record in `out/runs/`.
    pub record: PathBuf,
    /// Per indicator, the rows left out for declared missing codes.
    pub missing: Vec<String>,
    /// What a person should look at although the run succeeded: a lock
    /// taken over, a probable missing-value marker, an indicator without a
    /// row, categories left out of a chart.
    pub warnings: Vec<String>,
}

/// The default output folder of a study.
pub fn default_out(study: &Study) -> PathBuf {
    study.dir.join("out")
}

/// What `mizan validate` found: each dataset's rows, and the warnings a
/// run would print.
#[derive(Debug)]
pub struct Validated {
    /// Each dataset as ingested.
    pub ingested: BTreeMap<String, Ingested>,
    /// What a run would warn about.
    pub warnings: Vec<String>,
}

/// Every check of a run, nothing written: ingests every dataset, prepares
/// every design, estimates every indicator, comparison and composite in
/// memory and builds every figure (without drawing it) — so a spec that
/// `validate` passes is one that `run` accepts.
pub fn validate(study: &Study) -> Result<Validated> {
    // A dataset too large to hold has its typed rows written here while the
    // checks run, as in a run.
    let spill = tempfile::tempdir().map_err(|e| crate::Error::io(&std::env::temp_dir(), e))?;
    let ingested = ingest_to(study, Some(spill.path()))?;
    let data: BTreeMap<String, DataFrame> = ingested
        .iter()
        .map(|(k, v)| (k.clone(), v.data.clone()))
        .collect();
    let mut warnings = marker_warnings(study, &data);
    warnings.extend(indicators::streamed::held(study, &ingested));
    let (data, _) = indicators::missing::for_estimation(study, &data)?;
    let streams = indicators::streamed::streams(&ingested);
    let computed = indicators::compute(study, &data, &streams)?;
    let composites = crate::composites::compute(study, &data, &computed.rows)?;
    warnings.extend(computed.warnings.iter().cloned());
    for chart in &study.charts {
        let fig = charts::build(study, chart, &computed, &composites)?;
        warnings.extend(omitted_warning(chart, &fig));
    }
    Ok(Validated { ingested, warnings })
}

/// Warnings about the data as it came: text columns that are numbers but
/// for a probable missing-value marker, and codes a contract labels
/// otherwise than the microdata file.
fn marker_warnings(study: &Study, data: &BTreeMap<String, DataFrame>) -> Vec<String> {
    let suspects: Vec<_> = data
        .iter()
        .flat_map(|(id, df)| ingest::markers::suspects(id, df))
        .collect();
    let mut out = ingest::markers::warnings(study, &suspects);
    out.extend(ingest::microdata::label_conflicts(study));
    out
}

/// The warning of a chart that leaves categories out.
fn omitted_warning(chart: &crate::spec::model::ChartSpec, fig: &charts::Figure) -> Option<String> {
    (fig.omitted > 0).then(|| {
        format!(
            "chart `{}` draws {} of its {} categories (max_categories); the tables hold them all",
            chart.id,
            chart.max_categories,
            chart.max_categories + fig.omitted
        )
    })
}

/// Ingests every dataset of `study`, in parallel, into memory. Writes nothing.
pub fn ingest(study: &Study) -> Result<BTreeMap<String, Ingested>> {
    ingest_to(study, None)
}

/// Ingests every dataset of `study`, in parallel; one too large to hold
/// (delimited, or Parquet with a contract) writes its typed rows into the
/// folder `spill` (see [`ingest::Spill`]).
fn ingest_to(study: &Study, spill: Option<&Path>) -> Result<BTreeMap<String, Ingested>> {
    use rayon::prelude::*;
    let results: Vec<Result<Ingested>> = study
        .datasets
        .par_iter()
        .map(|d| {
            let spill = spill
                .map(|dir| ingest::Spill::scratch(study, dir.join(format!("{}.parquet", d.id))));
            ingest::ingest_in(study, d, spill)
        })
        .collect();
    study
        .datasets
        .iter()
        .zip(results)
        .map(|(d, r)| Ok((d.id.clone(), r?)))
        .collect()
}

/// Runs `study` end to end and publishes its outputs — or, when nothing
/// changed since the published run, does nothing and says so. Every run,
/// failed or not, leaves a record in `out/runs/`.
pub fn run(study: &Study, opts: &RunOptions) -> Result<Summary> {
    let out = opts.out.clone().unwrap_or_else(|| default_out(study));
    let out = std::path::absolute(&out).map_err(|e| crate::Error::io(&out, e))?;
    let out = target::check(study, &out)?;
    let lock = lock::RunLock::acquire(&out)?;
    let started = history::now();
    let result = run_locked(study, opts, &out).map(|mut s| {
        s.warnings.splice(0..0, lock.taken_over.clone());
        s
    });
    let (status, exit_code, error) = match &result {
        Ok(s) if s.unchanged => ("unchanged", 0, None),
        Ok(_) => ("published", 0, None),
        Err(e) => ("failed", e.exit_code(), Some(e.to_string())),
    };
    let empty = Summary::default();
    let s = result.as_ref().unwrap_or(&empty);
    let record = RunRecord {
        study: study.id.clone(),
        mizan_version: env!("CARGO_PKG_VERSION").to_string(),
        started,
        finished: history::now(),
        status,
        exit_code,
        error,
        stages: s.stages.clone(),
        rows: s
            .datasets
            .iter()
            .map(|d| history::Rows {
                dataset: d.id.clone(),
                read: d.read,
                kept: d.kept,
                rejected: d.rejected,
            })
            .collect(),
        drift: s.drift.clone(),
        schema_changes: s.schema_changes.clone(),
        warnings: match &result {
            Ok(s) => s.warnings.clone(),
            Err(_) => lock.taken_over.iter().cloned().collect(),
        },
    };
    let path = history::write(&out, &record);
    let mut summary = result?;
    summary.record = path?;
    Ok(summary)
}

impl Default for Summary {
    fn default() -> Self {
        Summary {
            datasets: Vec::new(),
            indicators: 0,
            indicator_rows: 0,
            figures: 0,
            out: PathBuf::new(),
            report: PathBuf::new(),
            unchanged: false,
            stages: Vec::new(),
            drift: Vec::new(),
            schema_changes: Vec::new(),
            record: PathBuf::new(),
            warnings: Vec::new(),
            missing: Vec::new(),
        }
    }
}

fn run_locked(study: &Study, opts: &RunOptions, out: &Path) -> Result<Summary> {
    let plan = plan::plan(study, out, opts.force)?;
    if let (true, Some(prev)) = (plan.all_fresh(), &plan.previous) {
        return Ok(Summary {
            datasets: prev
                .inputs
                .iter()
                .map(|i| DatasetCounts {
                    id: i.dataset.clone(),
                    read: i.rows,
                    kept: i.rows_kept,
                    rejected: i.rows_rejected,
                })
                .collect(),
            indicators: study.indicators.len(),
            figures: study.charts.len(),
            out: out.to_path_buf(),
            report: out.join("report.html"),
            unchanged: true,
            stages: plan
                .stages
                .iter()
                .map(|s| StageOutcome {
                    stage: s.stage.to_string(),
                    action: "skipped",
                    reason: String::new(),
                    seconds: 0.0,
                })
                .collect(),
            ..Summary::default()
        });
    }
    let staging = Store::new(Store::staging_for(out));
    staging.discard_if_exists()?;
    staging.create()?;
    let result = run_into(study, opts, &staging, &plan, out).and_then(|s| {
        // A source that changed while the run read it would make the
        // published figures disagree with the recorded hashes: ingest
        // compared the bytes it read with the plan's hashes; a write since
        // then (or a file landing in a pattern) changes the files' stamps.
        let now = plan::source_stamps(study)?;
        if let Some(d) = study
            .datasets
            .iter()
            .find(|d| now[&d.id] != plan.stamps[&d.id])
        {
            return Err(crate::Error::data(
                &d.id,
                &d.path,
                "the file changed while the run was reading it; nothing was published — run again",
            ));
        }
        Ok(s)
    });
    match result {
        Ok(mut summary) => {
            staging.publish(out)?;
            summary.report = out.join("report.html");
            summary.out = out.to_path_buf();
            Ok(summary)
        }
        Err(e) => {
            staging.discard();
            Err(e)
        }
    }
}

fn run_into(
    study: &Study,
    opts: &RunOptions,
    store: &Store,
    plan: &Plan,
    out: &Path,
) -> Result<Summary> {
    // ingest, estimate, each chart, report (the data writes run beside estimate).
    let total = 1 + 1 + study.charts.len() + 1;
    let mut run = stages::Run {
        study,
        opts,
        store,
        published: Store::new(out.to_path_buf()),
        plan,
        timer: stages::Timer::new(total, opts.progress),
        outcomes: Vec::new(),
    };
    let mut ingested = stages::ingest::run(&mut run)?;
    let mut estimated = stages::estimate::run(&mut run, &mut ingested)?;
    let figures = stages::charts::run(&mut run, &mut estimated)?;
    let changes: Vec<String> = estimated
        .drift
        .iter()
        .map(ToString::to_string)
        .chain(ingested.schema_changes.iter().cloned())
        .chain(ingested.emptied.iter().cloned())
        .collect();
    // The outputs written so far are hashed while the report is typeset
    // (which keeps one core busy); the report's own files after it.
    let is_report = |rel: &str| !rel.contains('/') && rel.starts_with("report.");
    let (reported, hashed) = std::thread::scope(|scope| {
        let hashed = scope.spawn(|| manifest::outputs_where(store.root(), &|rel| !is_report(rel)));
        let reported =
            stages::report::run(&mut run, &ingested.inputs, &estimated, &figures, &changes);
        (reported, hashed.join())
    });
    reported?;
    let mut outputs =
        hashed.map_err(|_| crate::Error::internal("hashing outputs", "its thread panicked"))??;
    outputs.extend(manifest::outputs_where(store.root(), &is_report)?);
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    // Stage times, as the progress bar recorded them.
    let mut outcomes = std::mem::take(&mut run.outcomes);
    for o in &mut outcomes {
        let key = if o.stage.starts_with("ingest:") {
            "ingest"
        } else {
            o.stage.as_str()
        };
        o.seconds = run
            .timer
            .records
            .iter()
            .find(|r| r.stage == key)
            .map_or(0.0, |r| r.seconds);
    }

    let manifest = Manifest {
        mizan_version: env!("CARGO_PKG_VERSION").to_string(),
        study: study.id.clone(),
        spec: manifest::file_record(
            &study.spec_path,
            manifest::relative_up(&study.spec_path, &study.dir),
        )?,
        inputs: ingested.inputs,
        outputs,
        stages: run.timer.records.clone(),
        study_dir: manifest::relative_up(&study.dir, out),
        fingerprints: plan.fingerprints.clone(),
        cluster: estimated.computed.cluster.clone(),
    };
    let json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| crate::Error::internal("manifest", e))?;
    write::bytes(&store.manifest(), &json)?;
    run.timer.finish();
    let mut schema_changes = ingested.schema_changes;
    schema_changes.extend(ingested.emptied);
    Ok(Summary {
        datasets: ingested.counts,
        indicators: study.indicators.len(),
        indicator_rows: estimated.computed.rows.len(),
        figures: study.charts.len(),
        stages: outcomes,
        drift: estimated.drift,
        schema_changes,
        warnings: estimated.computed.warnings,
        missing: estimated.missing,
        ..Summary::default()
    })
}

/// Whether `path` looks like a study (a `study.toml` or a folder holding one).
pub fn is_study(path: &Path) -> bool {
    crate::spec::resolve::spec_file(path).is_file()
}
