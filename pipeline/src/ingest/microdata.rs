//! Survey microdata as statistics offices send it: SPSS (`.sav`, `.zsav`),
//! Stata (`.dta`) and SAS (`.sas7bdat`, `.xpt`) files, read in pure Rust by
//! `polars-readstat-rs`. What the file says of its variables — labels and
//! value labels — becomes the dataset's metadata ([`labels`]); declared
//! missing values (SPSS user-missing codes and ranges, Stata and SAS
//! extended missing `.a`–`.z`) arrive as missing values, and the reason of
//! each in a column `<name>_missing` beside it (the code's label, or the
//! code), so nothing of the file is lost and estimation leaves them out.

use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::*;
use polars_readstat_rs::{InformativeNullColumns, InformativeNullMode, InformativeNullOpts};

use crate::error::{Error, Result};
use crate::spec::model::DatasetSpec;

/// The suffix of the column holding each declared missing value's reason.
pub const MISSING_SUFFIX: &str = "_missing";

/// The microdata formats, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// SPSS `.sav` / `.zsav`.
    Spss,
    /// Stata `.dta`.
    Stata,
    /// SAS `.sas7bdat`.
    Sas7bdat,
    /// SAS transport `.xpt`.
    Xpt,
}

impl Kind {
    /// The kind of a file, from its extension.
    pub fn of(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "sav" | "zsav" => Some(Kind::Spss),
            "dta" => Some(Kind::Stata),
            "sas7bdat" => Some(Kind::Sas7bdat),
            "xpt" => Some(Kind::Xpt),
            _ => None,
        }
    }
}

/// What a file says of one variable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variable {
    /// The variable's label.
    pub label: Option<String>,
    /// Value labels: code (as the data's text shows it) → label.
    pub values: BTreeMap<String, String>,
}

/// Reads `path` (a file of dataset `ds`): the values, integral numeric
/// columns as integers, and a `<name>_missing` column beside each variable
/// with declared missing values.
pub fn read(ds: &DatasetSpec, path: &Path) -> Result<DataFrame> {
    let fail = |e: String| Error::data(&ds.id, path, format!("cannot read: {e}"));
    let kind = Kind::of(path).ok_or_else(|| fail("not a microdata file".into()))?;
    let reasons = || {
        let mut o = InformativeNullOpts::new(InformativeNullColumns::All);
        o.mode = InformativeNullMode::SeparateColumn {
            suffix: MISSING_SUFFIX.to_string(),
        };
        Some(o)
    };
    // SPSS and Stata readers share their builder's shape, not a trait.
    macro_rules! labelled {
        ($reader:ty) => {
            <$reader>::open(path)
                .and_then(|r| {
                    r.read()
                        .value_labels_as_strings(false)
                        .informative_nulls(reasons())
                        .finish()
                })
                .map_err(|e| fail(e.to_string()))?
        };
    }
    let df = match kind {
        Kind::Spss => labelled!(polars_readstat_rs::SpssReader),
        Kind::Stata => labelled!(polars_readstat_rs::StataReader),
        Kind::Sas7bdat => polars_readstat_rs::Sas7bdatReader::open(path)
            .and_then(|r| r.read().informative_nulls(reasons()).finish())
            .map_err(|e| fail(e.to_string()))?,
        Kind::Xpt => {
            check_transport_length(ds, path)?;
            let opts = polars_readstat_rs::ScanOptions {
                informative_nulls: reasons(),
                ..Default::default()
            };
            polars_readstat_rs::sas::xpt::scan_xpt(path, opts)
                .and_then(LazyFrame::collect)
                .map_err(|e| fail(e.to_string()))?
        }
    };
    let columns = df
        .columns()
        .iter()
        .map(integral_as_integer)
        .collect::<Result<Vec<_>>>()?;
    DataFrame::new_infer_height(columns).map_err(|e| fail(e.to_string()))
}

