//! `[[comparisons]]`: differences a − b with their standard error, Wald
//! interval and p-value — between two domains of one survey (their
//! covariance taken from the same linearisation or replicates, as R's
//! `svycontrast` on `svyby(covmat = TRUE)`), or between the overall values
//! of two indicators from independent samples (two waves).

use polars::prelude::*;

use super::IndicatorRow;
use crate::error::{Error, Result, choices};
use crate::spec::model::{Compared, ComparisonSpec, Study};
use crate::survey::accumulate::DesignSums;
use crate::survey::design::PreparedDesign;
use crate::survey::estimate::{Difference, Form, difference, independent_difference};

/// One row of `comparisons.parquet`.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    /// Comparison id.
    pub comparison: String,
    /// The indicator (the first term).
    pub indicator: String,
    /// "domains" or "independent".
    pub method: &'static str,
    /// The breakdown variable (domains) or the other indicator (independent).
    pub by: String,
    /// First term: a domain value, or "overall".
    pub a: String,
    /// Second term.
    pub b: String,
    /// The difference and its uncertainty.
    pub diff: Difference,
}

/// Where a target's domains are: its breakdown keys and each domain's values.
pub struct Layout<'a> {
    /// The domains of each of the target's breakdowns (`None` overall).
    pub keys: Vec<&'a Option<super::domains::Domains>>,
}

/// The domain comparison `c` of a target estimated with `form` over `design`.
pub fn domains(
    c: &ComparisonSpec,
    design: &PreparedDesign,
    sums: &DesignSums,
    target: usize,
    layout: &Layout,
    form: Form,
    level: f64,
) -> Result<Option<ComparisonRow>> {
    let Compared::Domains { by, a, b } = &c.compared else {
        return Ok(None);
    };
    let err = |m: String| Error::Spec {
        location: Some(c.location.clone()),
        message: format!("comparison `{}`: {m}", c.id),
    };
    let k = layout
        .keys
        .iter()
        .position(|key| {
            key.as_ref()
                .is_some_and(|d| d.vars.len() == 1 && &d.vars[0] == by)
        })
        .ok_or_else(|| {
            err(format!(
                "indicator `{}` has no breakdown by `{by}`",
                c.indicator
            ))
        })?;
    let values = layout.keys[k]
        .as_ref()
        .map_or(&[][..], |d| d.values.as_slice());
    let index = |v: &String| {
        values
            .iter()
            .position(|d| d.len() == 1 && &d[0] == v)
            .ok_or_else(|| {
                err(format!(
                    "`{v}` is not a value of `{by}` — values are: {}",
                    choices(values.iter().map(|d| d[0].as_str()))
                ))
            })
    };
    let (da, db) = (index(a)?, index(b)?);
    let (sa, sb) = (sums.domain(target, k, da), sums.domain(target, k, db));
    Ok(
        difference(design, form, &sa, &sb, level).map(|diff| ComparisonRow {
            comparison: c.id.clone(),
            indicator: c.indicator.clone(),
            method: "domains",
            by: by.clone(),
            a: a.clone(),
            b: b.clone(),
            diff,
        }),
    )
}

/// The independent comparisons of `study` from the overall rows.
pub fn independent(study: &Study, rows: &[IndicatorRow]) -> Vec<ComparisonRow> {
    let overall = |id: &str| rows.iter().find(|r| r.indicator == id && r.by.is_empty());
    study
        .comparisons
        .iter()
        .filter_map(|c| {
            let Compared::Independent { versus } = &c.compared else {
                return None;
            };
            let (a, b) = (overall(&c.indicator)?, overall(versus)?);
            let diff = independent_difference(
                a.est.estimate?,
                a.est.se.unwrap_or(0.0),
                b.est.estimate?,
                b.est.se.unwrap_or(0.0),
                study.indicator(&c.indicator).map_or(0.95, |i| i.level),
            );
            Some(ComparisonRow {
                comparison: c.id.clone(),
                indicator: c.indicator.clone(),
                method: "independent",
                by: versus.clone(),
                a: "overall".into(),
                b: "overall".into(),
                diff,
            })
        })
        .collect()
}

/// The comparisons table: `comparison, indicator, method, by, a, b,
/// estimate_a, estimate_b, difference, se, ci_low, ci_high, p_value`.
pub fn to_frame(rows: &[ComparisonRow]) -> Result<DataFrame> {
    let s = |f: &dyn Fn(&ComparisonRow) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let f = |f: &dyn Fn(&Difference) -> f64| rows.iter().map(|r| f(&r.diff)).collect::<Vec<f64>>();
    DataFrame::new_infer_height(vec![
        Column::new("comparison".into(), s(&|r| r.comparison.clone())),
        Column::new("indicator".into(), s(&|r| r.indicator.clone())),
        Column::new("method".into(), s(&|r| r.method.to_string())),
        Column::new("by".into(), s(&|r| r.by.clone())),
        Column::new("a".into(), s(&|r| r.a.clone())),
        Column::new("b".into(), s(&|r| r.b.clone())),
        Column::new("estimate_a".into(), f(&|d| d.a)),
        Column::new("estimate_b".into(), f(&|d| d.b)),
        Column::new("difference".into(), f(&|d| d.difference)),
        Column::new("se".into(), f(&|d| d.se)),
        Column::new("ci_low".into(), f(&|d| d.ci_low)),
        Column::new("ci_high".into(), f(&|d| d.ci_high)),
        Column::new("p_value".into(), f(&|d| d.p_value)),
    ])
    .map_err(|e| Error::internal("comparisons table", e))
}
