//! What a statistics office prints: charts whose every text stays readable
//! and inside its canvas, numbers written as publications write them
//! (percentages for rates and shares, a true minus sign, enough digits for
//! an index), and "no value" kept apart from "suppressed".

use std::path::Path;

use crate::common::{mizan, temp_study};

/// One `<text>` of an SVG: where it is anchored, how, its size and content.
#[derive(Debug)]
struct Text {
    x: f64,
    y: f64,
    anchor: String,
    size: f64,
    content: String,
}

impl Text {
    /// Its horizontal extent, from a generous width per character (wider
    /// than DejaVu Sans's average), so that a test passing here leaves room.
    fn extent(&self) -> (f64, f64) {
        let w = self.content.chars().count() as f64 * self.size * 0.62;
        match self.anchor.as_str() {
            "end" => (self.x - w, self.x),
            "middle" => (self.x - w / 2.0, self.x + w / 2.0),
            _ => (self.x, self.x + w),
        }
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let tag = format!(" {tag}");
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(tag[start..].split('"').next()?.to_string())
}

fn texts(svg: &str) -> Vec<Text> {
    svg.split("<text ")
        .skip(1)
        .map(|part| {
            let (tag, rest) = part.split_once('>').unwrap();
            let num = |n: &str| attr(tag, n).and_then(|v| v.parse().ok()).unwrap_or(0.0);
            Text {
                x: num("x"),
                y: num("y"),
                anchor: attr(tag, "text-anchor").unwrap_or_default(),
                size: num("font-size"),
                content: rest
                    .split("</text>")
                    .next()
                    .unwrap()
                    .trim()
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&apos;", "'")
                    .replace("&quot;", "\""),
            }
        })
        .collect()
}

/// Each `<rect>` but the background: x, y, width, height.
fn rects(svg: &str) -> Vec<[f64; 4]> {
    svg.split("<rect ")
        .skip(2)
        .map(|part| {
            let tag = part.split('>').next().unwrap();
            let n = |k: &str| attr(tag, k).unwrap().parse::<f64>().unwrap();
            [n("x"), n("y"), n("width"), n("height")]
        })
        .collect()
}

const GROWTH: &str = "[study]\nid = \"g\"\ntitle = \"Growth\"\n\n[datasets.rounds]\npath = \"rounds.csv\"\n\n[[indicators]]\nid = \"funding\"\ndataset = \"rounds\"\nstatistic = \"total\"\nexpr = \"amount\"\nby = [\"year\"]\n\n[[indicators]]\nid = \"growth\"\ndataset = \"rounds\"\nstatistic = \"growth\"\nof = \"funding\"\nover = \"year\"\nlabel = \"Growth of funding\"\n\n[[charts]]\nid = \"growth_by_year\"\nindicator = \"growth\"\nkind = \"bar\"\nby = \"year\"\nsort = \"code\"\n";

fn run(dir: &Path) {
    let (code, _, err) = mizan(&["run", "."], dir);
    assert_eq!(code, 0, "{err}");
}

/// A growth series falls and rises: its bars grow left and right of one
/// zero line, no bar or value reaches the year labels, and the first year
/// (no rate) says "no value", not "suppressed".
#[test]
fn negative_bars_grow_from_a_zero_line_and_leave_labels_readable() {
    let dir = temp_study(&[
        ("study.toml", GROWTH),
        (
            "rounds.csv",
            "year,amount\n2019,100\n2020,120\n2021,90\n2022,60\n2023,80\n",
        ),
    ]);
    run(dir.path());
    let svg = std::fs::read_to_string(dir.path().join("out/figures/growth_by_year.svg")).unwrap();
    let all = texts(&svg);
    let years: Vec<&Text> = all
        .iter()
        .filter(|t| t.content.len() == 4 && t.content.starts_with("20"))
        .collect();
    assert_eq!(years.len(), 5, "{all:?}");
    let labels_end = years.iter().map(|t| t.extent().1).fold(f64::MIN, f64::max);
    let bars = rects(&svg);
    assert_eq!(bars.len(), 4, "four rates, the first year has none");
    // One zero line: every bar starts or ends on it.
    let zero = bars
        .iter()
        .map(|b| b[0])
        .fold(f64::MIN, f64::max)
        .min(bars.iter().map(|b| b[0] + b[2]).fold(f64::MAX, f64::min));
    let on_zero = |b: &[f64; 4]| (b[0] - zero).abs() < 1.0 || (b[0] + b[2] - zero).abs() < 1.0;
    assert!(bars.iter().all(on_zero), "{bars:?} around {zero}");
    assert_eq!(
        bars.iter().filter(|b| b[0] < zero - 1.0).count(),
        2,
        "2021 and 2022 fell"
    );
    for b in &bars {
        assert!(
            b[0] > labels_end,
            "bar {b:?} over the year labels (end {labels_end})"
        );
    }
    for t in all.iter().filter(|t| t.content.contains('%')) {
        let (lo, _) = t.extent();
        if (t.y - years[0].y).abs() > 1.0 && t.y < years[4].y + 5.0 {
            assert!(lo > labels_end, "value `{}` over the labels", t.content);
        }
    }
    assert!(
        svg.contains("−25.0%"),
        "a rate as a percentage with a minus sign"
    );
    let first = all
        .iter()
        .find(|t| (t.y - years[0].y).abs() < 1.0 && t.anchor == "start");
    assert_eq!(first.map(|t| t.content.as_str()), Some("no value"));
    assert!(!svg.contains("suppressed"));
}

/// `svg` laid out as the PNG renderer lays it out: with the fonts the
/// binary carries (DejaVu Sans, Noto Naskh Arabic).
fn layout(svg: &str) -> resvg::usvg::Tree {
    use resvg::usvg;
    let mut db = usvg::fontdb::Database::new();
    for f in mizan::locale::fonts::all() {
        db.load_font_data(f.to_vec());
    }
    db.set_sans_serif_family("DejaVu Sans");
    let opt = usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: std::sync::Arc::new(db),
        ..Default::default()
    };
    usvg::Tree::from_str(svg, &opt).unwrap()
}

