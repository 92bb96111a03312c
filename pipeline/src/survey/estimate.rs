//! Point estimates, standard errors, design effects and intervals of one
//! domain from its per-PSU sums, with R's `survey` definitions:
//!
//! - mean (and proportion, the mean of a 0/1 value): ȳ = Σwy / Σw, influence
//!   values w(y − ȳ)/Σw (`svymean`);
//! - total (and count, the total of a 0/1 value): Σwy, influence values wy
//!   (`svytotal`);
//! - design effect as `deff = TRUE` (without-replacement SRS variance of the
//!   same sample size), CV = SE / |estimate|;
//! - degrees of freedom as R's `degf` on the domain's subset design: PSUs
//!   minus strata that hold a row of the domain;
//! - intervals: Wald with a normal quantile (as `confint`) for means and
//!   totals, logit with a t quantile on those degrees of freedom (as
//!   `svyciprop`'s default) for proportions.

use statrs::distribution::{Beta, ContinuousCDF, Normal, StudentsT};

use super::accumulate::{Cell, DomainSums};
use super::design::PreparedDesign;
use super::linearize::variance;
use super::reliability::{ProportionFacts, flag, proportion_flag};
use super::replicate::Replicates;
use crate::spec::model::{CiMethod, Reliability, ReliabilityRule};

/// The algebraic form of an estimator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// The weighted mean Σwy / Σw.
    Mean,
    /// A ratio of weighted totals Σwy / Σwx (`svyratio`); no design effect.
    Ratio,
    /// A weighted sum, Σwy.
    Total,
}

/// How the interval is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// estimate ± z·SE (R's `confint` on means and totals).
    Wald,
    /// A proportion's interval by one of `svyciprop`'s methods, with t
    /// quantiles on the design degrees of freedom.
    Proportion(CiMethod),
}

/// One estimate with its uncertainty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Estimate {
    /// The estimate (`None` when the domain has no row with a value).
    pub estimate: Option<f64>,
    /// Standard error (`None` for a census).
    pub se: Option<f64>,
    /// Lower interval bound.
    pub ci_low: Option<f64>,
    /// Upper interval bound.
    pub ci_high: Option<f64>,
    /// Unweighted rows with a value.
    pub n: u64,
    /// Σ w over those rows.
    pub weighted_n: f64,
    /// Design degrees of freedom of the domain.
    pub df: Option<f64>,
    /// Design effect.
    pub deff: Option<f64>,
    /// Coefficient of variation.
    pub cv: Option<f64>,
    /// Reliability flag.
    pub flag: Option<crate::locale::Flag>,
    /// `n` and `weighted_n` are withheld by disclosure control (a
    /// confidential cell, or the model estimate of one).
    pub withheld: bool,
}

impl Estimate {
    /// `n` and `weighted_n` as published: `None` when withheld.
    pub fn counts(&self) -> Option<(u64, f64)> {
        (!self.withheld).then_some((self.n, self.weighted_n))
    }
}

