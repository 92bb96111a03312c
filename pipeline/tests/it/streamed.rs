//! A Parquet survey above `[study.engine] stream_rows` is estimated batch
//! by batch from its file: the same indicators (to 1e-12), design summary
//! and codebook as from its rows in memory, R's values on the api data,
//! and errors that say where in the file they are.

use std::path::Path;

use polars::prelude::*;

use crate::common::{api_data, close, fixtures, mizan, records, temp_study};

/// R's api cluster sample (`apiclus1`) as Parquet, with a stratified copy
/// (strata `stype`, clusters `dnum` nested in them) for the second design.
fn api_parquet(dir: &Path, negative_weight_row: Option<usize>) {
    let text = api_data("apiclus1.csv");
    let mut df = CsvReadOptions::default()
        .with_has_header(true)
        .into_reader_with_file_handle(std::io::Cursor::new(text.into_bytes()))
        .finish()
        .expect("csv");
    if let Some(row) = negative_weight_row {
        let mut w: Vec<f64> = df
            .column("pw")
            .expect("pw")
            .f64()
            .expect("f64")
            .into_no_null_iter()
            .collect();
        w[row] = -1.0;
        df.with_column(Column::new("pw".into(), w)).expect("pw");
    }
    let file = std::fs::File::create(dir.join("api.parquet")).expect("create");
    ParquetWriter::new(file).finish(&mut df).expect("parquet");
}

const INDICATORS: &str = r#"
[[indicators]]
id = "mean_api00"
dataset = "api"
statistic = "mean"
expr = "api00"
by = ["stype", ["stype", "awards"]]

[[indicators]]
id = "total_enroll_sub"
dataset = "api"
statistic = "total"
expr = "enroll"
where = "enroll > 500"
by = ["stype"]

[[indicators]]
id = "proportion_schwide"
dataset = "api"
statistic = "proportion"
expr = "\"sch.wide\" = 'Yes'"
by = ["stype"]

[[indicators]]
id = "ratio_stu_enroll"
dataset = "api"
statistic = "ratio"
numerator = "\"api.stu\""
denominator = "enroll"
by = ["awards"]
"#;

/// The study over `api.parquet` with `design`, streamed in batches of
/// `batch` rows or (`None`) read into memory.
fn study(design: &str, batch: Option<usize>) -> String {
    let engine = match batch {
        Some(b) => format!("[study.engine]\nstream_rows = 0\nbatch_rows = {b}\n\n"),
        None => String::new(),
    };
    format!(
        "[study]\nid = \"api\"\ntitle = \"api\"\n\n{engine}[datasets.api]\npath = \"api.parquet\"\n\n[datasets.api.design]\n{design}\n{INDICATORS}"
    )
}

/// Runs the study and returns its output folder's CSV files.
fn run(dir: &Path, spec: &str) -> (String, String, String) {
    std::fs::write(dir.join("study.toml"), spec).expect("spec");
    let (code, _, err) = mizan(&["run", ".", "--out", "out", "-q", "--force"], dir);
    assert_eq!(code, 0, "{err}");
    let read = |f: &str| std::fs::read_to_string(dir.join("out").join(f)).expect(f);
    (
        read("indicators.csv"),
        read("design.csv"),
        read("codebook.csv"),
    )
}

/// Every cell of two CSV tables agrees: text exactly, numbers to `rel`
/// (or within `rel` of each other near zero).
fn same_tables(a: &str, b: &str, rel: f64, what: &str) {
    let (a, b) = (records(a), records(b));
    assert_eq!(a.len(), b.len(), "{what}: rows");
    for (x, y) in a.iter().zip(&b) {
        for (u, v) in x.iter().zip(y) {
            match (u.parse::<f64>(), v.parse::<f64>()) {
                (Ok(p), Ok(q)) if (p - q).abs() <= rel => {}
                (Ok(p), Ok(q)) => close(p, q, rel, &format!("{what}: {x:?}")),
                _ => assert_eq!(u, v, "{what}: {x:?} vs {y:?}"),
            }
        }
    }
}

