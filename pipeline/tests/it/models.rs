//! Design-based regression against R's `svyglm` (`fixtures/survey-api/
//! golden_models.R`): gaussian, binomial, quasibinomial and poisson models
//! on a stratified, a one-stage cluster, a JK1 replicate and a
//! post-stratified design — categorical terms from text columns and
//! `factor()`, an interaction with a chosen reference, no intercept, a
//! subpopulation, rows dropped for a missing covariate — and the errors a
//! model's author can act on.

use crate::common::designs::{self, CLUS1, STRAT};
use crate::common::{api_data, api_golden, api_study, close, mizan, records, temp_study};

/// The golden file's six models.
const MODELS: &str = r#"
[[models]]
id = "linear"
dataset = "api"
formula = "api00 ~ ell + meals + mobility + stype"

[[models]]
id = "interaction"
dataset = "api"
formula = "api00 ~ stype * meals"
reference = { stype = "H" }

[[models]]
id = "no_intercept"
dataset = "api"
formula = "api00 ~ stype - 1 + meals"

[[models]]
id = "logistic"
dataset = "api"
formula = "high ~ stype + meals + sch.wide"
family = "binomial"
variables = [{ name = "high", expr = "api00 > 700" }]

[[models]]
id = "quasi"
dataset = "api"
formula = "high ~ stype + avg.ed"
family = "quasibinomial"
where = "api99 > 500"
variables = [{ name = "high", expr = "api00 > 700" }]

[[models]]
id = "counts"
dataset = "api"
formula = "emer ~ stype + meals + factor(yr.rnd)"
family = "poisson"
"#;

