//! Amounts as people write them — `$1,750,000`, `1 750 000 MAD`, `€2.5M`,
//! `2,5 MDH`, `(1,200)` — read into a number and its currency, or refused
//! with the reason. Nothing is guessed: a group separator is one only
//! before groups of exactly three digits, a decimal mark that could be a
//! thousands separator (`300,000` with decimal commas) is refused, and a
//! currency is kept, never dropped.

/// A parsed amount.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    /// The amount, multiplier applied.
    pub amount: f64,
    /// ISO 4217 code when the text names a currency (`$` is USD, `DH` MAD).
    pub currency: Option<String>,
}

/// Currency symbols and local names that stand for one ISO code.
const SYMBOLS: [(&str, &str); 9] = [
    ("US$", "USD"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("DHS", "MAD"),
    ("DH", "MAD"),
    ("FCFA", "XOF"),
    ("CHF", "CHF"),
    ("FR", "FRF"),
];

/// Multiplier suffixes, longest first (`Md` is the French milliard).
const MULTIPLIERS: [(&str, f64); 7] = [
    ("bn", 1e9),
    ("md", 1e9),
    ("mn", 1e6),
    ("b", 1e9),
    ("m", 1e6),
    ("k", 1e3),
    ("", 1.0),
];

/// Parses `s` with `decimal` (`.` or `,`) as the decimal mark; `Err` says
/// why the text is not an amount.
pub fn parse(s: &str, decimal: char) -> Result<Money, String> {
    let mut t = s.trim();
    let mut negative = false;
    if t.starts_with('(') && t.ends_with(')') {
        negative = true;
        t = t[1..t.len() - 1].trim();
    }
    let first = t.find(|c: char| c.is_ascii_digit());
    let last = t.rfind(|c: char| c.is_ascii_digit());
    let (Some(first), Some(last)) = (first, last) else {
        return Err("is not an amount: it has no digits".into());
    };
    let mut prefix = t[..first].trim();
    if let Some(p) = prefix.strip_suffix('-') {
        negative = !negative;
        prefix = p.trim();
    }
    let number = &t[first..=last];
    let suffix = t[last + 1..].trim();
    let before = currency(prefix)?;
    let (multiplier, after) = multiplier_and_currency(suffix)?;
    let code = match (before, after) {
        (Some(a), Some(b)) if a != b => {
            return Err(format!(
                "is not an amount: it names two currencies, {a} and {b}"
            ));
        }
        (a, b) => a.or(b),
    };
    let value = number_of(number, decimal)?;
    let amount = value * multiplier * if negative { -1.0 } else { 1.0 };
    if !amount.is_finite() {
        return Err("is not an amount: it is too large".into());
    }
    Ok(Money {
        amount,
        currency: code,
    })
}

/// The currency a prefix or suffix names: a symbol, a local name or a
/// three-letter code; empty text names none.
fn currency(text: &str) -> Result<Option<String>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let upper = t.to_uppercase();
    if let Some((_, code)) = SYMBOLS.iter().find(|(s, _)| *s == upper) {
        return Ok(Some((*code).to_string()));
    }
    if upper.len() == 3 && upper.chars().all(|c| c.is_ascii_uppercase()) && t == upper {
        return Ok(Some(upper));
    }
    Err(format!(
        "is not an amount: `{t}` is not a currency (a symbol such as $ € £, a code such as USD or MAD, or DH)"
    ))
}

/// What follows the digits: a multiplier (`k`, `M`, `bn`, `Md`), a currency,
/// or both (`M MAD`, `MDH`, `k€`).
fn multiplier_and_currency(suffix: &str) -> Result<(f64, Option<String>), String> {
    let compact: String = suffix.chars().filter(|c| !c.is_whitespace()).collect();
    let mut last_error = None;
    for (m, factor) in MULTIPLIERS {
        // Multipliers are ASCII: compared without case, byte for byte (a
        // lowercase of other letters may change their length).
        if !compact
            .get(..m.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(m))
        {
            continue;
        }
        let rest_text = &compact[m.len()..];
        if rest_text.is_empty() {
            return Ok((factor, None));
        }
        // `M` alone before a currency is a multiplier, but `MAD` is a code.
        match currency(rest_text) {
            Ok(c) => return Ok((factor, c)),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| format!("is not an amount: `{suffix}` is not understood")))
}

