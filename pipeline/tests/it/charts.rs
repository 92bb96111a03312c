//! Chart files: each SVG holds its title and axis labels as text, each PNG
//! has the declared size and a 300-dpi pHYs chunk, and each CSV holds
//! exactly the values drawn (checked against the indicators table) — for
//! one chart of every kind the example study draws; snapshots of those SVGs
//! (insta, `tests/it/snapshots/`) catch unintended changes to any of them.

use std::path::Path;

use crate::common::{mizan, repo};

/// Runs `study` (a folder of `reports/`) into `out` with `extra` arguments.
fn run_study(study: &str, out: &Path, extra: &[&str]) {
    let mut args = vec!["run", study, "--out", out.to_str().unwrap()];
    args.extend(extra);
    let (code, _, err) = mizan(&args, &repo());
    assert_eq!(code, 0, "{err}");
}

/// One chart of each kind in the example study, and texts its SVG must hold
/// (labels, legend entries, axis ticks, panel names).
const KINDS: &[(&str, &str, &[&str])] = &[
    (
        "internet_by_region",
        "bar",
        &["Casablanca-Settat", "0%", "100%"],
    ),
    (
        "internet_by_age_sex",
        "grouped_bar",
        &["Men", "Women", "15–24", "60+", "100%"],
    ),
    ("wdi_internet_trend", "line", &["Morocco", "World", "2010"]),
    (
        "internet_ranking",
        "dot",
        &["1. Laâyoune-Sakia El Hamra", "12. Drâa-Tafilalet", "80%"],
    ),
    (
        "devices_by_region",
        "heatmap",
        &["using a smartphone", "Souss-Massa", "20%–40%"],
    ),
    (
        "internet_by_age_area",
        "small_multiples",
        &["Urban", "Rural", "15–24", "0%"],
    ),
    (
        "internet_map",
        "map",
        &[
            "65%–70%",
            "85%–90%",
            "no estimate",
            "Boundaries: morocco-map (ODbL).",
        ],
    ),
    (
        "startups_tiles",
        "map",
        &["Casablanca-Settat", "411", "0–100"],
    ),
];

#[test]
fn svg_png_and_csv_of_each_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_study("reports/example", &out, &[]);
    let svg = std::fs::read_to_string(out.join("figures/internet_by_region.svg")).unwrap();
    assert!(
        svg.contains("Individuals aged 15+ who used the Internet in the last 3 months"),
        "title"
    );
    assert!(
        svg.contains("Casablanca-Settat") && svg.contains("Drâa-Tafilalet"),
        "category labels"
    );
    assert!(
        svg.contains(">\n0%\n<") || svg.contains(">0%<") || svg.contains("0%\n"),
        "axis labels"
    );
    assert!(
        svg.contains("font-family=\"DejaVu Sans\""),
        "the font the PNG renderer carries"
    );
    assert!(
        svg.contains("Source: Example household ICT survey 2025"),
        "source line"
    );

    let line = std::fs::read_to_string(out.join("figures/wdi_internet_trend.svg")).unwrap();
    assert!(
        line.contains("Morocco") && line.contains("2010") && line.contains("World"),
        "series and x labels"
    );

    for (chart, kind, texts) in KINDS {
        let svg = std::fs::read_to_string(out.join(format!("figures/{chart}.svg"))).unwrap();
        let meta: serde_json::Value = serde_json::from_slice(
            &std::fs::read(out.join(format!("figures/{chart}.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(meta["kind"], *kind, "{chart} kind");
        let title = meta["title"].as_str().unwrap().replace('\'', "&apos;");
        assert!(svg.contains(&title), "{chart}: title {title}");
        for t in *texts {
            assert!(svg.contains(t), "{chart}: `{t}` drawn as text");
        }
        insta::assert_snapshot!(format!("{kind}-{chart}"), svg);
    }
    for (chart, _, _) in KINDS {
        let svg = std::fs::read_to_string(out.join(format!("figures/{chart}.svg"))).unwrap();
        let width: f64 = svg
            .split("width=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let height: f64 = svg
            .split("height=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let decoder = png::Decoder::new(
            std::fs::File::open(out.join(format!("figures/{chart}.png"))).unwrap(),
        );
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!(
            info.width,
            (width * 300.0 / 96.0).ceil() as u32,
            "{chart} width at 300 dpi"
        );
        assert_eq!(
            info.height,
            (height * 300.0 / 96.0).ceil() as u32,
            "{chart} height at 300 dpi"
        );
        let dims = info.pixel_dims.expect("pHYs chunk");
        assert_eq!(dims.unit, png::Unit::Meter);
        assert_eq!(dims.xppu, 11811, "300 dpi = 11811 pixels per metre");
    }

    // The CSV beside the figure holds the drawn values: the region estimates
    // of the indicators table, in percent.
    let drawn = std::fs::read_to_string(out.join("figures/internet_by_region.csv")).unwrap();
    let table = std::fs::read_to_string(out.join("indicators.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(table.as_bytes());
    let mut regions = 0;
    for rec in reader.records() {
        let r = rec.unwrap();
        if &r[0] == "internet_users" && &r[2] == "region" {
            let est: f64 = r[5].parse().unwrap();
            let expected = format!(",{},", est * 100.0);
            assert!(
                drawn.contains(&expected),
                "region {} estimate {expected} drawn",
                &r[3]
            );
            regions += 1;
        }
    }
    assert_eq!(regions, 12);
}

#[test]
fn outputs_are_byte_identical_across_runs_and_thread_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_study("reports/example", &a, &["--jobs", "1"]);
    run_study("reports/example", &b, &["--jobs", "2"]);
    for f in [
        "indicators.parquet",
        "indicators.csv",
        "report.html",
        "report.md",
        "figures/internet_by_region.svg",
        "figures/internet_by_region.png",
        "data/individuals.parquet",
        "rejects/individuals.parquet",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn a_french_study_writes_french_numbers_and_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_study("reports/example-fr", &out, &[]);
    let svg = std::fs::read_to_string(out.join("figures/internet_by_sex.svg")).unwrap();
    assert!(
        svg.contains("Hommes") && svg.contains("Femmes"),
        "code labels in French"
    );
    assert!(
        svg.contains("Personnes de 15 ans et plus ayant utilisé Internet"),
        "French title"
    );
    // The men's estimate from the table, written the French way: 84,3 % with a
    // narrow no-break space.
    let table = std::fs::read_to_string(out.join("indicators.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(table.as_bytes());
    let men: f64 = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "internet_users" && &r[2] == "sex" && &r[3] == "1")
        .unwrap()[5]
        .parse()
        .unwrap();
    let french = format!("{:.1}\u{202F}%", men * 100.0).replace('.', ",");
    assert!(svg.contains(&french), "{french} in the chart");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("<html lang=\"fr\" dir=\"ltr\">")
            && html.contains("Sommaire")
            && html.contains(&french)
    );
}
