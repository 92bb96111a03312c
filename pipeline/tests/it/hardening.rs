//! What careless and hostile users did to Mizan, one test each (issue 10):
//! output folders it must not replace, locks that cannot be proved alive,
//! ambiguous or broken input, non-finite and empty results, odd files,
//! outputs safe to open, and messages that name what is wrong. Each of
//! these failed before its fix.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{mizan, temp_study};

const STUDY: &str = "[study]\nid = \"h\"\ntitle = \"Hardening\"\n\n[datasets.people]\npath = \"data/people.csv\"\n\n[datasets.people.design]\nweights = \"w\"\n\n[[indicators]]\nid = \"net\"\ndataset = \"people\"\nstatistic = \"proportion\"\nexpr = \"used = 1\"\nby = [\"region\"]\n\n[[charts]]\nid = \"by_region\"\nindicator = \"net\"\nkind = \"bar\"\nby = \"region\"\ntitle = \"Internet use\"\n";

/// 200 people in 4 regions.
fn people() -> String {
    let mut s = String::from("id,region,w,used\n");
    for i in 0..200 {
        s += &format!(
            "{i},{},{},{}\n",
            i % 4 + 1,
            10 + i % 7,
            usize::from(i % 3 != 0)
        );
    }
    s
}

fn study() -> tempfile::TempDir {
    temp_study(&[("study.toml", STUDY), ("data/people.csv", &people())])
}

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn publishing_never_replaces_a_folder_mizan_did_not_make() {
    let dir = study();
    std::fs::create_dir_all(dir.path().join("thesis")).unwrap();
    std::fs::write(dir.path().join("thesis/chapter1.txt"), "years of work").unwrap();
    std::fs::write(dir.path().join("afile.txt"), "mine").unwrap();
    let before = files(dir.path());
    for (out, why) in [
        ("data", "it holds the study's source"),
        (".", "it is the study's folder"),
        ("thesis", "not a Mizan output"),
        ("afile.txt", "it is a file"),
        ("/", "file-system root"),
        ("..", "it holds the study's folder"),
    ] {
        let (code, _, err) = mizan(&["run", ".", "--out", out], dir.path());
        assert_eq!(code, 2, "--out {out}: {err}");
        assert!(
            err.contains("refusing to publish into"),
            "--out {out}: {err}"
        );
        assert!(err.contains(why), "--out {out}: {err}");
        assert_eq!(files(dir.path()), before, "--out {out} touched files");
    }
    assert!(!Path::new("/.staging").exists());
    // An empty folder and a previous output are fine, as is the default.
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    for args in [
        &["run", ".", "-o", "empty"][..],
        &["run", ".", "-o", "empty", "--force"][..],
        &["run", "."][..],
    ] {
        let (code, _, err) = mizan(args, dir.path());
        assert_eq!(code, 0, "{args:?}: {err}");
    }
    assert!(dir.path().join("empty/manifest.json").is_file());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("thesis/chapter1.txt")).unwrap(),
        "years of work"
    );
}

#[test]
fn a_staging_folder_mizan_did_not_make_is_left_alone() {
    let dir = study();
    std::fs::create_dir(dir.path().join(".out.staging")).unwrap();
    std::fs::write(dir.path().join(".out.staging/notes.txt"), "keep").unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not made by Mizan"), "{err}");
    assert!(dir.path().join(".out.staging/notes.txt").is_file());
}

/// A run killed between creating its staging folder and marking it leaves
/// the folder empty: the next run removes it (nothing is lost) and runs.
#[test]
fn an_empty_staging_folder_left_by_a_killed_run_is_removed() {
    let dir = study();
    std::fs::create_dir(dir.path().join(".out.staging")).unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("out/manifest.json").is_file());
    assert!(!dir.path().join(".out.staging").exists());
}

