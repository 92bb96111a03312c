//! Drawing pieces several chart kinds share: the horizontal value axis of
//! bar-like charts, a bar with its interval whisker, hatching for estimates
//! to use with caution, a colour legend, and the domain of values to scale.

use plotters::prelude::*;

use super::frame::{self, Align, Area};
use super::{Figure, Point, drawn, theme};
use crate::error::Result;
use crate::locale::Flag;

/// Text shown in place of an estimate not drawn: "suppressed" when too
/// unreliable, "no value" when there is none.
pub fn not_drawn_text(fig: &Figure, p: &Point) -> &'static str {
    let key = match p.flag {
        Some(Flag::Suppressed) => "drawn_suppressed",
        Some(Flag::Confidential) => "drawn_confidential",
        _ => "drawn_no_value",
    };
    crate::locale::phrase(fig.lang, key)
}

/// Whether a point is to be used with caution.
pub fn caution(p: &Point) -> bool {
    p.flag == Some(Flag::Caution)
}

/// A value axis that covers zero and every drawn value and interval (up to
/// 100 for percentages above 50): its ends and ticks.
pub struct Scale {
    /// The lowest tick (0 unless a value is negative).
    pub min: f64,
    /// The highest tick.
    pub max: f64,
    /// The ticks.
    pub ticks: Vec<f64>,
}

impl Scale {
    /// Places a value between `left` and `right`.
    pub fn x(&self, left: i32, right: i32) -> impl Fn(f64) -> i32 + '_ {
        move |v: f64| {
            left + (((v - self.min) / (self.max - self.min)) * f64::from(right - left)).round()
                as i32
        }
    }
}

/// The scale of the drawn `points` of `fig`.
pub fn value_scale<'a>(fig: &Figure, points: impl Iterator<Item = &'a Point>) -> Scale {
    let (lo, hi) = points
        .filter(|p| drawn(p))
        .fold((0.0f64, 0.0f64), |(lo, hi), p| {
            let v = p.value.unwrap_or(0.0);
            (
                lo.min(p.low.unwrap_or(v)).min(v),
                hi.max(p.high.unwrap_or(v)).max(v),
            )
        });
    let r = fig.reference.unwrap_or(0.0);
    let (lo, hi) = (lo.min(r), hi.max(r));
    let hi = if fig.percent && hi > 50.0 {
        hi.max(100.0)
    } else if lo < 0.0 {
        hi
    } else {
        hi.max(f64::EPSILON)
    };
    let ticks = theme::ticks(lo, hi, 5);
    Scale {
        min: *ticks.first().unwrap_or(&lo),
        max: *ticks.last().unwrap_or(&hi),
        ticks,
    }
}

/// The room right of the value axis that the labels of positive bars need
/// (at least 60 pixels).
pub fn positive_room<'a>(fig: &Figure, points: impl Iterator<Item = &'a Point>, size: f64) -> i32 {
    points
        .filter(|p| drawn(p) && p.value.is_some_and(|v| v >= 0.0))
        .map(|p| theme::text_width(&fig.fmt(p.value.unwrap_or(0.0)), size) + 10)
        .fold(60, i32::max)
}

/// The room left of the zero line that the labels of negative bars need
/// (their values are written past the bar's left end): none when no drawn
/// value is negative.
pub fn negative_room<'a>(fig: &Figure, points: impl Iterator<Item = &'a Point>, size: f64) -> i32 {
    points
        .filter(|p| drawn(p) && p.value.is_some_and(|v| v < 0.0))
        .map(|p| theme::text_width(&fig.fmt(p.value.unwrap_or(0.0)), size) + 8)
        .max()
        .unwrap_or(0)
}

/// The height a reference line's label takes above the plot.
pub const REFERENCE_ROW: i32 = 18;

