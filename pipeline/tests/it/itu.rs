//! ITU-coded usage indicators: `itu = "HH7"` takes its name, definition,
//! reference period and SDG link from the catalogue into the table, the
//! report and every language; the codes, statistics and units that do not
//! fit are refused.

use crate::common::{mizan, temp_study};

const DATA: &str = "id,w,used\n1,2,1\n2,2,0\n3,1,1\n4,1,1\n";

fn study(unit: &str, indicator: &str) -> String {
    format!(
        "[study]\nid = \"itu\"\ntitle = \"ITU\"\nlanguages = [\"en\", \"fr\"]\n\n[datasets.people]\npath = \"people.csv\"\n{unit}\n[datasets.people.design]\nweights = \"w\"\n\n[[indicators]]\nid = \"net\"\ndataset = \"people\"\n{indicator}\n"
    )
}

#[test]
fn an_itu_code_brings_its_definition() {
    let dir = temp_study(&[
        (
            "study.toml",
            &study(
                "unit = \"individual\"",
                "statistic = \"proportion\"\nexpr = \"used = 1\"\nitu = \"HH7\"",
            ),
        ),
        ("people.csv", DATA),
    ]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let read = |f: &str| std::fs::read_to_string(dir.path().join("out").join(f)).unwrap();
    let table = read("indicators.csv");
    let header: Vec<&str> = table.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = table.lines().nth(1).unwrap().split(',').collect();
    let at = |c: &str| header.iter().position(|h| *h == c).unwrap();
    assert_eq!(row[at("itu_code")], "HH7");
    assert_eq!(
        row[at("label")],
        "Proportion of individuals using the Internet"
    );
    // 4 of 6 weighted units used it.
    assert!((row[at("estimate")].parse::<f64>().unwrap() - 4.0 / 6.0).abs() < 1e-15);
    let en = read("report.en.md");
    assert!(
        en.contains("It feeds SDG indicator 17.8.1")
            && en.contains("Reference period: the last 3 months"),
        "{en}"
    );
    let fr = read("report.fr.md");
    assert!(
        fr.contains("Proportion de personnes utilisant Internet") && fr.contains("ODD 17.8.1"),
        "{fr}"
    );
}

#[test]
fn itu_codes_that_do_not_fit_are_refused() {
    for (unit, indicator, says) in [
        (
            "",
            "statistic = \"proportion\"\nexpr = \"used = 1\"\nitu = \"HH99\"",
            "`HH99` is not in Mizan's catalogue of ITU core household indicators — expected one of HH1, HH4, HH6, HH7",
        ),
        (
            "",
            "statistic = \"mean\"\nexpr = \"used\"\nitu = \"HH7\"",
            "HH7 (Proportion of individuals using the Internet) is a proportion",
        ),
        (
            "unit = \"household\"",
            "statistic = \"proportion\"\nexpr = \"used = 1\"\nitu = \"HH7\"",
            "HH7 counts individuals, but dataset `people` is declared `unit = \"household\"`",
        ),
        (
            "unit = \"person\"",
            "statistic = \"proportion\"\nexpr = \"used = 1\"",
            "unknown dataset unit `person` — expected one of household, individual",
        ),
    ] {
        let dir = temp_study(&[
            ("study.toml", &study(unit, indicator)),
            ("people.csv", DATA),
        ]);
        let (code, _, err) = mizan(&["run", "."], dir.path());
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(says), "expected `{says}` in: {err}");
    }
}
