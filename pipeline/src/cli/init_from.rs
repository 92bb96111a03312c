//! `mizan init DIR --from FILE`: a study around a file the statistics
//! office sent. Its dataset points at the file; its contract declares each
//! column's type and label and, where the file labels every value, its
//! codes — from the file's own metadata — with a guessed key; a commented
//! design section names the columns that look like weights, strata and
//! clusters; one indicator counts the rows by the first coded column, so
//! that `mizan run DIR` runs as it is.

use std::fmt::Write as _;
use std::path::Path;

use super::describe::{self, Described};
use crate::error::{Error, Result};
use crate::indicators::codebook::Line;

/// Writes the study into `dir` (absent or empty).
pub fn init_from(dir: &Path, file: &Path) -> Result<()> {
    let file = std::path::absolute(file).map_err(|e| Error::io(file, e))?;
    let Described { ingested, lines } = describe::read(&file)?;
    let dir_abs = std::path::absolute(dir).map_err(|e| Error::io(dir, e))?;
    let rel = crate::run::manifest::relative_up(&file, &dir_abs);
    let summaries: Vec<&Line> = lines.iter().filter(|l| l.row == "summary").collect();
    let coded = |column: &str| {
        let codes: Vec<&Line> = lines
            .iter()
            .filter(|l| l.column == column && l.row == "code")
            .collect();
        let all_labelled = !codes.is_empty() && codes.iter().all(|c| c.value_label != c.value);
        all_labelled.then_some(codes)
    };
    let mut contract = String::from(
        "# What each column must hold, from the file's own metadata (mizan init --from).\n[dataset]\n",
    );
    if let Some(key) = guessed_key(&ingested.data) {
        let _ = writeln!(contract, "key = [{key:?}]");
    }
    contract += "max_reject_share = 0.0\n";
    for s in &summaries {
        let Some(kind) = contract_type(&s.kind) else {
            continue;
        };
        let _ = write!(contract, "\n[columns.{:?}]\ntype = \"{kind}\"\n", s.column);
        if !s.label.is_empty() {
            let _ = writeln!(contract, "label = {:?}", s.label);
        }
        if let Some(codes) = coded(&s.column) {
            let list: Vec<String> = codes
                .iter()
                .map(|c| format!("{:?} = {:?}", c.value, c.value_label))
                .collect();
            let _ = writeln!(contract, "codes = {{ {} }}", list.join(", "));
        }
    }
    let names: Vec<&str> = summaries.iter().map(|s| s.column.as_str()).collect();
    let like = |words: &[&str]| {
        names
            .iter()
            .find(|n| words.iter().any(|w| n.to_ascii_lowercase().contains(w)))
            .map_or_else(|| "…".to_string(), |n| n.to_string())
    };
    let by = summaries
        .iter()
        .find(|s| coded(&s.column).is_some())
        .map(|s| format!("by = [{:?}]\n", s.column))
        .unwrap_or_default();
    let study = format!(
        "# A Mizan study around {name} (mizan init --from). Run it with `mizan run <this folder>`.\n[study]\nid = \"study\"\ntitle = \"{name}\"\n\n[datasets.data]\npath = {rel:?}\ncontract = \"data.contract.toml\"\n\n# A survey sample needs its design; without it the dataset is a registry\n# (a complete enumeration). Columns that look like one:\n# [datasets.data.design]\n# weights = \"{w}\"\n# strata = \"{st}\"\n# clusters = \"{cl}\"\n\n[[indicators]]\nid = \"rows\"\ndataset = \"data\"\nstatistic = \"count\"\n{by}label = \"Rows\"\n",
        name = file.file_name().unwrap_or_default().to_string_lossy(),
        w = like(&["weight", "wgt", "pw", "wt"]),
        st = like(&["strat"]),
        cl = like(&["psu", "cluster", "clus"]),
    );
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for (name, text) in [("study.toml", study), ("data.contract.toml", contract)] {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    }
    println!(
        "mizan: created a study around {} in {}",
        file.display(),
        dir.display()
    );
    println!("  run it:  mizan run {}", dir.display());
    Ok(())
}

/// The contract type of a polars type, when there is one.
fn contract_type(dtype: &str) -> Option<&'static str> {
    match dtype {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => Some("integer"),
        "f32" | "f64" => Some("float"),
        "str" => Some("string"),
        "bool" => Some("boolean"),
        "date" => Some("date"),
        _ => None,
    }
}

/// The first column whose values are all present and distinct, when its
/// name says it is an identifier.
fn guessed_key(df: &polars::prelude::DataFrame) -> Option<String> {
    df.columns().iter().find_map(|c| {
        let name = c.name().to_string();
        let lower = name.to_ascii_lowercase();
        let id_like = lower == "id"
            || lower.ends_with("id")
            || lower.ends_with("_id")
            || lower.starts_with("snum")
            || lower.contains("num");
        let unique = c.null_count() == 0 && c.n_unique().ok()? == c.len();
        (id_like && unique).then_some(name)
    })
}
