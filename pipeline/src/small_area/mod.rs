//! Small-area estimates: an indicator with `small_area` gets, beside its
//! direct estimates by area, the Fay–Herriot EBLUP of each area
//! ([`fay_herriot`]) from those direct estimates, their design variances and
//! the area covariates of another dataset. Areas of the covariates without
//! a sample (or whose direct estimate has no variance, such as a proportion
//! of 0 or of 1) get the model's synthetic estimate. With `smooth_variance`, each
//! area's sampling variance is replaced by a generalised variance function
//! ln ψ = a + b ln n fitted by least squares over the sampled areas, which
//! tames the noisy variances of small samples.
//!
//! The EBLUPs are kept apart from the direct rows (no comparison, chart or
//! composite takes them by mistake): they are written to
//! `small_area.parquet|csv` and appended to the indicators table with
//! `statistic = "eblup"`; a chart draws them with `statistic = "eblup"`.

pub mod fay_herriot;

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::error::{Error, Result, choices};
use crate::indicators::IndicatorRow;
use crate::spec::model::{IndicatorSpec, SmallAreaSpec, Study};
use crate::survey::codes::index_column;
use crate::survey::columns::f64_values;
use crate::survey::estimate::{Estimate, t_quantile};
use fay_herriot::{Method, Model};

/// One area of one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct SmallAreaRow {
    /// The indicator.
    pub indicator: String,
    /// The area's value.
    pub area: String,
    /// Rows of the area in the sample.
    pub n: u64,
    /// Σ w over them.
    pub weighted_n: f64,
    /// The direct estimate and its SE, when the area has a sample.
    pub direct: Option<(f64, f64)>,
    /// The EBLUP (or synthetic estimate).
    pub estimate: f64,
    /// √MSE.
    pub se: f64,
    /// The shrinkage factor γ (0 for a synthetic estimate).
    pub gamma: f64,
    /// The model's σ²ᵤ.
    pub sigma2_u: f64,
    /// How σ²ᵤ was estimated.
    pub method: Method,
    /// The area's direct cell is confidential: its sample, direct
    /// estimate and shrinkage are withheld (the EBLUP is published).
    pub confidential: bool,
}

impl SmallAreaRow {
    /// The direct estimate and SE as published: none for a confidential
    /// area.
    pub fn published_direct(&self) -> Option<(f64, f64)> {
        self.direct.filter(|_| !self.confidential)
    }
}

/// Withholds what the small-area outputs would tell of a confidential
/// area's direct cell: its sample size, direct estimate and SE, and γ
/// (which with the EBLUP and the synthetic estimate gives the direct one
/// back).
pub fn withhold(
    areas: &mut [SmallAreaRow],
    eblups: &mut [IndicatorRow],
    register: &crate::disclosure::Register,
) {
    for a in areas.iter_mut() {
        let on = eblups
            .iter()
            .find(|e| e.indicator == a.indicator)
            .map(|e| e.by[0].clone())
            .unwrap_or_default();
        a.confidential = register.holds(&a.indicator, &[(on.as_str(), a.area.as_str())]);
    }
    for e in eblups.iter_mut() {
        e.est.withheld = register.holds(&e.indicator, &[(e.by[0].as_str(), e.domain[0].as_str())]);
    }
}

/// The small-area rows of every indicator with `small_area`, and the same
/// as indicator rows (`statistic = "eblup"`).
pub fn compute(
    study: &Study,
    rows: &[IndicatorRow],
    data: &BTreeMap<String, DataFrame>,
) -> Result<(Vec<SmallAreaRow>, Vec<IndicatorRow>)> {
    let mut out = Vec::new();
    let mut eblups = Vec::new();
    for ind in &study.indicators {
        let Some(sa) = &ind.small_area else {
            continue;
        };
        let areas = one(ind, sa, rows, data)?;
        for a in &areas {
            let z = t_quantile(ind.level, f64::INFINITY);
            let cv = (a.estimate != 0.0).then(|| a.se / a.estimate.abs());
            eblups.push(IndicatorRow {
                indicator: ind.id.clone(),
                dataset: ind.dataset.clone(),
                by: vec![sa.on.clone()],
                domain: vec![a.area.clone()],
                statistic: ind.statistic.clone(),
                est: Estimate {
                    estimate: Some(a.estimate),
                    se: Some(a.se),
                    ci_low: Some(a.estimate - z * a.se),
                    ci_high: Some(a.estimate + z * a.se),
                    n: a.n,
                    weighted_n: a.weighted_n,
                    df: None,
                    deff: None,
                    cv,
                    // A model-based estimate is judged by its CV alone.
                    flag: crate::survey::reliability::flag(
                        &study.reliability,
                        study.reliability.min_n,
                        cv,
                    ),
                    withheld: false,
                },
            });
        }
        out.extend(areas);
    }
    Ok((out, eblups))
}

