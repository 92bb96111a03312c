//! Ingest: contracts send bad rows to the rejects with their line and
//! reason (rows read = kept + rejected), encodings and delimiters of real
//! files, and wide World Bank tables reshaped to long.

use polars::prelude::*;

use crate::common::{mizan, read_parquet, reject_lines, reject_reasons, repo, temp_study};

const CONTRACT: &str = r#"
[dataset]
key = ["id"]
max_reject_share = 0.8

[columns.id]
type = "integer"
required = true

[columns.region]
type = "integer"
required = true
codes = { 1 = "North", 2 = "South" }

[columns.age]
type = "integer"
min = 0
max = 110

[columns.income]
type = "float"
"#;

// Line 1 is the header; 8 data rows. Bad: 3 (age 150), 4 (region 9), 5 (id
// empty), 6 (income "abc"), 7 (duplicate id 1), 8 (ragged: 3 fields).
const DATA: &str = "id,region,age,income\n1,1,30,100.5\n2,1,150,20\n3,9,40,\n,2,50,10\n5,2,20,abc\n1,2,33,1\n7,1,44\n8,2,61,12\n";

fn study(contract: &str, data: &str, extra: &str) -> tempfile::TempDir {
    let toml = format!(
        "[study]\nid = \"t\"\ntitle = \"T\"\n\n[datasets.people]\npath = \"people.csv\"\ncontract = \"people.contract.toml\"\n{extra}\n[[indicators]]\nid = \"n\"\ndataset = \"people\"\nstatistic = \"count\"\n"
    );
    temp_study(&[
        ("study.toml", &toml),
        ("people.csv", data),
        ("people.contract.toml", contract),
    ])
}

#[test]
fn contract_rejects_are_counted_and_explained() {
    let dir = study(CONTRACT, DATA, "");
    let (code, out, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("people                            8          2          6"),
        "{out}"
    );
    let kept = read_parquet(&dir.path().join("out/data/people.parquet"));
    let rejects = read_parquet(&dir.path().join("out/rejects/people.parquet"));
    assert_eq!(kept.height(), 2);
    assert_eq!(rejects.height(), 6);
    assert_eq!(
        kept.height() + rejects.height(),
        8,
        "rows read = kept + rejected"
    );
    let lines: Vec<u64> = reject_lines(&rejects);
    assert_eq!(lines, vec![3, 4, 5, 6, 7, 8]);
    let reasons: Vec<String> = rejects
        .column("reason")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .map(String::from)
        .collect();
    assert_eq!(
        reasons[0],
        "column `age`: 150 is outside the allowed range 0 to 110"
    );
    assert_eq!(reasons[1], "column `region`: code `9` is not one of 1, 2");
    assert_eq!(reasons[2], "column `id` is required but empty");
    assert_eq!(reasons[3], "column `income`: `abc` is not a number");
    assert_eq!(reasons[4], "duplicate key id=1 (first at line 2)");
    assert_eq!(reasons[5], "expected 4 fields, found 3");
    // The rejected row keeps its original text.
    let ages: Vec<Option<&str>> = rejects
        .column("age")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(ages[0], Some("150"));
    // Typed columns in the kept data.
    assert_eq!(kept.column("income").unwrap().dtype(), &DataType::Float64);
    assert_eq!(kept.column("id").unwrap().dtype(), &DataType::Int64);
}

#[test]
fn too_many_rejects_fail_with_exit_3_and_keep_the_last_good_outputs() {
    let dir = study(CONTRACT, "id,region,age,income\n1,1,30,1\n2,1,40,2\n", "");
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let report = std::fs::read(dir.path().join("out/report.html")).unwrap();
    std::fs::write(dir.path().join("people.csv"), DATA).unwrap();
    std::fs::write(
        dir.path().join("people.contract.toml"),
        CONTRACT.replace("0.8", "0.1"),
    )
    .unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains(
            "6 of 8 rows rejected (75.00%), above the contract's max_reject_share of 10.00%"
        ),
        "{err}"
    );
    assert!(
        err.contains("line 3: column `age`: 150 is outside the allowed range 0 to 110"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("out/report.html")).unwrap(),
        report,
        "previous outputs untouched"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "no staging folder left behind");
}

