//! `mizan verify OUT_DIR`: what a researcher runs on a downloaded study.
//! It reads `manifest.json`, checks that the spec and every input still
//! have the recorded hashes, recomputes every output into a temporary
//! folder and compares them byte for byte with the recorded ones; for the
//! indicators table it also lists the rows that differ and by how much.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::manifest::{FileRecord, Manifest};
use super::{RunOptions, run};
use crate::error::{Error, Result};
use crate::ingest::sources::file_hash_parallel;

/// What verification found.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    /// Outputs recomputed identical.
    pub identical: usize,
    /// Every difference, one line each.
    pub problems: Vec<String>,
}

/// Verifies the published outputs in `out_dir`.
pub fn verify(out_dir: &Path) -> Result<Verification> {
    let at = out_dir.join("manifest.json");
    if !at.is_file() {
        return Err(Error::Usage(format!(
            "{} has no manifest.json: is it the output folder of a mizan run?",
            out_dir.display()
        )));
    }
    // A manifest that is there but unreadable: the published folder was damaged.
    let manifest = Manifest::read(out_dir).ok_or_else(|| {
        Error::NotReproduced(format!(
            "{} is damaged (not the JSON a run writes): the published outputs cannot be checked against it",
            at.display()
        ))
    })?;
    let study_dir = out_dir.join(&manifest.study_dir);
    let mut v = Verification::default();
    let mut check = |file: &FileRecord, what: &str| {
        let path = study_dir.join(&file.path);
        match file_hash_parallel(&path) {
            Ok(h) if h == file.blake3 => {}
            Ok(h) => v.problems.push(format!(
                "{what} {} differs from the one recorded (blake3 {} ≠ {})",
                file.path,
                &h[..12],
                &file.blake3[..12]
            )),
            Err(e) => v
                .problems
                .push(format!("{what} {} cannot be read: {e}", file.path)),
        }
    };
    check(&manifest.spec, "the spec");
    for c in manifest.inputs.iter().filter_map(|i| i.contract.as_ref()) {
        check(c, "contract");
    }
    if !v.problems.is_empty() {
        return Ok(v);
    }
    let study = crate::spec::load(&study_dir.join(&manifest.spec.path))?;
    for i in &manifest.inputs {
        // A pattern's files are hashed together, as the run did.
        let now = study
            .dataset(&i.dataset)
            .ok_or_else(|| Error::internal("verify", format!("no dataset `{}`", i.dataset)))
            .and_then(crate::ingest::sources::hash);
        match now {
            Ok(h) if h == i.blake3 => {}
            Ok(h) => v.problems.push(format!(
                "input `{}` {} differs from the one recorded (blake3 {} ≠ {})",
                i.dataset,
                i.path,
                &h[..12],
                &i.blake3[..12]
            )),
            Err(e) => v.problems.push(format!(
                "input `{}` {} cannot be read: {e}",
                i.dataset, i.path
            )),
        }
    }
    if !v.problems.is_empty() {
        return Ok(v);
    }
    let scratch = tempfile::tempdir().map_err(|e| Error::io(Path::new("(temp)"), e))?;
    let again = scratch.path().join("out");
    let opts = RunOptions {
        out: Some(again.clone()),
        force: true,
        ..RunOptions::default()
    };
    run(&study, &opts)?;
    let now = Manifest::read(&again)
        .ok_or_else(|| Error::internal("verify", "the recomputation wrote no manifest"))?;
    let fresh: HashMap<&str, &str> = now
        .outputs
        .iter()
        .map(|f| (f.path.as_str(), f.blake3.as_str()))
        .collect();
    for f in &manifest.outputs {
        // The published file as it is now, which a reader would use.
        let published = file_hash_parallel(&out_dir.join(&f.path)).unwrap_or_default();
        let touched = if published == f.blake3 {
            ""
        } else {
            " (and no longer has the hash manifest.json records: changed after publishing)"
        };
        match fresh.get(f.path.as_str()) {
            Some(h) if *h == published && *h == f.blake3 => v.identical += 1,
            Some(_) => {
                v.problems
                    .push(format!("output {} differs{touched}", f.path));
                if f.path == "indicators.csv" {
                    v.problems.extend(table_differences(
                        &out_dir.join(&f.path),
                        &again.join(&f.path),
                    ));
                }
            }
            None => v
                .problems
                .push(format!("output {} is not produced any more", f.path)),
        }
    }
    for f in &now.outputs {
        if !manifest.outputs.iter().any(|m| m.path == f.path) {
            v.problems.push(format!("output {} is new", f.path));
        }
    }
    // What is in the folder but was never published there (the run records aside).
    for f in super::manifest::outputs(out_dir)? {
        if !f.path.starts_with("runs/") && !manifest.outputs.iter().any(|m| m.path == f.path) {
            v.problems.push(format!(
                "{} is in the output folder but not in manifest.json: no run published it",
                crate::text::escape_control(&f.path)
            ));
        }
    }
    Ok(v)
}

/// The rows of two indicators tables that differ, with the size of each
/// difference.
fn table_differences(published: &Path, recomputed: &Path) -> Vec<String> {
    let read = |p: &PathBuf| -> HashMap<String, (String, String)> {
        let Ok(mut r) = csv::Reader::from_path(p) else {
            return HashMap::new();
        };
        r.records()
            .flatten()
            .map(|rec| {
                (
                    // An area's EBLUP shares its direct row's key but the statistic.
                    if &rec[4] == "eblup" {
                        format!("{} eblup [{} = {}]", &rec[0], &rec[2], &rec[3])
                    } else {
                        format!("{} [{} = {}]", &rec[0], &rec[2], &rec[3])
                    },
                    (rec[5].to_string(), rec[6].to_string()),
                )
            })
            .collect()
    };
    let (a, b) = (
        read(&published.to_path_buf()),
        read(&recomputed.to_path_buf()),
    );
    let mut out: Vec<String> = a
        .iter()
        .filter_map(|(k, (e0, s0))| {
            let (e1, s1) = b.get(k)?;
            if e0 == e1 && s0 == s1 {
                return None;
            }
            let delta = |x: &str, y: &str| match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(x), Ok(y)) => format!("{:+e}", y - x),
                _ => format!("{x:?} → {y:?}"),
            };
            Some(format!(
                "  {k}: estimate {e0} → {e1} ({}), se {s0} → {s1} ({})",
                delta(e0, e1),
                delta(s0, s1)
            ))
        })
        .collect();
    out.sort();
    out
}
