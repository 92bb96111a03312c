//! Line chart: one series per value of `series` (or one series), values
//! over `x` (years or waves, placed by their numeric value), with a shaded
//! confidence band where the estimates have one and the series' name at its
//! last point. Missing and suppressed values break the line.

use std::collections::BTreeMap;

use plotters::prelude::*;

use super::frame::{self, Align};
use super::{Figure, Point, drawn, parts, theme};
use crate::error::Result;

const PLOT_H: i32 = 320;
const AXIS: i32 = 30;
const LABEL_GAP: i32 = 16;

/// Draws the line chart of `fig` as SVG.
pub fn draw(fig: &Figure) -> Result<String> {
    let mut series: BTreeMap<String, Vec<(f64, &Point)>> = BTreeMap::new();
    let numeric = fig.points.iter().all(|p| p.key.parse::<f64>().is_ok());
    let keys: Vec<&str> = {
        let mut k: Vec<&str> = fig.points.iter().map(|p| p.key.as_str()).collect();
        k.dedup();
        k
    };
    for p in &fig.points {
        let xv = if numeric {
            p.key.parse().unwrap_or(0.0)
        } else {
            keys.iter().position(|k| *k == p.key).unwrap_or(0) as f64
        };
        series
            .entry(p.series.clone().unwrap_or_default())
            .or_default()
            .push((xv, p));
    }
    let shown: Vec<&(f64, &Point)> = series
        .values()
        .flatten()
        .filter(|(_, p)| drawn(p))
        .collect();
    let x_min = shown.iter().map(|(x, _)| *x).fold(f64::INFINITY, f64::min);
    let x_max = shown
        .iter()
        .map(|(x, _)| *x)
        .fold(f64::NEG_INFINITY, f64::max);
    let y_hi = shown
        .iter()
        .map(|(_, p)| p.high.or(p.value).unwrap_or(0.0))
        .fold(0.0f64, f64::max);
    let y_lo = shown
        .iter()
        .map(|(_, p)| p.low.or(p.value).unwrap_or(0.0))
        .fold(0.0f64, f64::min);
    let y_ticks = theme::ticks(
        y_lo,
        if fig.percent && y_hi > 50.0 {
            100.0
        } else {
            y_hi.max(f64::EPSILON)
        },
        5,
    );
    let (y0, y1) = (y_ticks[0], *y_ticks.last().unwrap_or(&1.0));
    let (x_min, x_max) = if shown.is_empty() {
        (0.0, 1.0)
    } else {
        (x_min, x_max.max(x_min + 1.0))
    };
    // Whole steps from the first x on, so that the first period is
    // labelled (2013, 2015…) — unless the round grid starts far after it
    // (1, 50, 100… rather than 1, 51, 101…): then the grid, after the first x.
    let nice = theme::ticks(x_min, x_max, 8);
    let step = nice
        .get(1)
        .zip(nice.first())
        .map_or(1.0, |(b, a)| (b - a).round().max(1.0));
    let grid: Vec<f64> = nice
        .into_iter()
        .filter(|t| *t >= x_min - 1e-9 && *t <= x_max + 1e-9 && t.fract() == 0.0)
        .collect();
    let x_ticks: Vec<f64> = match grid.first() {
        Some(first) if first - x_min > step / 2.0 && x_min.fract() == 0.0 => {
            std::iter::once(x_min).chain(grid).collect()
        }
        _ => (0..)
            .map(|k| x_min + f64::from(k) * step)
            .take_while(|t| *t <= x_max + 1e-9)
            .filter(|t| t.fract() == 0.0)
            .collect(),
    };
    // What each line's end says: its series' name, or its last value.
    let end_label = |name: &String, pts: &[(f64, &Point)]| {
        if name.is_empty() {
            let last = pts.iter().rev().find(|(_, p)| drawn(p));
            last.map_or(String::new(), |(_, p)| fig.fmt(p.value.unwrap_or(0.0)))
        } else {
            name.clone()
        }
    };
    let name_w = series
        .iter()
        .map(|(name, pts)| theme::text_width(&end_label(name, pts), theme::LABEL_SIZE))
        .max()
        .unwrap_or(0);
    let y_label_w = y_ticks
        .iter()
        .map(|t| theme::text_width(&fig.fmt_tick(*t, &y_ticks), theme::LABEL_SIZE))
        .max()
        .unwrap_or(0);
    let left = theme::MARGIN + y_label_w + 8;
    // Room on the right for the series' names, and for half the last x label.
    let last_label = if numeric {
        x_ticks.last().map_or(String::new(), |t| format!("{t}"))
    } else {
        keys.last().map_or(String::new(), |k| k.to_string())
    };
    let half_label = theme::text_width(&last_label, theme::LABEL_SIZE) / 2;
    let right = theme::WIDTH as i32 - theme::MARGIN - (name_w + 10).max(half_label);
    frame::render(fig, PLOT_H + AXIS, |area, top, bottom| {
        let axis_y = bottom - AXIS;
        let x = |v: f64| {
            left + (((v - x_min) / (x_max - x_min)) * f64::from(right - left)).round() as i32
        };
        let y = |v: f64| {
            axis_y - (((v - y0) / (y1 - y0)) * f64::from(axis_y - top - 10)).round() as i32
        };
        for t in &y_ticks {
            frame::line(area, (left, y(*t)), (right, y(*t)), theme::GRID, 1)?;
            frame::text(
                area,
                &fig.fmt_tick(*t, &y_ticks),
                left - 6,
                y(*t),
                theme::LABEL_SIZE,
                theme::MUTED,
                Align::Right,
                false,
            )?;
        }
        for t in &x_ticks {
            let label = if numeric {
                format!("{t}")
            } else {
                keys.get(*t as usize)
                    .map_or(String::new(), |k| k.to_string())
            };
            parts::tick_label(area, &label, x(*t), axis_y)?;
        }
        frame::line(area, (left, axis_y), (right, axis_y), theme::INK, 1)?;
        let mut ends = Vec::new();
        for (i, (name, pts)) in series.iter().enumerate() {
            let colour = theme::series(i);
            for run in runs(pts) {
                let band: Vec<(i32, i32)> = run
                    .iter()
                    .filter_map(|(xv, p)| p.high.map(|h| (x(*xv), y(h))))
                    .chain(
                        run.iter()
                            .rev()
                            .filter_map(|(xv, p)| p.low.map(|l| (x(*xv), y(l)))),
                    )
                    .collect();
                if band.len() == 2 * run.len() && run.len() > 1 {
                    area.draw(&Polygon::new(band, colour.mix(0.2).filled()))
                        .map_err(frame::draw_err)?;
                }
                let path: Vec<(i32, i32)> = run
                    .iter()
                    .map(|(xv, p)| (x(*xv), y(p.value.unwrap_or(0.0))))
                    .collect();
                area.draw(&PathElement::new(path.clone(), colour.stroke_width(2)))
                    .map_err(frame::draw_err)?;
                if run.len() == 1 {
                    area.draw(&Circle::new(path[0], 3, colour.filled()))
                        .map_err(frame::draw_err)?;
                }
            }
            if let Some((xv, p)) = pts.iter().rev().find(|(_, p)| drawn(p)) {
                let label = end_label(name, pts);
                ends.push((y(p.value.unwrap_or(0.0)), x(*xv) + 6, label, colour));
            }
        }
        // Series names at their last point, pushed apart so none overlap.
        ends.sort_by_key(|e| e.0);
        for i in 1..ends.len() {
            ends[i].0 = ends[i].0.max(ends[i - 1].0 + LABEL_GAP);
        }
        for (yy, xx, label, colour) in &ends {
            frame::text(
                area,
                label,
                *xx,
                *yy,
                theme::LABEL_SIZE,
                *colour,
                Align::Left,
                false,
            )?;
        }
        Ok(())
    })
}

/// Consecutive drawn points (a gap breaks the line).
fn runs<'a>(pts: &'a [(f64, &'a Point)]) -> Vec<Vec<&'a (f64, &'a Point)>> {
    let mut out: Vec<Vec<&(f64, &Point)>> = vec![Vec::new()];
    for p in pts {
        if drawn(p.1) {
            out.last_mut().expect("one run").push(p);
        } else if !out.last().expect("one run").is_empty() {
            out.push(Vec::new());
        }
    }
    out.retain(|r| !r.is_empty());
    out
}
