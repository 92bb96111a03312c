//! Every path under a study's output folder is built here, so the layout is
//! written down once:
//!
//! ```text
//! out/
//!   data/<dataset>.parquet      typed, validated rows
//!   rejects/<dataset>.parquet   refused rows with line and reason
//!   indicators.parquet|csv      the indicators table
//!   comparisons.parquet|csv     differences between domains or waves
//!   figures/<chart>.svg|png|csv each chart and the data it draws
//!   report.html, report.md      the report
//!   manifest.json               hashes of every input and output
//! ```
//!
//! A run writes into a staging folder beside `out/` and publishes it with
//! renames only once everything succeeded ([`Store::publish`]), so a failed
//! run leaves the last good outputs untouched.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The output folder of one run (while it is being written: the staging folder).
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// A store writing into `root`.
    pub fn new(root: PathBuf) -> Self {
        Store { root }
    }

    /// The folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates the store's folders.
    pub fn create(&self) -> Result<()> {
        for d in [
            self.root.clone(),
            self.root.join("data"),
            self.root.join("rejects"),
            self.root.join("figures"),
        ] {
            std::fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
        }
        Ok(())
    }

    /// `data/<dataset>.parquet`.
    pub fn data(&self, dataset: &str) -> PathBuf {
        self.root.join("data").join(format!("{dataset}.parquet"))
    }

    /// `rejects/<dataset>.parquet`.
    pub fn rejects(&self, dataset: &str) -> PathBuf {
        self.root.join("rejects").join(format!("{dataset}.parquet"))
    }

    /// `indicators.parquet`.
    pub fn indicators_parquet(&self) -> PathBuf {
        self.root.join("indicators.parquet")
    }

    /// `indicators.csv`.
    pub fn indicators_csv(&self) -> PathBuf {
        self.root.join("indicators.csv")
    }

    /// `comparisons.parquet`.
    pub fn comparisons_parquet(&self) -> PathBuf {
        self.root.join("comparisons.parquet")
    }

    /// `comparisons.csv`.
    pub fn comparisons_csv(&self) -> PathBuf {
        self.root.join("comparisons.csv")
    }

    /// `figures/<chart>.<ext>`.
    pub fn figure(&self, chart: &str, ext: &str) -> PathBuf {
        self.root.join("figures").join(format!("{chart}.{ext}"))
    }

    /// `report.html`.
    pub fn report_html(&self) -> PathBuf {
        self.root.join("report.html")
    }

    /// `report.md`.
    pub fn report_md(&self) -> PathBuf {
        self.root.join("report.md")
    }

    /// `manifest.json`.
    pub fn manifest(&self) -> PathBuf {
        self.root.join("manifest.json")
    }

    /// The staging folder for publishing into `out`: a hidden sibling, on
    /// the same file system so the final renames are atomic.
    pub fn staging_for(out: &Path) -> PathBuf {
        let name = out
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        out.with_file_name(format!(".{name}.staging-{}", std::process::id()))
    }

    /// Replaces `out` with this store's folder: the old outputs are moved
    /// aside, the new ones renamed into place, then the old ones removed.
    pub fn publish(self, out: &Path) -> Result<()> {
        let old = out.with_file_name(format!(
            ".{}.previous-{}",
            out.file_name()
                .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned()),
            std::process::id()
        ));
        let had_old = out.exists();
        if had_old {
            std::fs::rename(out, &old).map_err(|e| Error::io(out, e))?;
        }
        if let Err(e) = std::fs::rename(&self.root, out) {
            if had_old {
                let _ = std::fs::rename(&old, out);
            }
            return Err(Error::io(out, e));
        }
        if had_old {
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        Ok(())
    }

    /// Removes the folder (after a failed run).
    pub fn discard(self) {
        self.discard_if_exists();
    }

    /// Removes a leftover folder of the same name (from a killed run).
    pub fn discard_if_exists(&self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
