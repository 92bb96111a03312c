//! The bundled example: its synthetic data are what the generator makes
//! (same seed, same bytes), and a run produces every output, with the six
//! rows the generator spoils on purpose in the rejects.

#[path = "../../../datasets/example/generator.rs"]
#[allow(dead_code)]
mod generator;

use crate::common::{mizan, read_parquet, reject_lines, repo};

#[test]
fn committed_data_is_what_the_generator_makes() {
    for (name, text) in generator::all() {
        let committed =
            std::fs::read_to_string(repo().join("datasets/example").join(name)).unwrap();
        assert!(
            committed == text,
            "datasets/example/{name} differs from the generator's output: rerun `cargo run --example generate-example`"
        );
    }
}

#[test]
fn example_study_runs_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, stdout, err) = mizan(
        &["run", "reports/example", "--out", out.to_str().unwrap()],
        &repo(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("individuals") && stdout.contains("report:"),
        "{stdout}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let inputs = manifest["inputs"].as_array().unwrap();
    let ind = inputs
        .iter()
        .find(|i| i["dataset"] == "individuals")
        .unwrap();
    assert_eq!(ind["rows_rejected"], 6);
    assert_eq!(
        ind["rows"].as_u64().unwrap(),
        ind["rows_kept"].as_u64().unwrap() + 6
    );
    let bytes = std::fs::read(repo().join("datasets/example/individuals.csv")).unwrap();
    assert_eq!(ind["blake3"], blake3::hash(&bytes).to_hex().to_string());
    crate::disclosure::example_funding_is_protected(&out);
    crate::programme::example_programme_matches_the_registries(&out);
    // Every output on disk is in the manifest with its hash.
    for o in manifest["outputs"].as_array().unwrap() {
        let data = std::fs::read(out.join(o["path"].as_str().unwrap())).unwrap();
        assert_eq!(o["blake3"], blake3::hash(&data).to_hex().to_string());
    }
    // The six rows the generator spoils on purpose (datasets/example/README.md).
    let lines = reject_lines(&read_parquet(&out.join("rejects/individuals.parquet")));
    assert_eq!(lines, vec![103, 2205, 4412, 6622, 8832, 11042]);
    // A crossed breakdown: joined in `by`/`domain`, lists in Parquet only.
    let table = read_parquet(&out.join("indicators.parquet"));
    let domains = table.column("domain").unwrap().str().unwrap().clone();
    let i = domains
        .iter()
        .position(|d| d == Some("Morocco × 2022"))
        .expect("the crossed row");
    let by_vars = table.column("by_vars").unwrap().get(i).unwrap().to_string();
    let values = table
        .column("domain_values")
        .unwrap()
        .get(i)
        .unwrap()
        .to_string();
    assert!(
        by_vars.contains("\"Country Name\"") && by_vars.contains("\"year\""),
        "{by_vars}"
    );
    assert!(
        values.contains("\"Morocco\"") && values.contains("\"2022\""),
        "{values}"
    );
    let estimate = table.column("estimate").unwrap().f64().unwrap().get(i);
    assert_eq!(estimate, Some(89.9), "the World Bank's published value");
    let csv = std::fs::read_to_string(out.join("indicators.csv")).unwrap();
    assert!(csv.starts_with("indicator,dataset,by,domain,statistic,estimate,se,ci_low,ci_high,n,weighted_n,df,deff,cv,flag,domain_label,label,itu_code\n"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("<svg") && html.contains("Methods and sources") && !html.contains("<script")
    );
}

/// Text from data or spec is text: a region named `<script>…` shows as
/// such in the chart, the tables and the Markdown, and runs nowhere.
#[test]
fn markup_in_data_and_spec_is_escaped() {
    let data =
        "id,region,used\n1,<script>alert(1)</script>,1\n2,<script>alert(1)</script>,0\n3,A & B,1\n";
    let toml = "[study]\nid = \"x\"\ntitle = \"<b>T</b>\"\n\n[datasets.people]\npath = \"people.csv\"\n\n[[indicators]]\nid = \"net\"\ndataset = \"people\"\nstatistic = \"proportion\"\nexpr = \"used = 1\"\nby = [\"region\"]\nlabel = \"Use <i>now</i>\"\n\n[[charts]]\nid = \"c\"\nindicator = \"net\"\nkind = \"bar\"\nby = \"region\"\n";
    let dir = crate::common::temp_study(&[("study.toml", toml), ("people.csv", data)]);
    let (code, _, err) = crate::common::mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(!html.contains("<script"), "no script element");
    assert!(
        !html.contains("<i>now") && !html.contains("<b>T"),
        "no markup from the spec"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "the name shown as text"
    );
    let svg = std::fs::read_to_string(dir.path().join("out/figures/c.svg")).unwrap();
    assert!(
        !svg.contains("<script") && svg.contains("&lt;script&gt;"),
        "escaped in the SVG"
    );
    assert!(svg.contains("A &amp; B"), "ampersand escaped in the SVG");
    let md = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(
        !md.contains("<script") && md.contains("&lt;script&gt;"),
        "escaped in the Markdown"
    );
}
