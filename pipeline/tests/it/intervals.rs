//! Proportion intervals, every `ci` method against `svyciprop` in R's own
//! reference results (`reference.csv`): stratified, cluster and simple
//! random samples (linearisation) and the JK1 and bootstrap replicate designs.

use crate::common::{close, estimate, fixtures, temp_study};

const METHODS: [(&str, &str); 5] = [
    ("logit", "logit"),
    ("wald", "mean"),
    ("beta", "beta"),
    ("xlogit", "xlogit"),
    ("asin", "asin"),
];

fn rows(design: &str) -> Vec<mizan::indicators::IndicatorRow> {
    let dir = fixtures().join("survey-api");
    let (file, lines) = match design {
        "strat" => ("apistrat.csv", "weights = \"pw\"\nstrata = \"stype\"\nfpc = \"fpc\"".to_string()),
        "clus1" => ("apiclus1.csv", "weights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"".to_string()),
        "srs" => ("apisrs.csv", "weights = \"pw\"\nfpc = \"fpc\"".to_string()),
        "clus1_jk1" => ("", "weights = \"pw\"\n[datasets.api.design.replicates]\nmethod = \"jk1\"\ncolumns = \"repw*\"\nscale = 0.91483927785116681".to_string()),
        "clus1_boot" => ("", "weights = \"pw\"\n[datasets.api.design.replicates]\nmethod = \"bootstrap\"\ncolumns = \"repw*\"\nscale = 0.021865889212827987".to_string()),
        _ => unreachable!(),
    };
    let data = if file.is_empty() {
        crate::replicates::combined(if design.ends_with("jk1") {
            "jk1"
        } else {
            "boot"
        })
    } else {
        std::fs::read_to_string(dir.join(file)).unwrap()
    };
    let mut toml = format!(
        "[study]\nid = \"ci\"\ntitle = \"CI\"\n\n[datasets.api]\npath = \"api.csv\"\n\n[datasets.api.design]\n{lines}\n"
    );
    for (m, _) in METHODS {
        toml += &format!(
            "\n[[indicators]]\nid = \"{m}\"\ndataset = \"api\"\nstatistic = \"proportion\"\nexpr = \"\\\"sch.wide\\\" = 'Yes'\"\nci = \"{m}\"\n"
        );
    }
    estimate(&[("study.toml", &toml), ("api.csv", &data)])
}

#[test]
fn every_proportion_interval_matches_svyciprop() {
    let text = std::fs::read_to_string(fixtures().join("survey-api/reference.csv")).unwrap();
    let mut checked = 0;
    for design in ["strat", "clus1", "srs", "clus1_jk1", "clus1_boot"] {
        let rows = rows(design);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for rec in reader.records() {
            let r = rec.unwrap();
            if &r[0] != design || &r[1] != "svyciprop" {
                continue;
            }
            let Some((ours, _)) = METHODS.iter().find(|(_, theirs)| *theirs == &r[9]) else {
                continue;
            };
            let row = rows.iter().find(|x| x.indicator == *ours).unwrap();
            let what = format!("{design} ci = {ours}");
            // R's logit estimate comes from a fitted glm (converged to ~1e-10);
            // the exact weighted mean is within 1e-9 of it.
            close(
                row.est.estimate.unwrap(),
                r[4].parse().unwrap(),
                1e-9,
                &format!("{what} estimate"),
            );
            close(
                row.est.ci_low.unwrap(),
                r[6].parse().unwrap(),
                1e-7,
                &format!("{what} ci_low"),
            );
            close(
                row.est.ci_high.unwrap(),
                r[7].parse().unwrap(),
                1e-7,
                &format!("{what} ci_high"),
            );
            assert_eq!(row.est.df, Some(r[8].parse().unwrap()), "{what} df");
            checked += 1;
        }
    }
    assert_eq!(checked, 25, "5 designs × 5 methods");
}

#[test]
fn ci_is_refused_for_other_statistics() {
    let toml = "[study]\nid = \"x\"\ntitle = \"X\"\n[datasets.d]\npath = \"d.csv\"\n[[indicators]]\nid = \"m\"\ndataset = \"d\"\nstatistic = \"mean\"\nexpr = \"v\"\nci = \"beta\"\n";
    let dir = temp_study(&[("study.toml", toml), ("d.csv", "v\n1\n")]);
    let err = mizan::spec::load(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("`ci` chooses a proportion's interval"),
        "{err}"
    );
    let dir = temp_study(&[
        (
            "study.toml",
            &toml
                .replace("mean", "proportion")
                .replace("\"v\"", "\"v = 1\"")
                .replace("beta", "exact"),
        ),
        ("d.csv", "v\n1\n"),
    ]);
    let err = mizan::spec::load(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains(
            "unknown interval method `ci` `exact` — expected one of logit, wald, beta, xlogit, asin"
        ),
        "{err}"
    );
}
