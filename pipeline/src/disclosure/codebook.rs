//! The codebook under disclosure control: no single value of a column
//! (its minimum, maximum or mean) is published, and a code (or a reason
//! for missing) held by fewer than `min_n` rows has its counts withheld — with the other lines that
//! would give them back by subtraction from the column's values present
//! and the dataset's rows.

use super::table::{Cell, Quantity, Relation, Table};
use super::{rules, secondary};
use crate::error::Result;
use crate::indicators::codebook::Line;
use crate::spec::model::Disclosure;

/// Applies `rules` to the codebook's `lines`.
pub fn protect(rules: &Disclosure, lines: &mut [Line]) -> Result<()> {
    for l in lines.iter_mut() {
        (l.min, l.max, l.mean) = (None, None, None);
    }
    let mut columns: Vec<(String, String)> = lines
        .iter()
        .map(|l| (l.dataset.clone(), l.column.clone()))
        .collect();
    columns.dedup();
    for (dataset, column) in columns {
        let at: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].dataset == dataset && lines[i].column == column)
            .collect();
        let Some(&summary) = at.iter().find(|&&i| lines[i].row == "summary") else {
            continue;
        };
        let of = |row: &str| -> Vec<usize> {
            at.iter()
                .copied()
                .filter(|&i| lines[i].row == row)
                .collect()
        };
        let (codes, missing) = (of("code"), of("missing"));
        // Cell 0 is the dataset's rows (published in the manifest, never
        // withheld); then the summary line, the codes, the missing lines.
        let members: Vec<usize> = std::iter::once(summary)
            .chain(codes.iter().copied())
            .chain(missing.iter().copied())
            .collect();
        let values = |l: &Line| vec![l.n as f64, l.weighted_n.unwrap_or(l.n as f64)];
        let rows_total = std::iter::once(summary)
            .chain(missing.iter().copied())
            .map(|i| values(&lines[i]))
            .fold(vec![0.0, 0.0], |acc, v| vec![acc[0] + v[0], acc[1] + v[1]]);
        let mut cells = vec![Cell {
            name: format!("the rows of `{dataset}`"),
            values: rows_total,
            cost: f64::INFINITY,
            needs: None,
        }];
        for &i in &members {
            let v = values(&lines[i]);
            // A column's values present are no group of people; its codes
            // and reasons for missing are.
            let (broken, needs) = if i == summary {
                (Vec::new(), Vec::new())
            } else {
                rules::apply(
                    rules,
                    &rules::Contributions {
                        count: lines[i].n,
                        amounts: Vec::new(),
                    },
                    &v,
                    rules::Roles {
                        count: Some(0),
                        amount: None,
                    },
                )
            };
            cells.push(Cell {
                name: format!("`{dataset}`.`{column}` {} {}", lines[i].row, lines[i].value),
                cost: v[0],
                values: v,
                needs: (!broken.is_empty()).then_some(needs),
            });
        }
        let position = |i: usize| 1 + members.iter().position(|&m| m == i).expect("a member");
        let mut relations = vec![Relation {
            total: 0,
            parts: std::iter::once(summary)
                .chain(missing.iter().copied())
                .map(position)
                .collect(),
        }];
        if !codes.is_empty() {
            relations.push(Relation {
                total: position(summary),
                parts: codes.iter().map(|&c| position(c)).collect(),
            });
        }
        let table = Table {
            quantities: Quantity::counts(),
            cells,
            relations,
        };
        if table.primary().is_empty() {
            continue;
        }
        let pattern = secondary::pattern(&table).map_err(|e| crate::error::Error::Estimation {
            indicator: format!("codebook of `{dataset}`"),
            message: format!("disclosure control: {e}"),
        })?;
        for c in pattern {
            lines[members[c - 1]].confidential = true;
        }
    }
    Ok(())
}
