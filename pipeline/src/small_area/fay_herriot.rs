//! The area-level Fay–Herriot model and its empirical best linear unbiased
//! predictor (Rao and Molina, *Small Area Estimation*, 2015, ch. 6):
//!
//! θ̂ᵢ = xᵢ'β + vᵢ + eᵢ, vᵢ ~ N(0, σ²ᵤ), eᵢ ~ N(0, ψᵢ) with ψᵢ known.
//!
//! σ²ᵤ by Fisher scoring: REML, ML, or Fay and Herriot's moment equation
//! Σ(θ̂ᵢ − xᵢ'β̃)²/(σ²ᵤ + ψᵢ) = m − p; truncated at 0. Then β̃ by GLS,
//! γᵢ = σ²ᵤ/(σ²ᵤ + ψᵢ), EBLUP γᵢθ̂ᵢ + (1 − γᵢ)xᵢ'β̃, and its MSE
//! g₁ + g₂ + 2g₃ less the bias term of σ̂²ᵤ: Datta and Lahiri's for REML
//! (no bias term) and ML, Datta, Rao and Smith's for the FH moments — the
//! estimators of R's `sae::mseFH` and Python's samplics. An area without a
//! sample gets the synthetic xᵢ'β̃ with MSE σ²ᵤ + xᵢ'(X'V⁻¹X)⁻¹xᵢ.

use crate::survey::linalg::solve;

/// How σ²ᵤ is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Method {
    /// Restricted maximum likelihood.
    Reml,
    /// Maximum likelihood.
    Ml,
    /// Fay and Herriot's moment equation.
    Fh,
}

impl Method {
    /// Every method with its spec name.
    pub const ALL: [(Method, &'static str); 3] = [
        (Method::Reml, "reml"),
        (Method::Ml, "ml"),
        (Method::Fh, "fh"),
    ];

    /// The spec name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(m, _)| *m == self)
            .map_or("", |(_, n)| n)
    }
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// σ²ᵤ, the variance of the area effects.
    pub sigma2_u: f64,
    /// β̃.
    pub beta: Vec<f64>,
    /// (X'V⁻¹X)⁻¹, p × p row-major.
    pub q: Vec<f64>,
    /// Fisher-scoring iterations.
    pub iterations: usize,
    /// The method.
    pub method: Method,
    /// The sampling variances ψᵢ and rows xᵢ it was fitted on.
    psi: Vec<f64>,
    x: Vec<Vec<f64>>,
}

/// One area's prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// The EBLUP (or the synthetic estimate without a sample).
    pub estimate: f64,
    /// Its estimated MSE.
    pub mse: f64,
    /// The shrinkage factor γ (0 without a sample).
    pub gamma: f64,
}

const MAX_ITERATIONS: usize = 500;

/// Fits the model to direct estimates `y` with sampling variances `psi`
/// and covariate rows `x` (an intercept included by the caller). `None`
/// when X'V⁻¹X is singular (collinear covariates) or m ≤ p.
pub fn fit(y: &[f64], psi: &[f64], x: &[Vec<f64>], method: Method) -> Option<Model> {
    let (m, p) = (y.len(), x.first()?.len());
    if m <= p {
        return None;
    }
    let mut sorted = psi.to_vec();
    sorted.sort_by(f64::total_cmp);
    let scale = sorted[m / 2].max(f64::MIN_POSITIVE);
    let mut s2 = scale;
    let mut iterations = 0;
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        let v: Vec<f64> = psi.iter().map(|p| s2 + p).collect();
        let (beta, q) = gls(y, &v, x)?;
        let r: Vec<f64> = (0..m).map(|i| y[i] - dot(&x[i], &beta)).collect();
        let (score, info) = match method {
            Method::Ml => (
                -0.5 * v.iter().map(|v| 1.0 / v).sum::<f64>()
                    + 0.5 * r.iter().zip(&v).map(|(r, v)| r * r / (v * v)).sum::<f64>(),
                0.5 * v.iter().map(|v| 1.0 / (v * v)).sum::<f64>(),
            ),
            Method::Fh => (
                r.iter().zip(&v).map(|(r, v)| r * r / v).sum::<f64>() - (m - p) as f64,
                r.iter().zip(&v).map(|(r, v)| r * r / (v * v)).sum::<f64>(),
            ),
            Method::Reml => reml_score(y, &v, x, &q),
        };
        let mut next = s2 + score / info;
        if next <= 0.0 {
            // A step past zero: halve instead, so a positive root is not
            // lost to an overshoot; an estimate that keeps falling is 0.
            if s2 < 1e-10 * scale {
                s2 = 0.0;
                break;
            }
            next = s2 / 2.0;
        }
        let done = ((next - s2) / s2).abs() < 1e-13;
        s2 = next;
        if done {
            break;
        }
    }
    let v: Vec<f64> = psi.iter().map(|p| s2 + p).collect();
    let (beta, q) = gls(y, &v, x)?;
    Some(Model {
        sigma2_u: s2,
        beta,
        q,
        iterations,
        method,
        psi: psi.to_vec(),
        x: x.to_vec(),
    })
}

