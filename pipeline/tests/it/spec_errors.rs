//! Mistakes in `study.toml`: each gets exit code 2 and a message that names
//! the file, line and column, what is wrong and the valid choices.

use crate::common::{mizan, temp_study};

const DATA: &str = "id,region,sex,used\n1,1,1,1\n2,2,2,0\n3,1,2,1\n";

fn spec(indicator: &str, chart: &str) -> String {
    format!(
        "[study]\nid = \"t\"\ntitle = \"T\"\n\n[datasets.people]\npath = \"people.csv\"\n\n{indicator}\n{chart}"
    )
}

const GOOD_INDICATOR: &str = "[[indicators]]\nid = \"net\"\ndataset = \"people\"\nstatistic = \"proportion\"\nexpr = \"used = 1\"\nby = [\"region\"]\n";

/// Runs `mizan validate` on a study made of `toml` and the small dataset.
fn validate(toml: &str) -> (i32, String) {
    let dir = temp_study(&[("study.toml", toml), ("people.csv", DATA)]);
    let (code, _, err) = mizan(&["validate", "."], dir.path());
    (code, err)
}

#[test]
fn the_good_spec_validates() {
    let (code, err) = validate(&spec(GOOD_INDICATOR, ""));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn unknown_statistic_names_position_and_choices() {
    let (code, err) = validate(&spec(
        &GOOD_INDICATOR.replace("\"proportion\"", "\"propotion\""),
        "",
    ));
    assert_eq!(code, 2);
    assert!(err.contains("study.toml:11:13"), "{err}");
    assert!(
        err.contains(
            "unknown statistic `propotion` — expected one of mean, proportion, total, count"
        ),
        "{err}"
    );
}

#[test]
fn unknown_column_in_by_lists_the_columns() {
    let (code, err) = validate(&spec(
        &GOOD_INDICATOR.replace("[\"region\"]", "[\"regoin\"]"),
        "",
    ));
    assert_eq!(code, 2);
    assert!(err.contains("study.toml:13:7"), "{err}");
    assert!(
        err.contains(
            "column `regoin` not found in dataset `people` — columns are: id, region, sex, used"
        ),
        "{err}"
    );
}

#[test]
fn unknown_column_in_expression_points_at_expr() {
    let (code, err) = validate(&spec(&GOOD_INDICATOR.replace("used = 1", "usd = 1"), ""));
    assert_eq!(code, 2);
    assert!(err.contains("study.toml:12:8"), "{err}");
    assert!(
        err.contains("column `usd` not found in dataset `people`"),
        "{err}"
    );
}

#[test]
fn misspelled_key_is_refused_with_the_valid_keys() {
    let (code, err) = validate(&spec(
        &GOOD_INDICATOR.replace("statistic =", "statistc ="),
        "",
    ));
    assert_eq!(code, 2);
    assert!(err.contains("study.toml:11:1"), "{err}");
    assert!(err.contains("unknown field `statistc`"), "{err}");
    assert!(err.contains("`statistic`"), "{err}");
}

#[test]
fn unknown_dataset_lists_the_datasets() {
    let (code, err) = validate(&spec(
        &GOOD_INDICATOR.replace("dataset = \"people\"", "dataset = \"persons\""),
        "",
    ));
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown dataset `persons` — datasets are: people"),
        "{err}"
    );
}

#[test]
fn chart_by_must_be_a_breakdown_of_its_indicator() {
    let chart = "[[charts]]\nid = \"c\"\nindicator = \"net\"\nkind = \"bar\"\nby = \"sex\"\n";
    let (code, err) = validate(&spec(GOOD_INDICATOR, chart));
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "study.toml:19:6: chart `c`: indicator `net` has no breakdown by sex — its breakdowns are: region"
        ),
        "{err}"
    );
}

#[test]
fn unknown_chart_kind_and_language_list_the_choices() {
    let chart = "[[charts]]\nid = \"c\"\nindicator = \"net\"\nkind = \"pie\"\nby = \"region\"\n";
    let (code, err) = validate(&spec(GOOD_INDICATOR, chart));
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown chart kind `pie` — expected one of bar, grouped_bar, line, dot, heatmap, small_multiples, map"),
        "{err}"
    );
    let (code, err) = validate(
        &spec(GOOD_INDICATOR, "").replace("title = \"T\"", "title = \"T\"\nlanguage = \"de\""),
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown language `de` — expected one of en, fr"),
        "{err}"
    );
}

#[test]
fn a_proportion_needs_a_condition() {
    let (code, err) = validate(&spec(&GOOD_INDICATOR.replace("used = 1", "used + 1"), ""));
    assert_eq!(code, 2);
    assert!(err.contains("needs a condition (true/false)"), "{err}");
}

#[test]
fn a_missing_source_file_is_a_data_error() {
    let dir = temp_study(&[("study.toml", &spec(GOOD_INDICATOR, ""))]);
    let (code, _, err) = mizan(&["validate", "."], dir.path());
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("people.csv") && err.contains("cannot read"),
        "{err}"
    );
}

#[test]
fn a_funnel_needs_its_stages_and_a_summary_its_breakdown() {
    let (code, err) = validate(&spec(
        GOOD_INDICATOR,
        "[[charts]]\nid = \"f\"\nindicator = \"net\"\nkind = \"funnel\"\nby = \"region\"\n",
    ));
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "chart `f`: a funnel draws the stages of a process: two or more indicators in order"
        ),
        "{err}"
    );
    let (code, err) = validate(&spec(
        GOOD_INDICATOR,
        "[report]\n[[report.sections]]\ntitle = \"S\"\nsummary = { by = \"sex\", indicators = [\"net\"] }\n",
    ));
    assert_eq!(code, 2);
    assert!(
        err.contains("summary by `sex`: indicator `net` has no breakdown by `sex` alone"),
        "{err}"
    );
    assert!(err.contains("study.toml:"), "{err}");
}
