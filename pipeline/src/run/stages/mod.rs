//! One function per stage of a run ([`Stage`]): [`ingest`], [`estimate`],
//! [`charts`], [`report`]. Each reads what the stages before it produced,
//! writes its files into the staging [`Store`] (or copies them from the
//! published outputs when it is up to date) and records what it did;
//! [`super::run_into`] calls them in order and writes the manifest.

pub(super) mod charts;
pub(super) mod estimate;
pub(super) mod ingest;
pub(super) mod report;

use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::RunOptions;
use super::history::StageOutcome;
use super::manifest::StageRecord;
use super::plan::Plan;
use super::stage::Stage;
use super::store::Store;
use crate::error::Result;
use crate::spec::model::Study;

/// A run in progress: what every stage reads and where it writes.
pub(super) struct Run<'a> {
    /// The study.
    pub study: &'a Study,
    /// The run's options.
    pub opts: &'a RunOptions,
    /// The staging folder being written.
    pub store: &'a Store,
    /// The published outputs of the last run, where up-to-date stages'
    /// files are copied from.
    pub published: Store,
    /// Which stages are up to date.
    pub plan: &'a Plan,
    /// The progress bar and each step's time.
    pub timer: Timer,
    /// What happened to each stage, and why.
    pub outcomes: Vec<StageOutcome>,
}

impl Run<'_> {
    /// Records what happened to `stage`: reused when up to date and
    /// `reusable`, else run with the plan's reason.
    pub fn done(&mut self, stage: &Stage, reusable: bool) {
        let reason = self
            .plan
            .stages
            .iter()
            .find(|s| &s.stage == stage)
            .and_then(|s| s.stale.clone());
        let (action, reason) = match reason {
            Some(r) => ("run", r),
            None if reusable => ("reused", String::new()),
            None => ("run", "reruns with the stages that changed".to_string()),
        };
        self.outcomes.push(StageOutcome {
            stage: stage.to_string(),
            action,
            reason,
            seconds: 0.0,
        });
    }
}

/// Copies the files of an up-to-date `stage` from the published outputs
/// into the store (the plan checked they are intact).
pub(super) fn copy_published(
    study: &Study,
    stage: &Stage,
    published: &Store,
    store: &Store,
) -> Result<()> {
    for file in stage.outputs(study) {
        let from = published.root().join(&file);
        if from.exists() {
            let to = store.root().join(&file);
            if let Some(dir) = to.parent() {
                std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
            }
            std::fs::copy(&from, &to).map_err(|e| crate::Error::io(&from, e))?;
        }
    }
    Ok(())
}

/// The progress bar and the time of each step.
pub(super) struct Timer {
    bar: ProgressBar,
    /// Each timed step, in order.
    pub records: Vec<StageRecord>,
}

impl Timer {
    /// A bar of `total` steps, drawn when `show`.
    pub fn new(total: usize, show: bool) -> Self {
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
        Timer {
            bar,
            records: Vec::new(),
        }
    }

    /// Runs step `name`, timed.
    pub fn time<T>(&mut self, name: String, f: impl FnOnce() -> Result<T>) -> Result<T> {
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

    /// Clears the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
