//! Indicators: every `[[indicators]]` of a study computed over its dataset,
//! overall and by each breakdown, into one table (`indicators.parquet`).
//!
//! All indicators of a dataset are estimated together: their expressions
//! are evaluated once, their breakdowns indexed once, and a single pass over
//! the rows ([`crate::survey::accumulate`]) sums everything every estimate
//! needs. Survey datasets get design-based standard errors; registries are
//! treated as a census and get exact values without standard errors.

pub mod cluster;
pub mod codebook;
pub mod compare;
mod condition;
pub mod crosstab;
pub mod design_table;
pub mod domains;
pub mod evaluate;
pub mod itu;
pub mod join;
pub mod missing;
pub mod screen;
pub mod statistics;
pub mod streamed;
pub mod table;

use std::collections::{BTreeMap, HashMap};

use polars::prelude::DataFrame;
use rayon::prelude::*;

use crate::error::Result;
use crate::locale::Flag;
use crate::spec::model::{ReplicateMethod, Statistic, Study};
use crate::survey::accumulate::{Breakdown, Target, Values};
use crate::survey::diagnostics::Weights;
use crate::survey::estimate::Estimate;
use crate::survey::{self, design::PreparedDesign};
use statistics::{Method, Pass, estimator};

/// One row of the indicators table.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    /// Indicator id.
    pub indicator: String,
    /// Dataset id.
    pub dataset: String,
    /// Breakdown variables (empty for the overall row).
    pub by: Vec<String>,
    /// Domain values, one per breakdown variable.
    pub domain: Vec<String>,
    /// The statistic.
    pub statistic: Statistic,
    /// Estimate and uncertainty.
    pub est: Estimate,
}

impl IndicatorRow {
    /// Separator between the variables of a crossed breakdown in the `by`
    /// and `domain` columns.
    pub const CROSS: &'static str = " × ";

    /// The `by` column: variables joined by [`Self::CROSS`]; `None` overall.
    pub fn by_text(&self) -> Option<String> {
        (!self.by.is_empty()).then(|| self.by.join(Self::CROSS))
    }

    /// The `domain` column: values joined by [`Self::CROSS`]; `None` overall.
    pub fn domain_text(&self) -> Option<String> {
        (!self.domain.is_empty()).then(|| self.domain.join(Self::CROSS))
    }
}

/// What the methods section says about a survey dataset's design.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DesignSummary {
    /// Dataset id.
    pub dataset: String,
    /// Rows used (kept after validation).
    pub rows: usize,
    /// Number of strata.
    pub strata: usize,
    /// Number of first-stage clusters (PSUs).
    pub psus: usize,
    /// Design degrees of freedom.
    pub df: f64,
    /// Sum of the weights.
    pub weighted_rows: f64,
    /// Whether a finite-population correction was applied.
    pub fpc: bool,
    /// Replicate weights giving the variances: method name, count and
    /// overall scale.
    pub replicates: Option<(&'static str, usize, f64)>,
    /// Weighting diagnostics of the (calibrated, if so) weights.
    pub weighting: Option<crate::survey::diagnostics::Weights>,
    /// The calibration of the weights.
    pub calibration: Option<crate::survey::correction::Summary>,
}

/// What estimation produced.
#[derive(Debug, Clone)]
pub struct Computed {
    /// The indicators table's rows.
    pub rows: Vec<IndicatorRow>,
    /// A summary of each survey design used.
    pub designs: Vec<DesignSummary>,
    /// The comparisons' rows.
    pub comparisons: Vec<compare::ComparisonRow>,
    /// The cross-tabulations' cells.
    pub crosstabs: Vec<crosstab::CellRow>,
    /// Their tests of independence.
    pub tests: Vec<crosstab::TestRow>,
    /// The regression models' coefficients and fits.
    pub models: crate::models::Models,
    /// The small-area estimates, area by area.
    pub small_area: Vec<crate::small_area::SmallAreaRow>,
    /// The same as indicator rows (`statistic = "eblup"`), kept apart
    /// from `rows`.
    pub eblups: Vec<IndicatorRow>,
    /// What the methods should say besides: rows of joins without a match.
    pub notes: Vec<String>,
    /// What the person running the study should look at: indicators
    /// without a single value.
    pub warnings: Vec<String>,
    /// Rows declared missing codes took out of streamed datasets (those of
    /// the datasets in memory: [`missing::for_estimation`]).
    pub missing: Vec<missing::Count>,
    /// The first passes a cluster made.
    pub cluster: Vec<crate::indicators::cluster::ClusterRecord>,
}

