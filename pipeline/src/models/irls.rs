//! Fitting a generalised linear model by iteratively reweighted least
//! squares, as R's `glm.fit`: each step a weighted least-squares solve by
//! Householder QR (never the normal equations, whose rounding would cost
//! half the digits), iterated until the deviance stops moving and then once
//! more, so the coefficients are exact to rounding rather than to R's
//! default tolerance. A column that the QR finds dependent on the ones
//! before it is reported, never dropped silently.

use super::family::Family;

/// A fitted model.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The coefficients.
    pub beta: Vec<f64>,
    /// (X'WX)⁻¹ at the fit (p × p, row-major): R's `cov.unscaled`.
    pub unscaled: Vec<f64>,
    /// Fitted means per row.
    pub mu: Vec<f64>,
    /// Linear predictors per row.
    pub eta: Vec<f64>,
    /// Iterations run.
    pub iterations: usize,
}

/// Why a fit failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// Column `j` is a linear combination of the columns before it.
    Collinear(usize),
    /// No convergence within the iteration cap.
    NoConvergence(usize),
}

/// The most iterations run.
const MAX_ITERATIONS: usize = 100;
/// Relative change of the deviance below which the fit has settled.
const SETTLED: f64 = 1e-12;
/// A column whose part independent of the columns before it is below
/// this fraction of its norm is collinear with them (R: 1e-11 by default).
const RANK_TOLERANCE: f64 = 1e-10;

/// Fits y on the columns `x` (each over the same rows) with prior weights
/// `w`, from `start` (coefficients) or the family's starting values.
pub fn fit(
    x: &[Vec<f64>],
    y: &[f64],
    w: &[f64],
    family: Family,
    start: Option<&[f64]>,
) -> Result<Fit, Failure> {
    let n = y.len();
    let mut eta: Vec<f64> = match start {
        Some(b) => predict(x, b, n),
        None => {
            let mean = w.iter().sum::<f64>() / n.max(1) as f64;
            y.iter()
                .zip(w)
                .map(|(y, w)| family.link(family.start(*y, w / mean)))
                .collect()
        }
    };
    let mut mu: Vec<f64> = eta.iter().map(|e| family.inverse(*e)).collect();
    let mut dev = deviance(family, y, &mu, w);
    let mut beta = start.map_or_else(|| vec![0.0; x.len()], <[f64]>::to_vec);
    let mut settled = false;
    for iteration in 1..=MAX_ITERATIONS {
        let (next, _) = step(x, y, w, family, &eta, &mu)?;
        let mut next = next;
        let mut next_eta = predict(x, &next, n);
        let mut next_mu: Vec<f64> = next_eta.iter().map(|e| family.inverse(*e)).collect();
        let mut next_dev = deviance(family, y, &next_mu, w);
        // R's step halving when the deviance is not finite.
        let mut halvings = 0;
        while !next_dev.is_finite() && halvings < 30 && iteration > 1 {
            next = next.iter().zip(&beta).map(|(a, b)| (a + b) / 2.0).collect();
            next_eta = predict(x, &next, n);
            next_mu = next_eta.iter().map(|e| family.inverse(*e)).collect();
            next_dev = deviance(family, y, &next_mu, w);
            halvings += 1;
        }
        let change = (next_dev - dev).abs() / (next_dev.abs() + 0.1);
        (beta, eta, mu, dev) = (next, next_eta, next_mu, next_dev);
        if settled {
            let (_, unscaled) = step(x, y, w, family, &eta, &mu)?;
            return Ok(Fit {
                beta,
                unscaled,
                mu,
                eta,
                iterations: iteration,
            });
        }
        settled = change < SETTLED;
    }
    Err(Failure::NoConvergence(MAX_ITERATIONS))
}

/// The linear predictor Xβ.
pub fn predict(x: &[Vec<f64>], beta: &[f64], n: usize) -> Vec<f64> {
    let mut eta = vec![0.0; n];
    for (col, b) in x.iter().zip(beta) {
        eta.iter_mut().zip(col).for_each(|(e, v)| *e += b * v);
    }
    eta
}

/// Σ deviance residuals.
pub fn deviance(family: Family, y: &[f64], mu: &[f64], w: &[f64]) -> f64 {
    y.iter()
        .zip(mu)
        .zip(w)
        .map(|((y, m), w)| family.deviance(*y, *m, *w))
        .sum()
}

