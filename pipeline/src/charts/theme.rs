//! The one visual theme of every chart: font, sizes, colours (the
//! colour-blind-safe Okabe–Ito palette), margins. Charts read only this for
//! style, so a change here changes every figure consistently.

use plotters::style::RGBColor;

use crate::locale::fonts;

/// Font family drawn in SVG and loaded from the binary for PNG rendering
/// (Arabic text is set in [`fonts::ARABIC`] first).
pub const FONT: &str = fonts::LATIN;
/// Canvas width in CSS pixels.
pub const WIDTH: u32 = 800;
/// Left/right outer margin.
pub const MARGIN: i32 = 20;
/// Title size (px).
pub const TITLE_SIZE: f64 = 20.0;
/// Subtitle size (px).
pub const SUBTITLE_SIZE: f64 = 14.0;
/// Axis and label size (px).
pub const LABEL_SIZE: f64 = 13.0;
/// Source and note size (px).
pub const NOTE_SIZE: f64 = 11.0;
/// Text colour.
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Secondary text colour.
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
/// Interval whiskers.
pub const WHISKER: RGBColor = RGBColor(0x33, 0x33, 0x33);

/// Okabe–Ito, without black: blue first, as single-series charts use it.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xF0, 0xE4, 0x42),
];

/// The sequential scale of maps and heatmaps, light to dark blue (one
/// hue, so it reads in grey and for colour-blind readers): three stops.
const SEQUENTIAL: [(f64, f64, f64); 3] = [
    (198.0, 219.0, 239.0),
    (107.0, 174.0, 214.0),
    (8.0, 48.0, 107.0),
];

/// The sequential colour at `t` in [0, 1].
pub fn sequential(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0) * 2.0;
    let i = (t.floor() as usize).min(1);
    let f = t - i as f64;
    let (a, b) = (SEQUENTIAL[i], SEQUENTIAL[i + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Text colour readable on `background`: white on dark, ink on light.
pub fn text_on(background: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = background;
    let luma = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
    if luma < 140.0 {
        RGBColor(0xFF, 0xFF, 0xFF)
    } else {
        INK
    }
}

/// Series colour `i` (cycling).
pub fn series(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Approximate width in px of `text` at `size` px in DejaVu Sans (used to
/// lay out labels; DejaVu Sans averages about 0.6 em per character).
pub fn text_width(text: &str, size: f64) -> i32 {
    (text.chars().count() as f64 * size * 0.6).ceil() as i32
}

/// "Nice" axis ticks covering `0..=max` (or `min..=max`): steps of 1, 2 or 5 × 10^k.
pub fn ticks(min: f64, max: f64, target: usize) -> Vec<f64> {
    let span = (max - min).max(f64::EPSILON);
    let raw = span / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= target as f64)
        .unwrap_or(10.0 * mag);
    let start = (min / step).floor() * step;
    let mut out = Vec::new();
    let mut v = start;
    while v <= max + step * 1e-9 {
        out.push(if v.abs() < step * 1e-9 { 0.0 } else { v });
        v += step;
    }
    if out.last().is_some_and(|l| *l < max) {
        out.push(v);
    }
    out
}
