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
    compute(files).0
}

/// The indicator rows, design summaries and comparisons of the study made
/// of `files` (through the library: ingest, then estimation).
pub fn compute(
    files: &[(&str, &str)],
) -> (
    Vec<mizan::indicators::IndicatorRow>,
    Vec<mizan::indicators::DesignSummary>,
    Vec<mizan::indicators::compare::ComparisonRow>,
) {
    let dir = temp_study(files);
    let study = mizan::spec::load(dir.path()).expect("spec");
    let data = mizan::run::ingest(&study)
        .expect("ingest")
        .into_iter()
        .map(|(k, v)| (k, v.data))
        .collect();
    let (data, _) = mizan::indicators::missing::for_estimation(&study, &data).expect("missing");
    let c = mizan::indicators::compute(&study, &data, &Default::default()).expect("compute");
    (c.rows, c.designs, c.comparisons)
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

/// A study over `api.csv` (one of R's api samples) with the design lines
/// `design` and the indicator tables `indicators` (see [`indicator`]).
pub fn api_study(design: &str, indicators: &str) -> String {
    format!(
        "[study]\nid = \"api\"\ntitle = \"R's api data\"\n\n[datasets.api]\npath = \"api.csv\"\n\n[datasets.api.design]\n{design}\n\n{indicators}"
    )
}

/// One `[[indicators]]` table over the `api` dataset; `lines` adds its
/// `expr`, `by`, … lines.
pub fn indicator(id: &str, statistic: &str, lines: &str) -> String {
    format!(
        "[[indicators]]\nid = \"{id}\"\ndataset = \"api\"\nstatistic = \"{statistic}\"\n{lines}\n\n"
    )
}

/// A fixture of R's api data, e.g. `apistrat.csv`.
pub fn api_data(file: &str) -> String {
    std::fs::read_to_string(fixtures().join("survey-api").join(file)).expect("api fixture")
}

/// The records of a CSV text (header skipped).
pub fn records(text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("CSV record"))
        .collect()
}

/// The records of golden file `file` of R's api samples (header skipped).
pub fn api_golden(file: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(api_data(file).as_bytes())
        .records()
        .map(|r| r.expect("golden record"))
        .collect()
}

/// Asserts an estimate and its SE agree with R's (1e-9 and 1e-7 relative).
pub fn agrees(est: &mizan::survey::estimate::Estimate, what: &str, estimate: f64, se: f64) {
    close(
        est.estimate.expect("estimate"),
        estimate,
        1e-9,
        &format!("{what} estimate"),
    );
    close(est.se.expect("se"), se, 1e-7, &format!("{what} se"));
}

/// Asserts interval bounds agree with R's (1e-7 relative).
pub fn agrees_ci(est: &mizan::survey::estimate::Estimate, what: &str, low: f64, high: f64) {
    close(
        est.ci_low.expect("ci_low"),
        low,
        1e-7,
        &format!("{what} ci_low"),
    );
    close(
        est.ci_high.expect("ci_high"),
        high,
        1e-7,
        &format!("{what} ci_high"),
    );
}

/// A Parquet output.
pub fn read_parquet(path: &Path) -> polars::prelude::DataFrame {
    use polars::prelude::SerReader;
    polars::prelude::ParquetReader::new(std::fs::File::open(path).expect("open"))
        .finish()
        .expect("parquet")
}

/// The `line` column of a rejects table.
pub fn reject_lines(rejects: &polars::prelude::DataFrame) -> Vec<u64> {
    rejects
        .column("line")
        .expect("line")
        .u64()
        .expect("u64")
        .iter()
        .flatten()
        .collect()
}

/// The `reason` column of a rejects table.
pub fn reject_reasons(rejects: &polars::prelude::DataFrame) -> Vec<String> {
    rejects
        .column("reason")
        .expect("reason")
        .str()
        .expect("text")
        .iter()
        .flatten()
        .map(str::to_string)
        .collect()
}

/// The design lines of R's api samples, as `svydesign` declares them.
pub mod designs {
    /// `svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)`.
    pub const STRAT: &str = "weights = \"pw\"\nstrata = \"stype\"\nfpc = \"fpc\"";
    /// `svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)`.
    pub const CLUS1: &str = "weights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"";
    /// `svydesign(id = ~1, weights = ~pw, fpc = ~fpc, data = apisrs)`.
    pub const SRS: &str = "weights = \"pw\"\nfpc = \"fpc\"";
    /// `svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)`.
    pub const CLUS2: &str = "clusters = [\"dnum\", \"snum\"]\nfpc = [\"fpc1\", \"fpc2\"]";
    /// `as.svrepdesign(<CLUS1>, type = "JK1")`.
    pub fn jk1() -> String {
        format!("{CLUS1}\n\n[datasets.api.design.replicates]\nmethod = \"jk1\"\nbuild = \"jk1\"")
    }
}
