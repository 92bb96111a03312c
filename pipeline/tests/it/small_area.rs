//! Fay–Herriot small-area estimates against samplics (PyPI): on the milk
//! expenditure data it ships (`fixtures/small-area/golden_milk.py`) for the
//! REML, ML and FH fits, and through a whole run on R's api data, direct
//! estimates by county from the stratified design and county covariates
//! from the population file (`golden_api.R` then `golden_api.py`).

use mizan::small_area::fay_herriot::{Method, fit};

use crate::common::{api_data, close, fixtures, mizan, temp_study};

fn records(path: &std::path::Path) -> Vec<csv::StringRecord> {
    crate::common::records(&std::fs::read_to_string(path).expect("fixture"))
}

#[test]
fn milk_eblups_and_mses_match_samplics() {
    let dir = fixtures().join("small-area");
    let milk = records(&dir.join("milk.csv"));
    let golden = records(&dir.join("golden_milk.csv"));
    let num = |s: &str| s.parse::<f64>().unwrap();
    let y: Vec<f64> = milk.iter().map(|r| num(&r[3])).collect();
    let psi: Vec<f64> = milk.iter().map(|r| num(&r[4]).powi(2)).collect();
    let x: Vec<Vec<f64>> = milk
        .iter()
        .map(|r| {
            let major = num(&r[0]);
            vec![
                1.0,
                f64::from(u8::from(major == 2.0)),
                f64::from(u8::from(major == 3.0)),
                f64::from(u8::from(major == 4.0)),
            ]
        })
        .collect();
    let mut checked = 0;
    for (method, name) in [
        (Method::Reml, "REML"),
        (Method::Ml, "ML"),
        (Method::Fh, "FH"),
    ] {
        let model = fit(&y, &psi, &x, method).expect("fits");
        for g in golden.iter().filter(|g| &g[0] == name) {
            let what = format!("{name} {}", &g[1]);
            if let Some(k) = g[1].strip_prefix("beta") {
                close(
                    model.beta[k.parse::<usize>().unwrap()],
                    num(&g[2]),
                    1e-9,
                    &what,
                );
            } else {
                let i = milk.iter().position(|r| r[1] == g[1]).unwrap();
                let p = model.predict(Some((y[i], psi[i])), &x[i]);
                close(
                    model.sigma2_u,
                    num(&g[4]),
                    1e-9,
                    &format!("{what} sigma2_u"),
                );
                close(p.estimate, num(&g[2]), 1e-9, &format!("{what} eblup"));
                close(p.mse, num(&g[3]), 1e-9, &format!("{what} mse"));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 3 * (43 + 4));
}

#[test]
fn a_run_gives_the_fay_herriot_estimates_of_samplics() {
    let dir = fixtures().join("small-area");
    let golden = records(&dir.join("golden_api.csv"));
    let covariates = std::fs::read_to_string(dir.join("county_covariates.csv")).unwrap();
    let spec = crate::common::api_study(
        crate::common::designs::STRAT,
        "[[indicators]]\nid = \"api\"\ndataset = \"api\"\nstatistic = \"mean\"\nexpr = \"api00\"\nby = [\"cname\"]\nsmall_area = { method = \"fay_herriot\", covariates = { dataset = \"counties\", on = \"cname\", columns = [\"meals\", \"ell\"] }, fit = \"reml\" }\n\n[datasets.counties]\npath = \"counties.csv\"\n",
    );
    let study = temp_study(&[
        ("study.toml", &spec),
        ("api.csv", &api_data("apistrat.csv")),
        ("counties.csv", &covariates),
    ]);
    let (code, _, err) = mizan(&["run", "."], study.path());
    assert_eq!(code, 0, "{err}");
    let ours = records(&study.path().join("out/small_area.csv"));
    let num = |s: &str| s.parse::<f64>().unwrap();
    // indicator, area, n, weighted_n, direct, direct_se, estimate, se, cv_direct, cv, gamma, sigma2_u, method, synthetic
    let sigma2 = num(&golden.iter().find(|g| &g[0] == "sigma2_u").unwrap()[1]);
    for g in golden.iter().filter(|g| &g[0] != "sigma2_u") {
        let row = ours
            .iter()
            .find(|r| r[1] == g[0])
            .unwrap_or_else(|| panic!("{}", &g[0]));
        close(
            num(&row[6]),
            num(&g[1]),
            1e-9,
            &format!("{} estimate", &g[0]),
        );
        close(num(&row[11]), sigma2, 1e-9, "sigma2_u");
        assert_eq!(&row[13], &g[3].to_lowercase(), "{} synthetic", &g[0]);
        if &g[3] == "False" {
            close(
                num(&row[7]).powi(2),
                num(&g[2]),
                1e-7,
                &format!("{} mse", &g[0]),
            );
        }
    }
    assert_eq!(ours.len(), 57, "every county of the covariates");
    // A county's EBLUP row carries its direct row's sample; a synthetic one none.
    let alameda = ours.iter().find(|r| &r[1] == "Alameda").unwrap();
    assert!(
        num(&alameda[2]) > 0.0 && num(&alameda[3]) > 0.0 && &alameda[13] == "false",
        "{alameda:?}"
    );
    // Amador's one school has a direct estimate without a variance: synthetic,
    // its sample counted; a county without a school has none.
    let amador = ours.iter().find(|r| &r[1] == "Amador").unwrap();
    assert_eq!((&amador[2], &amador[13]), ("1", "true"), "{amador:?}");
    let unsampled = ours.iter().find(|r| &r[2] == "0").unwrap();
    assert_eq!(
        (&unsampled[3], &unsampled[13]),
        ("0.0", "true"),
        "{unsampled:?}"
    );
    // The indicators table holds them as `eblup` rows after the direct ones.
    let table = std::fs::read_to_string(study.path().join("out/indicators.csv")).unwrap();
    assert_eq!(table.matches(",eblup,").count(), 57, "{table}");
}

#[test]
fn small_area_mistakes_are_named() {
    let covariates =
        std::fs::read_to_string(fixtures().join("small-area/county_covariates.csv")).unwrap();
    let indicator = |statistic: &str, by: &str, small: &str| {
        format!(
            "[[indicators]]\nid = \"api\"\ndataset = \"api\"\nstatistic = \"{statistic}\"\nexpr = \"api00\"\nby = [\"{by}\"]\nsmall_area = {small}\n\n[datasets.counties]\npath = \"counties.csv\"\n"
        )
    };
    let good = "{ method = \"fay_herriot\", covariates = { dataset = \"counties\", on = \"cname\", columns = [\"meals\"] } }";
    for (spec, says) in [
        (
            indicator("mean", "cname", &good.replace("fay_herriot", "eblup")),
            "unknown small-area method `eblup` — expected one of fay_herriot",
        ),
        (
            indicator("total", "cname", good),
            "small-area estimates are for a mean or a proportion",
        ),
        (
            indicator("mean", "stype", good),
            "must be a one-way breakdown of the indicator",
        ),
        (
            indicator("mean", "cname", &good.replace("\"meals\"", "\"meal\"")),
            "column `meal` not found in covariates dataset `counties`",
        ),
        (
            indicator(
                "mean",
                "cname",
                &good.replace("[\"meals\"] }", "[\"meals\"] }, fit = \"bayes\""),
            ),
            "unknown small-area fit `bayes`",
        ),
    ] {
        let study = temp_study(&[
            (
                "study.toml",
                &crate::common::api_study(crate::common::designs::STRAT, &spec),
            ),
            ("api.csv", &api_data("apistrat.csv")),
            ("counties.csv", &covariates),
        ]);
        let (got, _, err) = mizan(&["run", "."], study.path());
        assert!(err.contains(says), "expected `{says}` in: {err}");
        assert_ne!(got, 0, "{err}");
    }
}

/// The MSE estimates against the empirical MSE over simulated areas: 50
/// areas with sampling variances from 0.3 to 3, σ²ᵤ = 1, one covariate;
/// 1,000 seeded draws of the area effects and sampling errors. Averaged
/// over the areas, each fit's estimated MSE is within 6% of the empirical
/// MSE of its EBLUPs (Datta–Lahiri and Datta–Rao–Smith are second-order
/// unbiased), and the EBLUP beats the direct estimate.
#[test]
fn mse_estimates_match_the_empirical_mse_of_simulated_areas() {
    struct Rng(u64);
    impl Rng {
        fn uniform(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }
        fn normal(&mut self) -> f64 {
            let (u, v) = (self.uniform().max(1e-300), self.uniform());
            (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        }
    }
    let m = 50;
    let mut rng = Rng(20_261_130);
    let x: Vec<Vec<f64>> = (0..m).map(|i| vec![1.0, i as f64 / m as f64]).collect();
    let psi: Vec<f64> = (0..m)
        .map(|i| 0.3 + 2.7 * i as f64 / (m - 1) as f64)
        .collect();
    let draws = 1000;
    for method in [Method::Reml, Method::Ml, Method::Fh] {
        let (mut empirical, mut estimated, mut direct) = (vec![0.0; m], vec![0.0; m], vec![0.0; m]);
        for _ in 0..draws {
            let theta: Vec<f64> = x.iter().map(|x| 1.0 + 2.0 * x[1] + rng.normal()).collect();
            let y: Vec<f64> = theta
                .iter()
                .zip(&psi)
                .map(|(t, p)| t + p.sqrt() * rng.normal())
                .collect();
            let model = fit(&y, &psi, &x, method).expect("fits");
            for i in 0..m {
                let p = model.predict(Some((y[i], psi[i])), &x[i]);
                empirical[i] += (p.estimate - theta[i]).powi(2) / f64::from(draws);
                estimated[i] += p.mse / f64::from(draws);
                direct[i] += (y[i] - theta[i]).powi(2) / f64::from(draws);
            }
        }
        let (e, s, d): (f64, f64, f64) = (
            empirical.iter().sum(),
            estimated.iter().sum(),
            direct.iter().sum(),
        );
        assert!(
            (s / e - 1.0).abs() < 0.06,
            "{method:?}: estimated MSE {s} vs empirical {e}"
        );
        assert!(e < 0.8 * d, "{method:?}: EBLUP MSE {e} vs direct {d}");
    }
}
