//! What every chart shares: the canvas, the title and subtitle above the
//! plot, the source line and notes below it, and text drawing with the
//! theme's font. Chart kinds draw only their plot area between the two.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Figure, theme};
use crate::error::{Error, Result};
use crate::locale::{Language, fonts, phrase};

/// A drawing area over an SVG string.
pub type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Text alignment.
#[derive(Clone, Copy)]
pub enum Align {
    /// Anchored at its start.
    Left,
    /// Anchored at its end.
    Right,
    /// Centred.
    Centre,
}

/// Draws `s` with its vertical centre at `y`. Text with Arabic letters is
/// set in the Arabic font and isolated right to left (U+2067 … U+2069), so
/// its punctuation and numbers fall where an Arabic reader expects them
/// whatever the anchor.
#[allow(clippy::too_many_arguments)]
pub fn text(
    area: &Area,
    s: &str,
    x: i32,
    y: i32,
    size: f64,
    color: RGBColor,
    align: Align,
    bold: bool,
) -> Result<()> {
    let h = match align {
        Align::Left => HPos::Left,
        Align::Right => HPos::Right,
        Align::Centre => HPos::Center,
    };
    // plotters writes font-size as size / 1.24.
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    let arabic = s.chars().any(fonts::is_arabic);
    let (family, shown) = if arabic {
        (
            fonts::families(Language::Ar).join(", "),
            format!("\u{2067}{s}\u{2069}"),
        )
    } else {
        (theme::FONT.to_string(), s.to_string())
    };
    let font = (family.as_str(), size * 1.24, style)
        .into_font()
        .color(&color)
        .pos(Pos::new(h, VPos::Center));
    area.draw(&Text::new(shown, (x, y), font)).map_err(draw_err)
}

/// Converts a plotters error.
pub fn draw_err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> Error {
    Error::internal("drawing chart", e)
}

/// Lines of the footer: source, then each note, wrapped to the canvas.
fn footer_lines(fig: &Figure) -> Vec<String> {
    let mut lines = Vec::new();
    let max_chars =
        ((theme::WIDTH as f64 - 2.0 * theme::MARGIN as f64) / (theme::NOTE_SIZE * 0.6)) as usize;
    if !fig.source.is_empty() {
        lines.extend(wrap(
            &format!("{}{}{}", phrase(fig.lang, "source"), sep(fig), fig.source),
            max_chars,
        ));
    }
    for n in &fig.notes {
        lines.extend(wrap(n, max_chars));
    }
    lines
}

fn sep(fig: &Figure) -> &'static str {
    phrase(fig.lang, "colon")
}

/// Splits `s` into lines of at most `max` characters at spaces (a word
/// longer than a line stands alone). Linear in the length of `s`.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut len = 0;
    for word in s.split(' ') {
        let w = word.chars().count();
        let last = lines.last_mut().expect("one line");
        if len > 0 && len + 1 + w > max {
            lines.push(word.to_string());
            len = w;
        } else {
            if len > 0 {
                last.push(' ');
                len += 1;
            }
            last.push_str(word);
            len += w;
        }
    }
    lines
}

/// The title's lines and the subtitle's, wrapped to the canvas.
fn header_lines(fig: &Figure) -> (Vec<String>, Vec<String>) {
    let width = theme::WIDTH as f64 - 2.0 * theme::MARGIN as f64;
    let title = wrap(&fig.title, (width / (theme::TITLE_SIZE * 0.6)) as usize);
    let subtitle = if fig.subtitle.is_empty() {
        Vec::new()
    } else {
        wrap(
            &fig.subtitle,
            (width / (theme::SUBTITLE_SIZE * 0.6)) as usize,
        )
    };
    (title, subtitle)
}

/// Space between title lines, and between subtitle lines.
const TITLE_LINE: i32 = 26;
const SUBTITLE_LINE: i32 = 20;

/// Height of the header (title and subtitle, each on as many lines as it needs).
pub fn header_height(fig: &Figure) -> i32 {
    let (title, subtitle) = header_lines(fig);
    let extra = (title.len() as i32 - 1) * TITLE_LINE;
    match subtitle.len() {
        0 => 48 + extra,
        n => 70 + extra + (n as i32 - 1) * SUBTITLE_LINE,
    }
}

/// Height of the footer.
pub fn footer_height(fig: &Figure) -> i32 {
    16 + footer_lines(fig).len() as i32 * 16
}

/// Creates the canvas of `height` px, draws the header and footer, and
/// calls `plot` with the area between them (top and bottom y).
pub fn render(
    fig: &Figure,
    plot_height: i32,
    plot: impl FnOnce(&Area, i32, i32) -> Result<()>,
) -> Result<String> {
    let height = header_height(fig) + plot_height + footer_height(fig);
    let mut out = String::new();
    {
        let area =
            SVGBackend::with_string(&mut out, (theme::WIDTH, height as u32)).into_drawing_area();
        area.fill(&WHITE).map_err(draw_err)?;
        // Right-to-left languages start their lines at the right margin.
        let (edge, align) = if fig.lang.rtl() {
            (theme::WIDTH as i32 - theme::MARGIN, Align::Right)
        } else {
            (theme::MARGIN, Align::Left)
        };
        let (title, subtitle) = header_lines(fig);
        for (i, line) in title.iter().enumerate() {
            text(
                &area,
                line,
                edge,
                24 + i as i32 * TITLE_LINE,
                theme::TITLE_SIZE,
                theme::INK,
                align,
                true,
            )?;
        }
        let below = (title.len() as i32 - 1) * TITLE_LINE;
        for (i, line) in subtitle.iter().enumerate() {
            text(
                &area,
                line,
                edge,
                50 + below + i as i32 * SUBTITLE_LINE,
                theme::SUBTITLE_SIZE,
                theme::MUTED,
                align,
                false,
            )?;
        }
        let top = header_height(fig);
        plot(&area, top, top + plot_height)?;
        let mut y = top + plot_height + 16;
        for line in footer_lines(fig) {
            text(
                &area,
                &line,
                edge,
                y,
                theme::NOTE_SIZE,
                theme::MUTED,
                align,
                false,
            )?;
            y += 16;
        }
        area.present().map_err(draw_err)?;
    }
    Ok(out)
}

/// A thin line between two points.
pub fn line(
    area: &Area,
    from: (i32, i32),
    to: (i32, i32),
    color: RGBColor,
    width: u32,
) -> Result<()> {
    area.draw(&PathElement::new(vec![from, to], color.stroke_width(width)))
        .map_err(draw_err)
}
