//! Charts: each `[[charts]]` entry drawn from the indicators table as SVG
//! (text kept as text), rasterised to a PNG at 300 dpi, with beside it a
//! CSV of exactly the values drawn and a JSON of its metadata. One file per
//! chart kind draws; this module picks the data and writes the files.

pub mod analyses;
pub mod bar;
pub mod categories;
pub mod classes;
pub mod dot;
pub mod frame;
pub mod funnel;
pub mod grouped_bar;
pub mod heatmap;
pub mod line;
pub mod map;
pub mod parts;
pub mod raster;
pub mod small_multiples;
pub mod stacked_bar;
pub mod theme;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::indicators::{IndicatorRow, table::value_label};
use crate::locale::numbers::Magnitude;
use crate::locale::{Flag, Language, fill, level_percent, numbers, phrase};
use crate::spec::model::{ChartKind, ChartSpec, Draws, SmallAreaView, Study, Units};
use crate::text;

/// One drawn value.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    /// Series (line charts with `series`).
    pub series: Option<String>,
    /// Domain value (bar category or x value).
    pub key: String,
    /// Label drawn (shortened when long: see [`categories`]).
    pub label: String,
    /// The whole label, for tables and the figure's CSV.
    pub full_label: String,
    /// Estimate, in the drawn unit.
    pub value: Option<f64>,
    /// Lower interval bound, in the drawn unit.
    pub low: Option<f64>,
    /// Upper interval bound, in the drawn unit.
    pub high: Option<f64>,
    /// Unweighted n (`None` when withheld by disclosure control).
    pub n: Option<u64>,
    /// Reliability flag.
    pub flag: Option<Flag>,
}

/// A chart ready to draw: its texts resolved in the study's language and
/// the points it shows.
#[derive(Debug, Clone)]
pub struct Figure {
    /// The chart spec.
    pub spec: ChartSpec,
    /// Language of the texts and numbers.
    pub lang: Language,
    /// Title.
    pub title: String,
    /// Subtitle.
    pub subtitle: String,
    /// Source line.
    pub source: String,
    /// Notes (the spec's, then the reliability notes).
    pub notes: Vec<String>,
    /// The confidence level of the intervals drawn (a composite's band of
    /// the 5th to 95th percentiles of its draws covers 0.90).
    pub level: f64,
    /// Values are percentages.
    pub percent: bool,
    /// The points.
    pub points: Vec<Point>,
    /// Categories left out of the drawing (`max_categories`).
    pub omitted: usize,
    /// The overall value drawn as a reference line, in the drawn unit.
    pub reference: Option<f64>,
    /// The magnitude its numbers are written in (none: as they are).
    pub magnitude: Option<Magnitude>,
}

impl Figure {
    /// A value formatted as drawn: a percentage, or a number in the
    /// chart's units, with its `decimals` when fixed.
    pub fn fmt(&self, v: f64) -> String {
        let fixed = self.spec.decimals;
        match self.magnitude {
            _ if self.percent => numbers::percent_with(v, fixed.unwrap_or(1), self.lang),
            Some(m) => m.write(v, fixed.unwrap_or_else(|| m.decimals(v)), self.lang),
            None => numbers::number(
                v,
                fixed.unwrap_or_else(|| numbers::auto_decimals(v)),
                self.lang,
            ),
        }
    }

    /// An axis tick label, with as many decimals as the tick step needs.
    pub fn fmt_tick(&self, v: f64, ticks: &[f64]) -> String {
        let step = if ticks.len() > 1 {
            ticks[1] - ticks[0]
        } else {
            1.0
        };
        match self.magnitude {
            _ if self.percent => numbers::percent_with(v, numbers::tick_decimals(step), self.lang),
            Some(m) => m.write(v, numbers::tick_decimals(step / m.divisor()), self.lang),
            None => numbers::number(v, numbers::tick_decimals(step), self.lang),
        }
    }
}

