//! Replicate-weight designs against R's own results (`reference.csv`, made
//! by `reference.R` with R 4.2 + survey 4.1): the JK1 and bootstrap
//! replicate weights R built for `apiclus1` (`repweights_*.csv`), used as
//! given columns, must give R's estimates, SEs, logit intervals and df; so
//! must replicate weights Mizan builds from the designs.

use std::collections::HashMap;

use mizan::indicators::IndicatorRow;

use crate::common::{agrees, agrees_ci, api_data, api_study, estimate, fixtures, indicator, row};

/// apiclus1 with the replicate columns of `repweights_<kind>.csv` appended
/// (rows match by `cds`, checked).
pub fn combined(kind: &str) -> String {
    let reps = std::fs::read_to_string(
        fixtures()
            .join("survey-api")
            .join(format!("repweights_{kind}.csv")),
    )
    .unwrap();
    let mut out = String::new();
    for (i, (d, r)) in api_data("apiclus1.csv")
        .lines()
        .zip(reps.lines())
        .enumerate()
    {
        let rf: Vec<&str> = r.split(',').collect();
        if i > 0 {
            assert!(d.starts_with(rf[0]), "row {i}: cds differs");
        }
        out += &format!("{d},{}\n", rf[3..].join(","));
    }
    out
}

/// The indicators of every replicate test, over a replicate `design` and `data`.
fn compute(design: &str, data: &str) -> Vec<IndicatorRow> {
    let indicators = [
        indicator("mean_api00", "mean", "expr = \"api00\"\nby = [\"stype\"]"),
        indicator("total_api00", "total", "expr = \"api00\""),
        indicator("mean_enroll", "mean", "expr = \"enroll\""),
        indicator("total_enroll", "total", "expr = \"enroll\""),
        indicator(
            "ratio",
            "ratio",
            "numerator = \"\\\"api.stu\\\"\"\ndenominator = \"enroll\"",
        ),
        indicator(
            "prop_schwide",
            "proportion",
            "expr = \"\\\"sch.wide\\\" = 'Yes'\"",
        ),
    ]
    .concat();
    estimate(&[
        ("study.toml", &api_study(design, &indicators)),
        ("api.csv", data),
    ])
}

/// A design with R's replicate columns `repw*` and its `scale`.
fn given(method: &str, scale: &str) -> String {
    format!(
        "weights = \"pw\"\n\n[datasets.api.design.replicates]\nmethod = \"{method}\"\ncolumns = \"repw*\"\nscale = {scale}\nmse = false"
    )
}

