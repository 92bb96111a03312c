//! An indicator's statistic: the [`Statistic`] type, each variant carrying
//! the parameters it needs (so none can be missing later), and how the
//! spec's `statistic` and its keys resolve into it — the one place a
//! statistic's name, parameters and keys are written down. A key given to a
//! statistic it does not belong to is refused with the statistic it
//! belongs to. (Its estimator is in `indicators/statistics/`.)

use toml::Spanned;

use super::raw::{OneOrManyF64, RawIndicator};
use super::resolve::{Resolver, pick};
use crate::error::{Error, Location, Result, choices};

/// The statistic of an indicator, with the parameters it needs: a
/// statistic cannot exist without them.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub enum Statistic {
    /// Weighted mean of `expr`.
    Mean,
    /// Weighted share of rows where the boolean `expr` holds, with its interval method.
    Proportion {
        /// How the interval is built.
        ci: CiMethod,
    },
    /// Weighted total of `expr`.
    Total,
    /// Number of rows where `expr` holds (estimated population count for a survey).
    Count,
    /// Ratio of the totals of `numerator` and `denominator` (also each
    /// stage of a `funnel` over the one before).
    Ratio {
        /// The numerator's expression.
        numerator: Expr,
        /// The denominator's expression.
        denominator: Expr,
        /// The numerator is a part of the denominator (a funnel's stage of
        /// the one before): shown in percent.
        part: bool,
    },
    /// A quantile of `expr` (R's qrule "math", Woodruff interval).
    Quantile {
        /// The probability (0.5 for the median).
        p: f64,
    },
    /// The number of distinct values of `expr` (registries).
    CountDistinct,
    /// How concentrated `expr` is across the units of `of` (registries):
    /// Herfindahl–Hirschman index, top-k share or Gini.
    Concentration {
        /// The column naming the units.
        of: String,
        /// The measure.
        measure: Concentration,
    },
    /// The growth of another indicator along a time breakdown: period on
    /// period, and the compound annual rate overall.
    Growth {
        /// The indicator whose series grows.
        of: String,
        /// Its time breakdown variable.
        over: String,
    },
    /// The total of `expr` (or the count of rows) per `per` people of a
    /// population dataset, overall and by its key.
    PerCapita(PerCapita),
    /// The share of units still active `after` years after their founding
    /// (registries).
    Survival(SurvivalSpec),
}

/// An SQL expression of the spec with where it is written.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Expr {
    /// The expression.
    pub text: String,
    /// Its key in `study.toml`.
    pub location: Location,
}

/// `founded`, `closed`, `after`, `as_of` of a survival indicator.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct SurvivalSpec {
    /// The founding-date column.
    pub founded: String,
    /// The closing-date column (empty while active).
    pub closed: String,
    /// Years after founding.
    pub after: u32,
    /// The date the registry stands at (default: its latest date).
    pub as_of: Option<chrono::NaiveDate>,
}

/// `population = { dataset, on, column }` and `per` of a per-capita indicator.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct PerCapita {
    /// The population dataset.
    pub dataset: String,
    /// The breakdown variable that is also the population dataset's key.
    pub on: String,
    /// The population column.
    pub column: String,
    /// Per how many people (1,000 by default).
    pub per: f64,
}

/// A concentration measure.
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq)]
pub enum Concentration {
    /// Σ sᵢ² of the units' shares, from 1/n (even) to 1 (one unit holds all).
    Hhi,
    /// The share held by the `top` largest units.
    TopShare(usize),
    /// Gini coefficient of the units' totals (0: equal; → 1: one holds all).
    Gini,
}

impl Statistic {
    /// The spec name (the `statistic` column of the indicators table).
    pub fn name(&self) -> &'static str {
        match self {
            Statistic::Mean => "mean",
            Statistic::Proportion { .. } => "proportion",
            Statistic::Total => "total",
            Statistic::Count => "count",
            Statistic::Ratio { .. } => "ratio",
            Statistic::Quantile { .. } => "quantile",
            Statistic::CountDistinct => "count_distinct",
            Statistic::Concentration { .. } => "concentration",
            Statistic::Growth { .. } => "growth",
            Statistic::PerCapita(_) => "per_capita",
            Statistic::Survival(_) => "survival",
        }
    }

    /// A mean, share, total, count or ratio: estimated from sums alone, so
    /// differences between domains have a design-based SE.
    pub fn is_linear(&self) -> bool {
        matches!(
            self,
            Statistic::Mean
                | Statistic::Proportion { .. }
                | Statistic::Total
                | Statistic::Count
                | Statistic::Ratio { .. }
        )
    }

    /// A share or a rate, printed as a percentage: a proportion, a funnel's
    /// conversion, a growth rate, a survival share, the share of the
    /// largest units.
    pub fn in_percent(&self) -> bool {
        matches!(
            self,
            Statistic::Proportion { .. }
                | Statistic::Ratio { part: true, .. }
                | Statistic::Growth { .. }
                | Statistic::Survival(_)
                | Statistic::Concentration {
                    measure: Concentration::TopShare(_),
                    ..
                }
        )
    }
}