/// The breakdowns of a pass over the indicators of one dataset: each `by`
/// of an indicator built once (over the variables' codes), the overall
/// breakdown first.
pub struct Layout {
    /// Each breakdown's domains (`None` for the overall one).
    pub built: Vec<Option<domains::Domains>>,
    /// Each breakdown's domain per row.
    pub breakdowns: Vec<Breakdown>,
    /// Per indicator, the indices of its breakdowns: overall, then each `by`.
    pub of_target: Vec<Vec<usize>>,
}

impl Layout {
    /// The breakdowns of `inds` over the indexed variables `vars`.
    pub fn new(
        inds: &[&crate::spec::model::IndicatorSpec],
        vars: &HashMap<String, domains::Variable>,
    ) -> Self {
        let mut keys: Vec<Vec<crate::spec::model::Variable>> = vec![Vec::new()];
        let mut built: Vec<Option<domains::Domains>> = vec![None];
        let mut breakdowns = vec![Breakdown::Overall];
        let mut of_target = Vec::new();
        for ind in inds {
            let mut idx = vec![0];
            for b in &ind.by {
                let pos = keys.iter().position(|k| k == b).unwrap_or_else(|| {
                    let (d, breakdown) = domains::cross(b, vars);
                    breakdowns.push(breakdown);
                    built.push(Some(d));
                    keys.push(b.clone());
                    keys.len() - 1
                });
                idx.push(pos);
            }
            of_target.push(idx);
        }
        Layout {
            built,
            breakdowns,
            of_target,
        }
    }
}

/// The variables the breakdowns of `inds` read, each once.
pub fn variables<'a>(
    inds: &[&'a crate::spec::model::IndicatorSpec],
) -> Vec<&'a crate::spec::model::Variable> {
    let mut names: Vec<&crate::spec::model::Variable> =
        inds.iter().flat_map(|i| i.by.iter().flatten()).collect();
    names.sort();
    names.dedup();
    names
}

/// What a pass reads of the rows of one dataset: the indicators' values
/// and the breakdowns over their variables' codes.
pub struct Read {
    /// Each indicator's values.
    pub evaluated: Vec<evaluate::Evaluated>,
    /// The breakdowns.
    pub layout: Layout,
}

impl Read {
    /// Evaluates `inds` over `df` and indexes their breakdown variables, at once.
    pub fn of(inds: &[&crate::spec::model::IndicatorSpec], df: &DataFrame) -> Result<Self> {
        let (evaluated, vars) = rayon::join(
            || evaluate::evaluate_all(inds, df),
            || {
                variables(inds)
                    .par_iter()
                    .map(|v| Ok((v.name(), domains::variable(df, v)?)))
                    .collect::<Result<HashMap<String, domains::Variable>>>()
            },
        );
        Ok(Read {
            evaluated: evaluated?,
            layout: Layout::new(inds, &vars?),
        })
    }
}

/// The targets of a pass: each indicator's values (`evaluated`; none for a
/// streamed dataset, whose rows are not held once summed) and its
/// breakdowns.
pub fn targets(evaluated: &[evaluate::Evaluated], of_target: Vec<Vec<usize>>) -> Vec<Target<'_>> {
    of_target
        .into_iter()
        .enumerate()
        .map(|(t, idx)| match evaluated.get(t) {
            Some(ev) => Target {
                y: ev.y.view(),
                x: ev.x.as_deref(),
                binary: ev.binary,
                mask: ev.mask.as_deref(),
                breakdowns: idx,
            },
            None => Target {
                y: Values::Flags(&[]),
                x: None,
                binary: false,
                mask: None,
                breakdowns: idx,
            },
        })
        .collect()
}

/// The survey dataset `dataset` of `study`, its ingested rows and its
/// design prepared over them (for `what`: a crosstab, a model), whose
/// design the spec checked.
pub fn survey_design<'a>(
    study: &'a Study,
    data: &'a BTreeMap<String, DataFrame>,
    dataset: &str,
    what: &str,
) -> Result<(
    &'a crate::spec::model::DatasetSpec,
    &'a DataFrame,
    PreparedDesign,
)> {
    let ds = study
        .dataset(dataset)
        .ok_or_else(|| crate::Error::internal(what, format!("dataset `{dataset}`")))?;
    let df = data
        .get(dataset)
        .ok_or_else(|| crate::Error::internal(what, format!("no data for `{dataset}`")))?;
    let spec = ds
        .design
        .as_ref()
        .ok_or_else(|| crate::Error::internal(what, "a design was checked"))?;
    let design = survey::prepare(spec, df, &ds.id)
        .map_err(|e| e.located(&spec.location).in_file(&ds.path))?;
    Ok((ds, df, design))
}

