//! Statistical disclosure control (`[study.disclosure]`): which cells of an
//! indicator's table may not be published, and which others must be held
//! back with them so that none can be recovered by subtraction.
//!
//! Each indicator is one table: its overall row and every breakdown, tied
//! by additivity (a region's cells add up to the overall row, a cross's
//! cells to each margin, a year's quarters to the year). A cell breaks a
//! primary rule ([`rules`]) on its contributions; [`secondary`] adds the
//! complementary cells; [`attack`] checks the pattern with the linear
//! program an attacker would solve. The cells found are then published
//! with the flag `confidential` and no number at all.

pub mod attack;
pub mod codebook;
pub mod contributions;
pub mod crosstab;
pub mod rules;
pub mod secondary;
pub mod table;

use std::collections::HashMap;

use polars::prelude::DataFrame;

use crate::error::{Error, Result};
use crate::indicators::IndicatorRow;
use crate::locale::Flag;
use crate::spec::model::{IndicatorSpec, Period, Statistic, Study, Variable};
use crate::survey::estimate::Estimate;
use table::{Cell, Quantity, Relation, Table};

/// The confidential cells of one indicator's table.
#[derive(Debug, Clone, PartialEq)]
pub struct Protected {
    /// Positions (in the indicator's rows) of every confidential cell.
    pub cells: Vec<usize>,
    /// Of which those a primary rule made confidential, with its rules.
    pub primary: Vec<(usize, Vec<rules::Rule>)>,
}

impl Protected {
    /// Cells held back only to protect others.
    pub fn secondary(&self) -> usize {
        self.cells.len() - self.primary.len()
    }
}

/// The confidential cells of indicator `ind`, from its rows as estimated
/// (before a per-capita scaling: totals add up) over `df` (a registry when
/// `census`); `None` when the study has no rules, the indicator opts out
/// with `disclosure = false`, or no cell breaks a rule.
pub fn protect(
    study: &Study,
    ind: &IndicatorSpec,
    census: bool,
    df: &DataFrame,
    rows: &[IndicatorRow],
) -> Result<Option<Protected>> {
    let Some(rules) = study.disclosure.as_ref().filter(|_| ind.disclosure) else {
        return Ok(None);
    };
    let amounts = amounts(&ind.statistic, rows);
    // Dominance and p% weigh a registry's amounts; a survey's totals are
    // estimates from a sample, its cells protected by their respondents.
    let weigh = census
        && (rules.dominance.is_some() || rules.p_percent.is_some())
        && matches!(
            ind.statistic,
            Statistic::Mean | Statistic::Total | Statistic::PerCapita(_)
        );
    let contributor = rules.contributors.get(&ind.dataset).map(String::as_str);
    let seen = if weigh || contributor.is_some() {
        contributions::cells(ind, df, rows, contributor, weigh)?
    } else {
        rows.iter()
            .map(|r| rules::Contributions {
                count: r.est.n,
                amounts: Vec::new(),
            })
            .collect()
    };
    let mut quantities = Quantity::counts();
    if let Some(a) = &amounts {
        quantities.push(Quantity {
            name: "total",
            nonnegative: a.iter().all(|v| *v >= 0.0),
        });
    }
    let amount = amounts.as_ref().map(|_| 2);
    let mut primary = Vec::new();
    let cells: Vec<Cell> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut values = vec![r.est.n as f64, r.est.weighted_n];
            values.extend(amounts.as_ref().map(|a| a[i]));
            let roles = rules::Roles {
                count: Some(0),
                amount: amount.filter(|_| weigh),
            };
            let (broken, needs) = rules::apply(rules, &seen[i], &values, roles);
            let cost = values.last().copied().unwrap_or(0.0).abs();
            let needs = (!broken.is_empty()).then(|| {
                primary.push((i, broken));
                needs
            });
            Cell {
                name: r.domain_text().map_or("the overall value".into(), |d| {
                    format!("{} = {d}", r.by_text().unwrap_or_default())
                }),
                values,
                cost,
                needs,
            }
        })
        .collect();
    if primary.is_empty() {
        return Ok(None);
    }
    let table = Table {
        quantities,
        cells,
        relations: relations(rows),
    };
    let cells = secondary::pattern(&table).map_err(|e| Error::Estimation {
        indicator: ind.id.clone(),
        message: format!("disclosure control: {e}"),
    })?;
    Ok(Some(Protected { cells, primary }))
}

