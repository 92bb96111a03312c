//! Who contributes to each cell of an indicator, and how much: the rows
//! with a value in the cell (for a count, the rows it counts), grouped by
//! the dataset's contributor column when `[study.disclosure]` names one,
//! with each contributor's amount when the rules weigh amounts.

use std::collections::HashMap;

use polars::prelude::*;

use super::rules::Contributions;
use crate::error::{Error, Result};
use crate::indicators::evaluate::{self, OwnedValues};
use crate::indicators::{IndicatorRow, domains};
use crate::spec::model::{IndicatorSpec, Statistic, Variable};
use crate::survey::accumulate::Breakdown;
use crate::survey::columns::MISSING;

/// The contributions to each of `rows` (the indicator's rows over `df`).
pub fn cells(
    ind: &IndicatorSpec,
    df: &DataFrame,
    rows: &[IndicatorRow],
    contributor: Option<&str>,
    weigh: bool,
) -> Result<Vec<Contributions>> {
    let ev = evaluate::evaluate(ind, df)?;
    let counted = matches!(ind.statistic, Statistic::Count);
    let value = |i: usize| -> Option<f64> {
        if ev.mask.as_ref().is_some_and(|m| !m[i]) {
            return None;
        }
        match &ev.y {
            OwnedValues::Numbers(v) => Some(v[i]).filter(|x| !x.is_nan()),
            OwnedValues::Flags(v) => match v[i] {
                MISSING => None,
                0 if counted => None,
                f => Some(f64::from(f)),
            },
        }
    };
    let keys = contributor
        .map(|c| contributor_keys(ind, df, c))
        .transpose()?;
    let row_of: HashMap<(&Vec<String>, &Vec<String>), usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| ((&r.by, &r.domain), i))
        .collect();
    // Per cell, per contributor: the amount.
    let mut sums: Vec<HashMap<u64, f64>> = vec![HashMap::new(); rows.len()];
    let mut breakdowns: Vec<&Vec<String>> = Vec::new();
    for r in rows {
        if !breakdowns.contains(&&r.by) {
            breakdowns.push(&r.by);
        }
    }
    for by in breakdowns {
        let (dm, breakdown) = if by.is_empty() {
            (None, Breakdown::Overall)
        } else {
            let vars: Vec<Variable> = by.iter().map(|v| Variable::parse(v)).collect();
            let indexed: HashMap<String, domains::Variable> = vars
                .iter()
                .map(|v| Ok((v.name(), domains::variable(df, v)?)))
                .collect::<Result<_>>()?;
            let (dm, breakdown) = domains::cross(&vars, &indexed);
            (Some(dm), breakdown)
        };
        let cell_of: Vec<Option<usize>> = match (&breakdown, &dm) {
            (Breakdown::Codes { n_domains, .. }, Some(dm)) => (0..*n_domains)
                .map(|d| row_of.get(&(by, &dm.values[d])).copied())
                .collect(),
            _ => Vec::new(),
        };
        let overall = row_of.get(&(by, &Vec::new())).copied();
        for i in 0..df.height() {
            let Some(y) = value(i) else { continue };
            let cell = match &breakdown {
                Breakdown::Codes { codes, .. } => match codes.get(i) {
                    Breakdown::NONE => None,
                    d => cell_of[d as usize],
                },
                Breakdown::Overall => overall,
            };
            let Some(cell) = cell else { continue };
            let key = match &keys {
                None => i as u64,
                Some(k) => k[i].ok_or_else(|| Error::Estimation {
                    indicator: ind.id.clone(),
                    message: format!(
                        "disclosure control: row {} of dataset `{}` has no contributor (`{}` is empty): which unit it belongs to decides whether a cell is dominated",
                        i + 1,
                        ind.dataset,
                        contributor.unwrap_or_default()
                    ),
                })?,
            };
            *sums[cell].entry(key).or_default() += y;
        }
    }
    Ok(sums
        .into_iter()
        .map(|s| {
            let mut amounts: Vec<f64> = if weigh {
                s.values().copied().collect()
            } else {
                Vec::new()
            };
            amounts.sort_by(|a, b| b.total_cmp(a));
            Contributions {
                count: s.len() as u64,
                amounts,
            }
        })
        .collect())
}

/// Each row's contributor as a number (equal ids, equal numbers; `None`
/// for a row without one, refused where it contributes rather than guessed
/// to be a contributor alone).
fn contributor_keys(ind: &IndicatorSpec, df: &DataFrame, column: &str) -> Result<Vec<Option<u64>>> {
    let col = df.column(column).map_err(|_| {
        Error::spec(format!(
            "[study.disclosure] contributors: dataset `{}` has no column `{column}` — columns are: {}",
            ind.dataset,
            crate::error::choices(df.get_column_names())
        ))
    })?;
    let text = col
        .cast(&DataType::String)
        .map_err(|e| Error::internal("contributor column", e))?;
    let mut ids: HashMap<&str, u64> = HashMap::new();
    let mut out = Vec::with_capacity(df.height());
    let text = text
        .str()
        .map_err(|e| Error::internal("contributor column", e))?;
    for v in text.iter() {
        let next = ids.len() as u64;
        out.push(v.map(|v| *ids.entry(v).or_insert(next)));
    }
    Ok(out)
}
