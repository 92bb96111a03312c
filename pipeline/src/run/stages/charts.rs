//! The chart stages: each chart's figure built from the indicators table
//! (or a composite's rows), drawn as SVG and PNG with its data as CSV and
//! JSON — or copied from the published outputs when up to date.

use super::Run;
use super::estimate::Estimated;
use crate::charts::{self, Figure};
use crate::error::Result;
use crate::run::stage::Stage;
use crate::run::write;
use crate::spec::model::Study;

/// Each chart's figures with their SVGs, in spec order: in the study's
/// language, then in each other of its `languages`.
pub(in crate::run) struct Figures {
    /// Per language, the study as written in it and its figures.
    pub by_language: Vec<(Study, Vec<(Figure, String)>)>,
}

/// Every chart's figure, in each of the study's languages.
pub(in crate::run) fn run(run: &mut Run, est: &mut Estimated) -> Result<Figures> {
    let (study, store) = (run.study, run.store);
    // The study in each language: its first, then the others it lists.
    let mut by_language: Vec<(Study, Vec<(Figure, String)>)> = std::iter::once(study.language)
        .chain(
            study
                .languages
                .iter()
                .copied()
                .filter(|l| *l != study.language),
        )
        .map(|language| {
            (
                Study {
                    language,
                    ..study.clone()
                },
                Vec::new(),
            )
        })
        .collect();
    for chart in &study.charts {
        let stage = Stage::Chart(chart.id.clone());
        let reuse = run.plan.fresh(&stage);
        if reuse {
            super::copy_published(study, &stage, &run.published, store)?;
        }
        let dpi = run.opts.dpi.unwrap_or(chart.dpi);
        for (i, (in_language, figures)) in by_language.iter_mut().enumerate() {
            let path = |ext: &str| match i {
                0 => store.figure(&chart.id, ext),
                _ => store.figure_in(in_language.language, &chart.id, ext),
            };
            let name = match i {
                0 => stage.to_string(),
                _ => format!("{stage}:{}", in_language.language.code()),
            };
            let fig = run.timer.time(name, || {
                let fig = charts::build(in_language, chart, &est.computed, &est.composites)?;
                let svg_path = path("svg");
                if reuse {
                    let svg = std::fs::read_to_string(&svg_path)
                        .map_err(|e| crate::Error::io(&svg_path, e))?;
                    return Ok((fig, svg));
                }
                if let Some(dir) = svg_path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
                }
                let svg = charts::svg(&fig)?;
                write::bytes(&svg_path, svg.as_bytes())?;
                write::bytes(&path("png"), &charts::raster::png(&svg, dpi)?)?;
                write::bytes(&path("csv"), &charts::csv(&fig)?)?;
                write::bytes(&path("json"), &charts::metadata(in_language, &fig)?)?;
                Ok((fig, svg))
            })?;
            if i == 0 {
                est.computed
                    .warnings
                    .extend(super::super::omitted_warning(chart, &fig.0));
            }
            figures.push(fig);
        }
        run.done(&stage, reuse);
    }
    Ok(Figures { by_language })
}
