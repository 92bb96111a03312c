//! The auxiliaries calibration meets: each margin's categories found in the
//! rows, matched to its population counts, and the numeric totals.

use std::collections::HashMap;

use polars::prelude::*;

use super::CROSS;
use crate::error::{Error, Result, choices};
use crate::spec::model::{Margin, Population};
use crate::survey::codes::{Codes, index_column};

/// An auxiliary variable: a grouping of the rows (a margin's categories, or
/// one group for a numeric total), an optional numeric value per row, and
/// the population total of each group.
pub(super) struct Auxiliary {
    pub of_row: Vec<u32>,
    pub names: Vec<String>,
    pub z: Option<Vec<f64>>,
    pub totals: Vec<f64>,
}

impl Auxiliary {
    pub fn count(&self) -> usize {
        self.names.len()
    }

    pub fn z(&self, row: usize) -> f64 {
        self.z.as_ref().map_or(1.0, |z| z[row])
    }

    /// Σ w·z per group.
    pub fn sample_totals(&self, w: &[f64]) -> Vec<f64> {
        let mut t = vec![0.0; self.count()];
        for (row, (&g, &w)) in self.of_row.iter().zip(w).enumerate() {
            t[g as usize] += w * self.z(row);
        }
        t
    }
}

/// The categorical margins must agree on the population size (and with
/// `population_size` when given), or no weights can meet them all.
pub(super) fn consistent(
    margins: &[Auxiliary],
    size: Option<f64>,
) -> std::result::Result<(), String> {
    let sums: Vec<f64> = margins.iter().map(|a| a.totals.iter().sum()).collect();
    let reference = size.or_else(|| sums.first().copied());
    if let Some(r) = reference
        && let Some(s) = sums.iter().find(|s| (*s - r).abs() > 1e-9 * r.abs())
    {
        return Err(format!(
            "the margins' population counts add up to different sizes ({} against {r}); every margin (and `population_size`) must count the same population",
            s
        ));
    }
    Ok(())
}

/// The rows' categories of `margin` and its population counts. Every row
/// needs a category with a count; a category with a positive count needs a row.
pub(super) fn margin(margin: &Margin, df: &DataFrame, dataset: &str) -> Result<Auxiliary> {
    let counts = crate::ingest::population::counts(margin, dataset, CROSS)?;
    let fail = |m: String| match &margin.population {
        Population::File { path, .. } => Error::data(dataset, path, m),
        Population::Counts(_) => Error::Estimation {
            indicator: format!("(calibration of dataset `{dataset}`)"),
            message: format!("margin `{}`: {m}", margin.variables.join(CROSS)),
        },
    };
    let indexed: Vec<(Codes, Vec<String>)> = margin
        .variables
        .iter()
        .map(|v| {
            let c = df.column(v).map_err(|_| {
                Error::spec(format!(
                    "calibration variable `{v}` is not a column of dataset `{dataset}` — columns are: {}",
                    choices(df.get_column_names())
                ))
            })?;
            index_column(c)
        })
        .collect::<Result<_>>()?;
    // A combined code per row (mixed radix), then a category per distinct code.
    let n = df.height();
    let mut code = vec![0u64; n];
    for (codes, labels) in &indexed {
        let radix = labels.len() as u64 + 1;
        for (row, c) in code.iter_mut().enumerate() {
            let v = codes.get(row);
            *c = *c * radix
                + if v == u32::MAX {
                    labels.len() as u64
                } else {
                    u64::from(v)
                };
        }
    }
    let position: HashMap<&str, usize> = counts
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.as_str(), i))
        .collect();
    let mut category: HashMap<u64, u32> = HashMap::new();
    let mut of_row = vec![0u32; n];
    let mut rows = vec![0usize; counts.len()];
    for (row, (g, c)) in of_row.iter_mut().zip(&code).enumerate() {
        let cat = match category.get(c) {
            Some(cat) => *cat,
            None => {
                let parts: Vec<&str> = indexed
                    .iter()
                    .map(|(codes, labels)| {
                        labels
                            .get(codes.get(row) as usize)
                            .map_or("", String::as_str)
                    })
                    .collect();
                if let Some(i) = indexed
                    .iter()
                    .position(|(codes, _)| codes.get(row) == u32::MAX)
                {
                    return Err(fail(format!(
                        "row {} has no value of calibration variable `{}`",
                        row + 1,
                        margin.variables[i]
                    )));
                }
                let key = parts.join(CROSS);
                let cat = *position.get(key.as_str()).ok_or_else(|| {
                    fail(format!(
                        "row {} is in category `{key}`, which has no population count — counts are for: {}",
                        row + 1,
                        choices(counts.iter().map(|(k, _)| k.as_str()))
                    ))
                })? as u32;
                category.insert(*c, cat);
                cat
            }
        };
        *g = cat;
        rows[cat as usize] += 1;
    }
    if let Some(i) = (0..counts.len()).find(|&i| rows[i] == 0 && counts[i].1 > 0.0) {
        return Err(fail(format!(
            "category `{}` has a population count but no row in the sample",
            counts[i].0
        )));
    }
    Ok(Auxiliary {
        of_row,
        z: None,
        totals: counts.iter().map(|(_, n)| *n).collect(),
        names: counts.into_iter().map(|(k, _)| k).collect(),
    })
}
