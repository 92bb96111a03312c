//! `[[models]]`: design-based regression, as R's `svyglm`. The
//! coefficients solve the weighted likelihood equations (IRLS with the
//! sampling weights as prior weights, [`irls`]); their variance is the
//! sandwich of the design: the influence of each row on β,
//! (X'WX)⁻¹ xᵢ (yᵢ − μᵢ) μ'(ηᵢ)/V(μᵢ), summed per PSU and put through the
//! design's linearised variance — with a calibration's correction — as
//! `svy.varcoef`; on a replicate design the model is refitted under each
//! replicate's weights and the spread of the coefficients gives it, as
//! `svyglm` on a `svrepdesign`. t statistics, p-values and intervals use
//! the design's residual degrees of freedom (PSUs − strata + 1 − terms).
//! Fit information is R's: deviance and null deviance with the weights
//! scaled to mean 1, dispersion as `summary.svyglm` (the design-based
//! variance of the Pearson residuals (y − μ)/√V(μ)) — on every design: R's
//! `residuals.svyglm` rescales them by √n on a replicate design and by the
//! ratio of mean weights before and after dropping rows with a missing
//! value, which Mizan does not copy. Separation (a category whose rows all
//! share one outcome) is not detected: as in R, its coefficient is large
//! with a huge SE.

pub mod family;
pub mod formula;
pub mod frame;
pub mod irls;

use std::collections::BTreeMap;

use polars::prelude::*;
use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::error::{Error, Result};
use crate::spec::model::{DatasetSpec, ModelSpec, Study};
use crate::survey::accumulate::{Breakdown, Target, Values};
use crate::survey::design::PreparedDesign;
use crate::survey::estimate::{Form, Interval, estimate, t_quantile};
use family::Family;
use frame::{MatrixColumn, ModelFrame};

/// One coefficient.
#[derive(Debug, Clone, PartialEq)]
pub struct TermRow {
    /// The model's id.
    pub model: String,
    /// The column of the model matrix it multiplies.
    pub column: MatrixColumn,
    /// β.
    pub estimate: f64,
    /// Its design-based standard error.
    pub se: f64,
    /// t = β / SE.
    pub statistic: f64,
    /// The residual degrees of freedom of the t.
    pub df: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Lower bound of β's interval.
    pub ci_low: f64,
    /// Upper bound.
    pub ci_high: f64,
}

/// A model's fit.
#[derive(Debug, Clone, PartialEq)]
pub struct FitRow {
    /// The model's id.
    pub model: String,
    /// Its family.
    pub family: Family,
    /// Rows used.
    pub n: u64,
    /// Σ w over them.
    pub weighted_n: f64,
    /// Residual degrees of freedom: design df + 1 − coefficients.
    pub df_residual: f64,
    /// Deviance (weights scaled to mean 1, as svyglm).
    pub deviance: f64,
    /// Deviance of the intercept-only model.
    pub null_deviance: f64,
    /// `summary.svyglm`'s dispersion.
    pub dispersion: f64,
    /// IRLS iterations.
    pub iterations: usize,
    /// The categorical variables' reference levels.
    pub references: BTreeMap<String, String>,
    /// The confidence level of the intervals.
    pub level: f64,
}

/// What the models produced.
#[derive(Debug, Clone, Default)]
pub struct Models {
    /// Coefficients, model by model in spec order.
    pub terms: Vec<TermRow>,
    /// One fit per model.
    pub fits: Vec<FitRow>,
}

/// Fits every model of `study` over the ingested `data`.
pub fn compute(study: &Study, data: &BTreeMap<String, DataFrame>) -> Result<Models> {
    let mut out = Models::default();
    for m in &study.models {
        let (ds, df, design) = crate::indicators::survey_design(study, data, &m.dataset, "model")?;
        let (terms, fit) = one(m, ds, df, &design)?;
        out.terms.extend(terms);
        out.fits.push(fit);
    }
    Ok(out)
}