fn one(
    ind: &IndicatorSpec,
    sa: &SmallAreaSpec,
    rows: &[IndicatorRow],
    data: &BTreeMap<String, DataFrame>,
) -> Result<Vec<SmallAreaRow>> {
    let err = |m: String| Error::Estimation {
        indicator: ind.id.clone(),
        message: format!("small_area: {m}"),
    };
    let df = data
        .get(&sa.dataset)
        .ok_or_else(|| Error::internal("small area", format!("no data for `{}`", sa.dataset)))?;
    let column = |name: &str| {
        df.column(name).map_err(|_| {
            err(format!(
                "column `{name}` not found in covariates dataset `{}` — columns are: {}",
                sa.dataset,
                choices(df.get_column_names())
            ))
        })
    };
    let (codes, values) = index_column(column(&sa.on)?)?;
    let mut covariates: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let columns: Vec<Vec<f64>> = sa
        .columns
        .iter()
        .map(|c| f64_values(column(c)?))
        .collect::<Result<_>>()?;
    for row in 0..df.height() {
        let code = codes.get(row);
        let Some(area) = values.get(code as usize) else {
            return Err(err(format!(
                "row {} of `{}` has no `{}`",
                row + 1,
                sa.dataset,
                sa.on
            )));
        };
        let mut x = vec![1.0];
        for (c, name) in columns.iter().zip(&sa.columns) {
            if !c[row].is_finite() {
                return Err(err(format!(
                    "covariate `{name}` is missing for area `{area}` in `{}`",
                    sa.dataset
                )));
            }
            x.push(c[row]);
        }
        if covariates.insert(area.clone(), x).is_some() {
            return Err(err(format!(
                "area `{area}` has two rows in `{}`; the covariates need one row per area",
                sa.dataset
            )));
        }
    }
    let direct: Vec<&IndicatorRow> = rows
        .iter()
        .filter(|r| r.indicator == ind.id && r.by.len() == 1 && r.by[0] == sa.on)
        .collect();
    // Sampled areas: a direct estimate with a positive variance.
    let mut sampled: Vec<(String, f64, f64, u64)> = Vec::new();
    for r in &direct {
        let area = r.domain[0].clone();
        if !covariates.contains_key(&area) {
            return Err(err(format!(
                "area `{area}` has a direct estimate but no row in `{}` — add its covariates",
                sa.dataset
            )));
        }
        if let (Some(y), Some(se)) = (r.est.estimate, r.est.se)
            && se > 0.0
            && se.is_finite()
        {
            sampled.push((area, y, se * se, r.est.n));
        }
    }
    if sa.smooth_variance {
        smooth(&mut sampled);
    }
    let y: Vec<f64> = sampled.iter().map(|s| s.1).collect();
    let psi: Vec<f64> = sampled.iter().map(|s| s.2).collect();
    let x: Vec<Vec<f64>> = sampled.iter().map(|s| covariates[&s.0].clone()).collect();
    let model: Model = fay_herriot::fit(&y, &psi, &x, sa.fit).ok_or_else(|| {
        err(format!(
            "the model cannot be fitted: {} sampled areas for {} coefficients, or covariates that are collinear ({})",
            y.len(),
            sa.columns.len() + 1,
            sa.columns.join(", ")
        ))
    })?;
    // The area's sample as its direct row counts it (none: 0 rows).
    let sample_of = |area: &str| {
        direct
            .iter()
            .find(|r| r.domain[0] == area)
            .map_or((0, 0.0), |r| (r.est.n, r.est.weighted_n))
    };
    let mut areas: Vec<(&String, &Vec<f64>)> = covariates.iter().collect();
    areas.sort_by_key(|(a, _)| crate::names::natural_key(a));
    Ok(areas
        .into_iter()
        .map(|(area, x)| {
            let found = sampled.iter().find(|s| &s.0 == area);
            let given = found.map(|s| (s.1, s.2));
            let p = model.predict(given, x);
            SmallAreaRow {
                indicator: ind.id.clone(),
                area: area.clone(),
                n: sample_of(area).0,
                weighted_n: sample_of(area).1,
                direct: found.map(|s| (s.1, s.2.sqrt())),
                estimate: p.estimate,
                se: p.mse.max(0.0).sqrt(),
                gamma: p.gamma,
                sigma2_u: model.sigma2_u,
                method: model.method,
                confidential: false,
            }
        })
        .collect())
}

