//! Resolving an indicator's statistic with the keys it takes: each
//! statistic gets its parameters here, once, and a key given to a statistic
//! it does not belong to is refused with the statistic it belongs to.

use super::*;

/// One indicator of an `[[indicators]]` table: a quantile list and a funnel
/// give several.
pub(super) struct OneStatistic {
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
    pub(super) fn statistic(
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
