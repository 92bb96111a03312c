//! The primary rules of `[study.disclosure]` on one cell, as statistics
//! offices state them (Hundepool et al., *Statistical Disclosure Control*,
//! ch. 4): the minimum frequency, the (n, k) dominance rule and the p%
//! rule — each with the protection it asks of the cell's interval.

use super::table::Margin;
use crate::spec::model::Disclosure;

/// Which rule made a cell confidential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// Fewer contributors than `min_n`.
    MinN,
    /// The n largest contributions hold more than k of the total.
    Dominance,
    /// The remainder after the two largest is under p% of the largest.
    PPercent,
}

/// What the rules see of a cell: its contributors and, for amounts, their
/// contributions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contributions {
    /// Contributing units (respondents, or registry units).
    pub count: u64,
    /// Each contributor's amount, largest first (empty when the cell's
    /// statistic is not an amount).
    pub amounts: Vec<f64>,
}

/// Which of a cell's quantities are its count of units and its amount.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Roles {
    /// The count of units: `min_n` asks at least one unit of room.
    pub count: Option<usize>,
    /// The amount the dominance and p% rules weigh.
    pub amount: Option<usize>,
}

/// The rules `cell` breaks, with the margin each asks of the cell's
/// quantities: `min_n` asks `protection` of each value on both sides (at
/// least one unit of the count); dominance and p% ask the upper protection
/// level of the amount — Σ top-n / k − X and p·x₁ − (X − x₁ − x₂).
pub fn apply(
    rules: &Disclosure,
    cell: &Contributions,
    values: &[f64],
    roles: Roles,
) -> (Vec<Rule>, Vec<Margin>) {
    let mut broken = Vec::new();
    let mut needs = vec![Margin::default(); values.len()];
    if let Some(min) = rules.min_n
        && cell.count > 0
        && cell.count < min
    {
        broken.push(Rule::MinN);
        for (q, (need, v)) in needs.iter_mut().zip(values).enumerate() {
            let m = rules.protection * v.abs();
            let m = if roles.count == Some(q) {
                m.max(1.0)
            } else {
                m
            };
            *need = need.max(Margin { below: m, above: m });
        }
    }
    if let Some(q) = roles.amount {
        let x = &cell.amounts;
        let total: f64 = x.iter().sum();
        let largest = |k: usize| x.iter().take(k).sum::<f64>();
        let mut upper = |rule: Rule, level: f64| {
            if level > 0.0 {
                broken.push(rule);
                needs[q] = needs[q].max(Margin {
                    below: 0.0,
                    above: level,
                });
            }
        };
        if total > 0.0 {
            if let Some((n, k)) = rules.dominance {
                upper(Rule::Dominance, largest(n) / k - total);
            }
            if let Some(p) = rules.p_percent {
                upper(Rule::PPercent, p * largest(1) - (total - largest(2)));
            }
        }
    }
    (broken, needs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLES: Roles = Roles {
        count: Some(0),
        amount: Some(2),
    };

    fn rules() -> Disclosure {
        Disclosure {
            min_n: Some(5),
            dominance: Some((2, 0.85)),
            p_percent: Some(0.10),
            protection: 0.10,
            contributors: Default::default(),
        }
    }

    #[test]
    fn each_rule_by_hand() {
        // Three contributors of 95, 3 and 2: under min_n = 5; the two
        // largest hold 98% > 85%, upper protection 98 / 0.85 − 100; the
        // remainder 2 is under 10% of 95, upper protection 9.5 − 2.
        let cell = Contributions {
            count: 3,
            amounts: vec![95.0, 3.0, 2.0],
        };
        let (broken, needs) = apply(&rules(), &cell, &[3.0, 3.0, 100.0], ROLES);
        assert_eq!(broken, vec![Rule::MinN, Rule::Dominance, Rule::PPercent]);
        // n: at least one unit; the others 10% of their value.
        assert_eq!(
            needs[0],
            Margin {
                below: 1.0,
                above: 1.0
            }
        );
        assert!((needs[1].above - 0.3).abs() < 1e-12);
        assert!((needs[2].below - 10.0).abs() < 1e-12);
        assert!((needs[2].above - (98.0 / 0.85 - 100.0)).abs() < 1e-12);
        // Twelve even contributors break nothing.
        let even = Contributions {
            count: 12,
            amounts: vec![10.0; 12],
        };
        let (broken, _) = apply(&rules(), &even, &[12.0, 12.0, 120.0], ROLES);
        assert!(broken.is_empty());
        // p% alone: 60, 30, 10 — the remainder 10 is over 10% of 60, but
        // the two largest hold 90% > 85%.
        let pair = Contributions {
            count: 13,
            amounts: vec![60.0, 30.0, 10.0],
        };
        let (broken, needs) = apply(&rules(), &pair, &[13.0, 13.0, 100.0], ROLES);
        assert_eq!(broken, vec![Rule::Dominance]);
        assert!((needs[2].above - (90.0 / 0.85 - 100.0)).abs() < 1e-12);
    }
}
