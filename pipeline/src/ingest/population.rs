//! Population counts for calibration: a margin's count per category, from
//! the spec or from a CSV file with a column per variable and a count
//! column (R's `xtabs`-style table).

use crate::error::{Error, Result, choices};
use crate::spec::model::{Margin, Population};

/// A margin's counts by category (the values of a crossed margin joined by
/// `cross`): given in the spec, or read from its CSV file.
pub fn counts(margin: &Margin, dataset: &str, cross: &str) -> Result<Vec<(String, f64)>> {
    let (path, count) = match &margin.population {
        Population::Counts(c) => {
            if let Some((k, v)) = c.iter().find(|(_, v)| !(v.is_finite() && *v >= 0.0)) {
                return Err(Error::spec(format!(
                    "dataset `{dataset}`: the population count of `{k}` must be a non-negative number, not {v}"
                )));
            }
            return Ok(c.clone());
        }
        Population::File { path, count } => (path, count),
    };
    let err = |m: String| Error::data(dataset, path, m);
    let text = std::fs::read_to_string(path)
        .map_err(|e| err(format!("cannot read the population counts: {e}")))?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| err(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let col = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            err(format!(
                "no column `{name}` — columns are: {}",
                choices(&header)
            ))
        })
    };
    let var_cols: Vec<usize> = margin
        .variables
        .iter()
        .map(|v| col(v))
        .collect::<Result<_>>()?;
    let count_col = col(count)?;
    let mut totals = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| err(e.to_string()))?;
        let key: Vec<&str> = var_cols.iter().map(|&c| rec.get(c).unwrap_or("")).collect();
        let n: f64 = rec
            .get(count_col)
            .and_then(|v| v.trim().parse().ok())
            .filter(|n: &f64| n.is_finite() && *n >= 0.0)
            .ok_or_else(|| {
                err(format!(
                    "line {}: `{count}` must be a non-negative number",
                    i + 2
                ))
            })?;
        totals.push((key.join(cross), n));
    }
    Ok(totals)
}
