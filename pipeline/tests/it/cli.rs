//! The command line as a newcomer meets it: `--help` documents the exit
//! codes, `mizan init` makes a study that runs as it is, `validate` writes
//! nothing.

use crate::common::{mizan, repo};

#[test]
fn help_documents_exit_codes() {
    let (code, out, _) = mizan(&["--help"], &repo());
    assert_eq!(code, 0);
    for needle in [
        "Exit codes:",
        "0  success",
        "2  invalid arguments",
        "3  input-data error",
        "run",
        "validate",
        "init",
    ] {
        assert!(out.contains(needle), "--help lacks `{needle}`:\n{out}");
    }
}

#[test]
fn init_scaffolds_a_study_that_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my-study");
    let (code, _, err) = mizan(&["init", dir.to_str().unwrap()], tmp.path());
    assert_eq!(code, 0, "{err}");
    let toml = std::fs::read_to_string(dir.join("study.toml")).unwrap();
    assert!(toml.contains("# "), "the spec is commented");
    let (code, out, err) = mizan(&["run", dir.to_str().unwrap()], tmp.path());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("people") && out.contains("72"), "{out}");
    for f in [
        "out/report.html",
        "out/indicators.parquet",
        "out/figures/internet_by_sex.svg",
        "out/manifest.json",
    ] {
        assert!(dir.join(f).is_file(), "{f} written");
    }
    // Running init again on a non-empty folder refuses.
    let (code, _, err) = mizan(&["init", dir.to_str().unwrap()], tmp.path());
    assert_eq!(code, 2, "{err}");
}

#[test]
fn validate_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    mizan(&["init", dir.to_str().unwrap()], tmp.path());
    let (code, out, err) = mizan(&["validate", dir.to_str().unwrap()], tmp.path());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("is valid"), "{out}");
    assert!(!dir.join("out").exists());
}
