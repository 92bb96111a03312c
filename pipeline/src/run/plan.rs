//! What a run must redo. Each [`Stage`] has a fingerprint: the blake3 of
//! what its outputs depend on (its sections of the spec as JSON, with paths
//! relative to the study folder so that a moved study stays up to date; the
//! hashes of its inputs; the fingerprints of the stages it reads; Mizan's
//! version). The published
//! `manifest.json` keeps the fingerprints of the run that made `out/`; a
//! stage is up to date when its fingerprint is unchanged and its outputs in
//! `out/` still have the hashes the manifest recorded, and stale otherwise,
//! with the reason.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::manifest::{Manifest, relative_up};
use super::stage::Stage;
use crate::error::{Error, Result};
use crate::spec::model::Study;

/// One stage's state.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StageState {
    /// The stage.
    pub stage: Stage,
    /// Why it must run again; `None` when up to date.
    pub stale: Option<String>,
}

/// The stages of a run and their states.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Every stage's fingerprint.
    pub fingerprints: BTreeMap<String, String>,
    /// Every stage, in run order.
    pub stages: Vec<StageState>,
    /// The blake3 of each dataset's source, as read before the run.
    pub sources: BTreeMap<String, String>,
    /// Each dataset's source files as found just before they were hashed.
    pub stamps: BTreeMap<String, Vec<crate::ingest::sources::Stamp>>,
    /// The manifest of the published outputs, when there is one.
    pub previous: Option<Manifest>,
}

impl Plan {
    /// Whether `stage` is up to date (and there are outputs to reuse).
    pub fn fresh(&self, stage: &Stage) -> bool {
        self.previous.is_some()
            && self
                .stages
                .iter()
                .any(|s| &s.stage == stage && s.stale.is_none())
    }

    /// Whether every stage is up to date.
    pub fn all_fresh(&self) -> bool {
        self.stages.iter().all(|s| s.stale.is_none())
    }
}

/// Every dataset's source files as they are now.
pub fn source_stamps(
    study: &Study,
) -> Result<BTreeMap<String, Vec<crate::ingest::sources::Stamp>>> {
    study
        .datasets
        .iter()
        .map(|d| Ok((d.id.clone(), crate::ingest::sources::stamps(d)?)))
        .collect()
}

/// Hashes every dataset's source; a missing source is a data error.
fn source_hashes(study: &Study) -> Result<BTreeMap<String, String>> {
    study
        .datasets
        .iter()
        .map(|d| Ok((d.id.clone(), crate::ingest::sources::hash(d)?)))
        .collect()
}

fn digest(parts: &[&str]) -> String {
    let mut h = blake3::Hasher::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update(&[0]);
    }
    h.finalize().to_hex().to_string()
}

/// Spec sections as fingerprint text: their JSON, with every absolute
/// path written relative to the study folder.
fn sections(study: &Study, parts: &[&dyn erased::Section]) -> Result<String> {
    let mut out = String::new();
    for p in parts {
        let mut v = p.value()?;
        relativise(&mut v, &study.dir);
        out.push_str(&v.to_string());
        out.push('\n');
    }
    Ok(out)
}

/// Any serialisable spec section, behind one object-safe trait.
mod erased {
    use crate::error::{Error, Result};

    /// A spec section that can be written as JSON.
    pub trait Section {
        /// Its JSON.
        fn value(&self) -> Result<serde_json::Value>;
    }

    impl<T: serde::Serialize> Section for T {
        fn value(&self) -> Result<serde_json::Value> {
            serde_json::to_value(self).map_err(|e| Error::internal("fingerprint", e))
        }
    }
}

fn relativise(v: &mut Value, dir: &Path) {
    match v {
        Value::String(s) if Path::new(s.as_str()).is_absolute() => {
            *s = relative_up(Path::new(s.as_str()), dir);
        }
        Value::Array(a) => a.iter_mut().for_each(|x| relativise(x, dir)),
        Value::Object(o) => o.values_mut().for_each(|x| relativise(x, dir)),
        _ => {}
    }
}