/// One IRLS step from (η, μ): the weighted least-squares coefficients of
/// the working response and (X'WX)⁻¹ with the working weights.
fn step(
    x: &[Vec<f64>],
    y: &[f64],
    w: &[f64],
    family: Family,
    eta: &[f64],
    mu: &[f64],
) -> Result<(Vec<f64>, Vec<f64>), Failure> {
    let n = y.len();
    let mut root = vec![0.0; n];
    let mut z = vec![0.0; n];
    for i in 0..n {
        let d = family.mu_eta(eta[i]);
        let weight = w[i] * d * d / family.variance(mu[i]);
        root[i] = if weight > 0.0 { weight.sqrt() } else { 0.0 };
        z[i] = root[i] * (eta[i] + (y[i] - mu[i]) / d);
    }
    let a: Vec<Vec<f64>> = x
        .iter()
        .map(|c| c.iter().zip(&root).map(|(v, r)| v * r).collect())
        .collect();
    least_squares(a, z)
}

/// Minimises ‖Aβ − b‖ (A's columns given) by Householder QR: β and
/// (A'A)⁻¹ = R⁻¹R⁻ᵀ.
fn least_squares(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Result<(Vec<f64>, Vec<f64>), Failure> {
    let p = a.len();
    let norms: Vec<f64> = a.iter().map(|c| norm(c)).collect();
    for j in 0..p {
        let (done, rest) = a.split_at_mut(j + 1);
        let col = &mut done[j];
        let len = norm(&col[j..]);
        if len <= RANK_TOLERANCE * norms[j] || norms[j] == 0.0 {
            return Err(Failure::Collinear(j));
        }
        let alpha = if col[j] > 0.0 { -len } else { len };
        // v = col[j..] − alpha·e₁, kept in place; H = I − 2vvᵀ/vᵀv.
        col[j] -= alpha;
        let vv: f64 = col[j..].iter().map(|v| v * v).sum();
        let reflect = |target: &mut [f64]| {
            let dot: f64 = col[j..].iter().zip(&target[j..]).map(|(v, t)| v * t).sum();
            let f = 2.0 * dot / vv;
            target[j..]
                .iter_mut()
                .zip(&col[j..])
                .for_each(|(t, v)| *t -= f * v);
        };
        for other in rest.iter_mut() {
            reflect(other);
        }
        reflect(&mut b);
        col[j] = alpha;
    }
    // R (upper triangle) is a[j][i] for i ≤ j.
    let r = |i: usize, j: usize| a[j][i];
    let mut beta = vec![0.0; p];
    for i in (0..p).rev() {
        let s: f64 = (i + 1..p).map(|j| r(i, j) * beta[j]).sum();
        beta[i] = (b[i] - s) / r(i, i);
    }
    // R⁻¹ (upper triangular), then R⁻¹R⁻ᵀ.
    let mut inv = vec![0.0; p * p];
    for j in 0..p {
        inv[j * p + j] = 1.0 / r(j, j);
        for i in (0..j).rev() {
            let s: f64 = (i + 1..=j).map(|k| r(i, k) * inv[k * p + j]).sum();
            inv[i * p + j] = -s / r(i, i);
        }
    }
    let mut unscaled = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..p {
            unscaled[i * p + j] = (i.max(j)..p).map(|k| inv[i * p + k] * inv[j * p + k]).sum();
        }
    }
    Ok((beta, unscaled))
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_squares_by_hand() {
        // y = 1 + 2x exactly; (X'X)⁻¹ of x = 0, 1, 2 with an intercept.
        let x = vec![vec![1.0; 3], vec![0.0, 1.0, 2.0]];
        let f = fit(&x, &[1.0, 3.0, 5.0], &[1.0; 3], Family::Gaussian, None).unwrap();
        assert!((f.beta[0] - 1.0).abs() < 1e-14 && (f.beta[1] - 2.0).abs() < 1e-14);
        // X'X = [[3, 3], [3, 5]], inverse [[5, −3], [−3, 3]] / 6.
        let want = [5.0 / 6.0, -0.5, -0.5, 0.5];
        for (a, b) in f.unscaled.iter().zip(want) {
            assert!((a - b).abs() < 1e-14, "{a} vs {b}");
        }
    }

    #[test]
    fn logistic_regression_of_a_two_by_two_table_is_its_log_odds_ratio() {
        // Group 0: 1 of 4 yes; group 1: 3 of 4 yes. β₁ = ln(3/1 · 3/1) = ln 9.
        let g = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        let y = [1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0];
        let x = vec![vec![1.0; 8], g.to_vec()];
        let f = fit(&x, &y, &[1.0; 8], Family::Binomial, None).unwrap();
        assert!((f.beta[0] - (1.0f64 / 3.0).ln()).abs() < 1e-13);
        assert!((f.beta[1] - 9.0f64.ln()).abs() < 1e-13);
    }

    #[test]
    fn a_dependent_column_is_named() {
        let x = vec![vec![1.0; 3], vec![1.0, 2.0, 3.0], vec![2.0, 4.0, 6.0]];
        let e = fit(&x, &[1.0, 2.0, 4.0], &[1.0; 3], Family::Gaussian, None).unwrap_err();
        assert_eq!(e, Failure::Collinear(2));
    }
}