/// A streamed run's indicators, design summary and codebook are those of
/// the run that `held` the rows in memory, to 1e-12.
fn same_outputs(
    streamed: &(String, String, String),
    held: &(String, String, String),
    batch: usize,
) {
    same_tables(
        &streamed.0,
        &held.0,
        1e-12,
        &format!("indicators, batches of {batch}"),
    );
    same_tables(
        &streamed.1,
        &held.1,
        1e-12,
        &format!("design, batches of {batch}"),
    );
    same_tables(
        &streamed.2,
        &held.2,
        1e-12,
        &format!("codebook, batches of {batch}"),
    );
}

#[test]
fn a_survey_streamed_in_batches_gives_the_numbers_of_its_rows_in_memory() {
    let clus1 = "weights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"";
    let stratified = "weights = \"pw\"\nstrata = \"stype\"\nclusters = \"dnum\"\nnest = true";
    for design in [clus1, stratified] {
        let dir = temp_study(&[]);
        api_parquet(dir.path(), None);
        let held = run(dir.path(), &study(design, None));
        // 183 rows in batches of 1, 7 and 50: every batch sees only some
        // PSUs, strata and domains.
        for batch in [1, 7, 50] {
            let streamed = run(dir.path(), &study(design, Some(batch)));
            same_outputs(&streamed, &held, batch);
        }
    }
}

#[test]
fn the_streamed_cluster_sample_matches_r_survey() {
    let dir = temp_study(&[]);
    api_parquet(dir.path(), None);
    let design = "weights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"";
    let (ind, _, _) = run(dir.path(), &study(design, Some(7)));
    let golden = std::fs::read_to_string(fixtures().join("survey-api/golden.csv")).expect("golden");
    let r = records(&golden);
    let want = |stat: &str, var: &str| {
        r.iter()
            .find(|g| {
                &g[0] == "clus1"
                    && &g[1] == stat
                    && &g[2] == var
                    && g[3].is_empty()
                    && g[4].is_empty()
            })
            .unwrap_or_else(|| panic!("golden {stat} {var}"))
            .clone()
    };
    let rows = records(&ind);
    let header = csv::Reader::from_reader(ind.as_bytes())
        .headers()
        .expect("header")
        .clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let overall = |id: &str| {
        rows.iter()
            .find(|x| &x[col("indicator")] == id && x[col("by")].is_empty())
            .unwrap_or_else(|| panic!("{id}"))
            .clone()
    };
    for (id, stat, var) in [
        ("mean_api00", "mean", "api00"),
        ("proportion_schwide", "proportion", "sch.wide == 'Yes'"),
        ("ratio_stu_enroll", "ratio", "api.stu/enroll"),
    ] {
        let g = want(stat, var);
        let got = overall(id);
        let num = |v: &str| v.parse::<f64>().expect("a number");
        close(
            num(&got[col("estimate")]),
            num(&g[5]),
            1e-9,
            &format!("{id} estimate"),
        );
        close(num(&got[col("se")]), num(&g[6]), 1e-7, &format!("{id} se"));
    }
}

#[test]
fn a_bad_weight_in_a_later_batch_is_refused_with_where_it_is_and_nothing_published() {
    let dir = temp_study(&[]);
    api_parquet(dir.path(), Some(100));
    let design = "weights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"";
    std::fs::write(dir.path().join("study.toml"), study(design, Some(50))).expect("spec");
    let (code, _, err) = mizan(&["run", ".", "--out", "out", "-q"], dir.path());
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("weight column `pw`") && err.contains("in rows 101–150 of the file"),
        "{err}"
    );
    assert!(
        !dir.path().join("out/indicators.csv").exists(),
        "nothing published"
    );
}

#[test]
fn a_streamed_file_rewritten_during_the_run_is_caught() {
    let dir = temp_study(&[]);
    api_parquet(dir.path(), None);
    let design = "weights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"";
    std::fs::write(dir.path().join("study.toml"), study(design, Some(50))).expect("spec");
    let study = mizan::spec::load(dir.path()).expect("spec");
    let ds = &study.datasets[0];
    let source = mizan::indicators::streamed::source_for(&study, ds, &ds.path)
        .expect("metadata")
        .expect("streamed: 183 rows > stream_rows = 0");
    assert!(source.unchanged(ds).is_ok());
    // Another sample written over it (other bytes, other size).
    api_parquet(dir.path(), Some(3));
    let mut extra = std::fs::OpenOptions::new()
        .append(true)
        .open(&ds.path)
        .expect("open");
    std::io::Write::write_all(&mut extra, b"\n").expect("append");
    let err = source.unchanged(ds).expect_err("rewritten").to_string();
    assert!(
        err.contains("changed while the run was reading it"),
        "{err}"
    );
}