/// Each row's amount — the additive total behind its estimate — for the
/// statistics whose cells add up; `None` for the others (quantiles,
/// ratios…), whose counts alone add up.
fn amounts(statistic: &Statistic, rows: &[IndicatorRow]) -> Option<Vec<f64>> {
    let value = |r: &IndicatorRow| r.est.estimate.unwrap_or(0.0);
    match statistic {
        Statistic::Mean | Statistic::Proportion { .. } => {
            Some(rows.iter().map(|r| value(r) * r.est.weighted_n).collect())
        }
        Statistic::Total | Statistic::Count | Statistic::PerCapita(_) => {
            Some(rows.iter().map(value).collect())
        }
        _ => None,
    }
}

/// The additivity of an indicator's rows: each row of a breakdown is the
/// sum of the rows of every finer breakdown that fall in it (the overall
/// row of every breakdown; a cross's margins of the cross; a year of its
/// quarters and months).
pub fn relations(rows: &[IndicatorRow]) -> Vec<Relation> {
    let mut breakdowns: Vec<&Vec<String>> = Vec::new();
    for r in rows {
        if !breakdowns.contains(&&r.by) {
            breakdowns.push(&r.by);
        }
    }
    let mut out = Vec::new();
    for parent in &breakdowns {
        for child in &breakdowns {
            let Some(map) = covers(parent, child) else {
                continue;
            };
            let children: Vec<usize> = (0..rows.len()).filter(|&i| &rows[i].by == *child).collect();
            for (total, row) in rows.iter().enumerate().filter(|(_, r)| &r.by == *parent) {
                let parts: Vec<usize> = children
                    .iter()
                    .copied()
                    .filter(|&c| {
                        map.iter().enumerate().all(|(k, (j, from, to))| {
                            coarsen(&rows[c].domain[*j], *from, *to).as_deref()
                                == Some(row.domain[k].as_str())
                        })
                    })
                    .collect();
                if !parts.is_empty() {
                    out.push(Relation { total, parts });
                }
            }
        }
    }
    out
}

/// How breakdown `child` refines `parent`: for each parent variable, the
/// child variable it is read from and the periods to go between — `None`
/// when `child` is not strictly finer.
type Refinement = Vec<(usize, Option<Period>, Option<Period>)>;

fn covers(parent: &[String], child: &[String]) -> Option<Refinement> {
    let (p, c): (Vec<Variable>, Vec<Variable>) = (
        parent.iter().map(|v| Variable::parse(v)).collect(),
        child.iter().map(|v| Variable::parse(v)).collect(),
    );
    let mut map = Vec::new();
    let mut strictly = c.len() > p.len();
    for pv in &p {
        let j = c.iter().position(|cv| {
            cv.column == pv.column
                && match (cv.period, pv.period) {
                    (a, b) if a == b => true,
                    (Some(a), Some(b)) => finer(a, b),
                    _ => false,
                }
        })?;
        strictly |= c[j].period != pv.period;
        if map.iter().any(|(k, _, _)| *k == j) {
            return None;
        }
        map.push((j, c[j].period, pv.period));
    }
    strictly.then_some(map)
}

/// Whether period `a` is finer than `b` (a month than a quarter or year).
fn finer(a: Period, b: Period) -> bool {
    use Period::*;
    matches!((a, b), (Month, Quarter) | (Month, Year) | (Quarter, Year))
}

/// A domain value of period `from` as the value of the coarser `to`:
/// `2013-06` → `2013-Q2` → `2013`; the value itself when neither is a
/// period or both are the same.
fn coarsen(value: &str, from: Option<Period>, to: Option<Period>) -> Option<String> {
    use Period::*;
    if from == to {
        return Some(value.to_string());
    }
    let (year, rest) = value.split_once('-')?;
    match (from?, to?) {
        (_, Year) => Some(year.to_string()),
        (Month, Quarter) => {
            let m: u32 = rest.parse().ok()?;
            Some(format!("{year}-Q{}", m.div_ceil(3)))
        }
        _ => None,
    }
}

/// Publishes the cells of `rows` at `cells` as confidential: the flag,
/// and no number (estimate, interval, counts) at all.
pub fn blank(rows: &mut [IndicatorRow], cells: &[usize]) {
    for &c in cells {
        rows[c].est = confidential();
    }
}

/// What a confidential cell publishes: its flag, no number.
pub fn confidential() -> Estimate {
    Estimate {
        flag: Some(Flag::Confidential),
        withheld: true,
        ..Default::default()
    }
}

/// A cell of an indicator: its breakdown variables and their values.
pub type CellKey = (Vec<String>, Vec<String>);

/// The confidential cells of each protected indicator, by indicator id.
#[derive(Debug, Clone, Default)]
pub struct Register(pub HashMap<String, Vec<CellKey>>);

