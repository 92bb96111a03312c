//! Reliability flags: whether an estimate is fit to publish ("suppressed"
//! when not, "caution" when it needs a warning), by one of two rule sets,
//! and how each rule set is explained to readers.
//!
//! - `cv` (default; Statistics Canada's): fewer than `min_n` respondents or
//!   a coefficient of variation above `cv_suppress` → suppressed; a CV above
//!   `cv_caution` → caution.
//! - `nchs2017`: the U.S. National Center for Health Statistics' *Data
//!   Presentation Standards for Proportions* (Parker et al., 2017) for
//!   proportions — suppressed when the sample size or the effective sample
//!   size is below 30, when the Korn–Graubard 95% interval is 0.30 wide or
//!   more, or when it is wider than 0.05 and its width relative to the
//!   proportion exceeds 130%; flagged for review (caution) when the design
//!   has fewer than 8 degrees of freedom, or when the proportion is 0 or 1
//!   (then sized by the exact interval of 0 or n successes in n rows). Other
//!   statistics keep the CV rule.

use crate::locale::{Flag, Language, fill, numbers, phrase};
use crate::spec::model::{Reliability, ReliabilityRule};

/// NCHS 2017 thresholds.
const NCHS_MIN_N: f64 = 30.0;
const NCHS_MAX_WIDTH: f64 = 0.30;
const NCHS_REVIEW_WIDTH: f64 = 0.05;
const NCHS_MAX_RELATIVE_WIDTH: f64 = 1.30;
const NCHS_MIN_DF: f64 = 8.0;

/// The CV rule: too few rows or a CV above the suppression threshold
/// suppress the estimate; a CV above the caution threshold asks for caution.
pub fn flag(rules: &Reliability, n: u64, cv: Option<f64>) -> Option<Flag> {
    let cv = cv.unwrap_or(f64::INFINITY);
    if n < rules.min_n || cv > rules.cv_suppress {
        Some(Flag::Suppressed)
    } else if cv > rules.cv_caution {
        Some(Flag::Caution)
    } else {
        None
    }
}

/// What the NCHS rule looks at for one proportion.
#[derive(Debug, Clone, Copy)]
pub struct ProportionFacts {
    /// The proportion.
    pub p: f64,
    /// Its standard error.
    pub se: f64,
    /// Unweighted rows with a value.
    pub n: u64,
    /// Design degrees of freedom.
    pub df: f64,
    /// Width of the Korn–Graubard 95% interval (`None` when undefined).
    pub kg_width: Option<f64>,
}

/// The flag of a proportion under `rules`.
pub fn proportion_flag(rules: &Reliability, f: ProportionFacts, cv: Option<f64>) -> Option<Flag> {
    if rules.rule == ReliabilityRule::Cv {
        return flag(rules, f.n, cv);
    }
    let n = f.n as f64;
    if f.p <= 0.0 || f.p >= 1.0 {
        // No variance to size it by: the exact (Clopper–Pearson) interval
        // of 0 or n successes in n, 1 − 0.025^(1/n) wide; shown for review
        // unless too few rows or too wide.
        let width = 1.0 - 0.025f64.powf(1.0 / n);
        return if n < NCHS_MIN_N || width >= NCHS_MAX_WIDTH {
            Some(Flag::Suppressed)
        } else {
            Some(Flag::Caution)
        };
    }
    // Effective sample size n / deff with deff = Var / (p(1 − p)/n), capped at n.
    let n_eff = if f.se > 0.0 {
        (f.p * (1.0 - f.p) / (f.se * f.se)).min(n)
    } else {
        n
    };
    let width = f.kg_width.unwrap_or(f64::INFINITY);
    if n < NCHS_MIN_N || n_eff < NCHS_MIN_N || width >= NCHS_MAX_WIDTH {
        return Some(Flag::Suppressed);
    }
    if width > NCHS_REVIEW_WIDTH && width / f.p > NCHS_MAX_RELATIVE_WIDTH {
        return Some(Flag::Suppressed);
    }
    (f.df < NCHS_MIN_DF).then_some(Flag::Caution)
}

/// How a rule set is explained: in the methods section, and in the notes
/// of a chart that shows a flagged estimate.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The methods section's paragraph.
    pub methods: String,
    /// A chart's note on lighter ("caution") bars.
    pub caution: String,
    /// A chart's note on estimates not drawn.
    pub suppressed: String,
}

