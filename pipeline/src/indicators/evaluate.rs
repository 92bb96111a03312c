//! Indicator expressions: `expr` and `where` are SQL expressions over a
//! dataset's columns, parsed by polars' SQL front end. This module checks
//! them against the dataset's schema (every column exists, the type fits the
//! statistic), pointing errors at the key in `study.toml`, and evaluates
//! them into the plain vectors the estimation pass reads. A ratio has a
//! `numerator` and a `denominator` instead of `expr`.

use polars::prelude::*;

use crate::error::{Error, Location, Result, choices};
use crate::spec::model::{IndicatorSpec, Statistic};

/// Parses `sql` and checks that every column it names is in `df`.
pub fn parse(
    ind: &IndicatorSpec,
    key: &str,
    sql: &str,
    loc: Option<&Location>,
    df: &DataFrame,
) -> Result<Expr> {
    let err = |m: String| Error::Spec {
        location: loc.cloned(),
        message: format!("indicator `{}`: {key} `{sql}`: {m}", ind.id),
    };
    let expr = polars::sql::sql_expr(sql).map_err(|e| err(format!("cannot parse: {e}")))?;
    for name in expr.clone().meta().root_names() {
        if df.column(name.as_str()).is_err() {
            return Err(err(format!(
                "column `{name}` not found in dataset `{}` — columns are: {}",
                ind.dataset,
                choices(df.get_column_names())
            )));
        }
    }
    Ok(expr)
}

/// Checks that every `by` variable of `ind` is a column of `df`.
pub fn check_by(ind: &IndicatorSpec, df: &DataFrame) -> Result<()> {
    for (vars, loc) in ind.by.iter().zip(&ind.by_locations) {
        for v in vars {
            if df.column(v).is_err() {
                return Err(Error::spec_at(
                    loc.clone(),
                    format!(
                        "indicator `{}`: by: column `{v}` not found in dataset `{}` — columns are: {}",
                        ind.id,
                        ind.dataset,
                        choices(df.get_column_names())
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The values and subpopulation of one indicator, ready for estimation.
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// Value per row, NaN for missing.
    pub y: Vec<f64>,
    /// Denominator per row, for a ratio.
    pub x: Option<Vec<f64>>,
    /// Subpopulation membership, when `where` is given.
    pub mask: Option<Vec<bool>>,
}

/// Evaluates `expr` and `where` of `ind` over `df`.
pub fn evaluate(ind: &IndicatorSpec, df: &DataFrame) -> Result<Evaluated> {
    check_by(ind, df)?;
    let mut exprs = Vec::new();
    if let Some(e) = &ind.expr {
        exprs.push(parse(ind, "expr", e, ind.expr_location.as_ref(), df)?.alias("__y"));
    }
    if let Some(w) = &ind.where_ {
        exprs.push(parse(ind, "where", w, ind.where_location.as_ref(), df)?.alias("__where"));
    }
    if let Some([(num, num_loc), (den, den_loc)]) = &ind.ratio {
        exprs.push(parse(ind, "numerator", num, Some(num_loc), df)?.alias("__y"));
        exprs.push(parse(ind, "denominator", den, Some(den_loc), df)?.alias("__x"));
    }
    let fail = |key: &str, loc: Option<&Location>, m: String| Error::Spec {
        location: loc.cloned(),
        message: format!("indicator `{}`: {key}: {m}", ind.id),
    };
    let out = if exprs.is_empty() {
        DataFrame::empty()
    } else {
        df.clone().lazy().select(exprs).collect().map_err(|e| {
            fail(
                "expr/where",
                ind.expr_location.as_ref().or(ind.where_location.as_ref()),
                format!("cannot evaluate: {e}"),
            )
        })?
    };
    let ratio_loc = |i: usize| ind.ratio.as_ref().map(|r| &r[i].1);
    let y = match out.column("__y") {
        Err(_) => vec![1.0; df.height()],
        Ok(col) if ind.ratio.is_some() => {
            numbers(ind, col).map_err(|m| fail("numerator", ratio_loc(0), m))?
        }
        Ok(col) => values(ind, col).map_err(|m| fail("expr", ind.expr_location.as_ref(), m))?,
    };
    let x = match out.column("__x") {
        Err(_) => None,
        Ok(col) => Some(numbers(ind, col).map_err(|m| fail("denominator", ratio_loc(1), m))?),
    };
    let mask = match out.column("__where") {
        Err(_) => None,
        Ok(col) => {
            let b = col.bool().map_err(|_| {
                fail(
                    "where",
                    ind.where_location.as_ref(),
                    format!(
                        "must be a condition (true/false), found values of type {}",
                        col.dtype()
                    ),
                )
            })?;
            Some(b.iter().map(|v| v == Some(true)).collect())
        }
    };
    Ok(Evaluated { y, x, mask })
}

/// The per-row values of `expr` for the indicator's statistic.
fn values(ind: &IndicatorSpec, col: &Column) -> std::result::Result<Vec<f64>, String> {
    match ind.statistic {
        Statistic::Proportion | Statistic::Count => {
            let b = col.bool().map_err(|_| {
                format!(
                    "statistic `{}` needs a condition (true/false), such as `used_internet = 1`; found values of type {}",
                    ind.statistic.name(),
                    col.dtype()
                )
            })?;
            let count = ind.statistic == Statistic::Count;
            Ok(b.iter()
                .map(|v| match v {
                    Some(true) => 1.0,
                    Some(false) => 0.0,
                    // A count counts rows where the condition holds; a
                    // proportion treats an unknown answer as missing.
                    None if count => 0.0,
                    None => f64::NAN,
                })
                .collect())
        }
        Statistic::Mean | Statistic::Total | Statistic::Ratio => numbers(ind, col),
    }
}

/// The per-row values of a numeric expression, NaN for missing.
fn numbers(ind: &IndicatorSpec, col: &Column) -> std::result::Result<Vec<f64>, String> {
    if !(col.dtype().is_primitive_numeric() || col.dtype().is_bool()) {
        return Err(format!(
            "statistic `{}` needs a number; found values of type {}",
            ind.statistic.name(),
            col.dtype()
        ));
    }
    let f = col.cast(&DataType::Float64).map_err(|e| e.to_string())?;
    Ok(f.f64()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect())
}
