//! `growth`: the change of another indicator along its time breakdown
//! (`of`, `over`) — each period against the one before (v_t / v_{t−1} − 1,
//! none for the first period) and, on the overall row, the compound rate
//! from the first to the last period: (v_last / v_first)^(1/T) − 1, T the
//! number of years between them when periods are years, else of steps.

use super::Derived;
use crate::indicators::IndicatorRow;
use crate::spec::model::IndicatorSpec;
use crate::survey::estimate::Estimate;

/// The growth of indicator `of` along its breakdown `over`.
pub struct Growth<'a> {
    /// The indicator whose series grows.
    pub of: &'a str,
    /// Its time breakdown.
    pub over: &'a str,
}

impl Derived for Growth<'_> {
    fn of(&self) -> &str {
        self.of
    }

    fn rows(&self, ind: &IndicatorSpec, source: &[IndicatorRow]) -> Vec<IndicatorRow> {
        rows(ind, self.over, source)
    }
}

/// The growth rows of `spec` from the rows of the indicator it follows.
fn rows(spec: &IndicatorSpec, over: &str, source: &[IndicatorRow]) -> Vec<IndicatorRow> {
    let series: Vec<&IndicatorRow> = source
        .iter()
        .filter(|r| r.by.len() == 1 && r.by[0] == over)
        .collect();
    let row = |by: Vec<String>, domain: Vec<String>, value: Option<f64>, n: u64| IndicatorRow {
        indicator: spec.id.clone(),
        dataset: spec.dataset.clone(),
        by,
        domain,
        statistic: spec.statistic.clone(),
        est: Estimate {
            estimate: value.filter(|v| v.is_finite()),
            n,
            ..Default::default()
        },
    };
    let values: Vec<Option<f64>> = series.iter().map(|r| r.est.estimate).collect();
    let known: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    let compound = match (known.first(), known.last()) {
        (Some(&(i0, v0)), Some(&(i1, v1))) if i1 > i0 && v0 > 0.0 => {
            let years = series[i0].domain[0]
                .parse::<f64>()
                .ok()
                .zip(series[i1].domain[0].parse::<f64>().ok())
                .map(|(a, b)| b - a);
            let periods = years.unwrap_or((i1 - i0) as f64);
            Some((v1 / v0).powf(1.0 / periods) - 1.0)
        }
        _ => None,
    };
    let total_n = series.iter().map(|r| r.est.n).sum();
    let mut out = vec![row(Vec::new(), Vec::new(), compound, total_n)];
    for (i, r) in series.iter().enumerate() {
        let change = match (i.checked_sub(1).and_then(|p| values[p]), values[i]) {
            (Some(prev), Some(cur)) if prev != 0.0 => Some(cur / prev - 1.0),
            _ => None,
        };
        out.push(row(r.by.clone(), r.domain.clone(), change, r.est.n));
    }
    out
}