/// The magnitude a chart writes its numbers in: its `units`, or for `auto`
/// the one that suits its largest drawn value.
fn magnitude(units: Units, points: &[Point]) -> Option<Magnitude> {
    match units {
        Units::Plain => None,
        Units::Thousands => Some(Magnitude::Thousands),
        Units::Millions => Some(Magnitude::Millions),
        Units::Billions => Some(Magnitude::Billions),
        Units::Auto => Magnitude::auto(
            points
                .iter()
                .filter(|p| drawn(p))
                .flat_map(|p| [p.value, p.low, p.high])
                .flatten()
                .fold(0.0, |m: f64, v| m.max(v.abs())),
        ),
    }
}

/// A map joined by label: a geometry names its features in one language,
/// so each point takes as its key the feature named by its code's label in
/// any language of the contract (a French or Arabic report draws the same
/// regions as the English one); a point without such a label keeps its
/// label in the report's language.
fn join_by_label(
    points: &mut [Point],
    geometry: &crate::spec::model::MapGeometry,
    by: &str,
    ds: Option<&crate::spec::model::DatasetSpec>,
) -> Result<()> {
    let names = map::feature_keys(geometry)?;
    for p in points {
        let labels = ds
            .and_then(|d| d.contract.as_ref())
            .map(|c| c.code_labels(by, &p.key))
            .unwrap_or_default();
        p.key = names
            .iter()
            .find(|n| labels.contains(&n.as_str()))
            .cloned()
            .unwrap_or_else(|| p.full_label.clone());
    }
    Ok(())
}

/// On a map of a registry's count or total (a complete enumeration), a
/// region of the geometry without a single unit has 0, not "no estimate":
/// its point is added with that value.
fn absent_as_zero(
    points: &mut Vec<Point>,
    geometry: &crate::spec::model::MapGeometry,
    ind: &crate::spec::model::IndicatorSpec,
    ds: Option<&crate::spec::model::DatasetSpec>,
) -> Result<()> {
    use crate::spec::model::Statistic;
    let registry = ds.is_some_and(|d| d.design.is_none());
    let additive = matches!(
        ind.statistic,
        Statistic::Count | Statistic::Total | Statistic::CountDistinct
    );
    if !registry || !additive {
        return Ok(());
    }
    for key in map::feature_keys(geometry)? {
        let present = points.iter().any(|p| p.key == key);
        if !present {
            points.push(Point {
                series: None,
                key: key.clone(),
                label: key.clone(),
                full_label: key,
                value: Some(0.0),
                low: None,
                high: None,
                n: Some(0),
                flag: None,
            });
        }
    }
    Ok(())
}

/// The chart's own note from the spec, first of its notes.
fn spec_notes(chart: &ChartSpec, lang: Language) -> Vec<String> {
    chart
        .note
        .get(lang)
        .map(str::to_string)
        .into_iter()
        .collect()
}

/// Builds the figure of `chart` from what estimation computed.
pub fn build(
    study: &Study,
    chart: &ChartSpec,
    computed: &crate::indicators::Computed,
    composites: &[crate::composites::CompositeRow],
) -> Result<Figure> {
    match chart.draws {
        Draws::Indicator => match chart.small_area {
            None => figure(study, chart, &computed.rows),
            Some(SmallAreaView::Eblup) => figure(study, chart, &computed.eblups),
            Some(SmallAreaView::Cv) => analyses::cv_figure(study, chart, &computed.small_area),
        },
        Draws::Composite => composite_figure(study, chart, composites),
        Draws::Crosstab => {
            analyses::crosstab_figure(study, chart, &computed.crosstabs, &computed.tests)
        }
        Draws::Model => analyses::model_figure(study, chart, &computed.models),
    }
}

