//! Design-based estimation. The design flows one way, as in R's `survey`:
//! [`design::PreparedDesign::prepare`] (`svydesign`, `svrepdesign`,
//! `as.svrepdesign`), then [`calibrate::calibrated`] (`calibrate`,
//! `rake`, `postStratify`) — [`prepare`] does both. Then one pass sums
//! per unit and domain ([`accumulate`]), and the estimators with their
//! intervals ([`estimate`]) take linearised variances ([`linearize`], with
//! the calibration's [`correction`]) or replicate variances
//! ([`replicate`]). Definitions follow R's `survey` package; the tests
//! compare with it.

pub mod accumulate;
pub mod calibrate;
pub mod codes;
pub mod columns;
pub mod correction;
mod cube;
pub mod design;
pub mod diagnostics;
pub mod estimate;
pub mod linalg;
pub mod linearize;
pub mod quantile;
pub mod reliability;
pub mod replicate;

use polars::prelude::DataFrame;

use crate::error::Result;
use crate::spec::model::DesignSpec;

/// The design of `spec` over the rows of dataset `dataset`, calibrated
/// when the spec says so.
pub fn prepare(spec: &DesignSpec, df: &DataFrame, dataset: &str) -> Result<design::PreparedDesign> {
    let design = design::PreparedDesign::prepare(spec, df, dataset)?;
    calibrate::calibrated(design, spec, df, dataset)
}
