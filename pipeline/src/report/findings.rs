//! Key findings in words, at the head of each report section: for each
//! figure of a one-way breakdown, its highest and lowest domains with their
//! intervals; for each declared comparison of an indicator the section
//! shows, the difference with its p-value — called significant only when it
//! is at the 5% level, and otherwise said not to show a gap. Sentences say
//! what the estimates say, never more: a ranking of estimates is not
//! called a difference unless a design-based test supports it.

use super::ComparisonCtx;
use crate::charts::{Figure, drawn};
use crate::indicators::compare::ComparisonRow;
use crate::locale::{fill, level_percent, numbers};
use crate::spec::model::Study;

/// The level at which a difference is called significant.
const ALPHA: f64 = 0.05;

/// The highest and lowest domains of `fig` in a sentence: none for a
/// crossed breakdown, fewer than two drawn domains, or domains all equal.
pub fn range(fig: &Figure) -> Option<String> {
    if fig.points.iter().any(|p| p.series.is_some()) {
        return None;
    }
    let drawn: Vec<_> = fig.points.iter().filter(|p| drawn(p)).collect();
    let value = |p: &&crate::charts::Point| p.value.unwrap_or(0.0);
    let high = drawn.iter().max_by(|a, b| value(a).total_cmp(&value(b)))?;
    let low = drawn.iter().min_by(|a, b| value(a).total_cmp(&value(b)))?;
    if drawn.len() < 2 || value(high) == value(low) {
        return None;
    }
    let with_interval = high.low.is_some() && low.low.is_some();
    let level = level_percent(fig.level);
    let side = |p: &crate::charts::Point| match (p.low, p.high) {
        (Some(lo), Some(hi)) if with_interval => (
            fig.fmt(p.value.unwrap_or(0.0)),
            format!("{}–{}", fig.fmt(lo), fig.fmt(hi)),
        ),
        _ => (fig.fmt(p.value.unwrap_or(0.0)), String::new()),
    };
    let (hv, hi) = side(high);
    let (lv, li) = side(low);
    let key = if with_interval {
        "finding_range_interval"
    } else {
        "finding_range"
    };
    Some(fill(
        fig.lang,
        key,
        &[
            ("indicator", &fig.title),
            ("high", &high.full_label),
            ("high_value", &hv),
            ("high_interval", &hi),
            ("low", &low.full_label),
            ("low_value", &lv),
            ("low_interval", &li),
            ("level", &level),
        ],
    ))
}

/// The comparison `row` (shown as `ctx`) in a sentence: its two sides,
/// their difference with its interval, and whether it is significant.
pub fn gap(study: &Study, row: &ComparisonRow, ctx: &ComparisonCtx) -> String {
    let lang = study.language;
    let percent = study
        .indicator(&row.indicator)
        .is_some_and(|i| i.statistic.in_percent());
    let fmt = |v: f64| {
        if percent {
            numbers::percent(v * 100.0, lang)
        } else {
            numbers::number(v, numbers::auto_decimals(v), lang)
        }
    };
    let p = numbers::p_clause(row.diff.p_value, lang);
    // Two waves (or surveys) compare indicators, named by their labels.
    let label_of = |id: &str| {
        study
            .indicator(id)
            .map_or(id, |i| i.label.get_or(lang, id))
            .to_string()
    };
    let (a, b) = match row.method {
        "independent" => (label_of(&row.indicator), label_of(&row.by)),
        _ => (ctx.a.clone(), ctx.b.clone()),
    };
    let key = if row.diff.p_value < ALPHA {
        "finding_gap"
    } else {
        "finding_no_gap"
    };
    fill(
        lang,
        key,
        &[
            ("label", &ctx.label),
            ("a", &a),
            ("a_value", &fmt(row.diff.a)),
            ("b", &b),
            ("b_value", &fmt(row.diff.b)),
            ("difference", &ctx.difference),
            ("interval", &ctx.interval),
            ("p", &p),
        ],
    )
}
