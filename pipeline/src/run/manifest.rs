//! `manifest.json`: what a run read and wrote, with blake3 hashes, so that a
//! researcher can check they hold the same inputs and get the same outputs.
//! Times live here and only here — never inside the data files — so the
//! data files of two runs on the same inputs are byte-identical.

use std::path::Path;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One input file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputRecord {
    /// Dataset id.
    pub dataset: String,
    /// Path relative to the study folder.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// blake3 of the bytes.
    pub blake3: String,
    /// Rows read.
    pub rows: usize,
    /// Rows kept.
    pub rows_kept: usize,
    /// Rows rejected.
    pub rows_rejected: usize,
    /// The contract, when given: path and blake3.
    pub contract: Option<FileRecord>,
    /// The kept rows' columns and types, to tell the next run what changed.
    #[serde(default)]
    pub columns: Vec<(String, String)>,
    /// More rows than `[study.engine] stream_rows`: estimated from the
    /// typed rows read this many at a time (the last digits of a sum
    /// depend on it), not from the rows in memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_rows: Option<usize>,
}

/// A file: path and hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileRecord {
    /// Path (relative to the study folder for inputs, to `out/` for outputs).
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// blake3 of the bytes.
    pub blake3: String,
}

/// Wall time of one stage.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StageRecord {
    /// Stage name, e.g. `ingest:individuals`.
    pub stage: String,
    /// Seconds.
    pub seconds: f64,
}

/// The manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// mizan version.
    pub mizan_version: String,
    /// Study id.
    pub study: String,
    /// The spec file.
    pub spec: FileRecord,
    /// Every input.
    pub inputs: Vec<InputRecord>,
    /// Every output except the manifest itself, sorted by path.
    pub outputs: Vec<FileRecord>,
    /// Per-stage wall time.
    pub stages: Vec<StageRecord>,
    /// The study folder, relative to the output folder (for `mizan verify`).
    #[serde(default)]
    pub study_dir: String,
    /// Each stage's fingerprint: what its outputs depend on (see
    /// [`crate::run::plan`]).
    #[serde(default)]
    pub fingerprints: BTreeMap<String, String>,
    /// The first passes a cluster made (`[study.engine] kind = "ballista"`):
    /// which scheduler, its wall time, the bytes it sent back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cluster: Vec<crate::indicators::cluster::ClusterRecord>,
}

impl Manifest {
    /// The manifest of a published output folder, if it has a readable one.
    pub fn read(out: &Path) -> Option<Manifest> {
        let bytes = std::fs::read(out.join("manifest.json")).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// Hashes the file at `path`, recording it as `shown`.
pub fn file_record(path: &Path, shown: String) -> Result<FileRecord> {
    let bytes = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    Ok(FileRecord {
        path: shown,
        bytes,
        blake3: crate::ingest::sources::file_hash_parallel(path).map_err(|e| Error::io(path, e))?,
    })
}

/// Records every file under `root` (except `manifest.json` and the staging
/// marker), sorted.
pub fn outputs(root: &Path) -> Result<Vec<FileRecord>> {
    outputs_where(root, &|_| true)
}

/// Records the files under `root` whose path relative to it `keep` accepts
/// (never `manifest.json` or the staging marker), sorted.
pub fn outputs_where(root: &Path, keep: &(dyn Fn(&str) -> bool + Sync)) -> Result<Vec<FileRecord>> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let path = entry.map_err(|e| Error::io(&dir, e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = relative(&path, root);
                if rel != "manifest.json" && rel != super::store::STAGING_MARKER && keep(&rel) {
                    files.push(file_record(&path, rel)?);
                }
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// `path` relative to `base` with `/` separators (the path itself if not under `base`).
pub fn relative(path: &Path, base: &Path) -> String {
    let p = path.strip_prefix(base).unwrap_or(path);
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A path from `base` to `path`, with `..` where needed (for inputs outside the study folder).
pub fn relative_up(path: &Path, base: &Path) -> String {
    let p: Vec<_> = path.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), b.len() - common).collect();
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}
