//! The codebook a statistics office publishes with its microdata (as
//! Stata's `codebook`): per dataset and column, its label and type; for
//! numbers, min, max and mean; for coded columns (labelled, or with few
//! distinct values), each code with its label and its unweighted and — for
//! a survey dataset, with its sampling weights — weighted frequency; and
//! the missing values, by reason. Written as `out/codebook.csv`.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::table::value_label;
use crate::error::{Error, Result};
use crate::spec::model::Study;
use crate::survey::columns::f64_values;

/// A column with at most this many distinct values is listed code by code.
const MAX_CODES: usize = 12;

/// One line of the codebook.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Line {
    /// Dataset id.
    pub dataset: String,
    /// Column.
    pub column: String,
    /// The column's label (contract, else the file's).
    pub label: String,
    /// The column's type.
    pub kind: String,
    /// `summary` (the column as a whole), `code` or `missing`.
    pub row: &'static str,
    /// The code, or the missing value's reason.
    pub value: String,
    /// The code's label.
    pub value_label: String,
    /// Rows.
    pub n: u64,
    /// Σ sampling weights of those rows (survey datasets).
    pub weighted_n: Option<f64>,
    /// Smallest value (numbers, summary line).
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// Unweighted mean.
    pub mean: Option<f64>,
}

/// The codebook of every dataset of `study` (`data`: the kept rows).
pub fn lines(study: &Study, data: &BTreeMap<String, DataFrame>) -> Result<Vec<Line>> {
    let mut out = Vec::new();
    for ds in &study.datasets {
        let Some(df) = data.get(&ds.id) else { continue };
        let weights = match ds.design.as_ref().and_then(|d| d.weights.as_ref()) {
            Some(w) => df.column(w).ok().map(f64_values).transpose()?,
            None => None,
        };
        let suffix = crate::ingest::microdata::MISSING_SUFFIX;
        for col in df.columns() {
            let name = col.name().to_string();
            if name
                .strip_suffix(suffix)
                .is_some_and(|base| df.column(base).is_ok())
            {
                continue;
            }
            let rule = ds.contract.as_ref().and_then(|c| c.columns.get(&name));
            let file = ds.file_labels.get(&name);
            let label = rule
                .and_then(|r| r.label.get(study.language))
                .map(str::to_string)
                .or_else(|| file.and_then(|f| f.label.clone()))
                .unwrap_or_default();
            let base = Line {
                dataset: ds.id.clone(),
                column: name.clone(),
                label,
                kind: col.dtype().to_string(),
                ..Line::default()
            };
            let fail = |e: PolarsError| Error::internal(format!("codebook of `{name}`"), e);
            let text = col.cast(&DataType::String).map_err(fail)?;
            let text = text.str().map_err(fail)?;
            let sum_w = |rows: &mut dyn Iterator<Item = usize>| {
                weights.as_ref().map(|w| rows.map(|i| w[i]).sum::<f64>())
            };
            // The column as a whole.
            let present: Vec<usize> = (0..df.height())
                .filter(|&i| text.get(i).is_some())
                .collect();
            let numbers = col
                .dtype()
                .is_primitive_numeric()
                .then(|| f64_values(col))
                .transpose()?;
            let (min, max, mean) = match &numbers {
                Some(v) if !present.is_empty() => {
                    let vals: Vec<f64> = present.iter().map(|&i| v[i]).collect();
                    (
                        vals.iter().copied().reduce(f64::min),
                        vals.iter().copied().reduce(f64::max),
                        Some(vals.iter().sum::<f64>() / vals.len() as f64),
                    )
                }
                _ => (None, None, None),
            };
            out.push(Line {
                row: "summary",
                n: present.len() as u64,
                weighted_n: sum_w(&mut present.iter().copied()),
                min,
                max,
                mean,
                ..base.clone()
            });
            // Each code, when the column is coded.
            let mut codes: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for &i in &present {
                if let Some(v) = text.get(i) {
                    codes.entry(v).or_default().push(i);
                }
            }
            // Coded: few values, or a label for every value present.
            let labelled = !codes.is_empty()
                && codes
                    .keys()
                    .all(|c| value_label(study, &ds.id, &name, c) != *c);
            if labelled || codes.len() <= MAX_CODES {
                let mut ordered: Vec<(&str, Vec<usize>)> = codes.into_iter().collect();
                ordered.sort_by(|a, b| {
                    crate::ingest::sources::natural_key(a.0)
                        .cmp(&crate::ingest::sources::natural_key(b.0))
                });
                for (code, rows) in ordered {
                    out.push(Line {
                        row: "code",
                        value: code.to_string(),
                        value_label: value_label(study, &ds.id, &name, code),
                        n: rows.len() as u64,
                        weighted_n: sum_w(&mut rows.iter().copied()),
                        ..base.clone()
                    });
                }
            }
            // Missing values, by reason.
            let mut reasons: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            let why = df
                .column(&format!("{name}{suffix}"))
                .ok()
                .and_then(|c| c.str().ok().cloned());
            for i in (0..df.height()).filter(|&i| text.get(i).is_none()) {
                let reason = match why.as_ref().and_then(|w| w.get(i)) {
                    Some(code) => labelled_code(study, &ds.id, &name, code),
                    None => "no value".to_string(),
                };
                reasons.entry(reason).or_default().push(i);
            }
            if let Some(r) = rule {
                for (code, reason) in &r.missing {
                    let rows: Vec<usize> = present
                        .iter()
                        .copied()
                        .filter(|&i| same_code(text.get(i), code, numbers.as_ref().map(|v| v[i])))
                        .collect();
                    if !rows.is_empty() {
                        let r = reason.get_or(study.language, code);
                        reasons.insert(format!("{code} ({r})"), rows);
                    }
                }
            }
            for (reason, rows) in reasons {
                out.push(Line {
                    row: "missing",
                    value: reason,
                    n: rows.len() as u64,
                    weighted_n: sum_w(&mut rows.iter().copied()),
                    ..base.clone()
                });
            }
        }
    }
    Ok(out)
}