/// The indicator `chart` draws (the spec checked it exists).
pub fn drawn_indicator<'a>(
    study: &'a Study,
    chart: &ChartSpec,
) -> Result<&'a crate::spec::model::IndicatorSpec> {
    study.indicator(&chart.indicator).ok_or_else(|| {
        Error::internal("chart", format!("indicator `{}` vanished", chart.indicator))
    })
}

/// Builds the figure of `chart` from the indicators table.
pub fn figure(study: &Study, chart: &ChartSpec, rows: &[IndicatorRow]) -> Result<Figure> {
    let lang = study.language;
    let ind = drawn_indicator(study, chart)?;
    let ds = study.dataset(&ind.dataset);
    let percent = ind.statistic.in_percent();
    let scale = if percent { 100.0 } else { 1.0 };
    let wanted: Vec<&str> = match &chart.series {
        Some(s) => vec![s.as_str(), chart.by.as_str()],
        None => vec![chart.by.as_str()],
    };
    let mut points = Vec::new();
    for id in &chart.indicators {
        let Some(spec) = study.indicator(id) else {
            continue;
        };
        // Empty domains (n = 0, e.g. ages outside the subpopulation) are in the
        // table but have nothing to draw.
        // A funnel shows the whole programme before its domains.
        let overall = |r: &IndicatorRow| chart.kind == ChartKind::Funnel && r.by.is_empty();
        for r in rows.iter().filter(|r| {
            &r.indicator == id
                    && (r.by.len() == wanted.len() || overall(r))
                    // A synthetic small-area estimate has no sample but a value.
                    && (r.est.n > 0
                        || chart.small_area.is_some()
                        || r.est.flag == Some(Flag::Confidential))
        }) {
            if !overall(r) && !wanted.iter().all(|w| r.by.iter().any(|b| b == w)) {
                continue;
            }
            let pick = |var: &str| {
                r.by.iter()
                    .position(|b| b == var)
                    .map(|i| r.domain[i].clone())
            };
            let key = pick(&chart.by).unwrap_or_default();
            let label = if overall(r) {
                phrase(lang, "all").to_string()
            } else {
                text::escape_control(&value_label(study, &r.dataset, &chart.by, &key)).into_owned()
            };
            // A heatmap's columns are its indicators, or the values of its
            // `series`; other charts' series are a variable's values.
            let series = match (chart.kind, chart.series.as_deref()) {
                (ChartKind::Heatmap | ChartKind::Funnel, None) => {
                    Some(spec.label.get_or(lang, &spec.id).to_string())
                }
                (_, var) => {
                    var.and_then(|var| pick(var).map(|s| value_label(study, &r.dataset, var, &s)))
                }
            };
            points.push(Point {
                series: series.map(|s| text::escape_control(&s).into_owned()),
                key,
                full_label: label.clone(),
                label,
                value: r.est.estimate.map(|v| v * scale),
                low: r.est.ci_low.map(|v| v * scale),
                high: r.est.ci_high.map(|v| v * scale),
                n: r.est.counts().map(|c| c.0),
                flag: r.est.flag,
            });
        }
    }
    if let Some(g) = &chart.geometry {
        if g.by_label {
            join_by_label(&mut points, g, &chart.by, ds)?;
        }
        absent_as_zero(&mut points, g, ind, ds)?;
    }
    let omitted = categories::limit(&mut points, chart);
    categories::arrange(&mut points, &chart.order);
    categories::shorten_labels(&mut points);
    let mut notes = spec_notes(chart, lang);
    if let Some(sa) = ind
        .small_area
        .as_ref()
        .filter(|_| chart.small_area.is_some())
    {
        notes.push(crate::small_area::method_note(study, sa));
    }
    if omitted > 0 {
        notes.push(categories::note(
            omitted,
            chart.max_categories,
            chart.kind,
            lang,
        ));
    }
    let intervals_drawn = !matches!(
        chart.kind,
        ChartKind::Heatmap | ChartKind::Map | ChartKind::Funnel
    );
    if chart.kind == ChartKind::Funnel {
        notes.push(phrase(lang, "funnel_note").to_string());
    }
    if intervals_drawn && points.iter().any(|p| p.low.is_some()) {
        notes.push(fill(
            lang,
            "whiskers",
            &[("level", &level_percent(ind.level))],
        ));
    }
    let explained = crate::survey::reliability::explain(&study.reliability, lang);
    if points.iter().any(|p| p.flag == Some(Flag::Caution)) {
        notes.push(explained.caution);
    }
    if points.iter().any(|p| p.flag == Some(Flag::Suppressed)) {
        notes.push(explained.suppressed);
    }
    if points.iter().any(|p| p.flag == Some(Flag::Confidential)) {
        notes.push(phrase(lang, "confidential_note").to_string());
    }
    let source = chart
        .source
        .get(lang)
        .or_else(|| ds.and_then(|d| d.source.get(lang)))
        .unwrap_or("")
        .to_string();
    Ok(Figure {
        spec: chart.clone(),
        lang,
        title: shown(chart.title.get_or(lang, &ind.id)),
        subtitle: shown(chart.subtitle.get_or(lang, "")),
        source: shown(&source),
        notes: notes.iter().map(|n| shown(n)).collect(),
        level: ind.level,
        percent,
        magnitude: magnitude(chart.units, &points),
        points,
        omitted,
        reference: if chart.reference {
            rows.iter()
                .find(|r| r.indicator == ind.id && r.by.is_empty())
                .filter(|r| r.est.flag != Some(Flag::Suppressed))
                .and_then(|r| r.est.estimate)
                .map(|v| v * scale)
        } else {
            None
        },
    })
}