#[test]
fn a_large_survey_that_needs_its_rows_is_held_in_memory_and_the_run_says_why() {
    let dir = temp_study(&[]);
    api_parquet(dir.path(), None);
    let design = "weights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"";
    let median = "\n[[indicators]]\nid = \"median_api00\"\ndataset = \"api\"\nstatistic = \"quantile\"\nquantile = 0.5\nexpr = \"api00\"\n";
    let (held, _, _) = run(dir.path(), &(study(design, Some(7)) + median));
    let (_, _, err) = mizan(&["run", ".", "--out", "out", "--force"], dir.path());
    assert!(
        err.contains("dataset `api` has 183 rows, more than [study.engine] stream_rows (0), but is held in memory: indicator `median_api00` needs its rows (quantile)"),
        "{err}"
    );
    let (in_memory, _, _) = run(dir.path(), &(study(design, None) + median));
    assert_eq!(held, in_memory, "the same run as without [study.engine]");
}

/// The api cluster sample as a CSV file checked by a contract, with two
/// bad rows (a weight that is not a number, a score out of range), two
/// declared missing codes of `api00` (three rows each) and coded `stype`
/// (its codebook lines in code order, whichever batch sees a code first).
fn api_csv(dir: &Path) {
    let text = api_data("apiclus1.csv");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Line 11: its weight (the last cell) made unreadable; line 51: api00 of -5.
    let weight_at = lines[10].rfind(',').expect("cells");
    lines[10].replace_range(weight_at + 1.., "n/a");
    let mut cells: Vec<String> = lines[50].split(',').map(str::to_string).collect();
    cells[11] = "-5".into();
    lines[50] = cells.join(",");
    std::fs::write(dir.join("api.csv"), lines.join("\n") + "\n").expect("csv");
    let contract = "[dataset]\nmax_reject_share = 0.05\n\n[columns.pw]\ntype = \"float\"\nrequired = true\nmin = 0\n\n[columns.dnum]\ntype = \"integer\"\nrequired = true\n\n[columns.api00]\ntype = \"integer\"\nmin = 200\nmax = 1000\nmissing = { 714 = \"Refused\", 709 = \"Don't know\" }\n\n[columns.enroll]\ntype = \"integer\"\n\n[columns.fpc]\ntype = \"float\"\n\n[columns.stype]\ntype = \"string\"\ncodes = { E = \"Elementary\", H = \"High\", M = \"Middle\" }\n";
    std::fs::write(dir.join("api.contract.toml"), contract).expect("contract");
}

/// Rows of a Parquet file.
fn parquet_rows(path: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).expect("open"))
        .finish()
        .expect("parquet")
}

