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

#[test]
fn the_itu_household_template_runs_and_reports_the_core_indicators() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ict");
    let d = dir.to_str().unwrap();
    let (code, _, err) = mizan(&["init", d, "--template", "itu-household"], tmp.path());
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = mizan(&["run", d], tmp.path());
    assert_eq!(code, 0, "{err}");
    let table = std::fs::read_to_string(dir.join("out/indicators.csv")).unwrap();
    let recs = crate::common::records(&table);
    let mut codes: Vec<&str> = recs.iter().map(|r| &r[17]).collect();
    codes.dedup();
    assert_eq!(codes, ["HH1", "HH4", "HH6", "HH7", "HH10", "HH15", "HH18"]);
    // HH7 by hand from the generated file: Σ w·used / Σ w.
    let people = std::fs::read_to_string(dir.join("data/individuals.csv")).unwrap();
    let (mut num, mut den) = (0.0, 0.0);
    for r in crate::common::records(&people) {
        let w: f64 = r[4].parse().unwrap();
        den += w;
        num += w * r[10].parse::<f64>().unwrap();
    }
    let hh7 = recs
        .iter()
        .find(|r| &r[0] == "hh7_internet_use" && r[2].is_empty())
        .unwrap();
    assert!((hh7[5].parse::<f64>().unwrap() - num / den).abs() < 1e-14);
    let fr = std::fs::read_to_string(dir.join("out/report.fr.html")).unwrap();
    assert!(
        fr.contains("Hommes") && fr.contains("ODD 17.8.1"),
        "value labels and SDG link in French"
    );
    assert!(
        std::fs::read_to_string(dir.join("out/report.ar.html"))
            .unwrap()
            .contains("نساء")
    );
    // A template is one way to start; a file is another: not both.
    let other = tmp.path().join("other");
    let (code, _, err) = mizan(
        &["init", other.to_str().unwrap(), "--template", "census"],
        tmp.path(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("itu-household"), "{err}");
}
