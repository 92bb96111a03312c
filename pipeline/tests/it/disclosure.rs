//! Statistical disclosure control: a dominated registry amount and a
//! survey domain with too few respondents are withheld everywhere, with the
//! complementary cells that keep them from being recovered by subtraction —
//! checked against patterns worked out by hand and by searching every
//! output file for the confidential numbers.

use std::path::Path;

use polars::prelude::SerWriter;

use crate::common::{mizan, records, temp_study};

/// Funding rounds of a 3 × 3 table of regions by sectors. Every cell but
/// (R1, S1) has four startups of equal shares; (R1, S1) is 1,313,579 of
/// which startup `a` holds 911,111 in two rounds (69%: (1, 0.6)-dominated
/// once its rounds are added up, not round by round). The cells to hide
/// read 1.3 M, 0.8 M, 0.9 M and 0.6 M where rounded to a tenth of a
/// million: no published cell or margin does.
const GRID: [[u64; 3]; 3] = [
    [1_313_579, 813_597, 2_031_113],
    [913_531, 563_519, 2_113_151],
    [3_011_317, 2_531_171, 4_013_711],
];

fn funding_csv() -> String {
    let mut s = String::from("startup,region,sector,amount\n");
    for (r, row) in GRID.iter().enumerate() {
        for (c, &total) in row.iter().enumerate() {
            let (region, sector) = (format!("R{}", r + 1), format!("S{}", c + 1));
            if (r, c) == (0, 0) {
                for (who, amount) in [
                    ("a", 455_555),
                    ("a", 455_556),
                    ("b", 201_234),
                    ("c", 201_234),
                ] {
                    s += &format!("{who},{region},{sector},{amount}\n");
                }
                continue;
            }
            let share = total / 4;
            for k in 0..4 {
                let amount = if k == 3 { total - 3 * share } else { share };
                s += &format!("s{r}{c}{k},{region},{sector},{amount}\n");
            }
        }
    }
    s
}

fn funding_study(disclosure: &str) -> String {
    format!(
        "[study]\nid = \"funding\"\ntitle = \"Funding\"\n{disclosure}\n[datasets.funding]\npath = \"funding.csv\"\n\n[[indicators]]\nid = \"amount\"\ndataset = \"funding\"\nstatistic = \"total\"\nexpr = \"amount\"\nby = [\"region\", \"sector\", [\"region\", \"sector\"]]\n\n[[charts]]\nid = \"grid\"\nindicator = \"amount\"\nkind = \"heatmap\"\nby = \"region\"\nseries = \"sector\"\n\n[[charts]]\nid = \"regions\"\nindicator = \"amount\"\nkind = \"bar\"\nby = \"region\"\n\n[report]\n[[report.sections]]\ntitle = \"Funding\"\ncharts = [\"grid\", \"regions\"]\nindicators = [\"amount\"]\n"
    )
}

const RULES: &str = "\n[study.disclosure]\ndominance = { n = 1, k = 0.6 }\ncontributors = { funding = \"startup\" }\n";

/// The ways a number can be written in the outputs: plain, with the
/// thousands separators of each language, and in millions to a tenth.
fn spellings(v: u64) -> Vec<String> {
    let millions = format!("{:.1}", v as f64 / 1e6);
    let mut out: Vec<String> = [".", ","]
        .iter()
        .flat_map(|point| {
            let m = millions.replace('.', point);
            [" ", "\u{a0}", "\u{202f}"].map(move |space| format!("{m}{space}M"))
        })
        .collect();
    let plain = v.to_string();
    let mut grouped = Vec::new();
    for (i, ch) in plain.chars().enumerate() {
        if i > 0 && (plain.len() - i).is_multiple_of(3) {
            grouped.push(None);
        }
        grouped.push(Some(ch));
    }
    let with = |sep: &str| {
        grouped
            .iter()
            .map(|c| c.map_or(sep.to_string(), |c| c.to_string()))
            .collect::<String>()
    };
    out.extend([
        plain.clone(),
        with(","),
        with(" "),
        with("\u{202f}"),
        with("\u{a0}"),
        with("."),
    ]);
    out
}

