//! `mizan describe FILE`: the first look at a new file — each column's
//! name, type and label, its value labels or a few values, how many values
//! are distinct and how many missing (by reason), and for numbers their
//! range and mean. Works for every format a study reads.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::indicators::codebook::{self, Line};

/// A file read as the one dataset of a study: as ingested, and its codebook.
pub struct Described {
    /// The file as ingested.
    pub ingested: crate::ingest::Ingested,
    /// Its codebook.
    pub lines: Vec<Line>,
}

/// Reads `file` (absolute) as the one dataset of a study written in a
/// folder of our own.
pub fn read(file: &Path) -> Result<Described> {
    if !file.is_file() {
        return Err(Error::Usage(format!("{} is not a file", file.display())));
    }
    let scratch = tempfile::tempdir().map_err(|e| Error::io(Path::new("(temp)"), e))?;
    // A TOML basic string: the path with `\` and `"` escaped.
    let path = format!("{:?}", file.display().to_string());
    let spec = format!(
        "[study]\nid = \"describe\"\ntitle = \"describe\"\n\n[datasets.file]\npath = {path}\n"
    );
    let spec_path = scratch.path().join("study.toml");
    std::fs::write(&spec_path, spec).map_err(|e| Error::io(&spec_path, e))?;
    let study = crate::spec::load(&spec_path)?;
    let mut ingested = crate::run::ingest(&study)?;
    let data = ingested
        .iter()
        .map(|(k, v)| (k.clone(), v.data.clone()))
        .collect();
    let lines = codebook::lines(&study, &data, &Default::default())?;
    let ingested = ingested
        .remove("file")
        .ok_or_else(|| Error::internal("describe", "the file was not read"))?;
    Ok(Described { ingested, lines })
}

/// Describes `file` on stdout.
pub fn describe(file: &Path) -> Result<()> {
    let file = std::path::absolute(file).map_err(|e| Error::io(file, e))?;
    let Described { ingested, lines } = read(&file)?;
    let ing = &ingested;
    let mut out = format!(
        "{} — {} rows read, {} kept, {} refused\n",
        file.display(),
        ing.rows_read,
        ing.rows_kept(),
        ing.rows_rejected()
    );
    for summary in lines.iter().filter(|l| l.row == "summary") {
        let examples = examples(&ing.data, &summary.column);
        out += &column_text(summary, &lines, &examples);
        out.push('\n');
    }
    // Piped into `head`, the reader may leave early: not an error.
    match std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::io(Path::new("(stdout)"), e))
        }
        _ => Ok(()),
    }
}

/// The first five distinct values of `column`, as text.
fn examples(df: &polars::prelude::DataFrame, column: &str) -> Vec<String> {
    let Ok(col) = df.column(column) else {
        return Vec::new();
    };
    // The first rows are enough to show examples (and cheap on a big file).
    let Ok(text) = col
        .slice(0, 10_000)
        .cast(&polars::prelude::DataType::String)
    else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for v in text.str().into_iter().flat_map(|t| t.iter().flatten()) {
        if !out.iter().any(|o| o == v) {
            out.push(v.to_string());
            if out.len() == 5 {
                break;
            }
        }
    }
    out
}

/// One column's description.
fn column_text(s: &Line, lines: &[Line], examples: &[String]) -> String {
    let of = |row: &'static str| {
        lines
            .iter()
            .filter(move |l| l.column == s.column && l.row == row)
    };
    let mut out = format!("\n{} ({})", s.column, s.kind);
    if !s.label.is_empty() {
        let _ = write!(out, " — {}", crate::text::escape_control(&s.label));
    }
    let codes: Vec<&Line> = of("code").collect();
    let missing: Vec<String> = of("missing")
        .map(|m| format!("{} {}", m.n, crate::text::escape_control(&m.value)))
        .collect();
    let _ = write!(
        out,
        "\n  values: {}{}",
        s.n,
        if codes.is_empty() {
            String::new()
        } else {
            format!(", {} distinct", codes.len())
        }
    );
    if !missing.is_empty() {
        let _ = write!(out, "; missing: {}", missing.join(", "));
    }
    if let (Some(min), Some(max), Some(mean)) = (s.min, s.max, s.mean) {
        let _ = write!(out, "\n  min {min}, max {max}, mean {mean:.4}");
    }
    for c in codes.iter().take(12) {
        let label = if c.value_label != c.value {
            format!(" {}", crate::text::escape_control(&c.value_label))
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "\n  {}{label}: {}",
            crate::text::escape_control(&c.value),
            c.n
        );
    }
    if codes.len() > 12 {
        let _ = write!(out, "\n  … {} more", codes.len() - 12);
    }
    if codes.is_empty() && !examples.is_empty() {
        let shown: Vec<String> = examples
            .iter()
            .map(|e| crate::text::escape_control(e).into_owned())
            .collect();
        let _ = write!(out, "\n  e.g. {}", shown.join(", "));
    }
    out
}
