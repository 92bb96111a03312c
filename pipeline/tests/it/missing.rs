//! Missing values however a file writes them — empty cells, `NA` markers
//! (`missing = ["NA"]`), or codes 98/99 declared in a contract — give R's
//! estimates with `na.rm = TRUE` (`golden_missing.R`: means, a proportion
//! with its logit interval, domains), and declared codes stay in the
//! published data, counted per indicator in the methods.

use crate::common::{api_data, close, designs, estimate, fixtures, mizan, row, temp_study};

/// The api sample `file` with the empty cells of column `var` written as
/// `marker(i)` for the i-th of them.
fn rewrite(file: &str, var: &str, marker: impl Fn(usize) -> String) -> String {
    let text = api_data(file);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = header.iter().position(|h| h == var).unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    let mut k = 0;
    for rec in reader.records() {
        let rec = rec.unwrap();
        let fields: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if i == at && f.is_empty() {
                    k += 1;
                    marker(k)
                } else {
                    f.to_string()
                }
            })
            .collect();
        w.write_record(&fields).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

fn study(design: &str, var: &str, cut: u32, dataset_lines: &str) -> String {
    format!(
        "[study]\nid = \"m\"\ntitle = \"M\"\n\n[datasets.api]\npath = \"api.csv\"\n{dataset_lines}\n\n[datasets.api.design]\n{design}\n\n[[indicators]]\nid = \"mean\"\ndataset = \"api\"\nstatistic = \"mean\"\nexpr = '\"{var}\"'\nby = [\"stype\"]\n\n[[indicators]]\nid = \"share\"\ndataset = \"api\"\nstatistic = \"proportion\"\nexpr = '\"{var}\" > {cut}'\n"
    )
}

#[test]
fn missing_values_written_three_ways_give_r_estimates() {
    let golden = std::fs::read_to_string(fixtures().join("survey-api/golden_missing.csv")).unwrap();
    let contract = |var: &str| {
        format!(
            "[columns.\"{var}\"]\ntype = \"float\"\nmissing = {{ 98 = \"Don't know\", 99 = \"Refused\" }}\n"
        )
    };
    let mut checked = 0;
    for (name, file, design, var, cut) in [
        ("clus1", "apiclus1.csv", designs::CLUS1, "avg.ed", 3),
        ("strat", "apistrat.csv", designs::STRAT, "acs.46", 28),
    ] {
        let ways = [
            ("empty cells", api_data(file), String::new(), None),
            (
                "NA markers",
                rewrite(file, var, |_| "NA".into()),
                "missing = [\"NA\", \".\"]".to_string(),
                None,
            ),
            (
                "codes 98/99",
                rewrite(file, var, |k| if k % 2 == 0 { "98" } else { "99" }.into()),
                "contract = \"api.contract.toml\"".to_string(),
                Some(contract(var)),
            ),
        ];
        for (how, data, lines, contract) in ways {
            let toml = study(design, var, cut, &lines);
            let mut files = vec![("study.toml", toml.as_str()), ("api.csv", data.as_str())];
            if let Some(c) = &contract {
                files.push(("api.contract.toml", c));
            }
            let rows = estimate(&files);
            let mut reader = csv::Reader::from_reader(golden.as_bytes());
            for rec in reader.records() {
                let g = rec.unwrap();
                if &g[0] != name {
                    continue;
                }
                let id = if &g[1] == "mean" { "mean" } else { "share" };
                let r = row(&rows, id, &g[2]);
                let what = format!("{name} {id} [{}] from {how}", &g[2]);
                let num = |i: usize| g[i].parse::<f64>().unwrap();
                close(
                    r.est.estimate.unwrap(),
                    num(3),
                    1e-9,
                    &format!("{what} estimate"),
                );
                close(r.est.se.unwrap(), num(4), 1e-7, &format!("{what} se"));
                if !g[5].is_empty() {
                    close(
                        r.est.ci_low.unwrap(),
                        num(5),
                        1e-7,
                        &format!("{what} ci_low"),
                    );
                    close(
                        r.est.ci_high.unwrap(),
                        num(6),
                        1e-7,
                        &format!("{what} ci_high"),
                    );
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 2 * 3 * 5);
}

#[test]
fn declared_codes_stay_in_the_data_and_are_counted() {
    let var = "avg.ed";
    let data = rewrite("apiclus1.csv", var, |k| {
        if k <= 10 { "98" } else { "99" }.into()
    });
    let contract = format!(
        "[columns.\"{var}\"]\ntype = \"float\"\nmissing = {{ 98 = \"Don't know\", 99 = \"Refused\" }}\n"
    );
    let toml = study(designs::CLUS1, var, 3, "contract = \"api.contract.toml\"");
    let dir = temp_study(&[
        ("study.toml", &toml),
        ("api.csv", &data),
        ("api.contract.toml", &contract),
    ]);
    let (code, out, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let expected = "rows where `avg.ed` holds a declared missing code are left out — 98 (Don't know): 10 rows, 99 (Refused): 16 rows";
    assert!(out.contains(expected), "{out}");
    let md = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(
        md.contains("98 \\(Don't know\\): 10 rows"),
        "in the methods"
    );
    let published = crate::common::read_parquet(&dir.path().join("out/data/api.parquet"));
    let codes = published
        .column(var)
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .flatten()
        .filter(|v| *v >= 98.0)
        .count();
    assert_eq!(codes, 26, "the published data keeps the codes");
}
