//! Data treatment before normalisation, as the JRC/OECD Handbook and COINr
//! do it: each unit's coverage (the share of its indicators with a value),
//! imputation of missing values (mean or median of the wave's units, or of
//! the unit's group), and COINr's default outlier rule.

use std::collections::HashMap;

use crate::spec::model::{Impute, Outliers};

/// Each unit's share of `indicators` with a value.
pub fn coverage(
    columns: &HashMap<String, Vec<f64>>,
    indicators: &[String],
    units: usize,
) -> Vec<f64> {
    (0..units)
        .map(|u| {
            let have = indicators
                .iter()
                .filter(|i| !columns[*i][u].is_nan())
                .count();
            have as f64 / indicators.len().max(1) as f64
        })
        .collect()
}

/// Fills the missing values of each indicator with the mean or median of
/// the units that have one — within the unit's group when `groups` is given.
pub fn impute(
    columns: &mut HashMap<String, Vec<f64>>,
    indicators: &[String],
    method: Impute,
    groups: Option<&[String]>,
) {
    if method == Impute::None {
        return;
    }
    for name in indicators {
        let values = columns[name].clone();
        let group_of = |u: usize| groups.map_or("", |g| g[u].as_str());
        let mut by_group: HashMap<&str, Vec<f64>> = HashMap::new();
        for (u, v) in values.iter().enumerate() {
            if !v.is_nan() {
                by_group.entry(group_of(u)).or_default().push(*v);
            }
        }
        let fill: HashMap<&str, f64> = by_group
            .into_iter()
            .map(|(g, mut v)| {
                let value = match method {
                    Impute::Mean => v.iter().sum::<f64>() / v.len() as f64,
                    _ => {
                        v.sort_by(f64::total_cmp);
                        let n = v.len();
                        if n % 2 == 1 {
                            v[n / 2]
                        } else {
                            (v[n / 2 - 1] + v[n / 2]) / 2.0
                        }
                    }
                };
                (g, value)
            })
            .collect();
        let column = columns.get_mut(name).expect("an indicator column");
        for (u, v) in column.iter_mut().enumerate() {
            if v.is_nan() {
                *v = fill.get(group_of(u)).copied().unwrap_or(f64::NAN);
            }
        }
    }
}

/// Skewness m₃ / m₂^1.5 and excess kurtosis m₄ / m₂² − 3 of the values present.
pub fn shape(values: &[f64]) -> (f64, f64) {
    let x: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let m = |k: i32| x.iter().map(|v| (v - mean).powi(k)).sum::<f64>() / n;
    let m2 = m(2);
    if m2 <= 0.0 {
        return (0.0, 0.0);
    }
    (m(3) / m2.powf(1.5), m(4) / (m2 * m2) - 3.0)
}

/// Applies the outlier rule to each indicator; returns what it did to which.
pub fn outliers(
    columns: &mut HashMap<String, Vec<f64>>,
    indicators: &[String],
    rule: Outliers,
) -> Vec<(String, &'static str)> {
    let breaks = |v: &[f64]| {
        let (s, k) = shape(v);
        s.abs() > rule.skewness && k > rule.kurtosis
    };
    let mut done = Vec::new();
    for name in indicators {
        let original = columns[name].clone();
        if !breaks(&original) {
            continue;
        }
        // Winsorise the extreme value on the side of the skew, one at a time.
        let mut v = original.clone();
        let mut fixed = false;
        for _ in 0..rule.winsorise {
            let (s, _) = shape(&v);
            let mut present: Vec<(usize, f64)> = v
                .iter()
                .copied()
                .enumerate()
                .filter(|(_, x)| !x.is_nan())
                .collect();
            present.sort_by(|a, b| a.1.total_cmp(&b.1));
            if present.len() < 3 {
                break;
            }
            let (at, next) = if s > 0.0 {
                (present[present.len() - 1].0, present[present.len() - 2].1)
            } else {
                (present[0].0, present[1].1)
            };
            v[at] = next;
            if !breaks(&v) {
                fixed = true;
                break;
            }
        }
        let (values, what) = if fixed {
            (v, "winsorised")
        } else {
            let min = original
                .iter()
                .copied()
                .filter(|x| !x.is_nan())
                .fold(f64::INFINITY, f64::min);
            (
                (original.iter().map(|x| (x - min + 1.0).ln()).collect()),
                "log-transformed",
            )
        };
        columns.insert(name.clone(), values);
        done.push((name.clone(), what));
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_imputation_and_outliers_by_hand() {
        // Symmetric: skewness 0; four values ±1: m₂ = 1, m₄ = 1, excess −2.
        assert_eq!(shape(&[-1.0, 1.0, -1.0, 1.0]), (0.0, -2.0));
        let mut cols = HashMap::from([("x".to_string(), vec![1.0, f64::NAN, 3.0, 10.0])]);
        let names = ["x".to_string()];
        impute(&mut cols, &names, Impute::Median, None);
        assert_eq!(cols["x"], [1.0, 3.0, 3.0, 10.0]);
        let mut cols = HashMap::from([("x".to_string(), vec![1.0, f64::NAN, 3.0, 10.0])]);
        let groups = [
            "a".to_string(),
            "a".to_string(),
            "b".to_string(),
            "b".to_string(),
        ];
        impute(&mut cols, &names, Impute::Mean, Some(&groups));
        assert_eq!(cols["x"], [1.0, 1.0, 3.0, 10.0]);
        assert_eq!(
            coverage(
                &HashMap::from([("x".to_string(), vec![1.0, f64::NAN])]),
                &names,
                2
            ),
            [1.0, 0.0]
        );
        // Twenty ones and one 100: skewness ≈ 4.2, kurtosis ≈ 16 — winsorising
        // the 100 to 1 ends it.
        let mut v = vec![1.0; 20];
        v.push(100.0);
        let mut cols = HashMap::from([("x".to_string(), v)]);
        let rule = Outliers {
            skewness: 2.0,
            kurtosis: 3.5,
            winsorise: 5,
        };
        assert_eq!(
            outliers(&mut cols, &names, rule),
            [("x".to_string(), "winsorised")]
        );
        assert!(cols["x"].iter().all(|x| *x == 1.0));
    }
}
