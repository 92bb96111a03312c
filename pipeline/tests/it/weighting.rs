//! Weighting diagnostics against R (`fixtures/survey-api/golden_weighting.R`):
//! the spread, CV, Kish's effective sample size and design effect due to
//! weighting of a stratified, a two-stage and a JK1 replicate design, the
//! g-weights of their bounded calibration with the rows at each bound, and
//! the replicates' count and scale; and `design.csv` from a run.

use crate::common::designs::{self, CLUS2, STRAT};
use crate::common::{
    api_data, api_golden, api_study, close, compute, indicator, mizan, temp_study,
};

#[test]
fn weighting_diagnostics_match_r() {
    let golden = api_golden("golden_weighting.csv");
    let jk1 = designs::jk1();
    let stype = crate::common::fixtures().join("survey-api/stype_population.csv");
    let bounded = |b: &str| {
        format!(
            "\n\n[datasets.api.design.calibrate]\nmargins = [{{ variables = \"stype\", population = \"{}\" }}]\ntotals = {{ api99 = 3914069 }}\nbounds = {b}",
            stype.display()
        )
    };
    let mut checked = 0;
    for (name, design, file) in [
        (
            "strat",
            format!("{STRAT}{}", bounded("[0.97, 1.03]")),
            "apistrat.csv",
        ),
        (
            "clus2",
            format!("{CLUS2}{}", bounded("[0.6, 1.4]")),
            "apiclus2.csv",
        ),
        ("jk1", jk1, "apiclus1.csv"),
    ] {
        let g = golden.iter().find(|g| &g[0] == name).expect(name);
        let num = |i: usize| g[i].parse::<f64>().unwrap();
        // The design weights: the same design without its calibration.
        let uncalibrated = design
            .split("\n\n[datasets.api.design.calibrate]")
            .next()
            .unwrap();
        let spec = api_study(uncalibrated, &indicator("m", "mean", "expr = \"api00\""));
        let (_, designs, _) = compute(&[("study.toml", &spec), ("api.csv", &api_data(file))]);
        let w = designs[0].weighting.expect("weighting diagnostics");
        let what = |s: &str| format!("{name} {s}");
        assert_eq!(w.n as f64, num(1), "{name} n");
        close(w.sum, num(2), 1e-12, &what("sum"));
        close(w.spread.min, num(3), 1e-12, &what("min"));
        close(w.spread.median, num(4), 1e-12, &what("median"));
        close(w.spread.max, num(5), 1e-12, &what("max"));
        close(w.ratio.unwrap(), num(6), 1e-12, &what("ratio"));
        assert!(
            (w.cv - num(7)).abs() < 1e-12,
            "{name} cv {} vs {}",
            w.cv,
            num(7)
        );
        close(w.kish_n, num(8), 1e-12, &what("kish_n"));
        close(w.deff, num(9), 1e-12, &what("deff"));
        checked += 8;
        if &g[15] != "NA" {
            let (_, count, scale) = designs[0].replicates.expect("replicates");
            assert_eq!(count as f64, num(15), "{name} replicates");
            close(scale, num(16), 1e-12, &what("scale"));
            checked += 2;
        }
        if &g[10] != "NA" {
            let spec = api_study(&design, &indicator("m", "mean", "expr = \"api00\""));
            let (_, designs, _) = compute(&[("study.toml", &spec), ("api.csv", &api_data(file))]);
            let c = designs[0].calibration.as_ref().expect("calibrated");
            let gw = c.g.expect("g-weights");
            close(gw.spread.min, num(10), 1e-7, &what("g min"));
            close(gw.spread.median, num(11), 1e-7, &what("g median"));
            close(gw.spread.max, num(12), 1e-7, &what("g max"));
            assert_eq!(gw.at_lower as f64, num(13), "{name} at the lower bound");
            assert_eq!(gw.at_upper as f64, num(14), "{name} at the upper bound");
            checked += 5;
        }
    }
    assert_eq!(checked, 8 * 3 + 2 + 5 * 2);
}

/// A run writes `design.csv` (one row per survey dataset) and says the
/// diagnostics in the methods; weights 1, 1, 2, 4 by hand: Kish's n 2.91,
/// design effect 1.375.
#[test]
fn a_run_publishes_its_weighting_diagnostics() {
    let study = "[study]\nid = \"w\"\ntitle = \"W\"\n\n[datasets.s]\npath = \"s.csv\"\n[datasets.s.design]\nweights = \"w\"\n\n[datasets.r]\npath = \"r.csv\"\n\n[[indicators]]\nid = \"m\"\ndataset = \"s\"\nstatistic = \"mean\"\nexpr = \"y\"\n\n[[indicators]]\nid = \"c\"\ndataset = \"r\"\nstatistic = \"count\"\n";
    let dir = temp_study(&[
        ("study.toml", study),
        ("s.csv", "w,y\n1,1\n1,2\n2,3\n4,4\n"),
        ("r.csv", "x\n1\n"),
    ]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let table = std::fs::read_to_string(dir.path().join("out/design.csv")).unwrap();
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(lines.next(), None, "one survey dataset, one row: {table}");
    let get = |k: &str| row[header.iter().position(|h| *h == k).unwrap()];
    assert_eq!(get("dataset"), "s");
    assert_eq!(get("weight_median"), "1.5");
    assert_eq!(get("deff_weighting"), "1.375");
    close(get("kish_n").parse().unwrap(), 64.0 / 22.0, 1e-15, "kish_n");
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(
        html.contains("Kish&#x27;s effective sample size is 3 of 4 rows, a design effect due to weighting of 1.38")
            || html.contains("Kish's effective sample size is 3 of 4 rows, a design effect due to weighting of 1.38"),
        "{html}"
    );
}
