//! A model's rows and columns, as R's `model.frame` and `model.matrix`
//! make them: the rows in the subpopulation with no missing value in the
//! response or a term; a numeric variable as one column; a categorical
//! one — a column with contract codes or value labels, a text or boolean
//! column, or `factor(x)` — as one indicator column per level but its
//! reference (the first in natural order, or `reference`) when the term
//! without it is in the model, and per level otherwise (R's rule, which
//! gives `y ~ a - 1` every level of `a`); an interaction as the products of
//! its variables' columns, the first variable varying fastest. Columns are
//! named as R names them (`educationsecondary`, `sexF:age`).

use std::collections::BTreeMap;

use polars::prelude::*;

use super::formula::Formula;
use crate::error::{Error, Result, choices};
use crate::survey::accumulate::Breakdown;
use crate::survey::codes::index_column;
use crate::survey::columns::f64_values;

/// A variable of a term: its dataset column and, for a categorical one,
/// the level a matrix column indicates.
pub type Part = (String, Option<String>);

/// One column of the model matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixColumn {
    /// R's name: `(Intercept)`, `x`, `education2`, `sexF:x`.
    pub name: String,
    /// Each variable of its term: the dataset column and, for a
    /// categorical one, the level this column indicates.
    pub parts: Vec<Part>,
}

/// The model's data.
#[derive(Debug, Clone)]
pub struct ModelFrame {
    /// The dataset rows it uses.
    pub rows: Vec<usize>,
    /// The response on those rows.
    pub y: Vec<f64>,
    /// The columns' values on those rows.
    pub x: Vec<Vec<f64>>,
    /// The columns.
    pub columns: Vec<MatrixColumn>,
    /// Each categorical variable's reference level, by column.
    pub references: BTreeMap<String, String>,
}

/// A variable read from the data.
enum Read {
    Numeric(Vec<f64>),
    /// Level per row (`Breakdown::NONE` missing) and the levels' values.
    Levels(Vec<u32>, Vec<String>),
}

impl Read {
    fn missing(&self, row: usize) -> bool {
        match self {
            Read::Numeric(v) => !v[row].is_finite(),
            Read::Levels(c, _) => c[row] == Breakdown::NONE,
        }
    }
}