#[test]
fn windows_1252_with_semicolons_and_decimal_commas() {
    // "Région;Taux" with é as the single byte 0xE9, and French decimal commas.
    let mut bytes = b"id;r\xe9gion;taux\n1;F\xe8s-Mekn\xe8s;12,5\n2;B\xe9ni Mellal;7,25\n".to_vec();
    bytes.extend_from_slice(b"3;Souss;1\n");
    let contract = "[columns.taux]\ntype = \"float\"\n";
    let toml = "[study]\nid = \"t\"\ntitle = \"T\"\n\n[datasets.d]\npath = \"d.csv\"\ncontract = \"d.contract.toml\"\ndelimiter = \";\"\nencoding = \"windows-1252\"\ndecimal = \",\"\n\n[[indicators]]\nid = \"m\"\ndataset = \"d\"\nstatistic = \"mean\"\nexpr = \"taux\"\nby = [\"région\"]\n";
    let dir = temp_study(&[("study.toml", toml), ("d.contract.toml", contract)]);
    std::fs::write(dir.path().join("d.csv"), &bytes).unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let df = read_parquet(&dir.path().join("out/data/d.parquet"));
    let names: Vec<&str> = df
        .column("région")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(names, vec!["Fès-Meknès", "Béni Mellal", "Souss"]);
    let taux: Vec<f64> = df
        .column("taux")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(taux, vec![12.5, 7.25, 1.0]);
    let ind = std::fs::read_to_string(dir.path().join("out/indicators.csv")).unwrap();
    // (12.5 + 7.25 + 1) / 3, exact for a registry.
    assert!(ind.contains("m,d,,,mean,6.916666666666667,"), "{ind}");

    // Without the encoding, the error names the line and suggests the fix.
    std::fs::write(
        dir.path().join("study.toml"),
        toml.replace("encoding = \"windows-1252\"\n", ""),
    )
    .unwrap();
    let (code, _, err) = mizan(&["validate", "."], dir.path());
    assert_eq!(code, 3);
    assert!(
        err.contains("line 1: byte 0xE9 is not valid UTF-8")
            && err.contains("encoding = \"windows-1252\""),
        "{err}"
    );
}

#[test]
fn old_mac_line_endings_are_read_with_their_line_numbers() {
    let data = "id,region,age,income\r1,1,30,1\r2,1,999,2\r3,2,40,3\r";
    let dir = study(CONTRACT, data, "");
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let rejects = read_parquet(&dir.path().join("out/rejects/people.parquet"));
    let lines: Vec<u64> = reject_lines(&rejects);
    assert_eq!(lines, vec![3]);
}

#[test]
fn world_bank_wide_file_is_unpivoted_and_morocco_2022_is_the_published_89_9() {
    // The World Bank publishes 89.9% of Morocco's population using the
    // Internet in 2022 (WDI IT.NET.USER.ZS).
    let wdi = repo().join("datasets/wdi");
    let toml = format!(
        "[study]\nid = \"t\"\ntitle = \"T\"\n\n[datasets.mobile]\npath = \"{}\"\nskip_rows = 4\nunpivot = {{ index = [\"Country Name\", \"Country Code\", \"Indicator Name\", \"Indicator Code\"], variable = \"year\", value = \"value\" }}\n\n[datasets.net]\npath = \"{}\"\nunpivot = {{ index = [\"Country Name\", \"Country Code\", \"Indicator Name\", \"Indicator Code\"], variable = \"year\", value = \"value\" }}\n\n[[indicators]]\nid = \"net\"\ndataset = \"net\"\nstatistic = \"mean\"\nexpr = \"value\"\nwhere = \"\\\"Country Code\\\" = 'MAR'\"\nby = [\"year\"]\n",
        wdi.join("mobile_subscriptions.csv").display(),
        wdi.join("internet_users.csv").display()
    );
    let dir = temp_study(&[("study.toml", &toml)]);
    let study = mizan::spec::load(dir.path()).unwrap();
    let ingested = mizan::run::ingest(&study).unwrap();
    // 6 countries x 64 years (1960-2023) and 6 x 62 years (1960-2021).
    assert_eq!(ingested["net"].rows_read, 6 * 64);
    assert_eq!(ingested["mobile"].rows_read, 6 * 62);
    let data = ingested.into_iter().map(|(k, v)| (k, v.data)).collect();
    let rows = mizan::indicators::compute(&study, &data, &Default::default())
        .unwrap()
        .rows;
    let r2022 = rows.iter().find(|r| r.domain == ["2022"]).unwrap();
    assert_eq!(r2022.est.estimate, Some(89.9));
    assert_eq!(r2022.est.se, None, "a registry value has no standard error");
}

