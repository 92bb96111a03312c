//! Parity with R's `survey` package on the api data: estimates to 1e-9
//! relative, standard errors, interval bounds and design effects to 1e-7,
//! degrees of freedom exactly. The golden values come from
//! `fixtures/survey-api/golden.R` (R 4.2 + survey 4.1), which the test
//! never rewrites.

use std::collections::BTreeMap;

use mizan::indicators::IndicatorRow;

use crate::common::designs::{CLUS1, SRS, STRAT};
use crate::common::{api_data, api_study, close, estimate, fixtures, indicator, row};

/// The design lines of each golden design, as R's `svydesign` calls them.
fn design(name: &str) -> (&'static str, &'static str) {
    match name {
        "strat" => ("apistrat.csv", STRAT),
        "clus1" => ("apiclus1.csv", CLUS1),
        "srs" => ("apisrs.csv", SRS),
        other => panic!("unknown design {other}"),
    }
}

fn indicator_id(statistic: &str, variable: &str, sub: bool) -> String {
    let v = if variable.starts_with("sch.wide") {
        "schwide"
    } else if statistic == "ratio" {
        "stu_enroll"
    } else {
        variable
    };
    format!("{statistic}_{v}{}", if sub { "_sub" } else { "" })
}

fn compute(name: &str) -> Vec<IndicatorRow> {
    let (file, design) = design(name);
    let mut indicators = String::new();
    for sub in [false, true] {
        let lines = |what: &str| {
            format!(
                "{what}\nby = [\"stype\"]{}",
                if sub {
                    "\nwhere = \"enroll > 500\""
                } else {
                    ""
                }
            )
        };
        for (stat, var, expr) in [
            ("mean", "api00", "api00"),
            ("total", "api00", "api00"),
            ("mean", "enroll", "enroll"),
            ("total", "enroll", "enroll"),
            ("proportion", "sch.wide", "\\\"sch.wide\\\" = 'Yes'"),
            ("count", "sch.wide", "\\\"sch.wide\\\" = 'Yes'"),
        ] {
            indicators += &indicator(
                &indicator_id(stat, var, sub),
                stat,
                &lines(&format!("expr = \"{expr}\"")),
            );
        }
        let ratio = "numerator = \"\\\"api.stu\\\"\"\ndenominator = \"enroll\"";
        indicators += &indicator(&indicator_id("ratio", "", sub), "ratio", &lines(ratio));
    }
    estimate(&[
        ("study.toml", &api_study(design, &indicators)),
        ("api.csv", &api_data(file)),
    ])
}

#[test]
fn estimates_match_r_survey_for_stratified_cluster_and_srs_designs() {
    let text = std::fs::read_to_string(fixtures().join("survey-api/golden.csv")).expect("golden");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut cache: BTreeMap<String, Vec<IndicatorRow>> = BTreeMap::new();
    let mut checked = 0;
    for rec in reader.records() {
        let r = rec.expect("record");
        let (dn, stat, var, sub, dom) = (&r[0], &r[1], &r[2], !r[3].is_empty(), &r[4]);
        let num = |i: usize| r[i].parse::<f64>().expect("number");
        let rows = cache.entry(dn.to_string()).or_insert_with(|| compute(dn));
        let id = indicator_id(stat, var, sub);
        let row = row(rows, &id, dom);
        let what = format!("{dn} {id} [{dom}]");
        let e = &row.est;
        close(
            e.estimate.expect("estimate"),
            num(5),
            1e-9,
            &format!("{what} estimate"),
        );
        close(e.se.expect("se"), num(6), 1e-7, &format!("{what} se"));
        close(
            e.ci_low.expect("ci_low"),
            num(7),
            1e-7,
            &format!("{what} ci_low"),
        );
        close(
            e.ci_high.expect("ci_high"),
            num(8),
            1e-7,
            &format!("{what} ci_high"),
        );
        assert_eq!(e.df, Some(num(9)), "{what} df");
        if &r[10] == "NA" {
            assert_eq!(e.deff, None, "{what}: R gives no design effect");
        } else {
            close(
                e.deff.expect("deff"),
                num(10),
                1e-7,
                &format!("{what} deff"),
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 168, "every golden row was checked");
}

#[test]
fn r_reference_file_agrees_for_overall_means() {
    // The data folder's own reference.csv (made by R's maintainers' script
    // reference.R) for the overall svymean of api00: a second, independent
    // source for the same numbers.
    let text =
        std::fs::read_to_string(fixtures().join("survey-api/reference.csv")).expect("reference");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for rec in reader.records() {
        let r = rec.expect("record");
        if &r[1] != "svymean" || &r[2] != "api00" || !["strat", "clus1", "srs"].contains(&&r[0]) {
            continue;
        }
        let rows = compute(&r[0]);
        let row = rows
            .iter()
            .find(|x| x.indicator == "mean_api00" && x.by.is_empty())
            .expect("overall row");
        close(
            row.est.estimate.expect("estimate"),
            r[4].parse().expect("num"),
            1e-9,
            "estimate",
        );
        close(
            row.est.se.expect("se"),
            r[5].parse().expect("num"),
            1e-7,
            "se",
        );
    }
}
