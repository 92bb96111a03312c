//! Run history: `out/runs/<timestamp>.json`, one record per run — what it
//! did to each stage and why, rows read, kept and rejected, drift, and how
//! it ended — for the people and schedulers that look after nightly runs.
//! Records are the one place besides the manifest where times appear.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::drift::DriftRow;
use crate::error::{Error, Result};

/// What happened to one stage.
#[derive(Debug, Clone, Serialize)]
pub struct StageOutcome {
    /// The stage.
    pub stage: String,
    /// `"run"`, or `"reused"` (its outputs copied from the last run), or
    /// `"skipped"` (nothing to do).
    pub action: &'static str,
    /// Why it ran (empty when it did not).
    pub reason: String,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// Rows of one dataset.
#[derive(Debug, Clone, Serialize)]
pub struct Rows {
    /// Dataset id.
    pub dataset: String,
    /// Rows read.
    pub read: usize,
    /// Rows kept.
    pub kept: usize,
    /// Rows rejected.
    pub rejected: usize,
}

/// One run's record.
#[derive(Debug, Clone, Serialize)]
pub struct RunRecord {
    /// Study id.
    pub study: String,
    /// mizan version.
    pub mizan_version: String,
    /// Start (UTC, RFC 3339).
    pub started: String,
    /// End (UTC, RFC 3339).
    pub finished: String,
    /// `"published"`, `"unchanged"` or `"failed"`.
    pub status: &'static str,
    /// The process exit code.
    pub exit_code: u8,
    /// The error, for a failed run.
    pub error: Option<String>,
    /// Each stage.
    pub stages: Vec<StageOutcome>,
    /// Each dataset's rows.
    pub rows: Vec<Rows>,
    /// Indicator values that moved beyond `[study.drift]`.
    pub drift: Vec<DriftRow>,
    /// Columns added, removed or retyped in the sources.
    pub schema_changes: Vec<String>,
    /// What a person should look at although the run succeeded.
    pub warnings: Vec<String>,
}

/// The current time for records.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Writes `record` into `out/runs/` (created when missing), by temporary
/// file and rename; returns its path.
pub fn write(out: &Path, record: &RunRecord) -> Result<PathBuf> {
    let dir = out.join("runs");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let stamp = record.started.replace(':', "");
    let path = dir.join(format!("{stamp}.json"));
    let tmp = dir.join(format!(".{stamp}.json.tmp"));
    let json = serde_json::to_vec_pretty(record).map_err(|e| Error::internal("run record", e))?;
    std::fs::write(&tmp, json).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}
