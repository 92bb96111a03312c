//! Resolving `[[comparisons]]`, `[[crosstabs]]` and `[report]`.

use super::*;

impl Resolver<'_> {
    pub(super) fn comparison(
        &self,
        c: RawComparison,
        location: Location,
        indicators: &[IndicatorSpec],
        ind_ids: &[&str],
    ) -> Result<ComparisonSpec> {
        let id = c.id.get_ref().clone();
        let find = |name: &Spanned<String>| {
            indicators
                .iter()
                .find(|i| &i.id == name.get_ref())
                .ok_or_else(|| {
                    self.err(
                        name,
                        format!(
                            "comparison `{id}`: unknown indicator `{}` — indicators are: {}",
                            name.get_ref(),
                            choices(ind_ids)
                        ),
                    )
                })
        };
        let ind = find(&c.indicator)?;
        if !ind.statistic.is_linear() {
            return Err(self.err(
                &c.indicator,
                format!(
                    "comparison `{id}`: differences of {}s are not supported",
                    ind.statistic.name()
                ),
            ));
        }
        let compared = match (c.by, c.a, c.b, c.versus) {
            (Some(by), Some(a), Some(b), None) => {
                let names = ind.breakdown_names();
                match &c.within {
                    None => {
                        let one_way: Vec<&str> = names
                            .iter()
                            .filter(|v| v.len() == 1)
                            .map(|v| v[0].as_str())
                            .collect();
                        if !one_way.contains(&by.get_ref().as_str()) {
                            return Err(self.err(
                                &by,
                                format!("comparison `{id}`: `{}` is not a one-way breakdown of indicator `{}` — expected one of: {}", by.get_ref(), ind.id, choices(&one_way)),
                            ));
                        }
                    }
                    Some(within) => {
                        let crossed = |v: &&Vec<String>| {
                            v.len() == 2
                                && v.contains(by.get_ref())
                                && v.contains(within.get_ref())
                                && by.get_ref() != within.get_ref()
                        };
                        if !names.iter().any(|v| crossed(&v)) {
                            let two_way: Vec<String> = names
                                .iter()
                                .filter(|v| v.len() == 2)
                                .map(|v| v.join(" × "))
                                .collect();
                            return Err(self.err(
                                within,
                                format!("comparison `{id}`: indicator `{}` has no breakdown crossing `{}` with `{}` (add `[\"{}\", \"{}\"]` to its `by`) — its two-way breakdowns are: {}", ind.id, by.get_ref(), within.get_ref(), by.get_ref(), within.get_ref(), choices(&two_way)),
                            ));
                        }
                    }
                }
                Compared::Domains {
                    by: by.into_inner(),
                    a: a.into_inner(),
                    b: b.into_inner(),
                    within: c.within.map(Spanned::into_inner),
                }
            }
            (None, None, None, Some(versus)) => {
                if let Some(within) = &c.within {
                    return Err(self.err(
                        within,
                        format!("comparison `{id}`: `within` compares two domains of one survey within another variable's values; it goes with `by`, `a` and `b`, not with `versus`"),
                    ));
                }
                let other = find(&versus)?;
                if other.id == ind.id {
                    return Err(self.err(
                        &versus,
                        format!("comparison `{id}`: `versus` names indicator `{}` itself; compare it with another indicator (an independent sample), or compare two of its domains with `by`, `a` and `b`", ind.id),
                    ));
                }
                Compared::Independent {
                    versus: other.id.clone(),
                }
            }
            _ => {
                return Err(self.err(
                    &c.id,
                    format!("comparison `{id}`: give `by`, `a` and `b` (two domains of one survey), or `versus` (another indicator from an independent sample)"),
                ));
            }
        };
        Ok(ComparisonSpec {
            id,
            indicator: ind.id.clone(),
            compared,
            label: text_of(c.label),
            location,
        })
    }

    pub(super) fn crosstab(
        &self,
        c: RawCrosstab,
        location: Location,
        datasets: &[DatasetSpec],
    ) -> Result<CrosstabSpec> {
        let id = c.id.get_ref().clone();
        let ds = self.survey_dataset(
            &c.dataset,
            &format!("crosstab `{id}`"),
            "a design-based cross-tabulation and its test need one — a registry's counts are exact, tabulate them with a `count` indicator by two variables",
            datasets,
        )?;
        let mut derived = Vec::new();
        let mut name_of = |v: &Spanned<RawTabVariable>| match v.get_ref() {
            RawTabVariable::Column(c) => c.clone(),
            RawTabVariable::Derived(d) => {
                derived.push((d.name.clone(), d.expr.clone()));
                d.name.clone()
            }
        };
        let (rows, columns) = (name_of(&c.rows), name_of(&c.columns));
        if rows == columns {
            return Err(self.err(
                &c.columns,
                format!("crosstab `{id}`: `rows` and `columns` are both `{rows}`"),
            ));
        }
        let percent = match &c.percent {
            None => Percent::Row,
            Some(p) => pick(
                self,
                p,
                "crosstab percent",
                &[
                    (Percent::Row, "row"),
                    (Percent::Column, "column"),
                    (Percent::Cell, "cell"),
                ],
            )?,
        };
        let test = match &c.test {
            None => Test::F,
            Some(t) if matches!(t.get_ref().as_str(), "lincom" | "saddlepoint") => {
                return Err(self.err(
                    t,
                    format!("crosstab `{id}`: test `{}` (svychisq's exact distribution of the weighted χ² sum) is not available yet — expected one of: {}", t.get_ref(), choices(Test::ALL.iter().map(|(_, n)| *n))),
                ));
            }
            Some(t) => pick(self, t, "crosstab test", &Test::ALL)?,
        };
        Ok(CrosstabSpec {
            id,
            dataset: ds.id.clone(),
            rows: Variable::parse(&rows),
            columns: Variable::parse(&columns),
            derived,
            where_: c.where_.map(Spanned::into_inner),
            percent,
            test,
            label: text_of(c.label),
            location,
        })
    }

    /// The survey dataset `name` for `what`, which `needs` a design.
    pub(super) fn survey_dataset<'d>(
        &self,
        name: &Spanned<String>,
        what: &str,
        needs: &str,
        datasets: &'d [DatasetSpec],
    ) -> Result<&'d DatasetSpec> {
        let ds = datasets
            .iter()
            .find(|d| &d.id == name.get_ref())
            .ok_or_else(|| {
                self.err(
                    name,
                    format!(
                        "{what}: unknown dataset `{}` — datasets are: {}",
                        name.get_ref(),
                        choices(datasets.iter().map(|d| d.id.as_str()))
                    ),
                )
            })?;
        if ds.design.is_none() {
            return Err(self.err(
                name,
                format!(
                    "{what}: dataset `{}` has no survey design (`[datasets.{}.design]`); {needs}",
                    ds.id, ds.id
                ),
            ));
        }
        Ok(ds)
    }

    pub(super) fn report(
        &self,
        raw: Option<RawReport>,
        charts: &[ChartSpec],
        indicators: &[IndicatorSpec],
    ) -> Result<ReportSpec> {
        let ind_ids: Vec<&str> = indicators.iter().map(|i| i.id.as_str()).collect();
        let ind_ids = ind_ids.as_slice();
        let Some(raw) = raw else {
            return Ok(ReportSpec {
                title: Text::default(),
                introduction: Text::default(),
                sections: Vec::new(),
            });
        };
        let chart_ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
        let mut sections = Vec::new();
        for s in raw.sections {
            for c in &s.charts {
                if !chart_ids.contains(&c.get_ref().as_str()) {
                    return Err(self.err(
                        c,
                        format!(
                            "report section: unknown chart `{}` — charts are: {}",
                            c.get_ref(),
                            choices(&chart_ids)
                        ),
                    ));
                }
            }
            for i in &s.indicators {
                if !ind_ids.contains(&i.get_ref().as_str()) {
                    return Err(self.err(
                        i,
                        format!(
                            "report section: unknown indicator `{}` — indicators are: {}",
                            i.get_ref(),
                            choices(ind_ids)
                        ),
                    ));
                }
            }
            let summary = match s.summary {
                None => None,
                Some(sum) => Some(self.summary(sum, indicators)?),
            };
            sections.push(SectionSpec {
                title: text_of(Some(s.title)),
                text: text_of(s.text),
                charts: s.charts.into_iter().map(Spanned::into_inner).collect(),
                indicators: s.indicators.into_iter().map(Spanned::into_inner).collect(),
                summary,
            });
        }
        Ok(ReportSpec {
            title: text_of(raw.title),
            introduction: text_of(raw.introduction),
            sections,
        })
    }

    /// A section's `summary`: known indicators, each broken down by `by`
    /// alone.
    fn summary(
        &self,
        sum: Spanned<RawSummary>,
        indicators: &[IndicatorSpec],
    ) -> Result<SummarySpec> {
        let raw = sum.get_ref();
        if raw.indicators.is_empty() {
            return Err(self.err(
                &sum,
                "report section: summary: `indicators` names no indicator".into(),
            ));
        }
        for id in &raw.indicators {
            let Some(ind) = indicators.iter().find(|i| &i.id == id) else {
                return Err(self.err(
                    &sum,
                    format!(
                        "report section: summary: unknown indicator `{id}` — indicators are: {}",
                        choices(indicators.iter().map(|i| i.id.as_str()))
                    ),
                ));
            };
            if !ind.has_breakdown(&raw.by) {
                return Err(self.err(
                    &sum,
                    format!(
                        "report section: summary by `{}`: indicator `{id}` has no breakdown by `{}` alone — add it to its `by`",
                        raw.by, raw.by
                    ),
                ));
            }
        }
        let raw = sum.into_inner();
        Ok(SummarySpec {
            by: raw.by,
            indicators: raw.indicators,
            title: text_of(raw.title),
        })
    }
}