/// How a proportion's interval is built (R's `svyciprop` methods).
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq)]
pub enum CiMethod {
    /// On the logit scale with the SE of logit(p) (default; `svyciprop`'s "logit").
    Logit,
    /// p ± t·SE (`svyciprop`'s "mean").
    Wald,
    /// Korn–Graubard, from the beta distribution with the effective sample size.
    Beta,
    /// On the logit scale with the delta-method SE(p) / (p(1 − p)).
    XLogit,
    /// On the arcsine-square-root scale.
    Asin,
}

impl CiMethod {
    /// Every method with its spec name.
    pub const ALL: [(CiMethod, &'static str); 5] = [
        (CiMethod::Logit, "logit"),
        (CiMethod::Wald, "wald"),
        (CiMethod::Beta, "beta"),
        (CiMethod::XLogit, "xlogit"),
        (CiMethod::Asin, "asin"),
    ];
}

/// One indicator of an `[[indicators]]` table: a quantile list and a funnel
/// give several.
pub(in crate::spec) struct OneStatistic {
    /// The indicator id.
    pub id: String,
    /// The statistic with its parameters.
    pub statistic: Statistic,
    /// Added to the label (a funnel's stage).
    pub label: Option<String>,
}

/// A statistic's name in the spec, before its keys are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    Mean,
    Proportion,
    Total,
    Count,
    Ratio,
    Quantile,
    Median,
    CountDistinct,
    Concentration,
    Growth,
    PerCapita,
    Survival,
    Funnel,
}

/// The spec names: each statistic's own, and the usual names of some
/// (`median` is the quantile at 0.5, `share` a proportion, `funnel` ratios
/// of stage totals, `sum` a total).
const NAMES: [(Name, &str); 15] = [
    (Name::Mean, "mean"),
    (Name::Proportion, "proportion"),
    (Name::Total, "total"),
    (Name::Count, "count"),
    (Name::Ratio, "ratio"),
    (Name::Quantile, "quantile"),
    (Name::CountDistinct, "count_distinct"),
    (Name::Concentration, "concentration"),
    (Name::Growth, "growth"),
    (Name::PerCapita, "per_capita"),
    (Name::Survival, "survival"),
    (Name::Median, "median"),
    (Name::Proportion, "share"),
    (Name::Funnel, "funnel"),
    (Name::Total, "sum"),
];

impl Name {
    /// The statistic's own name, in messages.
    fn shown(self) -> &'static str {
        match self {
            Name::Median => "quantile",
            Name::Funnel => "ratio",
            other => NAMES
                .iter()
                .find(|(n, _)| *n == other)
                .map_or("", |(_, s)| s),
        }
    }
}