/// Every text of `svg` lies inside its canvas: each text laid out with the
/// fonts the PNG renderer carries, its box within the drawing's size.
fn inside_canvas(svg: &str, what: &str) {
    use resvg::usvg;
    let tree = layout(svg);
    let (w, h) = (tree.size().width(), tree.size().height());
    let mut stack: Vec<&usvg::Group> = vec![tree.root()];
    let mut seen = 0;
    while let Some(g) = stack.pop() {
        for node in g.children() {
            match node {
                usvg::Node::Group(g) => stack.push(g),
                usvg::Node::Text(t) => {
                    let b = t.abs_bounding_box();
                    let text: String = t.chunks().iter().map(|c| c.text()).collect();
                    assert!(
                        b.left() >= -0.5
                            && b.top() >= -0.5
                            && b.right() <= w + 0.5
                            && b.bottom() <= h + 0.5,
                        "{what}: `{text}` at {b:?} leaves the {w}×{h} canvas"
                    );
                    seen += 1;
                }
                _ => {}
            }
        }
    }
    assert!(seen > 0, "{what}: no text");
}

/// Funding by region in the hundreds of millions, on a tile map whose
/// legend has long class labels: the legend wraps, nothing leaves the
/// canvas — in English and French, with numbers written out in full
/// (`units = "none"`) or in millions (the default).
#[test]
fn long_legends_wrap_and_large_numbers_read_in_millions() {
    let mut rows = String::from("region,amount\n");
    for (i, r) in [
        "Casablanca-Settat",
        "Rabat-Salé-Kénitra",
        "Fès-Meknès",
        "Souss-Massa",
        "Oriental",
        "Marrakech-Safi",
    ]
    .iter()
    .enumerate()
    {
        rows += &format!("{r},{}\n", 23_456_789 * (i as u64 + 1) * (i as u64 + 2));
    }
    for (language, units) in [
        ("en", "none"),
        ("fr", "none"),
        ("en", "auto"),
        ("fr", "auto"),
    ] {
        let study = format!(
            "[study]\nid = \"m\"\ntitle = \"Funding\"\nlanguage = \"{language}\"\n\n[datasets.rounds]\npath = \"rounds.csv\"\n\n[[indicators]]\nid = \"funding\"\ndataset = \"rounds\"\nstatistic = \"total\"\nexpr = \"amount\"\nby = [\"region\"]\n\n[[charts]]\nid = \"funding_map\"\nindicator = \"funding\"\nkind = \"map\"\nby = \"region\"\nunits = \"{units}\"\n\n[[charts]]\nid = \"funding_bars\"\nindicator = \"funding\"\nkind = \"bar\"\nby = \"region\"\nunits = \"{units}\"\n"
        );
        let dir = temp_study(&[("study.toml", &study), ("rounds.csv", &rows)]);
        run(dir.path());
        for chart in ["funding_map", "funding_bars"] {
            let svg = std::fs::read_to_string(dir.path().join(format!("out/figures/{chart}.svg")))
                .unwrap();
            inside_canvas(&svg, &format!("{chart} {language} {units}"));
            let millions = match language {
                "en" => "\u{a0}M",
                _ => "\u{202F}M",
            };
            assert_eq!(
                svg.contains(millions),
                units == "auto",
                "{chart} {language} {units}: millions"
            );
        }
    }
}