/// Every stage's fingerprint, in run order.
pub fn fingerprints(
    study: &Study,
    sources: &BTreeMap<String, String>,
) -> Result<Vec<(Stage, String)>> {
    let version = env!("CARGO_PKG_VERSION");
    let mut out = Vec::new();
    let mut ingests = Vec::new();
    for d in &study.datasets {
        let fp = digest(&[version, &sections(study, &[d])?, &sources[&d.id]]);
        ingests.push(fp.clone());
        out.push((Stage::Ingest(d.id.clone()), fp));
    }
    let estimate = digest(&[
        version,
        &ingests.join(","),
        &sections(
            study,
            &[
                &study.indicators,
                &study.comparisons,
                &study.composites,
                &study.reliability,
                &study.drift,
                // Where the first pass runs: the methods say it.
                &study.engine.scheduler,
            ],
        )?,
    ]);
    out.push((Stage::Estimate, estimate.clone()));
    let mut charts = Vec::new();
    for chart in &study.charts {
        let geometry = match &chart.geometry {
            Some(g) => crate::ingest::sources::file_hash_parallel(&g.path)
                .map_err(|e| Error::io(&g.path, e))?,
            None => String::new(),
        };
        let fp = digest(&[
            version,
            &estimate,
            &sections(
                study,
                &[chart, &study.language, &study.languages, &study.reliability],
            )?,
            &geometry,
        ]);
        charts.push(fp.clone());
        out.push((Stage::Chart(chart.id.clone()), fp));
    }
    let report = digest(&[
        version,
        &estimate,
        &charts.join(","),
        &sections(
            study,
            &[
                &study.report,
                &study.title,
                &study.description,
                &study.language,
                &study.languages,
            ],
        )?,
    ]);
    out.push((Stage::Report, report));
    Ok(out)
}

/// Plans a run of `study` into `out`: which stages are up to date.
pub fn plan(study: &Study, out: &Path, force: bool) -> Result<Plan> {
    let stamps = source_stamps(study)?;
    let sources = source_hashes(study)?;
    let fingerprints = fingerprints(study, &sources)?;
    let previous = Manifest::read(out);
    let mut stages: Vec<StageState> = Vec::new();
    for (stage, fp) in &fingerprints {
        let stale = match &previous {
            _ if force => Some("--force".to_string()),
            None => Some("no previous run in this output folder".into()),
            Some(prev) => why_stale(study, prev, out, stage, fp, &sources, &stages),
        };
        stages.push(StageState {
            stage: stage.clone(),
            stale,
        });
    }
    Ok(Plan {
        fingerprints: fingerprints
            .into_iter()
            .map(|(s, fp)| (s.to_string(), fp))
            .collect(),
        stages,
        sources,
        stamps,
        previous,
    })
}

fn why_stale(
    study: &Study,
    prev: &Manifest,
    out: &Path,
    stage: &Stage,
    fp: &str,
    sources: &BTreeMap<String, String>,
    before: &[StageState],
) -> Option<String> {
    if prev.mizan_version != env!("CARGO_PKG_VERSION") {
        return Some(format!("made by mizan {}", prev.mizan_version));
    }
    let name = stage.to_string();
    if prev.fingerprints.get(&name).map(String::as_str) != Some(fp) {
        // A stage it reads is stale: that is the reason (the report names
        // the estimation before any chart).
        let dependency = before
            .iter()
            .filter(|s| stage.reads(&s.stage) && s.stale.is_some())
            .min_by_key(|s| matches!(s.stage, Stage::Chart(_)));
        return Some(match (dependency, stage) {
            (Some(d), _) => format!("depends on {}, which is stale", d.stage),
            (None, Stage::Ingest(id)) => {
                let path = study
                    .dataset(id)
                    .map_or_else(|| id.to_string(), |ds| relative_up(&ds.path, &study.dir));
                match prev.inputs.iter().find(|i| &i.dataset == id) {
                    Some(i) if i.blake3 != sources[id] => format!("source {path} changed"),
                    Some(_) => format!("dataset `{id}` (its spec or contract) changed"),
                    None => format!("new dataset `{id}`"),
                }
            }
            (None, _) if !prev.fingerprints.contains_key(&name) => format!("new stage {name}"),
            (None, Stage::Estimate) => {
                "the indicators, comparisons, composites, reliability or drift spec (or the engine) changed".into()
            }
            (None, Stage::Report) => "the report spec or the study's texts changed".into(),
            (None, Stage::Chart(_)) => "the chart spec (or its geometry) changed".into(),
        });
    }
    // Up to date by its inputs: are its published outputs intact?
    for f in prev.outputs.iter().filter(|f| stage.owns(study, &f.path)) {
        match crate::ingest::sources::file_hash_parallel(&out.join(&f.path)) {
            Ok(h) if h == f.blake3 => {}
            Ok(_) => return Some(format!("output {} was modified", f.path)),
            Err(_) => return Some(format!("output {} is missing", f.path)),
        }
    }
    None
}
