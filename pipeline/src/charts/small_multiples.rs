//! Small multiples: one panel per value of `series`, each a small bar chart
//! of the domains of `by` (in code order), all on one value scale so the
//! panels compare at a glance; two panels a row.

use super::frame::{self, Align};
use super::{Figure, parts, theme};
use crate::error::Result;

const COLUMNS: i32 = 2;
const BAR: i32 = 12;
const GAP: i32 = 6;
const TITLE: i32 = 24;
const AXIS: i32 = 24;
const PANEL_GAP: i32 = 24;

/// Draws the small multiples of `fig` as SVG.
pub fn draw(fig: &Figure) -> Result<String> {
    let panels = parts::distinct(&fig.points, |p| p.series.as_deref().unwrap_or(""));
    let bars = parts::distinct(&fig.points, |p| p.label.as_str());
    let scale = parts::value_scale(fig, fig.points.iter());
    let label_w = bars
        .iter()
        .map(|b| theme::text_width(b, theme::LABEL_SIZE))
        .max()
        .unwrap_or(0);
    let room = parts::negative_room(fig, fig.points.iter(), theme::LABEL_SIZE);
    let room_right = parts::positive_room(fig, fig.points.iter(), theme::LABEL_SIZE) - 24;
    let panel_w = (theme::WIDTH as i32 - 2 * theme::MARGIN - (COLUMNS - 1) * PANEL_GAP) / COLUMNS;
    let panel_h = TITLE + bars.len() as i32 * (BAR + GAP) + GAP + AXIS;
    let rows = (panels.len() as i32 + COLUMNS - 1) / COLUMNS;
    let plot_h = rows * (panel_h + PANEL_GAP);
    frame::render(fig, plot_h, |area, top, _| {
        for (k, panel) in panels.iter().enumerate() {
            let (col, row) = (k as i32 % COLUMNS, k as i32 / COLUMNS);
            let x0 = theme::MARGIN + col * (panel_w + PANEL_GAP);
            let y0 = top + row * (panel_h + PANEL_GAP);
            frame::text(
                area,
                panel,
                x0,
                y0 + TITLE / 2,
                theme::LABEL_SIZE,
                theme::INK,
                Align::Left,
                true,
            )?;
            let left = x0 + label_w + 6 + room;
            let right = x0 + panel_w - 36.max(room_right);
            let x = scale.x(left, right);
            let axis_y = y0 + panel_h - AXIS;
            let first = y0 + TITLE;
            parts::value_axis(area, fig, &scale.ticks, &x, first, axis_y)?;
            for (i, label) in bars.iter().enumerate() {
                let b0 = first + GAP + i as i32 * (BAR + GAP);
                frame::text(
                    area,
                    label,
                    left - 6 - room,
                    b0 + BAR / 2,
                    theme::LABEL_SIZE,
                    theme::INK,
                    Align::Right,
                    false,
                )?;
                let point = fig
                    .points
                    .iter()
                    .find(|p| p.label == *label && p.series.as_deref().unwrap_or("") == *panel);
                if let Some(p) = point {
                    let colour = theme::series(0);
                    parts::labelled_bar(area, fig, p, &x, b0, BAR, colour, theme::LABEL_SIZE)?;
                }
            }
            frame::line(area, (x(0.0), first), (x(0.0), axis_y), theme::INK, 1)?;
        }
        Ok(())
    })
}
