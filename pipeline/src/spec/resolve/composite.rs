//! Resolving `[[composites]]`: the framework of pillars and indicators.

use super::*;

impl Resolver<'_> {
    pub(super) fn composite(
        &self,
        c: RawComposite,
        ds_ids: &[&str],
        indicators: &[IndicatorSpec],
    ) -> Result<CompositeSpec> {
        let id = c.id.get_ref().clone();
        if let Some(d) = c
            .dataset
            .as_ref()
            .filter(|d| !ds_ids.contains(&d.get_ref().as_str()))
        {
            return Err(self.err(
                d,
                format!(
                    "composite `{id}`: unknown dataset `{}` — datasets are: {}",
                    d.get_ref(),
                    choices(ds_ids)
                ),
            ));
        }
        let normalise = match &c.normalise {
            None => Normalise::None,
            Some(n) => pick(self, n, "normalisation", &Normalise::ALL)?,
        };
        let aggregate = match &c.aggregate {
            None => Aggregate::Arithmetic,
            Some(a) => pick(self, a, "aggregation", &Aggregate::ALL)?,
        };
        let children = c
            .components
            .into_iter()
            .map(|n| self.component(&id, n, normalise))
            .collect::<Result<Vec<_>>>()?;
        // Without a dataset, every indicator component is an indicator with
        // a breakdown by the unit; with one, every component is a column.
        let mut stack: Vec<&Node> = children.iter().collect();
        while let Some(n) = stack.pop() {
            match &n.kind {
                NodeKind::Group(ch) => stack.extend(ch),
                NodeKind::Indicator { estimates, .. } => match (&c.dataset, *estimates) {
                    (None, true) => {
                        let known = indicators
                            .iter()
                            .any(|i| i.id == n.id && i.has_breakdown(&c.unit));
                        if !known {
                            return Err(self.err(&c.id, format!("composite `{id}`: `{}` must be an indicator with the breakdown `by = [\"{}\"]`", n.id, c.unit)));
                        }
                    }
                    (None, false) => {
                        return Err(self.err(&c.id, format!("composite `{id}`: without `dataset`, components are indicators: `{{ indicator = \"…\" }}` (`{}` is a column)", n.id)));
                    }
                    (Some(_), true) => {
                        return Err(self.err(&c.id, format!("composite `{id}`: with `dataset`, components are its columns: `{{ column = \"…\" }}` (`{}` is an indicator)", n.id)));
                    }
                    (Some(_), false) => {}
                },
            }
        }
        if children.is_empty() {
            return Err(self.err(&c.id, format!("composite `{id}` needs `components`")));
        }
        let uncertainty = match c.uncertainty {
            None => None,
            Some(u) => {
                let u = u.into_inner();
                let normalise = u
                    .normalise
                    .unwrap_or_default()
                    .iter()
                    .map(|n| pick(self, n, "normalisation", &Normalise::ALL))
                    .collect::<Result<Vec<_>>>()?;
                let aggregate = u
                    .aggregate
                    .unwrap_or_default()
                    .iter()
                    .map(|a| pick(self, a, "aggregation", &Aggregate::ALL))
                    .collect::<Result<Vec<_>>>()?;
                Some(Uncertainty {
                    draws: u.draws.unwrap_or(1000).max(2),
                    seed: u.seed.unwrap_or(20_261_128),
                    weights: u.weights.unwrap_or(0.25).clamp(0.0, 0.99),
                    normalise,
                    aggregate,
                })
            }
        };
        let coverage = match &c.coverage {
            None => 0.0,
            Some(v) if (0.0..=1.0).contains(v.get_ref()) => *v.get_ref(),
            Some(v) => {
                return Err(self.err(
                    v,
                    format!("composite `{id}`: `coverage` is a share, between 0 and 1"),
                ));
            }
        };
        let impute = match &c.impute {
            None => Impute::None,
            Some(m) => pick(
                self,
                m,
                "imputation",
                &[
                    (Impute::None, "none"),
                    (Impute::Mean, "mean"),
                    (Impute::Median, "median"),
                ],
            )?,
        };
        let outliers = c.outliers.map(|o| Outliers {
            skewness: o.skewness.unwrap_or(2.0),
            kurtosis: o.kurtosis.unwrap_or(3.5),
            winsorise: o.winsorise.unwrap_or(5),
        });
        Ok(CompositeSpec {
            coverage,
            impute: (impute, c.impute_by),
            outliers,
            uncertainty,
            root: Node {
                id: id.clone(),
                weight: 1.0,
                kind: NodeKind::Group(children),
            },
            id,
            dataset: c.dataset.map(Spanned::into_inner).unwrap_or_default(),
            unit: c.unit,
            wave: c.wave,
            normalise,
            aggregate,
            label: text_of(c.label),
        })
    }

    pub(super) fn component(
        &self,
        composite: &str,
        n: Spanned<RawComponent>,
        normalise: Normalise,
    ) -> Result<Node> {
        let at = Spanned::new(n.span(), ());
        let n = n.into_inner();
        let weight = match &n.weight {
            None => 1.0,
            Some(w) if w.get_ref().is_finite() && *w.get_ref() >= 0.0 => *w.get_ref(),
            Some(w) => {
                return Err(self.err(
                    w,
                    format!("composite `{composite}`: a weight must be a non-negative number"),
                ));
            }
        };
        // An indicator component: its estimates, redrawn from their SEs.
        let estimates = n.indicator.is_some();
        let (column, se) = match (n.column, n.indicator) {
            (None, Some(ind)) => (Some(ind.clone()), Some(format!("{ind}_se"))),
            (Some(col), None) => (Some(col), n.se),
            (Some(_), Some(_)) => {
                return Err(self.err(&at, format!("composite `{composite}`: a component takes `column` or `indicator`, not both")));
            }
            (None, None) => (None, n.se),
        };
        match (column, n.components) {
            (Some(column), None) => {
                let direction = match &n.direction {
                    None => 1.0,
                    Some(d) => pick(self, d, "direction", &[(1.0, "+"), (-1.0, "-")])?,
                };
                let goalposts = n.goalposts.map(|g| (g.get_ref()[0], g.get_ref()[1]));
                if normalise == Normalise::Goalposts && goalposts.is_none_or(|(lo, hi)| lo >= hi) {
                    return Err(self.err(&at, format!("composite `{composite}`: with normalise = \"goalposts\" every indicator needs `goalposts = [lower, upper]`, lower < upper (`{column}` has none)")));
                }
                // An indicator's id is its column.
                Ok(Node {
                    id: column,
                    weight,
                    kind: NodeKind::Indicator {
                        direction,
                        goalposts,
                        se,
                        estimates,
                    },
                })
            }
            (None, Some(children)) => {
                let id = n.id.ok_or_else(|| self.err(&at, format!("composite `{composite}`: a pillar needs an `id`")))?;
                let children = children
                    .into_iter()
                    .map(|c| self.component(composite, c, normalise))
                    .collect::<Result<Vec<_>>>()?;
                Ok(Node { id, weight, kind: NodeKind::Group(children) })
            }
            _ => Err(self.err(&at, format!("composite `{composite}`: a component is either `{{ column = \"…\" }}` (an indicator) or `{{ id = \"…\", components = [...] }}` (a pillar)"))),
        }
    }
}
