//! Resolving `[[indicators]]`: the statistic with its parameters, breakdowns, dates, joins.

use super::*;
use crate::spec::statistic::OneStatistic;

impl Resolver<'_> {
    /// An `[[indicators]]` table: one indicator, or one per probability of
    /// a quantile list (`quantile = [0.25, 0.5]` gives `<id>_p25`, `<id>_p50`).
    pub(super) fn indicator(
        &self,
        ind: RawIndicator,
        ds_ids: &[&str],
        datasets: &[DatasetSpec],
    ) -> Result<Vec<IndicatorSpec>> {
        let id = ind.id.get_ref().clone();
        if !ds_ids.contains(&ind.dataset.get_ref().as_str()) {
            return Err(self.err(
                &ind.dataset,
                format!(
                    "indicator `{id}`: unknown dataset `{}` — datasets are: {}",
                    ind.dataset.get_ref(),
                    choices(ds_ids)
                ),
            ));
        }
        let statistics = self.statistic(&ind, &id, ds_ids)?;
        let level = self.level(ind.level.as_ref(), &format!("indicator `{id}`"))?;
        let mut by = Vec::new();
        let mut by_locations = Vec::new();
        for b in ind.by.unwrap_or_default() {
            by_locations.push(self.loc(&b));
            let vars = b.get_ref().clone().into_vec();
            if vars.is_empty() || vars.iter().collect::<HashSet<_>>().len() != vars.len() {
                return Err(self.err(
                    &b,
                    format!("indicator `{id}`: a breakdown needs distinct, non-empty variables"),
                ));
            }
            by.push(vars.iter().map(|v| Variable::parse(v)).collect());
        }
        // `period` (with `date`): the date column's periods as a breakdown;
        // `from`, `to`: the rows whose date falls in the range.
        let needs_date = ind.period.is_some() || ind.from.is_some() || ind.to.is_some();
        match (&ind.date, needs_date) {
            (None, true) => {
                return Err(self.err(
                    &ind.statistic,
                    format!(
                        "indicator `{id}`: `period`, `from` and `to` need `date`, the date column"
                    ),
                ));
            }
            (Some(d), false) => {
                return Err(self.err(
                    d,
                    format!("indicator `{id}`: `date` goes with `period`, `from` or `to`"),
                ));
            }
            _ => {}
        }
        if let (Some(p), Some(d)) = (&ind.period, &ind.date) {
            let period = pick(self, p, "period", &Period::ALL)?;
            by_locations.push(self.loc(p));
            by.push(vec![Variable {
                column: d.get_ref().clone(),
                period: Some(period),
            }]);
        }
        let date = |bound: &Option<Spanned<String>>| {
            bound
                .as_ref()
                .map(|b| {
                    chrono::NaiveDate::parse_from_str(b.get_ref(), "%Y-%m-%d").map_err(|_| {
                        self.err(
                            b,
                            format!(
                                "indicator `{id}`: a date written YYYY-MM-DD, not `{}`",
                                b.get_ref()
                            ),
                        )
                    })
                })
                .transpose()
        };
        let (from, to) = (date(&ind.from)?, date(&ind.to)?);
        let dates = match &ind.date {
            Some(d) if from.is_some() || to.is_some() => Some(DateRange {
                column: d.get_ref().clone(),
                from,
                to,
                location: self.loc(d),
            }),
            _ => None,
        };
        let join = match ind.join {
            None => None,
            Some(j) => {
                let at = Spanned::new(j.span(), ());
                let j = j.into_inner();
                if !ds_ids.contains(&j.dataset.get_ref().as_str())
                    || j.dataset.get_ref() == ind.dataset.get_ref()
                {
                    return Err(self.err(
                        &j.dataset,
                        format!(
                            "indicator `{id}`: join: `{}` is not another dataset — datasets are: {}",
                            j.dataset.get_ref(),
                            choices(ds_ids)
                        ),
                    ));
                }
                let on = j.on.into_vec();
                if on.is_empty() {
                    return Err(self.err(
                        &at,
                        format!("indicator `{id}`: join needs `on`, the key column(s)"),
                    ));
                }
                Some(JoinSpec {
                    dataset: j.dataset.into_inner(),
                    on,
                })
            }
        };
        let small_area = match &ind.small_area {
            None => None,
            Some(sa) => Some(self.small_area(sa, &id, &statistics, &by, ds_ids)?),
        };
        // A growth's rows are along its time breakdown: that is its breakdown.
        if let [
            OneStatistic {
                statistic: Statistic::Growth { over, .. },
                ..
            },
        ] = statistics.as_slice()
            && by.is_empty()
        {
            by.push(vec![Variable::parse(over)]);
            by_locations.push(self.loc(&ind.statistic));
        }
        let itu = match &ind.itu {
            None => None,
            Some(code) => Some(self.itu(code, &id, &statistics, &ind.dataset, datasets)?),
        };
        let label = match (ind.label, itu) {
            (None, Some(entry)) => Text(
                crate::spec::Language::ALL
                    .iter()
                    .map(|l| (l.code().to_string(), entry.name_in(*l).to_string()))
                    .collect(),
            ),
            (given, _) => text_of(given),
        };
        let (expr_location, where_location) = (
            ind.expr.as_ref().map(|e| self.loc(e)),
            ind.where_.as_ref().map(|e| self.loc(e)),
        );
        let (dataset, expr, where_) = (
            ind.dataset.into_inner(),
            ind.expr.map(Spanned::into_inner),
            ind.where_.map(Spanned::into_inner),
        );
        // One indicator per statistic the table gives (a quantile list, a
        // funnel's stages), each with the table's other keys.
        Ok(statistics
            .into_iter()
            .map(|one| IndicatorSpec {
                id: one.id,
                statistic: one.statistic,
                label: match one.label {
                    None => label.clone(),
                    Some(suffix) => Text(
                        label
                            .0
                            .iter()
                            .map(|(lang, l)| (lang.clone(), format!("{l} — {suffix}")))
                            .collect(),
                    ),
                },
                join: join.clone(),
                small_area: small_area.clone(),
                itu: itu.map(|i| i.code.to_string()),
                disclosure: ind.disclosure.unwrap_or(true),
                dataset: dataset.clone(),
                expr_location: expr_location.clone(),
                where_location: where_location.clone(),
                expr: expr.clone(),
                where_: where_.clone(),
                dates: dates.clone(),
                by: by.clone(),
                level,
                by_locations: by_locations.clone(),
            })
            .collect())
    }

    /// An indicator's `small_area`: Fay–Herriot over a one-way breakdown of
    /// a mean or proportion, with covariates from a dataset of areas.
    fn small_area(
        &self,
        sa: &Spanned<RawSmallArea>,
        id: &str,
        statistics: &[OneStatistic],
        by: &[Vec<Variable>],
        ds_ids: &[&str],
    ) -> Result<SmallAreaSpec> {
        let raw = sa.get_ref();
        if raw.method.get_ref() != "fay_herriot" {
            return Err(self.err(
                &raw.method,
                format!("indicator `{id}`: unknown small-area method `{}` — expected one of fay_herriot", raw.method.get_ref()),
            ));
        }
        if !matches!(
            statistics,
            [OneStatistic {
                statistic: Statistic::Mean | Statistic::Proportion { .. },
                ..
            }]
        ) {
            return Err(self.err(
                sa,
                format!("indicator `{id}`: small-area estimates are for a mean or a proportion"),
            ));
        }
        let cov = raw.covariates.get_ref();
        if !ds_ids.contains(&cov.dataset.get_ref().as_str()) {
            return Err(self.err(
                &cov.dataset,
                format!(
                    "indicator `{id}`: small_area covariates: unknown dataset `{}` — datasets are: {}",
                    cov.dataset.get_ref(),
                    choices(ds_ids)
                ),
            ));
        }
        let one_way = by.iter().any(|b| b.len() == 1 && b[0].name() == cov.on);
        if !one_way {
            return Err(self.err(
                &raw.covariates,
                format!("indicator `{id}`: small_area is over the areas `{}`, which must be a one-way breakdown of the indicator: add `\"{}\"` to its `by`", cov.on, cov.on),
            ));
        }
        Ok(SmallAreaSpec {
            fit: match &raw.fit {
                None => crate::small_area::fay_herriot::Method::Reml,
                Some(f) => pick(
                    self,
                    f,
                    "small-area fit",
                    &crate::small_area::fay_herriot::Method::ALL,
                )?,
            },
            dataset: cov.dataset.get_ref().clone(),
            on: cov.on.clone(),
            columns: cov.columns.clone(),
            smooth_variance: raw.smooth_variance.unwrap_or(false),
        })
    }

    /// An indicator's `itu` code: in the catalogue, a proportion, of a
    /// dataset whose declared unit (if any) is the indicator's.
    fn itu(
        &self,
        code: &Spanned<String>,
        id: &str,
        statistics: &[OneStatistic],
        dataset: &Spanned<String>,
        datasets: &[DatasetSpec],
    ) -> Result<&'static crate::indicators::itu::ItuIndicator> {
        use crate::indicators::itu::{CATALOGUE, find};
        let entry = find(code.get_ref()).ok_or_else(|| {
            self.err(
                code,
                format!(
                    "indicator `{id}`: `{}` is not in Mizan's catalogue of ITU core household indicators — expected one of {}",
                    code.get_ref(),
                    choices(CATALOGUE.iter().map(|i| i.code))
                ),
            )
        })?;
        if !matches!(
            statistics,
            [OneStatistic {
                statistic: Statistic::Proportion { .. },
                ..
            }]
        ) {
            return Err(self.err(
                code,
                format!(
                    "indicator `{id}`: {} ({}) is a proportion; give `statistic = \"proportion\"`",
                    entry.code, entry.name[0]
                ),
            ));
        }
        if let Some(unit) = datasets
            .iter()
            .find(|d| &d.id == dataset.get_ref())
            .and_then(|d| d.unit)
            .filter(|u| *u != entry.unit)
        {
            return Err(self.err(
                code,
                format!(
                    "indicator `{id}`: {} counts {}s, but dataset `{}` is declared `unit = \"{}\"`",
                    entry.code,
                    entry.unit.name(),
                    dataset.get_ref(),
                    unit.name()
                ),
            ));
        }
        Ok(entry)
    }
}