/// The figure of a composite's index: each unit's score with the 5th–95th
/// percentile interval of the uncertainty analysis, ranked.
pub fn composite_figure(
    study: &Study,
    chart: &ChartSpec,
    rows: &[crate::composites::CompositeRow],
) -> Result<Figure> {
    let lang = study.language;
    let c = study
        .composites
        .iter()
        .find(|c| c.id == chart.indicator)
        .ok_or_else(|| {
            Error::internal("chart", format!("composite `{}` vanished", chart.indicator))
        })?;
    // Unit labels from the dataset that names the units.
    let dataset = if c.dataset.is_empty() {
        study
            .indicators
            .iter()
            .find(|i| i.has_breakdown(&c.unit))
            .map_or(String::new(), |i| i.dataset.clone())
    } else {
        c.dataset.clone()
    };
    let points: Vec<Point> = rows
        .iter()
        .filter(|r| r.composite == c.id && r.node == c.root.id)
        .map(|r| Point {
            series: None,
            key: r.unit.clone(),
            label: text::escape_control(&value_label(study, &dataset, &c.unit, &r.unit))
                .into_owned(),
            full_label: value_label(study, &dataset, &c.unit, &r.unit),
            value: r.score,
            low: r.interval.as_ref().map(|i| i.score_low),
            high: r.interval.as_ref().map(|i| i.score_high),
            n: None,
            flag: None,
        })
        .collect();
    let mut notes = spec_notes(chart, lang);
    if let Some(u) = &c.uncertainty {
        notes.push(fill(
            lang,
            "whiskers_uncertainty",
            &[("draws", &u.draws.to_string())],
        ));
    }
    let unscored: Vec<&str> = points
        .iter()
        .filter(|p| p.value.is_none())
        .map(|p| p.full_label.as_str())
        .collect();
    if !unscored.is_empty() {
        notes.push(fill(
            lang,
            "composite_unscored",
            &[("units", &unscored.join(", "))],
        ));
    }
    let mut points = points;
    categories::arrange(&mut points, &chart.order);
    categories::shorten_labels(&mut points);
    Ok(Figure {
        spec: chart.clone(),
        lang,
        title: shown(chart.title.get_or(lang, &c.id)),
        subtitle: shown(chart.subtitle.get_or(lang, "")),
        source: shown(chart.source.get_or(lang, "")),
        notes: notes.iter().map(|n| shown(n)).collect(),
        level: 0.90,
        percent: false,
        magnitude: magnitude(chart.units, &points),
        points,
        omitted: 0,
        reference: None,
    })
}

