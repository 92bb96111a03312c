//! Proportion intervals, every `ci` method against `svyciprop` in R's own
//! reference results (`reference.csv`): stratified, cluster and simple
//! random samples (linearisation) and the JK1 and bootstrap replicate designs.

use crate::common::designs::{CLUS1, SRS, STRAT};
use crate::common::{api_data, api_study, close, estimate, fixtures, indicator, temp_study};

const METHODS: [(&str, &str); 5] = [
    ("logit", "logit"),
    ("wald", "mean"),
    ("beta", "beta"),
    ("xlogit", "xlogit"),
    ("asin", "asin"),
];

fn rows(design: &str) -> Vec<mizan::indicators::IndicatorRow> {
    let replicates = |method: &str, scale: &str| {
        format!(
            "weights = \"pw\"\n[datasets.api.design.replicates]\nmethod = \"{method}\"\ncolumns = \"repw*\"\nscale = {scale}"
        )
    };
    let (lines, data) = match design {
        "strat" => (STRAT.to_string(), api_data("apistrat.csv")),
        "clus1" => (CLUS1.to_string(), api_data("apiclus1.csv")),
        "srs" => (SRS.to_string(), api_data("apisrs.csv")),
        "clus1_jk1" => (
            replicates("jk1", "0.91483927785116681"),
            crate::replicates::combined("jk1"),
        ),
        "clus1_boot" => (
            replicates("bootstrap", "0.021865889212827987"),
            crate::replicates::combined("boot"),
        ),
        _ => unreachable!(),
    };
    let indicators: String = METHODS
        .iter()
        .map(|(m, _)| {
            indicator(
                m,
                "proportion",
                &format!("expr = \"\\\"sch.wide\\\" = 'Yes'\"\nci = \"{m}\""),
            )
        })
        .collect();
    estimate(&[
        ("study.toml", &api_study(&lines, &indicators)),
        ("api.csv", &data),
    ])
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

/// The report and the charts say the level and the interval method the
/// study asked for: a 90% Korn–Graubard interval is not called a 95% logit one.
#[test]
fn texts_say_the_real_level_and_method() {
    let study = api_study(
        STRAT,
        &(indicator(
            "wide",
            "proportion",
            "expr = \"\\\"sch.wide\\\" = 'Yes'\"\nci = \"beta\"\nlevel = 0.9\nby = [\"stype\"]",
        ) + "[[charts]]\nid = \"wide_by_type\"\nindicator = \"wide\"\nkind = \"bar\"\nby = \"stype\"\n"),
    );
    let dir = temp_study(&[
        ("study.toml", &study),
        ("api.csv", &api_data("apistrat.csv")),
    ]);
    let (code, _, err) = crate::common::mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("out");
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    let svg = std::fs::read_to_string(out.join("figures/wide_by_type.svg")).expect("svg");
    for (what, text) in [("report.md", &md), ("report.html", &html)] {
        assert!(text.contains("90% interval"), "{what}: no 90% heading");
        assert!(!text.contains("95% interval"), "{what}: a 95% heading");
        assert!(
            text.contains("Intervals: Korn–Graubard"),
            "{what}: method not named"
        );
        assert!(!text.contains("Intervals: logit"), "{what}: logit named");
    }
    assert!(svg.contains("90% confidence intervals"), "chart note");
    assert!(!svg.contains("95% confidence"), "chart note says 95%");
}

/// Student's t quantiles at census-size degrees of freedom come from an
/// O(1) expansion: they agree with R's `qt` (`fixtures/qt/golden_qt.R`) to
/// 1e-13, up to 5·10⁷ degrees of freedom, where the exact inverse took
/// minutes.
#[test]
fn t_quantiles_at_large_df_agree_with_r() {
    let golden = std::fs::read_to_string(fixtures().join("qt/golden_qt.csv")).unwrap();
    let mut checked = 0;
    for line in golden.lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        let t = mizan::survey::estimate::t_quantile(v[0], v[1]);
        close(t, v[2], 1e-13, &format!("qt at level {} df {}", v[0], v[1]));
        checked += 1;
    }
    assert_eq!(checked, 18);
}
