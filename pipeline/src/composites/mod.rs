//! Composite indices (`[[composites]]`): for each wave, every indicator of
//! the framework is normalised over the units, then each pillar and the
//! index aggregate their weighted components, and units are ranked on each.
//! Results: `out/composites.parquet` and `.csv` with `composite, node, unit,
//! wave, score, rank` (node: the index itself or a pillar).

pub mod methods;
pub mod treat;
pub mod uncertainty;

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;

use crate::error::{Error, Result, choices};
use crate::indicators::IndicatorRow;
use crate::names::natural_cmp;
use crate::spec::model::{CompositeSpec, Node, NodeKind, Study};
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
    /// With the uncertainty analysis (index rows): the 5th and 95th
    /// percentiles of the score over the draws, and the median, 5th and
    /// 95th percentiles of the rank.
    pub interval: Option<uncertainty::Interval>,
}

/// Computes every composite of `study` over the ingested `data`, or over
/// the `indicators` rows for a composite of indicators.
pub fn compute(
    study: &Study,
    data: &BTreeMap<String, DataFrame>,
    indicators: &[IndicatorRow],
) -> Result<Vec<CompositeRow>> {
    let mut rows = Vec::new();
    for c in &study.composites {
        let from_indicators;
        let df = if c.dataset.is_empty() {
            from_indicators = indicator_frame(c, indicators)?;
            &from_indicators
        } else {
            &data[&c.dataset]
        };
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
            let mut columns = columns(c, &c.root, df, &members)?;
            let indicators = leaves(&c.root);
            let covered = treat::coverage(&columns, &indicators, members.len());
            let groups = match &c.impute.1 {
                Some(g) => {
                    let all = text(g)?;
                    Some(members.iter().map(|&i| all[i].clone()).collect::<Vec<_>>())
                }
                None => None,
            };
            treat::impute(&mut columns, &indicators, c.impute.0, groups.as_deref());
            if let Some(rule) = c.outliers {
                treat::outliers(&mut columns, &indicators, rule);
            }
            let base = Scenario {
                normalise: c.normalise,
                aggregate: c.aggregate,
                weight: &|_| 1.0,
                values: &columns,
            };
            let mut scores: Vec<(String, Vec<f64>)> = Vec::new();
            score(&c.root, &base, Some(&mut scores));
            // Units short of the coverage get no score.
            for (_, values) in &mut scores {
                for (v, cov) in values.iter_mut().zip(&covered) {
                    if *cov < c.coverage {
                        *v = f64::NAN;
                    }
                }
            }
            let intervals = c
                .uncertainty
                .as_ref()
                .map(|u| uncertainty::analyse(c, u, &columns, members.len()));
            for (node, values) in scores {
                let ranks = methods::rank_scores(&values);
                for (i, ((&row, v), r)) in members.iter().zip(&values).zip(ranks).enumerate() {
                    rows.push(CompositeRow {
                        composite: c.id.clone(),
                        unit: units[row].clone(),
                        wave: wave.clone(),
                        score: (!v.is_nan()).then_some(*v),
                        rank: r,
                        interval: intervals
                            .as_ref()
                            .filter(|_| node == c.root.id)
                            .and_then(|iv| iv[i].clone()),
                        node: node.clone(),
                    });
                }
            }
        }
    }
    Ok(rows)
}

/// How one computation of a composite is made: the normalisation, the
/// aggregation, a multiplier of each node's weight (by node id) and each
/// indicator's values (by column).
pub struct Scenario<'a> {
    /// Normalisation of every indicator.
    pub normalise: crate::spec::model::Normalise,
    /// Aggregation of every group.
    pub aggregate: crate::spec::model::Aggregate,
    /// Multiplier of a node's weight.
    pub weight: &'a dyn Fn(&str) -> f64,
    /// Each indicator's values for the wave's units (and each `se` column's).
    pub values: &'a HashMap<String, Vec<f64>>,
}

/// The values (for the wave's units `members`) of every indicator column of
/// the framework and of their `se` columns.
fn columns(
    c: &CompositeSpec,
    node: &Node,
    df: &DataFrame,
    members: &[usize],
) -> Result<HashMap<String, Vec<f64>>> {
    let mut out = HashMap::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &n.kind {
            NodeKind::Group(children) => stack.extend(children),
            NodeKind::Indicator { se, .. } => {
                for name in std::iter::once(&n.id).chain(se) {
                    let col = df.column(name).map_err(|_| missing(c, df, name))?;
                    if !col.dtype().is_primitive_numeric() {
                        return Err(Error::spec(format!(
                            "composite `{}`: column `{name}` is not numeric (it holds {})",
                            c.id,
                            col.dtype()
                        )));
                    }
                    let all = f64_values(col)?;
                    out.insert(name.clone(), members.iter().map(|&i| all[i]).collect());
                }
            }
        }
    }
    Ok(out)
}

