//! Secondary suppression: the complementary cells that keep every
//! confidential cell's feasible interval as wide as its rule asks.
//!
//! Two steps, repeated until the attacker check passes. First, no relation
//! may hold exactly one suppressed cell (it would be its total less the
//! published parts): the cheapest other cell of that relation — the
//! smallest non-zero total, a zero adding no room — is suppressed with it
//! (sdcTable's simple heuristic). Then each confidential cell whose
//! interval is still too narrow (a dominated amount needs room above it)
//! gets the cheapest cell whose suppression protects it, else the cheapest
//! cell sharing a relation with it. Last, each complement the final
//! pattern can do without is published again.

use super::attack;
use super::table::Table;
use crate::error::{Error, Result};

/// The cells to suppress: the primary ones and their complements, sorted.
pub fn pattern(table: &Table) -> Result<Vec<usize>> {
    let mut suppressed = table.primary();
    // Withholding more only widens an interval: a cell once protected
    // stays so.
    let mut safe = vec![false; table.cells.len()];
    loop {
        close_singletons(table, &mut suppressed);
        let mut exposed = None;
        for c in table.primary() {
            if safe[c] {
                continue;
            }
            if attack::exposed(table, &suppressed, c)?.is_empty() {
                safe[c] = true;
            } else {
                exposed = Some(c);
                break;
            }
        }
        let Some(c) = exposed else { break };
        let pick = complement(table, &suppressed, c)?;
        suppressed.push(pick);
        suppressed.sort_unstable();
    }
    release(table, &mut suppressed)?;
    let left = attack::exposures(table, &suppressed)?;
    if let Some(e) = left.first() {
        return Err(Error::internal(
            "secondary suppression",
            format!(
                "{} stays exposed on `{}`: [{}, {}] where [{}, {}] is needed",
                table.cells[e.cell].name,
                e.quantity,
                e.interval.low,
                e.interval.high,
                e.needed.low,
                e.needed.high
            ),
        ));
    }
    Ok(suppressed)
}

/// Publishes again every complement the pattern can do without — the
/// costliest first, as each gives back the most — when the attacker still
/// cannot narrow any confidential cell below its rule without it (a greedy
/// step may have taken a cell that a later one made unnecessary); passes
/// repeat until one publishes nothing: a complement that a later release left
/// exactly determined tells nothing more once published, and goes too.
fn release(table: &Table, suppressed: &mut Vec<usize>) -> Result<()> {
    let primary = table.primary();
    loop {
        let mut extra: Vec<usize> = suppressed
            .iter()
            .copied()
            .filter(|c| !primary.contains(c))
            .collect();
        extra.sort_by(|&a, &b| by_cost(table, b, a));
        let before = suppressed.len();
        for c in extra {
            let without: Vec<usize> = suppressed.iter().copied().filter(|&s| s != c).collect();
            if attack::exposures(table, &without)?.is_empty() {
                *suppressed = without;
            }
        }
        if suppressed.len() == before {
            return Ok(());
        }
    }
}

/// Suppresses a second cell in every relation holding a single suppressed
/// one, until none does.
fn close_singletons(table: &Table, suppressed: &mut Vec<usize>) {
    loop {
        let single = table.relations.iter().find_map(|r| {
            let members: Vec<usize> = std::iter::once(r.total)
                .chain(r.parts.iter().copied())
                .collect();
            let hidden = members.iter().filter(|m| suppressed.contains(m)).count();
            let open: Vec<usize> = members
                .into_iter()
                .filter(|m| !suppressed.contains(m) && table.cells[*m].cost.is_finite())
                .collect();
            (hidden == 1 && !open.is_empty()).then_some(open)
        });
        let Some(open) = single else { return };
        let pick = cheapest(
            table,
            open.iter().copied().filter(|&k| table.cells[k].cost > 0.0),
        )
        .or_else(|| cheapest(table, open.iter().copied()))
        .expect("an open cell");
        suppressed.push(pick);
        suppressed.sort_unstable();
    }
}

/// Cells by cost, the first of equals first.
fn by_cost(table: &Table, a: usize, b: usize) -> std::cmp::Ordering {
    table.cells[a]
        .cost
        .total_cmp(&table.cells[b].cost)
        .then(a.cmp(&b))
}

/// The cheapest of `cells`.
fn cheapest(table: &Table, cells: impl Iterator<Item = usize>) -> Option<usize> {
    cells.min_by(|&a, &b| by_cost(table, a, b))
}