/// Tables name variables by their labels in the study's language — the
/// contract's, or a date column's with its period — never by the column
/// name ("RIAGENDR", "founded:year").
#[test]
fn tables_name_variables_by_their_labels() {
    let study = "[study]\nid = \"l\"\ntitle = \"Labels\"\nlanguage = \"fr\"\n\n[datasets.people]\npath = \"people.csv\"\ncontract = \"people.contract.toml\"\n\n[[indicators]]\nid = \"n\"\ndataset = \"people\"\nstatistic = \"count\"\nby = [\"RIAGENDR\", \"founded:year\"]\n";
    let contract = "[columns.RIAGENDR]\ntype = \"integer\"\nlabel = { en = \"Sex\", fr = \"Sexe\" }\ncodes = { 1 = { en = \"Men\", fr = \"Hommes\" }, 2 = { en = \"Women\", fr = \"Femmes\" } }\n\n[columns.founded]\ntype = \"date\"\nlabel = { en = \"Founded\", fr = \"Création\" }\n";
    let data = "RIAGENDR,founded\n1,2020-03-01\n2,2021-05-02\n1,2021-07-09\n";
    let dir = temp_study(&[
        ("study.toml", study),
        ("people.contract.toml", contract),
        ("people.csv", data),
    ]);
    run(dir.path());
    for file in ["report.md", "report.html"] {
        let text = std::fs::read_to_string(dir.path().join("out").join(file)).unwrap();
        // Markdown escapes the parentheses.
        let period = if file == "report.md" {
            "Création \\(année\\)"
        } else {
            "Création (année)"
        };
        assert!(text.contains("Sexe") && text.contains(period), "{file}");
        assert!(
            !text.contains("| RIAGENDR |") && !text.contains("<td>RIAGENDR</td>"),
            "{file}"
        );
        assert!(
            !text.contains("founded:year</td>") && !text.contains("| founded:year |"),
            "{file}"
        );
    }
}

/// A study of registries only: its methods explain the measures it uses
/// (HHI, compound growth) and say nothing of survey designs or respondents;
/// its tables print rates as percentages and an HHI with its digits.
#[test]
fn registry_methods_explain_their_measures_and_print_rates_as_percentages() {
    let study = GROWTH.to_string()
        + "\n[[indicators]]\nid = \"hhi\"\ndataset = \"rounds\"\nstatistic = \"concentration\"\nexpr = \"amount\"\nof = \"investor\"\n";
    let mut rows = String::from("year,amount,investor\n");
    // 100 investors with equal amounts: HHI = 100 × 0.01² = 0.01; the same
    // funding every year, so every growth rate is 0%.
    for i in 0..100 {
        rows += &format!("{},{},inv{i}\n", 2019 + i % 5, 10);
    }
    let dir = temp_study(&[("study.toml", &study), ("rounds.csv", &rows)]);
    run(dir.path());
    let md = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    for (what, text) in [("md", &md), ("html", &html)] {
        assert!(text.contains("Measures"), "{what}: a measures heading");
        assert!(
            text.contains("Herfindahl–Hirschman"),
            "{what}: HHI explained"
        );
        assert!(
            text.contains("compound annual rate"),
            "{what}: growth explained"
        );
        assert!(!text.contains("Survey design"), "{what}: no survey design");
        assert!(!text.contains("respondents"), "{what}: no respondents");
        assert!(text.contains("0.0100"), "{what}: the HHI with its digits");
        assert!(text.contains("0.0%"), "{what}: growth as a percentage");
    }
}

/// A line chart labels its first period: years from 2013 on a two-year
/// step read 2013, 2015, … (not 2014, 2016, … with 2013 unlabelled).
#[test]
fn a_line_chart_labels_its_first_period() {
    let mut rows = String::from("year,amount\n");
    for y in 2013..=2024 {
        rows += &format!("{y},{}\n", 100 + y - 2013);
    }
    let study = "[study]\nid = \"l\"\ntitle = \"Line\"\n\n[datasets.rounds]\npath = \"rounds.csv\"\n\n[[indicators]]\nid = \"funding\"\ndataset = \"rounds\"\nstatistic = \"total\"\nexpr = \"amount\"\nby = [\"year\"]\n\n[[charts]]\nid = \"trend\"\nindicator = \"funding\"\nkind = \"line\"\nx = \"year\"\n";
    let dir = temp_study(&[("study.toml", study), ("rounds.csv", &rows)]);
    run(dir.path());
    let svg = std::fs::read_to_string(dir.path().join("out/figures/trend.svg")).unwrap();
    let labels: Vec<String> = texts(&svg).into_iter().map(|t| t.content).collect();
    assert!(labels.iter().any(|l| l == "2013"), "{labels:?}");
    inside_canvas(&svg, "trend");
}

