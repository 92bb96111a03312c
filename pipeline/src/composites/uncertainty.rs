//! The uncertainty analysis of a composite (seeded Monte Carlo, as the
//! JRC/OECD Handbook recommends): each draw multiplies every weight by a
//! uniform factor in [1 − p, 1 + p], picks a normalisation and an
//! aggregation among the declared alternatives, and redraws each indicator
//! that has a standard-error column from N(value, se²) — the sampling
//! uncertainty of survey-based inputs, which composite tools leave out. Each
//! unit's index score and rank over the draws give its intervals.

use std::collections::HashMap;

use super::{Scenario, methods, score};
use crate::spec::model::{CompositeSpec, Node, NodeKind, Uncertainty};

/// A unit's intervals over the draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    /// 5th percentile of the score.
    pub score_low: f64,
    /// 95th percentile of the score.
    pub score_high: f64,
    /// Median rank.
    pub rank_median: f64,
    /// 5th percentile of the rank (the best ranks).
    pub rank_low: f64,
    /// 95th percentile of the rank.
    pub rank_high: f64,
}

/// SplitMix64: a small, seeded, portable generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (1.0 - self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// The nodes' ids and the indicators' (column, se column) pairs.
fn framework(node: &Node, ids: &mut Vec<String>, redrawn: &mut Vec<(String, String)>) {
    ids.push(node.id.clone());
    match &node.kind {
        NodeKind::Group(children) => children.iter().for_each(|c| framework(c, ids, redrawn)),
        NodeKind::Indicator { se: Some(se), .. } => redrawn.push((node.id.clone(), se.clone())),
        NodeKind::Indicator { .. } => {}
    }
}

/// R's default (type 7) quantile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Each unit's intervals (`None` for a unit without a score in some draw).
pub fn analyse(
    c: &CompositeSpec,
    u: &Uncertainty,
    columns: &HashMap<String, Vec<f64>>,
    units: usize,
) -> Vec<Option<Interval>> {
    let (mut ids, mut redrawn) = (Vec::new(), Vec::new());
    framework(&c.root, &mut ids, &mut redrawn);
    let normalisations = if u.normalise.is_empty() {
        vec![c.normalise]
    } else {
        u.normalise.clone()
    };
    let aggregations = if u.aggregate.is_empty() {
        vec![c.aggregate]
    } else {
        u.aggregate.clone()
    };
    let mut rng = Rng(u.seed);
    let mut scores: Vec<Vec<f64>> = vec![Vec::with_capacity(u.draws); units];
    let mut ranks: Vec<Vec<f64>> = vec![Vec::with_capacity(u.draws); units];
    for _ in 0..u.draws {
        let factors: HashMap<&str, f64> = ids
            .iter()
            .map(|id| (id.as_str(), 1.0 + u.weights * (2.0 * rng.uniform() - 1.0)))
            .collect();
        let normalise = normalisations[(rng.next() % normalisations.len() as u64) as usize];
        let aggregate = aggregations[(rng.next() % aggregations.len() as u64) as usize];
        let mut values = columns.clone();
        for (column, se) in &redrawn {
            let noisy: Vec<f64> = columns[column]
                .iter()
                .zip(&columns[se])
                .map(|(x, s)| x + if s.is_finite() { s * rng.normal() } else { 0.0 })
                .collect();
            values.insert(column.clone(), noisy);
        }
        let weight = |id: &str| factors.get(id).copied().unwrap_or(1.0);
        let sc = Scenario {
            normalise,
            aggregate,
            weight: &weight,
            values: &values,
        };
        let drawn = score(&c.root, &sc, None);
        for (unit, (s, r)) in drawn.iter().zip(methods::rank_scores(&drawn)).enumerate() {
            scores[unit].push(*s);
            ranks[unit].push(r.map_or(f64::NAN, f64::from));
        }
    }
    scores
        .iter_mut()
        .zip(ranks.iter_mut())
        .map(|(s, r)| {
            if s.iter().chain(r.iter()).any(|v| v.is_nan()) {
                return None;
            }
            s.sort_by(f64::total_cmp);
            r.sort_by(f64::total_cmp);
            Some(Interval {
                score_low: percentile(s, 0.05),
                score_high: percentile(s, 0.95),
                rank_median: percentile(r, 0.5),
                rank_low: percentile(r, 0.05),
                rank_high: percentile(r, 0.95),
            })
        })
        .collect()
}
