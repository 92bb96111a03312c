//! The indicators table as a data frame, with the public columns in their
//! documented order:
//! `indicator, dataset, by, domain, statistic, estimate, se, ci_low, ci_high,
//! n, weighted_n, df, deff, cv, flag`, then `domain_label` (the domain's
//! label from the contract's codes, in the study's language), `label`
//! (the indicator's label), `itu_code` (the ITU core indicator it measures,
//! `HH7`), and in Parquet `by_vars` and `domain_values`, the same as lists.

use polars::prelude::*;

use super::IndicatorRow;
use crate::error::{Error, Result};
use crate::spec::model::Study;

/// The label of value `value` of variable `var` of `dataset`: its code label
/// from the dataset's contract in the study's language, else the value label
/// its microdata file gives, else the value itself.
pub fn value_label(study: &Study, dataset: &str, var: &str, value: &str) -> String {
    let Some(ds) = study.dataset(dataset) else {
        return value.to_string();
    };
    fn own<'a>(
        study: &Study,
        ds: &'a crate::spec::model::DatasetSpec,
        var: &str,
        value: &str,
    ) -> Option<&'a str> {
        ds.contract
            .as_ref()
            .and_then(|c| c.code_label(var, value, study.language))
            .or_else(|| {
                ds.file_labels
                    .get(var)?
                    .values
                    .get(value)
                    .map(String::as_str)
            })
    }
    // A column of a dataset joined to this one's rows is labelled there.
    own(study, ds, var, value)
        .or_else(|| {
            joined(study, dataset)
                .filter(|j| {
                    j.contract
                        .as_ref()
                        .is_some_and(|c| c.columns.contains_key(var))
                })
                .find_map(|j| own(study, j, var, value))
        })
        .unwrap_or(value)
        .to_string()
}

/// The datasets that indicators join to `dataset`'s rows.
fn joined<'a>(
    study: &'a Study,
    dataset: &'a str,
) -> impl Iterator<Item = &'a crate::spec::model::DatasetSpec> + 'a {
    study
        .indicators
        .iter()
        .filter(move |i| i.dataset == dataset)
        .filter_map(|i| study.dataset(&i.join.as_ref()?.dataset))
}

/// The label of variable `var` of `dataset` in the study's language: the
/// contract's label, else the one its microdata file gives, else its name;
/// a period of a date column is the column's label with the period
/// ("Founded (year)").
pub fn variable_label(study: &Study, dataset: &str, var: &str) -> String {
    let parsed = crate::spec::model::Variable::parse(var);
    let column = parsed.column.as_str();
    let label = study
        .dataset(dataset)
        .and_then(|ds| {
            ds.contract
                .as_ref()
                .and_then(|c| c.columns.get(column)?.label.get(study.language))
                .filter(|l| !l.is_empty())
                .or_else(|| ds.file_labels.get(column)?.label.as_deref())
        })
        .unwrap_or(column);
    match parsed.period {
        None => label.to_string(),
        Some(p) => format!(
            "{label} ({})",
            crate::locale::phrase(study.language, &format!("period_{}", p.name()))
        ),
    }
}

/// The label of a breakdown: its variables' labels joined as the `by`
/// column joins them.
pub fn breakdown_label(study: &Study, dataset: &str, vars: &[String]) -> String {
    vars.iter()
        .map(|v| variable_label(study, dataset, v))
        .collect::<Vec<_>>()
        .join(IndicatorRow::CROSS)
}

/// The label of a row's domain: each value's label ([`value_label`]),
/// joined as the `domain` column is.
pub fn domain_label(study: &Study, row: &IndicatorRow) -> Option<String> {
    if row.domain.is_empty() {
        return None;
    }
    let parts: Vec<String> = row
        .by
        .iter()
        .zip(&row.domain)
        .map(|(var, val)| value_label(study, &row.dataset, var, val))
        .collect();
    Some(parts.join(IndicatorRow::CROSS))
}