/// Estimates one domain from its PSU cells (and, for a replicate design,
/// its replicate sums: Σ w_r and Σ w_r·y interleaved).
pub fn estimate(
    design: &PreparedDesign,
    domain: DomainSums,
    form: Form,
    interval: Interval,
    level: f64,
    rules: &Reliability,
) -> Estimate {
    let DomainSums {
        cells,
        reps: rep_sums,
        ref aux,
    } = domain;
    let (mut w, mut y, mut q, mut n, mut weighted_n) = (0.0, 0.0, 0.0, 0u64, 0.0);
    for c in cells {
        weighted_n += c.w;
        w += c.sw;
        y += c.swy;
        q += c.swyy;
        n += c.n;
    }
    let mut out = Estimate {
        n,
        weighted_n,
        ..Default::default()
    };
    let est = match form {
        Form::Mean | Form::Ratio if n == 0 || w == 0.0 => return out,
        Form::Mean | Form::Ratio => y / w,
        Form::Total => y,
    };
    out.estimate = Some(est);
    if design.is_census() {
        return out;
    }
    let (v, logit_se) = match design.replicates() {
        None => {
            let totals = calibrated(design, form, influence(form, cells, est, w), aux, est, w);
            let (df, present) = domain_degf(design, cells);
            out.df = Some(df);
            let v = variance(design, &totals, &present);
            out.deff = design_effect(form, v, w, y, q, n);
            // Delta method: SE(logit p) = SE(p) / (p(1 − p)).
            (v, v.sqrt() / (est * (1.0 - est)))
        }
        Some(reps) => {
            let thetas = replicate_estimates(reps, form, cells, rep_sums);
            out.df = Some(reps.domain_df(cells, design.weights.len()));
            // As `svyglm` on a replicate design: the replicate variance of logit(θ_r).
            let logit = |p: f64| (p / (1.0 - p)).ln();
            let logits: Vec<f64> = thetas.iter().map(|t| logit(*t)).collect();
            (
                reps.variance(&thetas, est),
                reps.variance(&logits, logit(est)).sqrt(),
            )
        }
    };
    let se = v.sqrt();
    out.se = Some(se);
    out.cv = (est != 0.0).then(|| se / est.abs());
    (out.ci_low, out.ci_high) = match interval {
        Interval::Wald => {
            let z = normal_quantile(level);
            (Some(est - z * se), Some(est + z * se))
        }
        Interval::Proportion(method) => {
            let df = out.df.unwrap_or(f64::INFINITY);
            let rows: u64 = cells.iter().map(|c| c.n_any).sum();
            proportion_interval(method, est, se, logit_se, df, rows, level)
        }
    };
    out.flag = match interval {
        Interval::Proportion(_) => {
            let df = out.df.unwrap_or(f64::INFINITY);
            let rows: u64 = cells.iter().map(|c| c.n_any).sum();
            // Only the NCHS rules size a proportion by its Korn–Graubard interval.
            let kg_width = match rules.rule {
                ReliabilityRule::Nchs2017 => match korn_graubard(est, se, df, rows, 0.95) {
                    (Some(lo), Some(hi)) => Some(hi - lo),
                    _ => None,
                },
                ReliabilityRule::Cv => None,
            };
            let facts = ProportionFacts {
                p: est,
                se,
                n,
                df,
                kg_width,
            };
            proportion_flag(rules, facts, out.cv)
        }
        Interval::Wald => flag(rules, n, out.cv),
    };
    out
}

/// The influence-value total of each unit for an estimate `est` whose
/// denominator total is `w` (means and ratios), or the weighted totals.
fn influence(form: Form, cells: &[Cell], est: f64, w: f64) -> Vec<f64> {
    match form {
        Form::Mean | Form::Ratio => cells.iter().map(|c| (c.swy - est * c.sw) / w).collect(),
        Form::Total => cells.iter().map(|c| c.swy).collect(),
    }
}

/// For a calibrated design, the unit totals less the part the calibration
/// fixes (see [`crate::survey::correction`]). `aux` holds the domain's sums
/// per calibration channel and category (Σ v·x as `sw`, Σ v·y as `swy`).
fn calibrated(
    design: &PreparedDesign,
    form: Form,
    mut totals: Vec<f64>,
    aux: &[&[Cell]],
    est: f64,
    w: f64,
) -> Vec<f64> {
    let Some(cal) = design.calibration() else {
        return totals;
    };
    let s: Vec<Vec<f64>> = aux
        .iter()
        .map(|cells| {
            cells
                .iter()
                .map(|c| match form {
                    Form::Mean | Form::Ratio => (c.swy - est * c.sw) / w,
                    Form::Total => c.swy,
                })
                .collect()
        })
        .collect();
    cal.correct(&mut totals, &s);
    totals
}

