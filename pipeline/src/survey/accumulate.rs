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

pub use super::codes::Codes;
use super::columns::MISSING;
use super::cube::Cube;

/// Rows per chunk (the unit of parallel work, with its own sums); fixed so
/// results do not depend on the thread count.
const CHUNK_ROWS: usize = 1 << 20;
/// Rows per block within a chunk (the unit of cache reuse).
const BLOCK_ROWS: usize = 1 << 8;
/// Chunks summed at once before being folded into the total (bounds memory).
const CHUNKS_PER_BATCH: usize = 8;

/// What the pass reads of each row besides the targets: its weight, the
/// unit it is summed into, and its replicate weights. A design gives its
/// rows ([`crate::survey::design::PreparedDesign::rows`]), and so does
/// each calibration channel ([`Grouped`]).
#[derive(Debug, Clone, Copy)]
pub struct Rows<'a> {
    /// Weight of each row.
    pub weights: &'a [f64],
    /// Unit of each row (`0..n_units`).
    pub unit: &'a [u32],
    /// Number of units.
    pub n_units: usize,
    /// Replicate weights summed row by row, one vector per replicate (when
    /// the rows do not fall into few factor patterns).
    pub replicates: Option<&'a [Vec<f64>]>,
}

/// Rows grouped into `count` units with their own weights: sums over them
/// are weighted sums per group.
#[derive(Debug, Clone)]
pub struct Grouped {
    /// Weight of each row.
    pub weights: Vec<f64>,
    /// Group of each row.
    pub group: Vec<u32>,
    /// Number of groups.
    pub count: usize,
}

impl Grouped {
    /// The rows as the pass reads them.
    pub fn rows(&self) -> Rows<'_> {
        Rows {
            weights: &self.weights,
            unit: &self.group,
            n_units: self.count,
            replicates: None,
        }
    }
}

/// A breakdown of rows into domains.
#[derive(Debug, Clone)]
pub enum Breakdown {
    /// One domain holding every row (the overall estimate).
    Overall,
    /// Domain code of each row; [`Breakdown::NONE`] for a row in no domain
    /// (a missing breakdown value).
    Codes {
        /// Code per row.
        codes: Codes,
        /// Number of domains.
        n_domains: usize,
    },
}

impl Breakdown {
    /// The code of a row in no domain.
    pub const NONE: u32 = Codes::NONE;

    /// Number of domains.
    pub fn n_domains(&self) -> usize {
        match self {
            Breakdown::Overall => 1,
            Breakdown::Codes { n_domains, .. } => *n_domains,
        }
    }

    /// The domain code of `row`.
    #[inline]
    pub fn code(&self, row: usize) -> u32 {
        match self {
            Breakdown::Overall => 0,
            Breakdown::Codes { codes, .. } => codes.get(row),
        }
    }

    /// Calls `f(i, domain)` for each row `rows.start + i` of `rows`
    /// ([`Breakdown::NONE`] for a row in no domain).
    #[inline]
    pub fn each(&self, rows: std::ops::Range<usize>, mut f: impl FnMut(usize, u32)) {
        match self {
            Breakdown::Overall => (0..rows.len()).for_each(|i| f(i, 0)),
            Breakdown::Codes { codes, .. } => codes.each(rows, f),
        }
    }

    /// Whether some row is in no domain.
    pub fn has_missing(&self) -> bool {
        match self {
            Breakdown::Overall => false,
            Breakdown::Codes { codes, .. } => codes.has_none(),
        }
    }
}

/// A target's values per row.
#[derive(Debug, Clone, Copy)]
pub enum Values<'a> {
    /// Numbers; NaN for a missing value.
    Numbers(&'a [f64]),
    /// 0/1 flags (a condition); [`MISSING`] for a missing value. One byte a
    /// row instead of eight.
    Flags(&'a [u8]),
}

impl Values<'_> {
    /// The value of `row` as a number (NaN when missing).
    #[inline]
    pub fn get(&self, row: usize) -> f64 {
        match self {
            Values::Numbers(v) => v[row],
            Values::Flags(v) if v[row] == MISSING => f64::NAN,
            Values::Flags(v) => f64::from(v[row]),
        }
    }

    fn any_missing(&self) -> bool {
        match self {
            Values::Numbers(v) => v.iter().any(|y| y.is_nan()),
            Values::Flags(v) => v.contains(&MISSING),
        }
    }
}

