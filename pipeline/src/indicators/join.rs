//! Indicators over a dataset joined to a related one (`join = { dataset,
//! on }`): each row gets the columns of the related row with the same key —
//! a left join, so no row is lost; a row without a match has those columns
//! empty (it falls in no domain of a breakdown by them), and how many rows
//! had none is reported, never dropped silently. A column both datasets
//! have (other than the key) comes from the related one as `<name>_<dataset>`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use polars::prelude::*;

use crate::error::{Error, Result, choices};
use crate::spec::model::JoinSpec;

const MATCHED: &str = "__mizan_matched";

/// The rows of `dataset`, joined as `join` says; with a join, a sentence on
/// the rows without a match.
pub fn frame<'a>(
    dataset: &str,
    join: Option<&JoinSpec>,
    data: &'a BTreeMap<String, DataFrame>,
) -> Result<(Cow<'a, DataFrame>, Option<String>)> {
    let left = &data[dataset];
    let Some(j) = join else {
        return Ok((Cow::Borrowed(left), None));
    };
    let right = &data[&j.dataset];
    for (name, df) in [(dataset, left), (j.dataset.as_str(), right)] {
        if let Some(k) = j.on.iter().find(|k| df.column(k).is_err()) {
            return Err(Error::spec(format!(
                "join of `{dataset}` with `{}`: key column `{k}` not found in dataset `{name}` — columns are: {}",
                j.dataset,
                choices(df.get_column_names())
            )));
        }
    }
    let on: Vec<Expr> = j.on.iter().map(|k| col(k.as_str())).collect();
    let mut marked = right.clone();
    marked
        .with_column(Column::new(MATCHED.into(), vec![true; right.height()]))
        .map_err(|e| Error::internal("join", e))?;
    let mut args =
        JoinArgs::new(JoinType::Left).with_suffix(Some(format!("_{}", j.dataset).into()));
    args.validation = JoinValidation::ManyToOne;
    args.maintain_order = MaintainOrderJoin::Left;
    let joined = left
        .clone()
        .lazy()
        .join(marked.lazy(), on.clone(), on, args)
        .collect()
        .map_err(|e| {
            Error::spec(format!(
                "join of `{dataset}` with `{}` on {}: the key must name one row of `{}` ({e})",
                j.dataset,
                j.on.join(", "),
                j.dataset
            ))
        })?;
    let unmatched = joined
        .column(MATCHED)
        .map_err(|e| Error::internal("join", e))?
        .null_count();
    let joined = joined
        .drop(MATCHED)
        .map_err(|e| Error::internal("join", e))?;
    let note = format!(
        "`{dataset}` joined with `{}` on {}: {unmatched} of {} rows have no match (their `{}` columns are empty)",
        j.dataset,
        j.on.join(", "),
        left.height(),
        j.dataset
    );
    Ok((Cow::Owned(joined), Some(note)))
}
