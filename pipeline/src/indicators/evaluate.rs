//! Indicator expressions: `expr` and `where` are SQL expressions over a
//! dataset's columns, parsed by polars' SQL front end. This module checks
//! them against the dataset's schema (every column exists, the type fits the
//! statistic), pointing errors at the key in `study.toml`, and evaluates
//! them into the plain vectors the estimation pass reads. A ratio has a
//! `numerator` and a `denominator` instead of `expr`.

use polars::prelude::*;
use rayon::prelude::*;

use super::condition::{Condition, missing_flag};
use super::statistics::{Method, Reads, estimator};
use crate::error::{Error, Location, Result, choices};
use crate::spec::model::{IndicatorSpec, Statistic};
use crate::survey::accumulate::Values;
use crate::survey::columns::{f64_values, flags};

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
    sql_expr(sql, &ind.dataset, df).map_err(err)
}

/// Parses `sql` as an expression over `df` (dataset `dataset`), or says
/// why not: it does not parse, or names a column `df` lacks.
pub fn sql_expr(sql: &str, dataset: &str, df: &DataFrame) -> std::result::Result<Expr, String> {
    let expr = polars::sql::sql_expr(sql).map_err(|e| format!("cannot parse: {e}"))?;
    for name in expr.clone().meta().root_names() {
        if df.column(name.as_str()).is_err() {
            return Err(format!(
                "column `{name}` not found in dataset `{dataset}` — columns are: {}",
                choices(df.get_column_names())
            ));
        }
    }
    Ok(expr)
}

/// `df` with the variables `derived` (name, SQL expression) computed, or
/// `None` when there is none. A name that is already a column is refused:
/// a computed variable never replaces data. `err` places the message.
pub fn derive(
    df: &DataFrame,
    derived: &[(String, String)],
    dataset: &str,
    err: &dyn Fn(String) -> Error,
) -> Result<Option<DataFrame>> {
    if derived.is_empty() {
        return Ok(None);
    }
    let mut exprs = Vec::new();
    for (name, sql) in derived {
        if df.column(name).is_ok() {
            return Err(err(format!(
                "`{name}` = `{sql}`: `{name}` is already a column of dataset `{dataset}`; name the computed variable otherwise"
            )));
        }
        let expr =
            sql_expr(sql, dataset, df).map_err(|m| err(format!("`{name}` = `{sql}`: {m}")))?;
        exprs.push(expr.alias(name.as_str()));
    }
    df.clone()
        .lazy()
        .with_columns(exprs)
        .collect()
        .map(Some)
        .map_err(|e| err(format!("computing its variables: {e}")))
}

/// The rows of `df` where the condition `sql` holds (a null is false), or
/// `None` for no condition.
pub fn where_mask(
    df: &DataFrame,
    sql: Option<&str>,
    dataset: &str,
    err: &dyn Fn(String) -> Error,
) -> Result<Option<Vec<bool>>> {
    let Some(sql) = sql else {
        return Ok(None);
    };
    let expr = sql_expr(sql, dataset, df).map_err(|m| err(format!("where `{sql}`: {m}")))?;
    let out = df
        .clone()
        .lazy()
        .select([expr.alias("__where")])
        .collect()
        .map_err(|e| err(format!("where `{sql}`: {e}")))?;
    let holds = out
        .column("__where")
        .and_then(|c| c.bool().cloned())
        .map_err(|_| err(format!("where `{sql}` is not a condition")))?;
    Ok(Some(holds.iter().map(|v| v == Some(true)).collect()))
}