/// Replaces each area's ψ by exp(a + b ln n), the least-squares line of
/// ln ψ on ln n over the areas.
fn smooth(sampled: &mut [(String, f64, f64, u64)]) {
    let points: Vec<(f64, f64)> = sampled
        .iter()
        .filter(|s| s.3 > 0)
        .map(|s| ((s.3 as f64).ln(), s.2.ln()))
        .collect();
    let k = points.len() as f64;
    if k < 3.0 {
        return;
    }
    let (mx, my) = (
        points.iter().map(|p| p.0).sum::<f64>() / k,
        points.iter().map(|p| p.1).sum::<f64>() / k,
    );
    let sxx: f64 = points.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx <= 0.0 {
        return;
    }
    let b = sxy / sxx;
    let a = my - b * mx;
    for s in sampled.iter_mut().filter(|s| s.3 > 0) {
        s.2 = (a + b * (s.3 as f64).ln()).exp();
    }
}

/// What a chart or the methods say of the estimates, in the study's
/// language: the model, its fit and the synthetic estimates.
pub fn method_note(study: &Study, sa: &SmallAreaSpec) -> String {
    let lang = study.language;
    crate::locale::fill(
        lang,
        "eblup_note",
        &[
            ("fit", &sa.fit.name().to_uppercase()),
            (
                "covariates",
                &sa.columns
                    .iter()
                    .map(|c| crate::indicators::table::variable_label(study, &sa.dataset, c))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ],
    )
}

/// `small_area.parquet|csv`: `indicator, area, n, weighted_n, direct, direct_se,
/// estimate, se, cv_direct, cv, gamma, sigma2_u, method, synthetic`.
pub fn to_frame(rows: &[SmallAreaRow]) -> Result<DataFrame> {
    let f = |g: &dyn Fn(&SmallAreaRow) -> Option<f64>| rows.iter().map(g).collect::<Vec<_>>();
    DataFrame::new_infer_height(vec![
        Column::new(
            "indicator".into(),
            rows.iter().map(|r| r.indicator.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "area".into(),
            rows.iter().map(|r| r.area.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "n".into(),
            rows.iter()
                .map(|r| (!r.confidential).then_some(r.n))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "weighted_n".into(),
            f(&|r| (!r.confidential).then_some(r.weighted_n)),
        ),
        Column::new("direct".into(), f(&|r| r.published_direct().map(|d| d.0))),
        Column::new(
            "direct_se".into(),
            f(&|r| r.published_direct().map(|d| d.1)),
        ),
        Column::new("estimate".into(), f(&|r| Some(r.estimate))),
        Column::new("se".into(), f(&|r| Some(r.se))),
        Column::new(
            "cv_direct".into(),
            f(&|r| {
                r.published_direct()
                    .filter(|d| d.0 != 0.0)
                    .map(|d| d.1 / d.0.abs())
            }),
        ),
        Column::new(
            "cv".into(),
            f(&|r| (r.estimate != 0.0).then(|| r.se / r.estimate.abs())),
        ),
        Column::new("gamma".into(), f(&|r| (!r.confidential).then_some(r.gamma))),
        Column::new("sigma2_u".into(), f(&|r| Some(r.sigma2_u))),
        Column::new(
            "method".into(),
            rows.iter().map(|r| r.method.name()).collect::<Vec<_>>(),
        ),
        Column::new(
            "synthetic".into(),
            rows.iter().map(|r| r.direct.is_none()).collect::<Vec<_>>(),
        ),
    ])
    .map_err(|e| Error::internal("small-area table", e))
}