/// The node's values under `sc` (one per unit); each group's values are also
/// pushed to `scores` when given, the index first, then each pillar.
pub fn score(
    node: &Node,
    sc: &Scenario,
    mut scores: Option<&mut Vec<(String, Vec<f64>)>>,
) -> Vec<f64> {
    match &node.kind {
        NodeKind::Indicator {
            direction,
            goalposts,
            ..
        } => methods::normalise(&sc.values[&node.id], sc.normalise, *direction, *goalposts),
        NodeKind::Group(children) => {
            let slot = scores.as_ref().map(|s| s.len());
            if let Some(s) = scores.as_deref_mut() {
                s.push((node.id.clone(), Vec::new()));
            }
            let parts: Vec<(Vec<f64>, f64)> = children
                .iter()
                .map(|child| {
                    let values = score(child, sc, scores.as_deref_mut());
                    (values, child.weight * (sc.weight)(&child.id))
                })
                .collect();
            let units = parts.first().map_or(0, |(v, _)| v.len());
            let values: Vec<f64> = (0..units)
                .map(|u| {
                    let unit: Vec<(f64, f64)> = parts.iter().map(|(v, w)| (v[u], *w)).collect();
                    methods::aggregate(&unit, sc.aggregate)
                })
                .collect();
            if let (Some(s), Some(slot)) = (scores, slot) {
                s[slot].1 = values.clone();
            }
            values
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
        interval(rows, "score_low", |i| i.score_low),
        interval(rows, "score_high", |i| i.score_high),
        interval(rows, "rank_median", |i| i.rank_median),
        interval(rows, "rank_low", |i| i.rank_low),
        interval(rows, "rank_high", |i| i.rank_high),
    ])
    .map_err(|e| Error::internal("composites table", e))
}

/// One column of the uncertainty analysis (empty without it).
fn interval(
    rows: &[CompositeRow],
    name: &str,
    f: impl Fn(&uncertainty::Interval) -> f64,
) -> Column {
    let values: Vec<Option<f64>> = rows.iter().map(|r| r.interval.as_ref().map(&f)).collect();
    Column::new(name.into(), values)
}

/// The indicator columns of the framework, in order.
fn leaves(node: &Node) -> Vec<String> {
    match &node.kind {
        NodeKind::Indicator { .. } => vec![node.id.clone()],
        NodeKind::Group(children) => children.iter().flat_map(leaves).collect(),
    }
}

/// A composite of indicators as a frame: a row per domain of `unit`, for
/// each indicator its estimate and its standard error (`<indicator>_se`).
fn indicator_frame(c: &CompositeSpec, rows: &[IndicatorRow]) -> Result<DataFrame> {
    let ids = leaves(&c.root);
    let of_unit = |r: &&IndicatorRow| r.by.len() == 1 && r.by[0] == c.unit;
    let by_unit = |id: &String| -> Vec<&IndicatorRow> {
        rows.iter()
            .filter(of_unit)
            .filter(|r| &r.indicator == id)
            .collect()
    };
    let mut units: Vec<String> = ids
        .iter()
        .flat_map(|id| by_unit(id).into_iter().map(|r| r.domain[0].clone()))
        .collect();
    units.sort_by(|a, b| natural_cmp(a, b));
    units.dedup();
    let mut columns = vec![Column::new(c.unit.as_str().into(), units.clone())];
    for id in &ids {
        let mine = by_unit(id);
        let find = |u: &String| mine.iter().find(|r| &r.domain[0] == u);
        let estimate: Vec<Option<f64>> = units
            .iter()
            .map(|u| find(u).and_then(|r| r.est.estimate))
            .collect();
        let se: Vec<Option<f64>> = units
            .iter()
            .map(|u| find(u).and_then(|r| r.est.se))
            .collect();
        columns.push(Column::new(id.as_str().into(), estimate));
        columns.push(Column::new(format!("{id}_se").into(), se));
    }
    DataFrame::new_infer_height(columns).map_err(|e| Error::internal("composite of indicators", e))
}
