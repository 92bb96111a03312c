//! `mizan validate`: every check of a run, nothing written.

use std::path::PathBuf;

use super::default_study;
use crate::error::Result;

/// Validates the study at `study` (default: the bundled example).
pub fn validate(study: Option<PathBuf>) -> Result<()> {
    let path = study.unwrap_or_else(default_study);
    let study = crate::spec::load(&path)?;
    let ingested = crate::run::validate(&study)?;
    println!("mizan: study `{}` is valid", study.id);
    for (id, ing) in &ingested {
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
