//! 100% stacked bars of a crosstab: one bar per row value (in the chart's
//! order), one segment per column value in the palette's colours, each
//! labelled with its percentage where it fits; a legend names the column
//! values and the test of independence is noted under the chart.
//! Suppressed cells are drawn grey and unlabelled.

use plotters::prelude::*;

use super::frame::{self, Align};
use super::{Figure, drawn, parts, theme};
use crate::error::Result;

const BAR: i32 = 20;
const GAP: i32 = 10;
const LEGEND: i32 = 26;
const AXIS: i32 = 34;

/// Draws the stacked bar chart of `fig` as SVG.
pub fn draw(fig: &Figure) -> Result<String> {
    let groups = parts::distinct(&fig.points, |p| p.label.as_str());
    let series = parts::distinct(&fig.points, |p| p.series.as_deref().unwrap_or(""));
    let label_w = groups
        .iter()
        .map(|g| theme::text_width(g, theme::LABEL_SIZE))
        .max()
        .unwrap_or(0);
    let left = theme::MARGIN + label_w + 10;
    let right = theme::WIDTH as i32 - theme::MARGIN - 10;
    let entries: Vec<_> = series
        .iter()
        .enumerate()
        .map(|(i, s)| (theme::series(i), s.to_string()))
        .collect();
    let legend_h = LEGEND + parts::legend_extra(&entries, left);
    let plot_h = legend_h + groups.len() as i32 * (BAR + GAP) + GAP + AXIS;
    let ticks = [0.0, 25.0, 50.0, 75.0, 100.0];
    frame::render(fig, plot_h, |area, top, bottom| {
        parts::legend(area, &entries, left, top + 8)?;
        let top = top + legend_h;
        let x = |v: f64| left + ((v / 100.0) * f64::from(right - left)).round() as i32;
        let axis_y = bottom - AXIS;
        parts::value_axis(area, fig, &ticks, x, top, axis_y)?;
        for (g, group) in groups.iter().enumerate() {
            let y0 = top + GAP + g as i32 * (BAR + GAP);
            frame::text(
                area,
                group,
                left - 8,
                y0 + BAR / 2,
                theme::LABEL_SIZE,
                theme::INK,
                Align::Right,
                false,
            )?;
            let mut start = 0.0;
            for (s, name) in series.iter().enumerate() {
                let Some(p) = fig
                    .points
                    .iter()
                    .find(|p| p.label == *group && p.series.as_deref().unwrap_or("") == *name)
                else {
                    continue;
                };
                let v = p.value.unwrap_or(0.0);
                let (x0, x1) = (x(start), x(start + v));
                start += v;
                let colour = if drawn(p) {
                    theme::series(s)
                } else {
                    theme::GRID
                };
                area.draw(&Rectangle::new([(x0, y0), (x1, y0 + BAR)], colour.filled()))
                    .map_err(frame::draw_err)?;
                let text = fig.fmt(v);
                let fits = theme::text_width(&text, theme::NOTE_SIZE) + 6 <= x1 - x0;
                if drawn(p) && fits {
                    frame::text(
                        area,
                        &text,
                        (x0 + x1) / 2,
                        y0 + BAR / 2,
                        theme::NOTE_SIZE,
                        theme::text_on(colour),
                        Align::Centre,
                        false,
                    )?;
                }
            }
        }
        Ok(())
    })
}