/// A variable to estimate: its values and the rows of its subpopulation.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    /// Value per row; a missing value is out of every domain (as R's
    /// `na.rm = TRUE`) while the design keeps the row.
    pub y: Values<'a>,
    /// Denominator per row for a ratio (NaN for missing); `None`: 1.
    pub x: Option<&'a [f64]>,
    /// Subpopulation (`where`); `None` for every row.
    pub mask: Option<&'a [bool]>,
    /// Values are 0/1 (whatever their representation), so Σ w·y² = Σ w·y
    /// (not summed separately).
    pub binary: bool,
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
    /// Adds the sums of `o`.
    pub fn add(&mut self, o: &Cell) {
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
///
/// A *dense* target — no subpopulation, no denominator, no missing value,
/// no replicate weights — shares Σ w, n and the row counts with every other
/// dense target (they depend only on the breakdown), so while summing it
/// keeps only its own Σ w·y (and Σ w·y² unless binary) per cell; its full
/// cells are assembled once at the end. The dense targets' sums over one
/// breakdown form a matrix with a row per cell and a column per sum, so a
/// row of data adds one short contiguous vector per breakdown.
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
    /// Shared cells per breakdown for dense targets (empty when unused).
    base: Vec<Vec<Cell>>,
    /// Dense sums per breakdown: `[cell * columns + column]`, the columns
    /// being `layout.by_breakdown[b]`; empty for a breakdown summed through
    /// the cube until it is rolled up.
    dense: Vec<Vec<f64>>,
    layout: DenseLayout,
    /// The small breakdowns crossed, for the dense targets.
    cube: Option<Cube>,
}

/// The columns of the dense sums.
#[derive(Debug, Clone, PartialEq)]
struct DenseLayout {
    /// Every dense column: (target, squared) for Σ w·y or Σ w·y².
    columns: Vec<(usize, bool)>,
    /// Per breakdown, the indices in `columns` of the sums made over it.
    by_breakdown: Vec<Vec<usize>>,
}

impl DenseLayout {
    fn new(targets: &[Target], dense: &[bool], n_breakdowns: usize) -> Self {
        let mut columns = Vec::new();
        for (t, target) in targets.iter().enumerate() {
            if dense[t] {
                columns.push((t, false));
                if !target.binary {
                    columns.push((t, true));
                }
            }
        }
        let by_breakdown = (0..n_breakdowns)
            .map(|b| {
                (0..columns.len())
                    .filter(|&j| targets[columns[j].0].breakdowns.contains(&b))
                    .collect()
            })
            .collect();
        DenseLayout {
            columns,
            by_breakdown,
        }
    }

    /// The position of column (t, squared) among breakdown b's columns.
    fn position(&self, b: usize, t: usize, squared: bool) -> Option<usize> {
        self.by_breakdown[b]
            .iter()
            .position(|&j| self.columns[j] == (t, squared))
    }
}

/// For each target and each of its breakdowns, `len(breakdown)` copies of
/// `fill` when `keep(target)`, else nothing.
fn per_target<T: Clone>(
    targets: &[Target],
    keep: impl Fn(usize) -> bool,
    len: impl Fn(usize) -> usize,
    fill: T,
) -> Vec<Vec<Vec<T>>> {
    targets
        .iter()
        .enumerate()
        .map(|(t, tg)| {
            tg.breakdowns
                .iter()
                .map(|&b| {
                    if keep(t) {
                        vec![fill.clone(); len(b)]
                    } else {
                        Vec::new()
                    }
                })
                .collect()
        })
        .collect()
}

