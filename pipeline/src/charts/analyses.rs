//! The figures of what is not an indicator table: a crosstab's cells as
//! 100% stacked bars (a bar per row value, a segment per column value, the
//! test under it) and a model's coefficients as a forest plot (odds or
//! rate ratios on a log scale around 1, linear coefficients around 0).

use super::{Figure, Point, categories, magnitude, shown, spec_notes};
use crate::error::{Error, Result};
use crate::indicators::crosstab::{CellRow, TestRow, test_sentence};
use crate::indicators::table::value_label;
use crate::locale::{Flag, phrase};
use crate::models::family::Family;
use crate::models::{Models, scale_note, term_label};
use crate::spec::model::{ChartSpec, Study};
use crate::text;

/// The figure of a `stacked_bar` chart: the crosstab's percentages.
pub fn crosstab_figure(
    study: &Study,
    chart: &ChartSpec,
    cells: &[CellRow],
    tests: &[TestRow],
) -> Result<Figure> {
    let lang = study.language;
    let c = study
        .crosstabs
        .iter()
        .find(|c| c.id == chart.indicator)
        .ok_or_else(|| {
            Error::internal("chart", format!("crosstab `{}` vanished", chart.indicator))
        })?;
    let (rows_var, columns_var) = (c.rows.name(), c.columns.name());
    let mut points: Vec<Point> = cells
        .iter()
        .filter(|x| x.crosstab == c.id)
        .map(|x| {
            let label = text::escape_control(&value_label(study, &c.dataset, &rows_var, &x.row))
                .into_owned();
            Point {
                series: Some(shown(&value_label(
                    study,
                    &c.dataset,
                    &columns_var,
                    &x.column,
                ))),
                key: x.row.clone(),
                full_label: label.clone(),
                label,
                value: x.est.estimate.map(|v| v * 100.0),
                low: x.est.ci_low.map(|v| v * 100.0),
                high: x.est.ci_high.map(|v| v * 100.0),
                n: x.est.counts().map(|c| c.0),
                flag: x.est.flag,
            }
        })
        .collect();
    categories::arrange(&mut points, &chart.order);
    categories::shorten_labels(&mut points);
    let mut notes = spec_notes(chart, lang);
    notes.push(test_sentence(
        lang,
        c,
        tests.iter().find(|t| t.crosstab == c.id),
    ));
    if points.iter().any(|p| p.flag == Some(Flag::Suppressed)) {
        notes.push(crate::survey::reliability::explain(&study.reliability, lang).suppressed);
    }
    Ok(analysis_figure(
        study,
        chart,
        &c.dataset,
        notes,
        (0.95, true, None),
        points,
    ))
}

/// The figure of a `coef` chart: every coefficient but the intercept, as
/// an odds or rate ratio (logit and log links) or as it is (linear).
pub fn model_figure(study: &Study, chart: &ChartSpec, models: &Models) -> Result<Figure> {
    let lang = study.language;
    let m = study
        .models
        .iter()
        .find(|m| m.id == chart.indicator)
        .ok_or_else(|| Error::internal("chart", format!("model `{}` vanished", chart.indicator)))?;
    let fit = models
        .fits
        .iter()
        .find(|f| f.model == m.id)
        .ok_or_else(|| Error::internal("chart", format!("model `{}` was not fitted", m.id)))?;
    let ratio = m.family != Family::Gaussian;
    let shown_value = |v: f64| if ratio { v.exp() } else { v };
    let points: Vec<Point> = models
        .terms
        .iter()
        .filter(|t| t.model == m.id && !t.column.parts.is_empty())
        .map(|t| {
            let label = shown(&term_label(study, &m.dataset, &t.column));
            Point {
                series: None,
                key: t.column.name.clone(),
                full_label: label.clone(),
                label,
                value: Some(shown_value(t.estimate)),
                low: t.ci_low.is_finite().then(|| shown_value(t.ci_low)),
                high: t.ci_high.is_finite().then(|| shown_value(t.ci_high)),
                n: Some(fit.n),
                flag: None,
            }
        })
        .collect();
    let mut points = points;
    categories::shorten_labels(&mut points);
    let mut notes = spec_notes(chart, lang);
    notes.push(scale_note(study, m, Some(fit)));
    if ratio {
        notes.push(phrase(lang, "log_scale").to_string());
    }
    let reference = Some(if ratio { 1.0 } else { 0.0 });
    Ok(analysis_figure(
        study,
        chart,
        &m.dataset,
        notes,
        (m.level, false, reference),
        points,
    ))
}

/// A figure of `points` from `dataset` (its source line unless the chart
/// gives one), with its `notes`, at an interval `level`, in percent or
/// not, with a reference line or not.
fn analysis_figure(
    study: &Study,
    chart: &ChartSpec,
    dataset: &str,
    notes: Vec<String>,
    (level, percent, reference): (f64, bool, Option<f64>),
    points: Vec<Point>,
) -> Figure {
    let lang = study.language;
    let source = chart
        .source
        .get(lang)
        .or_else(|| study.dataset(dataset).and_then(|d| d.source.get(lang)))
        .unwrap_or("");
    Figure {
        spec: chart.clone(),
        lang,
        title: shown(chart.title.get_or(lang, &chart.indicator)),
        subtitle: shown(chart.subtitle.get_or(lang, "")),
        source: shown(source),
        notes: notes.iter().map(|n| shown(n)).collect(),
        level,
        percent,
        magnitude: if percent {
            None
        } else {
            magnitude(chart.units, &[])
        },
        points,
        omitted: 0,
        reference,
    }
}

/// The figure of a small-area `cv` chart: per sampled area, the CV of its
/// direct estimate and of its EBLUP, side by side (the areas without a
/// sample, with a synthetic estimate only, are in the tables).
pub fn cv_figure(
    study: &Study,
    chart: &ChartSpec,
    rows: &[crate::small_area::SmallAreaRow],
) -> Result<Figure> {
    let lang = study.language;
    let ind = super::drawn_indicator(study, chart)?;
    let mut points = Vec::new();
    for r in rows
        .iter()
        .filter(|r| r.indicator == ind.id && r.published_direct().is_some())
    {
        let label = shown(&value_label(study, &ind.dataset, &chart.by, &r.area));
        let direct = r
            .published_direct()
            .filter(|d| d.0 != 0.0)
            .map(|d| d.1 / d.0.abs());
        let model = (r.estimate != 0.0).then(|| r.se / r.estimate.abs());
        for (series, cv) in [("direct", direct), ("eblup", model)] {
            points.push(Point {
                series: Some(phrase(lang, series).to_string()),
                key: r.area.clone(),
                full_label: label.clone(),
                label: label.clone(),
                value: cv.map(|v| v * 100.0),
                low: None,
                high: None,
                n: Some(r.n),
                flag: None,
            });
        }
    }
    // The areas with the least precise estimates, when they are many.
    let omitted = categories::limit(&mut points, chart);
    categories::arrange(&mut points, &chart.order);
    categories::shorten_labels(&mut points);
    let mut notes = spec_notes(chart, lang);
    notes.push(phrase(lang, "cv_note").to_string());
    if omitted > 0 {
        notes.push(categories::note(
            omitted,
            chart.max_categories,
            chart.kind,
            lang,
        ));
    }
    if let Some(sa) = &ind.small_area {
        notes.push(crate::small_area::method_note(study, sa));
    }
    let mut fig = analysis_figure(
        study,
        chart,
        &ind.dataset,
        notes,
        (ind.level, true, None),
        points,
    );
    fig.omitted = omitted;
    Ok(fig)
}