/// The next cell to suppress for exposed cell `c`.
fn complement(table: &Table, suppressed: &[usize], c: usize) -> Result<usize> {
    let mut candidates: Vec<usize> = (0..table.cells.len())
        .filter(|k| !suppressed.contains(k) && table.cells[*k].cost.is_finite())
        .filter(|&k| suppressed.iter().any(|&s| table.related(s, k)))
        .collect();
    candidates.sort_by(|&a, &b| by_cost(table, a, b));
    // A cell of zero adds no room above: tried last.
    candidates.sort_by_key(|&k| table.cells[k].cost == 0.0);
    for &k in &candidates {
        let mut trial = suppressed.to_vec();
        trial.push(k);
        if attack::exposed(table, &trial, c)?.is_empty() {
            return Ok(k);
        }
    }
    candidates
        .iter()
        .copied()
        .find(|&k| table.related(c, k))
        .or_else(|| candidates.first().copied())
        .ok_or_else(|| {
            Error::internal(
                "secondary suppression",
                format!(
                    "no cell is left to hide with {}: it cannot be protected",
                    table.cells[c].name
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disclosure::table::{Cell, Margin, Quantity, Relation};

    /// A count table: `values` (the total first), the cells needing
    /// `margin` on both sides, the relations as (total, parts).
    fn table(
        values: &[f64],
        primary: &[(usize, Margin)],
        relations: &[(usize, Vec<usize>)],
    ) -> Table {
        Table {
            quantities: vec![Quantity {
                name: "total",
                nonnegative: true,
            }],
            cells: values
                .iter()
                .enumerate()
                .map(|(i, &v)| Cell {
                    name: format!("cell {i}"),
                    values: vec![v],
                    cost: v,
                    needs: primary.iter().find(|(c, _)| *c == i).map(|(_, m)| vec![*m]),
                })
                .collect(),
            relations: relations
                .iter()
                .map(|(total, parts)| Relation {
                    total: *total,
                    parts: parts.clone(),
                })
                .collect(),
        }
    }

    fn both(m: f64) -> Margin {
        Margin { below: m, above: m }
    }

    #[test]
    fn a_lone_small_cell_is_hidden_with_the_smallest_other_cell_of_its_row() {
        // Overall 100 = 3 + 40 + 57 (+ 0, an empty cell adding no room).
        let t = table(
            &[100.0, 3.0, 40.0, 57.0, 0.0],
            &[(1, both(1.0))],
            &[(0, vec![1, 2, 3, 4])],
        );
        let p = pattern(&t).unwrap();
        assert_eq!(p, vec![1, 2]);
        // By hand: x₁ + x₂ = 43, both ≥ 0 → x₁ ∈ [0, 43].
        let i = attack::interval(&t, &p, 1, 0).unwrap();
        assert!(i.low.abs() < 1e-9 && (i.high - 43.0).abs() < 1e-9, "{i:?}");
    }

    #[test]
    fn two_small_cells_of_a_row_protect_each_other() {
        let t = table(
            &[100.0, 3.0, 4.0, 93.0],
            &[(1, both(1.0)), (2, both(1.0))],
            &[(0, vec![1, 2, 3])],
        );
        assert_eq!(pattern(&t).unwrap(), vec![1, 2]);
    }

    #[test]
    fn a_dominated_amount_gets_a_complement_as_large_as_its_upper_protection() {
        // Cell 1 (100, its largest contributor 95): (2, 0.85)-dominance
        // asks 95/0.85 − 100 = 11.76 of room above. The cell of 5 is
        // cheaper but leaves 5; the cell of 12 is the cheapest that does.
        let upper = 95.0 / 0.85 - 100.0;
        let t = table(
            &[317.0, 100.0, 5.0, 12.0, 200.0],
            &[(
                1,
                Margin {
                    below: 0.0,
                    above: upper,
                },
            )],
            &[(0, vec![1, 2, 3, 4])],
        );
        let p = pattern(&t).unwrap();
        // The singleton step first takes the 5; the check then finds 105 <
        // 111.76 and adds the cheapest cell that covers the rest, 12 — after
        // which the 5 is not needed and is published again.
        assert_eq!(p, vec![1, 3]);
        let i = attack::interval(&t, &p, 1, 0).unwrap();
        assert!((i.high - 112.0).abs() < 1e-9, "{i:?}");
        // Without the 12, the attacker narrows it too far.
        let leaks = attack::exposures(&t, &[1, 2]).unwrap();
        assert_eq!(leaks.len(), 1);
        assert!((leaks[0].interval.high - 105.0).abs() < 1e-9);
    }

    /// A 3 × 3 table with its margins: cell (r, c) at 4r + c, the row
    /// totals at 4r + 3, the column totals at 12 + c, the grand total 15.
    fn grid(inner: [[f64; 3]; 3], primary: (usize, usize)) -> Table {
        let mut values = vec![0.0; 16];
        for r in 0..3 {
            for c in 0..3 {
                values[4 * r + c] = inner[r][c];
                values[4 * r + 3] += inner[r][c];
                values[12 + c] += inner[r][c];
                values[15] += inner[r][c];
            }
        }
        let mut relations = Vec::new();
        for r in 0..3 {
            relations.push((4 * r + 3, (0..3).map(|c| 4 * r + c).collect()));
        }
        for c in 0..4 {
            relations.push((12 + c, (0..3).map(|r| 4 * r + c).collect()));
        }
        relations.push((15, vec![12, 13, 14]));
        table(
            &values,
            &[(4 * primary.0 + primary.1, both(1.0))],
            &relations,
        )
    }

    #[test]
    fn a_cell_of_a_crossed_table_is_hidden_in_the_cheapest_rectangle() {
        // (0, 0) is small; the cheapest rectangle through it uses row 1 and
        // column 1 (the smallest cells beside it).
        let t = grid(
            [[2.0, 10.0, 50.0], [12.0, 11.0, 60.0], [40.0, 45.0, 70.0]],
            (0, 0),
        );
        assert_eq!(pattern(&t).unwrap(), vec![0, 1, 4, 5]);
        assert!(attack::exposures(&t, &[0, 1, 4, 5]).unwrap().is_empty());
    }

    #[test]
    fn the_attacker_recovers_a_cell_from_an_l_shaped_pattern() {
        let t = grid(
            [[2.0, 10.0, 50.0], [12.0, 11.0, 60.0], [40.0, 45.0, 70.0]],
            (0, 0),
        );
        // Three cells: (1, 1) is published, so column 1 gives (0, 1), row 0
        // then gives (0, 0) exactly.
        let leaks = attack::exposures(&t, &[0, 1, 4]).unwrap();
        assert_eq!(leaks.len(), 1);
        let i = leaks[0].interval;
        assert!(
            (i.low - 2.0).abs() < 1e-9 && (i.high - 2.0).abs() < 1e-9,
            "{i:?}"
        );
    }
}
