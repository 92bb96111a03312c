//! Horizontal bar chart: one bar per domain, from zero, with its confidence
//! interval as a whisker and its value as text. Bars flagged "use with
//! caution" are drawn lighter; suppressed estimates are not drawn (their
//! category shows "suppressed"). Sorted by value unless `sort = "code"`.

use plotters::prelude::*;

use super::frame::{self, Align};
use super::{Figure, drawn, theme};
use crate::error::Result;
use crate::spec::model::{BarOrder, Language};

const BAR: i32 = 18;
const GAP: i32 = 10;
const AXIS: i32 = 34;

/// Draws the bar chart of `fig` as SVG.
pub fn draw(fig: &Figure) -> Result<String> {
    let mut points: Vec<&super::Point> = fig.points.iter().collect();
    if fig.spec.order == BarOrder::Value {
        points.sort_by(|a, b| {
            b.value
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&a.value.unwrap_or(f64::NEG_INFINITY))
        });
    }
    let max = points
        .iter()
        .filter(|p| drawn(p))
        .map(|p| p.high.or(p.value).unwrap_or(0.0))
        .fold(0.0f64, f64::max);
    let max = if fig.percent && max > 50.0 {
        max.max(100.0)
    } else {
        max.max(f64::EPSILON)
    };
    let ticks = theme::ticks(0.0, max, 5);
    let x_max = *ticks.last().unwrap_or(&max);
    let label_w = points
        .iter()
        .map(|p| theme::text_width(&p.label, theme::LABEL_SIZE))
        .max()
        .unwrap_or(0);
    let left = theme::MARGIN + label_w + 10;
    let right = theme::WIDTH as i32 - theme::MARGIN - 60;
    let plot_h = points.len() as i32 * (BAR + GAP) + GAP + AXIS;
    let suppressed = match fig.lang {
        Language::En => "suppressed",
        Language::Fr => "supprimé",
    };
    frame::render(fig, plot_h, |area, top, bottom| {
        let x = |v: f64| left + ((v / x_max) * f64::from(right - left)).round() as i32;
        let axis_y = bottom - AXIS;
        for t in &ticks {
            frame::line(area, (x(*t), top), (x(*t), axis_y), theme::GRID, 1)?;
            frame::text(
                area,
                &fig.fmt_tick(*t, &ticks),
                x(*t),
                axis_y + 14,
                theme::LABEL_SIZE,
                theme::MUTED,
                Align::Centre,
                false,
            )?;
        }
        for (i, p) in points.iter().enumerate() {
            let y0 = top + GAP + i as i32 * (BAR + GAP);
            let yc = y0 + BAR / 2;
            frame::text(
                area,
                &p.label,
                left - 8,
                yc,
                theme::LABEL_SIZE,
                theme::INK,
                Align::Right,
                false,
            )?;
            if !drawn(p) {
                frame::text(
                    area,
                    suppressed,
                    left + 4,
                    yc,
                    theme::LABEL_SIZE,
                    theme::MUTED,
                    Align::Left,
                    false,
                )?;
                continue;
            }
            let v = p.value.unwrap_or(0.0);
            let colour = theme::series(0);
            let style = if p.flag.as_deref() == Some("caution") {
                colour.mix(0.4).filled()
            } else {
                colour.filled()
            };
            area.draw(&Rectangle::new([(x(0.0), y0), (x(v), y0 + BAR)], style))
                .map_err(frame::draw_err)?;
            let mut end = x(v);
            if let (Some(lo), Some(hi)) = (p.low, p.high) {
                frame::line(area, (x(lo), yc), (x(hi), yc), theme::WHISKER, 1)?;
                frame::line(area, (x(lo), yc - 5), (x(lo), yc + 5), theme::WHISKER, 1)?;
                frame::line(area, (x(hi), yc - 5), (x(hi), yc + 5), theme::WHISKER, 1)?;
                end = end.max(x(hi));
            }
            frame::text(
                area,
                &fig.fmt(v),
                end + 6,
                yc,
                theme::LABEL_SIZE,
                theme::INK,
                Align::Left,
                false,
            )?;
        }
        frame::line(area, (x(0.0), top), (x(0.0), axis_y), theme::INK, 1)
    })
}
