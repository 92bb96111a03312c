//! A two-stage cluster sample with a finite-population correction at each
//! stage and weights derived from it (R's
//! `svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)`),
//! with the 6 missing `enroll` values left out as R's `na.rm = TRUE` does,
//! against R's own results in `reference.csv`.

use crate::common::designs::CLUS2;
use crate::common::{api_data, api_study, close, estimate, fixtures, indicator, row};

#[test]
fn two_stage_design_matches_r() {
    let mut indicators = indicator("mean_api00", "mean", "expr = \"api00\"\nby = [\"stype\"]")
        + &indicator("total_api00", "total", "expr = \"api00\"")
        + &indicator("mean_enroll", "mean", "expr = \"enroll\"")
        + &indicator("total_enroll", "total", "expr = \"enroll\"")
        + &indicator(
            "ratio",
            "ratio",
            "numerator = \"\\\"api.stu\\\"\"\ndenominator = \"enroll\"",
        );
    for ci in ["logit", "wald", "beta", "xlogit", "asin"] {
        indicators += &indicator(
            ci,
            "proportion",
            &format!("expr = \"\\\"sch.wide\\\" = 'Yes'\"\nci = \"{ci}\""),
        );
    }
    let rows = estimate(&[
        ("study.toml", &api_study(CLUS2, &indicators)),
        ("api.csv", &api_data("apiclus2.csv")),
    ]);
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
