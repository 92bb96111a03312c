//! Running a study: ingest → estimate → charts → report → manifest, each
//! stage timed, everything written into a staging folder and published over
//! `out/` only when every stage succeeded ([`store::Store::publish`]).
//! [`validate`] runs the checks of every stage without writing anything.

pub mod drift;
pub mod history;
pub mod lock;
pub mod manifest;
pub mod plan;
pub mod store;
pub mod target;
pub mod verify;
pub mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use polars::prelude::DataFrame;

use crate::charts;
use crate::error::Result;
use crate::indicators;
use crate::ingest::{self, Ingested};
use crate::report;
use crate::spec::model::Study;
use drift::DriftRow;
use history::{RunRecord, StageOutcome};
use manifest::{InputRecord, Manifest, StageRecord};
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
    let ingested = ingest(study)?;
    let data: BTreeMap<String, DataFrame> = ingested
        .iter()
        .map(|(k, v)| (k.clone(), v.data.clone()))
        .collect();
    let mut warnings = marker_warnings(study, &data);
    let (data, _) = indicators::missing::for_estimation(study, &data)?;
    let computed = indicators::compute(study, &data)?;
    let composites = crate::composites::compute(study, &data, &computed.rows)?;
    warnings.extend(computed.warnings);
    for chart in &study.charts {
        let fig = if chart.composite {
            charts::composite_figure(study, chart, &composites)?
        } else {
            charts::figure(study, chart, &computed.rows)?
        };
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

/// Ingests every dataset of `study`, in parallel. Writes nothing.
pub fn ingest(study: &Study) -> Result<BTreeMap<String, Ingested>> {
    use rayon::prelude::*;
    let results: Vec<Result<Ingested>> = study.datasets.par_iter().map(ingest::ingest).collect();
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
                    stage: s.stage.clone(),
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
        // published figures disagree with the recorded hashes.
        let now = plan::source_hashes(study)?;
        if let Some(d) = study
            .datasets
            .iter()
            .find(|d| now[&d.id] != plan.sources[&d.id])
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

/// The reason a stage runs, or that it is reused.
fn outcome(plan: &Plan, stage: &str, reusable: bool, seconds: f64) -> StageOutcome {
    let reason = plan
        .stages
        .iter()
        .find(|s| s.stage == stage)
        .and_then(|s| s.stale.clone());
    let (action, reason) = match reason {
        Some(r) => ("run", r),
        None if reusable => ("reused", String::new()),
        None => ("run", "reruns with the stages that changed".to_string()),
    };
    StageOutcome {
        stage: stage.to_string(),
        action,
        reason,
        seconds,
    }
}

/// Reads a dataset from the published outputs of the last run: its typed
/// rows and rejects as written then.
fn reuse_ingest(
    ds: &crate::spec::model::DatasetSpec,
    out: &Path,
    prev: &Manifest,
) -> Result<Ingested> {
    let read = |path: PathBuf| -> Result<DataFrame> {
        use polars::prelude::{ParquetReader, SerReader};
        let file = std::fs::File::open(&path).map_err(|e| crate::Error::io(&path, e))?;
        ParquetReader::new(file)
            .finish()
            .map_err(|e| crate::Error::internal(format!("reading {}", path.display()), e))
    };
    let input = prev
        .inputs
        .iter()
        .find(|i| i.dataset == ds.id)
        .ok_or_else(|| crate::Error::internal("reuse", format!("no record of `{}`", ds.id)))?;
    Ok(Ingested {
        data: read(out.join("data").join(format!("{}.parquet", ds.id)))?,
        rejects: read(out.join("rejects").join(format!("{}.parquet", ds.id)))?,
        rows_read: input.rows,
        source: ingest::SourceInfo {
            bytes: input.bytes,
            blake3: input.blake3.clone(),
        },
        source_is_typed_data: false,
    })
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
    let mut st = Stages::new(total, opts.progress);
    let mut outcomes = Vec::new();

    let reused: Vec<bool> = study
        .datasets
        .iter()
        .map(|d| plan.previous.is_some() && plan.fresh(&format!("ingest:{}", d.id)))
        .collect();
    let ingested = st.time("ingest".into(), || {
        use rayon::prelude::*;
        let results: Vec<Result<Ingested>> = study
            .datasets
            .par_iter()
            .zip(&reused)
            .map(|(d, &reuse)| match (&plan.previous, reuse) {
                (Some(prev), true) => reuse_ingest(d, out, prev),
                _ => ingest::ingest(d),
            })
            .collect();
        study
            .datasets
            .iter()
            .zip(results)
            .map(|(d, r)| Ok((d.id.clone(), r?)))
            .collect::<Result<BTreeMap<String, Ingested>>>()
    })?;
    let mut inputs = Vec::new();
    let mut counts = Vec::new();
    for (ds, &reuse) in study.datasets.iter().zip(&reused) {
        let ing = &ingested[&ds.id];
        if ing.source.blake3 != plan.sources[&ds.id] {
            return Err(crate::Error::data(
                &ds.id,
                &ds.path,
                "the file changed while the run was reading it; nothing was published — run again",
            ));
        }
        outcomes.push(outcome(plan, &format!("ingest:{}", ds.id), reuse, 0.0));
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
            columns: ing
                .data
                .schema()
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
        });
        counts.push(DatasetCounts {
            id: ds.id.clone(),
            read: ing.rows_read,
            kept: ing.rows_kept(),
            rejected: ing.rows_rejected(),
        });
    }
    let (mut schema_changes, emptied) = plan
        .previous
        .as_ref()
        .map(|p| {
            (
                drift::schema(study, &p.inputs, &inputs),
                drift::emptied(&p.inputs, &inputs),
            )
        })
        .unwrap_or_default();
    schema_changes.extend(emptied.iter().cloned());
    let data: BTreeMap<String, DataFrame> = ingested
        .iter()
        .map(|(k, v)| (k.clone(), v.data.clone()))
        .collect();
    let (data, missing_counts) = indicators::missing::for_estimation(study, &data)?;

    // Writing the typed data and estimating both only read the ingested
    // rows: do them at the same time.
    let (written, estimated) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| write_datasets(study, store, &ingested, &reused, out));
        let estimated = st.time("estimate".into(), || estimate(study, store, &data));
        (writer.join(), estimated)
    });
    st.records.extend(
        written
            .map_err(|_| crate::Error::internal("writing data", "the writer thread panicked"))??,
    );
    let (
        indicators::Computed {
            rows,
            designs,
            comparisons,
            mut notes,
            mut warnings,
        },
        composite_rows,
    ) = estimated?;
    let as_kept: BTreeMap<String, DataFrame> = ingested
        .iter()
        .map(|(k, v)| (k.clone(), v.data.clone()))
        .collect();
    drop(ingested);
    let codebook = indicators::codebook::lines(study, &as_kept)?;
    drop(as_kept);
    write::csv(
        &store.codebook_csv(),
        &mut indicators::codebook::to_frame(&codebook)?,
    )?;
    warnings.splice(0..0, marker_warnings(study, &data));
    let missing = indicators::missing::notes(study, &missing_counts);
    notes.extend(missing.iter().cloned());
    outcomes.push(outcome(plan, "estimate", false, 0.0));
    let drift = drift::indicators(&out.join("indicators.csv"), &rows, study.drift);
    if opts.fail_on_drift && (!drift.is_empty() || !emptied.is_empty()) {
        return Err(crate::Error::Drift {
            count: drift.len() + emptied.len(),
            listing: drift
                .iter()
                .map(ToString::to_string)
                .chain(emptied)
                .map(|d| format!("  {d}"))
                .collect::<Vec<_>>()
                .join("\n"),
        });
    }

    let mut figures = Vec::new();
    for chart in &study.charts {
        let stage = format!("chart:{}", chart.id);
        let reuse = plan.previous.is_some() && plan.fresh(&stage);
        let fig = st.time(stage.clone(), || {
            let fig = if chart.composite {
                charts::composite_figure(study, chart, &composite_rows)?
            } else {
                charts::figure(study, chart, &rows)?
            };
            if reuse {
                for ext in ["svg", "png", "csv", "json"] {
                    let from = out.join("figures").join(format!("{}.{ext}", chart.id));
                    std::fs::copy(&from, store.figure(&chart.id, ext))
                        .map_err(|e| crate::Error::io(&from, e))?;
                }
                let svg = std::fs::read_to_string(store.figure(&chart.id, "svg"))
                    .map_err(|e| crate::Error::io(&store.figure(&chart.id, "svg"), e))?;
                return Ok((fig, svg));
            }
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
        outcomes.push(outcome(plan, &stage, reuse, 0.0));
        warnings.extend(omitted_warning(chart, &fig.0));
        figures.push(fig);
    }

    let changes: Vec<String> = drift
        .iter()
        .map(ToString::to_string)
        .chain(schema_changes.iter().cloned())
        .collect();
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
        let methods = report::MethodsInput {
            sources,
            designs: &designs,
            notes: &notes,
            changes: &changes,
            codebook: &codebook,
        };
        let ctx = report::context(study, &rows, &comparisons, &figures, methods);
        write::bytes(&store.report_html(), report::html(&ctx)?.as_bytes())?;
        write::bytes(
            &store.report_md(),
            report::markdown::render(&ctx)?.as_bytes(),
        )
    })?;
    outcomes.push(outcome(plan, "report", false, 0.0));
    // Stage times, as the progress bar recorded them.
    for o in &mut outcomes {
        let key = if o.stage.starts_with("ingest:") {
            "ingest"
        } else {
            o.stage.as_str()
        };
        o.seconds = st
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
        inputs,
        outputs: manifest::outputs(store.root())?,
        stages: st.records.clone(),
        study_dir: manifest::relative_up(&study.dir, out),
        fingerprints: plan.fingerprints.clone(),
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
        stages: outcomes,
        drift,
        schema_changes,
        warnings,
        missing,
        ..Summary::default()
    })
}

