//! One trait for every statistic. [`estimator`] is the only place that
//! looks at which statistic an indicator has: it hands back the statistic's
//! estimator, and [`super::compute`] asks every estimator the same
//! questions — what the rows must give it, and its estimates from the one
//! pass over the rows. A statistic that follows another indicator's rows
//! (`growth`) is [`Derived`] instead.
//!
//! Adding a statistic: its variant, name and keys in `spec/statistic.rs`
//! (and `spec/raw.rs` for a new key), a file here implementing
//! [`Estimator`], and its `mod` line and arm below (see
//! `docs/architecture.md`).

mod concentration;
mod distinct;
mod growth;
mod per_capita;
mod quantiles;
mod survival;

use std::collections::BTreeMap;

use polars::prelude::DataFrame;

use super::IndicatorRow;
use crate::error::Result;
use crate::spec::model::{IndicatorSpec, Reliability, Statistic};
use crate::survey::accumulate::{Breakdown, DesignSums, Target, Values};
use crate::survey::design::PreparedDesign;
use crate::survey::estimate::{self, Estimate, Form, Interval};

/// What the estimation pass of one dataset gives every estimator.
pub struct Pass<'a> {
    /// The design the rows were drawn with (a census for a registry).
    pub design: &'a PreparedDesign,
    /// The rows (joined when the indicator has a join).
    pub df: &'a DataFrame,
    /// Every breakdown of the pass, indexed by [`Target::breakdowns`].
    pub breakdowns: &'a [Breakdown],
    /// The sums of the pass, per target.
    pub sums: &'a DesignSums,
    /// The reliability rules that flag each estimate.
    pub rules: &'a Reliability,
}

/// What an indicator's `expr` must evaluate to for its statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// A number (missing: NaN).
    Number,
    /// A condition; unknown is a missing answer.
    Condition,
    /// A condition; unknown counts as false (a count of rows).
    CountedCondition,
    /// Any values, told apart by their text.
    Text,
}

/// A statistic estimated from the pass over the rows.
pub trait Estimator {
    /// What its `expr` must give.
    fn reads(&self) -> Reads {
        Reads::Number
    }

    /// How the pass's sums estimate it, and its interval (comparisons of
    /// domains use the same form).
    fn form(&self) -> (Form, Interval) {
        (Form::Total, Interval::Wald)
    }

    /// Defined on complete registries only: survey designs are refused.
    fn registries_only(&self) -> bool {
        false
    }

    /// Estimated from the pass's sums alone, never the rows: such a
    /// statistic can be estimated from a file read batch by batch
    /// ([`crate::indicators::streamed`]).
    fn sums_only(&self) -> bool {
        false
    }

    /// The estimates of target `t` of indicator `ind` for each of its
    /// breakdowns and domains; by default, the linear estimator of
    /// [`Self::form`] over the pass's sums.
    fn estimate(
        &self,
        ind: &IndicatorSpec,
        pass: &Pass,
        target: &Target,
        t: usize,
    ) -> Result<Vec<Vec<Estimate>>> {
        let (form, interval) = self.form();
        Ok(target
            .breakdowns
            .iter()
            .enumerate()
            .map(|(k, &b)| {
                (0..pass.breakdowns[b].n_domains())
                    .map(|d| {
                        estimate::estimate(
                            pass.design,
                            pass.sums.domain(t, k, d),
                            form,
                            interval,
                            ind.level,
                            pass.rules,
                        )
                    })
                    .collect()
            })
            .collect())
    }

    /// Changes the finished rows (a rate per population); returns a note
    /// for the methods.
    fn finish(
        &self,
        _ind: &IndicatorSpec,
        _rows: &mut [IndicatorRow],
        _data: &BTreeMap<String, DataFrame>,
    ) -> Result<Option<String>> {
        Ok(None)
    }
}

/// A statistic computed from another indicator's finished rows.
pub trait Derived {
    /// The indicator it follows.
    fn of(&self) -> &str;

    /// Its rows, from the rows of [`Self::of`].
    fn rows(&self, ind: &IndicatorSpec, source: &[IndicatorRow]) -> Vec<IndicatorRow>;
}

