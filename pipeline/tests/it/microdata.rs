//! SPSS, Stata and SAS files written by R's `haven` from R's api cluster
//! sample (`fixtures/microdata/make_microdata.R`): estimates from each file
//! agree with what R computes from the same file with its declared missing
//! values left out (`golden_microdata.csv`); value labels name the domains;
//! the reasons of the missing values are counted; a damaged file is an
//! input-data error, with nothing published.

use crate::common::{close, fixtures, mizan, temp_study};

const FILES: [&str; 6] = [
    "schools.sav",
    "schools.zsav",
    "schools_v117.dta",
    "schools_v118.dta",
    "schools_v119.dta",
    "schools.xpt",
];

fn study(path: &str) -> String {
    format!(
        "[study]\nid = \"micro\"\ntitle = \"Microdata\"\n\n[datasets.schools]\npath = \"{path}\"\n\n[datasets.schools.design]\nweights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"\n\n[[indicators]]\nid = \"mean_avg_ed\"\ndataset = \"schools\"\nstatistic = \"mean\"\nexpr = \"avg_ed\"\n\n[[indicators]]\nid = \"share_avg_ed_above_3\"\ndataset = \"schools\"\nstatistic = \"proportion\"\nexpr = \"avg_ed > 3\"\n\n[[indicators]]\nid = \"mean_api00\"\ndataset = \"schools\"\nstatistic = \"mean\"\nexpr = \"api00\"\nby = [\"stype\"]\n"
    )
}