impl Resolver<'_> {
    /// The statistic of `ind` (indicator `id`) with its parameters.
    pub(in crate::spec) fn statistic(
        &self,
        ind: &RawIndicator,
        id: &str,
        ds_ids: &[&str],
    ) -> Result<Vec<OneStatistic>> {
        let name = pick(self, &ind.statistic, "statistic", &NAMES)?;
        self.foreign_keys(ind, id, name)?;
        let at = &ind.statistic;
        let needs = |what: &str| Err(self.err(at, format!("indicator `{id}`: {what}")));
        if ind.expr.is_none()
            && matches!(
                name,
                Name::Mean
                    | Name::Proportion
                    | Name::Total
                    | Name::Quantile
                    | Name::Median
                    | Name::CountDistinct
                    | Name::Concentration
            )
        {
            return needs(&format!("statistic `{}` needs `expr`", name.shown()));
        }
        let one = |statistic| {
            Ok(vec![OneStatistic {
                id: id.to_string(),
                statistic,
                label: None,
            }])
        };
        match name {
            Name::Mean => one(Statistic::Mean),
            Name::Total => one(Statistic::Total),
            Name::Count => one(Statistic::Count),
            Name::CountDistinct => one(Statistic::CountDistinct),
            Name::Proportion => one(Statistic::Proportion {
                ci: match &ind.ci {
                    None => CiMethod::Logit,
                    Some(c) => pick(self, c, "interval method `ci`", &CiMethod::ALL)?,
                },
            }),
            Name::Ratio => match (&ind.numerator, &ind.denominator) {
                (Some(n), Some(d)) => one(Statistic::Ratio {
                    numerator: self.expr(n),
                    denominator: self.expr(d),
                    part: false,
                }),
                _ => needs("statistic `ratio` needs `numerator` and `denominator`"),
            },
            Name::Funnel => self.funnel(ind, id),
            Name::Quantile | Name::Median => {
                let list = match &ind.quantile {
                    None if name == Name::Median => vec![(0.5, false)],
                    None => {
                        return needs(
                            "statistic `quantile` needs `quantile`, e.g. quantile = 0.5 for the median",
                        );
                    }
                    Some(q) => {
                        let list = match q.get_ref() {
                            OneOrManyF64::One(p) => vec![(*p, false)],
                            OneOrManyF64::Many(ps) => ps.iter().map(|p| (*p, true)).collect(),
                        };
                        if list.is_empty() || list.iter().any(|(p, _)| !(0.0 < *p && *p < 1.0)) {
                            return Err(self.err(q, format!("indicator `{id}`: quantile must be between 0 and 1 (0.5 for the median), or a list of such, e.g. [0.25, 0.5, 0.75]")));
                        }
                        list
                    }
                };
                // A list gives one indicator per probability: `<id>_p25`.
                Ok(list
                    .into_iter()
                    .map(|(p, suffixed)| OneStatistic {
                        id: if suffixed {
                            format!("{id}_p{}", (p * 1e8).round() / 1e6)
                        } else {
                            id.to_string()
                        },
                        statistic: Statistic::Quantile { p },
                        label: None,
                    })
                    .collect())
            }
            Name::Growth => match (&ind.of, &ind.over) {
                (Some(of), Some(over)) => one(Statistic::Growth {
                    of: of.get_ref().clone(),
                    over: over.get_ref().clone(),
                }),
                _ => needs(
                    "statistic `growth` needs `of` (the indicator whose series grows) and `over` (its time breakdown, e.g. \"year\")",
                ),
            },
            Name::Concentration => {
                let Some(of) = &ind.of else {
                    return needs(
                        "statistic `concentration` needs `of`, the column naming the units whose shares are measured",
                    );
                };
                let top = ind.top.as_ref().map_or(3, |t| *t.get_ref());
                let measure = match &ind.measure {
                    None => Concentration::Hhi,
                    Some(m) => pick(
                        self,
                        m,
                        "concentration measure",
                        &[
                            (Concentration::Hhi, "hhi"),
                            (Concentration::TopShare(top), "top_share"),
                            (Concentration::Gini, "gini"),
                        ],
                    )?,
                };
                one(Statistic::Concentration {
                    of: of.get_ref().clone(),
                    measure,
                })
            }
            Name::PerCapita => {
                let Some(p) = &ind.population else {
                    return needs(
                        "statistic `per_capita` needs `population = { dataset = \"…\", on = \"region\", column = \"people\" }`",
                    );
                };
                let p = p.get_ref();
                if !ds_ids.contains(&p.dataset.get_ref().as_str()) {
                    return Err(self.err(
                        &p.dataset,
                        format!(
                            "indicator `{id}`: population: unknown dataset `{}` — datasets are: {}",
                            p.dataset.get_ref(),
                            choices(ds_ids)
                        ),
                    ));
                }
                let per = match &ind.per {
                    None => 1000.0,
                    Some(x) if x.get_ref().is_finite() && *x.get_ref() > 0.0 => *x.get_ref(),
                    Some(x) => {
                        return Err(self.err(
                            x,
                            format!("indicator `{id}`: `per` must be a positive number, e.g. 1000"),
                        ));
                    }
                };
                one(Statistic::PerCapita(PerCapita {
                    dataset: p.dataset.get_ref().clone(),
                    on: p.on.clone(),
                    column: p.column.clone(),
                    per,
                }))
            }
            Name::Survival => {
                let (Some(founded), Some(closed), Some(after)) =
                    (&ind.founded, &ind.closed, ind.after)
                else {
                    return needs(
                        "statistic `survival` needs `founded` and `closed` (date columns) and `after` (years)",
                    );
                };
                let as_of = match &ind.as_of {
                    None => None,
                    Some(d) => Some(
                        chrono::NaiveDate::parse_from_str(d.get_ref(), "%Y-%m-%d").map_err(
                            |_| {
                                self.err(
                                    d,
                                    format!(
                                        "indicator `{id}`: `as_of` must be a date written YYYY-MM-DD"
                                    ),
                                )
                            },
                        )?,
                    ),
                };
                one(Statistic::Survival(SurvivalSpec {
                    founded: founded.clone(),
                    closed: closed.clone(),
                    after,
                    as_of,
                }))
            }
        }
    }

    /// A funnel: the last stage's total over the first's, and each stage's
    /// over the one before (`<id>_<stage>`).
    fn funnel(&self, ind: &RawIndicator, id: &str) -> Result<Vec<OneStatistic>> {
        let Some(stages) = ind.stages.as_ref().filter(|s| s.get_ref().len() >= 2) else {
            return Err(self.err(&ind.statistic, format!("indicator `{id}`: a funnel needs `stages`, two or more columns of counts in order, e.g. [\"applications\", \"shortlisted\", \"selected\"]")));
        };
        let stages = stages.get_ref();
        let at = self.loc(&ind.statistic);
        let column = |name: &str| Expr {
            text: format!("\"{name}\""),
            location: at.clone(),
        };
        let ratio = |num: &str, den: &str| Statistic::Ratio {
            numerator: column(num),
            denominator: column(den),
            part: true,
        };
        let mut out = vec![OneStatistic {
            id: id.to_string(),
            statistic: ratio(&stages[stages.len() - 1], &stages[0]),
            label: None,
        }];
        for pair in stages.windows(2) {
            out.push(OneStatistic {
                id: format!("{id}_{}", pair[1]),
                statistic: ratio(&pair[1], &pair[0]),
                label: Some(pair[1].clone()),
            });
        }
        Ok(out)
    }

    /// An expression key with where it is.
    fn expr(&self, e: &Spanned<String>) -> Expr {
        Expr {
            text: e.get_ref().clone(),
            location: self.loc(e),
        }
    }

    /// Refuses the keys of another statistic than `name`, naming the one
    /// they belong to.
    fn foreign_keys(&self, ind: &RawIndicator, id: &str, name: Name) -> Result<()> {
        let belongs = |at: Location, keys: &str, owners: &str| {
            Err(Error::spec_at(
                at,
                format!(
                    "indicator `{id}`: {keys} belong{} to statistic{} {owners}",
                    if keys.contains(" and ") { "" } else { "s" },
                    if owners.contains(" and ") { "s" } else { "" }
                ),
            ))
        };
        if let (Some(st), false) = (&ind.stages, name == Name::Funnel) {
            return belongs(self.loc(st), "`stages`", "`funnel`");
        }
        if name != Name::Ratio {
            if let Some(k) = ind.numerator.as_ref().or(ind.denominator.as_ref()) {
                return belongs(self.loc(k), "`numerator` and `denominator`", "`ratio`");
            }
        } else if let Some(e) = &ind.expr {
            return Err(self.err(
                e,
                format!(
                    "indicator `{id}`: a ratio takes `numerator` and `denominator`, not `expr`"
                ),
            ));
        }
        if name == Name::Funnel
            && let Some(e) = &ind.expr
        {
            return Err(self.err(
                e,
                format!(
                    "indicator `{id}`: a ratio takes `numerator` and `denominator`, not `expr`"
                ),
            ));
        }
        if let (Some(c), false) = (&ind.ci, name == Name::Proportion) {
            return Err(self.err(
                c,
                format!("indicator `{id}`: `ci` chooses a proportion's interval; {} intervals are Wald (normal)", name.shown()),
            ));
        }
        if let (Some(q), false) = (&ind.quantile, matches!(name, Name::Quantile | Name::Median)) {
            return belongs(self.loc(q), "`quantile`", "`quantile`");
        }
        if let (Some(over), false) = (&ind.over, name == Name::Growth) {
            return belongs(self.loc(over), "`over`", "`growth`");
        }
        if let (Some(of), false) = (&ind.of, matches!(name, Name::Growth | Name::Concentration)) {
            return belongs(self.loc(of), "`of`", "`concentration` and `growth`");
        }
        if let (Some(p), false) = (&ind.population, name == Name::PerCapita) {
            return belongs(self.loc(p), "`population`", "`per_capita`");
        }
        if (ind.founded.is_some() || ind.closed.is_some()) && name != Name::Survival {
            return belongs(
                self.loc(&ind.statistic),
                "`founded` and `closed`",
                "`survival`",
            );
        }
        Ok(())
    }
}
