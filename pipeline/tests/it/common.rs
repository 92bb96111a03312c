//! Shared helpers: temporary studies and the fixtures folder.

use std::path::{Path, PathBuf};

/// The fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures")
}

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Writes `files` (relative path, content) into a new temporary folder.
pub fn temp_study(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

/// Runs the `mizan` binary with `args`; returns (exit code, stdout, stderr).
pub fn mizan(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mizan"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run mizan");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts `a` and `b` agree to `rel` relative tolerance (absolute near zero).
pub fn close(a: f64, b: f64, rel: f64, what: &str) {
    let scale = a.abs().max(b.abs()).max(1e-12);
    assert!(
        (a - b).abs() <= rel * scale,
        "{what}: {a} vs {b} (relative difference {:e})",
        (a - b).abs() / scale
    );
}

/// Estimates the indicators of the study made of `files` (through the
/// library: ingest, then estimation), returning the indicators table rows.
pub fn estimate(files: &[(&str, &str)]) -> Vec<mizan::indicators::IndicatorRow> {
    let dir = temp_study(files);
    let study = mizan::spec::load(dir.path()).expect("spec");
    let data = mizan::run::validate(&study)
        .expect("ingest")
        .into_iter()
        .map(|(k, v)| (k, v.data))
        .collect();
    mizan::indicators::compute(&study, &data)
        .expect("compute")
        .0
}

/// The row of indicator `id` for `domain` of its one-way breakdown, or the
/// overall row when `domain` is empty.
pub fn row<'a>(
    rows: &'a [mizan::indicators::IndicatorRow],
    id: &str,
    domain: &str,
) -> &'a mizan::indicators::IndicatorRow {
    rows.iter()
        .find(|r| {
            r.indicator == id
                && if domain.is_empty() {
                    r.by.is_empty()
                } else {
                    r.domain == [domain.to_string()]
                }
        })
        .unwrap_or_else(|| panic!("no row for {id} [{domain}]"))
}