#[test]
fn a_line_chart_over_sizes_ticks_on_a_round_grid_after_its_first_value() {
    // The scale benchmark's x: millions of rows.
    let rows = "rows,seconds\n1,0.5\n10,2.2\n50,10.8\n200,56.3\n";
    let study = "[study]\nid = \"l\"\ntitle = \"Line\"\n\n[datasets.runs]\npath = \"runs.csv\"\n\n[[indicators]]\nid = \"time\"\ndataset = \"runs\"\nstatistic = \"total\"\nexpr = \"seconds\"\nby = [\"rows\"]\n\n[[charts]]\nid = \"trend\"\nindicator = \"time\"\nkind = \"line\"\nx = \"rows\"\n";
    let dir = temp_study(&[("study.toml", study), ("runs.csv", rows)]);
    run(dir.path());
    let svg = std::fs::read_to_string(dir.path().join("out/figures/trend.svg")).unwrap();
    let labels: Vec<String> = texts(&svg).into_iter().map(|t| t.content).collect();
    for want in ["1", "50", "100", "150", "200"] {
        assert!(labels.iter().any(|l| l == want), "{want} in {labels:?}");
    }
    assert!(!labels.iter().any(|l| l == "51"), "{labels:?}");
    inside_canvas(&svg, "trend");
}

/// Nothing of any figure of the example study, in English or in French,
/// leaves its canvas.
#[test]
fn every_example_figure_stays_inside_its_canvas() {
    for study in ["reports/example", "reports/example-fr"] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let (code, _, err) = mizan(
            &["run", study, "--out", out.to_str().unwrap()],
            &crate::common::repo(),
        );
        assert_eq!(code, 0, "{err}");
        let mut checked = 0;
        // The figures in the study's language, and in its other languages.
        let mut dirs = vec![out.join("figures")];
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|x| x == "svg") {
                    let svg = std::fs::read_to_string(&path).unwrap();
                    inside_canvas(&svg, &path.display().to_string());
                    checked += 1;
                }
            }
        }
        assert!(checked >= 10, "{study}: {checked} figures");
    }
}

/// One ordering rule for every chart and the table under it: by value
/// (a ranking, numbered on a dot chart), by code (not numbered), or as listed.
#[test]
fn one_order_for_charts_and_their_tables() {
    let study = "[study]\nid = \"o\"\ntitle = \"Order\"\n\n[datasets.d]\npath = \"d.csv\"\n\n[[indicators]]\nid = \"total\"\ndataset = \"d\"\nstatistic = \"total\"\nexpr = \"v\"\nby = [\"g\"]\n\n[[charts]]\nid = \"by_value\"\nindicator = \"total\"\nkind = \"bar\"\nby = \"g\"\n\n[[charts]]\nid = \"by_code\"\nindicator = \"total\"\nkind = \"dot\"\nby = \"g\"\nsort = \"code\"\n\n[[charts]]\nid = \"listed\"\nindicator = \"total\"\nkind = \"bar\"\nby = \"g\"\nsort = [\"c\", \"a\"]\n\n[report]\n[[report.sections]]\ntitle = \"All\"\ncharts = [\"by_value\", \"by_code\", \"listed\"]\n";
    let dir = temp_study(&[("study.toml", study), ("d.csv", "g,v\na,1\nb,3\nc,2\n")]);
    run(dir.path());
    let order = |chart: &str| -> Vec<String> {
        let svg =
            std::fs::read_to_string(dir.path().join(format!("out/figures/{chart}.svg"))).unwrap();
        let mut labels: Vec<Text> = texts(&svg)
            .into_iter()
            .filter(|t| {
                t.anchor == "end"
                    && t.content
                        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')
                        .len()
                        == 1
            })
            .collect();
        labels.sort_by(|a, b| a.y.total_cmp(&b.y));
        labels.into_iter().map(|t| t.content).collect()
    };
    assert_eq!(order("by_value"), ["b", "c", "a"]);
    assert_eq!(
        order("by_code"),
        ["a", "b", "c"],
        "code order, not numbered"
    );
    assert_eq!(order("listed"), ["c", "a", "b"]);
    // The data beside each figure, and the one table of this indicator ×
    // breakdown (under the first figure), list the categories in order.
    for (chart, want) in [
        ("by_value", ["b", "c", "a"]),
        ("by_code", ["a", "b", "c"]),
        ("listed", ["c", "a", "b"]),
    ] {
        let path = dir.path().join(format!("out/figures/{chart}.csv"));
        let text = std::fs::read_to_string(path).unwrap();
        let keys: Vec<String> = csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap()[3].to_string())
            .collect();
        assert_eq!(keys, want, "{chart}.csv");
    }
    let md = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    let first: Vec<&str> = md
        .split("*\n\n")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .skip(2)
        .map(|l| l[2..].split(" |").next().unwrap())
        .collect();
    assert_eq!(first, ["b", "c", "a"], "{md}");
    assert_eq!(
        md.matches("Its data are in the table under figure 1.")
            .count(),
        2,
        "one table for three figures of one indicator × breakdown: {md}"
    );
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert_eq!(
        html.matches("<details class=\"data\">").count(),
        1,
        "a collapsible table"
    );
    assert!(
        html.contains("<figcaption>Figure 3. total</figcaption>"),
        "numbered captions"
    );
}

