//! `survival`: of the units founded long enough ago to tell — founded at
//! least `after` years before the registry's date (`as_of`, by default its
//! latest founding or closing date) — the share still active `after` years
//! on: not closed, or closed later than that. Registries only; exact.

use chrono::{Months, NaiveDate};
use polars::prelude::*;

use super::{Estimator, Pass};
use crate::error::{Error, Result};
use crate::spec::model::{IndicatorSpec, SurvivalSpec};
use crate::survey::accumulate::{Breakdown, Target};
use crate::survey::estimate::Estimate;

/// Each row's date in `name` (none when missing).
fn dates(df: &DataFrame, name: &str, id: &str) -> Result<Vec<Option<NaiveDate>>> {
    let col = df.column(name).map_err(|_| {
        Error::spec(format!(
            "indicator `{id}`: column `{name}` not found — columns are: {}",
            crate::error::choices(df.get_column_names())
        ))
    })?;
    let fail = |e: PolarsError| Error::internal(format!("dates of `{name}`"), e);
    let cast = col.cast(&DataType::Date).map_err(fail)?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
    Ok(cast
        .date()
        .map_err(fail)?
        .physical()
        .iter()
        .map(|d| epoch.checked_add_signed(chrono::TimeDelta::days(i64::from(d?))))
        .collect())
}

/// The survival of units past a horizon.
pub struct Survival<'a>(pub &'a SurvivalSpec);

impl Estimator for Survival<'_> {
    fn registries_only(&self) -> bool {
        true
    }

    fn estimate(
        &self,
        ind: &IndicatorSpec,
        pass: &Pass,
        target: &Target,
        _t: usize,
    ) -> Result<Vec<Vec<Estimate>>> {
        estimate(ind, self.0, pass, target)
    }
}

/// The survival shares of `target` for each of its breakdowns and domains.
fn estimate(
    ind: &IndicatorSpec,
    spec: &SurvivalSpec,
    pass: &Pass,
    target: &Target,
) -> Result<Vec<Vec<Estimate>>> {
    let (df, breakdowns) = (pass.df, pass.breakdowns);
    let founded = dates(df, &spec.founded, &ind.id)?;
    let closed = dates(df, &spec.closed, &ind.id)?;
    let as_of = spec
        .as_of
        .or_else(|| founded.iter().chain(&closed).flatten().max().copied());
    let horizon = Months::new(12 * spec.after);
    // Per row: None when too recent to tell, else whether it survived.
    let outcome: Vec<Option<bool>> = founded
        .iter()
        .zip(&closed)
        .enumerate()
        .map(|(row, (f, c))| {
            let end = f.as_ref()?.checked_add_months(horizon)?;
            if target.mask.is_some_and(|m| !m[row]) || as_of.is_none_or(|a| end > a) {
                return None;
            }
            Some(c.is_none_or(|c| c > end))
        })
        .collect();
    Ok(target
        .breakdowns
        .iter()
        .map(|&b| {
            let mut counts = vec![(0u64, 0u64); breakdowns[b].n_domains()];
            for (row, o) in outcome.iter().enumerate() {
                let d = breakdowns[b].code(row);
                if let (Some(alive), true) = (o, d != Breakdown::NONE) {
                    counts[d as usize].0 += u64::from(*alive);
                    counts[d as usize].1 += 1;
                }
            }
            counts
                .iter()
                .map(|&(alive, n)| Estimate {
                    estimate: (n > 0).then(|| alive as f64 / n as f64),
                    n,
                    weighted_n: n as f64,
                    ..Default::default()
                })
                .collect()
        })
        .collect())
}