/// How a statistic is computed.
pub enum Method<'a> {
    /// In the estimation pass of its dataset.
    Pass(Box<dyn Estimator + 'a>),
    /// From another indicator's rows, after every pass.
    Derived(Box<dyn Derived + 'a>),
}

/// A linear statistic: a mean, share, total, count or ratio of totals,
/// estimated from the pass's sums alone.
struct Linear {
    form: Form,
    interval: Interval,
    reads: Reads,
}

impl Estimator for Linear {
    fn reads(&self) -> Reads {
        self.reads
    }

    fn form(&self) -> (Form, Interval) {
        (self.form, self.interval)
    }

    fn sums_only(&self) -> bool {
        true
    }
}

/// The estimator of `statistic`.
pub fn estimator(statistic: &Statistic) -> Method<'_> {
    let linear = |form, interval, reads| {
        Method::Pass(Box::new(Linear {
            form,
            interval,
            reads,
        }))
    };
    match statistic {
        Statistic::Mean => linear(Form::Mean, Interval::Wald, Reads::Number),
        Statistic::Proportion { ci } => {
            linear(Form::Mean, Interval::Proportion(*ci), Reads::Condition)
        }
        Statistic::Total => linear(Form::Total, Interval::Wald, Reads::Number),
        Statistic::Count => linear(Form::Total, Interval::Wald, Reads::CountedCondition),
        Statistic::Ratio { .. } => linear(Form::Ratio, Interval::Wald, Reads::Number),
        Statistic::Quantile { p } => Method::Pass(Box::new(quantiles::Quantile(*p))),
        Statistic::CountDistinct => Method::Pass(Box::new(distinct::CountDistinct)),
        Statistic::Concentration { of, measure } => {
            Method::Pass(Box::new(concentration::Measured {
                of,
                measure: *measure,
            }))
        }
        Statistic::PerCapita(spec) => Method::Pass(Box::new(per_capita::PerPopulation(spec))),
        Statistic::Survival(spec) => Method::Pass(Box::new(survival::Survival(spec))),
        Statistic::Growth { of, over } => Method::Derived(Box::new(growth::Growth { of, over })),
    }
}

/// A target's values as numbers (the evaluation gives numbers for these statistics).
fn numbers<'a>(target: &Target<'a>, what: &str) -> Result<&'a [f64]> {
    match target.y {
        Values::Numbers(y) => Ok(y),
        Values::Flags(_) => Err(crate::Error::internal(what, "values are not numbers")),
    }
}

/// The shared shape of the registry statistics computed from the rows
/// themselves: for each of the target's breakdowns, every row in a domain,
/// with a value and in the subpopulation, is folded into its domain's
/// `state`; `finish` turns a domain's state into the estimate (`None` for
/// an empty one), with n and Σw from the estimation pass's sums.
fn fold_domains<S: Clone>(
    pass: &Pass,
    target: &Target,
    y: &[f64],
    t: usize,
    empty: S,
    add: impl Fn(&mut S, usize, f64),
    finish: impl Fn(&S, u64) -> Option<f64>,
) -> Vec<Vec<Estimate>> {
    target
        .breakdowns
        .iter()
        .enumerate()
        .map(|(k, &b)| {
            let breakdowns = pass.breakdowns;
            let mut state = vec![empty.clone(); breakdowns[b].n_domains()];
            for (row, &v) in y.iter().enumerate() {
                let d = breakdowns[b].code(row);
                if d != Breakdown::NONE && !v.is_nan() && target.mask.is_none_or(|m| m[row]) {
                    add(&mut state[d as usize], row, v);
                }
            }
            state
                .iter()
                .enumerate()
                .map(|(d, s)| {
                    let cells = pass.sums.main.domain(t, k, d);
                    let n: u64 = cells.iter().map(|c| c.n).sum();
                    Estimate {
                        estimate: finish(s, n),
                        n,
                        weighted_n: cells.iter().map(|c| c.w).sum(),
                        ..Default::default()
                    }
                })
                .collect()
        })
        .collect()
}
