//! Names matched and ordered the way people read them: `*`/`?` patterns
//! (file patterns, replicate-weight columns) and natural orders — `rw2`
//! before `rw10`, numbers by value before text.

/// `*` matches any run of characters, `?` any one; otherwise exact.
pub fn glob(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

/// Sorts `rw2` before `rw10`: the text before the last digits, their
/// value, then the whole text (so the order never depends on the listing's).
pub fn natural_key(s: &str) -> (String, u64, String) {
    let digits: String = s
        .chars()
        .rev()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let head = if digits.is_empty() {
        s
    } else {
        s.rsplit_once(&digits[..]).map_or(s, |(h, _)| h)
    };
    (head.to_string(), digits.parse().unwrap_or(0), s.to_string())
}

/// Numbers before text, numbers by value, text by bytes.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        _ => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_and_natural_orders() {
        assert!(glob("survey_*.csv", "survey_2024.csv"));
        assert!(!glob("survey_*.csv", "survey_2024.parquet"));
        assert!(natural_key("survey_2.csv") < natural_key("survey_10.csv"));
        assert!(glob("rw*", "rw12") && glob("brr_?", "brr_3") && !glob("rw*", "pw"));
        let mut v = vec!["rw10", "rw2", "rw1"];
        v.sort_by_key(|a| natural_key(a));
        assert_eq!(v, ["rw1", "rw2", "rw10"]);
        let mut v = vec!["b10", "10", "a", "2"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["2", "10", "a", "b10"]);
    }
}
