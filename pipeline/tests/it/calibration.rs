//! Calibrated designs against R: post-stratification of the one-stage
//! cluster sample to the school-type counts
//! (`fixtures/survey-api/golden_poststratify.R`), and post-stratification,
//! raking and linear calibration (unbounded and bounded) of a stratified, a
//! two-stage and a JK1 replicate design, with every statistic, a domain, a
//! subpopulation and a domain difference
//! (`fixtures/survey-api/golden_calibration.R`).

use crate::common::designs::{self, CLUS1, CLUS2, STRAT};
use crate::common::{
    agrees, agrees_ci, api_data, api_golden, api_study, close, compute, estimate, fixtures,
    indicator, row, temp_study,
};

#[test]
fn poststratified_estimates_match_r() {
    let population = fixtures().join("survey-api/stype_population.csv");
    let design = format!(
        "{CLUS1}\n\n[datasets.api.design.poststratify]\nvariables = [\"stype\"]\npopulation = \"{}\"",
        population.display()
    );
    let indicators = indicator(
        "mean_api00",
        "mean",
        "expr = \"api00\"\nby = [\"stype\", \"sch.wide\"]",
    ) + &indicator("total_enroll", "total", "expr = \"enroll\"")
        + &indicator(
            "proportion_sch.wide",
            "proportion",
            "expr = \"\\\"sch.wide\\\" = 'Yes'\"",
        );
    let rows = estimate(&[
        ("study.toml", &api_study(&design, &indicators)),
        ("api.csv", &api_data("apiclus1.csv")),
    ]);
    let golden = api_data("golden_poststratify.csv");
    let mut reader = csv::Reader::from_reader(golden.as_bytes());
    let mut checked = 0;
    for rec in reader.records() {
        let g = rec.unwrap();
        let id = format!("{}_{}", &g[0], &g[1]);
        let r = row(&rows, &id, &g[2]);
        let what = format!("{id} [{}]", &g[2]);
        agrees(&r.est, &what, g[3].parse().unwrap(), g[4].parse().unwrap());
        checked += 1;
    }
    assert_eq!(checked, 8);
}

/// The calibration tables of `golden_calibration.R`, by name.
fn calibration(name: &str, design: &str) -> String {
    let stype = fixtures().join("survey-api/stype_population.csv");
    let stype = format!(
        "{{ variables = \"stype\", population = \"{}\" }}",
        stype.display()
    );
    let sch_wide = "{ variables = \"sch.wide\", population = { No = 1072, Yes = 5122 } }";
    match name {
        "poststratify" => "[datasets.api.design.poststratify]\nvariables = \"sch.wide\"\npopulation = { No = 1072, Yes = 5122 }".to_string(),
        "rake" => format!("[datasets.api.design.rake]\nmargins = [{stype}, {sch_wide}]"),
        "greg" => format!(
            "[datasets.api.design.calibrate]\nmargins = [{stype}]\ntotals = {{ api99 = 3914069 }}"
        ),
        "bounded" => format!(
            "[datasets.api.design.calibrate]\nmargins = [{stype}]\ntotals = {{ api99 = 3914069 }}\nbounds = {}",
            if design == "strat" {
                "[0.97, 1.03]"
            } else {
                "[0.6, 1.4]"
            }
        ),
        other => panic!("no calibration {other}"),
    }
}

