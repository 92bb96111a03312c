//! `per_capita`: an indicator's total (of `expr`, or its count of rows)
//! divided by a population and multiplied by `per` — by the breakdown whose
//! values key the population dataset (`on`), and overall by the sum of the
//! populations. The standard error and interval scale the same way (the
//! population is known, not estimated). Other breakdowns have no population
//! and get no value; domains without a population are reported.

use std::collections::HashMap;

use polars::prelude::*;

use super::Estimator;
use crate::error::{Error, Result};
use crate::indicators::IndicatorRow;
use crate::spec::model::{IndicatorSpec, PerCapita};
use crate::survey::columns::f64_values;

/// A total per population: estimated as a total, then divided.
pub struct PerPopulation<'a>(pub &'a PerCapita);

impl Estimator for PerPopulation<'_> {
    fn finish(
        &self,
        ind: &IndicatorSpec,
        rows: &mut [IndicatorRow],
        data: &std::collections::BTreeMap<String, DataFrame>,
    ) -> Result<Option<String>> {
        apply(&ind.id, self.0, rows, data)
    }
}

/// Turns `rows` (totals of indicator `id`) into rates per `spec.per` people;
/// returns a note when some domain had no population.
fn apply(
    id: &str,
    spec: &PerCapita,
    rows: &mut [IndicatorRow],
    data: &std::collections::BTreeMap<String, DataFrame>,
) -> Result<Option<String>> {
    let df = &data[&spec.dataset];
    let column = |name: &str| {
        df.column(name).map_err(|_| {
            Error::spec(format!(
                "indicator `{id}`: population: column `{name}` not found in dataset `{}` — columns are: {}",
                spec.dataset,
                crate::error::choices(df.get_column_names())
            ))
        })
    };
    let keys = column(&spec.on)?
        .cast(&DataType::String)
        .map_err(|e| Error::internal("population", e))?;
    let people = f64_values(column(&spec.column)?)?;
    let mut population: HashMap<String, f64> = HashMap::new();
    for (k, p) in keys
        .str()
        .map_err(|e| Error::internal("population", e))?
        .iter()
        .zip(people)
    {
        let Some(k) = k else { continue };
        if population.insert(k.to_string(), p).is_some() {
            return Err(Error::spec(format!(
                "indicator `{id}`: population dataset `{}` has two rows for `{k}`",
                spec.dataset
            )));
        }
    }
    let total: f64 = population.values().filter(|p| p.is_finite()).sum();
    let mut missing = Vec::new();
    for r in rows.iter_mut() {
        let base = match r.by.as_slice() {
            [] => Some(total),
            [v] if v == &spec.on => {
                let p = population.get(&r.domain[0]).copied();
                if p.is_none() {
                    missing.push(r.domain[0].clone());
                }
                p
            }
            _ => None,
        };
        let scale = base.filter(|p| *p > 0.0).map(|p| spec.per / p);
        let e = &mut r.est;
        for v in [&mut e.estimate, &mut e.se, &mut e.ci_low, &mut e.ci_high] {
            *v = v.zip(scale).map(|(v, s)| v * s);
        }
        if scale.is_none() {
            e.deff = None;
            e.cv = None;
        }
    }
    Ok((!missing.is_empty()).then(|| {
        format!(
            "indicator `{id}`: no population in `{}` for {}: no rate per {} for them",
            spec.dataset,
            missing.join(", "),
            spec.per
        )
    }))
}