/// The Parquet-only list column of breakdown variables.
pub const BY_VARS: &str = "by_vars";
/// The Parquet-only list column of domain values, one per breakdown variable.
pub const DOMAIN_VALUES: &str = "domain_values";

/// Builds the table: the direct `rows`, each indicator's small-area
/// `eblups` after its own rows (`statistic = "eblup"`). Its last two
/// columns, [`BY_VARS`] and [`DOMAIN_VALUES`], are lists (for crossed
/// breakdowns, unambiguous whatever the values hold); the CSV leaves them out.
pub fn to_frame(
    study: &Study,
    rows: &[IndicatorRow],
    eblups: &[IndicatorRow],
) -> Result<DataFrame> {
    let mut all: Vec<(&IndicatorRow, bool)> = Vec::with_capacity(rows.len() + eblups.len());
    for (i, r) in rows.iter().enumerate() {
        all.push((r, false));
        if rows
            .get(i + 1)
            .is_none_or(|next| next.indicator != r.indicator)
        {
            all.extend(
                eblups
                    .iter()
                    .filter(|e| e.indicator == r.indicator)
                    .map(|e| (e, true)),
            );
        }
    }
    let statistic: Vec<String> = all
        .iter()
        .map(|(r, eblup)| {
            if *eblup {
                "eblup".to_string()
            } else {
                r.statistic.name().to_string()
            }
        })
        .collect();
    let rows: Vec<&IndicatorRow> = all.into_iter().map(|(r, _)| r).collect();
    let s = |f: &dyn Fn(&IndicatorRow) -> Option<String>| {
        rows.iter().map(|r| f(r)).collect::<Vec<Option<String>>>()
    };
    let f = |f: &dyn Fn(&IndicatorRow) -> Option<f64>| {
        rows.iter().map(|r| f(r)).collect::<Vec<Option<f64>>>()
    };
    let label = |r: &IndicatorRow| {
        study
            .indicator(&r.indicator)
            .and_then(|i| i.label.get(study.language))
            .map(str::to_string)
    };
    let columns = vec![
        Column::new("indicator".into(), s(&|r| Some(r.indicator.clone()))),
        Column::new("dataset".into(), s(&|r| Some(r.dataset.clone()))),
        Column::new("by".into(), s(&|r| r.by_text())),
        Column::new("domain".into(), s(&|r| r.domain_text())),
        Column::new("statistic".into(), statistic),
        Column::new("estimate".into(), f(&|r| r.est.estimate)),
        Column::new("se".into(), f(&|r| r.est.se)),
        Column::new("ci_low".into(), f(&|r| r.est.ci_low)),
        Column::new("ci_high".into(), f(&|r| r.est.ci_high)),
        Column::new(
            "n".into(),
            rows.iter()
                .map(|r| r.est.counts().map(|c| c.0))
                .collect::<Vec<Option<u64>>>(),
        ),
        Column::new("weighted_n".into(), f(&|r| r.est.counts().map(|c| c.1))),
        Column::new("df".into(), f(&|r| r.est.df)),
        Column::new("deff".into(), f(&|r| r.est.deff)),
        Column::new("cv".into(), f(&|r| r.est.cv)),
        Column::new(
            "flag".into(),
            s(&|r| r.est.flag.map(|f| f.code().to_string())),
        ),
        Column::new("domain_label".into(), s(&|r| domain_label(study, r))),
        Column::new("label".into(), s(&label)),
        Column::new(
            "itu_code".into(),
            s(&|r| study.indicator(&r.indicator).and_then(|i| i.itu.clone())),
        ),
    ];
    let lists = |name: &str, f: &dyn Fn(&IndicatorRow) -> &Vec<String>| {
        let items: Vec<Series> = rows
            .iter()
            .map(|r| Series::new("".into(), f(r).clone()))
            .collect();
        Column::new(name.into(), items)
    };
    let mut columns = columns;
    columns.push(lists(BY_VARS, &|r| &r.by));
    columns.push(lists(DOMAIN_VALUES, &|r| &r.domain));
    DataFrame::new_infer_height(columns).map_err(|e| Error::internal("indicators table", e))
}
