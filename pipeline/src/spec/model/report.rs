//! `[[comparisons]]`, `[[crosstabs]]` and `[report]` resolved.

use super::*;

/// What a comparison compares.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub enum Compared {
    /// Two domains of one breakdown of the indicator (one survey: their
    /// covariance counts).
    Domains {
        /// The breakdown variable.
        by: String,
        /// Value of the first domain.
        a: String,
        /// Value of the second domain.
        b: String,
        /// A second variable: the difference within each of its values
        /// (from the indicator's breakdown crossing `by` with it), e.g. the
        /// change between two waves in each region.
        within: Option<String>,
    },
    /// The indicator's overall value against another indicator's, from an
    /// independent sample (another wave or survey).
    Independent {
        /// The other indicator.
        versus: String,
    },
}

/// One `[[comparisons]]`: a difference a − b with its SE, interval and p-value.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ComparisonSpec {
    /// The id.
    pub id: String,
    /// The indicator.
    pub indicator: String,
    /// What is compared.
    pub compared: Compared,
    /// Human label.
    pub label: Text,
    /// Where it is declared.
    pub location: Location,
}

/// What a cross-tabulation's cells are percentages of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Percent {
    /// Of their row (each row sums to 100).
    Row,
    /// Of their column.
    Column,
    /// Of the whole table.
    Cell,
}

/// The test of independence of a cross-tabulation, as R's `svychisq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Test {
    /// Pearson's X² with Rao and Scott's second-order correction, as an F
    /// (svychisq's default).
    F,
    /// Pearson's X² with Rao and Scott's first-order correction, as χ².
    Chisq,
    /// The design-based Wald test of the interaction cells.
    Wald,
    /// The Wald test adjusted for the design degrees of freedom.
    AdjWald,
}

impl Test {
    /// Every test, with its name in the spec.
    pub const ALL: [(Test, &'static str); 4] = [
        (Test::F, "F"),
        (Test::Chisq, "Chisq"),
        (Test::Wald, "Wald"),
        (Test::AdjWald, "adjWald"),
    ];

    /// Its name in the spec and in `tests.csv`.
    pub fn name(self) -> &'static str {
        Test::ALL
            .iter()
            .find(|(t, _)| *t == self)
            .map_or("F", |(_, n)| n)
    }
}

/// One `[[crosstabs]]`: a design-based two-way table with its test.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CrosstabSpec {
    /// The id.
    pub id: String,
    /// The survey dataset.
    pub dataset: String,
    /// The rows' variable.
    pub rows: Variable,
    /// The columns' variable.
    pub columns: Variable,
    /// Variables computed before tabulating: name and SQL expression.
    pub derived: Vec<(String, String)>,
    /// Subpopulation (SQL).
    pub where_: Option<String>,
    /// What the cells are percentages of.
    pub percent: Percent,
    /// The test of independence.
    pub test: Test,
    /// Human label.
    pub label: Text,
    /// Where it is declared.
    pub location: Location,
}

/// One report section.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SectionSpec {
    /// Heading.
    pub title: Text,
    /// Paragraph under the heading.
    pub text: Text,
    /// Chart ids.
    pub charts: Vec<String>,
    /// Indicator ids whose tables are shown.
    pub indicators: Vec<String>,
    /// One table of several indicators side by side, a row per domain.
    pub summary: Option<SummarySpec>,
}

/// A section's `summary`: indicators as columns, the overall value and each
/// value of `by` as rows ("the programme by axis").
#[derive(Debug, Clone, serde::Serialize)]
pub struct SummarySpec {
    /// The breakdown every indicator has.
    pub by: String,
    /// The indicators, in column order.
    pub indicators: Vec<String>,
    /// Its heading.
    pub title: Text,
}

/// `[report]`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportSpec {
    /// Title (defaults to the study title).
    pub title: Text,
    /// Introduction paragraph.
    pub introduction: Text,
    /// Sections, in order.
    pub sections: Vec<SectionSpec>,
}