/// The estimate under each replicate: from the sums made row by row, or
/// formed from the factor patterns' cells.
fn replicate_estimates(
    reps: &Replicates,
    form: Form,
    cells: &[Cell],
    rep_sums: &[f64],
) -> Vec<f64> {
    let from_patterns: Vec<f64>;
    let sums = match &reps.patterns {
        None => rep_sums,
        Some(p) => {
            let mut sums = vec![0.0; 2 * reps.len()];
            for (c, f) in cells.iter().zip(&p.factors) {
                for (r, f) in f.iter().enumerate() {
                    sums[2 * r] += f * c.sw;
                    sums[2 * r + 1] += f * c.swy;
                }
            }
            from_patterns = sums;
            &from_patterns
        }
    };
    sums.chunks_exact(2)
        .map(|c| match form {
            Form::Mean | Form::Ratio => c[1] / c[0],
            Form::Total => c[1],
        })
        .collect()
}

/// The point estimate of a domain and its denominator total, if defined.
fn point(form: Form, cells: &[Cell]) -> Option<(f64, f64)> {
    let w: f64 = cells.iter().map(|c| c.sw).sum();
    let y: f64 = cells.iter().map(|c| c.swy).sum();
    let n: u64 = cells.iter().map(|c| c.n).sum();
    match form {
        Form::Mean | Form::Ratio if n == 0 || w == 0.0 => None,
        Form::Mean | Form::Ratio => Some((y / w, w)),
        Form::Total => Some((y, w)),
    }
}

/// The difference between two domains of one survey, a − b.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Estimate of domain a.
    pub a: f64,
    /// Estimate of domain b.
    pub b: f64,
    /// a − b.
    pub difference: f64,
    /// Its standard error, with the covariance of a and b from the same
    /// linearisation or replicates (as R's `svycontrast` on `svyby`).
    pub se: f64,
    /// Lower Wald (normal) bound.
    pub ci_low: f64,
    /// Upper Wald (normal) bound.
    pub ci_high: f64,
    /// Two-sided p-value of a − b = 0 (normal).
    pub p_value: f64,
}

/// a − b for two domains of one design.
/// `None` when either estimate is undefined or the design is a census.
pub fn difference(
    design: &PreparedDesign,
    form: Form,
    a: &DomainSums,
    b: &DomainSums,
    level: f64,
) -> Option<Difference> {
    let parts = Contrast::new(design, form, &[a, b])?;
    let v = parts.variance(design, &[1.0, -1.0]);
    Some(wald_difference(
        parts.estimates[0],
        parts.estimates[1],
        v.sqrt(),
        level,
    ))
}

/// The design covariance matrix (row-major, k × k) of the estimates of `k`
/// domain sums of one design, with the estimates — what R's `vcov` gives
/// on `svymean`/`svytotal` of several variables or on `svyby(covmat =
/// TRUE)`. `None` when an estimate is undefined or the design is a census.
pub fn covariance(
    design: &PreparedDesign,
    form: Form,
    sums: &[&DomainSums],
) -> Option<(Vec<f64>, Vec<f64>)> {
    let parts = Contrast::new(design, form, sums)?;
    let k = sums.len();
    let mut cov = vec![0.0; k * k];
    let mut c = vec![0.0; k];
    for i in 0..k {
        c[i] = 1.0;
        cov[i * k + i] = parts.variance(design, &c);
        for j in 0..i {
            // A quadratic form is known by its values: 4·Cov(i, j) =
            // V(θi + θj) − V(θi − θj).
            c[j] = 1.0;
            let plus = parts.variance(design, &c);
            c[j] = -1.0;
            let minus = parts.variance(design, &c);
            c[j] = 0.0;
            cov[i * k + j] = (plus - minus) / 4.0;
            cov[j * k + i] = cov[i * k + j];
        }
        c[i] = 0.0;
    }
    Some((parts.estimates, cov))
}

/// Estimates of one design ready to be combined linearly (`svycontrast`):
/// each one's influence totals per unit (linearisation, less what a
/// calibration fixes) or its replicate estimates.
struct Contrast {
    estimates: Vec<f64>,
    spread: Vec<Vec<f64>>,
    /// The strata holding a row of any of the domains (linearisation).
    present: Vec<bool>,
}

