//! Composite indices: the UN E-Government Development Index rebuilt from
//! its three published components (its definition: their arithmetic mean)
//! for every survey against the published index and ranks, a small framework with
//! pillars, weights, a "less is better" indicator, min–max normalisation
//! and geometric aggregation computed by hand.

use crate::common::{mizan, repo, temp_study};

fn composites(dir: &std::path::Path) -> Vec<csv::StringRecord> {
    let text = std::fs::read_to_string(dir.join("out/composites.csv")).unwrap();
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}

/// `reports/egdi` rebuilds the index for every survey from one file per
/// year (a file-name pattern); each year is checked against the published
/// index and ranks, to the published precision.
#[test]
fn egdi_is_rebuilt_from_its_components_for_every_survey() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, _, err) = mizan(
        &["run", "reports/egdi", "--out", out.to_str().unwrap()],
        &repo(),
    );
    assert_eq!(code, 0, "{err}");
    let rows = composites(tmp.path());
    for year in ["2010", "2012", "2014", "2016", "2018"] {
        let data =
            std::fs::read_to_string(repo().join(format!("datasets/egdi/egdi-{year}.csv"))).unwrap();
        let (mut within, mut same_rank, mut total, mut off) = (0, 0, 0, Vec::new());
        for p in csv::Reader::from_reader(data.as_bytes())
            .records()
            .map(Result::unwrap)
        {
            let Ok(index) = p[3].parse::<f64>() else {
                continue;
            };
            let r = rows
                .iter()
                .find(|r| r[2] == p[0] && &r[3] == year)
                .expect("every country, every year");
            let Ok(score) = r[4].parse::<f64>() else {
                continue;
            };
            total += 1;
            // The published index and components are rounded.
            if (score - index).abs() < 5e-5 {
                within += 1;
            } else {
                off.push(p[0].to_string());
            }
            same_rank += usize::from(r[5].parse::<f64>().ok() == p[2].parse::<f64>().ok());
            if &p[0] == "MAR" && year == "2018" {
                assert_eq!(&r[5], "110", "Morocco's published rank");
            }
        }
        match year {
            "2014" | "2016" => assert_eq!((within, same_rank), (193, 193), "{year}"),
            // Two countries one place apart, from the rounding of the components.
            "2018" => assert_eq!((within, same_rank), (193, 191), "{year}"),
            // The published index of three countries is not the mean of their
            // published components.
            "2012" => {
                off.sort();
                assert_eq!(off, ["CAF", "GIN", "LBY"], "{year}");
            }
            // 2010 used an earlier method: its index is not the mean of these components.
            _ => assert!(total == 183 && within < 10, "{year}: {within} of {total}"),
        }
    }
}

