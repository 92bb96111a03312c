//! The cube of the estimation pass: the small breakdowns crossed into one.
//!
//! Without it, a row of a dense target adds its vector of weighted values
//! once per breakdown. With it, the row adds its vector once, to its cell of
//! the cross of the small breakdowns (× its PSU); after the pass, each
//! crossed breakdown's sums are rolled up from the cube's cells, a few
//! hundred thousand additions whatever the number of rows. A cross is kept
//! only as large as [`CUBE_BYTES`] allows (it is held once per chunk of
//! rows), so a breakdown of many domains stays outside and is summed
//! directly.
//!
//! Rows with a missing value of a crossed breakdown sit in an extra level
//! of that breakdown, left out of its roll-up. Sums are added in row order
//! within a chunk and the roll-up runs in cell order, so the result does
//! not depend on the thread count.

use super::accumulate::{Breakdown, Cell};

/// Largest size of one cube's cells (each chunk of rows has its own).
const CUBE_BYTES: usize = 16 << 20;

/// The crossed breakdowns and their sums.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Cube {
    /// Per crossed breakdown: its index and its number of levels (its
    /// domains, plus one for rows without a value when it has any).
    members: Vec<(usize, usize)>,
    /// Crossed cells (the product of the levels).
    cells: usize,
    /// Number of PSUs.
    n_psu: usize,
    /// Dense columns per cell.
    width: usize,
    /// Shared sums (Σ w, rows) per (crossed cell × PSU).
    base: Vec<Cell>,
    /// Dense sums per (crossed cell × PSU): `[i * width + column]`.
    dense: Vec<f64>,
}

impl Cube {
    /// The cube over the breakdowns `used` by dense targets that fit
    /// together, smallest first; `None` when fewer than two fit (a cube of
    /// one breakdown saves nothing).
    pub(super) fn plan(
        breakdowns: &[Breakdown],
        used: &[bool],
        n_psu: usize,
        width: usize,
    ) -> Option<Self> {
        let cell_bytes = width * size_of::<f64>() + size_of::<Cell>();
        let mut candidates: Vec<(usize, usize)> = breakdowns
            .iter()
            .enumerate()
            .filter(|(b, _)| used[*b])
            .map(|(b, bd)| (b, bd.n_domains() + usize::from(bd.has_missing())))
            .collect();
        candidates.sort_by_key(|&(b, levels)| (levels, b));
        let mut members = Vec::new();
        let mut cells = 1usize;
        for (b, levels) in candidates {
            let grown = cells.saturating_mul(levels);
            if grown.saturating_mul(n_psu).saturating_mul(cell_bytes) <= CUBE_BYTES {
                members.push((b, levels));
                cells = grown;
            }
        }
        (members.len() >= 2).then(|| Cube {
            members,
            cells,
            n_psu,
            width,
            base: Vec::new(),
            dense: Vec::new(),
        })
    }

    /// Whether breakdown `b` is summed through the cube.
    pub(super) fn has(&self, b: usize) -> bool {
        self.members.iter().any(|&(m, _)| m == b)
    }

    /// The same cube with every sum zero.
    pub(super) fn zeros(&self) -> Self {
        let size = self.cells * self.n_psu;
        Cube {
            members: self.members.clone(),
            base: vec![Cell::default(); size],
            dense: vec![0.0; size * self.width],
            ..*self
        }
    }

    /// Adds rows `start..start + weights.len()`: each row's dense vector
    /// (`block`, `width` values a row) and weight into its cell.
    pub(super) fn add_rows(
        &mut self,
        breakdowns: &[Breakdown],
        unit: &[u32],
        start: usize,
        weights: &[f64],
        block: &[f64],
    ) {
        let width = self.width;
        let rows = start..start + weights.len();
        // Each row's cell, one crossed breakdown at a time.
        let mut cell = vec![0usize; weights.len()];
        for &(b, levels) in &self.members {
            breakdowns[b].each(rows.clone(), |i, code| {
                let code = if code == Breakdown::NONE {
                    levels - 1
                } else {
                    code as usize
                };
                cell[i] = cell[i] * levels + code;
            });
        }
        for (r, &w) in weights.iter().enumerate() {
            let i = cell[r] * self.n_psu + unit[start + r] as usize;
            let c = &mut self.base[i];
            c.w += w;
            c.n += 1;
            let into = &mut self.dense[i * width..][..width];
            let from = &block[r * width..][..width];
            into.iter_mut().zip(from).for_each(|(a, v)| *a += v);
        }
    }

    /// Adds another chunk's sums.
    pub(super) fn add(&mut self, o: &Cube) {
        self.base.iter_mut().zip(&o.base).for_each(|(a, b)| {
            a.w += b.w;
            a.n += b.n;
        });
        self.dense
            .iter_mut()
            .zip(&o.dense)
            .for_each(|(a, b)| *a += b);
    }