/// Writes `data/<dataset>.parquet` and `rejects/<dataset>.parquet` of every
/// dataset, with the provenance metadata; returns each write's timing.
fn write_datasets(
    study: &Study,
    store: &Store,
    ingested: &BTreeMap<String, Ingested>,
    reused: &[bool],
    out: &Path,
) -> Result<Vec<StageRecord>> {
    let mut records = Vec::new();
    for (ds, &reuse) in study.datasets.iter().zip(reused) {
        let start = Instant::now();
        let ing = &ingested[&ds.id];
        if reuse {
            // Unchanged since the last run: its files as they were.
            for (from, to) in [
                (out.join("data"), store.data(&ds.id)),
                (out.join("rejects"), store.rejects(&ds.id)),
            ] {
                let from = from.join(format!("{}.parquet", ds.id));
                std::fs::copy(&from, &to).map_err(|e| crate::Error::io(&from, e))?;
            }
            continue;
        }
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

/// Estimates every indicator and composite and writes their tables.
fn estimate(
    study: &Study,
    store: &Store,
    data: &BTreeMap<String, DataFrame>,
) -> Result<(indicators::Computed, Vec<crate::composites::CompositeRow>)> {
    let computed = indicators::compute(study, data)?;
    let (rows, comparisons) = (&computed.rows, &computed.comparisons);
    let composites = crate::composites::compute(study, data, &computed.rows)?;
    if !study.composites.is_empty() {
        let mut table = crate::composites::to_frame(&composites)?;
        write::parquet(&store.composites_parquet(), &mut table, Vec::new())?;
        write::csv(&store.composites_csv(), &mut table)?;
    }
    if !study.comparisons.is_empty() {
        let mut table = indicators::compare::to_frame(comparisons)?;
        write::parquet(&store.comparisons_parquet(), &mut table, Vec::new())?;
        write::csv(&store.comparisons_csv(), &mut table)?;
    }
    let mut table = indicators::table::to_frame(study, rows)?;
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
    Ok((computed, composites))
}

/// Whether `path` looks like a study (a `study.toml` or a folder holding one).
pub fn is_study(path: &Path) -> bool {
    crate::spec::resolve::spec_file(path).is_file()
}