/// Whether a target can use the shared sums.
fn dense(rows: &Rows, t: &Target) -> bool {
    let row_replicates = rows.replicates.is_some();
    t.mask.is_none() && t.x.is_none() && !row_replicates && !t.y.any_missing()
}

impl Sums {
    fn zeros(
        rows: &Rows,
        targets: &[Target],
        dense: &[bool],
        breakdowns: &[Breakdown],
        cube: Option<&Cube>,
    ) -> Self {
        let n_psu = rows.n_units;
        let n_reps = rows.replicates.map_or(0, <[Vec<f64>]>::len);
        let size = |b: usize| breakdowns[b].n_domains() * n_psu;
        let layout = DenseLayout::new(targets, dense, breakdowns.len());
        let direct =
            |b: usize| !layout.by_breakdown[b].is_empty() && !cube.is_some_and(|c| c.has(b));
        Sums {
            n_psu,
            n_reps,
            reps: per_target(
                targets,
                |t| !dense[t] && n_reps > 0,
                |b| breakdowns[b].n_domains() * n_reps * 2,
                0.0,
            ),
            cells: per_target(targets, |t| !dense[t], size, Cell::default()),
            base: (0..breakdowns.len())
                .map(|b| {
                    if direct(b) {
                        vec![Cell::default(); size(b)]
                    } else {
                        Vec::new()
                    }
                })
                .collect(),
            dense: (0..breakdowns.len())
                .map(|b| {
                    if direct(b) {
                        vec![0.0; size(b) * layout.by_breakdown[b].len()]
                    } else {
                        Vec::new()
                    }
                })
                .collect(),
            layout,
            cube: cube.map(Cube::zeros),
        }
    }

    fn add(&mut self, o: &Sums) {
        let sums = self.reps.iter_mut().flatten().zip(o.reps.iter().flatten());
        for (a, b) in sums.chain(self.dense.iter_mut().zip(&o.dense)) {
            a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
        }
        let cells = self
            .cells
            .iter_mut()
            .flatten()
            .zip(o.cells.iter().flatten());
        for (a, b) in cells.chain(self.base.iter_mut().zip(&o.base)) {
            a.iter_mut().zip(b).for_each(|(a, b)| a.add(b));
        }
        if let (Some(a), Some(b)) = (&mut self.cube, &o.cube) {
            a.add(b);
        }
    }

    /// Sums made elsewhere (batch by batch): `cells[target][k]` holds
    /// `domains × n_psu` cells, domain-major, as [`Self::domain`] reads them.
    /// Without replicate weights.
    pub fn from_cells(n_psu: usize, cells: Vec<Vec<Vec<Cell>>>) -> Self {
        Sums {
            n_psu,
            n_reps: 0,
            reps: cells.iter().map(|t| vec![Vec::new(); t.len()]).collect(),
            cells,
            base: Vec::new(),
            dense: Vec::new(),
            layout: DenseLayout {
                columns: Vec::new(),
                by_breakdown: Vec::new(),
            },
            cube: None,
        }
    }

    /// Fills the sums of the breakdowns summed through the cube.
    fn roll_up(&mut self, breakdowns: &[Breakdown]) {
        let Some(cube) = self.cube.take() else { return };
        for (b, breakdown) in breakdowns.iter().enumerate() {
            if cube.has(b) {
                let columns = &self.layout.by_breakdown[b];
                (self.base[b], self.dense[b]) = cube.roll_up(b, breakdown.n_domains(), columns);
            }
        }
    }

    /// The replicate sums of one domain: Σ w_r and Σ w_r·y, interleaved.
    pub fn domain_reps(&self, target: usize, k: usize, domain: usize) -> &[f64] {
        let w = 2 * self.n_reps;
        self.reps[target][k]
            .get(domain * w..(domain + 1) * w)
            .unwrap_or(&[])
    }

    /// The PSU cells of one domain of one target's breakdown.
    pub fn domain(&self, target: usize, k: usize, domain: usize) -> &[Cell] {
        &self.cells[target][k][domain * self.n_psu..(domain + 1) * self.n_psu]
    }
}