/// The digits with their separators, read without guessing.
fn number_of(text: &str, decimal: char) -> Result<f64, String> {
    let group_mark = if decimal == ',' { '.' } else { ',' };
    let is_space = |c: char| matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'');
    if let Some(bad) = text
        .chars()
        .find(|&c| !c.is_ascii_digit() && c != decimal && c != group_mark && !is_space(c))
    {
        return Err(format!("is not an amount: `{bad}` inside the number"));
    }
    let (int, frac) = match text.split_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    if let Some(f) = frac
        && !f.chars().all(|c| c.is_ascii_digit())
    {
        return Err(format!(
            "is not an amount: after the decimal mark `{decimal}` only digits may follow"
        ));
    }
    // Groups: the first of 1–3 digits, then exactly three each, one kind of separator.
    let groups: Vec<&str> = int
        .split(|c: char| c == group_mark || is_space(c))
        .collect();
    let separators: std::collections::BTreeSet<char> =
        int.chars().filter(|c| !c.is_ascii_digit()).collect();
    if groups.len() > 1
        && (separators.len() > 1
            || groups[0].is_empty()
            || groups[0].len() > 3
            || groups[1..].iter().any(|g| g.len() != 3))
    {
        let hint = if decimal == '.' && separators.contains(&',') {
            " — if commas are decimal marks here, set `decimal = \",\"` on the dataset"
        } else {
            ""
        };
        return Err(format!(
            "is ambiguous: `{text}` has a separator that is not before a group of three digits{hint}"
        ));
    }
    // `300,000` with decimal commas (or `1.500` with decimal points) may be
    // a thousands-grouped whole number written the other way.
    if groups.len() == 1
        && let Some(f) = frac
        && f.len() == 3
        && (1..=3).contains(&int.len())
        && !int.starts_with('0')
    {
        return Err(format!(
            "is ambiguous: `{text}` reads as {int}{decimal}{f} with `{decimal}` as the decimal mark, but `{decimal}` also separates thousands in other conventions — write the amount without that doubt"
        ));
    }
    let digits: String = int.chars().filter(char::is_ascii_digit).collect();
    let plain = match frac {
        Some(f) => format!("{digits}.{f}"),
        None => digits,
    };
    plain
        .parse::<f64>()
        .map_err(|_| format!("is not an amount: `{text}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str, decimal: char) -> (f64, Option<&'static str>) {
        let m = parse(s, decimal).unwrap_or_else(|e| panic!("{s}: {e}"));
        (m.amount, m.currency.map(|c| &*c.leak()))
    }

    fn refused(s: &str, decimal: char) -> String {
        parse(s, decimal).expect_err(s)
    }

    #[test]
    fn amounts_as_people_write_them() {
        assert_eq!(ok("$1,750,000", '.'), (1_750_000.0, Some("USD")));
        assert_eq!(ok("1750000", '.'), (1_750_000.0, None));
        assert_eq!(ok("USD 2.5M", '.'), (2_500_000.0, Some("USD")));
        assert_eq!(ok("€600k", '.'), (600_000.0, Some("EUR")));
        assert_eq!(ok("£1.2bn", '.'), (1_200_000_000.0, Some("GBP")));
        assert_eq!(ok("(1,200)", '.'), (-1_200.0, None));
        assert_eq!(ok("1'000'000 CHF", '.'), (1_000_000.0, Some("CHF")));
        assert_eq!(ok("1 750 000 MAD", ','), (1_750_000.0, Some("MAD")));
        assert_eq!(ok("2.500.000,50 DH", ','), (2_500_000.5, Some("MAD")));
        assert_eq!(ok("12\u{202f}345,6\u{a0}€", ','), (12_345.6, Some("EUR")));
        assert_eq!(ok("-250", '.'), (-250.0, None));
        assert_eq!(ok("0.125", '.'), (0.125, None));
    }

    #[test]
    fn one_amount_however_its_multiplier_and_currency_are_placed() {
        for s in ["MAD 1.2M", "1.2M MAD", "1.2 M MAD", "1.2 MMAD"] {
            assert_eq!(ok(s, '.'), (1_200_000.0, Some("MAD")), "{s}");
        }
        for s in ["1,2 M MAD", "MAD 1,2M", "1,2 MDH"] {
            assert_eq!(ok(s, ','), (1_200_000.0, Some("MAD")), "{s}");
        }
        assert_eq!(ok("1,2 Md DH", ','), (1_200_000_000.0, Some("MAD")));
        assert_eq!(ok("2,5 MDH", ','), (2_500_000.0, Some("MAD")));
    }

    #[test]
    fn separators_are_never_guessed() {
        // Each of these was read as 12,000,000, 15, 125, 25 and 300 before.
        for s in ["MAD 1,2M", "1,5", "1,25", "2,5 MDH", "1,75,000"] {
            let why = refused(s, '.');
            assert!(why.contains("ambiguous"), "{s}: {why}");
        }
        assert!(refused("1,5", '.').contains("decimal = \",\""));
        assert!(refused("MAD 300,000", ',').contains("ambiguous"));
        assert!(refused("1.500", '.').contains("ambiguous"));
        assert!(refused("1,000 000", '.').contains("ambiguous"));
    }

    #[test]
    fn what_is_not_an_amount_says_why() {
        assert!(refused("about a million", '.').contains("no digits"));
        assert!(refused("$", '.').contains("no digits"));
        assert!(refused("12 apples", '.').contains("not a currency"));
        assert!(refused("$12 MAD", '.').contains("two currencies"));
        assert!(refused("1e400", '.').contains("`e` inside"));
        // Found by fuzz.rs: a letter whose lowercase is longer than itself.
        assert!(refused("0Ⱥ", '.').contains("not a currency"));
    }
}
