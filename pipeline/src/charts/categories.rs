//! Which categories a chart draws, and how their labels read. A breakdown
//! with thousands of values would make an unreadable, enormous figure: at
//! most `max_categories` are drawn — the largest by value, or a line's most
//! recent — and a note says how many are left out (the tables keep them
//! all). Labels longer than [`MAX_LABEL`] characters are shortened with an
//! ellipsis in the drawing only, kept apart when two would read the same.
//! Their order is the chart's `sort`, for the drawing and the table under
//! it alike ([`arrange`]).

use std::collections::{HashMap, HashSet};

use super::Point;
use crate::spec::model::{ChartKind, ChartSpec, Language, Order};

/// The longest label drawn, in characters.
pub const MAX_LABEL: usize = 40;

/// Keeps the points of at most `chart.max_categories` categories (keys);
/// returns how many categories were left out.
pub fn limit(points: &mut Vec<Point>, chart: &ChartSpec) -> usize {
    let mut keys: Vec<&str> = Vec::new();
    let mut seen = HashSet::new();
    for p in points.iter() {
        if seen.insert(p.key.as_str()) {
            keys.push(p.key.as_str());
        }
    }
    let max = chart.max_categories;
    if keys.len() <= max || chart.kind == ChartKind::Map {
        return 0;
    }
    let omitted = keys.len() - max;
    let kept: HashSet<String> = if chart.kind == ChartKind::Line {
        keys[omitted..].iter().map(|k| k.to_string()).collect()
    } else {
        let mut largest: HashMap<&str, f64> = HashMap::new();
        for p in points.iter() {
            let v = p.value.unwrap_or(f64::NEG_INFINITY);
            let e = largest.entry(p.key.as_str()).or_insert(v);
            *e = e.max(v);
        }
        let mut order: Vec<(usize, &str)> = keys.iter().copied().enumerate().collect();
        order.sort_by(|a, b| largest[b.1].total_cmp(&largest[a.1]).then(a.0.cmp(&b.0)));
        order.iter().take(max).map(|(_, k)| k.to_string()).collect()
    };
    points.retain(|p| kept.contains(&p.key));
    omitted
}

/// Puts the categories of `points` (in code order) in `order`: by value,
/// largest first (a category's value: its first series' value); as listed
/// (by code or label, the others after in code order); or as they are.
/// The series within a category keep their code order.
pub fn arrange(points: &mut [Point], order: &Order) {
    let mut first: Vec<&str> = Vec::new();
    let mut seen = HashSet::new();
    let mut value: HashMap<&str, f64> = HashMap::new();
    for p in points.iter() {
        if seen.insert(p.key.as_str()) {
            first.push(p.key.as_str());
            let v = p.value.filter(|_| super::drawn(p));
            value.insert(p.key.as_str(), v.unwrap_or(f64::NEG_INFINITY));
        }
    }
    let rank: HashMap<String, usize> = match order {
        Order::Code => return,
        Order::Value => {
            let mut keys = first.clone();
            keys.sort_by(|a, b| value[b].total_cmp(&value[a]));
            keys.iter()
                .enumerate()
                .map(|(i, k)| (k.to_string(), i))
                .collect()
        }
        Order::Listed(list) => {
            let label: HashMap<&str, &str> = points
                .iter()
                .map(|p| (p.key.as_str(), p.full_label.as_str()))
                .collect();
            let at = |k: &str| list.iter().position(|l| l == k || l == label[k]);
            let mut keys = first.clone();
            keys.sort_by_key(|k| at(k).unwrap_or(usize::MAX));
            keys.iter()
                .enumerate()
                .map(|(i, k)| (k.to_string(), i))
                .collect()
        }
    };
    points.sort_by_key(|p| rank[&p.key]);
}

/// The note saying what was left out.
pub fn note(omitted: usize, kept: usize, kind: ChartKind, lang: Language) -> String {
    let key = if kind == ChartKind::Line {
        "omitted_periods"
    } else {
        "omitted_categories"
    };
    crate::locale::fill(
        lang,
        key,
        &[
            ("kept", &kept.to_string()),
            ("omitted", &omitted.to_string()),
        ],
    )
}

/// `label` cut to [`MAX_LABEL`] characters with an ellipsis (linear in its length).
pub fn shorten(label: &str) -> String {
    match label.char_indices().nth(MAX_LABEL) {
        None => label.to_string(),
        Some(_) => {
            let cut: String = label.chars().take(MAX_LABEL - 1).collect();
            format!("{}…", cut.trim_end())
        }
    }
}

/// Shortens every point's drawn label, numbering those that would read the
/// same as another category's.
pub fn shorten_labels(points: &mut [Point]) {
    let mut by_text: HashMap<String, String> = HashMap::new();
    let mut by_key: HashMap<String, String> = HashMap::new();
    for p in points.iter_mut() {
        if let Some(done) = by_key.get(&p.key) {
            p.label = done.clone();
            continue;
        }
        let base = shorten(&p.label);
        let mut shown = base.clone();
        let mut k = 2;
        while by_text.get(&shown).is_some_and(|owner| *owner != p.key) {
            shown = format!("{base} ({k})");
            k += 1;
        }
        by_text.insert(shown.clone(), p.key.clone());
        by_key.insert(p.key.clone(), shown.clone());
        p.label = shown;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_cut_and_kept_apart() {
        let long = "a".repeat(60);
        assert_eq!(shorten(&long).chars().count(), MAX_LABEL);
        assert!(shorten(&long).ends_with('…'));
        assert_eq!(shorten("Casablanca-Settat"), "Casablanca-Settat");
        let point = |key: &str, label: &str| Point {
            series: None,
            key: key.into(),
            label: label.into(),
            full_label: label.into(),
            value: Some(1.0),
            low: None,
            high: None,
            n: Some(1),
            flag: None,
        };
        let mut pts = vec![
            point("1", &format!("{long}x")),
            point("2", &format!("{long}y")),
            point("1", &format!("{long}x")),
        ];
        shorten_labels(&mut pts);
        assert_ne!(pts[0].label, pts[1].label);
        assert_eq!(pts[0].label, pts[2].label);
        // A million characters take no time.
        assert!(shorten(&"word ".repeat(200_000)).chars().count() <= MAX_LABEL);
    }
}