/// Whether column `column` of `ds` holds codes (declared in its contract or
/// labelled in its microdata file): a categorical variable.
fn coded(ds: &DatasetSpec, column: &str) -> bool {
    ds.contract
        .as_ref()
        .and_then(|c| c.columns.get(column))
        .is_some_and(|c| c.codes.is_some())
        || ds
            .file_labels
            .get(column)
            .is_some_and(|v| !v.values.is_empty())
}

fn one(
    m: &ModelSpec,
    ds: &DatasetSpec,
    df: &DataFrame,
    design: &PreparedDesign,
) -> Result<(Vec<TermRow>, FitRow)> {
    let err = |msg: String| Error::Spec {
        location: Some(m.location.clone()),
        message: format!("model `{}`: {msg}", m.id),
    };
    let derived = crate::indicators::evaluate::derive(df, &m.derived, &m.dataset, &err)?;
    let df = derived.as_ref().unwrap_or(df);
    let mask = crate::indicators::evaluate::where_mask(df, m.where_.as_deref(), &m.dataset, &err)?;
    let mf = frame::build(
        &m.formula,
        df,
        &|c| coded(ds, c),
        &m.reference,
        mask.as_deref(),
        &err,
    )?;
    if let Some((i, why)) =
        mf.y.iter()
            .enumerate()
            .find_map(|(i, y)| m.family.refuses(*y).map(|w| (i, w)))
    {
        return Err(err(format!(
            "the response `{}` is {} in row {}: {why}",
            m.formula.response,
            mf.y[i],
            mf.rows[i] + 1
        )));
    }
    let w: Vec<f64> = mf.rows.iter().map(|&i| design.weights[i]).collect();
    let fit = irls::fit(&mf.x, &mf.y, &w, m.family, None).map_err(|f| failure(&mf, f, &err))?;
    let (se, degf) = standard_errors(design, &mf, &fit, m.family, df.height(), &err)?;
    let p = mf.columns.len();
    let df_residual = degf + 1.0 - p as f64;
    let t = (df_residual > 0.0).then(|| t_quantile(m.level, df_residual));
    let dist = StudentsT::new(0.0, 1.0, df_residual).ok();
    let terms = mf
        .columns
        .iter()
        .zip(&fit.beta)
        .zip(&se)
        .map(|((column, &b), &s)| {
            let statistic = b / s;
            TermRow {
                model: m.id.clone(),
                column: column.clone(),
                estimate: b,
                se: s,
                statistic,
                df: df_residual,
                p_value: dist
                    .as_ref()
                    .map_or(f64::NAN, |d| 2.0 * d.cdf(-statistic.abs())),
                ci_low: t.map_or(f64::NAN, |t| b - t * s),
                ci_high: t.map_or(f64::NAN, |t| b + t * s),
            }
        })
        .collect();
    let fit_row = fit_information(m, design, mask.as_deref(), &mf, &fit, df_residual);
    Ok((terms, fit_row))
}

