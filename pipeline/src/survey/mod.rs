//! Design-based estimation: a prepared design ([`design`]), one pass that
//! sums per PSU and domain ([`accumulate`]), linearised variances
//! ([`linearize`]) or replicate variances ([`replicate`]) and the estimators with their intervals ([`estimate`]).
//! Definitions follow R's `survey` package; the tests compare with it.

pub mod accumulate;
pub mod calibrate;
pub mod codes;
pub mod columns;
pub mod design;
pub mod estimate;
pub mod linalg;
pub mod linearize;
pub mod quantile;
pub mod reliability;
pub mod replicate;