/// Builds the model frame of `formula` over `df`: `categorical(column)`
/// says whether a numeric column holds codes, `mask` the subpopulation.
/// Errors name the model, the term and what to do.
pub fn build(
    formula: &Formula,
    df: &DataFrame,
    categorical: &dyn Fn(&str) -> bool,
    reference: &BTreeMap<String, String>,
    mask: Option<&[bool]>,
    err: &dyn Fn(String) -> Error,
) -> Result<ModelFrame> {
    let column = |name: &str| {
        df.column(name).map_err(|_| {
            err(format!(
                "column `{name}` not found — columns are: {}",
                choices(df.get_column_names())
            ))
        })
    };
    let response = column(&formula.response)?;
    if !response.dtype().is_primitive_numeric() && !response.dtype().is_bool() {
        return Err(err(format!(
            "the response `{}` is {}, not a number — a binomial model wants 0/1 or true/false; compute one with `variables = [{{ name = \"…\", expr = \"…\" }}]`",
            formula.response,
            response.dtype()
        )));
    }
    let y_all = f64_values(
        &response
            .cast(&DataType::Float64)
            .map_err(|e| err(e.to_string()))?,
    )?;
    let mut reads = Vec::with_capacity(formula.variables.len());
    for v in &formula.variables {
        let col = column(&v.column)?;
        let dtype = col.dtype();
        let levels = v.factor || !dtype.is_primitive_numeric() || categorical(&v.column);
        reads.push(if levels {
            let (codes, values) = index_column(col)?;
            Read::Levels(codes.into_u32(), values)
        } else {
            Read::Numeric(f64_values(col)?)
        });
    }
    for key in reference.keys() {
        let known = formula
            .variables
            .iter()
            .zip(&reads)
            .any(|(v, r)| v.column == *key && matches!(r, Read::Levels(..)));
        if !known {
            return Err(err(format!(
                "`reference` names `{key}`, which is not a categorical variable of the formula"
            )));
        }
    }
    let rows: Vec<usize> = (0..df.height())
        .filter(|&i| mask.is_none_or(|m| m[i]))
        .filter(|&i| y_all[i].is_finite() && !reads.iter().any(|r| r.missing(i)))
        .collect();
    if rows.is_empty() {
        return Err(err(
            "no row has the response and every term (after `where`)".to_string(),
        ));
    }
    // Each categorical variable's levels among the rows used, reference first.
    let mut references = BTreeMap::new();
    let mut levels: Vec<Vec<u32>> = Vec::with_capacity(reads.len());
    for (v, r) in formula.variables.iter().zip(&reads) {
        let Read::Levels(codes, values) = r else {
            levels.push(Vec::new());
            continue;
        };
        let mut seen = vec![false; values.len()];
        for &i in &rows {
            seen[codes[i] as usize] = true;
        }
        let mut present: Vec<u32> = (0..values.len() as u32)
            .filter(|c| seen[*c as usize])
            .collect();
        if let Some(want) = reference.get(&v.column) {
            let at = present
                .iter()
                .position(|c| values[*c as usize] == *want)
                .ok_or_else(|| {
                    err(format!(
                        "reference `{want}` is not a level of `{}` in the model's rows — levels are: {}",
                        v.column,
                        choices(present.iter().map(|c| values[*c as usize].as_str()))
                    ))
                })?;
            let r = present.remove(at);
            present.insert(0, r);
        }
        if let Some(first) = present.first() {
            references.insert(v.column.clone(), values[*first as usize].clone());
        }
        levels.push(present);
    }
    let n = rows.len();
    let mut columns = Vec::new();
    let mut x = Vec::new();
    if formula.intercept {
        columns.push(MatrixColumn {
            name: "(Intercept)".into(),
            parts: Vec::new(),
        });
        x.push(vec![1.0; n]);
    }
    let present = |t: &[usize]| {
        if t.is_empty() {
            formula.intercept
        } else {
            formula.terms.iter().any(|u| u == t)
        }
    };
    for term in &formula.terms {
        // (name, parts, values) of the term's columns so far.
        let mut acc: Vec<(String, Vec<Part>, Vec<f64>)> =
            vec![(String::new(), Vec::new(), vec![1.0; n])];
        for &vi in term {
            let var = &formula.variables[vi];
            let units: Vec<(String, Option<String>, Vec<f64>)> = match &reads[vi] {
                Read::Numeric(v) => {
                    vec![(var.name.clone(), None, rows.iter().map(|&i| v[i]).collect())]
                }
                Read::Levels(codes, values) => {
                    let without: Vec<usize> = term.iter().copied().filter(|u| *u != vi).collect();
                    let skip = usize::from(present(&without));
                    levels[vi][skip.min(levels[vi].len())..]
                        .iter()
                        .map(|&l| {
                            let value = values[l as usize].clone();
                            let ind = rows
                                .iter()
                                .map(|&i| f64::from(u8::from(codes[i] == l)))
                                .collect();
                            (format!("{}{value}", var.name), Some(value), ind)
                        })
                        .collect()
                }
            };
            let mut next = Vec::with_capacity(acc.len() * units.len());
            for (uname, ulevel, uvals) in &units {
                for (name, parts, vals) in &acc {
                    let mut parts = parts.clone();
                    parts.push((var.column.clone(), ulevel.clone()));
                    let name = if name.is_empty() {
                        uname.clone()
                    } else {
                        format!("{name}:{uname}")
                    };
                    next.push((
                        name,
                        parts,
                        vals.iter().zip(uvals).map(|(a, b)| a * b).collect(),
                    ));
                }
            }
            acc = next;
        }
        for (name, parts, values) in acc {
            if values.iter().all(|v| *v == 0.0) {
                return Err(err(format!(
                    "term `{name}` is empty: no row of the model (after `where` and missing values) has it — merge or drop the category, or choose another `reference`"
                )));
            }
            columns.push(MatrixColumn { name, parts });
            x.push(values);
        }
    }
    Ok(ModelFrame {
        y: rows.iter().map(|&i| y_all[i]).collect(),
        rows,
        x,
        columns,
        references,
    })
}
