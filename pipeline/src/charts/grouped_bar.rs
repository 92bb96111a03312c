//! Grouped horizontal bars: for each domain of `by` (in code order), one bar
//! per value of `series`, side by side in the palette's colours, each with
//! its interval; a legend names the series. Caution and suppressed
//! estimates as in the bar chart.

use super::frame::{self, Align};
use super::{Figure, parts, theme};
use crate::error::Result;

const BAR: i32 = 12;
const GROUP_GAP: i32 = 12;
const LEGEND: i32 = 26;
const AXIS: i32 = 34;

/// Draws the grouped bar chart of `fig` as SVG.
pub fn draw(fig: &Figure) -> Result<String> {
    let groups = parts::distinct(&fig.points, |p| p.label.as_str());
    let series = parts::distinct(&fig.points, |p| p.series.as_deref().unwrap_or(""));
    let scale = parts::value_scale(fig, fig.points.iter());
    let label_w = groups
        .iter()
        .map(|g| theme::text_width(g, theme::LABEL_SIZE))
        .max()
        .unwrap_or(0);
    let room = parts::negative_room(fig, fig.points.iter(), theme::NOTE_SIZE);
    let left = theme::MARGIN + label_w + 10 + room;
    let right = theme::WIDTH as i32
        - theme::MARGIN
        - parts::positive_room(fig, fig.points.iter(), theme::NOTE_SIZE);
    let group_h = series.len() as i32 * BAR + GROUP_GAP;
    let entries: Vec<_> = series
        .iter()
        .enumerate()
        .map(|(i, s)| (theme::series(i), s.to_string()))
        .collect();
    let legend_h = LEGEND + parts::legend_extra(&entries, left);
    let above = if fig.reference.is_some() {
        parts::REFERENCE_ROW
    } else {
        0
    };
    let plot_h = legend_h + above + groups.len() as i32 * group_h + GROUP_GAP + AXIS;
    frame::render(fig, plot_h, |area, top, bottom| {
        parts::legend(area, &entries, left, top + 8)?;
        let top = top + legend_h + above;
        let x = scale.x(left, right);
        let axis_y = bottom - AXIS;
        parts::value_axis(area, fig, &scale.ticks, &x, top, axis_y)?;
        for (g, group) in groups.iter().enumerate() {
            let g0 = top + GROUP_GAP + g as i32 * group_h;
            frame::text(
                area,
                group,
                left - 8 - room,
                g0 + series.len() as i32 * BAR / 2,
                theme::LABEL_SIZE,
                theme::INK,
                Align::Right,
                false,
            )?;
            for (s, name) in series.iter().enumerate() {
                let Some(p) = fig
                    .points
                    .iter()
                    .find(|p| p.label == *group && p.series.as_deref().unwrap_or("") == *name)
                else {
                    continue;
                };
                let y0 = g0 + s as i32 * BAR;
                let colour = theme::series(s);
                parts::labelled_bar(area, fig, p, &x, y0 + 1, BAR - 2, colour, theme::NOTE_SIZE)?;
            }
        }
        frame::line(area, (x(0.0), top), (x(0.0), axis_y), theme::INK, 1)?;
        parts::reference_line(area, fig, &x, top, axis_y)
    })
}