/// A heatmap of one indicator over a cross: regions down, sexes across.
#[test]
fn a_heatmap_draws_one_indicator_over_a_cross() {
    let study = "[study]\nid = \"h\"\ntitle = \"Heat\"\n\n[datasets.d]\npath = \"d.csv\"\n\n[[indicators]]\nid = \"total\"\ndataset = \"d\"\nstatistic = \"total\"\nexpr = \"v\"\nby = [[\"region\", \"sex\"]]\n\n[[charts]]\nid = \"cross\"\nindicator = \"total\"\nkind = \"heatmap\"\nby = \"region\"\nseries = \"sex\"\n";
    let data = "region,sex,v\nNorth,Men,1\nNorth,Women,2\nSouth,Men,3\nSouth,Women,4\n";
    let dir = temp_study(&[("study.toml", study), ("d.csv", data)]);
    run(dir.path());
    let svg = std::fs::read_to_string(dir.path().join("out/figures/cross.svg")).unwrap();
    let labels: Vec<String> = texts(&svg).into_iter().map(|t| t.content).collect();
    for l in ["North", "South", "Men", "Women", "1", "4"] {
        assert!(labels.iter().any(|x| x == l), "`{l}` in {labels:?}");
    }
    inside_canvas(&svg, "cross");
}