impl Contrast {
    fn new(design: &PreparedDesign, form: Form, sums: &[&DomainSums]) -> Option<Self> {
        if design.is_census() {
            return None;
        }
        let mut estimates = Vec::with_capacity(sums.len());
        let mut spread = Vec::with_capacity(sums.len());
        let mut present = vec![false; design.strata.len()];
        for s in sums {
            let (est, w) = point(form, s.cells)?;
            estimates.push(est);
            spread.push(match design.replicates() {
                None => {
                    let (_, p) = domain_degf(design, s.cells);
                    present.iter_mut().zip(p).for_each(|(a, b)| *a |= b);
                    calibrated(
                        design,
                        form,
                        influence(form, s.cells, est, w),
                        &s.aux,
                        est,
                        w,
                    )
                }
                Some(reps) => replicate_estimates(reps, form, s.cells, s.reps),
            });
        }
        Some(Contrast {
            estimates,
            spread,
            present,
        })
    }

    /// The variance of Σ c_k θ_k.
    fn variance(&self, design: &PreparedDesign, c: &[f64]) -> f64 {
        let combine = |v: &[Vec<f64>]| -> Vec<f64> {
            let mut t = vec![0.0; v[0].len()];
            for (ck, vk) in c.iter().zip(v) {
                if *ck != 0.0 {
                    t.iter_mut().zip(vk).for_each(|(t, x)| *t += ck * x);
                }
            }
            t
        };
        let t = combine(&self.spread);
        match design.replicates() {
            None => variance(design, &t, &self.present),
            Some(reps) => {
                let full: f64 = c.iter().zip(&self.estimates).map(|(c, e)| c * e).sum();
                reps.variance(&t, full)
            }
        }
    }
}

/// The difference of two independent estimates (two waves, two surveys):
/// SE = √(SE_a² + SE_b²).
pub fn independent_difference(a: f64, se_a: f64, b: f64, se_b: f64, level: f64) -> Difference {
    wald_difference(a, b, (se_a * se_a + se_b * se_b).sqrt(), level)
}

fn wald_difference(a: f64, b: f64, se: f64, level: f64) -> Difference {
    let d = a - b;
    let z = normal_quantile(level);
    let p_value = if se > 0.0 {
        2.0 * Normal::standard().cdf(-(d / se).abs())
    } else {
        f64::NAN
    };
    Difference {
        a,
        b,
        difference: d,
        se,
        ci_low: d - z * se,
        ci_high: d + z * se,
        p_value,
    }
}

/// R's `degf` on the domain's subset: PSUs holding a row of the domain minus
/// the strata holding one; also which strata hold one.
fn domain_degf(design: &PreparedDesign, cells: &[Cell]) -> (f64, Vec<bool>) {
    let mut strata_seen = vec![false; design.strata.len()];
    let mut psu_seen = vec![false; design.n_psu()];
    let mut psus = 0usize;
    for (j, c) in cells.iter().enumerate() {
        let p = design.unit_psu[j] as usize;
        if c.n_any > 0 && !psu_seen[p] {
            psu_seen[p] = true;
            psus += 1;
            strata_seen[design.psu_stratum[p] as usize] = true;
        }
    }
    let strata = strata_seen.iter().filter(|s| **s).count();
    (psus as f64 - strata as f64, strata_seen)
}

/// `deff = TRUE`: the design variance over the variance of a simple random
/// sample without replacement of the same size, as `svymean`/`svytotal`.
fn design_effect(form: Form, v: f64, w: f64, y: f64, q: f64, n: u64) -> Option<f64> {
    if n < 2 || w < n as f64 {
        return None;
    }
    let nf = n as f64;
    let mean = y / w;
    let s2 = (q / w - mean * mean) * nf / (nf - 1.0);
    let srs_mean = s2 * (w - nf) / (w * nf);
    let vsrs = match form {
        Form::Mean => srs_mean,
        Form::Total => srs_mean * w * w,
        Form::Ratio => return None,
    };
    (vsrs > 0.0).then(|| v / vsrs)
}

fn normal_quantile(level: f64) -> f64 {
    Normal::standard().inverse_cdf(1.0 - (1.0 - level) / 2.0)
}