/// Every output file's text as a reader gets it: Parquet as its rows, the
/// PDF as its text (poppler), the rest as bytes. The ingested rows
/// (`data/`, `rejects/`) are the microdata, not a publication; a PNG is
/// the SVG beside it rasterised.
fn published_texts(out: &Path) -> Vec<(String, String)> {
    let mut texts = Vec::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .to_string();
            if path.is_dir() {
                if rel != "data" && rel != "rejects" {
                    stack.push(path);
                }
                continue;
            }
            let text = match path.extension().and_then(|e| e.to_str()) {
                Some("png") => continue,
                Some("parquet") => {
                    let mut df = crate::common::read_parquet(&path);
                    let lists: Vec<String> = df
                        .columns()
                        .iter()
                        .filter(|c| matches!(c.dtype(), polars::prelude::DataType::List(_)))
                        .map(|c| c.name().to_string())
                        .collect();
                    df = df.drop_many(lists);
                    let mut buf = Vec::new();
                    polars::prelude::CsvWriter::new(&mut buf)
                        .finish(&mut df)
                        .unwrap();
                    String::from_utf8(buf).unwrap()
                }
                Some("pdf") => match std::process::Command::new("pdftotext")
                    .arg(&path)
                    .arg("-")
                    .output()
                {
                    Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
                    _ if std::env::var_os("MIZAN_REQUIRE_POPPLER").is_some() => {
                        panic!("pdftotext is required to read {rel}")
                    }
                    _ => continue,
                },
                _ => String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned(),
            };
            texts.push((rel, text));
        }
    }
    texts.sort();
    texts
}

/// The files in which any of `values` is written.
fn leaks(out: &Path, values: &[u64]) -> Vec<String> {
    let mut found = Vec::new();
    for (file, text) in published_texts(out) {
        for v in values {
            if spellings(*v).iter().any(|s| text.contains(s.as_str())) {
                found.push(format!("{file}: {v}"));
            }
        }
    }
    found
}

fn column<'a>(header: &csv::StringRecord, rec: &'a csv::StringRecord, name: &str) -> &'a str {
    &rec[header.iter().position(|h| h == name).unwrap()]
}

#[test]
fn a_dominated_amount_is_withheld_with_the_cheapest_rectangle_and_nowhere_published() {
    let dir = temp_study(&[
        ("study.toml", &funding_study(RULES)),
        ("funding.csv", &funding_csv()),
    ]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("out");
    let table = std::fs::read_to_string(out.join("indicators.csv")).unwrap();
    let recs = records(&table);
    let header = csv::ReaderBuilder::new()
        .from_reader(table.as_bytes())
        .headers()
        .unwrap()
        .clone();
    let confidential: Vec<String> = recs
        .iter()
        .filter(|r| column(&header, r, "flag") == "confidential")
        .map(|r| column(&header, r, "domain").to_string())
        .collect();
    // By hand: (R1, S1) is dominated; its row's cheapest other cell is
    // (R1, S2), its column's (R2, S1), the table's (R2, S2) — a rectangle,
    // which lets (R1, S1) be up to min(813,597, 913,531) higher: more than
    // the 911,111 / 0.6 − 1,313,579 = 204,939 its rule asks.
    assert_eq!(
        confidential,
        ["R1 × S1", "R1 × S2", "R2 × S1", "R2 × S2"],
        "{table}"
    );
    for r in recs
        .iter()
        .filter(|r| column(&header, r, "flag") == "confidential")
    {
        for c in ["estimate", "n", "weighted_n", "ci_low", "ci_high"] {
            assert_eq!(column(&header, r, c), "", "{c} of a confidential cell");
        }
    }
    // The margins are published, and add up.
    let value = |domain: &str| -> f64 {
        recs.iter()
            .find(|r| column(&header, r, "domain") == domain)
            .map(|r| column(&header, r, "estimate").parse().unwrap())
            .unwrap()
    };
    let row1: u64 = GRID[0].iter().sum();
    assert_eq!(value("R1"), row1 as f64);
    let hidden = [GRID[0][0], GRID[0][1], GRID[1][0], GRID[1][1]];
    assert_eq!(leaks(&out, &hidden), Vec::<String>::new());
    let methods = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        methods.contains("4 cells confidential — 1 by the rules \\(1 dominated\\), 3 more")
            && methods.contains("when its largest contributor holds more than 60% of it"),
        "{methods}"
    );

    // The same study without the rules publishes them: the search finds
    // them when they are there.
    let open = temp_study(&[
        ("study.toml", &funding_study("")),
        ("funding.csv", &funding_csv()),
    ]);
    let (code, _, err) = mizan(&["run", "."], open.path());
    assert_eq!(code, 0, "{err}");
    let found = leaks(&open.path().join("out"), &hidden);
    for file in [
        "indicators.csv",
        "indicators.parquet",
        "report.html",
        "report.md",
        "report.pdf",
        "figures/grid.csv",
        "figures/grid.svg",
    ] {
        assert!(
            found.iter().any(|f| f.starts_with(&format!("{file}:"))),
            "{file} not searched: {found:?}"
        );
    }
}