    /// Each crossed breakdown's sums, rolled up from the cube: for breakdown
    /// `b`, its shared cells (`n_domains × n_psu`) and its dense sums over
    /// `columns` (indices of the cube's columns), as the direct pass makes
    /// them.
    pub(super) fn roll_up(
        &self,
        b: usize,
        n_domains: usize,
        columns: &[usize],
    ) -> (Vec<Cell>, Vec<f64>) {
        let position = self
            .members
            .iter()
            .position(|&(m, _)| m == b)
            .expect("a crossed breakdown");
        let levels = self.members[position].1;
        let stride: usize = self.members[position + 1..].iter().map(|m| m.1).product();
        let n = columns.len();
        let mut base = vec![Cell::default(); n_domains * self.n_psu];
        let mut dense = vec![0.0; n_domains * self.n_psu * n];
        for cell in 0..self.cells {
            let domain = (cell / stride) % levels;
            if domain >= n_domains {
                continue; // no value of this breakdown
            }
            for psu in 0..self.n_psu {
                let (from, to) = (cell * self.n_psu + psu, domain * self.n_psu + psu);
                let (c, o) = (&mut base[to], &self.base[from]);
                c.w += o.w;
                c.sw += o.w;
                c.n += o.n;
                c.n_any += o.n;
                let sums = &self.dense[from * self.width..][..self.width];
                for (a, &j) in dense[to * n..][..n].iter_mut().zip(columns) {
                    *a += sums[j];
                }
            }
        }
        (base, dense)
    }
}

#[cfg(test)]
mod tests {
    use super::super::accumulate::{Breakdown, Codes, Rows, Target, Values, accumulate};

    /// The pass with a cube gives each breakdown's per-PSU sums as a naive
    /// loop over the rows does, including rows without a breakdown value.
    #[test]
    fn crossed_breakdowns_roll_up_to_their_own_sums() {
        let n = 5_000usize;
        let n_psu = 7;
        let mut state = 12_345u64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % m
        };
        let unit: Vec<u32> = (0..n).map(|_| next(n_psu as u64) as u32).collect();
        let weights: Vec<f64> = (0..n).map(|_| 1.0 + next(1000) as f64 / 7.0).collect();
        // Five flag columns, so that four are laid out side by side.
        let flags: Vec<Vec<u8>> = (0..5)
            .map(|_| (0..n).map(|_| next(2) as u8).collect())
            .collect();
        let numbers: Vec<f64> = (0..n).map(|_| next(500) as f64 / 3.0).collect();
        // Levels 3, 2 (with missing values) and 5.
        let levels = [3u32, 2, 5];
        let codes: Vec<Vec<u32>> = levels
            .iter()
            .map(|&l| {
                (0..n)
                    .map(|_| match next(u64::from(l) + 1) as u32 {
                        c if c == l && l == 2 => Codes::NONE,
                        c => c % l,
                    })
                    .collect()
            })
            .collect();
        let mut breakdowns = vec![Breakdown::Overall];
        for (c, &l) in codes.iter().zip(&levels) {
            breakdowns.push(Breakdown::Codes {
                codes: Codes::collect(l as usize, c.iter().copied()),
                n_domains: l as usize,
            });
        }
        let all = vec![0, 1, 2, 3];
        // The numbers first: the flags' columns start past the first.
        let mut targets = vec![Target {
            y: Values::Numbers(&numbers),
            x: None,
            mask: None,
            binary: false,
            breakdowns: all.clone(),
        }];
        targets.extend(flags.iter().map(|f| Target {
            y: Values::Flags(f),
            x: None,
            mask: None,
            binary: true,
            breakdowns: all.clone(),
        }));
        let rows = Rows {
            weights: &weights,
            unit: &unit,
            n_units: n_psu,
            replicates: None,
        };
        let used = [true; 4];
        assert!(super::Cube::plan(&breakdowns, &used, n_psu, 7).is_some());
        let sums = accumulate(&rows, &breakdowns, &targets);
        for (k, b) in breakdowns.iter().enumerate() {
            for domain in 0..b.n_domains() {
                for psu in 0..n_psu {
                    let in_cell =
                        |row: &usize| b.code(*row) == domain as u32 && unit[*row] == psu as u32;
                    let (mut w, mut wx, mut wxx, mut count) = (0.0, 0.0, 0.0, 0);
                    let mut wy = [0.0; 5];
                    for row in (0..n).filter(in_cell) {
                        w += weights[row];
                        for (s, f) in wy.iter_mut().zip(&flags) {
                            *s += weights[row] * f64::from(f[row]);
                        }
                        wx += weights[row] * numbers[row];
                        wxx += weights[row] * numbers[row] * numbers[row];
                        count += 1;
                    }
                    let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * y.abs().max(1.0);
                    let c = sums.domain(0, k, domain)[psu];
                    assert!(close(c.w, w) && close(c.swy, wx) && close(c.swyy, wxx));
                    assert_eq!((c.n, c.n_any), (count, count));
                    for (t, wy) in wy.into_iter().enumerate() {
                        let a = sums.domain(t + 1, k, domain)[psu];
                        let what = format!("flags {t}, breakdown {k}, domain {domain}, PSU {psu}");
                        assert!(
                            close(a.w, w)
                                && close(a.sw, w)
                                && close(a.swy, wy)
                                && close(a.swyy, wy),
                            "{what}"
                        );
                        assert_eq!((a.n, a.n_any), (count, count), "{what}");
                    }
                }
            }
        }
    }
}