#[test]
fn an_excel_sheet_is_read_by_name_with_its_types() {
    // fixtures/xlsx/people.xlsx, written by make_people.py beside it.
    let xlsx = crate::common::fixtures().join("xlsx/people.xlsx");
    let contract =
        "[columns.date_entretien]\ntype = \"date\"\n\n[columns.revenu]\ntype = \"float\"\n";
    let toml = format!(
        "[study]\nid = \"x\"\ntitle = \"X\"\n\n[datasets.p]\npath = \"{}\"\nsheet = \"Feuil1\"\nskip_rows = 1\ncontract = \"p.contract.toml\"\n\n[[indicators]]\nid = \"users\"\ndataset = \"p\"\nstatistic = \"count\"\nexpr = \"usage = 1\"\n",
        xlsx.display()
    );
    let dir = temp_study(&[("study.toml", &toml), ("p.contract.toml", contract)]);
    let study = mizan::spec::load(dir.path()).unwrap();
    let ingested = mizan::run::ingest(&study).unwrap();
    let df = &ingested["p"].data;
    assert_eq!(df.height(), 3);
    let names: Vec<&str> = df
        .column("région")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(names, ["Fès-Meknès", "Souss-Massa", "Drâa-Tafilalet"]);
    let income: Vec<Option<f64>> = df.column("revenu").unwrap().f64().unwrap().iter().collect();
    assert_eq!(income, [Some(1250.5), Some(980.0), None]);
    assert_eq!(
        df.column("date_entretien").unwrap().dtype(),
        &DataType::Date
    );
    let first = df
        .column("date_entretien")
        .unwrap()
        .cast(&DataType::String)
        .unwrap();
    assert_eq!(first.str().unwrap().get(0), Some("2025-03-14"));
    // A sheet that does not exist lists the sheets.
    std::fs::write(
        dir.path().join("study.toml"),
        toml.replace("Feuil1", "Sheet1"),
    )
    .unwrap();
    let (code, _, err) = mizan(&["validate", "."], dir.path());
    assert_eq!(code, 3);
    assert!(
        err.contains("no sheet `Sheet1` — sheets are: Notes, Feuil1"),
        "{err}"
    );
}

/// A Parquet source whose rows all pass with their types is published as
/// is; one with a refused row is rewritten without it, with provenance.
#[test]
fn a_typed_parquet_source_is_published_byte_for_byte() {
    use polars::prelude::*;
    let toml = "[study]\nid = \"t\"\ntitle = \"T\"\n\n[datasets.p]\npath = \"p.parquet\"\ncontract = \"p.contract.toml\"\n\n[[indicators]]\nid = \"m\"\ndataset = \"p\"\nstatistic = \"mean\"\nexpr = \"v\"\n";
    for (values, refused) in [([1.0, 2.0, 3.0], 0), ([1.0, 2.0, -3.0], 1)] {
        let contract =
            "[dataset]\nmax_reject_share = 0.5\n\n[columns.v]\ntype = \"float\"\nmin = 0\n";
        let dir = temp_study(&[("study.toml", toml), ("p.contract.toml", contract)]);
        let source = dir.path().join("p.parquet");
        let mut df = df!("id" => [1i64, 2, 3], "v" => values).unwrap();
        ParquetWriter::new(std::fs::File::create(&source).unwrap())
            .finish(&mut df)
            .unwrap();
        let (code, _, err) = mizan(&["run", "."], dir.path());
        assert_eq!(code, 0, "{err}");
        let published = dir.path().join("out/data/p.parquet");
        let same = std::fs::read(&published).unwrap() == std::fs::read(&source).unwrap();
        assert_eq!(
            same,
            refused == 0,
            "published as is only when nothing changed"
        );
        assert_eq!(read_parquet(&published).height(), 3 - refused);
    }
}