impl Model {
    /// The prediction for an area with direct estimate `y` and sampling
    /// variance `psi` at covariates `x`; without a sample (`None`), the
    /// synthetic estimate.
    pub fn predict(&self, direct: Option<(f64, f64)>, x: &[f64]) -> Prediction {
        let synthetic = dot(x, &self.beta);
        let xqx = quad(&self.q, x);
        let Some((y, psi)) = direct else {
            return Prediction {
                estimate: synthetic,
                mse: self.sigma2_u + xqx,
                gamma: 0.0,
            };
        };
        let v = self.sigma2_u + psi;
        let gamma = self.sigma2_u / v;
        let vs: Vec<f64> = self.psi.iter().map(|p| self.sigma2_u + p).collect();
        let m = vs.len() as f64;
        let sum_inv: f64 = vs.iter().map(|v| 1.0 / v).sum();
        let sum_inv2: f64 = vs.iter().map(|v| 1.0 / (v * v)).sum();
        let (scale, bias) = match self.method {
            Method::Reml => (2.0 / sum_inv2, 0.0),
            Method::Ml => {
                // tr[(X'V⁻¹X)⁻¹ X'V⁻²X] / Σ V⁻²
                let p = self.beta.len();
                let mut xv2x = vec![0.0; p * p];
                for (row, v) in self.x.iter().zip(&vs) {
                    for a in 0..p {
                        for b in 0..p {
                            xv2x[a * p + b] += row[a] * row[b] / (v * v);
                        }
                    }
                }
                let trace: f64 = (0..p)
                    .flat_map(|a| (0..p).map(move |b| (a, b)))
                    .map(|(a, b)| self.q[a * p + b] * xv2x[b * p + a])
                    .sum();
                (2.0 / sum_inv2, -trace / sum_inv2)
            }
            Method::Fh => (
                2.0 * m / (sum_inv * sum_inv),
                2.0 * (m * sum_inv2 - sum_inv * sum_inv) / sum_inv.powi(3),
            ),
        };
        let shrink = (1.0 - gamma) * (1.0 - gamma);
        let g1 = gamma * psi;
        let g2 = shrink * xqx;
        let g3 = psi * psi / (v * v * v) * scale;
        Prediction {
            estimate: gamma * y + (1.0 - gamma) * synthetic,
            mse: g1 + g2 + 2.0 * g3 - shrink * bias,
            gamma,
        }
    }
}

/// β̃ = (X'V⁻¹X)⁻¹X'V⁻¹y and (X'V⁻¹X)⁻¹.
fn gls(y: &[f64], v: &[f64], x: &[Vec<f64>]) -> Option<(Vec<f64>, Vec<f64>)> {
    let p = x[0].len();
    let mut xvx = vec![0.0; p * p];
    let mut xvy = vec![0.0; p];
    for ((row, v), y) in x.iter().zip(v).zip(y) {
        for a in 0..p {
            xvy[a] += row[a] * y / v;
            for b in 0..p {
                xvx[a * p + b] += row[a] * row[b] / v;
            }
        }
    }
    let q = inverse(&xvx, p)?;
    let beta = (0..p)
        .map(|a| (0..p).map(|b| q[a * p + b] * xvy[b]).sum())
        .collect();
    Some((beta, q))
}

