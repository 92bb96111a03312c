//! `mizan run`: runs a study and prints a one-screen summary.

use std::io::IsTerminal;

use super::{RunArgs, default_study};
use crate::error::{Error, Result};
use crate::run::{RunOptions, run as run_study};

/// Runs the study named in `args`.
pub fn run(args: RunArgs) -> Result<()> {
    if let Some(n) = args.jobs {
        if n == 0 {
            return Err(Error::Usage("--jobs must be at least 1".into()));
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| Error::internal("starting worker threads", e))?;
    }
    let path = args.study.unwrap_or_else(default_study);
    let study = crate::spec::load(&path)?;
    let opts = RunOptions {
        out: args.out,
        progress: std::io::stderr().is_terminal(),
        dpi: None,
    };
    let s = run_study(&study, &opts)?;
    println!("mizan: study `{}` done", study.id);
    println!(
        "  {:<24} {:>10} {:>10} {:>10}",
        "dataset", "read", "kept", "rejected"
    );
    for d in &s.datasets {
        println!(
            "  {:<24} {:>10} {:>10} {:>10}",
            d.id, d.read, d.kept, d.rejected
        );
    }
    println!("  indicators: {} ({} rows)", s.indicators, s.indicator_rows);
    println!("  figures:    {}", s.figures);
    println!("  outputs:    {}", s.out.display());
    println!("  report:     {}", s.report.display());
    Ok(())
}