/// The explanation of `rules` in `lang`.
pub fn explain(rules: &Reliability, lang: Language) -> Explanation {
    let pct = |v: f64| numbers::percent(v * 100.0, lang);
    let (cv_caution, cv_suppress) = (pct(rules.cv_caution), pct(rules.cv_suppress));
    let n = rules.min_n.to_string();
    let values = [
        ("n", n.as_str()),
        ("cv_caution", cv_caution.as_str()),
        ("cv_suppress", cv_suppress.as_str()),
    ];
    let cv_rule = fill(lang, "rel_cv_rule", &values);
    let rule = [
        ("cv_rule", cv_rule.as_str()),
        ("registries", phrase(lang, "rel_registries")),
    ];
    let set = match rules.rule {
        ReliabilityRule::Cv => "cv",
        ReliabilityRule::Nchs2017 => "nchs",
    };
    Explanation {
        methods: fill(lang, &format!("rel_{set}_methods"), &rule),
        caution: fill(lang, &format!("rel_{set}_caution"), &values),
        suppressed: fill(lang, &format!("rel_{set}_suppressed"), &values),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nchs() -> Reliability {
        Reliability {
            rule: ReliabilityRule::Nchs2017,
            ..Reliability::default()
        }
    }

    fn facts(p: f64, se: f64, n: u64, df: f64, width: f64) -> ProportionFacts {
        ProportionFacts {
            p,
            se,
            n,
            df,
            kg_width: Some(width),
        }
    }

    #[test]
    fn nchs_2017_decisions_by_hand() {
        let r = nchs();
        // p = 0.5, SE 0.02: n_eff = 0.25 / 0.0004 = 625; width 0.08, relative 16%.
        assert_eq!(
            proportion_flag(&r, facts(0.5, 0.02, 1000, 40.0, 0.08), None),
            None
        );
        // Effective size 0.25 / 0.1² = 25 < 30.
        assert_eq!(
            proportion_flag(&r, facts(0.5, 0.1, 1000, 40.0, 0.29), None),
            Some(Flag::Suppressed)
        );
        // Fewer than 30 rows.
        assert_eq!(
            proportion_flag(&r, facts(0.5, 0.01, 29, 40.0, 0.04), None),
            Some(Flag::Suppressed)
        );
        // An interval 0.30 wide.
        assert_eq!(
            proportion_flag(&r, facts(0.5, 0.05, 1000, 40.0, 0.30), None),
            Some(Flag::Suppressed)
        );
        // p = 0.05, SE 0.02 (n_eff 118.75), width 0.07: relative 140% > 130%.
        assert_eq!(
            proportion_flag(&r, facts(0.05, 0.02, 1000, 40.0, 0.07), None),
            Some(Flag::Suppressed)
        );
        // The same relative width but an interval under 0.05 wide: shown.
        assert_eq!(
            proportion_flag(&r, facts(0.03, 0.005, 2000, 40.0, 0.042), None),
            None
        );
        // Fewer than 8 degrees of freedom: review.
        assert_eq!(
            proportion_flag(&r, facts(0.5, 0.02, 1000, 7.0, 0.08), None),
            Some(Flag::Caution)
        );
        // 0 of 48: exact interval 1 − 0.025^(1/48) = 0.074 wide: review; 0 of 11: 0.285, but n < 30.
        assert_eq!(
            proportion_flag(&r, facts(0.0, 0.0, 48, 40.0, f64::NAN), None),
            Some(Flag::Caution)
        );
        assert_eq!(
            proportion_flag(&r, facts(1.0, 0.0, 11, 40.0, f64::NAN), None),
            Some(Flag::Suppressed)
        );
    }

    #[test]
    fn the_cv_rule_is_the_default() {
        let r = Reliability::default();
        // A proportion the NCHS rule would suppress (n_eff 25) has CV 0.1/0.5 = 20%: caution.
        assert_eq!(
            proportion_flag(&r, facts(0.5, 0.1, 1000, 40.0, 0.29), Some(0.2)),
            Some(Flag::Caution)
        );
        assert_eq!(flag(&r, 29, Some(0.01)), Some(Flag::Suppressed));
        assert_eq!(flag(&r, 30, Some(0.34)), Some(Flag::Suppressed));
        assert_eq!(flag(&r, 30, Some(0.10)), None);
    }
}