/// A transport file holds no trustworthy row count (writers other than SAS
/// leave it zero), so a file cut short would silently lose rows. What can
/// be checked is checked: it is made of 80-byte records, and after its last
/// whole row comes only the blank padding of the last record. A cut that
/// falls exactly on both a record and a row boundary cannot be seen.
fn check_transport_length(ds: &DatasetSpec, path: &Path) -> Result<()> {
    let damaged = |why: String| {
        Error::data(
            &ds.id,
            path,
            format!("this SAS transport file is truncated or damaged: {why}"),
        )
    };
    let bytes = std::fs::read(path).map_err(|e| damaged(e.to_string()))?;
    if bytes.len() % 80 != 0 {
        return Err(damaged(format!(
            "it is made of 80-byte records, but has {} bytes",
            bytes.len()
        )));
    }
    let meta = polars_readstat_rs::read_xpt_metadata(path).map_err(|e| damaged(e.to_string()))?;
    let data = bytes.len().saturating_sub(meta.data_offset as usize);
    if meta.row_length > 0 {
        let tail = &bytes[bytes.len() - data % meta.row_length..];
        if tail.len() >= 80 || tail.iter().any(|b| *b != b' ') {
            return Err(damaged(format!(
                "its last {} bytes are part of a row, not the blank padding after the last one",
                tail.len()
            )));
        }
    }
    Ok(())
}

/// A float column whose values are all whole numbers (codes, counts) as
/// Int64, so its values read `1`, not `1.0`, in domains and labels.
fn integral_as_integer(col: &Column) -> Result<Column> {
    let Ok(f) = col.f64() else {
        return Ok(col.clone());
    };
    let whole = f
        .iter()
        .flatten()
        .all(|v| v.fract() == 0.0 && v.abs() < 9.0e15);
    if !whole || f.null_count() == f.len() {
        return Ok(col.clone());
    }
    col.cast(&DataType::Int64)
        .map_err(|e| Error::internal(format!("column `{}` as integers", col.name()), e))
}

/// The variables' labels and value labels of `path`, from its header only.
pub fn labels(path: &Path) -> Result<BTreeMap<String, Variable>> {
    let fail = |e: String| Error::io(path, std::io::Error::other(e));
    let json = match Kind::of(path) {
        Some(Kind::Spss) => polars_readstat_rs::SpssReader::open(path)
            .and_then(|r| {
                polars_readstat_rs::spss_metadata_json_from_meta(r.metadata(), r.header())
            })
            .map_err(|e| fail(e.to_string()))?,
        Some(Kind::Stata) => polars_readstat_rs::StataReader::open(path)
            .and_then(|r| {
                polars_readstat_rs::stata_metadata_json_from_meta(r.metadata(), r.header())
            })
            .map_err(|e| fail(e.to_string()))?,
        Some(Kind::Sas7bdat) => polars_readstat_rs::Sas7bdatReader::open(path)
            .and_then(|r| polars_readstat_rs::sas_metadata_json_from_meta(r.metadata(), r.header()))
            .map_err(|e| fail(e.to_string()))?,
        Some(Kind::Xpt) => polars_readstat_rs::sas::xpt::xpt_metadata_json(path)
            .map_err(|e| fail(e.to_string()))?,
        None => return Ok(BTreeMap::new()),
    };
    let v: serde_json::Value = serde_json::from_str(&json).map_err(|e| fail(e.to_string()))?;
    let list = v["variables"]
        .as_array()
        .or_else(|| v["columns"].as_array())
        .cloned()
        .unwrap_or_default();
    Ok(list
        .iter()
        .filter_map(|var| {
            let name = var["name"].as_str()?.to_string();
            let label = var["label"]
                .as_str()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string);
            let values = var["value_labels"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, l)| Some((code_text(k), l.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default();
            Some((name, Variable { label, values }))
        })
        .collect())
}

/// A code as the data shows it: `1` for the file's `1.0`.
fn code_text(k: &str) -> String {
    match k.parse::<f64>() {
        Ok(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => format!("{}", v as i64),
        _ => k.to_string(),
    }
}

/// Warnings for codes that a dataset's contract labels otherwise than its
/// microdata file does (the contract's label is the one used).
pub fn label_conflicts(study: &crate::spec::model::Study) -> Vec<String> {
    let mut out = Vec::new();
    for ds in &study.datasets {
        let Some(contract) = &ds.contract else {
            continue;
        };
        for (column, var) in &ds.file_labels {
            let Some(codes) = contract.columns.get(column).and_then(|r| r.codes.as_ref()) else {
                continue;
            };
            for (code, file_label) in &var.values {
                let Some(ours) = codes.get(code).and_then(|t| t.get(study.language)) else {
                    continue;
                };
                if ours != file_label {
                    out.push(format!(
                        "dataset `{}`, column `{column}`: the contract labels code {code} \"{ours}\", the file \"{file_label}\" — the contract's label is used",
                        ds.id
                    ));
                }
            }
        }
    }
    out
}
