//! Design-based cross-tabulations against R (`fixtures/survey-api/
//! golden_crosstabs.R`): row percentages with SEs and logit intervals, and
//! svychisq's F (Rao–Scott second order), Chisq, Wald and adjWald tests on
//! a stratified, a one-stage cluster, a JK1 replicate and a post-stratified
//! design, over all rows, over a subpopulation and with a computed variable.

use crate::common::designs::{self, CLUS1, STRAT};
use crate::common::{api_data, api_golden, api_study, close, mizan, records, temp_study};

/// The study of `design` with the golden file's three crosstabs under `test`.
fn study(design: &str, test: &str) -> String {
    api_study(design, "")
        + &format!(
            "[[crosstabs]]\nid = \"type_awards\"\ndataset = \"api\"\nrows = \"stype\"\ncolumns = \"awards\"\ntest = \"{test}\"\n\n[[crosstabs]]\nid = \"target_improved\"\ndataset = \"api\"\nrows = \"sch.wide\"\ncolumns = \"comp.imp\"\nwhere = \"api99 > 600\"\ntest = \"{test}\"\n\n[[crosstabs]]\nid = \"high_type\"\ndataset = \"api\"\nrows = {{ name = \"high\", expr = \"api00 > 700\" }}\ncolumns = \"stype\"\ntest = \"{test}\"\n"
        )
}

#[test]
fn crosstabs_and_their_tests_match_svychisq() {
    let cells = api_golden("golden_crosstabs_cells.csv");
    let tests = api_golden("golden_crosstabs_tests.csv");
    let post = format!(
        "{CLUS1}\n\n[datasets.api.design.poststratify]\nvariables = \"sch.wide\"\npopulation = {{ No = 1072, Yes = 5122 }}"
    );
    let (mut checked_cells, mut checked_tests) = (0, 0);
    for (name, design, file) in [
        ("strat", STRAT.to_string(), "apistrat.csv"),
        ("clus1", CLUS1.to_string(), "apiclus1.csv"),
        ("jk1", designs::jk1(), "apiclus1.csv"),
        ("poststratified", post, "apiclus1.csv"),
    ] {
        for test in ["F", "Chisq", "Wald", "adjWald"] {
            let dir = temp_study(&[
                ("study.toml", &study(&design, test)),
                ("api.csv", &api_data(file)),
            ]);
            let (code, _, err) = mizan(&["run", "."], dir.path());
            assert_eq!(code, 0, "{name} {test}: {err}");
            let read = |f: &str| std::fs::read_to_string(dir.path().join("out").join(f)).unwrap();
            let ours = records(&read("tests.csv"));
            assert_eq!(ours.len(), 3, "{name} {test}");
            for g in tests.iter().filter(|g| &g[0] == name && &g[2] == test) {
                let row = ours.iter().find(|r| r[0] == g[1]).expect("test row");
                let what = format!("{name} {} {test}", &g[1]);
                assert_eq!(&row[1], test, "{what}");
                for (i, col) in [(3, "statistic"), (4, "ndf"), (6, "p_value")] {
                    close(
                        row[i - 1].parse().unwrap(),
                        g[i].parse().unwrap(),
                        1e-7,
                        &format!("{what} {col}"),
                    );
                }
                if &g[5] == "NA" {
                    assert_eq!(&row[4], "", "{what}: Chisq has no ddf");
                } else {
                    close(
                        row[4].parse().unwrap(),
                        g[5].parse().unwrap(),
                        1e-7,
                        &format!("{what} ddf"),
                    );
                }
                checked_tests += 1;
            }
            if test != "F" {
                continue;
            }
            if name == "strat" {
                // The report shows the table and says its test in words.
                let html = read("report.html");
                assert!(
                    html.contains(
                        "F = 14.17 on 1.89 and 371.37 degrees of freedom, p\u{a0}&lt;\u{a0}0.001."
                    ),
                    "{html}"
                );
                assert!(html.contains("27.0% (19.2% – 36.6%)"), "{html}");
                assert!(read("report.md").contains("### stype × awards"));
            }
            let ours = records(&read("crosstabs.csv"));
            for g in cells.iter().filter(|g| &g[0] == name) {
                let row = ours
                    .iter()
                    // A condition's values: R's TRUE and FALSE, our true and false.
                    .find(|r| r[0] == g[1] && r[1].eq_ignore_ascii_case(&g[2]) && r[2] == g[3])
                    .unwrap_or_else(|| panic!("{name} {} {} {}", &g[1], &g[2], &g[3]));
                let what = format!("{name} {} {}×{}", &g[1], &g[2], &g[3]);
                close(
                    row[3].parse().unwrap(),
                    g[4].parse().unwrap(),
                    1e-9,
                    &format!("{what} estimate"),
                );
                if &g[5] == "0" {
                    // A proportion of 0 or 1: no spread, and no logit interval
                    // (R's bounds are its optimiser's noise, 1e-11 from the edge).
                    assert_eq!((&row[4], &row[5], &row[6]), ("0.0", "", ""), "{what}");
                    checked_cells += 1;
                    continue;
                }
                for (i, col) in [(4, "se"), (5, "ci_low"), (6, "ci_high")] {
                    close(
                        row[i].parse().unwrap(),
                        g[i + 1].parse().unwrap(),
                        1e-7,
                        &format!("{what} {col}"),
                    );
                }
                checked_cells += 1;
            }
        }
    }
    assert_eq!((checked_cells, checked_tests), (64, 48));
}

/// A crosstab needs a survey, two different columns of it, and a test
/// svychisq knows.
#[test]
fn bad_crosstabs_are_refused_clearly() {
    let registry = "[study]\nid = \"x\"\ntitle = \"X\"\n\n[datasets.r]\npath = \"r.csv\"\n\n[[crosstabs]]\nid = \"t\"\ndataset = \"r\"\nrows = \"a\"\ncolumns = \"b\"\n";
    for (spec, expected) in [
        (registry.to_string(), "has no survey design"),
        (
            study(STRAT, "F").replace("columns = \"awards\"", "columns = \"stype\""),
            "`rows` and `columns` are both `stype`",
        ),
        (
            study(STRAT, "Fisher"),
            "unknown crosstab test `Fisher` — expected one of",
        ),
        (study(STRAT, "lincom"), "is not available yet"),
        (
            study(STRAT, "F").replace("columns = \"awards\"", "columns = \"award\""),
            "column `award` not found in dataset `api`",
        ),
        (
            study(STRAT, "F").replace("name = \"high\"", "name = \"awards\""),
            "`awards` is already a column of dataset `api`",
        ),
        (
            study(STRAT, "F").replace("api99 > 600", "api98 > 600"),
            "where `api98 > 600`: column `api98` not found in dataset `api` — columns are:",
        ),
    ] {
        let dir = temp_study(&[
            ("study.toml", &spec),
            ("api.csv", &api_data("apistrat.csv")),
            ("r.csv", "a,b\n1,2\n"),
        ]);
        let (code, _, err) = mizan(&["run", "."], dir.path());
        assert_ne!(code, 0, "{spec}");
        assert!(err.contains(expected), "{expected}: {err}");
    }
}