/// `reference = "overall"`: a dashed line at the overall value, labelled,
/// inside the canvas, on bar, grouped bar and dot charts.
#[test]
fn a_reference_line_marks_the_overall_value() {
    let mut study = String::from(
        "[study]\nid = \"r\"\ntitle = \"Reference\"\n\n[datasets.d]\npath = \"d.csv\"\n\n[[indicators]]\nid = \"share\"\ndataset = \"d\"\nstatistic = \"proportion\"\nexpr = \"used = 1\"\nby = [\"g\", [\"g\", \"s\"]]\n",
    );
    for (id, kind, series) in [
        ("bars", "bar", ""),
        ("dots", "dot", ""),
        ("groups", "grouped_bar", "series = \"s\"\n"),
    ] {
        study += &format!(
            "\n[[charts]]\nid = \"{id}\"\nindicator = \"share\"\nkind = \"{kind}\"\nby = \"g\"\n{series}reference = \"overall\"\n"
        );
    }
    let mut data = String::from("g,s,used\n");
    for i in 0..40 {
        data += &format!(
            "{},{},{}\n",
            ["a", "b"][i % 2],
            ["x", "y"][(i / 2) % 2],
            u8::from(i % 4 == 0)
        );
    }
    let dir = temp_study(&[("study.toml", &study), ("d.csv", &data)]);
    run(dir.path());
    for id in ["bars", "dots", "groups"] {
        let svg =
            std::fs::read_to_string(dir.path().join(format!("out/figures/{id}.svg"))).unwrap();
        assert!(
            texts(&svg).iter().any(|t| t.content == "All: 25.0%"),
            "{id}: the reference's label"
        );
        inside_canvas(&svg, id);
    }
    let (code, _, err) = mizan(&["validate", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    std::fs::write(
        dir.path().join("study.toml"),
        study
            .replacen("kind = \"bar\"", "kind = \"line\"\nx = \"g\"", 1)
            .replacen("by = \"g\"\nreference", "reference", 1),
    )
    .unwrap();
    let (code, _, err) = mizan(&["validate", "."], dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`reference` belongs to bar, dot and grouped_bar charts"),
        "{err}"
    );
}

/// `classes` groups a map's regions: with one region far above the others,
/// equal widths and Jenks's breaks give it the darkest class alone; quantiles
/// share that class with the next region.
#[test]
fn map_classes_equal_quantile_and_jenks() {
    let data = "region,amount\nA,1\nB,2\nC,3\nD,4\nE,5\nF,100\n";
    for (method, darkest) in [("equal", 1), ("quantile", 2), ("jenks", 1)] {
        let study = format!(
            "[study]\nid = \"c\"\ntitle = \"Classes\"\n\n[datasets.d]\npath = \"d.csv\"\n\n[[indicators]]\nid = \"amount\"\ndataset = \"d\"\nstatistic = \"total\"\nexpr = \"amount\"\nby = [\"region\"]\n\n[[charts]]\nid = \"tiles\"\nindicator = \"amount\"\nkind = \"map\"\nby = \"region\"\nclasses = \"{method}\"\n"
        );
        let dir = temp_study(&[("study.toml", &study), ("d.csv", data)]);
        run(dir.path());
        let svg = std::fs::read_to_string(dir.path().join("out/figures/tiles.svg")).unwrap();
        // The darkest colour of the sequential scale (its last stop).
        let tiles = svg.matches("width=\"136\"").count();
        assert_eq!(tiles, 6, "{method}: six tiles");
        let dark = svg
            .split("<rect ")
            .filter(|r| r.contains("width=\"136\"") && r.contains("fill=\"#08306B\""))
            .count();
        assert_eq!(dark, darkest, "{method}: regions in the darkest class");
        inside_canvas(&svg, method);
    }
}

/// A registry is complete: on its map, a region without a single startup
/// has 0 (the lightest class, in the figure's data) — not "no estimate".
#[test]
fn a_registry_map_counts_an_empty_region_as_zero() {
    let geometry = crate::common::repo().join("datasets/geo/morocco-regions.geojson");
    let study = format!(
        "[study]\nid = \"z\"\ntitle = \"Zero\"\n\n[datasets.startups]\npath = \"startups.csv\"\n\n[[indicators]]\nid = \"startups\"\ndataset = \"startups\"\nstatistic = \"count\"\nby = [\"region\"]\n\n[[charts]]\nid = \"map\"\nindicator = \"startups\"\nkind = \"map\"\nby = \"region\"\ngeometry = \"{}\"\nproperty = \"iso\"\n",
        geometry.display()
    );
    let mut data = String::from("id,region\n");
    // Every region but MA-12 has startups.
    for r in 1..=11 {
        for k in 0..r {
            data += &format!("{r}-{k},MA-{r:02}\n");
        }
    }
    let dir = temp_study(&[("study.toml", &study), ("startups.csv", &data)]);
    run(dir.path());
    let csv = std::fs::read_to_string(dir.path().join("out/figures/map.csv")).unwrap();
    let row = csv
        .lines()
        .find(|l| l.contains(",MA-12,"))
        .expect("MA-12 in the figure's data");
    assert!(row.contains(",0,") && row.ends_with(",true"), "{row}");
    let svg = std::fs::read_to_string(dir.path().join("out/figures/map.svg")).unwrap();
    let grey = svg
        .split("<polygon ")
        .skip(1)
        .filter(|p| p.split('>').next().unwrap().contains("fill=\"#DDDDDD\""))
        .count();
    assert_eq!(grey, 0, "no region drawn as without an estimate");
}

/// The report's key findings in words: the highest and lowest groups with
/// their intervals, and a gap called significant only when the
/// design-based test says so — a 2-point difference in 200 people is said
/// not to show a gap.
#[test]
fn findings_say_what_the_numbers_support_and_no_more() {
    let study = |label: &str| {
        format!(
            "[study]\nid = \"f\"\ntitle = \"Findings\"\n\n[datasets.people]\npath = \"people.csv\"\n\n[datasets.people.design]\nweights = \"w\"\n\n[[indicators]]\nid = \"use\"\ndataset = \"people\"\nstatistic = \"proportion\"\nexpr = \"used = 1\"\nby = [\"sex\"]\nlabel = \"Internet use\"\n\n[[charts]]\nid = \"by_sex\"\nindicator = \"use\"\nkind = \"bar\"\nby = \"sex\"\n\n[[comparisons]]\nid = \"gap\"\nindicator = \"use\"\nby = \"sex\"\na = \"1\"\nb = \"2\"\nlabel = \"{label}\"\n"
        )
    };
    let people = |yes_men: usize, yes_women: usize| {
        let mut s = String::from("sex,w,used\n");
        for i in 0..100 {
            s += &format!("1,1,{}\n", u8::from(i < yes_men));
            s += &format!("2,1,{}\n", u8::from(i < yes_women));
        }
        s
    };
    for (men, women, significant) in [(80, 20, true), (52, 50, false)] {
        let dir = temp_study(&[
            ("study.toml", &study("Men minus women")),
            ("people.csv", &people(men, women)),
        ]);
        run(dir.path());
        let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
        let findings: Vec<&str> = html
            .split("<ul class=\"findings\">")
            .nth(1)
            .unwrap()
            .split("</ul>")
            .next()
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("<li>"))
            .collect();
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert!(
            findings[0].contains(&format!("highest in 1 ({men}.0%; 95% interval"))
                && findings[0].contains(&format!("lowest in 2 ({women}.0%;")),
            "{}",
            findings[0]
        );
        let gap = findings[1];
        assert!(gap.starts_with("<li>Men minus women:"), "{gap}");
        if significant {
            assert!(
                gap.contains(
                    "that is statistically significant at the 5% level (p\u{a0}&lt;\u{a0}0.001)"
                ),
                "{gap}"
            );
        } else {
            assert!(
                gap.contains("that is not statistically significant at the 5% level"),
                "{gap}"
            );
            assert!(gap.contains("the data do not show a gap"), "{gap}");
            assert!(!gap.contains("that is statistically significant"), "{gap}");
        }
    }
}

/// Change between two waves (independent samples) in words, naming the
/// two waves' indicators by their labels.
#[test]
fn findings_name_the_waves_a_change_is_between() {
    let study = "[study]\nid = \"w\"\ntitle = \"Waves\"\n\n[datasets.w1]\npath = \"w1.csv\"\n[datasets.w1.design]\nweights = \"w\"\n\n[datasets.w2]\npath = \"w2.csv\"\n[datasets.w2.design]\nweights = \"w\"\n\n[[indicators]]\nid = \"use_2025\"\ndataset = \"w2\"\nstatistic = \"proportion\"\nexpr = \"used = 1\"\nlabel = \"Internet use, 2025\"\n\n[[indicators]]\nid = \"use_2024\"\ndataset = \"w1\"\nstatistic = \"proportion\"\nexpr = \"used = 1\"\nlabel = \"Internet use, 2024\"\n\n[[comparisons]]\nid = \"change\"\nindicator = \"use_2025\"\nversus = \"use_2024\"\nlabel = \"Change since 2024\"\n\n[report]\n[[report.sections]]\ntitle = \"Change\"\nindicators = [\"use_2025\"]\n";
    let wave = |yes: usize| {
        let mut s = String::from("w,used\n");
        for i in 0..200 {
            s += &format!("1,{}\n", u8::from(i < yes));
        }
        s
    };
    let dir = temp_study(&[
        ("study.toml", study),
        ("w1.csv", &wave(100)),
        ("w2.csv", &wave(150)),
    ]);
    run(dir.path());
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(
        html.contains("<li>Change since 2024: 75.0% for Internet use, 2025 against 50.0% for Internet use, 2024, a difference of 25.0 pt"),
        "{html}"
    );
    assert!(html.contains("that is statistically significant at the 5% level"));
}

/// One spec, three languages: a report and figures in each, from one run
/// (the Arabic page right to left, carrying its font); the second run does
/// nothing.
#[test]
fn one_spec_publishes_in_every_language_it_lists() {
    let study = "[study]\nid = \"b\"\ntitle = { fr = \"Usages\", en = \"Uses\", ar = \"الاستخدامات\" }\nlanguages = [\"fr\", \"en\", \"ar\"]\n\n[datasets.people]\npath = \"people.csv\"\n\n[datasets.people.design]\nweights = \"w\"\n\n[[indicators]]\nid = \"use\"\ndataset = \"people\"\nstatistic = \"proportion\"\nexpr = \"used = 1\"\nby = [\"sex\"]\nlabel = { fr = \"Usage d'Internet\", en = \"Internet use\", ar = \"استخدام الإنترنت\" }\n\n[[charts]]\nid = \"by_sex\"\nindicator = \"use\"\nkind = \"bar\"\nby = \"sex\"\n";
    let mut people = String::from("sex,w,used\n");
    for i in 0..60 {
        people += &format!("{},1,{}\n", 1 + i % 2, u8::from(i % 3 == 0));
    }
    let dir = temp_study(&[("study.toml", study), ("people.csv", &people)]);
    run(dir.path());
    let out = dir.path().join("out");
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
    let (fr, en) = (read("report.fr.html"), read("report.en.html"));
    assert!(fr.contains("<html lang=\"fr\" dir=\"ltr\">") && fr.contains("Sommaire"));
    assert!(fr.contains("Usage d&#x27;Internet") || fr.contains("Usage d'Internet"));
    assert!(
        en.contains("<html lang=\"en\" dir=\"ltr\">")
            && en.contains("Contents")
            && en.contains("Internet use")
    );
    assert_eq!(
        read("report.html"),
        fr,
        "report.html is the first language's"
    );
    assert!(read("report.en.md").contains("figures/en/by_sex.png"));
    assert!(read("report.fr.md").contains("figures/by_sex.png"));
    assert!(read("figures/by_sex.svg").contains("Usage d"));
    assert!(read("figures/en/by_sex.svg").contains("Internet use"));
    assert!(out.join("figures/en/by_sex.png").exists());
    let ar = read("report.ar.html");
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">") && ar.contains("المحتويات"));
    assert!(ar.contains("@font-face { font-family: \"Noto Naskh Arabic\""));
    assert!(
        !fr.contains("@font-face"),
        "only the Arabic page carries a font"
    );
    assert!(read("figures/ar/by_sex.svg").contains("استخدام الإنترنت"));
    assert!(read("report.ar.md").contains("figures/ar/by_sex.png"));
    assert!(read("report.ar.md").starts_with("<div dir=\"rtl\">"));
    assert!(!read("report.fr.md").contains("dir="));
    let (code, stdout, _) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0);
    assert!(stdout.contains("is up to date"), "{stdout}");
    let (code, _, err) = mizan(&["verify", "out"], dir.path());
    assert_eq!(code, 0, "{err}");
}

