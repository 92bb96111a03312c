//! Resolving `[[charts]]`.

use super::*;

impl Resolver<'_> {
    pub(super) fn chart(
        &self,
        ch: RawChart,
        indicators: &[IndicatorSpec],
        composites: &[CompositeSpec],
        ind_ids: &[&str],
        drawn: (&[CrosstabSpec], &[ModelSpec]),
    ) -> Result<ChartSpec> {
        let id = ch.id.get_ref().clone();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(self.err(
                &ch.id,
                format!(
                    "chart id `{id}` must be ASCII letters, digits, `-` or `_` (it names files)"
                ),
            ));
        }
        let kind = pick(self, &ch.kind, "chart kind", &ChartKind::ALL)?;
        let (crosstabs, models) = drawn;
        let model_ids = || choices(models.iter().map(|x| x.id.as_str()));
        let crosstab_ids = || choices(crosstabs.iter().map(|x| x.id.as_str()));
        if let (Some(st), true) = (&ch.statistic, ch.model.is_some() || ch.crosstab.is_some()) {
            return Err(self.err(st, format!("chart `{id}`: `statistic` belongs to an indicator's chart, not a model's or a crosstab's")));
        }
        match (kind, &ch.model, &ch.crosstab, &ch.indicator) {
            (ChartKind::Coef, Some(m), None, None) => {
                let model = models
                    .iter()
                    .find(|x| &x.id == m.get_ref())
                    .ok_or_else(|| {
                        self.err(
                            m,
                            format!(
                                "chart `{id}`: unknown model `{}` — models are: {}",
                                m.get_ref(),
                                model_ids()
                            ),
                        )
                    })?;
                let (source, title) = (model.id.clone(), model.label.clone());
                return self.drawn_chart(
                    ch,
                    id,
                    (kind, Draws::Model),
                    source,
                    ("term".into(), None),
                    title,
                    Order::Code,
                );
            }
            (ChartKind::StackedBar, None, Some(c), None) => {
                let tab = crosstabs
                    .iter()
                    .find(|x| &x.id == c.get_ref())
                    .ok_or_else(|| {
                        self.err(
                            c,
                            format!(
                                "chart `{id}`: unknown crosstab `{}` — crosstabs are: {}",
                                c.get_ref(),
                                crosstab_ids()
                            ),
                        )
                    })?;
                let axes = (tab.rows.name(), Some(tab.columns.name()));
                let (source, title) = (tab.id.clone(), tab.label.clone());
                let order = self.order(&id, kind, ch.sort.as_ref())?;
                return self.drawn_chart(
                    ch,
                    id,
                    (kind, Draws::Crosstab),
                    source,
                    axes,
                    title,
                    order,
                );
            }
            (ChartKind::Coef, ..) => {
                return Err(self.err(&ch.kind, format!("chart `{id}`: a coef chart draws a model's coefficients: give `model` (and no `indicator` or `crosstab`) — models are: {}", model_ids())));
            }
            (ChartKind::StackedBar, ..) => {
                return Err(self.err(&ch.kind, format!("chart `{id}`: a stacked_bar chart draws a crosstab's percentages: give `crosstab` (and no `indicator` or `model`) — crosstabs are: {}", crosstab_ids())));
            }
            (_, Some(m), ..) => {
                return Err(self.err(m, format!("chart `{id}`: `model` belongs to coef charts")));
            }
            (_, _, Some(c), _) => {
                return Err(self.err(
                    c,
                    format!("chart `{id}`: `crosstab` belongs to stacked_bar charts"),
                ));
            }
            (_, _, _, _) if ch.statistic.is_some() && ch.indicator.is_none() => {
                return Err(self.err(
                    &ch.id,
                    format!("chart `{id}`: `statistic` belongs to an indicator's chart"),
                ));
            }
            (_, None, None, None) => {
                return Err(self.err(&ch.id, format!("chart `{id}`: give `indicator`, the indicator (or composite) it draws — indicators are: {}", choices(ind_ids))));
            }
            _ => {}
        }
        let indicator = ch.indicator.clone().expect("checked above");
        let names = indicator.get_ref().clone().into_vec();
        // A composite's index, drawn as a ranking with its uncertainty intervals.
        if let [name] = names.as_slice()
            && let Some(c) = composites.iter().find(|c| &c.id == name)
        {
            if kind != ChartKind::Dot {
                return Err(self.err(&ch.kind, format!("chart `{id}`: a composite is drawn as a `dot` chart (a ranking with intervals)")));
            }
            let (source, title) = (c.id.clone(), c.label.clone());
            return self.drawn_chart(
                ch,
                id,
                (kind, Draws::Composite),
                source,
                (c.unit.clone(), None),
                title,
                Order::Value,
            );
        }
        let find = |name: &String| {
            indicators.iter().find(|i| &i.id == name).ok_or_else(|| {
                self.err(
                    &indicator,
                    format!(
                        "chart `{id}`: unknown indicator `{name}` — indicators are: {}",
                        choices(ind_ids)
                    ),
                )
            })
        };
        let all: Vec<&IndicatorSpec> = names.iter().map(find).collect::<Result<_>>()?;
        let Some(&ind) = all.first() else {
            return Err(self.err(
                &indicator,
                format!("chart `{id}`: `indicator` names no indicator"),
            ));
        };
        if all.len() > 1 && !matches!(kind, ChartKind::Heatmap | ChartKind::Funnel) {
            return Err(self.err(
                &indicator,
                format!(
                    "chart `{id}`: only a heatmap or a funnel draws several indicators; a {} chart draws one",
                    kind.name()
                ),
            ));
        }
        if kind == ChartKind::Funnel && all.len() < 2 {
            return Err(self.err(
                &indicator,
                format!(
                    "chart `{id}`: a funnel draws the stages of a process: two or more indicators in order, e.g. [\"call_applications\", \"call_shortlisted\", \"call_selected\"]"
                ),
            ));
        }
        let one_way = |i: &IndicatorSpec| -> Vec<String> {
            i.breakdown_names()
                .into_iter()
                .filter(|b| b.len() == 1)
                .map(|b| b[0].clone())
                .collect()
        };
        // The variable along the chart's main axis, and the second one of a crossed breakdown.
        let main = match kind {
            ChartKind::Line => ch.x.as_ref().or(ch.by.as_ref()),
            _ => ch.by.as_ref(),
        }
        .ok_or_else(|| {
            let what = if kind == ChartKind::Line {
                "`x`, the variable along the horizontal axis"
            } else {
                "`by`, one of the indicator's breakdowns"
            };
            self.err(
                &ch.kind,
                format!(
                    "chart `{id}`: a {} chart needs {what}: {}",
                    kind.name(),
                    choices(one_way(ind))
                ),
            )
        })?;
        let small_area = match &ch.statistic {
            None => None,
            Some(st) => {
                let view = pick(
                    self,
                    st,
                    "chart statistic",
                    &[(SmallAreaView::Eblup, "eblup"), (SmallAreaView::Cv, "cv")],
                )?;
                let on = ind.small_area.as_ref().map(|sa| sa.on.as_str());
                if on != Some(main.get_ref().as_str()) || all.len() > 1 {
                    return Err(self.err(st, format!("chart `{id}`: `statistic` draws an indicator's small-area estimates by their areas: indicator `{}` needs `small_area` over `{}`", ind.id, main.get_ref())));
                }
                let fits = match view {
                    SmallAreaView::Eblup => {
                        matches!(kind, ChartKind::Bar | ChartKind::Dot | ChartKind::Map)
                    }
                    SmallAreaView::Cv => kind == ChartKind::GroupedBar,
                };
                if !fits {
                    return Err(self.err(st, format!("chart `{id}`: `statistic = \"eblup\"` is drawn as a bar, dot or map chart, `\"cv\"` as a grouped_bar (direct and EBLUP side by side)")));
                }
                Some(view)
            }
        };
        let crossed = small_area.is_none()
            && matches!(kind, ChartKind::GroupedBar | ChartKind::SmallMultiples);
        let series = match (&ch.series, kind) {
            (Some(s), ChartKind::Heatmap) if all.len() > 1 => return Err(self.err(s, format!("chart `{id}`: a heatmap draws several indicators (its rows) or one indicator over a crossed breakdown (`series`, its columns), not both"))),
            (Some(s), ChartKind::Line | ChartKind::GroupedBar | ChartKind::SmallMultiples | ChartKind::Heatmap) => Some(s.get_ref().clone()),
            (Some(s), _) => return Err(self.err(s, format!("chart `{id}`: `series` belongs to line, grouped_bar, small_multiples and heatmap charts"))),
            (None, _) if crossed => return Err(self.err(&ch.kind, format!("chart `{id}`: a {} chart needs `series`, the second variable of a crossed breakdown with `{}`", kind.name(), main.get_ref()))),
            (None, _) => None,
        };
        let wanted: Vec<String> = match &series {
            None => vec![main.get_ref().clone()],
            Some(s) => vec![s.clone(), main.get_ref().clone()],
        };
        for i in all.iter().filter(|_| small_area.is_none()) {
            let names = i.breakdown_names();
            let found = names
                .iter()
                .any(|b| b.len() == wanted.len() && wanted.iter().all(|w| b.contains(w)));
            if !found {
                let have: Vec<String> = names.iter().map(|b| b.join(" × ")).collect();
                return Err(self.err(
                    main,
                    format!(
                        "chart `{id}`: indicator `{}` has no breakdown by {} — its breakdowns are: {}",
                        i.id,
                        wanted.join(" × "),
                        choices(&have)
                    ),
                ));
            }
        }
        let geometry = match (ch.geometry, kind) {
            (Some(g), ChartKind::Map) => Some(MapGeometry {
                path: normalize(&self.dir.join(g.get_ref())),
                property: ch.property.unwrap_or_else(|| "iso".to_string()),
                by_label: match &ch.join {
                    None => false,
                    Some(j) => pick(self, j, "map join", &[(false, "value"), (true, "label")])?,
                },
            }),
            (Some(g), _) => {
                return Err(self.err(
                    &g,
                    format!("chart `{id}`: `geometry` belongs to map charts"),
                ));
            }
            (None, _) => None,
        };
        let dpi = self.dpi(&id, ch.dpi.as_ref())?;
        let order = self.order(&id, kind, ch.sort.as_ref())?;
        let classes = match (&ch.classes, kind) {
            (None, _) => Classes::Equal,
            (Some(c), ChartKind::Map | ChartKind::Heatmap) => {
                pick(self, c, "classes", &Classes::ALL)?
            }
            (Some(c), _) => {
                return Err(self.err(
                    c,
                    format!("chart `{id}`: `classes` belongs to map and heatmap charts"),
                ));
            }
        };
        let reference = match (&ch.reference, kind) {
            (None, _) => false,
            (Some(r), ChartKind::Bar | ChartKind::Dot | ChartKind::GroupedBar)
                if r.get_ref() == "overall" =>
            {
                true
            }
            (Some(r), ChartKind::Bar | ChartKind::Dot | ChartKind::GroupedBar) => {
                return Err(self.err(
                    r,
                    format!(
                        "chart `{id}`: unknown reference `{}` — expected one of overall",
                        r.get_ref()
                    ),
                ));
            }
            (Some(r), _) => {
                return Err(self.err(
                    r,
                    format!("chart `{id}`: `reference` belongs to bar, dot and grouped_bar charts"),
                ));
            }
        };
        let (units, decimals) = self.number_format(&id, ch.units.as_ref(), ch.decimals.as_ref())?;
        Ok(ChartSpec {
            units,
            decimals,
            max_categories: self.max_categories(&id, ch.max_categories.as_ref())?,
            id,
            indicator: ind.id.clone(),
            indicators: all.iter().map(|i| i.id.clone()).collect(),
            kind,
            by: main.get_ref().clone(),
            series,
            geometry,
            dpi,
            order,
            reference,
            classes,
            title: ch
                .title
                .map_or_else(|| ind.label.clone(), |t| text_of(Some(t))),
            subtitle: text_of(ch.subtitle),
            source: text_of(ch.source),
            note: text_of(ch.note),
            draws: Draws::Indicator,
            small_area,
        })
    }

    /// A chart of what is not an indicator — a composite's index, a
    /// crosstab, a model — along `axes` (its `by` and `series`).
    #[allow(clippy::too_many_arguments)]
    fn drawn_chart(
        &self,
        ch: RawChart,
        id: String,
        (kind, draws): (ChartKind, Draws),
        source: String,
        axes: (String, Option<String>),
        title: Text,
        order: Order,
    ) -> Result<ChartSpec> {
        let (units, decimals) = self.number_format(&id, ch.units.as_ref(), ch.decimals.as_ref())?;
        Ok(ChartSpec {
            units,
            decimals,
            max_categories: self.max_categories(&id, ch.max_categories.as_ref())?,
            dpi: self.dpi(&id, ch.dpi.as_ref())?,
            id,
            indicator: source.clone(),
            indicators: vec![source],
            kind,
            by: axes.0,
            series: axes.1,
            geometry: None,
            order,
            reference: false,
            classes: Classes::Equal,
            title: ch.title.map_or(title, |t| text_of(Some(t))),
            subtitle: text_of(ch.subtitle),
            source: text_of(ch.source),
            note: text_of(ch.note),
            draws,
            small_area: None,
        })
    }

    /// A chart's PNG resolution: 72 to 1200 dpi (default 300).
    fn dpi(&self, id: &str, given: Option<&Spanned<u32>>) -> Result<u32> {
        match given {
            None => Ok(300),
            Some(d) if (72..=1200).contains(d.get_ref()) => Ok(*d.get_ref()),
            Some(d) => Err(self.err(
                d,
                format!(
                    "chart `{id}`: dpi must be between 72 and 1200, not {}",
                    d.get_ref()
                ),
            )),
        }
    }

    /// A chart's `sort`: `"value"`, `"code"` or a list of codes or labels.
    /// By default bars and dots rank by value, grouped bars, small multiples
    /// and heatmaps keep code order; a line's x axis and a map have none.
    fn order(&self, id: &str, kind: ChartKind, sort: Option<&Spanned<OneOrMany>>) -> Result<Order> {
        let Some(sort) = sort else {
            return Ok(match kind {
                ChartKind::Bar | ChartKind::Dot => Order::Value,
                _ => Order::Code,
            });
        };
        if matches!(kind, ChartKind::Line | ChartKind::Map) {
            return Err(self.err(
                sort,
                format!(
                    "chart `{id}`: a {} chart has no category order; `sort` belongs to bar, dot, grouped_bar, small_multiples and heatmap charts",
                    kind.name()
                ),
            ));
        }
        match sort.get_ref() {
            OneOrMany::Many(list) => Ok(Order::Listed(list.clone())),
            OneOrMany::One(name) => {
                let named = Spanned::new(sort.span(), name.clone());
                let choice = pick(self, &named, "sort", &[(0, "value"), (1, "code")])?;
                Ok(if choice == 0 {
                    Order::Value
                } else {
                    Order::Code
                })
            }
        }
    }

    /// A chart's `units` (default `auto`) and `decimals` (0 to 10).
    fn number_format(
        &self,
        id: &str,
        units: Option<&Spanned<String>>,
        decimals: Option<&Spanned<usize>>,
    ) -> Result<(Units, Option<usize>)> {
        let units = match units {
            None => Units::Auto,
            Some(u) => pick(self, u, "units", &Units::ALL)?,
        };
        let decimals = match decimals {
            Some(d) if *d.get_ref() > 10 => {
                return Err(self.err(
                    d,
                    format!("chart `{id}`: decimals must be between 0 and 10"),
                ));
            }
            d => d.map(|d| *d.get_ref()),
        };
        Ok((units, decimals))
    }

    /// A chart's `max_categories`: 1 to 1,000 (default 40).
    pub(super) fn max_categories(&self, id: &str, given: Option<&Spanned<usize>>) -> Result<usize> {
        match given {
            None => Ok(40),
            Some(n) if (1..=1000).contains(n.get_ref()) => Ok(*n.get_ref()),
            Some(n) => Err(self.err(
                n,
                format!(
                    "chart `{id}`: max_categories must be between 1 and 1000, not {}",
                    n.get_ref()
                ),
            )),
        }
    }
}
