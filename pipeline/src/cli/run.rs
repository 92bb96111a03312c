//! `mizan run`: runs a study and prints a one-screen summary — or, with
//! `--log-format json`, one JSON object per line on stderr (each stage, then
//! the outcome), for schedulers; `--quiet` prints only errors.

use std::io::IsTerminal;

use serde_json::json;

use super::{LogFormat, RunArgs, default_study};
use crate::error::{Error, Result};
use crate::run::{RunOptions, Summary, run as run_study};

/// Runs the study named in `args`.
pub fn run(args: RunArgs) -> Result<()> {
    let json = args.log_format == LogFormat::Json;
    let result = run_and_report(&args);
    match result {
        Err(e) if json => {
            eprintln!(
                "{}",
                json!({ "event": "error", "exit_code": e.exit_code(), "message": e.to_string() })
            );
            Err(Error::Reported(e.exit_code()))
        }
        other => other,
    }
}

fn run_and_report(args: &RunArgs) -> Result<()> {
    if let Some(n) = args.jobs {
        if n == 0 {
            return Err(Error::Usage("--jobs must be at least 1".into()));
        }
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        if n > cores {
            eprintln!(
                "warning: --jobs {n} is more than this machine's {cores} cores: using {cores} (outputs are the same whatever the number)"
            );
        }
        let n = n.min(cores);
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| Error::internal("starting worker threads", e))?;
    }
    let path = args.study.clone().unwrap_or_else(default_study);
    let mut study = crate::spec::load(&path)?;
    if let Some(engine) = &args.engine {
        study.engine.scheduler = match engine.as_str() {
            "local" => None,
            _ if !crate::spec::engine::BUILT => {
                return Err(Error::Usage(crate::spec::engine::NOT_BUILT.into()));
            }
            url => Some(
                crate::spec::engine::scheduler_url(url)
                    .map_err(|m| Error::Usage(format!("--engine: {m}, or `local`")))?,
            ),
        };
    }
    let text = args.log_format == LogFormat::Text;
    let opts = RunOptions {
        out: args.out.clone(),
        progress: text && !args.quiet && std::io::stderr().is_terminal(),
        dpi: None,
        force: args.force,
        fail_on_drift: args.fail_on_drift,
    };
    let s = run_study(&study, &opts)?;
    match (args.log_format, args.quiet) {
        (LogFormat::Json, _) => log_json(&study.id, &s),
        (LogFormat::Text, false) => print_summary(&study.id, &s),
        (LogFormat::Text, true) => print_warnings(&s),
    }
    Ok(())
}

fn log_json(study: &str, s: &Summary) {
    for st in &s.stages {
        eprintln!(
            "{}",
            json!({ "event": "stage", "stage": st.stage, "action": st.action, "reason": st.reason, "seconds": st.seconds })
        );
    }
    for d in &s.drift {
        eprintln!("{}", json!({ "event": "drift", "value": d }));
    }
    for c in &s.schema_changes {
        eprintln!("{}", json!({ "event": "schema_change", "change": c }));
    }
    for w in &s.warnings {
        eprintln!("{}", json!({ "event": "warning", "message": w }));
    }
    for m in &s.missing {
        eprintln!("{}", json!({ "event": "missing", "message": m }));
    }
    eprintln!(
        "{}",
        json!({
            "event": "done",
            "study": study,
            "status": if s.unchanged { "unchanged" } else { "published" },
            "out": s.out,
            "record": s.record,
            "rows": s.datasets.iter().map(|d| json!({ "dataset": d.id, "read": d.read, "kept": d.kept, "rejected": d.rejected })).collect::<Vec<_>>(),
        })
    );
}

/// Warnings go to stderr, so that a scheduler's log keeps them even under
/// `--quiet`, which silences the rest.
fn print_warnings(s: &Summary) {
    for w in &s.warnings {
        eprintln!("warning: {}", crate::text::escape_control(w));
    }
}

fn print_summary(study: &str, s: &Summary) {
    print_warnings(s);
    if s.unchanged {
        println!(
            "mizan: study `{study}` is up to date — no input, spec or output changed since the last run; nothing was redone"
        );
        println!("  outputs:    {}", s.out.display());
        println!("  run record: {}", s.record.display());
        return;
    }
    println!("mizan: study `{study}` done");
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
    let reused = s.stages.iter().filter(|st| st.action == "reused").count();
    if reused > 0 {
        println!("  reused:     {reused} stage(s) unchanged since the last run");
    }
    println!("  indicators: {} ({} rows)", s.indicators, s.indicator_rows);
    println!("  figures:    {}", s.figures);
    if !s.drift.is_empty() {
        println!(
            "  drift:      {} value(s) moved beyond [study.drift]:",
            s.drift.len()
        );
        for d in s.drift.iter().take(10) {
            println!("    {d}");
        }
    }
    for c in &s.schema_changes {
        println!("  schema:     {c}");
    }
    for m in &s.missing {
        println!("  missing:    {m}");
    }
    println!("  outputs:    {}", s.out.display());
    println!("  report:     {}", s.report.display());
    println!("  run record: {}", s.record.display());
}
