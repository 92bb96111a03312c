//! `design.csv`: one row per survey dataset with what its design is and
//! how its weights are spread — the weighting diagnostics a statistics
//! office publishes beside its estimates (see [`crate::survey::diagnostics`]).

use polars::prelude::*;

use super::DesignSummary;
use crate::error::{Error, Result};

/// The designs as a table: `dataset, rows, strata, psus, df, sum_weights,
/// weight_min, weight_median, weight_max, weight_ratio, weight_cv, kish_n,
/// deff_weighting, calibration, g_min, g_median, g_max, g_at_lower,
/// g_at_upper, replicate_method, replicates, replicate_scale` (empty where
/// a part does not apply).
pub fn to_frame(designs: &[DesignSummary]) -> Result<DataFrame> {
    let num = |name: &str, f: &dyn Fn(&DesignSummary) -> Option<f64>| {
        Column::new(name.into(), designs.iter().map(f).collect::<Vec<_>>())
    };
    let count = |name: &str, f: &dyn Fn(&DesignSummary) -> Option<u64>| {
        Column::new(name.into(), designs.iter().map(f).collect::<Vec<_>>())
    };
    let w = |d: &DesignSummary| d.weighting;
    let g = |d: &DesignSummary| d.calibration.as_ref().and_then(|c| c.g);
    let cols = vec![
        Column::new(
            "dataset".into(),
            designs
                .iter()
                .map(|d| d.dataset.clone())
                .collect::<Vec<_>>(),
        ),
        count("rows", &|d| Some(d.rows as u64)),
        count("strata", &|d| Some(d.strata as u64)),
        count("psus", &|d| Some(d.psus as u64)),
        num("df", &|d| Some(d.df)),
        num("sum_weights", &|d| Some(d.weighted_rows)),
        num("weight_min", &|d| w(d).map(|w| w.spread.min)),
        num("weight_median", &|d| w(d).map(|w| w.spread.median)),
        num("weight_max", &|d| w(d).map(|w| w.spread.max)),
        num("weight_ratio", &|d| w(d).and_then(|w| w.ratio)),
        num("weight_cv", &|d| w(d).map(|w| w.cv)),
        num("kish_n", &|d| w(d).map(|w| w.kish_n)),
        num("deff_weighting", &|d| w(d).map(|w| w.deff)),
        Column::new(
            "calibration".into(),
            designs
                .iter()
                .map(|d| d.calibration.as_ref().map(|c| c.method))
                .collect::<Vec<_>>(),
        ),
        num("g_min", &|d| g(d).map(|g| g.spread.min)),
        num("g_median", &|d| g(d).map(|g| g.spread.median)),
        num("g_max", &|d| g(d).map(|g| g.spread.max)),
        count("g_at_lower", &|d| g(d).map(|g| g.at_lower as u64)),
        count("g_at_upper", &|d| g(d).map(|g| g.at_upper as u64)),
        Column::new(
            "replicate_method".into(),
            designs
                .iter()
                .map(|d| d.replicates.map(|r| r.0))
                .collect::<Vec<_>>(),
        ),
        count("replicates", &|d| d.replicates.map(|r| r.1 as u64)),
        num("replicate_scale", &|d| d.replicates.map(|r| r.2)),
    ];
    DataFrame::new_infer_height(cols).map_err(|e| Error::internal("design table", e))
}
