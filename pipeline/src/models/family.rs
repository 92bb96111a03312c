//! The error distributions a model may assume, each with its canonical
//! link, as R's `gaussian()`, `binomial()`, `quasibinomial()` and
//! `poisson()` define them (link, inverse, dμ/dη, variance, deviance
//! residuals, starting values — with R's guards at the edges).

/// A model's family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Family {
    /// Normal errors, identity link: a linear regression.
    Gaussian,
    /// A 0/1 (or proportion) response, logit link: a logistic regression.
    Binomial,
    /// As binomial, with the dispersion estimated (same estimates and SEs
    /// under a design; no warning for non-integer counts).
    Quasibinomial,
    /// Counts, log link.
    Poisson,
}

/// R's `.Machine$double.eps`: the logit link's guard.
const EPS: f64 = f64::EPSILON;
/// R's `THRESH`/`MTHRESH` in the logit's inverse.
const THRESH: f64 = 30.0;

impl Family {
    /// Every family with its spec name.
    pub const ALL: [(Family, &'static str); 4] = [
        (Family::Gaussian, "gaussian"),
        (Family::Binomial, "binomial"),
        (Family::Quasibinomial, "quasibinomial"),
        (Family::Poisson, "poisson"),
    ];

    /// The spec name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("", |(_, n)| n)
    }

    /// Logit-link families, whose exp(β) are odds ratios.
    pub fn odds(self) -> bool {
        matches!(self, Family::Binomial | Family::Quasibinomial)
    }

    /// Why `y` cannot be a response of this family, if it cannot.
    pub fn refuses(self, y: f64) -> Option<&'static str> {
        match self {
            Family::Gaussian => None,
            Family::Binomial | Family::Quasibinomial if !(0.0..=1.0).contains(&y) => {
                Some("a binomial response is 0/1 (or a proportion between 0 and 1)")
            }
            Family::Poisson if y < 0.0 => Some("a poisson response is a count, never negative"),
            _ => None,
        }
    }

    /// η = g(μ).
    pub fn link(self, mu: f64) -> f64 {
        match self {
            Family::Gaussian => mu,
            Family::Binomial | Family::Quasibinomial => (mu / (1.0 - mu)).ln(),
            Family::Poisson => mu.ln(),
        }
    }

    /// μ = g⁻¹(η).
    pub fn inverse(self, eta: f64) -> f64 {
        match self {
            Family::Gaussian => eta,
            Family::Binomial | Family::Quasibinomial => {
                let e = if eta < -THRESH {
                    EPS
                } else if eta > THRESH {
                    1.0 / EPS
                } else {
                    eta.exp()
                };
                e / (1.0 + e)
            }
            Family::Poisson => eta.exp().max(EPS),
        }
    }

    /// dμ/dη.
    pub fn mu_eta(self, eta: f64) -> f64 {
        match self {
            Family::Gaussian => 1.0,
            Family::Binomial | Family::Quasibinomial => {
                let a = eta.abs();
                if a > THRESH {
                    EPS
                } else {
                    eta.exp() / ((1.0 + eta.exp()) * (1.0 + eta.exp()))
                }
            }
            Family::Poisson => eta.exp().max(EPS),
        }
    }

    /// V(μ).
    pub fn variance(self, mu: f64) -> f64 {
        match self {
            Family::Gaussian => 1.0,
            Family::Binomial | Family::Quasibinomial => mu * (1.0 - mu),
            Family::Poisson => mu,
        }
    }

    /// A row's deviance residual with prior weight `w`.
    pub fn deviance(self, y: f64, mu: f64, w: f64) -> f64 {
        let ylogy = |y: f64, m: f64| if y > 0.0 { y * (y / m).ln() } else { 0.0 };
        match self {
            Family::Gaussian => w * (y - mu) * (y - mu),
            Family::Binomial | Family::Quasibinomial => {
                2.0 * w * (ylogy(y, mu) + ylogy(1.0 - y, 1.0 - mu))
            }
            Family::Poisson => 2.0 * w * (ylogy(y, mu) - (y - mu)),
        }
    }

    /// R's starting μ (`initialize`) for a row with prior weight `w`.
    pub fn start(self, y: f64, w: f64) -> f64 {
        match self {
            Family::Gaussian => y,
            Family::Binomial | Family::Quasibinomial => (w * y + 0.5) / (w + 1.0),
            Family::Poisson => y + 0.1,
        }
    }
}