/// A text from the spec or data as drawn: control characters made visible
/// (they are not allowed in SVG).
fn shown(s: &str) -> String {
    text::escape_control(s).into_owned()
}

/// Draws the figure as SVG.
pub fn svg(fig: &Figure) -> Result<String> {
    match fig.spec.kind {
        ChartKind::Bar => bar::draw(fig),
        ChartKind::GroupedBar => grouped_bar::draw(fig),
        ChartKind::Line => line::draw(fig),
        ChartKind::Dot => dot::draw(fig),
        ChartKind::Heatmap => heatmap::draw(fig),
        ChartKind::Funnel => funnel::draw(fig),
        ChartKind::SmallMultiples => small_multiples::draw(fig),
        ChartKind::Map => map::draw(fig),
        ChartKind::StackedBar => stacked_bar::draw(fig),
        // A forest plot is a dot chart in the terms' order, around its reference.
        ChartKind::Coef => dot::draw(fig),
    }
}

/// The CSV of exactly what is drawn.
pub fn csv(fig: &Figure) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let unit = if fig.percent { "percent" } else { "value" };
    let fail = |e: csv::Error| Error::internal(format!("chart `{}` data", fig.spec.id), e);
    w.write_record([
        "chart",
        "indicator",
        "series",
        "key",
        "label",
        "unit",
        "value",
        "ci_low",
        "ci_high",
        "n",
        "flag",
        "drawn",
    ])
    .map_err(fail)?;
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for p in &fig.points {
        let drawn = p.value.is_some() && p.flag != Some(Flag::Suppressed);
        w.write_record([
            fig.spec.id.as_str(),
            fig.spec.indicator.as_str(),
            &text::csv_cell(p.series.as_deref().unwrap_or("")),
            &text::csv_cell(&p.key),
            &text::csv_cell(&p.full_label),
            unit,
            &opt(p.value),
            &opt(p.low),
            &opt(p.high),
            &p.n.map(|n| n.to_string()).unwrap_or_default(),
            p.flag.map_or("", Flag::code),
            if drawn { "true" } else { "false" },
        ])
        .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| Error::internal("chart data", e.to_string()))
}

/// Whether a point is drawn: it has a value and is not suppressed.
pub fn drawn(p: &Point) -> bool {
    p.value.is_some() && p.flag != Some(Flag::Suppressed)
}

/// The chart's metadata (`figures/<chart>.json`): texts, the indicator's
/// definition and the spec hash, so the figure can be traced to its inputs.
pub fn metadata(study: &Study, fig: &Figure) -> Result<Vec<u8>> {
    let ind = study.indicator(&fig.spec.indicator);
    let meta = serde_json::json!({
        "chart": fig.spec.id,
        "kind": fig.spec.kind.name(),
        "title": fig.title,
        "subtitle": fig.subtitle,
        "source": fig.source,
        "notes": fig.notes,
        "unit": if fig.percent { "percent" } else { "value" },
        "indicators": fig.spec.indicators,
        "indicator": {
            "id": fig.spec.indicator,
            "dataset": ind.map(|i| i.dataset.clone()),
            "statistic": ind.map(|i| i.statistic.name()),
            "expr": ind.and_then(|i| i.expr.clone()),
            "where": ind.and_then(|i| i.subpopulation()),
        },
        "by": fig.spec.by,
        "series": fig.spec.series,
        "spec_blake3": study.spec_hash,
        "mizan_version": env!("CARGO_PKG_VERSION"),
    });
    serde_json::to_vec_pretty(&meta).map_err(|e| Error::internal("chart metadata", e))
}
