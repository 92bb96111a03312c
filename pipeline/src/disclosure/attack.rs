//! The attacker check: for a confidential cell, the smallest and largest
//! value each quantity can take given every published cell of its table,
//! the table's additivity and the signs everyone knows — a linear program
//! over the suppressed cells, solved to its optimum (microlp's simplex).

use microlp::{ComparisonOp, OptimizationDirection, Problem};

use super::table::Table;
use crate::error::{Error, Result};

/// The range an attacker can narrow a quantity of a cell down to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Smallest feasible value (−∞ when unbounded).
    pub low: f64,
    /// Largest feasible value (+∞ when unbounded).
    pub high: f64,
}

/// The interval of quantity `q` of cell `cell` when the cells of
/// `suppressed` (which holds `cell`) are not published.
pub fn interval(table: &Table, suppressed: &[usize], cell: usize, q: usize) -> Result<Interval> {
    // Scaled so that the largest value is about 1: the solver's absolute
    // tolerances then mean the same for counts and for amounts.
    let scale = table
        .cells
        .iter()
        .map(|c| c.values[q].abs())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let bound = |dir| -> Result<f64> {
        let mut lp = Problem::new(dir);
        let low = if table.quantities[q].nonnegative {
            0.0
        } else {
            f64::NEG_INFINITY
        };
        let vars: Vec<_> = suppressed
            .iter()
            .map(|&s| lp.add_var(if s == cell { 1.0 } else { 0.0 }, (low, f64::INFINITY)))
            .collect();
        let var = |c: usize| suppressed.iter().position(|&s| s == c).map(|i| vars[i]);
        for r in &table.relations {
            // total − Σ parts = residual, the published cells moved right.
            let mut terms = Vec::new();
            let mut rhs = table.residual(r, q);
            for (c, sign) in
                std::iter::once((r.total, 1.0)).chain(r.parts.iter().map(|&p| (p, -1.0)))
            {
                match var(c) {
                    Some(v) => terms.push((v, sign)),
                    None => rhs -= sign * table.cells[c].values[q],
                }
            }
            if !terms.is_empty() {
                lp.add_constraint(terms.as_slice(), ComparisonOp::Eq, rhs / scale);
            }
        }
        match lp.solve() {
            Ok(outcome) => outcome
                .into_solution()
                .map(|s| s.objective() * scale)
                .map_err(|_| {
                    Error::internal("disclosure attacker check", "the solve was interrupted")
                }),
            Err(microlp::Error::Unbounded) => Ok(match dir {
                OptimizationDirection::Minimize => f64::NEG_INFINITY,
                OptimizationDirection::Maximize => f64::INFINITY,
            }),
            Err(e) => Err(Error::internal("disclosure attacker check", e)),
        }
    };
    Ok(Interval {
        low: bound(OptimizationDirection::Minimize)?,
        high: bound(OptimizationDirection::Maximize)?,
    })
}

/// A confidential cell an attacker can narrow down more than its rule
/// allows.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposure {
    /// The cell.
    pub cell: usize,
    /// The quantity.
    pub quantity: &'static str,
    /// Its true value.
    pub value: f64,
    /// What the attacker can tell.
    pub interval: Interval,
    /// The interval it needed to stay at least as wide as.
    pub needed: Interval,
}

/// The primary cells whose quantities `suppressed` leaves too narrow, each
/// with its interval: empty when the pattern protects them all.
pub fn exposures(table: &Table, suppressed: &[usize]) -> Result<Vec<Exposure>> {
    let mut out = Vec::new();
    for c in table.primary() {
        out.extend(exposed(table, suppressed, c)?);
    }
    Ok(out)
}

/// The quantities of primary cell `c` that `suppressed` leaves too narrow.
pub fn exposed(table: &Table, suppressed: &[usize], c: usize) -> Result<Vec<Exposure>> {
    let cell = &table.cells[c];
    let Some(needs) = &cell.needs else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (q, m) in needs.iter().enumerate() {
        if m.below <= 0.0 && m.above <= 0.0 {
            continue;
        }
        let v = cell.values[q];
        let needed = Interval {
            low: v - m.below,
            high: v + m.above,
        };
        let interval = if suppressed.contains(&c) {
            interval(table, suppressed, c, q)?
        } else {
            Interval { low: v, high: v }
        };
        // Round-off of the solve: a millionth of the margin.
        let slack = 1e-6 * m.below.max(m.above);
        if interval.low > needed.low + slack || interval.high < needed.high - slack {
            out.push(Exposure {
                cell: c,
                quantity: table.quantities[q].name,
                value: v,
                interval,
                needed,
            });
        }
    }
    Ok(out)
}
