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
            // A transport file is made of 80-byte records: a length that is
            // not a multiple of 80 is a file cut short, whose rows would be lost.
            let len = std::fs::metadata(path)
                .map_err(|e| fail(e.to_string()))?
                .len();
            if len % 80 != 0 {
                return Err(Error::data(
                    &ds.id,
                    path,
                    format!(
                        "a SAS transport file is made of 80-byte records, but this one has {len} bytes: it is truncated or damaged"
                    ),
                ));
            }
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
