//! Drift: how the new indicators differ from the last published ones. A
//! value drifts when it moved by more than `[study.drift]` allows — in
//! standard errors of the difference √(SE₁² + SE₀²), or in the table's
//! units — and schema drift is a source gaining, losing or retyping a
//! column since the last run.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::manifest::InputRecord;
use crate::indicators::IndicatorRow;
use crate::spec::model::{Drift, Study};

/// One value that moved.
#[derive(Debug, Clone, Serialize)]
pub struct DriftRow {
    /// Indicator id.
    pub indicator: String,
    /// Breakdown (empty overall).
    pub by: String,
    /// Domain (empty overall).
    pub domain: String,
    /// The last published estimate.
    pub previous: f64,
    /// The new estimate.
    pub current: f64,
    /// current − previous.
    pub difference: f64,
    /// The difference in standard errors, when both have one.
    pub in_se: Option<f64>,
}

impl std::fmt::Display for DriftRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let domain = if self.by.is_empty() {
            "overall".to_string()
        } else {
            format!("{} = {}", self.by, self.domain)
        };
        write!(
            f,
            "{} [{domain}]: {} → {} ({:+}{})",
            self.indicator,
            self.previous,
            self.current,
            self.difference,
            self.in_se
                .map_or(String::new(), |z| format!(", {z:+.1} SE"))
        )
    }
}

/// The values of `rows` that moved beyond `limits` since the indicators
/// table `previous` (a published `indicators.csv`); none without one.
pub fn indicators(previous: &Path, rows: &[IndicatorRow], limits: Drift) -> Vec<DriftRow> {
    let Ok(mut reader) = csv::Reader::from_path(previous) else {
        return Vec::new();
    };
    let Ok(header) = reader.headers().cloned() else {
        return Vec::new();
    };
    let col = |n: &str| header.iter().position(|h| h == n);
    let (Some(i), Some(b), Some(d), Some(e), Some(s)) = (
        col("indicator"),
        col("by"),
        col("domain"),
        col("estimate"),
        col("se"),
    ) else {
        return Vec::new();
    };
    // Small-area rows share their area's key; they follow from the direct
    // estimates, which are what drifts.
    let statistic = col("statistic");
    let mut old: HashMap<(String, String, String), (f64, Option<f64>)> = HashMap::new();
    for rec in reader.records().flatten() {
        if statistic.is_some_and(|k| &rec[k] == "eblup") {
            continue;
        }
        if let Ok(est) = rec[e].parse::<f64>() {
            let key = (rec[i].to_string(), rec[b].to_string(), rec[d].to_string());
            old.insert(key, (est, rec[s].parse().ok()));
        }
    }
    rows.iter()
        .filter_map(|r| {
            let by = r.by_text().unwrap_or_default();
            let domain = r.domain_text().unwrap_or_default();
            let &(previous, se0) = old.get(&(r.indicator.clone(), by.clone(), domain.clone()))?;
            let current = r.est.estimate?;
            let difference = current - previous;
            let in_se = match (r.est.se, se0) {
                (Some(a), Some(b)) if a > 0.0 || b > 0.0 => {
                    Some(difference / (a * a + b * b).sqrt())
                }
                _ => None,
            };
            let beyond_se = limits
                .se
                .zip(in_se)
                .is_some_and(|(limit, z)| z.abs() > limit);
            let beyond_points = limits.points.is_some_and(|p| difference.abs() > p);
            (beyond_se || beyond_points).then(|| DriftRow {
                indicator: r.indicator.clone(),
                by,
                domain,
                previous,
                current,
                difference,
                in_se,
            })
        })
        .collect()
}

/// Datasets that held rows in the last published run and hold none now (a
/// header-only file replacing a full one): volume drift.
pub fn emptied(previous: &[InputRecord], now: &[InputRecord]) -> Vec<String> {
    now.iter()
        .filter(|n| n.rows == 0)
        .filter_map(|n| {
            let p = previous.iter().find(|p| p.dataset == n.dataset)?;
            (p.rows > 0).then(|| {
                format!(
                    "{}: no rows read ({} in the last published run) — the source arrived empty",
                    n.dataset, p.rows
                )
            })
        })
        .collect()
}

/// Columns added, removed or retyped in each source since the last run,
/// with what the contract makes of it.
pub fn schema(study: &Study, previous: &[InputRecord], now: &[InputRecord]) -> Vec<String> {
    let mut out = Vec::new();
    for n in now {
        let Some(p) = previous.iter().find(|p| p.dataset == n.dataset) else {
            continue;
        };
        if p.columns.is_empty() {
            continue;
        }
        let contract = study.dataset(&n.dataset).and_then(|d| d.contract.as_ref());
        let declared = |c: &str| contract.is_some_and(|k| k.columns.contains_key(c));
        let verdict = |c: &str| {
            if declared(c) {
                "declared in the contract"
            } else if contract.is_some() {
                "not in the contract: carried as is"
            } else {
                "no contract"
            }
        };
        for (name, ty) in &n.columns {
            match p.columns.iter().find(|(c, _)| c == name) {
                None => out.push(format!(
                    "{}: column `{name}` ({ty}) added — {}",
                    n.dataset,
                    verdict(name)
                )),
                Some((_, old)) if old != ty => out.push(format!(
                    "{}: column `{name}` retyped {old} → {ty} — {}",
                    n.dataset,
                    verdict(name)
                )),
                _ => {}
            }
        }
        for (name, ty) in &p.columns {
            if !n.columns.iter().any(|(c, _)| c == name) {
                out.push(format!(
                    "{}: column `{name}` ({ty}) removed — {}",
                    n.dataset,
                    if declared(name) {
                        "declared in the contract but optional"
                    } else {
                        "not used by the contract"
                    }
                ));
            }
        }
    }
    out
}
