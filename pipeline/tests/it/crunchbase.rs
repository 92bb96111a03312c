//! The Crunchbase study (`reports/crunchbase`) on real registry data with
//! old-Mac line endings, against an independent polars computation of a
//! handful of its figures (`reports/crunchbase/check.py`, which wrote
//! `expected.csv`): companies by state and category, rounds by quarter,
//! amounts by round type, median seed-size round by year.

use crate::common::{close, mizan, repo};

#[test]
fn crunchbase_figures_match_an_independent_computation() {
    let rounds = std::fs::read(repo().join("datasets/crunchbase/rounds.csv")).unwrap();
    assert!(
        !rounds.contains(&b'\n') && rounds.contains(&b'\r'),
        "CR line endings, as exported"
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, _, err) = mizan(
        &["run", "reports/crunchbase", "--out", out.to_str().unwrap()],
        &repo(),
    );
    assert_eq!(code, 0, "{err}");
    let table = std::fs::read_to_string(out.join("indicators.csv")).unwrap();
    let ours: Vec<csv::StringRecord> = csv::Reader::from_reader(table.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    let expected = std::fs::read_to_string(repo().join("reports/crunchbase/expected.csv")).unwrap();
    let mut checked = 0;
    for e in csv::Reader::from_reader(expected.as_bytes()).records() {
        let e = e.unwrap();
        let r = ours
            .iter()
            .find(|r| r[0] == e[0] && r[2] == e[1] && r[3] == e[2])
            .unwrap_or_else(|| panic!("no row {e:?}"));
        let what = format!("{} [{} = {}]", &e[0], &e[1], &e[2]);
        close(r[5].parse().unwrap(), e[3].parse().unwrap(), 1e-12, &what);
        checked += 1;
    }
    assert_eq!(checked, 17);
}