/// A fit's failure as the analyst can act on it.
fn failure(mf: &ModelFrame, f: irls::Failure, err: &dyn Fn(String) -> Error) -> Error {
    match f {
        irls::Failure::Collinear(j) => err(format!(
            "term `{}` is collinear with the terms before it ({}) — its values are a combination of theirs in the model's rows; drop it or one of them",
            mf.columns[j].name,
            mf.columns[..j]
                .iter()
                .map(|c| format!("`{}`", c.name))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        irls::Failure::NoConvergence(n) => err(format!(
            "the fit did not converge in {n} iterations — usually a category in which every row has the same outcome (separation); merge categories or drop the term"
        )),
    }
}

/// The coefficients' design-based standard errors and the design degrees
/// of freedom of the model's rows.
fn standard_errors(
    design: &PreparedDesign,
    mf: &ModelFrame,
    fit: &irls::Fit,
    family: Family,
    n_rows: usize,
    err: &dyn Fn(String) -> Error,
) -> Result<(Vec<f64>, f64)> {
    let p = mf.columns.len();
    // Each row's influence on β (without its weight, which the pass adds).
    let mut influence = vec![vec![f64::NAN; n_rows]; p];
    for (k, row) in mf.rows.iter().enumerate() {
        let e = (mf.y[k] - fit.mu[k]) * family.mu_eta(fit.eta[k]) / family.variance(fit.mu[k]);
        for (a, h) in influence.iter_mut().enumerate() {
            let ax: f64 = (0..p).map(|b| fit.unscaled[a * p + b] * mf.x[b][k]).sum();
            h[*row] = ax * e;
        }
    }
    // The model's rows are its subpopulation: R's degf on the subset design.
    let mut used = vec![false; n_rows];
    mf.rows.iter().for_each(|&i| used[i] = true);
    let targets: Vec<Target> = influence
        .iter()
        .map(|h| Target {
            y: Values::Numbers(h),
            x: None,
            mask: Some(&used),
            binary: false,
            breakdowns: vec![0],
        })
        .collect();
    let sums = design.sums(&[Breakdown::Overall], &targets);
    let rules = crate::spec::model::Reliability::default();
    let linearised: Vec<_> = (0..p)
        .map(|k| {
            estimate(
                design,
                sums.domain(k, 0, 0),
                Form::Total,
                Interval::Wald,
                0.95,
                &rules,
            )
        })
        .collect();
    let degf = linearised[0].df.unwrap_or(f64::NAN);
    let Some(reps) = design.replicates() else {
        return Ok((
            linearised
                .iter()
                .map(|e| e.se.unwrap_or(f64::NAN))
                .collect(),
            degf,
        ));
    };
    // As svyglm on a replicate design: refit under each replicate's weights.
    let columns = reps.columns(&design.weights, &design.unit);
    let betas: Vec<std::result::Result<Vec<f64>, irls::Failure>> = columns
        .par_iter()
        .map(|wr| {
            let w: Vec<f64> = mf.rows.iter().map(|&i| wr[i]).collect();
            irls::fit(&mf.x, &mf.y, &w, family, Some(&fit.beta)).map(|f| f.beta)
        })
        .collect();
    // A replicate without a fit (separation once its PSUs are left out)
    // has no coefficients to spread: refused rather than dropped.
    let betas: Vec<Vec<f64>> = betas
        .into_iter()
        .enumerate()
        .map(|(r, b)| {
            b.map_err(|f| {
                err(format!(
                    "refitted under replicate {} ({}), {} — its replicate variance is undefined",
                    r + 1,
                    reps.columns.get(r).map_or("built from the design", String::as_str),
                    match f {
                        irls::Failure::Collinear(j) => format!("term `{}` is collinear with the ones before it", mf.columns[j].name),
                        irls::Failure::NoConvergence(n) => format!("the model does not converge in {n} iterations: a category in which every row left has the same outcome (separation); merge categories or drop the term"),
                    }
                ))
            })
        })
        .collect::<Result<_>>()?;
    let se = (0..p)
        .map(|k| {
            let thetas: Vec<f64> = betas.iter().map(|b| b[k]).collect();
            reps.variance(&thetas, fit.beta[k]).sqrt()
        })
        .collect();
    Ok((se, degf))
}

/// Deviance, null deviance and dispersion as `svyglm` reports them: with
/// the prior weights scaled to mean 1 over the design's rows — those in
/// `where`, except that a calibrated design keeps the others weighted 0, as
/// R's `subset` does.
fn fit_information(
    m: &ModelSpec,
    design: &PreparedDesign,
    mask: Option<&[bool]>,
    mf: &ModelFrame,
    fit: &irls::Fit,
    df_residual: f64,
) -> FitRow {
    let kept = |i: usize| mask.is_none_or(|m| m[i]);
    let rows_in = if design.calibration().is_some() {
        design.weights.len()
    } else {
        (0..design.weights.len()).filter(|i| kept(*i)).count()
    };
    let total: f64 = (0..design.weights.len())
        .filter(|i| kept(*i))
        .map(|i| design.weights[i])
        .sum();
    let mean = total / rows_in as f64;
    let pw: Vec<f64> = mf.rows.iter().map(|&i| design.weights[i] / mean).collect();
    let deviance = irls::deviance(m.family, &mf.y, &fit.mu, &pw);
    let null_mu = if m.formula.intercept {
        let s: f64 = pw.iter().sum();
        pw.iter().zip(&mf.y).map(|(w, y)| w * y).sum::<f64>() / s
    } else {
        m.family.inverse(0.0)
    };
    let null = vec![null_mu; mf.y.len()];
    let null_deviance = irls::deviance(m.family, &mf.y, &null, &pw);
    // svyvar of the Pearson residuals (y − μ)/√V(μ) (residuals.svyglm).
    let r: Vec<f64> = (0..mf.y.len())
        .map(|k| (mf.y[k] - fit.mu[k]) / m.family.variance(fit.mu[k]).sqrt())
        .collect();
    let sw: f64 = pw.iter().sum();
    let rbar = pw.iter().zip(&r).map(|(w, r)| w * r).sum::<f64>() / sw;
    let n = mf.y.len() as f64;
    let dispersion = n / (n - 1.0)
        * pw.iter()
            .zip(&r)
            .map(|(w, r)| w * (r - rbar) * (r - rbar))
            .sum::<f64>()
        / sw;
    FitRow {
        model: m.id.clone(),
        family: m.family,
        n: mf.rows.len() as u64,
        weighted_n: mf.rows.iter().map(|&i| design.weights[i]).sum(),
        df_residual,
        deviance,
        null_deviance,
        dispersion,
        iterations: fit.iterations,
        references: mf.references.clone(),
        level: m.level,
    }
}

/// A coefficient's name in words, in the study's language: each variable
/// of its term by its label, with the level's label for a categorical one
/// ("Education: Secondary × Area: Urban").
pub fn term_label(study: &Study, dataset: &str, column: &MatrixColumn) -> String {
    use crate::indicators::table::{value_label, variable_label};
    if column.parts.is_empty() {
        return crate::locale::phrase(study.language, "intercept").to_string();
    }
    column
        .parts
        .iter()
        .map(|(var, level)| {
            let name = variable_label(study, dataset, var);
            match level {
                Some(l) => format!(
                    "{name}{}{}",
                    crate::locale::phrase(study.language, "colon"),
                    value_label(study, dataset, var, l)
                ),
                None => name,
            }
        })
        .collect::<Vec<_>>()
        .join(" × ")
}

/// The sentence that says what a model's numbers are — odds ratios, rate
/// ratios or coefficients, their intervals' level — and its reference
/// levels, in the study's language.
pub fn scale_note(study: &Study, m: &ModelSpec, fit: Option<&FitRow>) -> String {
    let lang = study.language;
    let references: Vec<String> = fit
        .map(|f| {
            f.references
                .iter()
                .map(|(var, level)| {
                    let part = MatrixColumn {
                        name: String::new(),
                        parts: vec![(var.clone(), Some(level.clone()))],
                    };
                    term_label(study, &m.dataset, &part)
                })
                .collect()
        })
        .unwrap_or_default();
    let references = if references.is_empty() {
        crate::locale::phrase(lang, "no_reference").to_string()
    } else {
        references.join("; ")
    };
    let key = match m.family {
        Family::Gaussian => "coef_linear",
        Family::Poisson => "coef_rates",
        Family::Binomial | Family::Quasibinomial => "coef_odds",
    };
    crate::locale::fill(
        lang,
        key,
        &[
            ("level", &crate::locale::level_percent(m.level)),
            ("references", &references),
        ],
    )
}

/// `models.parquet|csv`: per model its coefficients — `model, term,
/// estimate, se, statistic, df, p_value, ci_low, ci_high`, then
/// `odds_ratio, or_low, or_high` (logit families) and `rate_ratio, rr_low,
/// rr_high` (poisson) — and a row `term = "(model)"` with `n, weighted_n,
/// df` (residual), `deviance, null_deviance, dispersion, iterations`;
/// `family`, and `variables` and `levels` naming what each term is.
pub fn to_frame(models: &Models) -> Result<DataFrame> {
    struct Row<'a> {
        term: Option<&'a TermRow>,
        fit: &'a FitRow,
    }
    let mut rows = Vec::new();
    for fit in &models.fits {
        rows.extend(
            models
                .terms
                .iter()
                .filter(|t| t.model == fit.model)
                .map(|t| Row { term: Some(t), fit }),
        );
        rows.push(Row { term: None, fit });
    }
    let num = |f: &dyn Fn(&TermRow) -> f64| -> Vec<Option<f64>> {
        rows.iter().map(|r| r.term.map(f)).collect()
    };
    let ratio = |odds: bool, f: &dyn Fn(&TermRow) -> f64| -> Vec<Option<f64>> {
        rows.iter()
            .map(|r| {
                let wanted = if odds {
                    r.fit.family.odds()
                } else {
                    r.fit.family == Family::Poisson
                };
                r.term.filter(|_| wanted).map(|t| f(t).exp())
            })
            .collect()
    };
    let fitted = |f: &dyn Fn(&FitRow) -> f64| -> Vec<Option<f64>> {
        rows.iter()
            .map(|r| r.term.is_none().then(|| f(r.fit)))
            .collect()
    };
    let text = |f: &dyn Fn(&Row) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let parts = |f: &dyn Fn(&frame::Part) -> String| {
        text(&|r| {
            r.term.map_or(String::new(), |t| {
                t.column.parts.iter().map(f).collect::<Vec<_>>().join(":")
            })
        })
    };
    DataFrame::new_infer_height(vec![
        Column::new("model".into(), text(&|r| r.fit.model.clone())),
        Column::new(
            "term".into(),
            text(&|r| {
                r.term
                    .map_or("(model)".to_string(), |t| t.column.name.clone())
            }),
        ),
        Column::new("estimate".into(), num(&|t| t.estimate)),
        Column::new("se".into(), num(&|t| t.se)),
        Column::new("statistic".into(), num(&|t| t.statistic)),
        Column::new(
            "df".into(),
            rows.iter().map(|r| r.fit.df_residual).collect::<Vec<f64>>(),
        ),
        Column::new("p_value".into(), num(&|t| t.p_value)),
        Column::new("ci_low".into(), num(&|t| t.ci_low)),
        Column::new("ci_high".into(), num(&|t| t.ci_high)),
        Column::new("odds_ratio".into(), ratio(true, &|t| t.estimate)),
        Column::new("or_low".into(), ratio(true, &|t| t.ci_low)),
        Column::new("or_high".into(), ratio(true, &|t| t.ci_high)),
        Column::new("rate_ratio".into(), ratio(false, &|t| t.estimate)),
        Column::new("rr_low".into(), ratio(false, &|t| t.ci_low)),
        Column::new("rr_high".into(), ratio(false, &|t| t.ci_high)),
        Column::new("n".into(), fitted(&|f| f.n as f64)),
        Column::new("weighted_n".into(), fitted(&|f| f.weighted_n)),
        Column::new("deviance".into(), fitted(&|f| f.deviance)),
        Column::new("null_deviance".into(), fitted(&|f| f.null_deviance)),
        Column::new("dispersion".into(), fitted(&|f| f.dispersion)),
        Column::new("iterations".into(), fitted(&|f| f.iterations as f64)),
        Column::new("family".into(), text(&|r| r.fit.family.name().to_string())),
        Column::new("variables".into(), parts(&|(v, _)| v.clone())),
        Column::new(
            "levels".into(),
            parts(&|(_, l)| l.clone().unwrap_or_default()),
        ),
    ])
    .map_err(|e| Error::internal("models table", e))
}