/// An Arabic study's chart, as the PNG renderer draws it: Arabic labels
/// are set in the Arabic font the binary carries (no missing glyph), shaped
/// (the two alefs of "الرباط", one alone and one joined to the letter
/// before it, get different glyphs) and ordered right to left (the word's
/// first letter drawn right of its last); the title starts at the right
/// margin; the PNG is drawn.
#[test]
fn arabic_charts_are_shaped_and_run_right_to_left() {
    use resvg::usvg;
    let study = "[study]\nid = \"a\"\ntitle = \"t\"\nlanguage = \"ar\"\n\n[datasets.d]\npath = \"d.csv\"\ncontract = \"d.contract.toml\"\n\n[[indicators]]\nid = \"total\"\ndataset = \"d\"\nstatistic = \"total\"\nexpr = \"v\"\nby = [\"region\"]\nlabel = { en = \"Total\", ar = \"المجموع حسب الجهة\" }\n\n[[charts]]\nid = \"bars\"\nindicator = \"total\"\nkind = \"bar\"\nby = \"region\"\n\n[report]\n[[report.sections]]\ntitle = \"s\"\ncharts = [\"bars\"]\n";
    let contract = "[columns.region]\ntype = \"integer\"\ncodes = { 1 = { en = \"Rabat\", ar = \"الرباط\" }, 2 = { en = \"Fes\", ar = \"فاس\" } }\n\n[columns.v]\ntype = \"float\"\n";
    let dir = temp_study(&[
        ("study.toml", study),
        ("d.contract.toml", contract),
        ("d.csv", "region,v\n1,-3.5\n2,7\n"),
    ]);
    run(dir.path());
    let figures = dir.path().join("out/figures");
    let svg = std::fs::read_to_string(figures.join("bars.svg")).unwrap();
    let tree = layout(&svg);
    let db = tree.fontdb();
    let mut stack: Vec<&usvg::Group> = vec![tree.root()];
    let mut word = None;
    let mut arabic_glyphs = 0;
    while let Some(g) = stack.pop() {
        for node in g.children() {
            match node {
                usvg::Node::Group(g) => stack.push(g),
                usvg::Node::Text(t) => {
                    let glyphs: Vec<&usvg::layout::PositionedGlyph> = t
                        .layouted()
                        .iter()
                        .flat_map(|s| &s.positioned_glyphs)
                        .collect();
                    let text: String = t.chunks().iter().map(|c| c.text()).collect();
                    for g in &glyphs {
                        if g.text.chars().any(mizan::locale::fonts::is_arabic) {
                            let face = db.face(g.font).unwrap();
                            assert!(
                                face.families.iter().any(|(f, _)| f == "Noto Naskh Arabic"),
                                "`{}` of `{text}` is set in {:?}",
                                g.text,
                                face.families
                            );
                            assert_ne!(g.id.0, 0, "`{}` of `{text}` has no glyph", g.text);
                            arabic_glyphs += 1;
                        }
                    }
                    if text.trim_matches(|c: char| !mizan::locale::fonts::is_arabic(c)) == "الرباط"
                    {
                        word = Some(glyphs.into_iter().cloned().collect::<Vec<_>>());
                    }
                }
                _ => {}
            }
        }
    }
    assert!(arabic_glyphs > 10, "{arabic_glyphs} Arabic glyphs");
    let word = word.expect("the label الرباط is drawn");
    let alefs: Vec<u16> = word
        .iter()
        .filter(|g| g.text == "ا")
        .map(|g| g.id.0)
        .collect();
    assert_eq!(alefs.len(), 2, "{word:?}");
    assert_ne!(alefs[0], alefs[1], "the joined alef has its own form");
    let x = |letter: &str| {
        word.iter()
            .find(|g| g.text == letter)
            .map(|g| g.transform().tx)
            .unwrap()
    };
    assert!(x("ل") > x("ط"), "the word runs right to left");
    // The title is anchored at the right margin.
    let title = texts(&svg)
        .into_iter()
        .find(|t| t.content.contains("المجموع"))
        .expect("title");
    assert_eq!(title.anchor, "end");
    assert!(title.x > 700.0, "title anchored at x = {}", title.x);
    // The negative total keeps its minus before its digits.
    assert!(svg.contains("\u{200E}\u{2212}3,5"), "{svg}");
    let png = std::fs::read(figures.join("bars.png")).unwrap();
    assert!(png.len() > 5_000, "the PNG is drawn");
}