/// A missing code with its label when it has one: `98 (Don't know)`.
pub fn labelled_code(study: &Study, dataset: &str, column: &str, code: &str) -> String {
    let label = value_label(study, dataset, column, code);
    if label == code {
        code.to_string()
    } else {
        format!("{code} ({label})")
    }
}

/// Whether a value is a declared missing code: numerically for numbers.
fn same_code(text: Option<&str>, code: &str, number: Option<f64>) -> bool {
    match (number, code.trim().parse::<f64>()) {
        (Some(v), Ok(c)) => v == c,
        _ => text == Some(code),
    }
}

/// The codebook as a table.
pub fn to_frame(lines: &[Line]) -> Result<DataFrame> {
    let text = |f: fn(&Line) -> String| lines.iter().map(f).collect::<Vec<String>>();
    let cols = vec![
        Column::new("dataset".into(), text(|l| l.dataset.clone())),
        Column::new("column".into(), text(|l| l.column.clone())),
        Column::new("label".into(), text(|l| l.label.clone())),
        Column::new("type".into(), text(|l| l.kind.clone())),
        Column::new("row".into(), text(|l| l.row.to_string())),
        Column::new("value".into(), text(|l| l.value.clone())),
        Column::new("value_label".into(), text(|l| l.value_label.clone())),
        Column::new("n".into(), lines.iter().map(|l| l.n).collect::<Vec<u64>>()),
        Column::new(
            "weighted_n".into(),
            lines.iter().map(|l| l.weighted_n).collect::<Vec<_>>(),
        ),
        Column::new(
            "min".into(),
            lines.iter().map(|l| l.min).collect::<Vec<_>>(),
        ),
        Column::new(
            "max".into(),
            lines.iter().map(|l| l.max).collect::<Vec<_>>(),
        ),
        Column::new(
            "mean".into(),
            lines.iter().map(|l| l.mean).collect::<Vec<_>>(),
        ),
    ];
    DataFrame::new_infer_height(cols).map_err(|e| Error::internal("codebook", e))
}
