//! The one pass over the data. For every target (an indicator's values and
//! its subpopulation), every breakdown it uses and every domain of that
//! breakdown, it sums per PSU the weights, weighted values and weighted
//! squares of the rows with a value. Every estimator and its linearised
//! variance is then computed from these sums without touching the rows again.
//!
//! Rows are cut into chunks of a fixed size, summed in parallel, and the
//! chunk sums are added in chunk order: the result is bit-for-bit the same
//! whatever the number of threads.

use rayon::prelude::*;

use super::design::PreparedDesign;

/// Rows per chunk; fixed so results do not depend on the thread count.
const CHUNK_ROWS: usize = 1 << 17;
/// Chunks summed at once before being folded into the total (bounds memory).
const CHUNKS_PER_BATCH: usize = 8;

/// A breakdown of rows into domains.
#[derive(Debug, Clone)]
pub enum Breakdown {
    /// One domain holding every row (the overall estimate).
    Overall,
    /// Domain code of each row; [`Breakdown::NONE`] for a row in no domain
    /// (a missing breakdown value).
    Codes {
        /// Code per row.
        codes: Vec<u32>,
        /// Number of domains.
        n_domains: usize,
    },
}

impl Breakdown {
    /// The code of a row in no domain.
    pub const NONE: u32 = u32::MAX;

    /// Number of domains.
    pub fn n_domains(&self) -> usize {
        match self {
            Breakdown::Overall => 1,
            Breakdown::Codes { n_domains, .. } => *n_domains,
        }
    }

    #[inline]
    fn code(&self, row: usize) -> u32 {
        match self {
            Breakdown::Overall => 0,
            Breakdown::Codes { codes, .. } => codes[row],
        }
    }
}

/// A variable to estimate: its values and the rows of its subpopulation.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    /// Value per row; NaN for a missing value (out of every domain, as
    /// R's `na.rm = TRUE`, while the design keeps the row).
    pub y: &'a [f64],
    /// Denominator per row for a ratio (NaN for missing); `None`: 1.
    pub x: Option<&'a [f64]>,
    /// Subpopulation (`where`); `None` for every row.
    pub mask: Option<&'a [bool]>,
    /// Indices of the breakdowns (in the slice given to [`accumulate`]).
    pub breakdowns: Vec<usize>,
}

/// Sums over the rows of one PSU within one domain.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cell {
    /// Σ w over rows with a value.
    pub w: f64,
    /// Σ w·x, the denominator (x = 1, so Σ w, except for a ratio).
    pub sw: f64,
    /// Σ w·y.
    pub swy: f64,
    /// Σ w·y².
    pub swyy: f64,
    /// Rows with a value.
    pub n: u64,
    /// Rows in the domain, with or without a value (for degrees of freedom).
    pub n_any: u64,
}

impl Cell {
    fn add(&mut self, o: &Cell) {
        self.w += o.w;
        self.sw += o.sw;
        self.swy += o.swy;
        self.swyy += o.swyy;
        self.n += o.n;
        self.n_any += o.n_any;
    }
}

/// The sums: `cells[target][k][domain * n_psu + psu]`, `k` indexing the
/// target's own breakdown list. For a replicate design, also
/// `reps[target][k][(domain * R + r) * 2]` = Σ w_r·x and `… + 1` = Σ w_r·y.
#[derive(Debug, Clone, PartialEq)]
pub struct Sums {
    /// Number of PSUs (row length of each domain block).
    pub n_psu: usize,
    /// Number of replicates (0 without replicate weights).
    pub n_reps: usize,
    /// Cells per target, per breakdown.
    pub cells: Vec<Vec<Vec<Cell>>>,
    /// Replicate sums per target, per breakdown.
    pub reps: Vec<Vec<Vec<f64>>>,
}