/// The reference line of `fig` (its overall value, or a forest plot's 1),
/// dashed from `top` to `axis_y`, labelled "All: 72.3%" just above `top` — to the right of the
/// line, or to its left when the label would leave the canvas.
pub fn reference_line(
    area: &Area,
    fig: &Figure,
    x: impl Fn(f64) -> i32,
    top: i32,
    axis_y: i32,
) -> Result<()> {
    let Some(r) = fig.reference else {
        return Ok(());
    };
    let at = x(r);
    area.draw(&plotters::element::DashedPathElement::new(
        vec![(at, top), (at, axis_y)],
        4,
        3,
        theme::INK.stroke_width(1),
    ))
    .map_err(frame::draw_err)?;
    if fig.spec.kind == crate::spec::model::ChartKind::Coef {
        // A model's reference (1 or 0) is not an overall value: no label.
        return Ok(());
    }
    let label = format!(
        "{}{}{}",
        crate::locale::phrase(fig.lang, "all"),
        crate::locale::phrase(fig.lang, "colon"),
        fig.fmt(r)
    );
    let fits =
        at + 4 + theme::text_width(&label, theme::NOTE_SIZE) <= theme::WIDTH as i32 - theme::MARGIN;
    let (x0, align) = if fits {
        (at + 4, Align::Left)
    } else {
        (at - 4, Align::Right)
    };
    frame::text(
        area,
        &label,
        x0,
        top - REFERENCE_ROW / 2,
        theme::NOTE_SIZE,
        theme::INK,
        align,
        false,
    )
}

/// Vertical grid lines and tick labels of a horizontal value axis from
/// `top` down to `axis_y`, `x` placing a value.
pub fn value_axis(
    area: &Area,
    fig: &Figure,
    ticks: &[f64],
    x: impl Fn(f64) -> i32,
    top: i32,
    axis_y: i32,
) -> Result<()> {
    for t in ticks {
        frame::line(area, (x(*t), top), (x(*t), axis_y), theme::GRID, 1)?;
        tick_label(area, &fig.fmt_tick(*t, ticks), x(*t), axis_y)?;
    }
    Ok(())
}

/// A tick's label, centred under the axis at `axis_y`.
pub fn tick_label(area: &Area, text: &str, x: i32, axis_y: i32) -> Result<()> {
    let size = theme::LABEL_SIZE;
    frame::text(
        area,
        text,
        x,
        axis_y + 14,
        size,
        theme::MUTED,
        Align::Centre,
        false,
    )
}

/// A horizontal bar of `p` from zero (rightwards, or leftwards for a
/// negative value), `y0` to `y0 + height`, in `colour` (hatched when to be
/// used with caution), with its interval whisker; returns the bar's outer
/// end, whisker included (where its label may start, on the side away
/// from zero).
pub fn bar(
    area: &Area,
    p: &Point,
    x: impl Fn(f64) -> i32,
    y0: i32,
    height: i32,
    colour: RGBColor,
) -> Result<i32> {
    let v = p.value.unwrap_or(0.0);
    let (from, to) = (x(0.0).min(x(v)), x(0.0).max(x(v)));
    let corners = [(from, y0), (to, y0 + height)];
    if caution(p) {
        area.draw(&Rectangle::new(corners, colour.mix(0.35).filled()))
            .map_err(frame::draw_err)?;
        let ring = [
            (x(0.0), y0),
            (x(v), y0),
            (x(v), y0 + height),
            (x(0.0), y0 + height),
        ];
        hatch(area, &[ring.to_vec()], colour)?;
    } else {
        area.draw(&Rectangle::new(corners, colour.filled()))
            .map_err(frame::draw_err)?;
    }
    let yc = y0 + height / 2;
    let mut end = x(v);
    if let (Some(lo), Some(hi)) = (p.low, p.high) {
        whisker(area, x(lo), x(hi), yc, (height / 3).max(3))?;
        end = if v < 0.0 {
            end.min(x(lo))
        } else {
            end.max(x(hi))
        };
    }
    Ok(end)
}

/// `bar` with its value written after it — or, for an estimate not drawn,
/// "suppressed" written at the axis — in text of `size`.
#[allow(clippy::too_many_arguments)]
pub fn labelled_bar(
    area: &Area,
    fig: &Figure,
    p: &Point,
    x: impl Fn(f64) -> i32,
    y0: i32,
    height: i32,
    colour: RGBColor,
    size: f64,
) -> Result<()> {
    let yc = y0 + height / 2;
    if !drawn(p) {
        return suppressed(area, fig, p, x(0.0) + 4, yc, size);
    }
    let v = p.value.unwrap_or(0.0);
    let end = bar(area, p, &x, y0, height, colour)?;
    let (at, align) = if v < 0.0 {
        (end - 5, Align::Right)
    } else {
        (end + 5, Align::Left)
    };
    frame::text(area, &fig.fmt(v), at, yc, size, theme::INK, align, false)
}

