//! Every path under a study's output folder is built here, so the layout is
//! written down once:
//!
//! ```text
//! out/
//!   data/<dataset>.parquet      typed, validated rows
//!   rejects/<dataset>.parquet   refused rows with line and reason
//!   indicators.parquet|csv      the indicators table
//!   comparisons.parquet|csv     differences between domains or waves
//!   composites.parquet|csv      composite indices: score and rank per unit
//!   codebook.csv                every dataset's columns: labels, codes, frequencies, missing
//!   figures/<chart>.svg|png|csv each chart and the data it draws
//!   figures/<lang>/<chart>.…    the same in another of the study's languages
//!   report.html, report.md      the report
//!   report.<lang>.html|md       the report in each of the study's `languages`
//!   manifest.json               hashes of every input and output
//! ```
//!
//! A run writes into a staging folder beside `out/` and publishes it with
//! an atomic exchange only once everything succeeded ([`Store::publish`]),
//! so a failed or killed run leaves the last good outputs untouched.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::locale::Language;

/// The file marking a staging folder as Mizan's, removed as it is published.
pub const STAGING_MARKER: &str = ".mizan-staging";

/// The output folder of one run (while it is being written: the staging folder).
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// The files of each figure: the drawing, its raster, its data and its metadata.
    pub const FIGURE_FILES: [&'static str; 4] = ["svg", "png", "csv", "json"];
    /// The files of each report: the page, its Markdown twin and the PDF.
    pub const REPORT_FILES: [&'static str; 3] = ["html", "md", "pdf"];

    /// A store writing into `root`.
    pub fn new(root: PathBuf) -> Self {
        Store { root }
    }

    /// The folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates the store's folders, marked as Mizan's own so that a run
    /// killed before publishing leaves a folder the next run may remove.
    pub fn create(&self) -> Result<()> {
        std::fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        let marker = self.root.join(STAGING_MARKER);
        std::fs::write(&marker, b"").map_err(|e| Error::io(&marker, e))?;
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

    /// `composites.parquet`.
    pub fn composites_parquet(&self) -> PathBuf {
        self.root.join("composites.parquet")
    }

    /// `composites.csv`.
    pub fn composites_csv(&self) -> PathBuf {
        self.root.join("composites.csv")
    }

    /// `crosstabs.<ext>` (`parquet` or `csv`): the cross-tabulations' cells.
    pub fn crosstabs(&self, ext: &str) -> PathBuf {
        self.root.join(format!("crosstabs.{ext}"))
    }

    /// `tests.<ext>` (`parquet` or `csv`): the cross-tabulations' tests.
    pub fn tests(&self, ext: &str) -> PathBuf {
        self.root.join(format!("tests.{ext}"))
    }

    /// `models.<ext>` (`parquet` or `csv`): the regression models.
    pub fn models(&self, ext: &str) -> PathBuf {
        self.root.join(format!("models.{ext}"))
    }

    /// `small_area.<ext>` (`parquet` or `csv`): the small-area estimates.
    pub fn small_area(&self, ext: &str) -> PathBuf {
        self.root.join(format!("small_area.{ext}"))
    }

    /// `design.csv`: each survey design and its weighting diagnostics.
    pub fn design_csv(&self) -> PathBuf {
        self.root.join("design.csv")
    }

    /// `codebook.csv`.
    pub fn codebook_csv(&self) -> PathBuf {
        self.root.join("codebook.csv")
    }

    /// `figures/<chart>.<ext>`.
    pub fn figure(&self, chart: &str, ext: &str) -> PathBuf {
        self.root.join("figures").join(format!("{chart}.{ext}"))
    }

    /// `figures/<lang>/<chart>.<ext>`: a figure in another language than
    /// the study's first.
    pub fn figure_in(&self, lang: Language, chart: &str, ext: &str) -> PathBuf {
        self.root
            .join("figures")
            .join(lang.code())
            .join(format!("{chart}.{ext}"))
    }

    /// `report.<lang>.<ext>` (`html`, `md` or `pdf`): the report in one of the
    /// study's `languages`.
    pub fn report_in(&self, lang: Language, ext: &str) -> PathBuf {
        self.root.join(format!("report.{}.{ext}", lang.code()))
    }

    /// `report.<ext>` (`html`, `md` or `pdf`): the report in the study's
    /// first language.
    pub fn report(&self, ext: &str) -> PathBuf {
        self.root.join(format!("report.{ext}"))
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
        out.with_file_name(format!(".{name}.staging"))
    }

    /// Replaces `out` with this store's folder in one atomic exchange (two
    /// renames where the file system cannot exchange), then removes the old
    /// outputs, keeping their `runs/` history. Called under the run lock.
    pub fn publish(self, out: &Path) -> Result<()> {
        let marker = self.root.join(STAGING_MARKER);
        std::fs::remove_file(&marker).map_err(|e| Error::io(&marker, e))?;
        if !out.exists() {
            return std::fs::rename(&self.root, out).map_err(|e| Error::io(out, e));
        }
        // One atomic step: the staging folder and `out/` trade places, so a
        // reader sees the old outputs or the new ones, never neither.
        let exchanged = rustix::fs::renameat_with(
            rustix::fs::CWD,
            &self.root,
            rustix::fs::CWD,
            out,
            rustix::fs::RenameFlags::EXCHANGE,
        );
        if exchanged.is_err() {
            // A file system without exchange: two renames, a moment apart.
            let old = self.root.with_extension("previous");
            std::fs::rename(out, &old).map_err(|e| Error::io(out, e))?;
            if let Err(e) = std::fs::rename(&self.root, out) {
                let _ = std::fs::rename(&old, out);
                return Err(Error::io(out, e));
            }
            std::fs::rename(&old, &self.root).map_err(|e| Error::io(&old, e))?;
        }
        // The previous outputs are now in the staging folder's place; their
        // run history moves on to the new ones.
        let runs = self.root.join("runs");
        if runs.is_dir() {
            let to = out.join("runs");
            std::fs::rename(&runs, &to).map_err(|e| Error::io(&runs, e))?;
        }
        std::fs::remove_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))
    }

    /// Removes the folder (after a failed run).
    pub fn discard(self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }

    /// Removes a leftover folder of the same name from a killed run — one
    /// Mizan made: a staging folder (marked) or previous outputs (holding
    /// `manifest.json`) — or an empty folder (a run killed between creating
    /// the folder and marking it; removing it loses nothing). Anything else
    /// there is refused, untouched.
    pub fn discard_if_exists(&self) -> Result<()> {
        let empty = std::fs::read_dir(&self.root).is_ok_and(|mut d| d.next().is_none());
        match std::fs::symlink_metadata(&self.root) {
            Err(_) => Ok(()),
            // `remove_dir` refuses a folder that is no longer empty.
            Ok(m) if m.is_dir() && empty => {
                std::fs::remove_dir(&self.root).map_err(|e| Error::io(&self.root, e))
            }
            Ok(m)
                if m.is_dir()
                    && (self.root.join(STAGING_MARKER).exists()
                        || self.root.join("manifest.json").exists()) =>
            {
                std::fs::remove_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))
            }
            Ok(_) => Err(Error::Usage(format!(
                "{} is in the way of the run's staging folder and was not made by Mizan; it was left untouched — move it or choose another --out",
                self.root.display()
            ))),
        }
    }
}
