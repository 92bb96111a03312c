//! A two-stage cluster sample with a finite-population correction at each
//! stage and weights derived from it (R's
//! `svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)`),
//! with the 6 missing `enroll` values left out as R's `na.rm = TRUE` does,
//! against R's own results in `reference.csv`.

use crate::common::{close, estimate, fixtures, row};

const SPEC: &str = r#"[study]
id = "clus2"
title = "Two-stage"

[datasets.api]
path = "api.csv"

[datasets.api.design]
clusters = ["dnum", "snum"]
fpc = ["fpc1", "fpc2"]

[[indicators]]
id = "mean_api00"
dataset = "api"
statistic = "mean"
expr = "api00"
by = ["stype"]

[[indicators]]
id = "total_api00"
dataset = "api"
statistic = "total"
expr = "api00"

[[indicators]]
id = "mean_enroll"
dataset = "api"
statistic = "mean"
expr = "enroll"

[[indicators]]
id = "total_enroll"
dataset = "api"
statistic = "total"
expr = "enroll"

[[indicators]]
id = "ratio"
dataset = "api"
statistic = "ratio"
numerator = "\"api.stu\""
denominator = "enroll"
"#;

#[test]
fn two_stage_design_matches_r() {
    let mut spec = SPEC.to_string();
    for (ours, _) in [
        ("logit", ""),
        ("wald", ""),
        ("beta", ""),
        ("xlogit", ""),
        ("asin", ""),
    ] {
        spec += &format!(
            "\n[[indicators]]\nid = \"{ours}\"\ndataset = \"api\"\nstatistic = \"proportion\"\nexpr = \"\\\"sch.wide\\\" = 'Yes'\"\nci = \"{ours}\"\n"
        );
    }
    let data = std::fs::read_to_string(fixtures().join("survey-api/apiclus2.csv")).unwrap();
    let rows = estimate(&[("study.toml", &spec), ("api.csv", &data)]);
    let find = |id: &str, dom: Option<&str>| row(&rows, id, dom.unwrap_or(""));
    let text = std::fs::read_to_string(fixtures().join("survey-api/reference.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut checked = 0;
    for rec in reader.records() {
        let r = rec.unwrap();
        if &r[0] != "clus2" {
            continue;
        }
        let num = |i: usize| r[i].parse::<f64>().unwrap();
        let method = match &r[9] {
            "mean" => "wald",
            m => m,
        };
        let (row, wald) = match (&r[1], &r[2]) {
            ("svymean", "api00") => (find("mean_api00", None), true),
            ("svytotal", "api00") => (find("total_api00", None), true),
            ("svymean", "enroll") => (find("mean_enroll", None), true),
            ("svytotal", "enroll") => (find("total_enroll", None), true),
            ("svyby_svymean", _) => (find("mean_api00", Some(&r[3][6..])), true),
            ("svyratio", _) => (find("ratio", None), true),
            ("svymean", _) => (find("logit", None), false),
            ("svyciprop", _) if ["logit", "wald", "beta", "xlogit", "asin"].contains(&method) => {
                (find(method, None), true)
            }
            _ => continue,
        };
        let what = format!("clus2 {} {} {} {}", &r[1], &r[2], &r[3], &r[9]);
        close(
            row.est.estimate.unwrap(),
            num(4),
            1e-9,
            &format!("{what} estimate"),
        );
        close(row.est.se.unwrap(), num(5), 1e-7, &format!("{what} se"));
        if wald {
            close(
                row.est.ci_low.unwrap(),
                num(6),
                1e-7,
                &format!("{what} ci_low"),
            );
            close(
                row.est.ci_high.unwrap(),
                num(7),
                1e-7,
                &format!("{what} ci_high"),
            );
        }
        if let Some(deff) = r[10].split("deff=").nth(1) {
            // R prints the design effect to 10 significant digits.
            close(
                row.est.deff.unwrap(),
                deff.trim().parse().unwrap(),
                1e-9,
                &format!("{what} deff"),
            );
        }
        if &r[1] == "svyciprop" {
            assert_eq!(row.est.df, Some(num(8)), "{what} df");
        }
        checked += 1;
    }
    assert_eq!(
        checked, 14,
        "every clus2 reference row but the quantiles and the likelihood interval"
    );
}
