//! Which output folders a run may publish into. Publishing replaces the
//! folder whole, so it may only replace one that is absent, empty, or a
//! previous Mizan output (it holds `manifest.json`, or only the `runs/`
//! records of failed runs); and never the study
//! folder, a folder holding an input, a contract or a geometry, or any
//! parent of those, `/` included. A target refused here is an invalid
//! argument (exit 2) and nothing is created or moved.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::spec::model::{Population, Study};

/// Checks that `out` (absolute) may receive the outputs of `study`; returns
/// it with `..` and links of its existing part resolved, the path to use.
pub fn check(study: &Study, out: &Path) -> Result<PathBuf> {
    let refuse = |why: &str| {
        Err(Error::Usage(format!(
            "refusing to publish into {}: {why}; publishing replaces the folder whole, so it must be absent, empty or a previous Mizan output (holding manifest.json) — choose another --out",
            out.display()
        )))
    };
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.is_symlink()) {
        return refuse("it is a symbolic link");
    }
    let real = resolved(out);
    if real.parent().is_none() || real.file_name().is_none() {
        return refuse("it is a file-system root");
    }
    for (what, input) in inputs(study) {
        let input = resolved(&input);
        if input.starts_with(&real) {
            let verb = if input == real { "it is" } else { "it holds" };
            return refuse(&format!("{verb} the study's {what} {}", input.display()));
        }
    }
    match std::fs::metadata(&real) {
        Err(_) => Ok(real),
        Ok(m) if !m.is_dir() => refuse("it is a file, not a folder"),
        Ok(_) if real.join("manifest.json").is_file() => Ok(real),
        Ok(_) => {
            // Failed runs leave their records in `runs/` before any publish.
            let entries = std::fs::read_dir(&real).map_err(|e| Error::io(&real, e))?;
            let foreign = entries
                .filter_map(|e| e.ok())
                .any(|e| e.file_name() != "runs" || !e.path().is_dir());
            if foreign {
                refuse("it holds files that are not a Mizan output (no manifest.json)")
            } else {
                Ok(real)
            }
        }
    }
}

/// Every file or folder a run reads, with what it is to the study.
fn inputs(study: &Study) -> Vec<(&'static str, PathBuf)> {
    let mut out = vec![
        ("folder", study.dir.clone()),
        ("spec", study.spec_path.clone()),
    ];
    for d in &study.datasets {
        // A pattern's file name is not a file: its folder is the input.
        let path = if crate::ingest::sources::is_pattern(&d.path) {
            d.path.parent().map_or_else(PathBuf::new, Path::to_path_buf)
        } else {
            d.path.clone()
        };
        out.push(("source", path));
        if let Some(c) = &d.contract {
            out.push(("contract", c.path.clone()));
        }
        let margins = d
            .design
            .iter()
            .flat_map(|des| des.calibration.iter())
            .flat_map(|c| c.margins.iter());
        for m in margins {
            if let Population::File { path, .. } = &m.population {
                out.push(("population file", path.clone()));
            }
        }
    }
    for c in &study.charts {
        if let Some(g) = &c.geometry {
            out.push(("geometry", g.path.clone()));
        }
    }
    out
}

/// `path` with every symbolic link and `..` of its existing part resolved
/// (the rest appended as written), so two spellings of one folder compare equal.
fn resolved(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest
                .iter()
                .rev()
                .fold(real, |p, part: &PathBuf| p.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(PathBuf::from(name));
                existing = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
}