/// Why `p` is not drawn, in the figure's language, from (`x`, `y`):
/// "suppressed" (too unreliable), or "no value" (nothing to estimate, as the
/// first period of a growth series).
pub fn suppressed(area: &Area, fig: &Figure, p: &Point, x: i32, y: i32, size: f64) -> Result<()> {
    let text = not_drawn_text(fig, p);
    frame::text(area, text, x, y, size, theme::MUTED, Align::Left, false)
}

/// An interval from `lo` to `hi` at height `y`, with end ticks of half-height `tick`.
pub fn whisker(area: &Area, lo: i32, hi: i32, y: i32, tick: i32) -> Result<()> {
    frame::line(area, (lo, y), (hi, y), theme::WHISKER, 1)?;
    frame::line(area, (lo, y - tick), (lo, y + tick), theme::WHISKER, 1)?;
    frame::line(area, (hi, y - tick), (hi, y + tick), theme::WHISKER, 1)
}

/// Diagonal hatching inside the polygon made of `rings` (even–odd rule):
/// each 45° line is cut where it crosses the rings' edges.
pub fn hatch(area: &Area, rings: &[Vec<(i32, i32)>], colour: RGBColor) -> Result<()> {
    const SPACING: i32 = 6;
    let points = rings.iter().flatten();
    let (lo, hi) = points.fold((i32::MAX, i32::MIN), |(lo, hi), (x, y)| {
        (lo.min(x - y), hi.max(x - y))
    });
    let mut c = lo - lo.rem_euclid(SPACING);
    while c <= hi {
        // The line x − y = c, parametrised by y: crossings with each edge.
        let mut ys: Vec<f64> = Vec::new();
        for ring in rings {
            for (i, &(x1, y1)) in ring.iter().enumerate() {
                let (x2, y2) = ring[(i + 1) % ring.len()];
                let (d1, d2) = (f64::from(x1 - y1 - c), f64::from(x2 - y2 - c));
                if (d1 < 0.0) != (d2 < 0.0) {
                    let t = d1 / (d1 - d2);
                    ys.push(f64::from(y1) + t * f64::from(y2 - y1));
                }
            }
        }
        ys.sort_by(f64::total_cmp);
        for pair in ys.chunks_exact(2) {
            let (ya, yb) = (pair[0].round() as i32, pair[1].round() as i32);
            frame::line(area, (c + ya, ya), (c + yb, yb), colour, 1)?;
        }
        c += SPACING;
    }
    Ok(())
}

/// Height of a legend row.
const LEGEND_ROW: i32 = 22;

/// The legend's entries laid out in rows from `x`, each row within the
/// canvas (an entry wider than a row stands alone): the (x, row) of each.
fn legend_layout(entries: &[(RGBColor, String)], x: i32) -> Vec<(i32, i32)> {
    let limit = theme::WIDTH as i32 - theme::MARGIN;
    let (mut at, mut row) = (x, 0);
    entries
        .iter()
        .map(|(_, label)| {
            let w = 16 + theme::text_width(label, theme::LABEL_SIZE);
            if at > x && at + w > limit {
                (at, row) = (x, row + 1);
            }
            let place = (at, row);
            at += w + 18;
            place
        })
        .collect()
}

/// The height a legend takes beyond its first row.
pub fn legend_extra(entries: &[(RGBColor, String)], x: i32) -> i32 {
    legend_layout(entries, x)
        .last()
        .map_or(0, |&(_, row)| row * LEGEND_ROW)
}

/// A colour legend from (`x`, `y`): a swatch and a label per entry, wrapped
/// into rows that stay within the canvas (see [`legend_extra`]).
pub fn legend(area: &Area, entries: &[(RGBColor, String)], x: i32, y: i32) -> Result<()> {
    for ((colour, label), (at, row)) in entries.iter().zip(legend_layout(entries, x)) {
        let y = y + row * LEGEND_ROW;
        area.draw(&Rectangle::new(
            [(at, y - 6), (at + 12, y + 6)],
            colour.filled(),
        ))
        .map_err(frame::draw_err)?;
        frame::text(
            area,
            label,
            at + 16,
            y,
            theme::LABEL_SIZE,
            theme::INK,
            Align::Left,
            false,
        )?;
    }
    Ok(())
}

/// The distinct values of `f(point)` in order of first appearance.
pub fn distinct<'a>(points: &'a [Point], f: impl Fn(&'a Point) -> &'a str) -> Vec<&'a str> {
    let mut seen = std::collections::HashSet::new();
    points.iter().map(f).filter(|v| seen.insert(*v)).collect()
}
