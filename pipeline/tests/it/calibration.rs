//! Post-stratification (R's `postStratify`) of the one-stage cluster sample
//! to the population's school-type counts, against
//! `fixtures/survey-api/golden_poststratify.R`: overall, by the
//! post-stratification variable and by another variable.

use crate::common::designs::CLUS1;
use crate::common::{agrees, api_data, api_study, estimate, fixtures, indicator, row};

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