/// A file of several chunks (more than `delimited::CHUNK_BYTES`) is typed
/// as one: a column the contract leaves open takes the type its cells need
/// anywhere in the file, a key repeated across chunks is refused with the
/// first line, and every reject keeps its line, reason and cells as read.
#[test]
fn a_file_of_many_chunks_is_typed_and_checked_as_one() {
    let contract = "[dataset]\nkey = [\"id\"]\nmax_reject_share = 0.01\n\n[columns.id]\ntype = \"integer\"\nrequired = true\n\n[columns.age]\ntype = \"integer\"\nmin = 0\nmax = 110\n";
    let rows = 400_000;
    let pad = "x".repeat(40);
    let mut data = String::from("id,age,score,note\n");
    for i in 0..rows {
        // Bad cells far apart: a non-integer age, an age out of range, the
        // first id again, and a score with decimals in the last row only.
        let age = match i {
            1_000 => "abc".to_string(),
            250_000 => "150".to_string(),
            _ => (i % 90).to_string(),
        };
        let id = if i == 390_000 { 7 } else { i };
        let score = if i == rows - 1 {
            "2.5".to_string()
        } else {
            (i % 13).to_string()
        };
        data += &format!("{id},{age},{score},\"{pad} {i}\"\n");
    }
    assert!(data.len() > 2 * mizan::ingest::delimited::CHUNK_BYTES);
    let dir = temp_study(&[
        (
            "study.toml",
            "[study]\nid = \"t\"\ntitle = \"T\"\n\n[datasets.people]\npath = \"people.csv\"\ncontract = \"people.contract.toml\"\n\n[[indicators]]\nid = \"n\"\ndataset = \"people\"\nstatistic = \"count\"\n",
        ),
        ("people.csv", &data),
        ("people.contract.toml", contract),
    ]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let kept = read_parquet(&dir.path().join("out/data/people.parquet"));
    let rejects = read_parquet(&dir.path().join("out/rejects/people.parquet"));
    assert_eq!((kept.height(), rejects.height()), (rows - 3, 3));
    // Row i is on line i + 2.
    assert_eq!(reject_lines(&rejects), vec![1_002, 250_002, 390_002]);
    assert_eq!(
        reject_reasons(&rejects),
        vec![
            "column `age`: `abc` is not an integer",
            "column `age`: 150 is outside the allowed range 0 to 110",
            "duplicate key id=7 (first at line 9)",
        ]
    );
    let note = rejects.column("note").unwrap().str().unwrap().get(2);
    assert_eq!(note, Some(format!("{pad} 390000").as_str()));
    // `score` is a float everywhere because of its last cell; the rest of
    // the rows are all there, in file order.
    assert_eq!(kept.column("score").unwrap().dtype(), &DataType::Float64);
    let score = kept.column("score").unwrap().f64().unwrap();
    assert_eq!(score.get(rows - 4), Some(2.5));
    assert_eq!(score.get(20), Some(7.0));
    let ids = kept.column("id").unwrap().i64().unwrap();
    assert_eq!(ids.get(1_000), Some(1_001));
    assert_eq!(
        ids.sum(),
        Some((0..rows as i64).sum::<i64>() - 1_000 - 250_000 - 390_000)
    );
}
