//! Breakdowns: the domains of one variable, or of a cross of several. Each
//! variable's values are indexed in natural order (numbers by value); a
//! cross enumerates every combination of observed values, so an empty cell
//! is reported (with n = 0) rather than silently missing. Rows with a
//! missing breakdown value belong to no domain of that breakdown, as in R's
//! `svyby`. A date column gives periods: `funded_at:year`, `:quarter`,
//! `:month`.

use std::collections::HashMap;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::spec::model::Period;
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

/// Reads the variable `var` of `df`: a column, or a period of a date
/// column (`funded_at:quarter`).
pub fn variable(df: &DataFrame, var: &crate::spec::model::Variable) -> Result<Variable> {
    let col = df
        .column(&var.column)
        .map_err(|e| Error::internal(format!("breakdown variable `{}`", var.name()), e))?;
    let (codes, values) = match var.period {
        None => index_column(col)?,
        Some(p) => index_column(&periods(col, p, &var.name())?)?,
    };
    Ok(Variable { codes, values })
}

/// Each row's period of the dates in `col` (a date column, or ISO
/// `YYYY-MM-DD` text); missing or unreadable dates have none.
fn periods(col: &Column, p: Period, name: &str) -> Result<Column> {
    let fail = |e: PolarsError| Error::internal(format!("breakdown `{name}`"), e);
    let dates = col.cast(&DataType::Date).map_err(fail)?;
    let days = dates.date().map_err(fail)?.physical().clone();
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
    let text: Vec<Option<String>> = days
        .iter()
        .map(|d| {
            let date = epoch.checked_add_signed(chrono::TimeDelta::days(i64::from(d?)))?;
            use chrono::Datelike;
            Some(match p {
                Period::Year => format!("{}", date.year()),
                Period::Quarter => format!("{}-Q{}", date.year(), date.month0() / 3 + 1),
                Period::Month => format!("{}-{:02}", date.year(), date.month()),
            })
        })
        .collect();
    Ok(Column::new(name.into(), text))
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
pub fn cross(
    vars: &[crate::spec::model::Variable],
    indexed: &HashMap<String, Variable>,
) -> (Domains, Breakdown) {
    let vars: Vec<String> = vars
        .iter()
        .map(crate::spec::model::Variable::name)
        .collect();
    let parts: Vec<&Variable> = vars.iter().map(|v| &indexed[v]).collect();
    if let [one] = parts.as_slice() {
        // One variable: its own codes are the domains.
        let values = one.values.iter().map(|v| vec![v.clone()]).collect();
        let breakdown = Breakdown::Codes {
            codes: one.codes.clone(),
            n_domains: one.values.len(),
        };
        return (Domains { vars, values }, breakdown);
    }
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
        Domains { vars, values },
        Breakdown::Codes { codes, n_domains },
    )
}
