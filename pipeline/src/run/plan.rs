//! What a run must redo. Each stage — `ingest:<dataset>`, `estimate`,
//! `chart:<id>`, `report` — has a fingerprint: the blake3 of what its
//! outputs depend on (its part of the spec, the hashes of its inputs, the
//! fingerprints of the stages it reads, Mizan's version). The published
//! `manifest.json` keeps the fingerprints of the run that made `out/`; a
//! stage is up to date when its fingerprint is unchanged and its outputs in
//! `out/` still have the hashes the manifest recorded, and stale otherwise,
//! with the reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::manifest::{Manifest, relative_up};
use crate::error::{Error, Result};
use crate::spec::model::Study;

/// One stage's state.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StageState {
    /// The stage, e.g. `ingest:individuals`.
    pub stage: String,
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
    /// The manifest of the published outputs, when there is one.
    pub previous: Option<Manifest>,
}

impl Plan {
    /// Whether `stage` is up to date.
    pub fn fresh(&self, stage: &str) -> bool {
        self.stages
            .iter()
            .any(|s| s.stage == stage && s.stale.is_none())
    }

    /// Whether every stage is up to date.
    pub fn all_fresh(&self) -> bool {
        self.stages.iter().all(|s| s.stale.is_none())
    }
}

/// The blake3 of a file's bytes.
pub fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(std::fs::File::open(path)?)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// Hashes every dataset's source; a missing source is a data error.
pub fn source_hashes(study: &Study) -> Result<BTreeMap<String, String>> {
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

/// The files each chart reads besides the indicators (a map's geometry).
fn chart_files(study: &Study) -> Vec<(String, Option<PathBuf>)> {
    study
        .charts
        .iter()
        .map(|c| (c.id.clone(), c.geometry.as_ref().map(|g| g.path.clone())))
        .collect()
}

/// Every stage's fingerprint, in run order.
pub fn fingerprints(
    study: &Study,
    sources: &BTreeMap<String, String>,
) -> Result<Vec<(String, String)>> {
    let version = env!("CARGO_PKG_VERSION");
    let mut out = Vec::new();
    let mut ingests = Vec::new();
    for d in &study.datasets {
        let fp = digest(&[version, &format!("{d:?}"), &sources[&d.id]]);
        ingests.push(fp.clone());
        out.push((format!("ingest:{}", d.id), fp));
    }
    let estimate = digest(&[
        version,
        &ingests.join(","),
        &format!("{:?}", study.indicators),
        &format!("{:?}{:?}", study.comparisons, study.composites),
        &format!("{:?}{:?}", study.reliability, study.drift),
    ]);
    out.push(("estimate".into(), estimate.clone()));
    let mut charts = Vec::new();
    for ((id, geometry), spec) in chart_files(study).into_iter().zip(&study.charts) {
        let geometry = match geometry {
            Some(p) => hash_file(&p).map_err(|e| Error::io(&p, e))?,
            None => String::new(),
        };
        let fp = digest(&[
            version,
            &estimate,
            &format!("{spec:?}{:?}{:?}", study.language, study.reliability),
            &geometry,
        ]);
        charts.push(fp.clone());
        out.push((format!("chart:{id}"), fp));
    }
    let report = digest(&[
        version,
        &estimate,
        &charts.join(","),
        &format!(
            "{:?}{:?}{:?}{:?}",
            study.report, study.title, study.description, study.language
        ),
    ]);
    out.push(("report".into(), report));
    Ok(out)
}

/// The outputs of `stage` under `out/`, as the manifest names them.
fn owns(stage: &str, path: &str) -> bool {
    match stage.split_once(':') {
        Some(("ingest", d)) => {
            path == format!("data/{d}.parquet") || path == format!("rejects/{d}.parquet")
        }
        Some(("chart", c)) => path
            .strip_prefix("figures/")
            .and_then(|f| f.rsplit_once('.'))
            .is_some_and(|(stem, _)| stem == c),
        _ if stage == "estimate" => ["indicators.", "comparisons.", "composites."]
            .iter()
            .any(|p| path.starts_with(p)),
        _ => path.starts_with("report."),
    }
}

/// Plans a run of `study` into `out`: which stages are up to date.
pub fn plan(study: &Study, out: &Path, force: bool) -> Result<Plan> {
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
        fingerprints: fingerprints.into_iter().collect(),
        stages,
        sources,
        previous,
    })
}

fn why_stale(
    study: &Study,
    prev: &Manifest,
    out: &Path,
    stage: &str,
    fp: &str,
    sources: &BTreeMap<String, String>,
    before: &[StageState],
) -> Option<String> {
    if prev.mizan_version != env!("CARGO_PKG_VERSION") {
        return Some(format!("made by mizan {}", prev.mizan_version));
    }
    let stale_before = |prefix: &str| {
        before
            .iter()
            .find(|s| s.stage.starts_with(prefix) && s.stale.is_some())
            .map(|s| s.stage.clone())
    };
    if prev.fingerprints.get(stage).map(String::as_str) != Some(fp) {
        let dependency = match stage.split_once(':').map_or(stage, |(k, _)| k) {
            "ingest" => None,
            "estimate" => stale_before("ingest:"),
            "chart" => stale_before("estimate"),
            _ => stale_before("estimate").or_else(|| stale_before("chart:")),
        };
        return Some(match (dependency, stage.strip_prefix("ingest:")) {
            (Some(d), _) => format!("depends on {d}, which is stale"),
            (None, Some(id)) => {
                let path = study
                    .dataset(id)
                    .map_or_else(|| id.to_string(), |ds| relative_up(&ds.path, &study.dir));
                match prev.inputs.iter().find(|i| i.dataset == id) {
                    Some(i) if i.blake3 != sources[id] => format!("source {path} changed"),
                    Some(_) => format!("dataset `{id}` (its spec or contract) changed"),
                    None => format!("new dataset `{id}`"),
                }
            }
            (None, None) if !prev.fingerprints.contains_key(stage) => format!("new stage {stage}"),
            (None, None) => match stage {
                "estimate" => {
                    "the indicators, comparisons, composites, reliability or drift spec changed"
                }
                "report" => "the report spec or the study's texts changed",
                _ => "the chart spec (or its geometry) changed",
            }
            .to_string(),
        });
    }
    // Up to date by its inputs: are its published outputs intact?
    for f in prev.outputs.iter().filter(|f| owns(stage, &f.path)) {
        match hash_file(&out.join(&f.path)) {
            Ok(h) if h == f.blake3 => {}
            Ok(_) => return Some(format!("output {} was modified", f.path)),
            Err(_) => return Some(format!("output {} is missing", f.path)),
        }
    }
    None
}