impl Register {
    /// Records the confidential cells of `rows`.
    pub fn record(&mut self, indicator: &str, rows: &[IndicatorRow], p: &Protected) {
        self.0.insert(
            indicator.to_string(),
            p.cells
                .iter()
                .map(|&c| (rows[c].by.clone(), rows[c].domain.clone()))
                .collect(),
        );
    }

    /// Whether the cell of `indicator` where each variable has its value
    /// (in any order) is confidential.
    pub fn holds(&self, indicator: &str, cell: &[(&str, &str)]) -> bool {
        let Some(cells) = self.0.get(indicator) else {
            return false;
        };
        cells.iter().any(|(by, domain)| {
            by.len() == cell.len()
                && by
                    .iter()
                    .zip(domain)
                    .all(|(v, x)| cell.contains(&(v.as_str(), x.as_str())))
        })
    }
}

/// For the methods: the rules, and per protected indicator how many cells
/// are confidential and why.
pub fn notes(study: &Study, protected: &[(String, Protected)]) -> Vec<String> {
    let Some(rules) = &study.disclosure else {
        return Vec::new();
    };
    let mut out = vec![rule_text(rules)];
    for (id, p) in protected {
        let count = |rule: rules::Rule| p.primary.iter().filter(|(_, r)| r.contains(&rule)).count();
        let by_rule: Vec<String> = [
            (rules::Rule::MinN, "under `min_n`"),
            (rules::Rule::Dominance, "dominated"),
            (rules::Rule::PPercent, "under the p% rule"),
        ]
        .into_iter()
        .filter(|(r, _)| count(*r) > 0)
        .map(|(r, words)| format!("{} {words}", count(r)))
        .collect();
        out.push(format!(
            "Indicator `{id}`: {} cells confidential — {} by the rules ({}), {} more so that none can be recovered from the published cells.",
            p.cells.len(),
            p.primary.len(),
            by_rule.join(", "),
            p.secondary()
        ));
    }
    out
}

/// The rules of `[study.disclosure]` in words.
fn rule_text(rules: &crate::spec::model::Disclosure) -> String {
    let mut parts = Vec::new();
    if let Some(n) = rules.min_n {
        parts.push(format!(
            "a cell with fewer than {n} contributing units is confidential"
        ));
    }
    if let Some((n, k)) = rules.dominance {
        let who = if n == 1 {
            "largest contributor holds".to_string()
        } else {
            format!("{n} largest contributors hold")
        };
        parts.push(format!(
            "a registry amount is confidential when its {who} more than {}% of it",
            k * 100.0
        ));
    }
    if let Some(p) = rules.p_percent {
        parts.push(format!(
            "a registry amount is confidential when what is left after its two largest contributors is less than {}% of the largest (p% rule)",
            p * 100.0
        ));
    }
    format!(
        "Disclosure control: {}. Other cells are held back with them so that, given every published value of the indicator and its totals, none of them can be narrowed down to less than its protection (checked by linear programming). Confidential cells are flagged `confidential` and carry no number; comparisons that involve them are not published; a composite index takes them as missing values, so that a unit's score is computed without them where the index imputes (`impute`) and is not given otherwise.",
        parts.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(by: &[&str], domain: &[&str]) -> IndicatorRow {
        IndicatorRow {
            indicator: "x".into(),
            dataset: "d".into(),
            by: by.iter().map(|s| s.to_string()).collect(),
            domain: domain.iter().map(|s| s.to_string()).collect(),
            statistic: Statistic::Total,
            est: Estimate::default(),
        }
    }

    #[test]
    fn periods_and_crosses_add_up_to_their_margins() {
        let rows = vec![
            row(&[], &[]),                            // 0
            row(&["date:year"], &["2013"]),           // 1
            row(&["date:year"], &["2014"]),           // 2
            row(&["date:quarter"], &["2013-Q1"]),     // 3
            row(&["date:quarter"], &["2013-Q4"]),     // 4
            row(&["date:quarter"], &["2014-Q1"]),     // 5
            row(&["g", "date:year"], &["a", "2013"]), // 6
            row(&["g", "date:year"], &["b", "2013"]), // 7
            row(&["g", "date:year"], &["a", "2014"]), // 8
        ];
        let mut found: Vec<(usize, Vec<usize>)> = relations(&rows)
            .into_iter()
            .map(|r| (r.total, r.parts))
            .collect();
        found.sort();
        assert_eq!(
            found,
            vec![
                (0, vec![1, 2]),
                (0, vec![3, 4, 5]),
                (0, vec![6, 7, 8]),
                (1, vec![3, 4]),
                (1, vec![6, 7]),
                (2, vec![5]),
                (2, vec![8]),
            ]
        );
        assert_eq!(
            coarsen("2013-11", Some(Period::Month), Some(Period::Quarter)).as_deref(),
            Some("2013-Q4")
        );
    }
}
