//! Differences between two domains of one survey against R's `svycontrast`
//! on `svyby(covmat = TRUE)` (`fixtures/survey-api/golden_compare.R`), and
//! between independent samples against the hand formula √(SE_a² + SE_b²).

use crate::common::designs::{CLUS1, STRAT};
use crate::common::{api_data, api_study, close, fixtures, indicator, mizan, temp_study};

fn run(design: &str, file: &str) -> (tempfile::TempDir, String) {
    let mut toml = api_study(
        design,
        &(indicator("api00", "mean", "expr = \"api00\"\nby = [\"stype\"]")
            + &indicator(
                "sch.wide",
                "proportion",
                "expr = \"\\\"sch.wide\\\" = 'Yes'\"\nby = [\"stype\"]",
            )),
    );
    for v in ["api00", "sch.wide"] {
        for b in ["H", "M"] {
            toml += &format!(
                "\n[[comparisons]]\nid = \"{v}_E_{b}\"\nindicator = \"{v}\"\nby = \"stype\"\na = \"E\"\nb = \"{b}\"\n"
            );
        }
    }
    let dir = temp_study(&[("study.toml", &toml), ("api.csv", &api_data(file))]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let out = std::fs::read_to_string(dir.path().join("out/comparisons.csv")).unwrap();
    (dir, out)
}

#[test]
fn domain_differences_match_svycontrast() {
    let golden = std::fs::read_to_string(fixtures().join("survey-api/golden_compare.csv")).unwrap();
    let mut checked = 0;
    for (name, design, file) in [
        ("strat", STRAT, "apistrat.csv"),
        ("clus1", CLUS1, "apiclus1.csv"),
        (
            "clus1_jk1",
            "weights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"\n[datasets.api.design.replicates]\nmethod = \"jk1\"\nbuild = \"jk1\"",
            "apiclus1.csv",
        ),
    ] {
        let (_dir, ours) = run(design, file);
        let mut mine = csv::Reader::from_reader(ours.as_bytes());
        let rows: Vec<csv::StringRecord> = mine.records().map(Result::unwrap).collect();
        let mut reader = csv::Reader::from_reader(golden.as_bytes());
        for rec in reader.records() {
            let r = rec.unwrap();
            if &r[0] != name {
                continue;
            }
            let id = format!("{}_{}_{}", &r[1], &r[2], &r[3]);
            let row = rows
                .iter()
                .find(|x| x[0] == *id)
                .unwrap_or_else(|| panic!("{id}"));
            let what = format!("{name} {id}");
            for (ours, theirs, tol) in [
                (8, 4, 1e-9),
                (9, 5, 1e-7),
                (10, 6, 1e-7),
                (11, 7, 1e-7),
                (12, 8, 1e-6),
            ] {
                close(
                    row[ours].parse().unwrap(),
                    r[theirs].parse().unwrap(),
                    tol,
                    &format!("{what} column {ours}"),
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
}

#[test]
fn independent_samples_add_their_variances() {
    let toml = "[study]\nid = \"w\"\ntitle = \"W\"\n\n[datasets.w1]\npath = \"w1.csv\"\n[datasets.w1.design]\nweights = \"w\"\n\n[datasets.w2]\npath = \"w2.csv\"\n[datasets.w2.design]\nweights = \"w\"\n\n[[indicators]]\nid = \"y2\"\ndataset = \"w2\"\nstatistic = \"mean\"\nexpr = \"y\"\n\n[[indicators]]\nid = \"y1\"\ndataset = \"w1\"\nstatistic = \"mean\"\nexpr = \"y\"\n\n[[comparisons]]\nid = \"change\"\nindicator = \"y2\"\nversus = \"y1\"\n";
    let dir = temp_study(&[
        ("study.toml", toml),
        ("w1.csv", "w,y\n1,1\n1,2\n1,3\n1,6\n"),
        ("w2.csv", "w,y\n1,4\n1,6\n1,8\n"),
    ]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let out = std::fs::read_to_string(dir.path().join("out/comparisons.csv")).unwrap();
    let r: Vec<&str> = out.lines().nth(1).unwrap().split(',').collect();
    // Unit weights, one stratum, each row its own PSU: SE² of a mean is
    // s²/n with s² the sample variance. Wave 1: mean 3, s² = 14/3, n = 4;
    // wave 2: mean 6, s² = 4, n = 3.
    let se = (14.0 / 3.0 / 4.0 + 4.0 / 3.0_f64).sqrt();
    assert_eq!(
        &r[..6],
        ["change", "y2", "independent", "y1", "overall", "overall"]
    );
    close(r[8].parse().unwrap(), 3.0, 1e-12, "difference");
    close(r[9].parse().unwrap(), se, 1e-12, "se");
}

/// The change between two waves that share their PSUs (the cluster sample
/// stacked as 2024 with api99 and 2025 with api00), overall and within
/// each school type, against R (`fixtures/survey-api/golden_waves.R`):
/// linearised and JK1. The covariance of the two waves' estimates comes
/// from the shared PSUs.
#[test]
fn wave_changes_on_shared_psus_match_r() {
    let golden = crate::common::api_golden("golden_waves.csv");
    let mut checked = 0;
    for (name, design) in [
        ("linearised", CLUS1.to_string()),
        ("jk1", crate::common::designs::jk1()),
    ] {
        let toml = api_study(
            &design,
            &indicator(
                "y",
                "mean",
                "expr = \"y\"\nby = [\"wave\", [\"stype\", \"wave\"]]",
            ),
        ) + "[[comparisons]]\nid = \"change\"\nindicator = \"y\"\nby = \"wave\"\na = \"2025\"\nb = \"2024\"\n\n[[comparisons]]\nid = \"change_by_type\"\nindicator = \"y\"\nby = \"wave\"\na = \"2025\"\nb = \"2024\"\nwithin = \"stype\"\nlabel = \"Change since 2024\"\n";
        let dir = temp_study(&[
            ("study.toml", &toml),
            ("api.csv", &api_data("waves_stacked.csv")),
        ]);
        let (code, _, err) = mizan(&["run", "."], dir.path());
        assert_eq!(code, 0, "{err}");
        let out = std::fs::read_to_string(dir.path().join("out/comparisons.csv")).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let header = reader.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let col = |n: &str| header.iter().position(|h| h == n).unwrap();
        assert_eq!(rows.len(), 4, "{out}");
        for g in golden.iter().filter(|g| &g[0] == name) {
            let within = &g[1];
            let row = rows
                .iter()
                .find(|r| {
                    r[col("within_value")] == *within
                        && (r[col("within")] == *"stype") != within.is_empty()
                })
                .unwrap_or_else(|| panic!("{name} within `{within}`: {out}"));
            let what = format!("{name} [{within}]");
            for (ours, theirs, tol) in [
                ("difference", 2, 1e-9),
                ("se", 3, 1e-7),
                ("ci_low", 4, 1e-7),
                ("ci_high", 5, 1e-7),
                ("p_value", 6, 1e-6),
            ] {
                close(
                    row[col(ours)].parse().unwrap(),
                    g[theirs].parse().unwrap(),
                    tol,
                    &format!("{what} {ours}"),
                );
            }
            checked += 1;
        }
        let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
        assert!(html.contains("Change since 2024 — stype: E"), "{html}");
    }
    assert_eq!(checked, 8);
}

/// `within` needs the crossed breakdown, and goes with `by`, `a`, `b`.
#[test]
fn a_change_within_groups_needs_its_crossed_breakdown() {
    let toml = api_study(
        CLUS1,
        &indicator("y", "mean", "expr = \"y\"\nby = [\"wave\"]"),
    ) + "[[comparisons]]\nid = \"c\"\nindicator = \"y\"\nby = \"wave\"\na = \"2025\"\nb = \"2024\"\nwithin = \"stype\"\n";
    let dir = temp_study(&[
        ("study.toml", &toml),
        ("api.csv", &api_data("waves_stacked.csv")),
    ]);
    let (code, _, err) = mizan(&["validate", "."], dir.path());
    assert_ne!(code, 0);
    assert!(
        err.contains("has no breakdown crossing `wave` with `stype`")
            && err.contains("[\"wave\", \"stype\"]"),
        "{err}"
    );
}
