//! `mizan validate`: every check of a run, nothing written; the warnings a
//! run would give on stderr.

use std::path::PathBuf;

use super::default_study;
use crate::error::Result;

/// Validates the study at `study` (default: the bundled example).
pub fn validate(study: Option<PathBuf>) -> Result<()> {
    let path = study.unwrap_or_else(default_study);
    let study = crate::spec::load(&path)?;
    let checked = crate::run::validate(&study)?;
    for w in &checked.warnings {
        eprintln!("warning: {}", crate::text::escape_control(w));
    }
    println!("mizan: study `{}` is valid", study.id);
    for (id, ing) in &checked.ingested {
        println!(
            "  dataset {id}: {} rows read, {} kept, {} rejected",
            ing.rows_read,
            ing.rows_kept(),
            ing.rows_rejected()
        );
    }
    println!(
        "  {} indicators, {} charts checked",
        study.indicators.len(),
        study.charts.len()
    );
    Ok(())
}
