//! The report stage: `report.html`, `report.md` and `report.pdf` from the indicators,
//! the figures and what the methods must say (sources, designs, notes,
//! changes since the published run, the codebook).

use super::Run;
use super::charts::Figures;
use super::estimate::Estimated;
use crate::charts::Figure;
use crate::error::Result;
use crate::report;
use crate::run::manifest::InputRecord;
use crate::run::stage::Stage;
use crate::run::store::Store;
use crate::run::write;
use crate::spec::model::Study;

/// Writes the report: `report.html|md|pdf` in the study's language, and
/// `report.<lang>.html|md|pdf` in each of its `languages`.
pub(in crate::run) fn run(
    run: &mut Run,
    inputs: &[InputRecord],
    est: &Estimated,
    figures: &Figures,
    changes: &[String],
) -> Result<()> {
    let (study, store) = (run.study, run.store);
    run.timer.time(Stage::Report.to_string(), || {
        for (i, (in_language, figs)) in figures.by_language.iter().enumerate() {
            let lang = in_language.language;
            let dir = match i {
                0 => "figures".to_string(),
                _ => format!("figures/{}", lang.code()),
            };
            let files = write_one(in_language, inputs, est, figs, changes, &dir)?;
            for (ext, bytes) in Store::REPORT_FILES.iter().zip(&files) {
                if i == 0 {
                    write::bytes(&store.report(ext), bytes)?;
                }
                if study.languages.contains(&lang) {
                    write::bytes(&store.report_in(lang, ext), bytes)?;
                }
            }
        }
        Ok(())
    })?;
    run.done(&Stage::Report, false);
    Ok(())
}

/// The report of `study` (in its language) as HTML, Markdown and PDF (in
/// the order of [`Store::REPORT_FILES`]), its figures' PNGs under
/// `figures_dir`.
fn write_one(
    study: &Study,
    inputs: &[InputRecord],
    est: &Estimated,
    figures: &[(Figure, String)],
    changes: &[String],
    figures_dir: &str,
) -> Result<[Vec<u8>; 3]> {
    let sources = study
        .datasets
        .iter()
        .zip(inputs)
        .map(|(d, i)| report::SourceRow {
            id: d.id.clone(),
            label: d.label.get_or(study.language, &d.id).to_string(),
            path: i.path.clone(),
            source: d.source.get_or(study.language, "").to_string(),
            blake3: i.blake3.clone(),
            rows_read: i.rows,
            rows_kept: i.rows_kept,
            rows_rejected: i.rows_rejected,
        })
        .collect();
    let methods = report::MethodsInput {
        sources,
        designs: &est.computed.designs,
        notes: &est.computed.notes,
        changes,
        codebook: &est.codebook,
        figures_dir,
    };
    let ctx = report::context(
        study,
        &est.computed.rows,
        &est.computed.comparisons,
        (&est.computed.crosstabs, &est.computed.tests),
        &est.computed.models,
        figures,
        methods,
    );
    Ok([
        report::html(&ctx)?.into_bytes(),
        report::markdown::render(&ctx)?.into_bytes(),
        report::pdf::render(&ctx)?,
    ])
}
