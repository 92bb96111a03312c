//! The chart stages: each chart's figure built from the indicators table
//! (or a composite's rows), drawn as SVG and PNG with its data as CSV and
//! JSON — or copied from the published outputs when up to date.

use super::Run;
use super::estimate::Estimated;
use crate::charts::{self, Figure};
use crate::error::Result;
use crate::run::stage::Stage;
use crate::run::write;

/// Every chart's figure with its SVG, in spec order.
pub(in crate::run) fn run(run: &mut Run, est: &mut Estimated) -> Result<Vec<(Figure, String)>> {
    let (study, store) = (run.study, run.store);
    let mut figures = Vec::new();
    for chart in &study.charts {
        let stage = Stage::Chart(chart.id.clone());
        let reuse = run.plan.fresh(&stage);
        let published = &run.published;
        let dpi = run.opts.dpi.unwrap_or(chart.dpi);
        let fig = run.timer.time(stage.to_string(), || {
            let fig = if chart.composite {
                charts::composite_figure(study, chart, &est.composites)?
            } else {
                charts::figure(study, chart, &est.computed.rows)?
            };
            let svg_path = store.figure(&chart.id, "svg");
            if reuse {
                super::copy_published(&stage, published, store)?;
                let svg = std::fs::read_to_string(&svg_path)
                    .map_err(|e| crate::Error::io(&svg_path, e))?;
                return Ok((fig, svg));
            }
            let svg = charts::svg(&fig)?;
            write::bytes(&svg_path, svg.as_bytes())?;
            write::bytes(
                &store.figure(&chart.id, "png"),
                &charts::raster::png(&svg, dpi)?,
            )?;
            write::bytes(&store.figure(&chart.id, "csv"), &charts::csv(&fig)?)?;
            write::bytes(
                &store.figure(&chart.id, "json"),
                &charts::metadata(study, &fig)?,
            )?;
            Ok((fig, svg))
        })?;
        run.done(&stage, reuse);
        est.computed
            .warnings
            .extend(super::super::omitted_warning(chart, &fig.0));
        figures.push(fig);
    }
    Ok(figures)
}