/// The inverse of a symmetric positive definite p × p matrix, or `None`
/// when it is singular.
fn inverse(a: &[f64], p: usize) -> Option<Vec<f64>> {
    let mut out = vec![0.0; p * p];
    for j in 0..p {
        let mut e = vec![0.0; p];
        e[j] = 1.0;
        let col = solve(a, p, &e);
        for i in 0..p {
            out[i * p + j] = col[i];
        }
    }
    // A dependent column comes back as zeros: singular.
    let identity = (0..p).all(|i| {
        let d: f64 = (0..p).map(|k| a[i * p + k] * out[k * p + i]).sum();
        (d - 1.0).abs() < 1e-8
    });
    identity.then_some(out)
}

/// REML's score and information at V: −½ tr P + ½ y'PPy and ½ tr PP,
/// P = V⁻¹ − V⁻¹X(X'V⁻¹X)⁻¹X'V⁻¹.
fn reml_score(y: &[f64], v: &[f64], x: &[Vec<f64>], q: &[f64]) -> (f64, f64) {
    let m = y.len();
    let mut pm = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..m {
            let hat = quad_pair(q, &x[i], &x[j]);
            pm[i * m + j] = f64::from(u8::from(i == j)) / v[i] - hat / (v[i] * v[j]);
        }
    }
    let py: Vec<f64> = (0..m)
        .map(|i| (0..m).map(|j| pm[i * m + j] * y[j]).sum())
        .collect();
    let trace: f64 = (0..m).map(|i| pm[i * m + i]).sum();
    let trace2: f64 = (0..m)
        .flat_map(|i| (0..m).map(move |j| (i, j)))
        .map(|(i, j)| pm[i * m + j] * pm[j * m + i])
        .sum();
    (
        -0.5 * trace + 0.5 * py.iter().map(|a| a * a).sum::<f64>(),
        0.5 * trace2,
    )
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// a'Qa.
fn quad(q: &[f64], a: &[f64]) -> f64 {
    quad_pair(q, a, a)
}

/// a'Qb.
fn quad_pair(q: &[f64], a: &[f64], b: &[f64]) -> f64 {
    let p = a.len();
    (0..p)
        .map(|i| a[i] * (0..p).map(|j| q[i * p + j] * b[j]).sum::<f64>())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_variances_shrink_to_the_mean_by_hand() {
        // Intercept only, ψ = 1 everywhere, y = −2, −1, 0, 1, 2: the
        // moment equation Σ r²/(σ² + 1) = m − 1 gives σ² = 10/4 − 1 = 1.5,
        // γ = 0.6, EBLUP of the area at 2 = 0.6 · 2.
        let y = [-2.0, -1.0, 0.0, 1.0, 2.0];
        let x = vec![vec![1.0]; 5];
        let f = fit(&y, &[1.0; 5], &x, Method::Fh).unwrap();
        assert!((f.sigma2_u - 1.5).abs() < 1e-12, "{}", f.sigma2_u);
        let p = f.predict(Some((2.0, 1.0)), &[1.0]);
        assert!((p.gamma - 0.6).abs() < 1e-12 && (p.estimate - 1.2).abs() < 1e-12);
        // REML with equal ψ: σ² = s² − ψ = 2.5 − 1.
        let r = fit(&y, &[1.0; 5], &x, Method::Reml).unwrap();
        assert!((r.sigma2_u - 1.5).abs() < 1e-10, "{}", r.sigma2_u);
        // ML: σ² = Σr²/m − ψ = 2 − 1.
        let ml = fit(&y, &[1.0; 5], &x, Method::Ml).unwrap();
        assert!((ml.sigma2_u - 1.0).abs() < 1e-10, "{}", ml.sigma2_u);
    }

    #[test]
    fn no_between_area_variance_gives_the_synthetic_estimate() {
        let y = [1.0, 1.01, 0.99, 1.0];
        let x = vec![vec![1.0]; 4];
        let f = fit(&y, &[1.0; 4], &x, Method::Reml).unwrap();
        assert_eq!(f.sigma2_u, 0.0);
        let p = f.predict(Some((1.01, 1.0)), &[1.0]);
        assert_eq!(p.gamma, 0.0);
        assert!((p.estimate - 1.0).abs() < 1e-12);
    }
}