/// From these degrees of freedom on, the t quantile comes from its
/// expansion in 1/df (Cornish–Fisher), which agrees with the exact quantile
/// to 1e-13 there and costs O(1); statrs' exact inverse slows down with df
/// (seconds at 10⁷, a census-size domain).
const EXPANDED_DF: f64 = 2000.0;

/// The upper quantile of Student's t for a two-sided interval at `level`
/// (normal when `df` is infinite).
pub fn t_quantile(level: f64, df: f64) -> f64 {
    if !df.is_finite() {
        return normal_quantile(level);
    }
    if df >= EXPANDED_DF {
        return t_expanded(normal_quantile(level), df);
    }
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |t| t.inverse_cdf(1.0 - (1.0 - level) / 2.0))
}

/// The t quantile at the normal quantile `z` with `df` degrees of freedom:
/// the Cornish–Fisher expansion to the fourth power of 1/df (Abramowitz and
/// Stegun 26.7.5); the next term is below 1e-13 · t from df = 2,000 at the
/// usual levels.
fn t_expanded(z: f64, df: f64) -> f64 {
    let z2 = z * z;
    let g1 = (z2 + 1.0) * z / 4.0;
    let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    let g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
    z + g1 / df + g2 / df.powi(2) + g3 / df.powi(3) + g4 / df.powi(4)
}

/// A proportion's interval as `svyciprop(method = …)` computes it. `rows` is
/// the number of rows in the (sub)design, for Korn–Graubard's correction.
/// Undefined (None) at p = 0 or 1 on the logit scales and without degrees
/// of freedom.
fn proportion_interval(
    method: CiMethod,
    p: f64,
    se: f64,
    logit_se: f64,
    df: f64,
    rows: u64,
    level: f64,
) -> (Option<f64>, Option<f64>) {
    if df <= 0.0 || !se.is_finite() {
        return (None, None);
    }
    let t = t_quantile(level, df);
    let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
    let logit = |p: f64| (p / (1.0 - p)).ln();
    let inside = p > 0.0 && p < 1.0;
    match method {
        CiMethod::Wald => (Some(p - t * se), Some(p + t * se)),
        CiMethod::Logit if inside && logit_se.is_finite() => (
            Some(expit(logit(p) - t * logit_se)),
            Some(expit(logit(p) + t * logit_se)),
        ),
        CiMethod::XLogit if inside => {
            let half = t * se / (p * (1.0 - p));
            (Some(expit(logit(p) - half)), Some(expit(logit(p) + half)))
        }
        CiMethod::Asin if inside => {
            // svycontrast of asin(sqrt(p)): derivative 1 / (2 sqrt(p(1 − p))).
            let half = t * se / (2.0 * (p * (1.0 - p)).sqrt());
            let c = p.sqrt().asin();
            (
                Some((c - half).sin().powi(2)),
                Some((c + half).sin().powi(2)),
            )
        }
        CiMethod::Beta => korn_graubard(p, se, df, rows, level),
        _ => (None, None),
    }
}

/// Korn and Graubard's interval: beta quantiles at the effective sample size
/// p(1 − p)/Var(p), rescaled by (t_{rows−1} / t_df)², as `svyciprop(method = "beta")`.
fn korn_graubard(p: f64, se: f64, df: f64, rows: u64, level: f64) -> (Option<f64>, Option<f64>) {
    let alpha = 1.0 - level;
    let ratio = t_quantile(level, rows as f64 - 1.0) / t_quantile(level, df);
    let n_eff = p * (1.0 - p) / (se * se) * ratio * ratio;
    let q = |a: f64, b: f64, x: f64| {
        if a <= 0.0 {
            Some(0.0)
        } else if b <= 0.0 {
            Some(1.0)
        } else {
            Beta::new(a, b).ok().map(|d| d.inverse_cdf(x))
        }
    };
    if !n_eff.is_finite() {
        return (None, None);
    }
    (
        q(n_eff * p, n_eff * (1.0 - p) + 1.0, alpha / 2.0),
        q(n_eff * p + 1.0, n_eff * (1.0 - p), 1.0 - alpha / 2.0),
    )
}