#[test]
fn models_match_svyglm_on_four_designs() {
    let golden = api_golden("golden_models.csv");
    let post = format!(
        "{CLUS1}\n\n[datasets.api.design.poststratify]\nvariables = \"sch.wide\"\npopulation = {{ No = 1072, Yes = 5122 }}"
    );
    let mut checked = 0;
    for (name, design, file) in [
        ("strat", STRAT.to_string(), "apistrat.csv"),
        ("clus1", CLUS1.to_string(), "apiclus1.csv"),
        ("jk1", designs::jk1(), "apiclus1.csv"),
        ("poststratified", post, "apiclus1.csv"),
    ] {
        let dir = temp_study(&[
            ("study.toml", &(api_study(&design, "") + MODELS)),
            ("api.csv", &api_data(file)),
        ]);
        let (code, _, err) = mizan(&["run", "."], dir.path());
        assert_eq!(code, 0, "{name}: {err}");
        let ours = records(&std::fs::read_to_string(dir.path().join("out/models.csv")).unwrap());
        let col = |h: &str| {
            let header = csv::Reader::from_reader(
                std::fs::read_to_string(dir.path().join("out/models.csv"))
                    .unwrap()
                    .as_bytes(),
            )
            .headers()
            .unwrap()
            .clone();
            header.iter().position(|x| x == h).unwrap()
        };
        let mine_per_model = |m: &str| ours.iter().filter(|r| &r[0] == m).count();
        for g in golden.iter().filter(|g| &g[0] == name) {
            let what = format!("{name} {} {}", &g[1], &g[2]);
            let row = ours
                .iter()
                .find(|r| r[0] == g[1] && r[1] == g[2])
                .unwrap_or_else(|| panic!("{what}: no such row in models.csv"));
            assert_eq!(
                mine_per_model(&g[1]),
                golden
                    .iter()
                    .filter(|x| &x[0] == name && x[1] == g[1])
                    .count(),
                "{what}: as many terms as R"
            );
            let num = |s: &str| s.parse::<f64>().unwrap();
            close(num(&row[col("df")]), num(&g[9]), 0.0, &format!("{what} df"));
            if &g[2] == "(model)" {
                close(num(&row[col("n")]), num(&g[13]), 0.0, &format!("{what} n"));
                for (i, c) in [(10, "deviance"), (11, "null_deviance")] {
                    close(num(&row[col(c)]), num(&g[i]), 1e-9, &format!("{what} {c}"));
                }
                // R's dispersion is the design-based variance of the Pearson
                // residuals except where its residuals.svyglm rescales them:
                // by √n on a replicate design, and by the ratio of the mean
                // weights before and after dropping rows with a missing
                // covariate (here: the calibrated design's `quasi`, whose
                // weights vary). Mizan does not copy either.
                if name != "jk1" && !(name == "poststratified" && &g[1] == "quasi") {
                    close(
                        num(&row[col("dispersion")]),
                        num(&g[12]),
                        1e-7,
                        &format!("{what} dispersion"),
                    );
                }
            } else {
                close(
                    num(&row[col("estimate")]),
                    num(&g[3]),
                    1e-9,
                    &format!("{what} estimate"),
                );
                for (i, c) in [(4, "se"), (5, "statistic")] {
                    close(num(&row[col(c)]), num(&g[i]), 1e-7, &format!("{what} {c}"));
                }
                // A small p-value moves t² times faster than t.
                close(
                    num(&row[col("p_value")]),
                    num(&g[6]),
                    1e-6,
                    &format!("{what} p_value"),
                );
                // A bound near zero is a difference: compared on the SE's scale.
                let se = num(&g[4]);
                for (i, c) in [(7, "ci_low"), (8, "ci_high")] {
                    let (a, b) = (num(&row[col(c)]), num(&g[i]));
                    assert!(
                        (a - b).abs() <= 1e-7 * se.max(b.abs()),
                        "{what} {c}: {a} vs {b}"
                    );
                }
                let odds = ["logistic", "quasi"].contains(&&g[1]);
                let ratio = if odds { "odds_ratio" } else { "rate_ratio" };
                if odds || &g[1] == "counts" {
                    close(
                        num(&row[col(ratio)]),
                        num(&g[3]).exp(),
                        1e-9,
                        &format!("{what} {ratio}"),
                    );
                } else {
                    assert_eq!(
                        &row[col("odds_ratio")],
                        "",
                        "{what}: no odds ratio for a gaussian model"
                    );
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 144, "every golden row checked");
}

#[test]
fn a_model_says_what_is_wrong_with_it() {
    let data = api_data("apistrat.csv");
    for (model, says) in [
        (
            "formula = \"api00 ~ meals + twice\"\nvariables = [{ name = \"twice\", expr = \"2 * meals\" }]",
            "term `twice` is collinear with the terms before it (`(Intercept)`, `meals`)",
        ),
        ("formula = \"api00 ~ meal\"", "column `meal` not found"),
        (
            "formula = \"api00 ~ stype\"\nwhere = \"stype = 'E'\"\nreference = { stype = \"H\" }",
            "reference `H` is not a level of `stype`",
        ),
        (
            "formula = \"api00 ~ stype\"\nfamily = \"binomial\"",
            "a binomial response is 0/1",
        ),
        (
            "formula = \"api00 ~ stype\"\nfamily = \"logit\"",
            "unknown model family `logit` — expected one of gaussian, binomial, quasibinomial, poisson",
        ),
        (
            "formula = \"api00 ~ stype +\"",
            "formula `api00 ~ stype +`: the formula ends where a term was expected",
        ),
        ("formula = \"stype ~ meals\"", "the response `stype` is"),
    ] {
        let spec =
            api_study(STRAT, "") + &format!("[[models]]\nid = \"m\"\ndataset = \"api\"\n{model}\n");
        let dir = temp_study(&[("study.toml", &spec), ("api.csv", &data)]);
        let (code, _, err) = mizan(&["run", "."], dir.path());
        assert_eq!(code, 2, "{model}: {err}");
        assert!(err.contains(says), "{model}: expected `{says}` in: {err}");
        assert!(
            err.contains("model `m`") || err.contains("model family"),
            "{model}: names the model: {err}"
        );
        assert!(
            !dir.path().join("out/models.csv").exists(),
            "{model}: nothing published"
        );
    }
}

/// On a design built from the example survey's two waves (stacked; half
/// their PSUs shared), against R (`fixtures/example-waves/golden_example.R`):
/// the change in Internet use since 2024, overall and by area, and a
/// logistic regression of use in 2025.
#[test]
fn the_example_waves_match_r() {
    let golden: Vec<csv::StringRecord> = records(
        &std::fs::read_to_string(
            crate::common::fixtures().join("example-waves/golden_example.csv"),
        )
        .unwrap(),
    );
    let waves = crate::common::repo().join("datasets/example/waves/ict_*.csv");
    let spec = format!(
        r#"[study]
id = "waves"
title = "Two waves"

[datasets.waves]
path = "{}"
wave = "wave"

[datasets.waves.design]
weights = "weight"
strata = "stratum"
clusters = "psu"
fpc = "fpc"

[[indicators]]
id = "net"
dataset = "waves"
statistic = "proportion"
expr = "used_internet_3m = 1"
where = "age >= 15"
by = ["wave", ["urban", "wave"]]

[[comparisons]]
id = "change"
indicator = "net"
by = "wave"
a = "2025"
b = "2024"

[[comparisons]]
id = "change_by_area"
indicator = "net"
by = "wave"
a = "2025"
b = "2024"
within = "urban"

[[models]]
id = "model"
dataset = "waves"
formula = "used_internet_3m ~ factor(sex) + factor(urban) + age"
family = "quasibinomial"
where = "age >= 15 AND wave = '2025'"
"#,
        waves.display()
    );
    let dir = temp_study(&[("study.toml", &spec)]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let read = |f: &str| records(&std::fs::read_to_string(dir.path().join("out").join(f)).unwrap());
    let comparisons = read("comparisons.csv");
    let models = read("models.csv");
    let num = |s: &str| s.parse::<f64>().unwrap();
    for g in &golden {
        let what = format!("{} {}", &g[0], &g[1]);
        let (estimate, se) = if &g[0] == "model" {
            let row = models
                .iter()
                .find(|r| r[1] == g[1])
                .unwrap_or_else(|| panic!("{what}"));
            close(num(&row[6]), num(&g[4]), 1e-6, &format!("{what} p"));
            (num(&row[2]), num(&row[3]))
        } else {
            // comparison, indicator, kind, by, a, b, estimate_a, estimate_b,
            // difference, se, …, within, within_value
            let row = comparisons
                .iter()
                .find(|r| r[0] == g[0] && r[14] == g[1])
                .unwrap_or_else(|| panic!("{what}"));
            (num(&row[8]), num(&row[9]))
        };
        close(estimate, num(&g[2]), 1e-9, &format!("{what} estimate"));
        close(se, num(&g[3]), 1e-7, &format!("{what} se"));
    }
    assert_eq!(golden.len(), 7);
}

/// A forest plot draws every coefficient but the intercept as an odds
/// ratio with its interval (the figure's CSV is what is drawn: R's
/// exp(coef) and exp(confint)); a stacked bar draws a crosstab's row
/// percentages; the chart keys' mistakes are named.
#[test]
fn coef_and_stacked_bar_charts_draw_what_r_computed() {
    let golden = api_golden("golden_models.csv");
    let charts = r#"
[[crosstabs]]
id = "type_awards"
dataset = "api"
rows = "stype"
columns = "awards"

[[charts]]
id = "forest"
model = "logistic"
kind = "coef"

[[charts]]
id = "stacked"
crosstab = "type_awards"
kind = "stacked_bar"
"#;
    let spec = api_study(STRAT, "") + MODELS + charts;
    let dir = temp_study(&[
        ("study.toml", &spec),
        ("api.csv", &api_data("apistrat.csv")),
    ]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let figure = |f: &str| {
        records(&std::fs::read_to_string(dir.path().join("out/figures").join(f)).unwrap())
    };
    let forest = figure("forest.csv");
    let want: Vec<&csv::StringRecord> = golden
        .iter()
        .filter(|g| {
            &g[0] == "strat" && &g[1] == "logistic" && &g[2] != "(model)" && &g[2] != "(Intercept)"
        })
        .collect();
    assert_eq!(forest.len(), want.len(), "every term but the intercept");
    let num = |s: &str| s.parse::<f64>().unwrap();
    // chart, indicator, series, key, label, unit, value, ci_low, ci_high, n, flag, drawn
    for g in want {
        let row = forest
            .iter()
            .find(|r| r[3] == g[2])
            .unwrap_or_else(|| panic!("{}", &g[2]));
        close(
            num(&row[6]),
            num(&g[3]).exp(),
            1e-9,
            &format!("{} odds ratio", &g[2]),
        );
        let se = num(&g[4]);
        assert!(
            (num(&row[7]).ln() - num(&g[7])).abs() < 1e-7 * se,
            "{} low",
            &g[2]
        );
        assert!(
            (num(&row[8]).ln() - num(&g[8])).abs() < 1e-7 * se,
            "{} high",
            &g[2]
        );
    }
    let svg = std::fs::read_to_string(dir.path().join("out/figures/forest.svg")).unwrap();
    assert!(
        svg.contains("Odds ratios with 95% confidence intervals"),
        "the note says what is drawn"
    );
    // Each stacked bar sums to 100%.
    let stacked = figure("stacked.csv");
    for stype in ["E", "H", "M"] {
        let total: f64 = stacked
            .iter()
            .filter(|r| &r[3] == stype)
            .map(|r| num(&r[6]))
            .sum();
        close(total, 100.0, 1e-12, &format!("{stype} sums to 100%"));
    }
    for (chart, says) in [
        (
            "[[charts]]\nid = \"c\"\nindicator = \"x\"\nkind = \"coef\"",
            "a coef chart draws a model's coefficients: give `model`",
        ),
        (
            "[[charts]]\nid = \"c\"\nmodel = \"nope\"\nkind = \"coef\"",
            "unknown model `nope` — models are:",
        ),
        (
            "[[charts]]\nid = \"c\"\nmodel = \"linear\"\nkind = \"bar\"",
            "`model` belongs to coef charts",
        ),
        (
            "[[charts]]\nid = \"c\"\ncrosstab = \"nope\"\nkind = \"stacked_bar\"",
            "unknown crosstab `nope` — crosstabs are: type_awards",
        ),
        (
            "[[charts]]\nid = \"c\"\nkind = \"stacked_bar\"",
            "give `crosstab`",
        ),
    ] {
        let spec = api_study(STRAT, "")
            + MODELS
            + "\n[[crosstabs]]\nid = \"type_awards\"\ndataset = \"api\"\nrows = \"stype\"\ncolumns = \"awards\"\n\n"
            + chart
            + "\n";
        let dir = temp_study(&[
            ("study.toml", &spec),
            ("api.csv", &api_data("apistrat.csv")),
        ]);
        let (code, _, err) = mizan(&["run", "."], dir.path());
        assert_eq!(code, 2, "{chart}: {err}");
        assert!(err.contains(says), "{says}: {err}");
    }
}
