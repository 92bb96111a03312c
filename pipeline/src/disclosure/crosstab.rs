//! A cross-tabulation under disclosure control: a cell with fewer than
//! `min_n` respondents is confidential, and so are the cells that would
//! give its weighted count back — its percentage being what is left of
//! its row's (or column's, or the table's) 100% once the others are read.

use super::table::{Cell, Quantity, Relation, Table};
use super::{rules, secondary};
use crate::error::Result;
use crate::indicators::crosstab::CellRow;
use crate::spec::model::{Disclosure, Percent};

/// The cells to withhold of a crosstab of `nr` rows by `nc` columns
/// (`cells` and their respondents `counts`, row by row), whose percentages
/// are of `percent`.
pub fn protect(
    rules: &Disclosure,
    percent: Percent,
    (nr, nc): (usize, usize),
    counts: &[u64],
    cells: &[CellRow],
) -> Result<Vec<usize>> {
    // The weighted count of each cell, and of each row, column or the
    // table its percentage is of (published: the cells' `weighted_n`).
    let weighted = |c: &CellRow| c.est.estimate.unwrap_or(0.0) * c.est.weighted_n;
    let mut table_cells: Vec<Cell> = cells
        .iter()
        .zip(counts)
        .map(|(c, &n)| {
            let values = vec![weighted(c)];
            let (broken, needs) = rules::apply(
                rules,
                &rules::Contributions {
                    count: n,
                    amounts: Vec::new(),
                },
                &values,
                rules::Roles::default(),
            );
            Cell {
                name: format!("{} × {}", c.row, c.column),
                cost: values[0],
                values,
                needs: (!broken.is_empty()).then_some(needs),
            }
        })
        .collect();
    let groups: Vec<Vec<usize>> = match percent {
        Percent::Row => (0..nr)
            .map(|i| (0..nc).map(|j| i * nc + j).collect())
            .collect(),
        Percent::Column => (0..nc)
            .map(|j| (0..nr).map(|i| i * nc + j).collect())
            .collect(),
        Percent::Cell => vec![(0..nr * nc).collect()],
    };
    let mut relations = Vec::new();
    for parts in groups {
        let total = parts.iter().map(|&p| table_cells[p].values[0]).sum();
        relations.push(Relation {
            total: table_cells.len(),
            parts,
        });
        table_cells.push(Cell {
            name: "a total".into(),
            values: vec![total],
            cost: f64::INFINITY,
            needs: None,
        });
    }
    let table = Table {
        quantities: vec![Quantity {
            name: "weighted count",
            nonnegative: true,
        }],
        cells: table_cells,
        relations,
    };
    if table.primary().is_empty() {
        return Ok(Vec::new());
    }
    Ok(secondary::pattern(&table)?
        .into_iter()
        .filter(|&c| c < cells.len())
        .collect())
}
