//! The study spec: `study.toml` parsed (`raw`) then checked and resolved
//! ([`resolve`]) into a [`Study`] ([`model`]). Errors point at the file,
//! line and column of the offending key and list the valid choices.

pub mod engine;
pub mod keys;
pub mod model;
pub(crate) mod raw;
pub mod resolve;
pub mod statistic;

use std::path::Path;

pub use model::*;

use crate::error::{Error, Location, Result};

/// Reads and resolves the study at `study` (a `study.toml` or its folder).
pub fn load(study: &Path) -> Result<Study> {
    let spec_path = resolve::spec_file(study);
    let text = std::fs::read_to_string(&spec_path).map_err(|e| {
        Error::spec(format!(
            "cannot read study spec {}: {e}",
            spec_path.display()
        ))
    })?;
    let spec_path =
        resolve::normalize(&std::path::absolute(&spec_path).map_err(|e| Error::io(&spec_path, e))?);
    let raw: raw::RawSpec = toml::from_str(&text).map_err(|e| {
        let location = e
            .span()
            .map(|s| Location::from_offset(&spec_path, &text, s.start));
        Error::Spec {
            location,
            message: e.message().trim_end().to_string(),
        }
    })?;
    resolve::resolve(raw, &spec_path, &text)
}