#[test]
fn calibrated_designs_match_r() {
    let golden = api_golden("golden_calibration.csv");
    let jk1 = designs::jk1();
    let indicators = indicator("mean_api00", "mean", "expr = \"api00\"\nby = [\"awards\"]")
        + &indicator(
            "sub_api00",
            "mean",
            "expr = \"api00\"\nwhere = \"api99 > 600\"",
        )
        + &indicator("total_api.stu", "total", "expr = \"\\\"api.stu\\\"\"")
        + &indicator(
            "proportion_awards",
            "proportion",
            "expr = \"awards = 'Yes'\"",
        )
        + &indicator(
            "ratio",
            "ratio",
            "numerator = \"api00\"\ndenominator = \"api99\"",
        )
        + &indicator(
            "quantile_api00",
            "quantile",
            "quantile = 0.5\nexpr = \"api00\"",
        )
        + "[[comparisons]]\nid = \"awards\"\nindicator = \"mean_api00\"\nby = \"awards\"\na = \"Yes\"\nb = \"No\"\n";
    let mut checked = 0;
    for (name, design, file) in [
        ("strat", STRAT, "apistrat.csv"),
        ("clus2", CLUS2, "apiclus2.csv"),
        ("jk1", jk1.as_str(), "apiclus1.csv"),
    ] {
        for cal in ["poststratify", "rake", "greg", "bounded"] {
            let expected: Vec<&csv::StringRecord> = golden
                .iter()
                .filter(|g| &g[0] == name && &g[1] == cal)
                .collect();
            if expected.is_empty() {
                continue; // R cannot calibrate JK1 replicates within these bounds
            }
            let spec = api_study(
                &format!("{design}\n\n{}", calibration(cal, name)),
                &indicators,
            );
            let (rows, _, comparisons) =
                compute(&[("study.toml", &spec), ("api.csv", &api_data(file))]);
            for g in expected {
                let what = format!("{name} {cal} {} {} [{}{}]", &g[2], &g[3], &g[4], &g[5]);
                let num = |i: usize| g[i].parse::<f64>().unwrap();
                if &g[2] == "difference" {
                    let c = &comparisons[0];
                    close(
                        c.diff.difference,
                        num(6),
                        1e-9,
                        &format!("{what} difference"),
                    );
                    close(c.diff.se, num(7), 1e-7, &format!("{what} se"));
                    checked += 1;
                    continue;
                }
                let id = match (&g[2], &g[4]) {
                    ("mean", "") => "mean_api00".to_string(),
                    ("mean", _) => "sub_api00".to_string(),
                    ("total" | "proportion" | "quantile", _) => format!("{}_{}", &g[2], &g[3]),
                    _ => g[2].to_string(),
                };
                let r = row(&rows, &id, &g[5]);
                agrees(&r.est, &what, num(6), num(7));
                agrees_ci(&r.est, &what, num(8), num(9));
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 99, "every golden row was checked");
}

#[test]
fn bad_calibrations_are_refused_clearly() {
    let data = "id,s,w,api00,enroll,stype\n1,1,10,500,100,E\n2,1,10,600,200,E\n3,2,5,550,150,H\n4,2,5,650,250,H\n";
    let ps = "[datasets.api.design.poststratify]\nvariables = \"stype\"\n";
    let cal = "[datasets.api.design.calibrate]\nmargins = [{ variables = \"stype\", population = { E = 30, H = 20 } }]\n";
    let cases: Vec<(String, i32, &str)> = vec![
        (
            format!("{ps}population = {{ E = 30, H = 20 }}\n[datasets.api.design.rake]\nmargins = []"),
            2,
            "give one of `poststratify`, `rake` and `calibrate`",
        ),
        (
            format!("{ps}population = {{ E = 30 }}"),
            1,
            "row 3 is in category `H`, which has no population count — counts are for: E",
        ),
        (
            format!("{ps}population = {{ E = 30, H = 20, M = 5 }}"),
            1,
            "category `M` has a population count but no row in the sample",
        ),
        (
            "[datasets.api.design.rake]\nmargins = [{ variables = \"stype\", population = { E = 30, H = 20 } }, { variables = \"s\", population = { 1 = 30, 2 = 30 } }]".into(),
            1,
            "the margins' population counts add up to different sizes (60 against 50)",
        ),
        (format!("{cal}bounds = [1.2, 2]"), 2, "`bounds` must be [lower, upper] with lower < 1 < upper"),
        (
            format!("{cal}totals = {{ enrol = 1000 }}"),
            2,
            "calibration total `enrol` is not a column of dataset `api` — columns are: id, s, w, api00, enroll, stype",
        ),
        (
            format!("{cal}totals = {{ enroll = 9000 }}\nbounds = [0.9, 1.1]"),
            1,
            "bounded calibration did not converge in 50 iterations",
        ),
    ];
    for (calibration, want_code, want) in cases {
        let spec = api_study(
            &format!("weights = \"w\"\n\n{calibration}"),
            &indicator("m", "mean", "expr = \"api00\""),
        );
        let dir = temp_study(&[("study.toml", &spec), ("api.csv", data)]);
        let (code, _, err) = crate::common::mizan(&["run", "."], dir.path());
        assert_eq!(code, want_code, "{calibration}: {err}");
        assert!(err.contains(want), "{calibration}:\n{err}");
    }
}