#[test]
fn estimates_from_each_file_agree_with_r() {
    let golden =
        std::fs::read_to_string(fixtures().join("microdata/golden_microdata.csv")).unwrap();
    let mut checked = 0;
    for file in FILES {
        let path = fixtures().join("microdata").join(file);
        let dir = temp_study(&[("study.toml", &study(&path.display().to_string()))]);
        let (code, out, err) = mizan(&["run", "."], dir.path());
        assert_eq!(code, 0, "{file}: {err}");
        let table = std::fs::read_to_string(dir.path().join("out/indicators.csv")).unwrap();
        let mut reader = csv::Reader::from_reader(table.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let mut g = csv::Reader::from_reader(golden.as_bytes());
        for rec in g.records() {
            let rec = rec.unwrap();
            if &rec[0] != file {
                continue;
            }
            let (id, domain) = match rec[1].strip_prefix("mean_api00_stype_") {
                Some(d) => ("mean_api00", d),
                None => (&rec[1], ""),
            };
            let r = rows
                .iter()
                .find(|r| &r[0] == id && &r[3] == domain)
                .unwrap_or_else(|| panic!("{file}: no row {id} [{domain}]"));
            let num = |s: &str| s.parse::<f64>().unwrap();
            let what = format!("{file} {id} [{domain}]");
            close(num(&r[5]), num(&rec[2]), 1e-9, &format!("{what} estimate"));
            close(num(&r[6]), num(&rec[3]), 1e-7, &format!("{what} se"));
            checked += 1;
        }
        // Dates arrive as dates: school 236 was visited 236 days into 2025.
        let data = crate::common::read_parquet(&dir.path().join("out/data/schools.parquet"));
        let visited = data.column("visited").unwrap();
        assert_eq!(visited.dtype(), &polars::prelude::DataType::Date, "{file}");
        let first = visited.cast(&polars::prelude::DataType::String).unwrap();
        assert_eq!(first.str().unwrap().get(0), Some("2025-08-25"), "{file}");
        // Value labels from the file name the domains (not in a transport file).
        if !file.ends_with(".xpt") {
            assert!(
                table.contains(",stype,1,mean,") && table.contains(",Elementary,"),
                "{file}: {table}"
            );
            assert!(
                out.contains("rows where `avg_ed` holds a declared missing code are left out"),
                "{file}: {out}"
            );
        }
    }
    assert_eq!(checked, FILES.len() * 5);
}

#[test]
fn a_damaged_file_is_an_input_error_with_nothing_published() {
    for file in FILES {
        let bytes = std::fs::read(fixtures().join("microdata").join(file)).unwrap();
        let ext = file.rsplit('.').next().unwrap();
        let truncated = bytes[..bytes.len() / 2].to_vec();
        // Cut on a record boundary too (a transport file's records are 80 bytes).
        let on_record = bytes[..bytes.len() / 2 / 80 * 80].to_vec();
        let mut garbled = bytes.clone();
        for b in garbled.iter_mut().skip(64).step_by(7) {
            *b ^= 0x5a;
        }
        for (how, data) in [
            ("truncated", truncated),
            ("truncated on a record", on_record),
            ("garbled", garbled),
            ("empty", Vec::new()),
        ] {
            let name = format!("data.{ext}");
            let dir = temp_study(&[("study.toml", &study(&name))]);
            std::fs::write(dir.path().join(&name), &data).unwrap();
            let (code, _, err) = mizan(&["run", "."], dir.path());
            // A garbled file may still be a readable one (other numbers); a
            // truncated or empty one never is.
            let allowed: &[i32] = if how == "garbled" { &[0, 3] } else { &[3] };
            assert!(allowed.contains(&code), "{how} {file}: exit {code}, {err}");
            if code == 3 {
                assert!(err.contains(&name), "{how} {file}: {err}");
                assert!(!dir.path().join("out/manifest.json").exists());
            }
            assert!(!err.contains("panicked"), "{how} {file}: {err}");
        }
    }
}

/// The codebook's frequencies of a labelled column agree with R's
/// `table()` and `svytable()` on the same file (`stype_table.csv`), and its
/// missing values are counted by reason.
#[test]
fn the_codebook_counts_as_r_does() {
    let path = fixtures().join("microdata/schools.sav");
    let dir = temp_study(&[("study.toml", &study(&path.display().to_string()))]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let codebook = std::fs::read_to_string(dir.path().join("out/codebook.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(codebook.as_bytes());
    let lines: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let find = |column: &str, row: &str, value: &str| {
        lines
            .iter()
            .find(|l| &l[1] == column && &l[4] == row && &l[5] == value)
            .unwrap_or_else(|| panic!("no codebook line {column} {row} {value}:\n{codebook}"))
    };
    let r = std::fs::read_to_string(fixtures().join("microdata/stype_table.csv")).unwrap();
    let mut checked = 0;
    for rec in csv::Reader::from_reader(r.as_bytes()).records() {
        let rec = rec.unwrap();
        let line = find("stype", "code", &rec[0]);
        assert_eq!(&line[7], &rec[1], "stype {} n", &rec[0]);
        close(
            line[8].parse().unwrap(),
            rec[2].parse().unwrap(),
            1e-12,
            &format!("stype {} weighted n", &rec[0]),
        );
        checked += 1;
    }
    assert_eq!(checked, 3);
    assert_eq!(&find("stype", "code", "1")[6], "Elementary");
    assert_eq!(&find("stype", "summary", "")[2], "School type");
    // 26 missing: 13 "Don't know" (98) and 13 "Refused" (99).
    assert_eq!(&find("avg_ed", "missing", "98 (Don't know)")[7], "13");
    assert_eq!(&find("avg_ed", "missing", "99 (Refused)")[7], "13");
}

#[test]
fn describe_shows_labels_codes_and_missing_reasons() {
    let path = fixtures().join("microdata/schools.sav");
    let (code, out, err) = mizan(&["describe", &path.display().to_string()], &fixtures());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("183 rows read"), "{out}");
    assert!(out.contains("stype (i64) — School type"), "{out}");
    assert!(out.contains("1 Elementary: 144"), "{out}");
    assert!(
        out.contains("missing: 13 98 (Don't know), 13 99 (Refused)"),
        "{out}"
    );
    let (code, out, err) = mizan(&["describe", "survey-api/apistrat.csv"], &fixtures());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\nacs.46 (i64)"), "{out}");
    assert!(out.contains("missing: 66 no value"), "{out}");
}

/// `init --from` builds a study around a file from its own metadata (types,
/// labels, codes, a key) that runs as it is; for a CSV too.
#[test]
fn init_from_a_file_writes_a_study_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    for (name, file) in [
        ("from-sav", fixtures().join("microdata/schools.sav")),
        ("from-csv", fixtures().join("survey-api/apiclus1.csv")),
    ] {
        let (code, out, err) = mizan(
            &["init", name, "--from", &file.display().to_string()],
            dir.path(),
        );
        assert_eq!(code, 0, "{name}: {out}{err}");
        let contract =
            std::fs::read_to_string(dir.path().join(name).join("data.contract.toml")).unwrap();
        if name == "from-sav" {
            assert!(contract.contains("key = [\"snum\"]"), "{contract}");
            assert!(contract.contains("label = \"School type\""), "{contract}");
            assert!(
                contract.contains(
                    "codes = { \"1\" = \"Elementary\", \"2\" = \"High\", \"3\" = \"Middle\" }"
                ),
                "{contract}"
            );
        }
        let (code, out, err) = mizan(&["run", name], dir.path());
        assert_eq!(code, 0, "{name}: {out}{err}");
        assert!(out.contains("183        183          0"), "{name}: {out}");
    }
    // Into a folder that holds something: refused.
    let (code, _, _) = mizan(&["init", "from-sav", "--from", "whatever.sav"], dir.path());
    assert_eq!(code, 2);
}

/// A contract may relabel a file's codes; where the two disagree, the run
/// says so and uses the contract's label.
#[test]
fn a_contract_labelling_a_code_otherwise_is_a_warning() {
    let path = fixtures().join("microdata/schools.sav");
    let toml = study(&path.display().to_string()).replace(
        "[datasets.schools.design]",
        "contract = \"schools.contract.toml\"\n\n[datasets.schools.design]",
    );
    let contract = "[columns.stype]\ntype = \"integer\"\ncodes = { 1 = \"Primary\", 2 = \"High\", 3 = \"Middle\" }\n";
    let dir = temp_study(&[("study.toml", &toml), ("schools.contract.toml", contract)]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "column `stype`: the contract labels code 1 \"Primary\", the file \"Elementary\""
        ),
        "{err}"
    );
    let table = std::fs::read_to_string(dir.path().join("out/indicators.csv")).unwrap();
    assert!(table.contains(",Primary,"), "{table}");
}

#[test]
fn unpivot_on_a_microdata_file_is_a_spec_error() {
    let path = fixtures().join("microdata/schools_v118.dta");
    let toml = study(&path.display().to_string()).replace(
        "[datasets.schools.design]",
        "unpivot = { index = [\"snum\"], variable = \"k\", value = \"v\" }\n\n[datasets.schools.design]",
    );
    let dir = temp_study(&[("study.toml", &toml)]);
    let (code, _, err) = mizan(&["validate", "."], dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`unpivot` applies to text and workbook sources"),
        "{err}"
    );
}