/// What the estimation pass summed for one domain.
#[derive(Debug, Clone)]
pub struct DomainSums<'a> {
    /// Cells per unit.
    pub cells: &'a [Cell],
    /// Replicate sums (Σ w_r·x, Σ w_r·y interleaved) when summed row by row.
    pub reps: &'a [f64],
    /// For a calibrated design, the domain's cells per category of each
    /// calibration channel.
    pub aux: Vec<&'a [Cell]>,
}

/// The sums of a design: the main sums and, for a calibrated design, the
/// sums per category of each calibration channel.
#[derive(Debug, Clone)]
pub struct DesignSums {
    /// Per unit.
    pub main: Sums,
    /// Per calibration channel.
    pub channels: Vec<Sums>,
}

impl DesignSums {
    /// Everything summed for one domain of one target's breakdown.
    pub fn domain(&self, target: usize, k: usize, domain: usize) -> DomainSums<'_> {
        DomainSums {
            cells: self.main.domain(target, k, domain),
            reps: self.main.domain_reps(target, k, domain),
            aux: self
                .channels
                .iter()
                .map(|s| s.domain(target, k, domain))
                .collect(),
        }
    }
}

/// Sums every target over every breakdown in one pass over the rows.
pub fn accumulate(rows: &Rows, breakdowns: &[Breakdown], targets: &[Target]) -> Sums {
    let n = rows.weights.len();
    let dense: Vec<bool> = targets.iter().map(|t| dense(rows, t)).collect();
    let layout = DenseLayout::new(targets, &dense, breakdowns.len());
    let used: Vec<bool> = layout.by_breakdown.iter().map(|c| !c.is_empty()).collect();
    let cube = Cube::plan(breakdowns, &used, rows.n_units, layout.columns.len());
    let chunks: Vec<(usize, usize)> = (0..n)
        .step_by(CHUNK_ROWS)
        .map(|s| (s, (s + CHUNK_ROWS).min(n)))
        .collect();
    let mut total = Sums::zeros(rows, targets, &dense, breakdowns, cube.as_ref());
    for batch in chunks.chunks(CHUNKS_PER_BATCH) {
        let parts: Vec<Sums> = batch
            .par_iter()
            .map(|&(start, end)| {
                let mut s = Sums::zeros(rows, targets, &dense, breakdowns, cube.as_ref());
                sum_rows(rows, breakdowns, targets, start, end, &mut s);
                s
            })
            .collect();
        for p in &parts {
            total.add(p);
        }
    }
    total.roll_up(breakdowns);
    // Assemble the dense targets' cells from the shared sums.
    for (t, target) in targets.iter().enumerate() {
        if !dense[t] {
            continue;
        }
        for (k, &b) in target.breakdowns.iter().enumerate() {
            let mut cells = total.base[b].clone();
            let width = total.layout.by_breakdown[b].len();
            let sums = &total.dense[b];
            let y = total.layout.position(b, t, false);
            let yy = total.layout.position(b, t, true);
            for (i, c) in cells.iter_mut().enumerate() {
                c.swy = y.map_or(0.0, |j| sums[i * width + j]);
                c.swyy = yy.map_or(0.0, |j| sums[i * width + j]);
            }
            total.cells[t][k] = cells;
        }
    }
    for (cells, target) in total.cells.iter_mut().zip(targets) {
        if target.binary {
            cells.iter_mut().flatten().for_each(|c| c.swyy = c.swy);
        }
    }
    total
}

