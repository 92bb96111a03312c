//! Composite indices (`[[composites]]`): for each wave, every indicator of
//! the framework is normalised over the units, then each pillar and the
//! index aggregate their weighted components, and units are ranked on each.
//! Results: `out/composites.parquet` and `.csv` with `composite, node, unit,
//! wave, score, rank` (node: the index itself or a pillar).

pub mod methods;

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::error::{Error, Result, choices};
use crate::spec::model::{CompositeSpec, Node, NodeKind, Study};
use crate::survey::codes::natural_cmp;
use crate::survey::columns::f64_values;

/// One row of the composites table.
#[derive(Debug, Clone, PartialEq)]
pub struct CompositeRow {
    /// Composite id.
    pub composite: String,
    /// The index's id or a pillar's.
    pub node: String,
    /// The unit.
    pub unit: String,
    /// The wave (empty without `wave`).
    pub wave: String,
    /// The score (`None` when a component is missing).
    pub score: Option<f64>,
    /// Rank among the wave's units, 1 the highest.
    pub rank: Option<u32>,
}

/// Computes every composite of `study` over the ingested `data`.
pub fn compute(study: &Study, data: &BTreeMap<String, DataFrame>) -> Result<Vec<CompositeRow>> {
    let mut rows = Vec::new();
    for c in &study.composites {
        let df = &data[&c.dataset];
        let text = |name: &str| -> Result<Vec<String>> {
            let col = df.column(name).map_err(|_| missing(c, df, name))?;
            let s = col
                .cast(&DataType::String)
                .map_err(|e| Error::internal("composite", e))?;
            Ok(s.str()
                .map_err(|e| Error::internal("composite", e))?
                .iter()
                .map(|v| v.unwrap_or("").to_string())
                .collect())
        };
        let units = text(&c.unit)?;
        let waves = match &c.wave {
            Some(w) => text(w)?,
            None => vec![String::new(); df.height()],
        };
        let mut by_wave: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, w) in waves.iter().enumerate() {
            by_wave.entry(w.clone()).or_default().push(i);
        }
        let mut order: Vec<&String> = by_wave.keys().collect();
        order.sort_by(|a, b| natural_cmp(a, b));
        for wave in order {
            let mut members = by_wave[wave].clone();
            members.sort_by(|&a, &b| natural_cmp(&units[a], &units[b]));
            if let Some(w) = members.windows(2).find(|w| units[w[0]] == units[w[1]]) {
                return Err(Error::data(
                    &c.dataset,
                    &study
                        .dataset(&c.dataset)
                        .map(|d| d.path.clone())
                        .unwrap_or_default(),
                    format!(
                        "composite `{}`: unit `{}` has two rows{}",
                        c.id,
                        units[w[0]],
                        if wave.is_empty() {
                            String::new()
                        } else {
                            format!(" in wave {wave}")
                        }
                    ),
                ));
            }
            let mut scores: Vec<(String, Vec<f64>)> = Vec::new();
            evaluate(c, &c.root, df, &members, &mut scores)?;
            for (node, values) in scores {
                let ranks = methods::rank_scores(&values);
                for ((&row, v), r) in members.iter().zip(&values).zip(ranks) {
                    rows.push(CompositeRow {
                        composite: c.id.clone(),
                        node: node.clone(),
                        unit: units[row].clone(),
                        wave: wave.clone(),
                        score: (!v.is_nan()).then_some(*v),
                        rank: r,
                    });
                }
            }
        }
    }
    Ok(rows)
}

/// The node's values for the rows `members` (one per unit); a group's
/// values are also pushed to `scores`, the index first, then each pillar.
fn evaluate(
    c: &CompositeSpec,
    node: &Node,
    df: &DataFrame,
    members: &[usize],
    scores: &mut Vec<(String, Vec<f64>)>,
) -> Result<Vec<f64>> {
    match &node.kind {
        NodeKind::Indicator {
            direction,
            goalposts,
        } => {
            let col = df.column(&node.id).map_err(|_| missing(c, df, &node.id))?;
            if !col.dtype().is_primitive_numeric() {
                return Err(Error::spec(format!(
                    "composite `{}`: column `{}` is not numeric (it holds {})",
                    c.id,
                    node.id,
                    col.dtype()
                )));
            }
            let all = f64_values(col)?;
            let values: Vec<f64> = members.iter().map(|&i| all[i]).collect();
            Ok(methods::normalise(
                &values,
                c.normalise,
                *direction,
                *goalposts,
            ))
        }
        NodeKind::Group(children) => {
            let slot = scores.len();
            scores.push((node.id.clone(), Vec::new()));
            let parts: Vec<(Vec<f64>, f64)> = children
                .iter()
                .map(|child| Ok((evaluate(c, child, df, members, scores)?, child.weight)))
                .collect::<Result<_>>()?;
            let values: Vec<f64> = (0..members.len())
                .map(|u| {
                    let unit: Vec<(f64, f64)> = parts.iter().map(|(v, w)| (v[u], *w)).collect();
                    methods::aggregate(&unit, c.aggregate)
                })
                .collect();
            scores[slot].1 = values.clone();
            Ok(values)
        }
    }
}

fn missing(c: &CompositeSpec, df: &DataFrame, name: &str) -> Error {
    Error::spec(format!(
        "composite `{}`: column `{name}` not found in dataset `{}` — columns are: {}",
        c.id,
        c.dataset,
        choices(df.get_column_names())
    ))
}

/// The composites table.
pub fn to_frame(rows: &[CompositeRow]) -> Result<DataFrame> {
    let s = |f: &dyn Fn(&CompositeRow) -> String| rows.iter().map(f).collect::<Vec<String>>();
    DataFrame::new_infer_height(vec![
        Column::new("composite".into(), s(&|r| r.composite.clone())),
        Column::new("node".into(), s(&|r| r.node.clone())),
        Column::new("unit".into(), s(&|r| r.unit.clone())),
        Column::new("wave".into(), s(&|r| r.wave.clone())),
        Column::new(
            "score".into(),
            rows.iter().map(|r| r.score).collect::<Vec<Option<f64>>>(),
        ),
        Column::new(
            "rank".into(),
            rows.iter().map(|r| r.rank).collect::<Vec<Option<u32>>>(),
        ),
    ])
    .map_err(|e| Error::internal("composites table", e))
}
