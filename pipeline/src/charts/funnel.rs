//! Funnel: the stages of a process (applications, shortlisted, selected)
//! for the whole programme and each domain of `by`, one block per domain
//! with a bar per stage centred on the same axis, its width the stage's
//! share of the block's first stage, labelled with its count and its
//! conversion from the stage before. The stages are the chart's
//! indicators, in order; the conversions are their ratios.

use plotters::prelude::*;

use super::frame::{self, Align};
use super::{Figure, drawn, parts, theme};
use crate::error::Result;
use crate::locale::numbers;

const BAR: i32 = 16;
const GAP: i32 = 4;
const HEAD: i32 = 22;
const BLOCK_GAP: i32 = 10;

/// Draws the funnel chart of `fig` as SVG.
pub fn draw(fig: &Figure) -> Result<String> {
    let groups = parts::distinct(&fig.points, |p| p.label.as_str());
    let stages = parts::distinct(&fig.points, |p| p.series.as_deref().unwrap_or(""));
    let label_w = stages
        .iter()
        .map(|s| theme::text_width(s, theme::NOTE_SIZE))
        .max()
        .unwrap_or(0);
    let left = theme::MARGIN + label_w + 12;
    let right = theme::WIDTH as i32 - theme::MARGIN;
    let centre = (left + right) / 2;
    let half = (right - left) / 2;
    let block = HEAD + stages.len() as i32 * (BAR + GAP) + BLOCK_GAP;
    let plot_h = groups.len() as i32 * block;
    frame::render(fig, plot_h, |area, top, _| {
        for (g, group) in groups.iter().enumerate() {
            let y0 = top + g as i32 * block;
            // The heading has the room the bars' labels do not: the whole label.
            let heading = fig
                .points
                .iter()
                .find(|p| p.label == *group)
                .map_or(*group, |p| p.full_label.as_str());
            frame::text(
                area,
                heading,
                theme::MARGIN,
                y0 + HEAD / 2,
                theme::LABEL_SIZE,
                theme::INK,
                Align::Left,
                true,
            )?;
            let value = |stage: &str| {
                fig.points
                    .iter()
                    .find(|p| p.label == *group && p.series.as_deref().unwrap_or("") == stage)
            };
            let first = value(stages[0]).filter(|p| drawn(p)).and_then(|p| p.value);
            let mut before: Option<f64> = None;
            for (s, stage) in stages.iter().enumerate() {
                let y = y0 + HEAD + s as i32 * (BAR + GAP);
                let yc = y + BAR / 2;
                frame::text(
                    area,
                    stage,
                    left - 8,
                    yc,
                    theme::NOTE_SIZE,
                    theme::MUTED,
                    Align::Right,
                    false,
                )?;
                let Some(p) = value(stage) else { continue };
                let shown = p.value.filter(|_| drawn(p));
                let (Some(v), Some(f)) = (shown, first.filter(|f| *f > 0.0)) else {
                    frame::text(
                        area,
                        parts::not_drawn_text(fig, p),
                        centre,
                        yc,
                        theme::NOTE_SIZE,
                        theme::MUTED,
                        Align::Centre,
                        false,
                    )?;
                    before = None;
                    continue;
                };
                let w = ((v / f).clamp(0.0, 1.0) * f64::from(half)).round() as i32;
                let colour = theme::series(0);
                area.draw(&Rectangle::new(
                    [(centre - w, y), (centre + w.max(1), y + BAR)],
                    colour.filled(),
                ))
                .map_err(frame::draw_err)?;
                let mut text = fig.fmt(v);
                if let Some(b) = before.filter(|b| *b > 0.0) {
                    text = format!("{text} ({})", numbers::percent(100.0 * v / b, fig.lang));
                }
                let width = theme::text_width(&text, theme::NOTE_SIZE);
                let (x, ink, align) = if width + 8 <= 2 * w {
                    (centre, theme::text_on(colour), Align::Centre)
                } else {
                    (centre + w + 6, theme::INK, Align::Left)
                };
                frame::text(area, &text, x, yc, theme::NOTE_SIZE, ink, align, false)?;
                before = Some(v);
            }
        }
        Ok(())
    })
}
