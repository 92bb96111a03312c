//! Map: a choropleth of the domains of `by` over the polygons of a GeoJSON
//! file (longitude/latitude, drawn in an equirectangular projection scaled
//! by the cosine of the middle latitude), each region coloured by its
//! estimate's class on the sequential scale, with a legend of the classes.
//! Without a geometry, a tile grid: one square per domain, in code order.
//! Caution regions are hatched; suppressed or missing ones are grey.

use plotters::prelude::*;
use serde_json::Value;

use super::frame::{self, Align, Area};
use super::{Figure, Point, classes, drawn, parts, theme};
use crate::error::{Error, Result};
use crate::spec::model::MapGeometry;

const LEGEND: i32 = 30;
const MAP_H: i32 = 560;
const TILE: i32 = 140;
const NO_DATA: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);

/// One feature: its key and its polygons, each a list of rings (lon, lat).
struct Feature {
    key: String,
    polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

/// Draws the map of `fig` as SVG.
pub fn draw(fig: &Figure) -> Result<String> {
    let bounds = classes::bounds(&fig.points, 5, fig.spec.classes);
    match &fig.spec.geometry {
        Some(g) => choropleth(fig, g, &bounds),
        None => tiles(fig, &bounds),
    }
}

/// The fill of a region: its class colour, or grey without a drawn estimate.
fn fill(bounds: &[f64], p: Option<&Point>) -> RGBColor {
    match p.filter(|p| drawn(p)) {
        Some(p) => classes::colour(bounds, p.value.unwrap_or(0.0)),
        None => NO_DATA,
    }
}

/// The legend's entries: the classes, and "no estimate".
fn legend_entries(fig: &Figure, bounds: &[f64]) -> Vec<(RGBColor, String)> {
    let mut entries = classes::legend(fig, bounds);
    let no_data = crate::locale::phrase(fig.lang, "map_no_data");
    entries.push((NO_DATA, no_data.to_string()));
    entries
}

/// The legend's height: one row, more when its labels are long.
fn legend_height(fig: &Figure, bounds: &[f64]) -> i32 {
    LEGEND + parts::legend_extra(&legend_entries(fig, bounds), theme::MARGIN)
}

fn legend(area: &Area, fig: &Figure, bounds: &[f64], top: i32) -> Result<()> {
    parts::legend(area, &legend_entries(fig, bounds), theme::MARGIN, top + 8)
}

fn choropleth(fig: &Figure, geometry: &MapGeometry, bounds: &[f64]) -> Result<String> {
    let features = read(geometry)?;
    let all = features
        .iter()
        .flat_map(|f| f.polygons.iter().flatten().flatten());
    let (mut lon0, mut lon1, mut lat0, mut lat1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(lon, lat) in all {
        (lon0, lon1, lat0, lat1) = (lon0.min(lon), lon1.max(lon), lat0.min(lat), lat1.max(lat));
    }
    let k = ((lat0 + lat1) / 2.0).to_radians().cos();
    let width = f64::from(theme::WIDTH as i32 - 2 * theme::MARGIN);
    let scale = (width / ((lon1 - lon0) * k)).min(f64::from(MAP_H) / (lat1 - lat0));
    let map_h = ((lat1 - lat0) * scale).ceil() as i32;
    let x_off = theme::MARGIN + ((width - (lon1 - lon0) * k * scale) / 2.0) as i32;
    let legend_h = legend_height(fig, bounds);
    frame::render(fig, legend_h + map_h + 8, |area, top, _| {
        legend(area, fig, bounds, top)?;
        let project = |&(lon, lat): &(f64, f64)| {
            (
                x_off + ((lon - lon0) * k * scale).round() as i32,
                top + legend_h + ((lat1 - lat) * scale).round() as i32,
            )
        };
        for f in &features {
            let point = fig.points.iter().find(|p| p.key == f.key);
            let colour = fill(bounds, point);
            for polygon in &f.polygons {
                let rings: Vec<Vec<(i32, i32)>> = polygon
                    .iter()
                    .map(|ring| ring.iter().map(project).collect())
                    .collect();
                // The outer ring filled; holes (rare in regions) drawn over in white.
                for (i, ring) in rings.iter().enumerate() {
                    let c = if i == 0 { colour } else { WHITE };
                    area.draw(&Polygon::new(ring.clone(), c.filled()))
                        .map_err(frame::draw_err)?;
                }
                if point.is_some_and(|p| drawn(p) && parts::caution(p)) {
                    parts::hatch(area, &rings, theme::MUTED)?;
                }
                for ring in &rings {
                    let mut closed = ring.clone();
                    closed.extend(ring.first());
                    area.draw(&PathElement::new(closed, WHITE.stroke_width(1)))
                        .map_err(frame::draw_err)?;
                }
            }
        }
        Ok(())
    })
}

fn tiles(fig: &Figure, bounds: &[f64]) -> Result<String> {
    let n = fig.points.len().max(1) as i32;
    let columns = ((f64::from(n)).sqrt().ceil() as i32).max(1);
    let rows = (n + columns - 1) / columns;
    // Tiles shrink to keep a wide grid (many areas) inside the canvas.
    let tile = TILE.min((theme::WIDTH as i32 - 2 * theme::MARGIN) / columns);
    let chars = (f64::from(tile - 16) / (theme::NOTE_SIZE * 0.62)) as usize;
    let legend_h = legend_height(fig, bounds);
    frame::render(fig, legend_h + rows * tile + 8, |area, top, _| {
        legend(area, fig, bounds, top)?;
        for (i, p) in fig.points.iter().enumerate() {
            let (c, r) = (i as i32 % columns, i as i32 / columns);
            let x0 = theme::MARGIN + c * tile;
            let y0 = top + legend_h + r * tile;
            let colour = fill(bounds, Some(p));
            let corners = [(x0, y0), (x0 + tile - 4, y0 + tile - 4)];
            area.draw(&Rectangle::new(corners, colour.filled()))
                .map_err(frame::draw_err)?;
            if drawn(p) && parts::caution(p) {
                let ring = vec![
                    (x0, y0),
                    (x0 + tile - 4, y0),
                    (x0 + tile - 4, y0 + tile - 4),
                    (x0, y0 + tile - 4),
                ];
                parts::hatch(area, &[ring], theme::MUTED)?;
            }
            let ink = theme::text_on(colour);
            for (k, line) in frame::wrap(&p.label, chars).iter().take(3).enumerate() {
                frame::text(
                    area,
                    line,
                    x0 + 6,
                    y0 + 14 + k as i32 * 14,
                    theme::NOTE_SIZE,
                    ink,
                    Align::Left,
                    false,
                )?;
            }
            let value = if drawn(p) {
                fig.fmt(p.value.unwrap_or(0.0))
            } else {
                parts::not_drawn_text(fig, p).to_string()
            };
            frame::text(
                area,
                &value,
                x0 + 6,
                y0 + tile - 18,
                theme::LABEL_SIZE,
                ink,
                Align::Left,
                true,
            )?;
        }
        Ok(())
    })
}

/// The key of every feature of a map's geometry.
pub fn feature_keys(g: &MapGeometry) -> Result<Vec<String>> {
    Ok(read(g)?.into_iter().map(|f| f.key).collect())
}

/// Reads the features of a GeoJSON FeatureCollection: the key property of
/// each, and its Polygon or MultiPolygon rings.
fn read(g: &MapGeometry) -> Result<Vec<Feature>> {
    let fail = |m: String| Error::spec(format!("map geometry {}: {m}", g.path.display()));
    let text = std::fs::read_to_string(&g.path).map_err(|e| fail(format!("cannot read: {e}")))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| fail(format!("not JSON: {e}")))?;
    let features = json["features"]
        .as_array()
        .ok_or_else(|| fail("expected a FeatureCollection with `features`".into()))?;
    let ring = |r: &Value| -> Vec<(f64, f64)> {
        r.as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p[0].as_f64()?, p[1].as_f64()?)))
            .collect()
    };
    let polygon = |p: &Value| -> Vec<Vec<(f64, f64)>> {
        p.as_array().into_iter().flatten().map(ring).collect()
    };
    features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let key = match &f["properties"][&g.property] {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => {
                    return Err(fail(format!(
                        "feature {} has no property `{}` — its properties are: {}",
                        i + 1,
                        g.property,
                        crate::error::choices(
                            f["properties"]
                                .as_object()
                                .into_iter()
                                .flat_map(|o| o.keys())
                        )
                    )));
                }
            };
            let geometry = &f["geometry"];
            let polygons = match geometry["type"].as_str() {
                Some("Polygon") => vec![polygon(&geometry["coordinates"])],
                Some("MultiPolygon") => geometry["coordinates"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(polygon)
                    .collect(),
                other => {
                    return Err(fail(format!(
                        "feature `{key}` is a {}, expected Polygon or MultiPolygon",
                        other.unwrap_or("feature without geometry")
                    )));
                }
            };
            Ok(Feature { key, polygons })
        })
        .collect()
}
