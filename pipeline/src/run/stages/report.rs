//! The report stage: `report.html` and `report.md` from the indicators,
//! the figures and what the methods must say (sources, designs, notes,
//! changes since the published run, the codebook).

use super::Run;
use super::estimate::Estimated;
use crate::charts::Figure;
use crate::error::Result;
use crate::report;
use crate::run::manifest::InputRecord;
use crate::run::stage::Stage;
use crate::run::write;

/// Writes the report.
pub(in crate::run) fn run(
    run: &mut Run,
    inputs: &[InputRecord],
    est: &Estimated,
    figures: &[(Figure, String)],
    changes: &[String],
) -> Result<()> {
    let (study, store) = (run.study, run.store);
    run.timer.time(Stage::Report.to_string(), || {
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
        };
        let ctx = report::context(
            study,
            &est.computed.rows,
            &est.computed.comparisons,
            figures,
            methods,
        );
        write::bytes(&store.report_html(), report::html(&ctx)?.as_bytes())?;
        write::bytes(
            &store.report_md(),
            report::markdown::render(&ctx)?.as_bytes(),
        )
    })?;
    run.done(&Stage::Report, false);
    Ok(())
}