/// Sums rows `start..end` in blocks small enough that a block's cells,
/// weights and values stay in cache while every target passes over them.
fn sum_rows(
    input: &Rows,
    breakdowns: &[Breakdown],
    targets: &[Target],
    start: usize,
    end: usize,
    s: &mut Sums,
) {
    // The breakdowns whose cell of each row is needed: those summed
    // directly for dense targets, and every one of the other targets (the
    // cube finds its own cells).
    let dense: Vec<bool> = (0..targets.len())
        .map(|t| s.layout.columns.iter().any(|c| c.0 == t))
        .collect();
    let direct: Vec<bool> = (0..breakdowns.len())
        .map(|b| {
            !s.cube.as_ref().is_some_and(|c| c.has(b))
                || (0..targets.len()).any(|t| !dense[t] && targets[t].breakdowns.contains(&b))
        })
        .collect();
    let mut scratch = Vec::new();
    for block in (start..end).step_by(BLOCK_ROWS) {
        let rows = block..(block + BLOCK_ROWS).min(end);
        let needed = Needed {
            dense: &dense,
            direct: &direct,
        };
        sum_block(input, breakdowns, targets, rows, needed, s, &mut scratch);
    }
}

/// Which targets are dense and which breakdowns need each row's cell.
#[derive(Clone, Copy)]
struct Needed<'a> {
    dense: &'a [bool],
    direct: &'a [bool],
}

