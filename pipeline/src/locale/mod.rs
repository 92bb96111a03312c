//! Everything that depends on the output language, at the bottom layer so
//! that every stage reads it: the [`Language`], reliability [`Flag`]s and
//! their words, number formats ([`numbers`]) and every fixed phrase of the
//! charts, the report and the methods ([`phrases`]) — one table with a
//! column per language, so a new language is one new column.

pub mod fonts;
pub mod numbers;
pub mod phrases;

pub use phrases::{fill, phrase};

/// Output language: labels and number formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Language {
    /// English: "89.9%", "12,345".
    En,
    /// French: "89,9 %", "12 345" (narrow no-break spaces).
    Fr,
    /// Arabic, written right to left, with the Latin digits, decimal comma
    /// and grouping dot of Morocco's publications (CLDR `ar-MA`): "89,9%",
    /// "12.345".
    Ar,
}

impl Language {
    /// The code used in the spec and in per-language labels.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
            Language::Ar => "ar",
        }
    }

    /// Every language, in the order the spec lists the choices.
    pub const ALL: [Language; 3] = [Language::En, Language::Fr, Language::Ar];

    /// Whether the language is written right to left.
    pub fn rtl(self) -> bool {
        self == Language::Ar
    }
}

/// A reliability flag on an estimate (the `flag` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flag {
    /// Publishable with a warning: drawn lighter or hollow.
    Caution,
    /// Too unreliable to publish: not drawn, its value kept in the tables.
    Suppressed,
    /// Withheld by disclosure control: no number published anywhere.
    Confidential,
}

impl Flag {
    /// The code in the `flag` column and in CSS classes.
    pub fn code(self) -> &'static str {
        match self {
            Flag::Caution => "caution",
            Flag::Suppressed => "suppressed",
            Flag::Confidential => "confidential",
        }
    }

    /// The flag as a report's table says it.
    pub fn words(self, lang: Language) -> &'static str {
        match self {
            Flag::Caution => phrase(lang, "flag_caution"),
            Flag::Suppressed => phrase(lang, "flag_suppressed"),
            Flag::Confidential => phrase(lang, "flag_confidential"),
        }
    }
}

impl serde::Serialize for Flag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// A confidence level as the texts say it: 0.95 → "95".
pub fn level_percent(level: f64) -> String {
    let p = (level * 1e6).round() / 1e4;
    format!("{p}")
}