#[test]
fn public_indicators_opt_out() {
    let study = funding_study(RULES).replace(
        "expr = \"amount\"\n",
        "expr = \"amount\"\ndisclosure = false\n",
    );
    let dir = temp_study(&[("study.toml", &study), ("funding.csv", &funding_csv())]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let table = std::fs::read_to_string(dir.path().join("out/indicators.csv")).unwrap();
    assert!(
        !table.contains("confidential") && table.contains("1313579"),
        "{table}"
    );
}

#[test]
fn rounds_of_one_startup_count_as_one_contributor() {
    // Round by round, `a`'s 455,556 is 45% of the cell: not dominated.
    let rules = "\n[study.disclosure]\ndominance = { n = 1, k = 0.6 }\n";
    let dir = temp_study(&[
        ("study.toml", &funding_study(rules)),
        ("funding.csv", &funding_csv()),
    ]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let table = std::fs::read_to_string(dir.path().join("out/indicators.csv")).unwrap();
    assert!(!table.contains("confidential"), "{table}");
}

#[test]
fn rules_out_of_range_are_refused_with_their_reason() {
    for (rules, says) in [
        (
            "dominance = { n = 2, k = 85 }",
            "`dominance.k` must be a share between 0 and 1 (a fraction: 0.85, not a percentage)",
        ),
        (
            "p_percent = 10",
            "`p_percent` must be a share between 0 and 1",
        ),
        ("min_n = 0", "`min_n` must be a whole number of at least 1"),
        ("protection = 0.1", "needs at least one rule"),
        (
            "min_n = 5\ncontributors = { firms = \"id\" }",
            "`firms` is not a dataset — datasets are: funding",
        ),
    ] {
        let study = funding_study(&format!("\n[study.disclosure]\n{rules}\n"));
        let dir = temp_study(&[("study.toml", &study), ("funding.csv", &funding_csv())]);
        let (code, _, err) = mizan(&["run", "."], dir.path());
        assert_eq!(code, 2, "{rules}: {err}");
        assert!(err.contains(says), "{rules}: {err}");
        assert!(err.contains("study.toml:"), "{rules}: {err}");
    }
}

/// A survey of 204 people in four regions, region D with 4 respondents
/// (weights chosen so that its estimate, 52.7 / 61 = 0.8639…, is written
/// nowhere else).
fn people_csv() -> String {
    let mut s = String::from("region,w,used,device\n");
    for (region, n) in [("A", 100), ("B", 60), ("C", 40)] {
        for i in 0..n {
            let w = 1.0 + (i % 5) as f64 * 0.5;
            let device = if i % 3 == 0 { "computer" } else { "phone" };
            let used = if region == "B" {
                u8::from(i % 3 != 0)
            } else {
                (i % 2) as u8
            };
            s += &format!("{region},{w},{used},{device}\n");
        }
    }
    for (w, used, device) in [
        (13.7, 1, "phone"),
        (21.9, 1, "computer"),
        (8.3, 0, "phone"),
        (17.1, 1, "computer"),
    ] {
        s += &format!("D,{w},{used},{device}\n");
    }
    s
}

const CODES: &str = "[columns.region]\ntype = \"string\"\ncodes = { A = \"Anfa\", B = \"Bouskoura\", C = \"Casablanca\", D = \"Dakhla\" }\n";

const REGIONS: &str = "region,urban\nA,0.7\nB,0.4\nC,0.55\nD,0.2\n";

const PEOPLE: &str = "[study]\nid = \"use\"\ntitle = \"Use\"\n\n[study.disclosure]\nmin_n = 10\n\n[datasets.regions]\npath = \"regions.csv\"\n\n[datasets.people]\npath = \"people.csv\"\ncontract = \"people.contract.toml\"\n[datasets.people.design]\nweights = \"w\"\n\n[[indicators]]\nid = \"use\"\ndataset = \"people\"\nstatistic = \"proportion\"\nexpr = \"used = 1\"\nby = [\"region\"]\nsmall_area = { method = \"fay_herriot\", covariates = { dataset = \"regions\", on = \"region\", columns = [\"urban\"] } }\n\n[[comparisons]]\nid = \"d_vs_a\"\nindicator = \"use\"\nby = \"region\"\na = \"D\"\nb = \"A\"\n\n[[comparisons]]\nid = \"b_vs_a\"\nindicator = \"use\"\nby = \"region\"\na = \"B\"\nb = \"A\"\n\n[[crosstabs]]\nid = \"devices\"\ndataset = \"people\"\nrows = \"region\"\ncolumns = \"device\"\n\n[[composites]]\nid = \"index\"\nunit = \"region\"\nnormalise = \"minmax\"\nimpute = \"mean\"\ncomponents = [{ indicator = \"use\" }]\n\n[[charts]]\nid = \"use_by_region\"\nindicator = \"use\"\nkind = \"bar\"\nby = \"region\"\n\n[report]\n[[report.sections]]\ntitle = \"Use\"\ncharts = [\"use_by_region\"]\n";

#[test]
fn a_survey_domain_under_min_n_is_withheld_in_every_table() {
    let dir = temp_study(&[
        ("study.toml", PEOPLE),
        ("people.csv", &people_csv()),
        ("people.contract.toml", CODES),
        ("regions.csv", REGIONS),
    ]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("out");
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
    let confidential = |file: &str, key: &[&str]| -> Vec<String> {
        let text = read(file);
        let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let header = r.headers().unwrap().clone();
        r.records()
            .map(Result::unwrap)
            .filter(|rec| column(&header, rec, "flag") == "confidential")
            .map(|rec| {
                key.iter()
                    .map(|k| column(&header, &rec, k))
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect()
    };
    // By hand: D (4 respondents) and, to keep it from being the overall
    // less A, B and C, the region with the fewest weighted users: C.
    assert_eq!(
        confidential("indicators.csv", &["domain", "statistic"]),
        ["C/proportion", "D/proportion"]
    );
    // The crosstab's D row: both cells under 10, each other's complement.
    assert_eq!(
        confidential("crosstabs.csv", &["row", "column"]),
        ["D/computer", "D/phone"]
    );
    // The codebook's counts of D, and of C (the smallest other code); no
    // single value (the weights' smallest and largest) at all.
    assert_eq!(
        confidential("codebook.csv", &["column", "value"]),
        ["region/C", "region/D"]
    );
    let codebook = read("codebook.csv");
    assert!(
        codebook
            .lines()
            .any(|l| l.starts_with("people,w,") && l.ends_with(",204,461.0,,,,")),
        "{codebook}"
    );
    // The index takes C and D as missing and imputes the mean of A and B,
    // min–max normalised to 0 and 100: 50.
    let scores = read("composites.csv");
    for rec in records(&scores) {
        let score: f64 = rec[4].parse().unwrap();
        let expected = match &rec[2] {
            "C" | "D" => 50.0,
            _ => score,
        };
        assert!((score - expected).abs() < 1e-9, "{scores}");
    }
    // D's EBLUP is published; its sample, direct estimate and shrinkage
    // (which would give the direct estimate back) are not.
    let areas = read("small_area.csv");
    let d = areas.lines().find(|l| l.starts_with("use,D,")).unwrap();
    let fields: Vec<&str> = d.split(',').collect();
    assert!(fields[2..6].iter().all(|f| f.is_empty()), "{areas}");
    assert!(!fields[6].is_empty() && fields[10].is_empty(), "{areas}");
    let comparisons = read("comparisons.csv");
    assert!(
        !comparisons.contains("d_vs_a") && comparisons.contains("b_vs_a"),
        "{comparisons}"
    );
    let text = published_texts(&out);
    for (file, t) in &text {
        for secret in ["0.8639", "86.4", "86,4"] {
            assert!(!t.contains(secret), "{file} holds {secret}");
        }
    }
    // The values are there to find without the rules.
    let open = temp_study(&[
        (
            "study.toml",
            &PEOPLE.replace("[study.disclosure]\nmin_n = 10\n", ""),
        ),
        ("people.csv", &people_csv()),
        ("people.contract.toml", CODES),
        ("regions.csv", REGIONS),
    ]);
    let (code, _, err) = mizan(&["run", "."], open.path());
    assert_eq!(code, 0, "{err}");
    let t = std::fs::read_to_string(open.path().join("out/indicators.csv")).unwrap();
    assert!(t.contains("0.8639"), "{t}");
    let html = std::fs::read_to_string(open.path().join("out/report.html")).unwrap();
    assert!(html.contains("86.4"), "the report shows D's 86.4%");
}

/// The example's funding by region × sector (in `out`, a run of
/// `reports/example`), checked against the registries themselves: every
/// cell the (2, 85%) dominance or the 10% rule makes confidential by hand
/// is withheld, every published cell is the hand total, no row, column or
/// margin holds a single withheld cell, and an attacker solving the table
/// with the hand totals cannot narrow any dominated cell below its upper
/// protection.
pub fn example_funding_is_protected(out: &Path) {
    use mizan::disclosure::{attack, table};
    use std::collections::BTreeMap;
    let data = crate::common::repo().join("datasets/example");
    let read = |f: &str| std::fs::read_to_string(data.join(f)).unwrap();
    let startups = read("startups.csv");
    let mut r = csv::Reader::from_reader(startups.as_bytes());
    let h = r.headers().unwrap().clone();
    let place: BTreeMap<String, (String, String)> = r
        .records()
        .map(Result::unwrap)
        .map(|s| {
            let get = |c: &str| column(&h, &s, c).to_string();
            (get("startup_id"), (get("region"), get("sector")))
        })
        .collect();
    // Cell → startup → MAD million; "" stands for every value.
    let mut cells: BTreeMap<(String, String), BTreeMap<String, f64>> = BTreeMap::new();
    let rounds = read("funding_rounds.csv");
    let mut r = csv::Reader::from_reader(rounds.as_bytes());
    let h = r.headers().unwrap().clone();
    for rec in r.records().map(Result::unwrap) {
        let id = column(&h, &rec, "startup_id").to_string();
        let amount: f64 = column(&h, &rec, "amount_mad").parse::<f64>().unwrap() / 1e6;
        let (region, sector) = place[&id].clone();
        for key in [
            (region.clone(), sector.clone()),
            (region.clone(), String::new()),
            (String::new(), sector.clone()),
            (String::new(), String::new()),
        ] {
            *cells.entry(key).or_default().entry(id.clone()).or_default() += amount;
        }
    }
    let table_text = std::fs::read_to_string(out.join("indicators.csv")).unwrap();
    let mut r = csv::Reader::from_reader(table_text.as_bytes());
    let h = r.headers().unwrap().clone();
    let mut published: BTreeMap<(String, String), Option<f64>> = BTreeMap::new();
    for rec in r.records().map(Result::unwrap) {
        if column(&h, &rec, "indicator") != "funding_by_region_sector" {
            continue;
        }
        let (by, domain) = (column(&h, &rec, "by"), column(&h, &rec, "domain"));
        let key = match by {
            "" => (String::new(), String::new()),
            "region" => (domain.to_string(), String::new()),
            "sector" => (String::new(), domain.to_string()),
            _ => {
                let (a, b) = domain.split_once(" × ").unwrap();
                (a.to_string(), b.to_string())
            }
        };
        let value = match column(&h, &rec, "flag") {
            "confidential" => None,
            _ => Some(column(&h, &rec, "estimate").parse::<f64>().unwrap()),
        };
        published.insert(key, value);
    }
    let total = |k: &(String, String)| cells.get(k).map_or(0.0, |c| c.values().sum::<f64>());
    let mut dominated = Vec::new();
    for (key, value) in &published {
        let mut x: Vec<f64> = cells
            .get(key)
            .map_or(Vec::new(), |c| c.values().copied().collect());
        x.sort_by(|a, b| b.total_cmp(a));
        let big = |k: usize| x.iter().take(k).sum::<f64>();
        let t = total(key);
        let upper = (big(2) / 0.85 - t).max(0.10 * big(1) - (t - big(2)));
        if t > 0.0 && upper > 0.0 {
            assert_eq!(*value, None, "{key:?} is dominated but published");
            dominated.push((key.clone(), upper));
        }
        if let Some(v) = value {
            assert!((v - t).abs() <= 1e-9 * t.max(1.0), "{key:?}: {v} ≠ {t}");
        }
    }
    assert!(
        dominated.len() > 10,
        "the example should show the rule at work"
    );
    // Rows, columns and margins: never a single withheld cell.
    let keys: Vec<&(String, String)> = published.keys().collect();
    let withheld = |k: &(String, String)| published[k].is_none();
    for line in keys.iter().filter(|k| k.0.is_empty() || k.1.is_empty()) {
        let members: Vec<&&(String, String)> = keys
            .iter()
            .filter(|k| {
                *k == line
                    || match (line.0.is_empty(), line.1.is_empty()) {
                        (true, true) => k.1.is_empty() != k.0.is_empty() && !k.0.is_empty(),
                        (false, true) => k.0 == line.0 && !k.1.is_empty(),
                        (true, false) => k.1 == line.1 && !k.0.is_empty(),
                        _ => false,
                    }
            })
            .collect();
        let hidden = members.iter().filter(|k| withheld(k)).count();
        assert_ne!(
            hidden, 1,
            "{line:?}: a single withheld cell among {members:?}"
        );
    }
    // The attacker, with the hand totals and the table's additivity.
    let index: BTreeMap<&(String, String), usize> =
        keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let mut relations = Vec::new();
    let parts = |f: &dyn Fn(&(String, String)) -> bool| -> Vec<usize> {
        keys.iter().filter(|k| f(k)).map(|k| index[k]).collect()
    };
    let all = index[&(String::new(), String::new())];
    relations.push(table::Relation {
        total: all,
        parts: parts(&|k| !k.0.is_empty() && k.1.is_empty()),
    });
    relations.push(table::Relation {
        total: all,
        parts: parts(&|k| k.0.is_empty() && !k.1.is_empty()),
    });
    relations.push(table::Relation {
        total: all,
        parts: parts(&|k| !k.0.is_empty() && !k.1.is_empty()),
    });
    for k in &keys {
        if !k.0.is_empty() && k.1.is_empty() {
            relations.push(table::Relation {
                total: index[k],
                parts: parts(&|c| c.0 == k.0 && !c.1.is_empty()),
            });
        }
        if k.0.is_empty() && !k.1.is_empty() {
            relations.push(table::Relation {
                total: index[k],
                parts: parts(&|c| c.1 == k.1 && !c.0.is_empty()),
            });
        }
    }
    let t = table::Table {
        quantities: vec![table::Quantity {
            name: "total",
            nonnegative: true,
        }],
        cells: keys
            .iter()
            .map(|k| table::Cell {
                name: format!("{k:?}"),
                values: vec![total(k)],
                cost: total(k),
                needs: dominated.iter().find(|(d, _)| d == *k).map(|(_, upper)| {
                    vec![table::Margin {
                        below: 0.0,
                        above: *upper,
                    }]
                }),
            })
            .collect(),
        relations,
    };
    let suppressed: Vec<usize> = keys
        .iter()
        .filter(|k| withheld(k))
        .map(|k| index[k])
        .collect();
    let exposed = attack::exposures(&t, &suppressed).unwrap();
    assert!(exposed.is_empty(), "{exposed:?}");
}
