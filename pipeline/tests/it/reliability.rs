//! The `nchs2017` reliability rules on R's figures: for each proportion of
//! `fixtures/survey-api/golden_nchs.R` the test applies the NCHS 2017
//! standards to R's SE, n, degrees of freedom and Korn–Graubard interval,
//! and Mizan's flag must agree.

use crate::common::designs::{CLUS1, STRAT};
use crate::common::{api_data, api_study, estimate, indicator, row};

/// The NCHS 2017 decision, written out from the standard.
fn nchs(p: f64, se: f64, n: f64, df: f64, width: f64) -> Option<&'static str> {
    if p == 0.0 || p == 1.0 {
        let exact = 1.0 - 0.025f64.powf(1.0 / n);
        return Some(if n < 30.0 || exact >= 0.3 {
            "suppressed"
        } else {
            "caution"
        });
    }
    let n_eff = (p * (1.0 - p) / (se * se)).min(n);
    if n < 30.0 || n_eff < 30.0 || width >= 0.3 || (width > 0.05 && width / p > 1.3) {
        Some("suppressed")
    } else if df < 8.0 {
        Some("caution")
    } else {
        None
    }
}

#[test]
fn nchs_2017_flags_follow_the_standard_on_r_figures() {
    let golden = api_data("golden_nchs.csv");
    let mut flags = std::collections::BTreeSet::new();
    let mut checked = 0;
    for (name, design, file) in [
        ("strat", STRAT, "apistrat.csv"),
        ("clus1", CLUS1, "apiclus1.csv"),
    ] {
        let spec = api_study(
            design,
            &indicator(
                "awards",
                "proportion",
                "expr = \"awards = 'Yes'\"\nby = [\"stype\", \"sch.wide\"]",
            ),
        )
        .replace(
            "[datasets.api]",
            "[study.reliability]\nrule = \"nchs2017\"\n\n[datasets.api]",
        );
        let rows = estimate(&[("study.toml", &spec), ("api.csv", &api_data(file))]);
        for g in csv::Reader::from_reader(golden.as_bytes()).records() {
            let g = g.unwrap();
            if &g[0] != name {
                continue;
            }
            let num = |i: usize| g[i].parse::<f64>().unwrap();
            let want = nchs(num(3), num(4), num(5), num(6), num(8) - num(7));
            let got = row(&rows, "awards", &g[2]).est.flag.map(|f| f.code());
            assert_eq!(got, want, "{name} [{}]", &g[2]);
            flags.insert(format!("{want:?}"));
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
    // The data exercise every outcome.
    assert_eq!(flags.len(), 3, "{flags:?}");
}
