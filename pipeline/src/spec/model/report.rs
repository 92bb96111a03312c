//! `[[comparisons]]` and `[report]` resolved.

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