fn sum_block(
    input: &Rows,
    breakdowns: &[Breakdown],
    targets: &[Target],
    rows: std::ops::Range<usize>,
    needed: Needed,
    s: &mut Sums,
    scratch: &mut Vec<f64>,
) {
    let (start, end) = (rows.start, rows.end);
    let n_psu = s.n_psu;
    let n_reps = s.n_reps;
    let rep_weights = input.replicates;
    // The cell of each row in each breakdown that needs it, computed once
    // for all targets.
    let cell_of: Vec<Vec<u32>> = breakdowns
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if !needed.direct[i] {
                return Vec::new();
            }
            let unit = &input.unit[start..end];
            let mut cells = vec![Breakdown::NONE; end - start];
            b.each(start..end, |i, d| {
                if d != Breakdown::NONE {
                    cells[i] = d * n_psu as u32 + unit[i];
                }
            });
            cells
        })
        .collect();
    let weights = &input.weights[start..end];
    for (b, base) in s
        .base
        .iter_mut()
        .enumerate()
        .filter(|(_, base)| !base.is_empty())
    {
        for (&i, &w) in cell_of[b]
            .iter()
            .zip(weights)
            .filter(|(i, _)| **i != Breakdown::NONE)
        {
            let c = &mut base[i as usize];
            c.w += w;
            c.sw += w;
            c.n += 1;
            c.n_any += 1;
        }
    }
    sum_dense(input, breakdowns, targets, start..end, &cell_of, s, scratch);
    for (t, target) in targets.iter().enumerate() {
        if needed.dense[t] {
            continue;
        }
        let cells = &mut s.cells[t];
        let reps = &mut s.reps[t];
        for row in start..end {
            if target.mask.is_some_and(|m| !m[row]) {
                continue;
            }
            let w = input.weights[row];
            let y = target.y.get(row);
            let x = target.x.map_or(1.0, |x| x[row]);
            let has = !y.is_nan() && !x.is_nan();
            for (k, &b) in target.breakdowns.iter().enumerate() {
                let i = cell_of[b][row - start];
                if i == Breakdown::NONE {
                    continue;
                }
                let c = &mut cells[k][i as usize];
                c.n_any += 1;
                if has {
                    c.w += w;
                    c.sw += w * x;
                    c.swy += w * y;
                    if !target.binary {
                        c.swyy += w * y * y;
                    }
                    c.n += 1;
                    if let Some(rw) = rep_weights {
                        let base = (i as usize / n_psu) * n_reps * 2;
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

/// Column `j` of the row-major `block` (`width` values a row): `f(w, y)` of
/// each row's weight and value.
fn fill<T: Copy>(
    block: &mut [f64],
    width: usize,
    j: usize,
    weights: &[f64],
    y: &[T],
    f: impl Fn(f64, T) -> f64,
) {
    for ((row, &w), &y) in block.chunks_exact_mut(width).zip(weights).zip(y) {
        row[j] = f(w, y);
    }
}

/// Columns `j..j + 4` of the row-major `block` from four columns of 0/1
/// flags: each row's four flags as the bits of a pattern, whose entry in a
/// table of masks keeps the row's weight where the flag is 1 and clears it
/// to +0 where it is 0. That is w·y (a sum never tells +0 from the −0 of a
/// negative weight times 0), made with two vector operations instead of
/// four scattered products.
fn fill_flags(block: &mut [f64], width: usize, j: usize, weights: &[f64], flags: [&[u8]; 4]) {
    const MASKS: [[u64; 4]; 16] = {
        let mut masks = [[0u64; 4]; 16];
        let mut pattern = 0;
        while pattern < 16 {
            let mut bit = 0;
            while bit < 4 {
                if pattern >> bit & 1 == 1 {
                    masks[pattern][bit] = u64::MAX;
                }
                bit += 1;
            }
            pattern += 1;
        }
        masks
    };
    let mut patterns = [0u8; BLOCK_ROWS];
    let patterns = &mut patterns[..weights.len()];
    for (bit, f) in flags.iter().enumerate() {
        for (p, &y) in patterns.iter_mut().zip(*f) {
            *p |= y << bit;
        }
    }
    for ((row, &w), &p) in block.chunks_exact_mut(width).zip(weights).zip(&*patterns) {
        let (w, masks) = (w.to_bits(), &MASKS[usize::from(p & 15)]);
        for (v, m) in row[j..j + 4].iter_mut().zip(masks) {
            *v = f64::from_bits(w & m);
        }
    }
}

/// The dense targets' sums over a block: each row's w·y (and w·y²) for every
/// dense column, in a row-major block, then for each breakdown one
/// contiguous add of the row's vector into its cell's.
fn sum_dense(
    input: &Rows,
    breakdowns: &[Breakdown],
    targets: &[Target],
    rows: std::ops::Range<usize>,
    cell_of: &[Vec<u32>],
    s: &mut Sums,
    block: &mut Vec<f64>,
) {
    let width = s.layout.columns.len();
    if width == 0 {
        return;
    }
    let start = rows.start;
    let weights = &input.weights[rows];
    block.resize(weights.len() * width, 0.0);
    let columns = &s.layout.columns;
    let flags_of = |j: usize| match targets[columns[j].0].y {
        Values::Flags(y) => Some(&y[start..start + weights.len()]),
        Values::Numbers(_) => None,
    };
    let mut j = 0;
    while j < width {
        // Dense flags are 0 or 1 (a missing one makes a target not dense).
        if j + 4 <= width
            && let [Some(a), Some(b), Some(c), Some(d)] = std::array::from_fn(|i| flags_of(j + i))
        {
            fill_flags(block, width, j, weights, [a, b, c, d]);
            j += 4;
            continue;
        }
        match (targets[columns[j].0].y, columns[j].1) {
            (Values::Flags(y), _) => fill(block, width, j, weights, &y[start..], |w, y| {
                w * f64::from(y)
            }),
            (Values::Numbers(y), false) => {
                fill(block, width, j, weights, &y[start..], |w, y| w * y)
            }
            (Values::Numbers(y), true) => {
                fill(block, width, j, weights, &y[start..], |w, y| w * y * y)
            }
        }
        j += 1;
    }
    if let Some(cube) = &mut s.cube {
        cube.add_rows(breakdowns, input.unit, start, weights, block);
    }
    for (b, columns) in s.layout.by_breakdown.iter().enumerate() {
        if s.cube.as_ref().is_some_and(|c| c.has(b)) {
            continue;
        }
        let sums = &mut s.dense[b];
        let n = columns.len();
        if n == width {
            for (r, &i) in cell_of[b].iter().enumerate() {
                if i != Breakdown::NONE {
                    let into = &mut sums[i as usize * width..][..width];
                    let from = &block[r * width..][..width];
                    into.iter_mut().zip(from).for_each(|(a, v)| *a += v);
                }
            }
        } else if n > 0 {
            for (r, &i) in cell_of[b].iter().enumerate() {
                if i != Breakdown::NONE {
                    let into = &mut sums[i as usize * n..][..n];
                    for (a, &j) in into.iter_mut().zip(columns) {
                        *a += block[r * width + j];
                    }
                }
            }
        }
    }
}
