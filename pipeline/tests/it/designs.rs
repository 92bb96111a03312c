//! Single-PSU strata under each `lonely_psu` rule against R
//! (`fixtures/survey-api/golden_lonely.R`), and bad designs: each gets a
//! clear error, never a silent wrong number.

use crate::common::{
    agrees, api_data, api_study, estimate, fixtures, indicator, mizan, row, temp_study,
};

fn spec(design: &str) -> String {
    let indicators = indicator("mean_api00", "mean", "expr = \"api00\"\nby = [\"stype\"]")
        + &indicator("total_enroll", "total", "expr = \"enroll\"");
    api_study(design, &indicators)
}

fn study(design: &str, data: &str) -> tempfile::TempDir {
    temp_study(&[("study.toml", &spec(design)), ("api.csv", data)])
}

#[test]
fn lonely_psu_rules_match_r() {
    let text = std::fs::read_to_string(fixtures().join("survey-api/golden_lonely.csv")).unwrap();
    let mut checked = 0;
    for rule in ["remove", "adjust", "certainty", "average"] {
        let design = format!(
            "weights = \"pw\"\nstrata = \"cname\"\nclusters = \"dnum\"\nlonely_psu = \"{rule}\""
        );
        let rows = estimate(&[
            ("study.toml", &spec(&design)),
            ("api.csv", &api_data("apiclus1.csv")),
        ]);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for rec in reader.records() {
            let r = rec.unwrap();
            if &r[0] != rule {
                continue;
            }
            let id = format!("{}_{}", &r[1], &r[2]);
            let row = row(&rows, &id, &r[3]);
            let what = format!("{rule} {id} [{}]", &r[3]);
            agrees(
                &row.est,
                &what,
                r[4].parse().unwrap(),
                r[5].parse().unwrap(),
            );
            assert_eq!(row.est.df, Some(r[6].parse().unwrap()), "{what} df");
            checked += 1;
        }
    }
    assert_eq!(checked, 20);
}

#[test]
fn a_lonely_psu_under_fail_names_the_stratum() {
    let dir = study(
        "weights = \"pw\"\nstrata = \"cname\"\nclusters = \"dnum\"",
        &api_data("apiclus1.csv"),
    );
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("stratum `Alameda` has only one PSU")
            && err.contains("remove, certainty, adjust, average"),
        "{err}"
    );
}

#[test]
fn bad_designs_are_refused_clearly() {
    let data = "id,s,psu,w,fpc,api00,enroll,stype\n1,1,1,10,3,500,100,E\n2,1,2,10,3,600,200,E\n3,2,1,-5,2,550,150,H\n4,2,3,10,2,650,250,H\n";
    let cases: [(&str, i32, &str); 5] = [
        (
            "weights = \"w\"\nstrata = \"s\"\nclusters = \"psu\"\nnest = true",
            3,
            "weight column `w` has a missing, infinite or negative value (-5) in kept row 3",
        ),
        (
            "weights = \"id\"\nstrata = \"s\"\nclusters = \"psu\"",
            1,
            "cluster `1` appears in strata `1` and `2`: clusters are not nested in strata — set `nest = true`",
        ),
        (
            "weights = \"id\"\nstrata = \"s\"\nclusters = \"psu\"\nnest = true\nfpc = \"id\"",
            1,
            "fpc column `id` is not constant within stratum `1`",
        ),
        (
            "weights = \"id\"\nclusters = \"psu\"\nfpc = \"s\"",
            1,
            "fpc column `s` is not constant within stratum",
        ),
        (
            "weights = \"id\"\n[datasets.api.design.replicates]\nmethod = \"jk1\"\ncolumns = \"rw*\"",
            2,
            "replicate columns `rw*` match no column — columns are: id, s, psu, w, fpc, api00, enroll, stype",
        ),
    ];
    for (design, want_code, want) in cases {
        let dir = study(design, data);
        let (code, _, err) = mizan(&["run", "."], dir.path());
        assert_eq!(code, want_code, "{design}: {err}");
        assert!(err.contains(want), "{design}:\n{err}");
    }
    // A population smaller than the sample.
    let small = "id,psu,w,fpc,api00,enroll,stype\n1,1,1,1.5,500,100,E\n2,2,1,1.5,600,200,E\n";
    let dir = study("weights = \"w\"\nclusters = \"psu\"\nfpc = \"fpc\"", small);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("gives a population of 1.5 PSUs in stratum ``, smaller than the 2 sampled"),
        "{err}"
    );
}