/// Computes every indicator of `study` over the ingested `data` (dataset id →
/// kept rows, declared missing codes already made missing by
/// [`missing::for_estimation`]). Rows come out in spec order; within an indicator the overall
/// row first, then each breakdown in spec order, domains in natural order.
/// Indicators of a dataset are estimated together — those joined to another
/// dataset together with the others joined the same way.
pub fn compute(
    study: &Study,
    data: &BTreeMap<String, DataFrame>,
    streams: &streamed::Streams,
) -> Result<Computed> {
    let mut comparisons = Vec::new();
    let mut by_indicator: HashMap<String, Vec<IndicatorRow>> = HashMap::new();
    let mut designs = Vec::new();
    let mut notes = Vec::new();
    let mut missing = Vec::new();
    let mut cluster = Vec::new();
    let mut protected: Vec<(String, crate::disclosure::Protected)> = Vec::new();
    for ds in &study.datasets {
        let mut joins: Vec<Option<&crate::spec::model::JoinSpec>> = Vec::new();
        // Growth follows another indicator's rows: computed after them.
        let in_pass = |i: &&crate::spec::model::IndicatorSpec| {
            i.dataset == ds.id && matches!(estimator(&i.statistic), Method::Pass(_))
        };
        for i in study.indicators.iter().filter(in_pass) {
            if !joins.contains(&i.join.as_ref()) {
                joins.push(i.join.as_ref());
            }
        }
        for (group, join) in joins.into_iter().enumerate() {
            let inds: Vec<_> = study
                .indicators
                .iter()
                .filter(|i| in_pass(i) && i.join.as_ref() == join)
                .collect();
            // A streamed dataset's sums come batch by batch from its file;
            // any other's from its rows in memory.
            let streamed = match streams.get(&ds.id) {
                Some(
                    source @ streamed::Source {
                        cluster: Some(scheduler),
                        ..
                    },
                ) => Some(crate::indicators::cluster::pass(
                    ds, &inds, source, scheduler,
                )?),
                Some(source) => Some(streamed::pass(study, ds, &inds, source)?),
                None => None,
            };
            let (joined, note) = match streamed {
                Some(_) => (std::borrow::Cow::Owned(DataFrame::empty()), None),
                None => join::frame(&ds.id, join, data)?,
            };
            notes.extend(note);
            let df: &DataFrame = &joined;
            let summarized = ds.design.is_some() && group == 0;
            let (design, evaluated, layout, summed, rows, weighted_rows, weighting);
            match streamed {
                Some(s) => {
                    missing.extend(s.missing);
                    cluster.extend(s.cluster);
                    (design, layout, summed) = (s.design, s.layout, Some(s.sums));
                    (rows, weighted_rows, weighting) = (s.rows, s.weighted_rows, s.weighting);
                    evaluated = Vec::new();
                }
                None => {
                    // The design (and its weights' diagnostics), the
                    // indicators' values and the breakdown variables' codes
                    // are independent: made at once.
                    let (prepared, read) = rayon::join(
                        || -> Result<_> {
                            let design = match &ds.design {
                                Some(spec) => survey::prepare(spec, df, &ds.id)
                                    .map_err(|e| e.located(&spec.location).in_file(&ds.path))?,
                                None => PreparedDesign::census(df.height()),
                            };
                            let w = summarized.then(|| Weights::of(&design.weights)).flatten();
                            Ok((design, w))
                        },
                        || Read::of(&inds, df),
                    );
                    let w;
                    (design, w) = prepared?;
                    let read = read?;
                    (evaluated, layout) = (read.evaluated, read.layout);
                    (rows, weighted_rows, weighting) =
                        (df.height(), design.weights.iter().sum(), w);
                    summed = None;
                }
            }
            if let (Some(spec), true) = (&ds.design, summarized) {
                designs.push(DesignSummary {
                    dataset: ds.id.clone(),
                    rows,
                    strata: design.strata.len(),
                    psus: design.n_psu(),
                    df: design.degf(),
                    weighted_rows,
                    fpc: !spec.fpc.is_empty(),
                    replicates: spec.replicates.as_ref().zip(design.replicates()).map(
                        |(r, reps)| {
                            let name = ReplicateMethod::ALL
                                .iter()
                                .find(|(m, _)| *m == r.method)
                                .map_or("", |(_, n)| *n);
                            (name, reps.count, reps.scale)
                        },
                    ),
                    weighting,
                    calibration: design.calibrated.clone(),
                });
            }
            let Layout {
                built,
                breakdowns,
                of_target,
            } = layout;
            let targets = targets(&evaluated, of_target);
            let sums = match summed {
                Some(s) => s,
                None => design.sums(&breakdowns, &targets),
            };
            let pass = Pass {
                design: &design,
                df,
                breakdowns: &breakdowns,
                sums: &sums,
                rules: &study.reliability,
            };
            for c in &study.comparisons {
                let Some(t) = inds.iter().position(|i| i.id == c.indicator) else {
                    continue;
                };
                let Method::Pass(method) = estimator(&inds[t].statistic) else {
                    continue;
                };
                let layout = compare::Layout {
                    keys: targets[t].breakdowns.iter().map(|&b| &built[b]).collect(),
                };
                comparisons.extend(compare::domains(
                    c,
                    &design,
                    &sums,
                    t,
                    &layout,
                    method.form().0,
                    inds[t].level,
                )?);
            }

            for (t, (ind, target)) in inds.iter().zip(&targets).enumerate() {
                let Method::Pass(method) = estimator(&ind.statistic) else {
                    continue;
                };
                if method.registries_only() && !design.is_census() {
                    return Err(crate::Error::Estimation {
                        indicator: ind.id.clone(),
                        message: format!(
                            "{} is for registries (datasets without a survey design)",
                            ind.statistic.name()
                        ),
                    });
                }
                let estimates = method.estimate(ind, &pass, target, t)?;
                let mut rows = Vec::new();
                for (&b, domains) in target.breakdowns.iter().zip(estimates) {
                    for (d, mut est) in domains.into_iter().enumerate() {
                        let (by, domain) = match &built[b] {
                            None => (Vec::new(), Vec::new()),
                            Some(dm) => (dm.vars.clone(), dm.values[d].clone()),
                        };
                        if est.n == 0 && !design.is_census() {
                            // Nothing to estimate from: as unreliable as it gets.
                            est.flag = Some(Flag::Suppressed);
                        }
                        rows.push(IndicatorRow {
                            indicator: ind.id.clone(),
                            dataset: ds.id.clone(),
                            by,
                            domain,
                            statistic: ind.statistic.clone(),
                            est,
                        });
                    }
                }
                // Protected on the estimates as they add up (a per-capita
                // value is still its total here).
                if let Some(p) =
                    crate::disclosure::protect(study, ind, design.is_census(), df, &rows)?
                {
                    protected.push((ind.id.clone(), p));
                }
                notes.extend(method.finish(ind, &mut rows, data)?);
                by_indicator.insert(ind.id.clone(), rows);
            }
        }
    }
    // Small-area models read every direct estimate; what they publish of a
    // confidential area is withheld below.
    let direct: Vec<IndicatorRow> = study
        .indicators
        .iter()
        .filter(|i| i.small_area.is_some())
        .flat_map(|i| by_indicator.get(&i.id).cloned().unwrap_or_default())
        .collect();
    let (mut small_area, mut eblups) = crate::small_area::compute(study, &direct, data)?;
    let mut register = crate::disclosure::Register::default();
    for (id, p) in &protected {
        let rows = by_indicator
            .get_mut(id)
            .expect("a protected indicator's rows");
        register.record(id, rows, p);
        crate::disclosure::blank(rows, &p.cells);
    }
    for g in &study.indicators {
        let Method::Derived(method) = estimator(&g.statistic) else {
            continue;
        };
        let source = by_indicator.get(method.of()).map_or(&[][..], Vec::as_slice);
        let grown = method.rows(g, source);
        by_indicator.insert(g.id.clone(), grown);
    }
    let rows: Vec<IndicatorRow> = study
        .indicators
        .iter()
        .flat_map(|i| by_indicator.remove(&i.id).unwrap_or_default())
        .collect();
    screen::finite(&rows)?;
    let warnings = screen::empty(study, &rows);
    comparisons.extend(compare::independent(study, &rows));
    comparisons.retain(|c| !c.discloses(&register));
    crate::small_area::withhold(&mut small_area, &mut eblups, &register);
    notes.extend(crate::disclosure::notes(study, &protected));
    let order = |id: &str| study.comparisons.iter().position(|c| c.id == id);
    comparisons.sort_by_key(|c| order(&c.comparison));
    let (crosstabs, tests) = crosstab::compute(study, data)?;
    let models = crate::models::compute(study, data)?;
    Ok(Computed {
        models,
        small_area,
        eblups,
        rows,
        designs,
        comparisons,
        crosstabs,
        tests,
        notes,
        warnings,
        missing,
        cluster,
    })
}
