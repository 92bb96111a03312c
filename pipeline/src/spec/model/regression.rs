//! `[[models]]` resolved.

use super::*;
use crate::models::family::Family;
use crate::models::formula::Formula;

/// One `[[models]]`: a design-based regression (`svyglm`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModelSpec {
    /// The id.
    pub id: String,
    /// The survey dataset.
    pub dataset: String,
    /// The formula as written.
    pub formula_text: String,
    /// The formula parsed.
    pub formula: Formula,
    /// The family (and its canonical link).
    pub family: Family,
    /// Subpopulation (SQL).
    pub where_: Option<String>,
    /// Variables computed before fitting: name and SQL expression.
    pub derived: Vec<(String, String)>,
    /// Reference level per categorical column (the value as text).
    pub reference: BTreeMap<String, String>,
    /// Confidence level of the intervals.
    pub level: f64,
    /// Human label.
    pub label: Text,
    /// Where it is declared.
    pub location: Location,
}