#[test]
fn locks_that_cannot_be_proved_alive_are_taken_over() {
    let dir = study();
    let lock = dir.path().join(".out.lock");
    // Empty, garbage, and a pid that is alive (this process) but holds no lock.
    for text in [
        String::new(),
        "\u{1b}[2Jgarbage".to_string(),
        format!("pid {} since 2026-11-28T00:00:00Z\n", std::process::id()),
    ] {
        std::fs::write(&lock, &text).unwrap();
        let (code, _, err) = mizan(&["run", ".", "--force"], dir.path());
        assert_eq!(code, 0, "lock {text:?}: {err}");
        if !text.is_empty() {
            assert!(err.contains("warning: took over the lock"), "{err}");
            assert!(!err.contains('\u{1b}'), "escape sequence echoed: {err:?}");
        }
        assert!(!lock.exists());
    }
    // A folder in the lock's place is not Mizan's: refused, never exit 4.
    std::fs::create_dir(&lock).unwrap();
    let (code, _, err) = mizan(&["run", ".", "--force"], dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(lock.is_dir());
}

#[test]
fn an_unterminated_quote_is_an_input_error_naming_its_line() {
    let mut csv = String::from("id,region,w,used\n");
    for i in 0..999 {
        if i == 498 {
            csv += &format!("{i},\"City,10,1\n");
        } else {
            csv += &format!("{i},{},10,1\n", i % 4 + 1);
        }
    }
    let dir = temp_study(&[("study.toml", STUDY), ("data/people.csv", &csv)]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("line 500: a quote opens a field and is never closed"),
        "{err}"
    );
    assert!(
        !dir.path().join("out/manifest.json").exists(),
        "nothing published"
    );
}

#[test]
fn line_numbers_count_every_line() {
    let contract =
        "[dataset]\nmax_reject_share = 0.5\n\n[columns.w]\ntype = \"float\"\nrequired = true\n";
    let toml = STUDY.replace(
        "path = \"data/people.csv\"\n",
        "path = \"data/people.csv\"\ncontract = \"people.contract.toml\"\n",
    );
    // Three blank lines, then rows with a value that is not a number.
    let csv = "id,region,w,used\n1,1,10,1\n\n\n\n2,1,abc,1\n3,1,NaN,0\n4,2,10,1\n";
    let dir = temp_study(&[
        ("study.toml", &toml),
        ("people.contract.toml", contract),
        ("data/people.csv", csv),
    ]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let rejects = crate::common::read_parquet(&dir.path().join("out/rejects/people.parquet"));
    assert_eq!(crate::common::reject_lines(&rejects), [6, 7]);
    let reasons = crate::common::reject_reasons(&rejects);
    assert_eq!(
        reasons[0], "column `w`: `abc` is not a number",
        "{reasons:?}"
    );
    assert_eq!(
        reasons[1], "column `w`: `NaN` is not a number",
        "{reasons:?}"
    );

    // An invalid byte on line 500 of a file whose lines end with CR alone.
    let mut bytes = b"id,region,w,used\r".to_vec();
    for i in 0..600 {
        if i == 498 {
            bytes.extend_from_slice(b"498,\xff,10,1\r");
        } else {
            bytes.extend_from_slice(format!("{i},1,10,1\r").as_bytes());
        }
    }
    std::fs::write(dir.path().join("data/people.csv"), bytes).unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("line 500: byte 0xFF"), "{err}");
}

#[test]
fn duplicate_header_names_are_an_input_error_naming_the_column() {
    let dir = temp_study(&[
        ("study.toml", STUDY),
        ("data/people.csv", "id,region,w,used,region\n1,1,1,1,2\n"),
    ]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("names column `region` twice"), "{err}");
}

const DEALS: &str = "[study]\nid = \"m\"\ntitle = \"M\"\n\n[datasets.deals]\npath = \"deals.csv\"\ndelimiter = \";\"\ncontract = \"deals.contract.toml\"\n\n[[indicators]]\nid = \"raised\"\ndataset = \"deals\"\nstatistic = \"sum\"\nexpr = \"amount\"\n";

#[test]
fn amounts_in_several_currencies_are_never_added() {
    let contract = "[dataset]\nmax_reject_share = 0.5\n\n[columns.amount]\ntype = \"money\"\nrequired = true\n";
    let data = "id;amount\n1;$250k\n2;300 000 MAD\n";
    let dir = temp_study(&[
        ("study.toml", DEALS),
        ("deals.csv", data),
        ("deals.contract.toml", contract),
    ]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("MAD (1 rows), USD (1 rows)"), "{err}");

    // The contract names the currency: the other is rejected with its reason,
    // and each amount keeps its currency in the published data.
    let contract = "[dataset]\nmax_reject_share = 0.5\n\n[columns.amount]\ntype = \"money\"\ncurrency = \"MAD\"\nrequired = true\n";
    let data = "id;amount\n1;$250k\n2;300 000 MAD\n3;1.2M MAD\n4;1,5\n5;2 500\n";
    std::fs::write(dir.path().join("deals.contract.toml"), contract).unwrap();
    std::fs::write(dir.path().join("deals.csv"), data).unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let table = std::fs::read_to_string(dir.path().join("out/indicators.csv")).unwrap();
    assert!(table.contains("raised,deals,,,total,1502500.0,"), "{table}");
    let rejects = crate::common::read_parquet(&dir.path().join("out/rejects/deals.parquet"));
    let reasons = crate::common::reject_reasons(&rejects);
    assert!(
        reasons[0].contains("is in USD; the contract allows amounts in MAD only"),
        "{reasons:?}"
    );
    assert!(reasons[1].contains("`1,5` is ambiguous"), "{reasons:?}");
    let data = crate::common::read_parquet(&dir.path().join("out/data/deals.parquet"));
    let currencies: Vec<&str> = data
        .column("amount_currency")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(currencies, ["MAD", "MAD", "MAD"]);
}

#[test]
fn a_probable_missing_value_marker_is_reported() {
    let mut csv = String::from("id,region,w,used\n");
    for i in 0..100 {
        let used = if i % 9 == 0 {
            "NA".to_string()
        } else {
            (i % 2).to_string()
        };
        csv += &format!("{i},{},1,{used}\n", i % 4 + 1);
    }
    let toml = STUDY.replace("expr = \"used = 1\"", "expr = \"used = '1'\"");
    let dir = temp_study(&[("study.toml", &toml), ("data/people.csv", &csv)]);
    for cmd in ["validate", "run"] {
        let (code, _, err) = mizan(&[cmd, "."], dir.path());
        assert_eq!(code, 0, "{cmd}: {err}");
        assert!(
            err.contains(
                "column `used`: numbers except `NA` (12 rows), probably a missing-value marker"
            ),
            "{cmd}: {err}"
        );
        assert!(
            err.contains("indicator `net` uses column `used`"),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn non_finite_and_empty_results_are_never_published_silently() {
    let dir = study();
    let toml = STUDY
        .replace("expr = \"used = 1\"", "expr = \"used / 0\"")
        .replace("proportion", "mean");
    std::fs::write(dir.path().join("study.toml"), toml).unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("indicator `net`: the estimate (overall) is"),
        "{err}"
    );
    assert!(
        !dir.path().join("out/manifest.json").exists(),
        "nothing published"
    );

    // A `where` that no row meets: an empty, suppressed row and a warning.
    let toml = STUDY.replace(
        "by = [\"region\"]\n",
        "by = [\"region\"]\nwhere = \"w > 1000\"\n",
    );
    std::fs::write(dir.path().join("study.toml"), toml).unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: indicator `net` has no value"),
        "{err}"
    );
    let table = std::fs::read_to_string(dir.path().join("out/indicators.csv")).unwrap();
    let overall = table
        .lines()
        .find(|l| l.starts_with("net,people,,"))
        .unwrap();
    assert!(
        overall.contains(",suppressed,"),
        "n = 0 is suppressed: {overall}"
    );

    // A header-only source replacing a full one is drift.
    std::fs::write(dir.path().join("study.toml"), STUDY).unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    std::fs::write(dir.path().join("data/people.csv"), "id,region,w,used\n").unwrap();
    let before = files(&dir.path().join("out"));
    let (code, _, err) = mizan(&["run", ".", "--fail-on-drift"], dir.path());
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("people: no rows read (200 in the last published run)"),
        "{err}"
    );
    assert_eq!(
        files(&dir.path().join("out")).len(),
        before.len() + 1,
        "only a run record added"
    );
}

#[test]
fn devices_and_fifos_are_refused_before_reading() {
    let dir = study();
    let fifo = dir.path().join("data/pipe.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("data/zero.csv")).unwrap();
    for path in ["data/zero.csv", "data/pipe.csv"] {
        let toml = STUDY.replace("data/people.csv", path);
        std::fs::write(dir.path().join("study.toml"), toml).unwrap();
        let start = Instant::now();
        let (code, _, err) = mizan(&["run", "."], dir.path());
        assert_eq!(code, 3, "{path}: {err}");
        assert!(err.contains("not a regular file"), "{err}");
        assert!(start.elapsed() < Duration::from_secs(20));
    }
}

#[test]
fn a_workbook_that_would_inflate_beyond_memory_is_refused() {
    use std::io::Write;
    // A real workbook's zip whose sheet declares 2 GiB once inflated.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    zip.write_all(b"<worksheet/>").unwrap();
    let mut bytes = zip.finish().unwrap().into_inner();
    // Patch the uncompressed size in the central directory (offset 24 of its record).
    let cd = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
    bytes[cd + 24..cd + 28].copy_from_slice(&(2u32 << 30).to_le_bytes());
    let dir = study();
    std::fs::write(dir.path().join("data/people.xlsx"), bytes).unwrap();
    std::fs::write(
        dir.path().join("study.toml"),
        STUDY.replace("people.csv", "people.xlsx"),
    )
    .unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("inflates to more than 1024 MiB"), "{err}");
}

#[test]
fn ten_thousand_categories_and_a_huge_label_draw_quickly() {
    let mut csv = String::from("id,region,w,used\n");
    for i in 0..10_000 {
        csv += &format!("{i},r{i},1,{}\n", i % 2);
    }
    csv += &format!("10000,{},1,1\n", "long words ".repeat(100_000));
    let dir = temp_study(&[("study.toml", STUDY), ("data/people.csv", &csv)]);
    let start = Instant::now();
    let (code, _, err) = mizan(&["run", ".", "-q"], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(120),
        "{:?}",
        start.elapsed()
    );
    assert!(
        err.contains("chart `by_region` draws 40 of its 10001 categories"),
        "{err}"
    );
    let png = std::fs::metadata(dir.path().join("out/figures/by_region.png")).unwrap();
    assert!(png.len() < 5_000_000, "{} bytes", png.len());
    let svg = std::fs::read_to_string(dir.path().join("out/figures/by_region.svg")).unwrap();
    assert!(svg.contains("40 largest values are drawn"), "note missing");
    assert!(svg.len() < 200_000, "{} bytes", svg.len());
    // The tables keep every category, whole.
    let table = std::fs::read_to_string(dir.path().join("out/indicators.csv")).unwrap();
    assert_eq!(
        table
            .lines()
            .filter(|l| l.starts_with("net,people,region,"))
            .count(),
        10_001
    );
}

#[test]
fn too_many_jobs_are_capped_by_the_machine() {
    let dir = study();
    let (code, _, err) = mizan(&["run", ".", "-j", "100000"], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("--jobs 100000 is more than this machine's"),
        "{err}"
    );
}

#[test]
fn outputs_are_safe_to_open_in_a_spreadsheet_a_markdown_viewer_and_an_svg_parser() {
    let mut csv = String::from("id,region,w,used\n");
    let regions = [
        "=HYPERLINK(\"x\")",
        "[x](javascript:alert(1))",
        "Nord\u{1b}[31m\u{c}",
        "-3",
    ];
    for i in 0..200 {
        csv += &format!(
            "{i},\"{}\",1,{}\n",
            regions[i % 4].replace('"', "\"\""),
            i % 2
        );
    }
    let toml = STUDY.replace(
        "title = \"Internet use\"",
        "title = \"T](javascript:alert(1)) ![y\"",
    );
    let dir = temp_study(&[("study.toml", &toml), ("data/people.csv", &csv)]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("out");
    let table = std::fs::read_to_string(out.join("indicators.csv")).unwrap();
    assert!(table.contains(",\"'=HYPERLINK(\"\"x\"\")\","), "{table}");
    assert!(
        table.contains(",region,-3,"),
        "a number stays a number: {table}"
    );
    let figure = std::fs::read_to_string(out.join("figures/by_region.csv")).unwrap();
    assert!(figure.contains("'=HYPERLINK"), "{figure}");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains("](javascript"), "{md}");
    assert!(
        md.contains("T\\]\\(javascript:alert\\(1\\)\\) \\!\\[y"),
        "{md}"
    );
    for f in [
        "report.html",
        "report.md",
        "indicators.csv",
        "figures/by_region.svg",
    ] {
        let text = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(
            !text.contains(['\u{1b}', '\u{c}', '\0']),
            "{f} holds a control character"
        );
    }
    // The SVG parses: its PNG was rasterised from it.
    assert!(out.join("figures/by_region.png").is_file());
}

#[test]
fn verify_reports_planted_files_and_a_damaged_manifest() {
    let dir = study();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    std::fs::write(dir.path().join("out/figures/planted.svg"), "<svg/>").unwrap();
    let (code, out, err) = mizan(&["verify", "out"], dir.path());
    assert_eq!(code, 6, "{out}{err}");
    assert!(
        format!("{out}{err}")
            .contains("figures/planted.svg is in the output folder but not in manifest.json"),
        "{out}{err}"
    );
    std::fs::remove_file(dir.path().join("out/figures/planted.svg")).unwrap();
    std::fs::write(dir.path().join("out/manifest.json"), "{ not json").unwrap();
    let (code, out, err) = mizan(&["verify", "out"], dir.path());
    assert_eq!(code, 6, "{out}{err}");
    assert!(err.contains("is damaged"), "{err}");
}

#[test]
fn validate_refuses_what_run_refuses() {
    let cases = [
        (
            STUDY.replace("weights = \"w\"", "weights = \"WTMEC2Y\""),
            people(),
            "design column `WTMEC2Y` not found",
        ),
        (
            STUDY.replace(
                "weights = \"w\"",
                "weights = \"w\"\nstrata = \"region\"\nclusters = \"psu\"",
            ),
            people()
                .replace("id,region,w,used", "psu,region,w,used")
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    if i == 0 {
                        l.to_string()
                    } else {
                        let mut p: Vec<String> = l.split(',').map(str::to_string).collect();
                        p[0] = (i % 5).to_string();
                        p.join(",")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
            "dataset `people`, survey design:",
        ),
        (
            format!(
                "{STUDY}\n[[comparisons]]\nid = \"c\"\nindicator = \"net\"\nby = \"region\"\na = \"North\"\nb = \"2\"\n"
            ),
            people(),
            "North",
        ),
    ];
    for (toml, csv, expected) in cases {
        let dir = temp_study(&[("study.toml", &toml), ("data/people.csv", &csv)]);
        let (vcode, _, verr) = mizan(&["validate", "."], dir.path());
        let (rcode, _, rerr) = mizan(&["run", "."], dir.path());
        assert_ne!(rcode, 0, "run accepted it: {rerr}");
        assert_eq!(vcode, rcode, "validate: {verr}\nrun: {rerr}");
        assert!(verr.contains(expected), "{verr}");
    }
}

#[test]
fn errors_name_the_indicator_key_and_types() {
    let toml = STUDY.replace(
        "expr = \"used = 1\"",
        "expr = \"region = 'North' AND used = 'x'\"",
    );
    let dir = temp_study(&[("study.toml", &toml), ("data/people.csv", &people())]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("study.toml:"), "{err}");
    assert!(err.contains("indicator `net`: expr:"), "{err}");
    assert!(err.contains("`used` is i64"), "{err}");
}

#[test]
fn exit_codes_are_as_documented() {
    let dir = study();
    // init into a file: an argument error.
    std::fs::write(dir.path().join("taken"), "x").unwrap();
    assert_eq!(mizan(&["init", "taken"], dir.path()).0, 2);
    // Negative weights without a contract: bad data.
    let csv = people().replacen("\n0,1,10,", "\n0,1,-10,", 1);
    std::fs::write(dir.path().join("data/people.csv"), csv).unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 3, "{err}");
    std::fs::write(dir.path().join("data/people.csv"), people()).unwrap();
    for (toml, expected) in [
        (
            STUDY.replace("path = \"data/people.csv\"\n", "path = \"data/people.csv\"\nsheet = \"Feuil1\"\n"),
            "`sheet` belongs to a workbook",
        ),
        (
            STUDY.replace("path = \"data/people.csv\"\n", "path = \"data/people.csv\"\nunpivot = { index = [\"nope\"], variable = \"k\", value = \"v\" }\n"),
            "unpivot index column `nope`",
        ),
        (
            format!("{STUDY}\n[[comparisons]]\nid = \"c\"\nindicator = \"net\"\nversus = \"net\"\n"),
            "names indicator `net` itself",
        ),
    ] {
        std::fs::write(dir.path().join("study.toml"), toml).unwrap();
        let (code, _, err) = mizan(&["run", "."], dir.path());
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(expected), "{err}");
    }
}
