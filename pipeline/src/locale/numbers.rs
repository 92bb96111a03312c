//! Numbers and percentages as each language writes them: English "89.9%"
//! and "12,345"; French "89,9 %" and "12 345", with a narrow no-break space
//! (U+202F) before the percent sign and between thousands; Arabic as
//! Morocco's publications print it (CLDR `ar-MA`): Latin digits, "89,9%",
//! "12.345", a negative number led by a left-to-right mark so that its
//! minus stays before its digits in right-to-left text.

use super::Language;

/// The narrow no-break space French typography puts before `%` and between thousands.
pub const NNBSP: char = '\u{202F}';

/// `value` with `decimals` decimals and the language's separators.
pub fn number(value: f64, decimals: usize, lang: Language) -> String {
    let s = format!("{:.*}", decimals, value.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let (sep, dec) = match lang {
        Language::En => (",".to_string(), '.'),
        Language::Fr => (NNBSP.to_string(), ','),
        Language::Ar => (".".to_string(), ','),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push_str(&sep);
        }
        grouped.push(c);
    }
    // The minus sign of typeset numbers (U+2212), not a hyphen.
    let sign = match lang {
        _ if value >= 0.0 || !s.chars().any(|c| c.is_ascii_digit() && c != '0') => "",
        // U+200E: the minus between it and the digits resolves left to right.
        Language::Ar => "\u{200E}\u{2212}",
        _ => "\u{2212}",
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{dec}{frac}")
    }
}

/// A percentage (`value` already in percent) with one decimal.
pub fn percent(value: f64, lang: Language) -> String {
    percent_with(value, 1, lang)
}

/// A percentage (`value` already in percent) with `decimals` decimals.
pub fn percent_with(value: f64, decimals: usize, lang: Language) -> String {
    match lang {
        Language::En | Language::Ar => format!("{}%", number(value, decimals, lang)),
        Language::Fr => format!("{}{NNBSP}%", number(value, decimals, lang)),
    }
}

/// A power of a thousand that large numbers are written in: "200 M",
/// "1.2 bn" ("1,2 Md" in French).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Magnitude {
    /// Thousands: "k".
    Thousands,
    /// Millions: "M".
    Millions,
    /// Billions: "bn" ("Md").
    Billions,
}

impl Magnitude {
    /// What a number is divided by.
    pub fn divisor(self) -> f64 {
        match self {
            Magnitude::Thousands => 1e3,
            Magnitude::Millions => 1e6,
            Magnitude::Billions => 1e9,
        }
    }

    /// The magnitude that writes numbers up to `largest` (in absolute
    /// value) shortest: millions from a million, billions from a billion;
    /// none below (thousands only when asked for).
    pub fn auto(largest: f64) -> Option<Self> {
        if largest >= 1e9 {
            Some(Magnitude::Billions)
        } else if largest >= 1e6 {
            Some(Magnitude::Millions)
        } else {
            None
        }
    }

    /// `value` in this magnitude with `decimals` decimals and its symbol.
    pub fn write(self, value: f64, decimals: usize, lang: Language) -> String {
        let key = match self {
            Magnitude::Thousands => "unit_thousands",
            Magnitude::Millions => "unit_millions",
            Magnitude::Billions => "unit_billions",
        };
        let space = match lang {
            Language::En | Language::Ar => '\u{a0}',
            Language::Fr => NNBSP,
        };
        format!(
            "{}{space}{}",
            number(value / self.divisor(), decimals, lang),
            super::phrase(lang, key)
        )
    }

    /// Decimals for `value` written in this magnitude: none for whole
    /// numbers and from 100, one below.
    pub fn decimals(self, value: f64) -> usize {
        let scaled = value / self.divisor();
        usize::from(scaled.fract().abs() > 1e-9 && scaled.abs() < 100.0)
    }
}

/// A p-value with three decimals, or "< 0.001" below that ("< 0,001").
pub fn p_value(p: f64, lang: Language) -> String {
    if p < 0.001 {
        format!("<\u{a0}{}", number(0.001, 3, lang))
    } else {
        number(p, 3, lang)
    }
}

/// A p-value as a clause: "p = 0.043", or "p < 0.001" below that (no-break
/// spaces).
pub fn p_clause(p: f64, lang: Language) -> String {
    let value = p_value(p, lang);
    if p < 0.001 {
        format!("p\u{a0}{value}")
    } else {
        format!("p\u{a0}=\u{a0}{value}")
    }
}

/// Decimals an axis needs to tell ticks `step` apart.
pub fn tick_decimals(step: f64) -> usize {
    if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    }
}

/// Decimals that show `value` sensibly: none for whole numbers and above
/// 1,000, one above 10, two below — and three significant digits below 0.1
/// (an HHI of 0.0169 is not 0.02).
pub fn auto_decimals(value: f64) -> usize {
    let a = value.abs();
    if a >= 1000.0 || value.fract() == 0.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 0.1 {
        2
    } else {
        (2.0 - a.log10().floor()) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_french_forms() {
        assert_eq!(percent(89.94, Language::En), "89.9%");
        assert_eq!(percent(89.94, Language::Fr), "89,9\u{202F}%");
        assert_eq!(number(1234567.0, 0, Language::En), "1,234,567");
        assert_eq!(
            number(1234567.0, 0, Language::Fr),
            "1\u{202F}234\u{202F}567"
        );
        assert_eq!(number(-0.04, 1, Language::En), "0.0");
        assert_eq!(number(-12.5, 1, Language::Fr), "\u{2212}12,5");
        assert_eq!(percent(89.94, Language::Ar), "89,9%");
        assert_eq!(number(1234567.0, 0, Language::Ar), "1.234.567");
        assert_eq!(number(-12.5, 1, Language::Ar), "\u{200E}\u{2212}12,5");
        assert_eq!(number(-0.04, 1, Language::Ar), "0,0");
        assert_eq!(auto_decimals(0.0169), 4);
        assert_eq!(p_value(0.0004, Language::Ar), "<\u{a0}0,001");
        assert_eq!(p_value(0.0432, Language::En), "0.043");
        let m = Magnitude::auto(2e8).unwrap();
        assert_eq!(m.write(2e8, m.decimals(2e8), Language::En), "200\u{a0}M");
        let b = Magnitude::auto(1.2e9).unwrap();
        assert_eq!(
            b.write(1.2e9, b.decimals(1.2e9), Language::Fr),
            "1,2\u{202F}Md"
        );
        assert_eq!(Magnitude::auto(999_999.0), None);
        assert_eq!(auto_decimals(0.5), 2);
    }
}
