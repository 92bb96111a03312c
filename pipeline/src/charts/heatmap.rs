//! Heatmap: a row per domain of `by`, a column per indicator, each cell
//! coloured on the sequential scale by its value (classes shared by the
//! whole chart, shown in a legend) and labelled with it. Caution cells are
//! hatched; suppressed cells are left grey.

use plotters::prelude::*;

use super::frame::{self, Align};
use super::{Figure, classes, drawn, parts, theme};
use crate::error::Result;
use crate::locale::Flag;

const ROW: i32 = 24;
const HEADER_LINE: i32 = 15;
const LEGEND: i32 = 30;
const MISSING: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);

/// Draws the heatmap of `fig` as SVG.
pub fn draw(fig: &Figure) -> Result<String> {
    let rows = parts::distinct(&fig.points, |p| p.label.as_str());
    let columns = parts::distinct(&fig.points, |p| p.series.as_deref().unwrap_or(""));
    let bounds = classes::bounds(&fig.points, 5, fig.spec.classes);
    let label_w = rows
        .iter()
        .map(|r| theme::text_width(r, theme::LABEL_SIZE))
        .max()
        .unwrap_or(0);
    let left = theme::MARGIN + label_w + 10;
    let right = theme::WIDTH as i32 - theme::MARGIN;
    let cell_w = (right - left) / columns.len().max(1) as i32;
    let chars = ((f64::from(cell_w) - 6.0) / (theme::NOTE_SIZE * 0.6)).max(4.0) as usize;
    let heads: Vec<Vec<String>> = columns.iter().map(|c| frame::wrap(c, chars)).collect();
    let head_h = heads.iter().map(Vec::len).max().unwrap_or(1) as i32 * HEADER_LINE + 6;
    // A word wider than its column ("Cleantech" over ten columns) sets a
    // smaller size for every header rather than run into its neighbour.
    let widest = heads
        .iter()
        .flatten()
        .map(|l| theme::text_width(l, theme::NOTE_SIZE))
        .max()
        .unwrap_or(0);
    let head_size = if widest > cell_w - 6 {
        theme::NOTE_SIZE * f64::from(cell_w - 6) / f64::from(widest)
    } else {
        theme::NOTE_SIZE
    };
    let entries = classes::legend(fig, &bounds);
    let legend_h = LEGEND + parts::legend_extra(&entries, left);
    let plot_h = legend_h + head_h + rows.len() as i32 * ROW + 8;
    frame::render(fig, plot_h, |area, top, _| {
        parts::legend(area, &entries, left, top + 8)?;
        let grid_top = top + legend_h + head_h;
        for (c, lines) in heads.iter().enumerate() {
            let xc = left + c as i32 * cell_w + cell_w / 2;
            for (k, line) in lines.iter().enumerate() {
                let y = grid_top - head_h + 6 + k as i32 * HEADER_LINE + HEADER_LINE / 2;
                frame::text(
                    area,
                    line,
                    xc,
                    y,
                    head_size,
                    theme::INK,
                    Align::Centre,
                    false,
                )?;
            }
        }
        for (r, row) in rows.iter().enumerate() {
            let y0 = grid_top + r as i32 * ROW;
            frame::text(
                area,
                row,
                left - 8,
                y0 + ROW / 2,
                theme::LABEL_SIZE,
                theme::INK,
                Align::Right,
                false,
            )?;
            for (c, column) in columns.iter().enumerate() {
                let x0 = left + c as i32 * cell_w;
                let cell = [(x0, y0), (x0 + cell_w - 2, y0 + ROW - 2)];
                let point = fig
                    .points
                    .iter()
                    .find(|p| p.label == *row && p.series.as_deref().unwrap_or("") == *column);
                let Some(p) = point.filter(|p| drawn(p)) else {
                    area.draw(&Rectangle::new(cell, MISSING.filled()))
                        .map_err(frame::draw_err)?;
                    // Statistics offices' mark of a confidential cell.
                    if point.is_some_and(|p| p.flag == Some(Flag::Confidential)) {
                        frame::text(
                            area,
                            "x",
                            x0 + cell_w / 2,
                            y0 + ROW / 2 - 1,
                            theme::NOTE_SIZE,
                            theme::MUTED,
                            Align::Centre,
                            false,
                        )?;
                    }
                    continue;
                };
                let v = p.value.unwrap_or(0.0);
                let colour = classes::colour(&bounds, v);
                area.draw(&Rectangle::new(cell, colour.filled()))
                    .map_err(frame::draw_err)?;
                if parts::caution(p) {
                    let ring = vec![
                        (x0, y0),
                        (x0 + cell_w - 2, y0),
                        (x0 + cell_w - 2, y0 + ROW - 2),
                        (x0, y0 + ROW - 2),
                    ];
                    parts::hatch(area, &[ring], theme::MUTED)?;
                }
                frame::text(
                    area,
                    &fig.fmt(v),
                    x0 + cell_w / 2,
                    y0 + ROW / 2 - 1,
                    theme::NOTE_SIZE,
                    theme::text_on(colour),
                    Align::Centre,
                    false,
                )?;
            }
        }
        Ok(())
    })
}
