//! Post-stratification (R's `postStratify`) of the one-stage cluster sample
//! to the population's school-type counts, against
//! `fixtures/survey-api/golden_poststratify.R`: overall, by the
//! post-stratification variable and by another variable.

use crate::common::{close, estimate, fixtures, row};

#[test]
fn poststratified_estimates_match_r() {
    let dir = fixtures().join("survey-api");
    let spec = format!(
        r#"[study]
id = "ps"
title = "Post-stratified"

[datasets.api]
path = "api.csv"

[datasets.api.design]
weights = "pw"
clusters = "dnum"
fpc = "fpc"

[datasets.api.design.poststratify]
variables = ["stype"]
population = "{}"

[[indicators]]
id = "mean_api00"
dataset = "api"
statistic = "mean"
expr = "api00"
by = ["stype", "sch.wide"]

[[indicators]]
id = "total_enroll"
dataset = "api"
statistic = "total"
expr = "enroll"

[[indicators]]
id = "proportion_sch.wide"
dataset = "api"
statistic = "proportion"
expr = "\"sch.wide\" = 'Yes'"
"#,
        dir.join("stype_population.csv").display()
    );
    let data = std::fs::read_to_string(dir.join("apiclus1.csv")).unwrap();
    let rows = estimate(&[("study.toml", &spec), ("api.csv", &data)]);
    let golden = std::fs::read_to_string(dir.join("golden_poststratify.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(golden.as_bytes());
    let mut checked = 0;
    for rec in reader.records() {
        let g = rec.unwrap();
        let id = format!("{}_{}", &g[0], &g[1]);
        let r = row(&rows, &id, &g[2]);
        let what = format!("{id} [{}]", &g[2]);
        close(
            r.est.estimate.unwrap(),
            g[3].parse().unwrap(),
            1e-9,
            &format!("{what} estimate"),
        );
        close(
            r.est.se.unwrap(),
            g[4].parse().unwrap(),
            1e-7,
            &format!("{what} se"),
        );
        checked += 1;
    }
    assert_eq!(checked, 8);
}