impl Sums {
    fn zeros(n_psu: usize, n_reps: usize, targets: &[Target], breakdowns: &[Breakdown]) -> Self {
        Sums {
            n_psu,
            n_reps,
            reps: targets
                .iter()
                .map(|t| {
                    t.breakdowns
                        .iter()
                        .map(|&b| vec![0.0; breakdowns[b].n_domains() * n_reps * 2])
                        .collect()
                })
                .collect(),
            cells: targets
                .iter()
                .map(|t| {
                    t.breakdowns
                        .iter()
                        .map(|&b| vec![Cell::default(); breakdowns[b].n_domains() * n_psu])
                        .collect()
                })
                .collect(),
        }
    }

    fn add(&mut self, o: &Sums) {
        for (a, b) in self.reps.iter_mut().zip(&o.reps) {
            for (a, b) in a.iter_mut().zip(b) {
                for (a, b) in a.iter_mut().zip(b) {
                    *a += b;
                }
            }
        }
        for (a, b) in self.cells.iter_mut().zip(&o.cells) {
            for (a, b) in a.iter_mut().zip(b) {
                for (a, b) in a.iter_mut().zip(b) {
                    a.add(b);
                }
            }
        }
    }

    /// The replicate sums of one domain: Σ w_r and Σ w_r·y, interleaved.
    pub fn domain_reps(&self, target: usize, k: usize, domain: usize) -> &[f64] {
        let w = 2 * self.n_reps;
        &self.reps[target][k][domain * w..(domain + 1) * w]
    }

    /// The PSU cells of one domain of one target's breakdown.
    pub fn domain(&self, target: usize, k: usize, domain: usize) -> &[Cell] {
        &self.cells[target][k][domain * self.n_psu..(domain + 1) * self.n_psu]
    }
}

/// Sums every target over every breakdown in one pass over the rows.
pub fn accumulate(design: &PreparedDesign, breakdowns: &[Breakdown], targets: &[Target]) -> Sums {
    let n = design.weights.len();
    let n_psu = design.n_psu();
    let chunks: Vec<(usize, usize)> = (0..n)
        .step_by(CHUNK_ROWS)
        .map(|s| (s, (s + CHUNK_ROWS).min(n)))
        .collect();
    let n_reps = design.replicates.as_ref().map_or(0, |r| r.len());
    let mut total = Sums::zeros(n_psu, n_reps, targets, breakdowns);
    for batch in chunks.chunks(CHUNKS_PER_BATCH) {
        let parts: Vec<Sums> = batch
            .par_iter()
            .map(|&(start, end)| {
                let mut s = Sums::zeros(n_psu, n_reps, targets, breakdowns);
                sum_rows(design, breakdowns, targets, start, end, &mut s);
                s
            })
            .collect();
        for p in &parts {
            total.add(p);
        }
    }
    total
}

fn sum_rows(
    design: &PreparedDesign,
    breakdowns: &[Breakdown],
    targets: &[Target],
    start: usize,
    end: usize,
    s: &mut Sums,
) {
    let n_psu = s.n_psu;
    let n_reps = s.n_reps;
    let rep_weights = design.replicates.as_ref().map(|r| &r.weights);
    for (t, target) in targets.iter().enumerate() {
        let cells = &mut s.cells[t];
        let reps = &mut s.reps[t];
        for row in start..end {
            if target.mask.is_some_and(|m| !m[row]) {
                continue;
            }
            let w = design.weights[row];
            let psu = design.psu[row] as usize;
            let y = target.y[row];
            let x = target.x.map_or(1.0, |x| x[row]);
            let has = !y.is_nan() && !x.is_nan();
            for (k, &b) in target.breakdowns.iter().enumerate() {
                let d = breakdowns[b].code(row);
                if d == Breakdown::NONE {
                    continue;
                }
                let c = &mut cells[k][d as usize * n_psu + psu];
                c.n_any += 1;
                if has {
                    c.w += w;
                    c.sw += w * x;
                    c.swy += w * y;
                    c.swyy += w * y * y;
                    c.n += 1;
                    if let Some(rw) = rep_weights {
                        let base = d as usize * n_reps * 2;
                        let slots = &mut reps[k][base..base + 2 * n_reps];
                        for (r, col) in rw.iter().enumerate() {
                            slots[2 * r] += col[row] * x;
                            slots[2 * r + 1] += col[row] * y;
                        }
                    }
                }
            }
        }
    }
}
