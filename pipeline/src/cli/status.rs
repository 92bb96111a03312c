//! `mizan status`: every stage of a study as up to date or stale, and why
//! (which input or part of the spec changed, which output was touched).

use std::path::PathBuf;

use super::default_study;
use crate::error::Result;

/// Prints the state of each stage of the study at `study`, published in `out`.
pub fn status(study: Option<PathBuf>, out: Option<PathBuf>) -> Result<()> {
    let study = crate::spec::load(&study.unwrap_or_else(default_study))?;
    let out = out.unwrap_or_else(|| crate::run::default_out(&study));
    let plan = crate::run::plan::plan(&study, &out, false)?;
    let width = plan
        .stages
        .iter()
        .map(|s| s.stage.to_string().len())
        .max()
        .unwrap_or(5);
    println!("study `{}`, outputs {}", study.id, out.display());
    for s in &plan.stages {
        match &s.stale {
            None => println!("  {:<width$}  up to date", s.stage.to_string()),
            Some(why) => println!("  {:<width$}  stale: {why}", s.stage.to_string()),
        }
    }
    let stale = plan.stages.iter().filter(|s| s.stale.is_some()).count();
    if stale == 0 {
        println!("everything is up to date: `mizan run` would do nothing");
    } else {
        println!("{stale} of {} stage(s) would run", plan.stages.len());
    }
    Ok(())
}