#[test]
fn pillars_weights_directions_and_geometric_means_by_hand() {
    // Three regions; "access" has two indicators (cost: less is better).
    let data = "region,coverage,cost,startups\nA,50,10,4\nB,100,30,16\nC,75,20,9\n";
    let study = "[study]\nid = \"h\"\ntitle = \"H\"\n\n[datasets.r]\npath = \"r.csv\"\n\n[[composites]]\nid = \"score\"\ndataset = \"r\"\nunit = \"region\"\nnormalise = \"minmax\"\naggregate = \"geometric\"\ncomponents = [\n  { id = \"access\", weight = 3, components = [{ column = \"coverage\" }, { column = \"cost\", direction = \"-\" }] },\n  { id = \"ecosystem\", weight = 1, components = [{ column = \"startups\" }] },\n]\n";
    let dir = temp_study(&[("study.toml", study), ("r.csv", data)]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let rows = composites(dir.path());
    let get = |node: &str, unit: &str| {
        let r = rows
            .iter()
            .find(|r| &r[1] == node && &r[2] == unit)
            .unwrap();
        (r[4].parse::<f64>().ok(), r[5].to_string())
    };
    // Min–max: coverage A 0, B 100, C 50; cost (reversed) A 100, B 0, C 50;
    // startups A 0, B 100, C 41.666…
    // access = √(coverage · cost): A √0 = 0 → undefined for a geometric mean
    // with a zero, B 0 likewise, C √(50 · 50) = 50.
    assert_eq!(get("access", "A").0, None);
    assert_eq!(get("access", "B").0, None);
    let c_access = get("access", "C").0.unwrap();
    assert!((c_access - 50.0).abs() < 1e-12);
    // score C = 50^(3/4) · (500/12)^(1/4).
    let expected = 50f64.powf(0.75) * (500.0f64 / 12.0).powf(0.25);
    let (c_score, c_rank) = get("score", "C");
    assert!(
        (c_score.unwrap() - expected).abs() < 1e-9,
        "{c_score:?} vs {expected}"
    );
    assert_eq!(c_rank, "1");
    assert_eq!(get("score", "A"), (None, String::new()));
}

/// The uncertainty analysis: without perturbation every draw is the score
/// itself; redrawing an input from N(x, se²) gives the normal 90% interval
/// x ± 1.645 se (2,000 draws, within 6%); ranks far apart stay put, ranks
/// within the noise spread; the same seed gives the same bytes.
#[test]
fn uncertainty_analysis_gives_score_and_rank_intervals() {
    let data =
        "unit,x,x_se,y\nA,0.90,0.001,0.5\nB,0.10,0.001,0.5\nC,0.50,0.05,0.5\nD,0.52,0.05,0.5\n";
    let study = |uncertainty: &str, se: &str| {
        format!(
            "[study]\nid = \"u\"\ntitle = \"U\"\n\n[datasets.d]\npath = \"d.csv\"\n\n[[composites]]\nid = \"idx\"\ndataset = \"d\"\nunit = \"unit\"\ncomponents = [{{ column = \"x\"{se} }}]\nuncertainty = {uncertainty}\n"
        )
    };
    let rows = |toml: &str| {
        let dir = temp_study(&[("study.toml", toml), ("d.csv", data)]);
        let (code, _, err) = mizan(&["run", "."], dir.path());
        assert_eq!(code, 0, "{err}");
        (
            composites(dir.path()),
            std::fs::read(dir.path().join("out/composites.csv")).unwrap(),
        )
    };
    let num = |r: &csv::StringRecord, i: usize| r[i].parse::<f64>().unwrap();
    let find = |rows: &[csv::StringRecord], unit: &str| {
        rows.iter().find(|r| &r[2] == unit).unwrap().clone()
    };

    // No perturbation: the interval is the score, the rank interval the rank.
    let (fixed, _) = rows(&study("{ draws = 50, weights = 0 }", ""));
    for r in &fixed {
        let (score, rank) = (num(r, 4), num(r, 5));
        assert_eq!((num(r, 6), num(r, 7)), (score, score), "{r:?}");
        assert_eq!(
            (num(r, 8), num(r, 9), num(r, 10)),
            (rank, rank, rank),
            "{r:?}"
        );
    }

    // Redrawn from N(x, se²): 90% intervals x ± 1.645 se.
    let spec = study("{ draws = 2000, seed = 7, weights = 0 }", ", se = \"x_se\"");
    let (noisy, bytes) = rows(&spec);
    for (unit, x, se) in [("C", 0.50, 0.05), ("D", 0.52, 0.05)] {
        let r = find(&noisy, unit);
        let (lo, hi) = (num(&r, 6), num(&r, 7));
        let half = 1.645 * se;
        assert!(((x - lo) / half - 1.0).abs() < 0.06, "{unit} low {lo}");
        assert!(((hi - x) / half - 1.0).abs() < 0.06, "{unit} high {hi}");
    }
    // A and B never move; C and D trade places.
    let a = find(&noisy, "A");
    assert_eq!((num(&a, 9), num(&a, 10)), (1.0, 1.0));
    let b = find(&noisy, "B");
    assert_eq!((num(&b, 9), num(&b, 10)), (4.0, 4.0));
    let c = find(&noisy, "C");
    assert_eq!((num(&c, 9), num(&c, 10)), (2.0, 3.0));
    // Seeded: the same bytes again.
    assert_eq!(rows(&spec).1, bytes);

    // Perturbed weights and switched aggregation move a unit whose
    // indicators differ (A: 0.9 and 0.5), not one whose indicators agree.
    let two = study(
        "{ draws = 300, weights = 0.5, aggregate = [\"arithmetic\", \"geometric\"] }",
        " }, { column = \"y\"",
    );
    let (mixed, _) = rows(&two);
    let a = find(&mixed, "A");
    assert!(num(&a, 7) - num(&a, 6) > 0.01, "{a:?}");
    let row_d = mixed.iter().find(|r| &r[2] == "D").unwrap();
    assert!(num(row_d, 6) <= num(row_d, 4) && num(row_d, 4) <= num(row_d, 7));
}

/// Coverage and imputation: a unit missing one of two indicators gets no
/// score under `coverage = 1`, and the other units' mean under `impute`.
#[test]
fn coverage_and_imputation_by_hand() {
    let data = "unit,x,y\nA,10,20\nB,30,40\nC,,60\n";
    let study = |extra: &str| {
        format!(
            "[study]\nid = \"c\"\ntitle = \"C\"\n\n[datasets.d]\npath = \"d.csv\"\n\n[[composites]]\nid = \"idx\"\ndataset = \"d\"\nunit = \"unit\"\n{extra}components = [{{ column = \"x\" }}, {{ column = \"y\" }}]\n"
        )
    };
    let score = |toml: &str, unit: &str| {
        let dir = temp_study(&[("study.toml", toml), ("d.csv", data)]);
        let (code, _, err) = mizan(&["run", "."], dir.path());
        assert_eq!(code, 0, "{err}");
        composites(dir.path())
            .iter()
            .find(|r| &r[2] == unit)
            .and_then(|r| r[4].parse::<f64>().ok())
    };
    assert_eq!(score(&study("coverage = 1\n"), "C"), None);
    assert_eq!(
        score(&study("coverage = 0.5\n"), "C"),
        None,
        "a missing value still leaves no mean"
    );
    // x imputed as (10 + 30) / 2 = 20: C = (20 + 60) / 2 = 40.
    assert_eq!(score(&study("impute = \"mean\"\n"), "C"), Some(40.0));
    assert_eq!(
        score(&study("impute = \"mean\"\ncoverage = 1\n"), "C"),
        None
    );
}

/// The example's regional index of indicators: its scores recomputed here
/// from the published indicators table (min–max of each indicator over the
/// regions, pillar means, index mean), and its uncertainty intervals
/// bracketing them.
#[test]
fn the_example_regional_index_follows_its_indicators() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, _, err) = mizan(
        &["run", "reports/example", "--out", out.to_str().unwrap()],
        &repo(),
    );
    assert_eq!(code, 0, "{err}");
    let table = std::fs::read_to_string(out.join("indicators.csv")).unwrap();
    let by_region = |id: &str| -> Vec<(String, f64)> {
        csv::Reader::from_reader(table.as_bytes())
            .records()
            .map(Result::unwrap)
            .filter(|r| &r[0] == id && &r[2] == "region")
            // A confidential value has none: its region is left out.
            .filter(|r| &r[14] != "confidential")
            .map(|r| (r[3].to_string(), r[5].parse().unwrap()))
            .collect()
    };
    let minmax = |id: &str| -> std::collections::HashMap<String, f64> {
        let v = by_region(id);
        let lo = v.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
        let hi = v.iter().map(|x| x.1).fold(f64::NEG_INFINITY, f64::max);
        v.into_iter()
            .map(|(k, x)| (k, 100.0 * (x - lo) / (hi - lo)))
            .collect()
    };
    let usage = [
        "internet_users",
        "smartphone_users",
        "computer_users",
        "ecommerce_users",
    ]
    .map(minmax);
    let ecosystem = ["startups", "funding_by_region"].map(minmax);
    let programme = [
        "calls_won_per_100k",
        "trainees_per_100k",
        "members_per_100k",
    ]
    .map(minmax);
    let rows = composites(tmp.path());
    let index: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[1] == "digital_index").collect();
    assert_eq!(index.len(), 12);
    let mut unscored = 0;
    for r in index {
        let region = &r[2];
        // The index imputes nothing: a region with a confidential input
        // (funding dominated by one or two startups) gets no score.
        if ecosystem.iter().any(|m| !m.contains_key(region)) {
            assert_eq!(&r[4], "", "{r:?}");
            unscored += 1;
            continue;
        }
        let mean = |p: &[std::collections::HashMap<String, f64>]| {
            p.iter().map(|m| m[region]).sum::<f64>() / p.len() as f64
        };
        let expected = (mean(&usage) + mean(&ecosystem) + mean(&programme)) / 3.0;
        let score: f64 = r[4].parse().unwrap();
        assert!(
            (score - expected).abs() < 1e-9,
            "region {region}: {score} vs {expected}"
        );
        let (lo, hi): (f64, f64) = (r[6].parse().unwrap(), r[7].parse().unwrap());
        let (rank_lo, rank, rank_hi): (f64, f64, f64) = (
            r[9].parse().unwrap(),
            r[5].parse().unwrap(),
            r[10].parse().unwrap(),
        );
        assert!(
            lo <= hi && rank_lo <= rank_hi && rank_lo >= 1.0 && rank_hi <= 12.0,
            "{r:?}"
        );
        assert!((rank_lo - 1.0..=rank_hi + 1.0).contains(&rank), "{r:?}");
    }
    // The ranking chart draws each score with its interval.
    let drawn = std::fs::read_to_string(out.join("figures/digital_index_ranking.csv")).unwrap();
    let drawn: Vec<csv::StringRecord> = csv::Reader::from_reader(drawn.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(drawn.len(), 12);
    for d in &drawn {
        let r = rows
            .iter()
            .find(|r| &r[1] == "digital_index" && r[2] == d[3])
            .unwrap();
        assert_eq!((&d[6], &d[7], &d[8]), (&r[4], &r[6], &r[7]), "{d:?}");
    }
    assert_eq!(unscored, 2, "funding is confidential in two regions");
}
