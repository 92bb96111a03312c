//! The example's programme indicators recomputed by hand from the
//! registries the generator wrote: conversions of the calls, success rates
//! of the applications, women among trainees, reach per 100,000
//! inhabitants, the funnel figure's stages and the summary by axis.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{records, repo};

/// A CSV's rows as maps of column to value.
fn table(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            header
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Sums of `value` per `key` over `rows` kept by `keep` ("" for the whole).
fn sums(
    rows: &[BTreeMap<String, String>],
    key: &str,
    keep: impl Fn(&BTreeMap<String, String>) -> bool,
    value: impl Fn(&BTreeMap<String, String>) -> f64,
) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for r in rows.iter().filter(|r| keep(r)) {
        *out.entry(r[key].clone()).or_insert(0.0) += value(r);
        *out.entry(String::new()).or_insert(0.0) += value(r);
    }
    out
}

fn num(r: &BTreeMap<String, String>, c: &str) -> f64 {
    r[c].parse().unwrap()
}

/// Checks the programme's indicators of the example run in `out`.
pub fn example_programme_matches_the_registries(out: &Path) {
    let data = repo().join("datasets/example");
    let calls = table(&data.join("calls.csv"));
    let applications = table(&data.join("applications.csv"));
    let events = table(&data.join("events.csv"));
    let members = table(&data.join("members.csv"));
    let population: BTreeMap<String, f64> = table(&data.join("regions.csv"))
        .iter()
        .map(|r| (r["region"].clone(), num(r, "population")))
        .collect();
    let published = table(&out.join("indicators.csv"));
    let value = |id: &str, by: &str, domain: &str| -> f64 {
        published
            .iter()
            .find(|r| r["indicator"] == id && r["by"] == by && r["domain"] == domain)
            .unwrap_or_else(|| panic!("{id} {by}={domain}"))["estimate"]
            .parse()
            .unwrap()
    };
    let check = |id: &str, by: &str, expected: &BTreeMap<String, f64>| {
        for (domain, want) in expected {
            let b = if domain.is_empty() { "" } else { by };
            let got = value(id, b, domain);
            assert!(
                (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                "{id} [{b} = {domain}]: {got} ≠ {want}"
            );
        }
    };
    let all = |_: &BTreeMap<String, String>| true;
    // Calls: the funnel's conversions are ratios of the stages' totals.
    let stage = |c: &'static str| sums(&calls, "axis", all, move |r| num(r, c));
    let (applied, shortlisted, selected) = (
        stage("applications"),
        stage("shortlisted"),
        stage("selected"),
    );
    let ratio = |a: &BTreeMap<String, f64>, b: &BTreeMap<String, f64>| -> BTreeMap<String, f64> {
        a.iter().map(|(k, v)| (k.clone(), v / b[k])).collect()
    };
    check("call_success", "axis", &ratio(&selected, &applied));
    check(
        "call_success_shortlisted",
        "axis",
        &ratio(&shortlisted, &applied),
    );
    check(
        "call_success_selected",
        "axis",
        &ratio(&selected, &shortlisted),
    );
    check("call_shortlisted", "axis", &shortlisted);
    // Applications: the share selected, by the founder's sex.
    let chosen = sums(&applications, "founder_sex", all, |r| {
        f64::from(u8::from(r["stage"] == "selected"))
    });
    let applied_by_sex = sums(&applications, "founder_sex", all, |_| 1.0);
    check(
        "selection_rate",
        "founder_sex",
        &ratio(&chosen, &applied_by_sex),
    );
    // Training: women among participants; reach per 100,000 inhabitants.
    let training = |r: &BTreeMap<String, String>| r["type"] == "training";
    let women = sums(&events, "region", training, |r| num(r, "women"));
    let trainees = sums(&events, "region", training, |r| num(r, "attendance"));
    check("trainees_women", "region", &ratio(&women, &trainees));
    let per_100k = |counts: &BTreeMap<String, f64>| -> BTreeMap<String, f64> {
        let total: f64 = population.values().sum();
        counts
            .iter()
            .map(|(k, v)| {
                let people = if k.is_empty() { total } else { population[k] };
                (k.clone(), v / people * 1e5)
            })
            .collect()
    };
    check("trainees_per_100k", "region", &per_100k(&trainees));
    let won = sums(
        &applications,
        "region",
        |r| r["stage"] == "selected",
        |_| 1.0,
    );
    check("calls_won_per_100k", "region", &per_100k(&won));
    check(
        "members_per_100k",
        "region",
        &per_100k(&sums(&members, "region", all, |_| 1.0)),
    );
    check(
        "event_attendance",
        "axis",
        &sums(&events, "axis", all, |r| num(r, "attendance")),
    );
    // Members joined to the startup registry: active startups in the cluster.
    let startups = table(&data.join("startups.csv"));
    let member_ids: std::collections::BTreeSet<&str> =
        members.iter().map(|m| m["startup_id"].as_str()).collect();
    let active = |r: &BTreeMap<String, String>| r["status"] == "active";
    let in_cluster = sums(&startups, "region", active, |r| {
        f64::from(u8::from(member_ids.contains(r["startup_id"].as_str())))
    });
    let active_startups = sums(&startups, "region", active, |_| 1.0);
    check(
        "startups_in_cluster",
        "region",
        &ratio(&in_cluster, &active_startups),
    );
    // The funnel figure draws the stages' totals, overall and by axis.
    let figure = std::fs::read_to_string(out.join("figures/call_funnel.csv")).unwrap();
    let drawn = records(&figure);
    assert_eq!(drawn.len(), 3 * 8, "{figure}");
    for (i, totals) in [&applied, &shortlisted, &selected].iter().enumerate() {
        for (axis, want) in totals.iter() {
            let got: f64 = drawn
                .iter()
                .filter(|d| &d[3] == axis)
                .nth(i)
                .unwrap_or_else(|| panic!("stage {i} of axis {axis:?}"))[6]
                .parse()
                .unwrap();
            assert_eq!(got, *want, "stage {i} of axis {axis:?}");
        }
    }
    // The summary by axis: a row for the whole and one per axis.
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    let at = report
        .find("### The programme by axis")
        .expect("the summary table");
    let rows = report[at..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .count();
    assert_eq!(rows, 2 + 8, "header, rule, the whole and 7 axes");
}
