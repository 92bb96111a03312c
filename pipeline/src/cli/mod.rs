//! The command line: `mizan [run|validate|init]`. One file per subcommand;
//! this one parses the arguments and dispatches. `mizan` alone runs the
//! bundled example study.

#[cfg(feature = "ballista")]
pub mod cluster;
mod describe;
mod init;
mod init_from;
mod init_itu;
mod run;
mod status;
mod validate;
mod verify;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::error::Result;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  any other failure (estimation impossible, I/O, internal error)
  2  invalid arguments or invalid study spec / contract
  3  input-data error: unreadable file, missing column, more rejected rows
     than the contract's max_reject_share allows, or a source that changed
     while the run read it
  4  another run holds the output folder (its pid and start time are named)
  5  --fail-on-drift: indicators moved beyond [study.drift]; nothing published
  6  mizan verify: an input or an output differs from the manifest";

/// Mizan: digital-usage and innovation-ecosystem studies from one spec.
#[derive(Debug, Parser)]
#[command(name = "mizan", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do (default: `run` on the bundled example study).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a study: ingest, estimate, draw, report, record.
    Run(RunArgs),
    /// Check a study's spec, datasets, contracts and expressions; write nothing.
    Validate {
        /// A study.toml or the folder holding one (default: the bundled example).
        study: Option<PathBuf>,
    },
    /// Describe a data file (CSV, Excel, Parquet, SPSS, Stata, SAS): each
    /// column's type, label, codes, missing values and range.
    Describe {
        /// The file.
        file: PathBuf,
    },
    /// Create a new study in DIR that `mizan run DIR` runs as it is.
    Init {
        /// The folder to create (must not exist or be empty).
        dir: PathBuf,
        /// Build the study around this data file (CSV, Excel, Parquet, SPSS,
        /// Stata, SAS): its dataset and contract from the file's metadata.
        #[arg(long, conflicts_with = "template")]
        from: Option<PathBuf>,
        /// Start from a ready-made study: `itu-household` (a household ICT
        /// survey reported against the ITU core indicators).
        #[arg(long, value_parser = ["itu-household"])]
        template: Option<String>,
    },
    /// List every stage of a study as up to date or stale, and why.
    Status {
        /// A study.toml or the folder holding one (default: the bundled example).
        study: Option<PathBuf>,
        /// Output folder (default: `out/` beside study.toml).
        #[arg(short, long)]
        out: Option<PathBuf>,
    },
    /// Check a published output folder: its inputs still have the recorded
    /// hashes, and recomputing gives the same outputs byte for byte.
    Verify {
        /// The output folder (holding manifest.json).
        out_dir: PathBuf,
    },
    /// Start a process of an Apache DataFusion Ballista cluster that
    /// `mizan run --engine df://host:port` sends its first pass to.
    #[cfg(feature = "ballista")]
    #[command(subcommand)]
    Cluster(ClusterRole),
}

/// `mizan cluster …`.
#[cfg(feature = "ballista")]
#[derive(Debug, clap::Subcommand)]
pub enum ClusterRole {
    /// The scheduler: plans queries and hands their tasks to executors.
    Scheduler(crate::cli::cluster::SchedulerArgs),
    /// An executor: reads Parquet files and runs tasks (start several).
    Executor(crate::cli::cluster::ExecutorArgs),
}

/// How `mizan run` reports on stderr and stdout.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// A summary for people (default).
    #[default]
    Text,
    /// One JSON object per line on stderr, for schedulers.
    Json,
}

/// Arguments of `mizan run`.
#[derive(Debug, Default, clap::Args)]
pub struct RunArgs {
    /// A study.toml or the folder holding one (default: the bundled example).
    pub study: Option<PathBuf>,
    /// Output folder (default: `out/` beside study.toml). It must be absent,
    /// empty or a previous Mizan output: publishing replaces it whole.
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Worker threads for estimation and ingest (default: all cores; more
    /// than the machine's cores are capped at them).
    #[arg(short, long)]
    pub jobs: Option<usize>,
    /// Rerun every stage, even those up to date.
    #[arg(long)]
    pub force: bool,
    /// Publish nothing and exit with code 5 when indicators moved beyond
    /// [study.drift] since the last published run.
    #[arg(long)]
    pub fail_on_drift: bool,
    /// Print only errors and warnings.
    #[arg(short, long)]
    pub quiet: bool,
    /// `text` (default) or `json` (structured lines on stderr).
    #[arg(long, value_enum, default_value_t)]
    pub log_format: LogFormat,
    /// Where the first pass runs, overriding [study.engine]: `local`, or a
    /// Ballista scheduler `df://host:port` (a build with `--features ballista`).
    #[arg(long, value_name = "local|df://HOST:PORT")]
    pub engine: Option<String>,
}

/// Runs the parsed command line.
pub fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        None => run::run(RunArgs::default()),
        Some(Command::Run(args)) => run::run(args),
        Some(Command::Validate { study }) => validate::validate(study),
        Some(Command::Init {
            dir,
            from: Some(file),
            ..
        }) => init::refuse_non_empty(&dir).and_then(|()| init_from::init_from(&dir, &file)),
        Some(Command::Init {
            dir,
            template: Some(_),
            ..
        }) => init::refuse_non_empty(&dir).and_then(|()| init_itu::init(&dir)),
        Some(Command::Init { dir, .. }) => init::init(&dir),
        Some(Command::Describe { file }) => describe::describe(&file),
        Some(Command::Status { study, out }) => status::status(study, out),
        Some(Command::Verify { out_dir }) => verify::verify(&out_dir),
        #[cfg(feature = "ballista")]
        Some(Command::Cluster(ClusterRole::Scheduler(args))) => {
            crate::cli::cluster::scheduler(&args)
        }
        #[cfg(feature = "ballista")]
        Some(Command::Cluster(ClusterRole::Executor(args))) => crate::cli::cluster::executor(&args),
    }
}

/// The study to use when none is named: `reports/example` under the current
/// folder, else the one in the source tree this binary was built from.
pub fn default_study() -> PathBuf {
    let here = PathBuf::from("reports/example");
    if crate::run::is_study(&here) {
        return here;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../reports/example")
}