#[test]
fn a_large_survey_with_a_contract_is_checked_into_typed_parquet_as_it_comes_and_estimated_from_it()
{
    // The CSV with two bad rows; the Parquet file with a negative weight in
    // row 101 (refused by the contract's `min = 0`).
    for (source, kept, refused) in [("api.csv", 181, "11, 51"), ("api.parquet", 182, "101")] {
        let dir = temp_study(&[]);
        api_csv(dir.path());
        api_parquet(dir.path(), Some(100));
        let design = "weights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"";
        let with_contract = |batch| {
            study(design, batch).replace(
                "path = \"api.parquet\"",
                &format!("path = \"{source}\"\ncontract = \"api.contract.toml\""),
            )
        };
        let held = run(dir.path(), &with_contract(None));
        let out = dir.path().join("out");
        // What the methods say of the rows the missing codes took out.
        let left_out = || {
            let report = std::fs::read_to_string(out.join("report.md")).expect("report");
            report
                .lines()
                .filter(|l| l.contains("declared missing code"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        let said = left_out();
        assert!(
            said.iter().any(|l| l
                .replace('\\', "")
                .contains("709 (Don't know): 3 rows, 714 (Refused): 3 rows")),
            "{said:?}"
        );
        let (data, rejects) = (
            parquet_rows(&out.join("data/api.parquet")),
            parquet_rows(&out.join("rejects/api.parquet")),
        );
        assert_eq!(data.height(), kept, "{source}");
        let lines: Vec<String> = rejects
            .column("line")
            .expect("line")
            .u64()
            .expect("u64")
            .into_no_null_iter()
            .map(|l| l.to_string())
            .collect();
        assert_eq!(lines.join(", "), refused, "{source}: rejected lines");
        for batch in [1, 7, 50] {
            let streamed = run(dir.path(), &with_contract(Some(batch)));
            same_outputs(&streamed, &held, batch);
            assert_eq!(
                left_out(),
                said,
                "{source}, batches of {batch}: missing codes"
            );
            // The typed rows written as they came are the rows kept in memory.
            assert!(data.equals_missing(&parquet_rows(&out.join("data/api.parquet"))));
            assert!(rejects.equals_missing(&parquet_rows(&out.join("rejects/api.parquet"))));
            let manifest = std::fs::read_to_string(out.join("manifest.json")).expect("manifest");
            assert!(
                manifest.contains(&format!("\"batch_rows\": {batch}")),
                "{source}: streamed"
            );
        }
        // A later run that reads the checked rows back (only an indicator
        // changed) streams them too: the same bytes as a run from the source.
        let edited = with_contract(Some(7)).replace("enroll > 500", "enroll > 400");
        std::fs::write(dir.path().join("study.toml"), &edited).expect("spec");
        let (code, _, err) = mizan(&["run", ".", "--out", "out", "-q"], dir.path());
        assert_eq!(code, 0, "{err}");
        let reused = std::fs::read_to_string(out.join("indicators.csv")).expect("indicators");
        let (forced, _, _) = run(dir.path(), &edited);
        assert_eq!(
            reused, forced,
            "{source}: reading the typed rows back changes nothing"
        );
        let (code, said, err) = mizan(&["validate", "."], dir.path());
        assert_eq!(code, 0, "{err}");
        let counts = format!("183 rows read, {kept} kept, {} rejected", 183 - kept);
        assert!(said.contains(&counts), "{said}");
    }
}

#[test]
fn a_large_csv_whose_contract_has_a_key_is_held_in_memory_and_the_run_says_why() {
    let dir = temp_study(&[]);
    api_csv(dir.path());
    let contract = dir.path().join("api.contract.toml");
    let text = std::fs::read_to_string(&contract).expect("contract");
    std::fs::write(
        &contract,
        text.replace("[dataset]\n", "[dataset]\nkey = [\"cds\"]\n")
            + "\n[columns.cds]\ntype = \"string\"\n",
    )
    .expect("contract");
    let design = "weights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"";
    let spec = study(design, Some(7)).replace(
        "path = \"api.parquet\"",
        "path = \"api.csv\"\ncontract = \"api.contract.toml\"",
    );
    std::fs::write(dir.path().join("study.toml"), spec).expect("spec");
    let (code, _, err) = mizan(&["run", ".", "--out", "out", "--force"], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("dataset `api` has 183 rows, more than [study.engine] stream_rows (0), but is held in memory: its contract's key is checked across all rows at once"),
        "{err}"
    );
    let manifest = std::fs::read_to_string(dir.path().join("out/manifest.json")).expect("manifest");
    assert!(!manifest.contains("batch_rows"), "held in memory");
}

#[test]
fn a_large_csv_refused_after_its_rows_were_written_leaves_the_last_outputs_as_they_were() {
    let dir = temp_study(&[]);
    api_csv(dir.path());
    let design = "weights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"";
    let spec = study(design, Some(7)).replace(
        "path = \"api.parquet\"",
        "path = \"api.csv\"\ncontract = \"api.contract.toml\"",
    );
    let (published, _, _) = run(dir.path(), &spec);
    let data = std::fs::read(dir.path().join("out/data/api.parquet")).expect("data");
    // Two rejects of 183 are now too many: the kept rows were already
    // written when the share is checked.
    let contract = dir.path().join("api.contract.toml");
    let text = std::fs::read_to_string(&contract).expect("contract");
    std::fs::write(
        &contract,
        text.replace("max_reject_share = 0.05", "max_reject_share = 0.001"),
    )
    .expect("contract");
    let (code, _, err) = mizan(&["run", ".", "--out", "out", "-q"], dir.path());
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("2 of 183 rows rejected"), "{err}");
    let out = dir.path().join("out");
    assert_eq!(
        std::fs::read_to_string(out.join("indicators.csv")).expect("kept"),
        published
    );
    assert_eq!(
        std::fs::read(out.join("data/api.parquet")).expect("kept"),
        data
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("study folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
