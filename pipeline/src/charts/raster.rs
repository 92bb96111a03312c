//! SVG to PNG: resvg renders the chart's SVG with the fonts the binary
//! carries ([`fonts`]: no system fonts, so every machine draws the same
//! pixels; resvg shapes Arabic and orders right-to-left runs)
//! at `dpi / 96` scale, and the PNG records its resolution in a `pHYs`
//! chunk so it prints at the chart's intended size.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::theme;
use crate::error::{Error, Result};
use crate::locale::fonts;

fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        for f in fonts::all() {
            db.load_font_data(f.to_vec());
        }
        db.set_sans_serif_family(theme::FONT);
        Arc::new(db)
    })
    .clone()
}

/// Renders `svg` to PNG bytes at `dpi`.
pub fn png(svg: &str, dpi: u32) -> Result<Vec<u8>> {
    let opt = usvg::Options {
        font_family: theme::FONT.to_string(),
        fontdb: fonts(),
        ..Default::default()
    };
    let tree =
        usvg::Tree::from_str(svg, &opt).map_err(|e| Error::internal("parsing chart SVG", e))?;
    let scale = dpi as f32 / 96.0;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let mut pixmap = tiny_skia::Pixmap::new(w, h)
        .ok_or_else(|| Error::internal("rendering chart", "empty canvas"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let ppm = (f64::from(dpi) / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
        let mut writer = enc
            .write_header()
            .map_err(|e| Error::internal("encoding PNG", e))?;
        // The canvas is opaque white underneath, so premultiplied RGBA is plain RGB.
        let rgb: Vec<u8> = pixmap
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        writer
            .write_image_data(&rgb)
            .map_err(|e| Error::internal("encoding PNG", e))?;
    }
    Ok(out)
}