/// Checks that every `by` variable of `ind` (and a concentration's `of`) is
/// a column of `df`.
pub fn check_by(ind: &IndicatorSpec, df: &DataFrame) -> Result<()> {
    if let Statistic::Concentration { of, .. } = &ind.statistic
        && df.column(of).is_err()
    {
        return Err(Error::spec(format!(
            "indicator `{}`: of: column `{of}` not found in dataset `{}` — columns are: {}",
            ind.id,
            ind.dataset,
            choices(df.get_column_names())
        )));
    }
    for (vars, loc) in ind.by.iter().zip(&ind.by_locations) {
        for v in vars {
            if df.column(&v.column).is_err() {
                return Err(Error::spec_at(
                    loc.clone(),
                    format!(
                        "indicator `{}`: by: column `{}` not found in dataset `{}` — columns are: {}",
                        ind.id,
                        v.name(),
                        ind.dataset,
                        choices(df.get_column_names())
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// An indicator's values: numbers (NaN for missing) or 0/1 flags.
#[derive(Debug, Clone)]
pub enum OwnedValues {
    /// Numbers.
    Numbers(Vec<f64>),
    /// Flags of a condition ([`crate::survey::columns::MISSING`] for missing).
    Flags(Vec<u8>),
}

impl OwnedValues {
    /// Borrowed for the estimation pass.
    pub fn view(&self) -> Values<'_> {
        match self {
            OwnedValues::Numbers(v) => Values::Numbers(v),
            OwnedValues::Flags(v) => Values::Flags(v),
        }
    }
}

/// The values and subpopulation of one indicator, ready for estimation.
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// Values per row.
    pub y: OwnedValues,
    /// Denominator per row, for a ratio.
    pub x: Option<Vec<f64>>,
    /// Subpopulation membership, when `where` is given.
    pub mask: Option<Vec<bool>>,
    /// The values are 0/1 (a proportion or count), so y² = y.
    pub binary: bool,
}

/// One expression of an indicator: its key in the spec, where it is, and
/// the role its result plays.
pub(crate) struct Part {
    /// The key in the spec (`expr`, `where`…).
    pub key: &'static str,
    /// Where it is written.
    pub location: Option<Location>,
    /// Its role: `__y` (values), `__x` (a ratio's denominator), `__where`
    /// or `__range` (the subpopulation).
    pub alias: &'static str,
    /// Its SQL text (what a cluster's pass is generated from).
    #[cfg_attr(not(feature = "ballista"), allow(dead_code))]
    pub sql: String,
    expr: Expr,
}

/// A condition whose flags are made without polars, and the flag of a
/// missing value.
type Direct = (Condition, u8);

/// The checked expressions of `ind`, converted to what estimation reads and
/// named `<role>_<slot>` so that many indicators evaluate in one pass —
/// except a condition its flags are made from directly (see
/// [`Condition`]), returned beside them with the flag of a missing value.
fn prepare(
    ind: &IndicatorSpec,
    df: &DataFrame,
    slot: usize,
) -> Result<(Vec<Expr>, Option<Direct>)> {
    let (mut exprs, mut direct) = (Vec::new(), None);
    // Whether its values are a condition, and whether a count (whose
    // missing condition is false).
    let counted = match reads(ind) {
        Reads::Condition => Some(false),
        Reads::CountedCondition => Some(true),
        _ => None,
    };
    for p in parts(ind, df)? {
        let dtype = p.dtype(ind, df)?;
        let e = converted(ind, &p, &dtype).map_err(|m| p.error(ind, df, m))?;
        if p.alias == "__y"
            && let Some(counted) = counted
            && let Some(c) = Condition::of(&p.expr, df)
        {
            direct = Some((c, missing_flag(counted)));
        } else {
            exprs.push(e.alias(format!("{}_{slot}", p.alias)));
        }
    }
    Ok((exprs, direct))
}

impl Part {
    /// The type of its values over the columns of `df`.
    pub(crate) fn dtype(&self, ind: &IndicatorSpec, df: &DataFrame) -> Result<DataType> {
        Ok(df
            .clone()
            .lazy()
            .select([self.expr.clone()])
            .collect_schema()
            .map_err(|e| self.error(ind, df, format!("cannot evaluate: {e}")))?
            .get_at_index(0)
            .map_or(DataType::Null, |(_, d)| d.clone()))
    }

    /// A spec error about this part, at its key, naming the types of the
    /// columns it uses.
    pub(crate) fn error(&self, ind: &IndicatorSpec, df: &DataFrame, m: String) -> Error {
        let types: Vec<String> = self
            .expr
            .clone()
            .meta()
            .root_names()
            .iter()
            .filter_map(|n| {
                let c = df.column(n.as_str()).ok()?;
                Some(format!("`{n}` is {}", c.dtype()))
            })
            .collect();
        let types = if types.is_empty() {
            String::new()
        } else {
            format!(" ({})", types.join(", "))
        };
        Error::Spec {
            location: self.location.clone(),
            message: format!("indicator `{}`: {}: {m}{types}", ind.id, self.key),
        }
    }
}

/// When the one pass over every indicator fails: the part that fails on its
/// own, as a spec error at its key (else the error as it came).
fn culprit(inds: &[&IndicatorSpec], df: &DataFrame, e: PolarsError) -> Error {
    for ind in inds {
        let Ok(parts) = parts(ind, df) else { continue };
        for p in parts {
            if let Err(e) = df.clone().lazy().select([p.expr.clone()]).collect() {
                return p.error(ind, df, format!("cannot evaluate: {e}"));
            }
        }
    }
    Error::internal("evaluating indicators", e)
}

/// The parsed, checked parts of `ind`: `expr` (or `numerator` and
/// `denominator`) and `where`.
pub(crate) fn parts(ind: &IndicatorSpec, df: &DataFrame) -> Result<Vec<Part>> {
    check_by(ind, df)?;
    let mut parts = Vec::new();
    let mut add = |key: &'static str,
                   sql: &str,
                   location: Option<&Location>,
                   alias: &'static str|
     -> Result<()> {
        let expr = parse(ind, key, sql, location, df)?;
        parts.push(Part {
            key,
            location: location.cloned(),
            alias,
            sql: sql.to_string(),
            expr,
        });
        Ok(())
    };
    if let Some(e) = &ind.expr {
        add("expr", e, ind.expr_location.as_ref(), "__y")?;
    }
    if let Statistic::Ratio {
        numerator,
        denominator,
        ..
    } = &ind.statistic
    {
        add(
            "numerator",
            &numerator.text,
            Some(&numerator.location),
            "__y",
        )?;
        add(
            "denominator",
            &denominator.text,
            Some(&denominator.location),
            "__x",
        )?;
    }
    if let Some(w) = &ind.where_ {
        add("where", w, ind.where_location.as_ref(), "__where")?;
    }
    if let Some(range) = &ind.dates {
        add("from/to", &range.sql(), Some(&range.location), "__range")?;
    }
    Ok(parts)
}

/// Evaluates one indicator over `df` (checks included).
pub fn evaluate(ind: &IndicatorSpec, df: &DataFrame) -> Result<Evaluated> {
    Ok(evaluate_all(&[ind], df)?.remove(0))
}

/// Evaluates the `expr`, `numerator`, `denominator` and `where` of every
/// indicator in `inds` over `df` in one polars pass: types are checked on
/// the schema first (errors point at the key), values come out as f64 with
/// missing values as NaN, copied chunk by chunk.
pub fn evaluate_all(inds: &[&IndicatorSpec], df: &DataFrame) -> Result<Vec<Evaluated>> {
    let mut exprs = Vec::new();
    let mut direct = Vec::new();
    for (slot, ind) in inds.iter().enumerate() {
        let (e, d) = prepare(ind, df, slot)?;
        exprs.extend(e);
        direct.push(d);
    }
    let out = if exprs.is_empty() {
        DataFrame::empty()
    } else {
        df.clone()
            .lazy()
            .select(exprs)
            .collect()
            .map_err(|e| culprit(inds, df, e))?
    };
    // Each indicator's values out of polars' columns, on both cores.
    inds.par_iter()
        .enumerate()
        .map(|(slot, ind)| {
            let floats = |role: &str| {
                out.column(&format!("{role}_{slot}"))
                    .ok()
                    .map(f64_values)
                    .transpose()
            };
            // In the subpopulation: `where` holds and the date is in range.
            let mut mask: Option<Vec<bool>> = None;
            for role in ["__where", "__range"] {
                let Ok(c) = out.column(&format!("{role}_{slot}")) else {
                    continue;
                };
                let holds = c.bool().map_err(|e| Error::internal("where", e))?;
                let m = mask.get_or_insert_with(|| vec![true; df.height()]);
                for (m, v) in m.iter_mut().zip(holds.iter()) {
                    *m &= v == Some(true);
                }
            }
            let y = if let Some((c, missing)) = &direct[slot] {
                OwnedValues::Flags(c.flags(df, *missing)?)
            } else {
                match out.column(&format!("__y_{slot}")) {
                    Err(_) => OwnedValues::Flags(vec![1; df.height()]),
                    Ok(c) if c.dtype().is_bool() => OwnedValues::Flags(flags(c)?),
                    // Text (count_distinct): each distinct value's code, NaN when missing.
                    Ok(c) if c.dtype() == &DataType::String => {
                        let (codes, _) = crate::survey::codes::index_column(c)?;
                        OwnedValues::Numbers(
                            codes
                                .into_u32()
                                .into_iter()
                                .map(|v| {
                                    if v == crate::survey::codes::Codes::NONE {
                                        f64::NAN
                                    } else {
                                        f64::from(v)
                                    }
                                })
                                .collect(),
                        )
                    }
                    Ok(c) => OwnedValues::Numbers(f64_values(c)?),
                }
            };
            Ok(Evaluated {
                y,
                x: floats("__x")?,
                mask,
                binary: matches!(reads(ind), Reads::Condition | Reads::CountedCondition),
            })
        })
        .collect()
}

/// The expression that turns part `p` (of type `dtype`) into what the
/// estimation reads: f64 with NaN for missing (0 for a count's unknown
/// condition), or a boolean subpopulation with unknown as outside.
fn converted(ind: &IndicatorSpec, p: &Part, dtype: &DataType) -> std::result::Result<Expr, String> {
    let e = p.expr.clone();
    let numeric = dtype.is_primitive_numeric() || dtype.is_bool();
    let out = match (p.alias, reads(ind)) {
        ("__where" | "__range", _) if dtype.is_bool() => e.fill_null(lit(false)),
        ("__where" | "__range", _) => {
            return Err(format!(
                "must be a condition (true/false), found values of type {dtype}"
            ));
        }
        ("__y", Reads::Condition | Reads::CountedCondition) if !dtype.is_bool() => {
            return Err(format!(
                "statistic `{}` needs a condition (true/false), such as `used_internet = 1`; found values of type {dtype}",
                ind.statistic.name()
            ));
        }
        // A count counts rows where the condition holds; a proportion
        // treats an unknown answer as missing.
        ("__y", Reads::CountedCondition) => e.fill_null(lit(false)),
        // Conditions stay boolean: read as one-byte flags.
        ("__y", Reads::Condition) => e,
        // Any values: their text identifies them.
        ("__y", Reads::Text) => e.cast(DataType::String),
        _ if !numeric => {
            return Err(format!(
                "statistic `{}` needs a number; found values of type {dtype}",
                ind.statistic.name()
            ));
        }
        _ => e.cast(DataType::Float64).fill_null(lit(f64::NAN)),
    };
    Ok(out)
}

/// What the statistic of `ind` reads from its `expr` (a derived statistic
/// reads no rows: numbers).
pub(crate) fn reads(ind: &IndicatorSpec) -> Reads {
    match estimator(&ind.statistic) {
        Method::Pass(m) => m.reads(),
        Method::Derived(_) => Reads::Number,
    }
}
