//! `[[comparisons]]`: differences a − b with their standard error, Wald
//! interval and p-value — between two domains of one survey (their
//! covariance taken from the same linearisation or replicates, as R's
//! `svycontrast` on `svyby(covmat = TRUE)`), overall or within each value
//! of a second variable (the change between two waves that share PSUs, in
//! each region), or between the overall values of two indicators from
//! independent samples (two waves).

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
    /// The variable the difference is taken within, and its value (empty
    /// for a difference over the whole population).
    pub within: Option<(String, String)>,
    /// The difference and its uncertainty.
    pub diff: Difference,
}

impl ComparisonRow {
    /// Whether the row would tell a confidential cell: one of its two
    /// terms is one (with `a − b` and the other term published, it is
    /// known).
    pub fn discloses(&self, register: &crate::disclosure::Register) -> bool {
        match self.method {
            "independent" => register.holds(&self.indicator, &[]) || register.holds(&self.by, &[]),
            _ => [&self.a, &self.b].into_iter().any(|value| {
                let mut cell = vec![(self.by.as_str(), value.as_str())];
                if let Some((var, v)) = &self.within {
                    cell.push((var.as_str(), v.as_str()));
                }
                register.holds(&self.indicator, &cell)
            }),
        }
    }
}

/// Where a target's domains are: its breakdown keys and each domain's values.
pub struct Layout<'a> {
    /// The domains of each of the target's breakdowns (`None` overall).
    pub keys: Vec<&'a Option<super::domains::Domains>>,
}

/// The domain comparison `c` of a target estimated with `form` over
/// `design`: one row, or one per value of its `within` variable.
pub fn domains(
    c: &ComparisonSpec,
    design: &PreparedDesign,
    sums: &DesignSums,
    target: usize,
    layout: &Layout,
    form: Form,
    level: f64,
) -> Result<Vec<ComparisonRow>> {
    let Compared::Domains { by, a, b, within } = &c.compared else {
        return Ok(Vec::new());
    };
    let err = |m: String| Error::Spec {
        location: Some(c.location.clone()),
        message: format!("comparison `{}`: {m}", c.id),
    };
    let wanted: Vec<&String> = [Some(by), within.as_ref()].into_iter().flatten().collect();
    let k = layout
        .keys
        .iter()
        .position(|key| {
            key.as_ref().is_some_and(|d| {
                d.vars.len() == wanted.len() && wanted.iter().all(|w| d.vars.contains(w))
            })
        })
        .ok_or_else(|| {
            err(format!(
                "indicator `{}` has no breakdown by `{}`",
                c.indicator,
                wanted
                    .iter()
                    .map(|w| w.as_str())
                    .collect::<Vec<_>>()
                    .join(" × ")
            ))
        })?;
    let Some(domains) = layout.keys[k].as_ref() else {
        return Ok(Vec::new());
    };
    let at = |var: &String| domains.vars.iter().position(|v| v == var).unwrap_or(0);
    let by_at = at(by);
    // The values of `by` present, to name the choices when `a` or `b` is not one.
    let mut present: Vec<&str> = domains.values.iter().map(|d| d[by_at].as_str()).collect();
    present.dedup();
    for side in [a, b] {
        if !present.contains(&side.as_str()) {
            let mut values = present.clone();
            values.sort_unstable();
            values.dedup();
            return Err(err(format!(
                "`{side}` is not a value of `{by}` — values are: {}",
                choices(values)
            )));
        }
    }
    // The groups the difference is taken in: the whole population, or
    // each value of `within` in the domains' order.
    let mut groups: Vec<Option<&str>> = Vec::new();
    match within {
        None => groups.push(None),
        Some(w) => {
            let w_at = at(w);
            for d in &domains.values {
                if !groups.contains(&Some(d[w_at].as_str())) {
                    groups.push(Some(d[w_at].as_str()));
                }
            }
        }
    }
    let index = |side: &String, group: Option<&str>| {
        domains.values.iter().position(|d| {
            d[by_at] == *side
                && group.is_none_or(|g| within.as_ref().is_some_and(|w| d[at(w)] == g))
        })
    };
    let mut rows = Vec::new();
    for group in groups {
        let (Some(da), Some(db)) = (index(a, group), index(b, group)) else {
            continue;
        };
        let (sa, sb) = (sums.domain(target, k, da), sums.domain(target, k, db));
        if let Some(diff) = difference(design, form, &sa, &sb, level) {
            rows.push(ComparisonRow {
                comparison: c.id.clone(),
                indicator: c.indicator.clone(),
                method: "domains",
                by: by.clone(),
                a: a.clone(),
                b: b.clone(),
                within: within.clone().zip(group.map(str::to_string)),
                diff,
            });
        }
    }
    Ok(rows)
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
                within: None,
                diff,
            })
        })
        .collect()
}

/// The comparisons table: `comparison, indicator, method, by, a, b,
/// estimate_a, estimate_b, difference, se, ci_low, ci_high, p_value,
/// within, within_value`.
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
        Column::new(
            "within".into(),
            s(&|r| r.within.as_ref().map_or(String::new(), |w| w.0.clone())),
        ),
        Column::new(
            "within_value".into(),
            s(&|r| r.within.as_ref().map_or(String::new(), |w| w.1.clone())),
        ),
    ])
    .map_err(|e| Error::internal("comparisons table", e))
}
