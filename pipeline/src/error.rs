//! The library's one error type, by category, each carrying the context a
//! user needs to act: the file and position for spec errors, the dataset and
//! file for data errors. The binary maps categories to exit codes
//! ([`Error::exit_code`]); nothing else in the crate decides an exit code.

use std::fmt;
use std::path::{Path, PathBuf};

/// A position in a text file (1-based line and column), used to point at a
/// key in `study.toml` or a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
}

/// Where a key is written says nothing of what it means: a location
/// serialises as nothing, so moving a key leaves fingerprints unchanged.
impl serde::Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_none()
    }
}

impl Location {
    /// The location of byte offset `offset` in `text`, read from `file`.
    pub fn from_offset(file: &Path, text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Location {
            file: file.to_path_buf(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// Everything that can go wrong, by category.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The study spec or a contract is invalid (exit code 2).
    #[error("{}{message}", location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default())]
    Spec {
        /// Where in the file, when known.
        location: Option<Location>,
        /// What is wrong and what was expected.
        message: String,
    },
    /// Invalid command-line arguments (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// Input data cannot be read or fails its contract beyond the allowed
    /// share of rejected rows (exit code 3).
    #[error("dataset `{dataset}` ({}): {message}", path.display())]
    Data {
        /// The dataset id in the spec.
        dataset: String,
        /// The source file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A statistic cannot be computed from a valid spec and valid data, for
    /// example a stratum with a single PSU under `lonely_psu = "fail"`.
    #[error("indicator `{indicator}`: {message}")]
    Estimation {
        /// The indicator (or dataset design) concerned.
        indicator: String,
        /// What is wrong.
        message: String,
    },
    /// A dataset's survey design cannot be prepared from its rows (a stratum
    /// with a single PSU under `lonely_psu = "fail"`, cluster ids repeated
    /// across strata without `nest`, an empty design column).
    #[error("dataset `{dataset}`, survey design: {message}")]
    Design {
        /// The dataset.
        dataset: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Another run holds the output folder's lock (exit code 4).
    #[error("another run is writing {}: {holder}; try again when it has finished (a lock left by a killed run is taken over automatically)", out.display())]
    Locked {
        /// The output folder.
        out: PathBuf,
        /// Who holds the lock: pid and start time.
        holder: String,
    },
    /// Indicators moved more than `[study.drift]` allows under
    /// `--fail-on-drift` (exit code 5); nothing was published.
    #[error(
        "{count} indicator value(s) drifted beyond [study.drift] since the last published run (nothing published):\n{listing}"
    )]
    Drift {
        /// Number of drifting values.
        count: usize,
        /// One line per value.
        listing: String,
    },
    /// `mizan verify` found differences (exit code 6).
    #[error("not reproduced:\n{0}")]
    NotReproduced(String),
    /// An error already reported in the format the command line asked for
    /// (`--log-format json`), with its exit code.
    #[error("exit code {0}")]
    Reported(u8),
    /// The cluster that was to make a pass failed or could not be reached
    /// (exit code 1); nothing was published.
    #[error(
        "dataset `{dataset}`: the cluster at {scheduler} failed (nothing was published): {message}"
    )]
    Cluster {
        /// The dataset whose pass it was making.
        dataset: String,
        /// The scheduler's URL.
        scheduler: String,
        /// What went wrong.
        message: String,
    },
    /// An internal failure (polars, rendering) with context.
    #[error("{context}: {message}")]
    Internal {
        /// What was being done.
        context: String,
        /// The underlying error.
        message: String,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The process exit code for this error, as documented in `mizan --help`.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Spec { .. } | Error::Usage(_) => 2,
            Error::Data { .. } => 3,
            Error::Locked { .. } => 4,
            Error::Drift { .. } => 5,
            Error::NotReproduced(_) => 6,
            Error::Reported(code) => *code,
            Error::Estimation { .. }
            | Error::Design { .. }
            | Error::Io { .. }
            | Error::Cluster { .. }
            | Error::Internal { .. } => 1,
        }
    }

    /// A spec error at a known location.
    pub fn spec_at(location: Location, message: impl Into<String>) -> Self {
        Error::Spec {
            location: Some(location),
            message: message.into(),
        }
    }

    /// A spec error without a position (for example a missing file).
    pub fn spec(message: impl Into<String>) -> Self {
        Error::Spec {
            location: None,
            message: message.into(),
        }
    }

    /// A data error for `dataset` read from `path`.
    pub fn data(dataset: &str, path: &Path, message: impl Into<String>) -> Self {
        Error::Data {
            dataset: dataset.to_string(),
            path: path.to_path_buf(),
            message: message.into(),
        }
    }

    /// A spec error without a position given `location`; any other error as it is.
    pub fn located(self, location: &Location) -> Self {
        match self {
            Error::Spec {
                location: None,
                message,
            } => Error::Spec {
                location: Some(location.clone()),
                message,
            },
            other => other,
        }
    }

    /// A data error without a file given `path`; any other error as it is.
    pub fn in_file(self, path: &Path) -> Self {
        match self {
            Error::Data {
                dataset,
                path: p,
                message,
            } if p.as_os_str().is_empty() => Error::Data {
                dataset,
                path: path.to_path_buf(),
                message,
            },
            other => other,
        }
    }

    /// A data or design error with `note` added to its message (where in
    /// the file it was found); any other error as it is.
    pub fn noting(self, note: &str) -> Self {
        match self {
            Error::Data {
                dataset,
                path,
                message,
            } => Error::Data {
                dataset,
                path,
                message: format!("{message} ({note})"),
            },
            Error::Design { dataset, message } => Error::Design {
                dataset,
                message: format!("{message} ({note})"),
            },
            other => other,
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// An internal error with what was being done.
    pub fn internal(context: impl Into<String>, err: impl fmt::Display) -> Self {
        Error::Internal {
            context: context.into(),
            message: err.to_string(),
        }
    }
}

/// Formats a list of valid choices for an error message: "a, b, c".
pub fn choices<I, S>(items: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    items
        .into_iter()
        .map(|s| s.as_ref().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
