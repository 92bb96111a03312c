//! Breakdowns: the domains of one variable, or of a cross of several. Each
//! variable's values are indexed in natural order (numbers by value); a
//! cross enumerates every combination of observed values, so an empty cell
//! is reported (with n = 0) rather than silently missing. Rows with a
//! missing breakdown value belong to no domain of that breakdown, as in R's
//! `svyby`.

use std::collections::HashMap;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::survey::accumulate::Breakdown;
use crate::survey::codes::{Codes, index_column};

/// The values of one variable: a code per row and the sorted distinct values.
#[derive(Debug, Clone)]
pub struct Variable {
    /// Code per row ([`Breakdown::NONE`] for missing).
    pub codes: Codes,
    /// Distinct values as text, in code order.
    pub values: Vec<String>,
}

/// Reads the variable `name` of `df`.
pub fn variable(df: &DataFrame, name: &str) -> Result<Variable> {
    let col = df
        .column(name)
        .map_err(|e| Error::internal(format!("breakdown variable `{name}`"), e))?;
    let (codes, values) = index_column(col)?;
    Ok(Variable { codes, values })
}

/// The domains of a breakdown over `vars` (one variable, or a cross).
#[derive(Debug, Clone)]
pub struct Domains {
    /// The variables.
    pub vars: Vec<String>,
    /// For each domain, the value of each variable.
    pub values: Vec<Vec<String>>,
}

/// Builds the cross of `vars` from their indexed values: its domains, and
/// each row's domain for the estimation pass.
pub fn cross(vars: &[String], indexed: &HashMap<String, Variable>) -> (Domains, Breakdown) {
    let parts: Vec<&Variable> = vars.iter().map(|v| &indexed[v]).collect();
    let n_rows = parts.first().map_or(0, |p| p.codes.len());
    let n_domains: usize = parts.iter().map(|p| p.values.len()).product();
    let codes = Codes::collect(
        n_domains,
        (0..n_rows).map(|row| {
            let mut acc = 0u32;
            for p in &parts {
                let c = p.codes.get(row);
                if c == Breakdown::NONE {
                    return Breakdown::NONE;
                }
                acc = acc * p.values.len() as u32 + c;
            }
            acc
        }),
    );
    let mut values = vec![Vec::new()];
    for p in &parts {
        values = values
            .into_iter()
            .flat_map(|prefix: Vec<String>| {
                p.values.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v.clone());
                    next
                })
            })
            .collect();
    }
    (
        Domains {
            vars: vars.to_vec(),
            values,
        },
        Breakdown::Codes { codes, n_domains },
    )
}
