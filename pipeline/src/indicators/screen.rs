//! The last look at the indicators table before anything is published: a
//! value that is not a finite number (an expression dividing by zero,
//! weights that overflow) is an error naming the indicator and domain, and
//! an indicator without a single value is a warning for the run summary.

use super::IndicatorRow;
use crate::error::{Error, Result};
use crate::spec::model::Study;

/// Fails on the first row whose estimate, SE or interval is NaN or infinite.
pub fn finite(rows: &[IndicatorRow]) -> Result<()> {
    for r in rows {
        let e = &r.est;
        let parts = [
            ("estimate", e.estimate),
            ("standard error", e.se),
            ("interval", e.ci_low),
            ("interval", e.ci_high),
        ];
        if let Some((what, v)) = parts
            .iter()
            .find_map(|(w, v)| v.filter(|v| !v.is_finite()).map(|v| (w, v)))
        {
            let domain = r.domain_text().map_or_else(
                || "overall".to_string(),
                |d| format!("{} = {d}", r.by.join(IndicatorRow::CROSS)),
            );
            return Err(Error::Estimation {
                indicator: r.indicator.clone(),
                message: format!(
                    "the {what} ({domain}) is {v}, not a number that can be published — look for a division by zero or a missing value in its expression, or for weights too large to add up"
                ),
            });
        }
    }
    Ok(())
}

/// One warning per indicator of `study` that has no value in any row.
pub fn empty(study: &Study, rows: &[IndicatorRow]) -> Vec<String> {
    study
        .indicators
        .iter()
        .filter(|i| {
            !rows
                .iter()
                .any(|r| r.indicator == i.id && r.est.estimate.is_some())
        })
        .map(|i| {
            format!(
                "indicator `{}` has no value: no row of dataset `{}` holds one (an empty file, or a `where` that no row meets)",
                i.id, i.dataset
            )
        })
        .collect()
}