fn reference() -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(fixtures().join("survey-api/reference.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn check(design: &str, rows: &[IndicatorRow]) {
    let find = |id: &str, dom: Option<&str>| row(rows, id, dom.unwrap_or(""));
    let mut checked = 0;
    for r in reference().iter().filter(|r| r["design"] == design) {
        let num = |k: &str| r[k].parse::<f64>().unwrap();
        let what = format!(
            "{design} {} {} {} {}",
            r["statistic"], r["variable"], r["group"], r["method"]
        );
        let (row, ci) = match (
            r["statistic"].as_str(),
            r["variable"].as_str(),
            r["method"].as_str(),
        ) {
            ("svymean", "api00", _) => (find("mean_api00", None), true),
            ("svymean", "enroll", _) => (find("mean_enroll", None), true),
            ("svytotal", "api00", _) => (find("total_api00", None), true),
            ("svytotal", "enroll", _) => (find("total_enroll", None), true),
            ("svyby_svymean", "api00", _) => (find("mean_api00", Some(&r["group"][6..])), true),
            ("svymean", _, _) => (find("prop_schwide", None), false),
            ("svyratio", _, _) => (find("ratio", None), true),
            ("svyciprop", _, "logit") => {
                let row = find("prop_schwide", None);
                agrees_ci(&row.est, &what, num("ci_low"), num("ci_high"));
                assert_eq!(row.est.df, Some(num("df")), "{what} df");
                checked += 1;
                continue;
            }
            _ => continue,
        };
        agrees(&row.est, &what, num("estimate"), num("se"));
        if ci {
            agrees_ci(&row.est, &what, num("ci_low"), num("ci_high"));
        }
        checked += 1;
    }
    assert_eq!(checked, 10, "{design}: every reference row was checked");
}

#[test]
fn jk1_replicates_match_r() {
    // Scale from repweights_jk1_info.txt: (n−1)/n · (1 − n/N).
    check(
        "clus1_jk1",
        &compute(&given("jk1", "0.91483927785116681"), &combined("jk1")),
    );
}

#[test]
fn bootstrap_replicates_match_r() {
    // Scale from repweights_boot_info.txt.
    check(
        "clus1_boot",
        &compute(
            &given("bootstrap", "0.021865889212827987"),
            &combined("boot"),
        ),
    );
}

/// The apiclus1 design with JK1 replicates built by Mizan (R's
/// `as.svrepdesign(dclus1, type = "JK1")`): R's own JK1 results.
#[test]
fn jk1_built_from_the_design_matches_r() {
    let design = "weights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"\n\n[datasets.api.design.replicates]\nmethod = \"jk1\"\nbuild = \"jk1\"";
    check("clus1_jk1", &compute(design, &api_data("apiclus1.csv")));
}

/// The stratified sample with JKn replicates built by Mizan, against R's
/// `as.svrepdesign(dstrat, type = "JKn")` (`golden_jkn.R`).
#[test]
fn jkn_built_from_a_stratified_design_matches_r() {
    let design = "weights = \"pw\"\nstrata = \"stype\"\nfpc = \"fpc\"\n\n[datasets.api.design.replicates]\nmethod = \"jkn\"\nbuild = \"jkn\"";
    let rows = compute(design, &api_data("apistrat.csv"));
    let golden = api_data("golden_jkn.csv");
    let mut reader = csv::Reader::from_reader(golden.as_bytes());
    let mut checked = 0;
    for rec in reader.records() {
        let r = rec.unwrap();
        let id = match (&r[0], &r[1]) {
            ("mean", "api00") => "mean_api00",
            ("total", "enroll") => "total_enroll",
            ("proportion", _) => "prop_schwide",
            other => panic!("{other:?}"),
        };
        let row = row(&rows, id, &r[2]);
        let what = format!("jkn {id} [{}]", &r[2]);
        let num = |i: usize| r[i].parse::<f64>().unwrap();
        agrees(&row.est, &what, num(3), num(4));
        if !r[5].is_empty() {
            agrees_ci(&row.est, &what, num(5), num(6));
        }
        if !r[7].is_empty() {
            assert_eq!(row.est.df, Some(num(7)), "{what} df");
        }
        checked += 1;
    }
    assert_eq!(checked, 6);
}

/// Bootstrap replicates built from a design cannot match R's random draws;
/// on a large clustered sample their SEs must agree with the linearised
/// ones (Monte Carlo error with 1,000 replicates: about ±2.5% on an SE).
#[test]
fn bootstrap_built_from_a_design_agrees_with_linearisation() {
    let mut state: u64 = 7;
    let mut uniform = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut data = String::from("stratum,psu,w,y,g\n");
    for h in 1..=40 {
        for p in 1..=8 {
            let effect = uniform() * 4.0;
            for _ in 0..25 {
                let y = effect + uniform() * 6.0;
                let g = u8::from(uniform() < 0.4);
                data += &format!("{h},{p},{},{y:.4},{g}\n", 10 + h);
            }
        }
    }
    let spec = |extra: &str| {
        format!(
            "[study]\nid = \"b\"\ntitle = \"B\"\n[datasets.s]\npath = \"s.csv\"\n[datasets.s.design]\nweights = \"w\"\nstrata = \"stratum\"\nclusters = \"psu\"\nnest = true\n{extra}\n[[indicators]]\nid = \"mean\"\ndataset = \"s\"\nstatistic = \"mean\"\nexpr = \"y\"\nby = [\"g\"]\n[[indicators]]\nid = \"share\"\ndataset = \"s\"\nstatistic = \"proportion\"\nexpr = \"y > 5\"\n"
        )
    };
    let lin = estimate(&[("study.toml", &spec("")), ("s.csv", &data)]);
    let boot = estimate(&[
        (
            "study.toml",
            &spec(
                "[datasets.s.design.replicates]\nmethod = \"bootstrap\"\nbuild = \"bootstrap\"\nreplicates = 1000\nseed = 42",
            ),
        ),
        ("s.csv", &data),
    ]);
    for (id, dom) in [("mean", ""), ("mean", "0"), ("mean", "1"), ("share", "")] {
        let (a, b) = (row(&lin, id, dom), row(&boot, id, dom));
        assert_eq!(
            a.est.estimate, b.est.estimate,
            "{id} [{dom}] same point estimate"
        );
        let ratio = b.est.se.unwrap() / a.est.se.unwrap();
        assert!(
            (0.9..1.1).contains(&ratio),
            "{id} [{dom}]: bootstrap SE / linearised SE = {ratio}"
        );
    }
}

/// BRR and Fay (ρ = 0.3) replicates built by Mizan from a design with two
/// PSUs per stratum, against R's `as.svrepdesign` given the same Sylvester
/// Hadamard matrix (`golden_brr.R`).
#[test]
fn brr_and_fay_built_from_the_design_match_r() {
    let golden = api_data("golden_brr.csv");
    let mut checked = 0;
    for (method, extra) in [("brr", ""), ("fay", "\nrho = 0.3")] {
        let design = format!(
            "weights = \"pw\"\nstrata = \"stratum\"\nclusters = \"dnum\"\n\n[datasets.api.design.replicates]\nmethod = \"{method}\"\nbuild = \"brr\"{extra}"
        );
        let indicators = indicator("mean", "mean", "expr = \"api00\"")
            + &indicator("total", "total", "expr = \"api00\"")
            + &indicator(
                "ratio",
                "ratio",
                "numerator = \"api00\"\ndenominator = \"api99\"",
            )
            + &indicator("proportion", "proportion", "expr = \"stype = 'E'\"");
        let rows = crate::common::estimate(&[
            ("study.toml", &api_study(&design, &indicators)),
            ("api.csv", &api_data("brr_pairs.csv")),
        ]);
        for g in csv::Reader::from_reader(golden.as_bytes()).records() {
            let g = g.unwrap();
            if !g[0].eq_ignore_ascii_case(method) {
                continue;
            }
            let r = crate::common::row(&rows, &g[1], "");
            let what = format!("{method} {}", &g[1]);
            agrees(&r.est, &what, g[2].parse().unwrap(), g[3].parse().unwrap());
            assert_eq!(r.est.df, Some(g[4].parse().unwrap()), "{what} df");
            checked += 1;
        }
    }
    assert_eq!(checked, 8);
}

/// Domains of replicate designs take R's degrees of freedom (the rank of
/// the domain's replicate weights minus one) into their logit intervals
/// (`golden_repdomain.R`). In two bootstrap domains some replicates hold
/// only "Yes" rows: R's `svyglm` then returns a huge finite logit where
/// the logit is infinite, and Mizan leaves those replicates out; those
/// rows are checked for the degrees of freedom only.
#[test]
fn replicate_domains_take_r_degrees_of_freedom() {
    let golden = api_data("golden_repdomain.csv");
    let given = |method: &str, scale: &str| {
        format!(
            "weights = \"pw\"\n[datasets.api.design.replicates]\nmethod = \"{method}\"\ncolumns = \"repw*\"\nscale = {scale}"
        )
    };
    let indicators = indicator(
        "p",
        "proportion",
        "expr = \"\\\"sch.wide\\\" = 'Yes'\"\nby = [\"stype\"]",
    ) + &indicator(
        "p_sub",
        "proportion",
        "expr = \"\\\"sch.wide\\\" = 'Yes'\"\nwhere = \"enroll > 500\"",
    );
    let mut checked = 0;
    for (name, design, data) in [
        (
            "built",
            "weights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"\n[datasets.api.design.replicates]\nmethod = \"jk1\"\nbuild = \"jk1\"".to_string(),
            api_data("apiclus1.csv"),
        ),
        ("jk1", given("jk1", "0.91483927785116681"), combined("jk1")),
        ("boot", given("bootstrap", "0.021865889212827987"), combined("boot")),
    ] {
        let rows = estimate(&[("study.toml", &api_study(&design, &indicators)), ("api.csv", &data)]);
        for g in csv::Reader::from_reader(golden.as_bytes()).records() {
            let g = g.unwrap();
            if &g[0] != name {
                continue;
            }
            let r = if &g[1] == "enroll > 500" {
                row(&rows, "p_sub", "")
            } else {
                row(&rows, "p", &g[1])
            };
            let what = format!("{name} [{}]", &g[1]);
            assert_eq!(r.est.df, Some(g[5].parse().unwrap()), "{what} df");
            if !(name == "boot" && matches!(&g[1], "E" | "H")) {
                crate::common::close(r.est.estimate.unwrap(), g[2].parse().unwrap(), 1e-9, &what);
                agrees_ci(&r.est, &what, g[3].parse().unwrap(), g[4].parse().unwrap());
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
}
