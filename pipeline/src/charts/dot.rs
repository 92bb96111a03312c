//! Dot chart: one row per domain in the chart's order — a ranking by value
//! (best first, each row numbered) unless `sort` says otherwise — its name
//! at the left, a dot at the estimate and its interval as a line. The
//! axis spans the values (not from zero), so close scores stay apart.
//! Caution estimates get a hollow dot; suppressed ones are listed unranked.

use plotters::prelude::*;

use super::frame::{self, Align};
use super::{Figure, Point, drawn, parts, theme};
use crate::error::Result;
use crate::spec::model::Order;

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
    let ticks = theme::ticks(lo, hi, 5);
    let (t0, t1) = (ticks[0], *ticks.last().unwrap_or(&hi));
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
        let x = |v: f64| left + (((v - t0) / (t1 - t0)) * f64::from(right - left)).round() as i32;
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
