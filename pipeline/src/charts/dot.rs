//! Dot chart: one row per domain in the chart's order — a ranking by value
//! (best first, each row numbered) unless `sort` says otherwise — its name
//! at the left, a dot at the estimate and its interval as a line. The
//! axis spans the values (not from zero), so close scores stay apart.
//! Caution estimates get a hollow dot; suppressed ones are listed unranked.
//! A `coef` chart (a model's forest plot) is drawn the same way in its
//! terms' order around its reference — odds and rate ratios on a log axis,
//! so that 0.5 and 2 stand as far from 1.

use plotters::prelude::*;

use super::frame::{self, Align};
use super::{Figure, Point, drawn, parts, theme};
use crate::error::Result;
use crate::spec::model::{ChartKind, Order};

const ROW: i32 = 24;
const AXIS: i32 = 34;

/// Draws the dot chart of `fig` as SVG.
pub fn draw(fig: &Figure) -> Result<String> {
    // A ranking (by value) numbers its rows; another order does not.
    let ranked = fig.spec.order == Order::Value;
    let points: Vec<&Point> = fig.points.iter().collect();
    let shown: Vec<&&Point> = points.iter().filter(|p| drawn(p)).collect();
    let lo = shown
        .iter()
        .map(|p| p.low.or(p.value).unwrap_or(0.0))
        .fold(f64::INFINITY, f64::min);
    let hi = shown
        .iter()
        .map(|p| p.high.or(p.value).unwrap_or(0.0))
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if shown.is_empty() {
        (0.0, 1.0)
    } else {
        (lo, hi.max(lo + f64::EPSILON))
    };
    let (lo, hi) = match fig.reference {
        Some(r) => (lo.min(r), hi.max(r)),
        None => (lo, hi),
    };
    let log = fig.spec.kind == ChartKind::Coef && fig.reference == Some(1.0);
    let ticks = if log {
        log_ticks(lo, hi)
    } else {
        theme::ticks(lo, hi, 5)
    };
    let (t0, t1) = (ticks[0], *ticks.last().unwrap_or(&hi));
    let along = |v: f64| if log { v.ln() } else { v };
    let label_w = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let name = if ranked {
                format!("{}. {}", i + 1, p.label)
            } else {
                p.label.clone()
            };
            theme::text_width(&name, theme::LABEL_SIZE)
        })
        .max()
        .unwrap_or(0);
    let left = theme::MARGIN + label_w + 14;
    let right = theme::WIDTH as i32 - theme::MARGIN - 60;
    let above = if fig.reference.is_some() {
        parts::REFERENCE_ROW
    } else {
        0
    };
    let plot_h = above + points.len() as i32 * ROW + 8 + AXIS;
    frame::render(fig, plot_h, |area, top, bottom| {
        let top = top + above;
        let x = |v: f64| {
            let at = (along(v) - along(t0)) / (along(t1) - along(t0));
            left + (at * f64::from(right - left)).round() as i32
        };
        let axis_y = bottom - AXIS;
        parts::value_axis(area, fig, &ticks, x, top, axis_y)?;
        parts::reference_line(area, fig, x, top, axis_y)?;
        let mut rank = 0;
        for (i, p) in points.iter().enumerate() {
            let yc = top + 4 + i as i32 * ROW + ROW / 2;
            let name = if drawn(p) && ranked {
                rank += 1;
                format!("{rank}. {}", p.label)
            } else {
                p.label.clone()
            };
            frame::text(
                area,
                &name,
                left - 10,
                yc,
                theme::LABEL_SIZE,
                theme::INK,
                Align::Right,
                false,
            )?;
            if !drawn(p) {
                parts::suppressed(area, fig, p, left + 4, yc, theme::LABEL_SIZE)?;
                continue;
            }
            let v = p.value.unwrap_or(0.0);
            let mut end = x(v);
            if let (Some(l), Some(h)) = (p.low, p.high) {
                parts::whisker(area, x(l), x(h), yc, 4)?;
                end = end.max(x(h));
            }
            let colour = theme::series(0);
            let style = if parts::caution(p) {
                ShapeStyle::from(&WHITE).filled()
            } else {
                colour.filled()
            };
            area.draw(&Circle::new((x(v), yc), 5, style))
                .map_err(frame::draw_err)?;
            area.draw(&Circle::new((x(v), yc), 5, colour.stroke_width(2)))
                .map_err(frame::draw_err)?;
            frame::text(
                area,
                &fig.fmt(v),
                end + 8,
                yc,
                theme::LABEL_SIZE,
                theme::INK,
                Align::Left,
                false,
            )?;
        }
        Ok(())
    })
}

/// Ticks of a log axis covering `lo`..`hi` (positive): the 1–2–5 series,
/// or powers of ten when that would be more than eight ticks.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = (lo.max(1e-9), hi.max(lo.max(1e-9) * 1.01));
    let series: Vec<f64> = (-9..=9)
        .flat_map(|e| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(e)))
        .collect();
    let pick = |steps: &[f64]| -> Vec<f64> {
        let first = steps.iter().rposition(|t| *t <= lo).unwrap_or(0);
        let last = steps
            .iter()
            .position(|t| *t >= hi)
            .unwrap_or(steps.len() - 1);
        steps[first..=last].to_vec()
    };
    let ticks = pick(&series);
    if ticks.len() <= 8 {
        return ticks;
    }
    pick(&(-9..=9).map(|e| 10f64.powi(e)).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::log_ticks;

    #[test]
    fn log_ticks_cover_the_range() {
        assert_eq!(log_ticks(0.3, 2.6), vec![0.2, 0.5, 1.0, 2.0, 5.0]);
        assert_eq!(
            log_ticks(0.004, 30.0),
            vec![0.001, 0.01, 0.1, 1.0, 10.0, 100.0]
        );
    }
}
