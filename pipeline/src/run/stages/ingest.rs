//! The ingest stages: every dataset read, validated and typed (in
//! parallel), or read back from the published outputs when up to date; its
//! record for the manifest; and the writing of `data/` and `rejects/`,
//! which runs beside the estimation.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use polars::prelude::DataFrame;

use super::Run;
use crate::error::Result;
use crate::ingest::{self, Ingested};
use crate::run::manifest::{self, InputRecord, Manifest, StageRecord};
use crate::run::stage::Stage;
use crate::run::store::Store;
use crate::run::{DatasetCounts, drift, write};
use crate::spec::model::{DatasetSpec, Study};

/// What the ingest stages produced.
pub(in crate::run) struct Ingest {
    /// Each dataset as ingested (taken by the estimation, which drops it).
    pub frames: BTreeMap<String, Ingested>,
    /// Per dataset (in spec order): read back from the published outputs.
    pub reused: Vec<bool>,
    /// Each source's record for the manifest.
    pub inputs: Vec<InputRecord>,
    /// Rows read, kept and rejected per dataset.
    pub counts: Vec<DatasetCounts>,
    /// Columns added, removed or retyped since the last run.
    pub schema_changes: Vec<String>,
    /// Datasets that had rows and now have none.
    pub emptied: Vec<String>,
}

/// Ingests every dataset, reusing the published ones that are up to date.
pub(in crate::run) fn run(run: &mut Run) -> Result<Ingest> {
    let (study, plan, published, store) = (run.study, run.plan, &run.published, run.store);
    let reused: Vec<bool> = study
        .datasets
        .iter()
        .map(|d| plan.fresh(&Stage::Ingest(d.id.clone())))
        .collect();
    let frames = run.timer.time("ingest".into(), || {
        use rayon::prelude::*;
        let results: Vec<Result<Ingested>> = study
            .datasets
            .par_iter()
            .zip(&reused)
            .map(|(d, &reuse)| match (&plan.previous, reuse) {
                (Some(prev), true) => read_back(study, d, published, prev),
                _ => {
                    let meta = metadata(study, d, &plan.sources[&d.id]);
                    let spill = ingest::Spill::output(study, store.data(&d.id), meta);
                    ingest::ingest_in(study, d, Some(spill))
                }
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
        let ing = &frames[&ds.id];
        if ing.source.blake3 != plan.sources[&ds.id] {
            return Err(crate::Error::data(
                &ds.id,
                &ds.path,
                "the file changed while the run was reading it; nothing was published — run again",
            ));
        }
        run.done(&Stage::Ingest(ds.id.clone()), reuse);
        inputs.push(record(study, ds, ing)?);
        counts.push(DatasetCounts {
            id: ds.id.clone(),
            read: ing.rows_read,
            kept: ing.rows_kept(),
            rejected: ing.rows_rejected(),
        });
    }
    let (schema_changes, emptied) = plan
        .previous
        .as_ref()
        .map(|p| {
            (
                drift::schema(study, &p.inputs, &inputs),
                drift::emptied(&p.inputs, &inputs),
            )
        })
        .unwrap_or_default();
    Ok(Ingest {
        frames,
        reused,
        inputs,
        counts,
        schema_changes,
        emptied,
    })
}

/// The manifest's record of a dataset's source.
fn record(study: &Study, ds: &DatasetSpec, ing: &Ingested) -> Result<InputRecord> {
    Ok(InputRecord {
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
        batch_rows: ing.streamed.as_ref().map(|s| s.batch_rows),
    })
}

/// Reads a dataset from the published outputs of the last run: its typed
/// rows and rejects as written then.
fn read_back(
    study: &Study,
    ds: &DatasetSpec,
    published: &Store,
    prev: &Manifest,
) -> Result<Ingested> {
    let read = |path: &Path| -> Result<DataFrame> {
        use polars::prelude::{ParquetReader, SerReader};
        let file = std::fs::File::open(path).map_err(|e| crate::Error::io(path, e))?;
        ParquetReader::new(file)
            .finish()
            .map_err(|e| crate::Error::internal(format!("reading {}", path.display()), e))
    };
    let input = prev
        .inputs
        .iter()
        .find(|i| i.dataset == ds.id)
        .ok_or_else(|| crate::Error::internal("reuse", format!("no record of `{}`", ds.id)))?;
    // A dataset too large to hold is read from its published copy batch by
    // batch; one a cluster estimates, from its sources (the paths its
    // executors read; no copy is published).
    let typed = published.data(&ds.id);
    let (streamed, data) = match &study.engine.scheduler {
        Some(scheduler) if crate::indicators::cluster::obstacle(study, ds).is_none() => {
            let first = crate::ingest::sources::files(ds)?.remove(0).path;
            (
                Some(crate::indicators::streamed::Source::on_cluster(
                    study, ds, input.rows, scheduler,
                )?),
                crate::indicators::streamed::schema_frame(ds, &first)?,
            )
        }
        _ => match crate::indicators::streamed::source_for(study, ds, &typed)? {
            Some(source) => (
                Some(source),
                crate::indicators::streamed::schema_frame(ds, &typed)?,
            ),
            None => (None, read(&typed)?),
        },
    };
    Ok(Ingested {
        data,
        rejects: read(&published.rejects(&ds.id))?,
        rows_read: input.rows,
        source: ingest::SourceInfo {
            bytes: input.bytes,
            blake3: input.blake3.clone(),
        },
        source_is_typed_data: false,
        streamed,
        written: None,
    })
}

/// The provenance metadata of the typed rows of `ds` (source hash `blake3`).
fn metadata(study: &Study, ds: &DatasetSpec, blake3: &str) -> Vec<(String, String)> {
    vec![
        (
            "mizan.source".to_string(),
            manifest::relative_up(&ds.path, &study.dir),
        ),
        ("mizan.source_blake3".to_string(), blake3.to_string()),
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
    ]
}

/// Writes `data/<dataset>.parquet` and `rejects/<dataset>.parquet` of every
/// dataset, with the provenance metadata — or copies them from the
/// published outputs when the dataset was read back; returns each write's
/// timing.
pub(in crate::run) fn write_datasets(
    study: &Study,
    store: &Store,
    published: &Store,
    frames: &BTreeMap<String, Ingested>,
    reused: &[bool],
) -> Result<Vec<StageRecord>> {
    let mut records = Vec::new();
    for (ds, &reuse) in study.datasets.iter().zip(reused) {
        let start = Instant::now();
        let ing = &frames[&ds.id];
        if reuse {
            // Unchanged since the last run: its files as they were.
            super::copy_published(study, &Stage::Ingest(ds.id.clone()), published, store)?;
            continue;
        }
        let meta = metadata(study, ds, &ing.source.blake3);
        if ing.streamed.as_ref().is_some_and(|s| s.cluster.is_some()) {
            // Its typed rows are its source files, where the executors read them.
        } else if ing.written.is_some() {
            // Written while it was checked.
        } else if ing.source_is_typed_data {
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
