//! Horizontal bar chart: one bar per domain, from a zero line (leftwards
//! for a negative value, with room kept for its label), with its confidence
//! interval as a whisker and its value as text. Bars flagged "use with
//! caution" are drawn lighter and hatched; suppressed estimates are not
//! drawn (their category shows "suppressed"). In the chart's order
//! (`sort`, by value unless given).

use super::frame::{self, Align};
use super::{Figure, Point, parts, theme};
use crate::error::Result;

const BAR: i32 = 18;
const GAP: i32 = 10;
const AXIS: i32 = 34;

/// Draws the bar chart of `fig` as SVG.
pub fn draw(fig: &Figure) -> Result<String> {
    let points: Vec<&Point> = fig.points.iter().collect();
    let scale = parts::value_scale(fig, points.iter().copied());
    let label_w = points
        .iter()
        .map(|p| theme::text_width(&p.label, theme::LABEL_SIZE))
        .max()
        .unwrap_or(0);
    let room = parts::negative_room(fig, points.iter().copied(), theme::LABEL_SIZE);
    let left = theme::MARGIN + label_w + 10 + room;
    let right = theme::WIDTH as i32
        - theme::MARGIN
        - parts::positive_room(fig, points.iter().copied(), theme::LABEL_SIZE);
    let above = if fig.reference.is_some() {
        parts::REFERENCE_ROW
    } else {
        0
    };
    let plot_h = above + points.len() as i32 * (BAR + GAP) + GAP + AXIS;
    frame::render(fig, plot_h, |area, top, bottom| {
        let top = top + above;
        let x = scale.x(left, right);
        let axis_y = bottom - AXIS;
        parts::value_axis(area, fig, &scale.ticks, &x, top, axis_y)?;
        for (i, p) in points.iter().enumerate() {
            let y0 = top + GAP + i as i32 * (BAR + GAP);
            let yc = y0 + BAR / 2;
            let size = theme::LABEL_SIZE;
            frame::text(
                area,
                &p.label,
                left - 8 - room,
                yc,
                size,
                theme::INK,
                Align::Right,
                false,
            )?;
            parts::labelled_bar(area, fig, p, &x, y0, BAR, theme::series(0), size)?;
        }
        frame::line(area, (x(0.0), top), (x(0.0), axis_y), theme::INK, 1)?;
        parts::reference_line(area, fig, &x, top, axis_y)
    })
}
