//! Estimation of a survey too large to hold in memory: its Parquet file (a
//! Parquet source, or a delimited source's kept rows, written as they were
//! checked: [`crate::ingest::Spill`]) is read `batch_rows` rows at a time,
//! each batch goes through the same evaluation, indexing and summing as a
//! dataset in memory, and only the sums are kept — per (domain, PSU) cell,
//! keyed by the values they stand for, since a batch sees only some strata,
//! PSUs and domain values. After
//! the last batch the keys are put in the order the whole file would give
//! them (natural order of the values, as in memory), the design is built
//! from the distinct (stratum, PSU, fpc) rows with every check of
//! [`PreparedDesign::prepare`], and the estimators finish from the sums as
//! for any dataset. Memory holds one batch and the cells, whatever the
//! number of rows.
//!
//! Batches are added in file order, so a run gives the same bytes every
//! time and whatever the number of threads; the sums' last digits differ
//! from an in-memory pass over the same rows (other additions), by ~1e-15.
//!
//! What needs the rows themselves is not streamed: [`obstacle`] says why a
//! dataset is read into memory instead.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::statistics::{Method, estimator};
use super::{Layout, Read, domains};
use crate::error::{Error, Result};
use crate::spec::model::{DatasetSpec, Format, IndicatorSpec, Study};
use crate::survey::accumulate::{Cell, DesignSums, Sums};
use crate::survey::codes::{Codes, index_column};
use crate::survey::design::PreparedDesign;
use crate::survey::diagnostics::{Spread, Weights};

/// A dataset estimated from its Parquet file, batch by batch — or from
/// its Parquet files by a cluster ([`crate::indicators::cluster`]).
#[derive(Debug, Clone)]
pub struct Source {
    /// The Parquet file (for a cluster: the dataset's path, a pattern of
    /// files or one file).
    pub path: PathBuf,
    /// Its rows.
    pub rows: usize,
    /// Rows read at a time.
    pub batch_rows: usize,
    /// The files' sizes and modification times when the run found them.
    pub stamp: Vec<crate::ingest::sources::Stamp>,
    /// The scheduler of the cluster that makes the first pass (`None`:
    /// this machine).
    pub cluster: Option<String>,
}

impl Source {
    /// The `rows` rows of the Parquet file `path` of `ds`, as found now.
    pub fn new(study: &Study, ds: &DatasetSpec, path: &Path, rows: usize) -> Result<Source> {
        let file = DatasetSpec {
            path: path.to_path_buf(),
            ..ds.clone()
        };
        Ok(Source {
            path: path.to_path_buf(),
            rows,
            batch_rows: study.engine.batch_rows,
            stamp: crate::ingest::sources::stamps(&file)?,
            cluster: None,
        })
    }

    /// The `rows` rows of the source files of `ds`, as found now, summed
    /// by the cluster at `scheduler`.
    pub fn on_cluster(
        study: &Study,
        ds: &DatasetSpec,
        rows: usize,
        scheduler: &str,
    ) -> Result<Source> {
        Ok(Source {
            cluster: Some(scheduler.to_string()),
            ..Source::new(study, ds, &ds.path, rows)?
        })
    }

    /// Fails when the files are not as the run found them: read batch by
    /// batch, a file rewritten during the run would mix two files' rows.
    pub fn unchanged(&self, ds: &DatasetSpec) -> Result<()> {
        let file = DatasetSpec {
            path: self.path.clone(),
            ..ds.clone()
        };
        if crate::ingest::sources::stamps(&file)? == self.stamp {
            return Ok(());
        }
        Err(Error::data(
            &ds.id,
            &self.path,
            "the file changed while the run was reading it; nothing was published — run again",
        ))
    }
}

/// The streamed datasets of a run, by id.
pub type Streams = BTreeMap<String, Source>;

/// The datasets of a run that are streamed, from what their ingest found.
pub fn streams(ingested: &BTreeMap<String, crate::ingest::Ingested>) -> Streams {
    ingested
        .iter()
        .filter_map(|(id, ing)| Some((id.clone(), ing.streamed.clone()?)))
        .collect()
}

/// A warning for each dataset of more rows than `[study.engine]
/// stream_rows` held in memory all the same, saying why: the run's memory
/// grows with its rows.
pub fn held(study: &Study, ingested: &BTreeMap<String, crate::ingest::Ingested>) -> Vec<String> {
    study
        .datasets
        .iter()
        .filter_map(|ds| {
            let ing = ingested.get(&ds.id)?;
            if ing.streamed.is_some() || ing.rows_read as u64 <= study.engine.stream_rows {
                return None;
            }
            let why = obstacle(study, ds)?;
            Some(format!(
                "dataset `{}` has {} rows, more than [study.engine] stream_rows ({}), but is held in memory: {why}",
                ds.id, ing.rows_read, study.engine.stream_rows
            ))
        })
        .collect()
}

/// Why dataset `ds` of `study` cannot be streamed: what in the study
/// needs its rows in memory (`None`: it can be).
pub fn obstacle(study: &Study, ds: &DatasetSpec) -> Option<String> {
    source_obstacle(ds).or_else(|| use_obstacle(study, ds))
}

/// Why the source of `ds` cannot be read batch by batch: a Parquet file
/// without a contract is read as it is; a delimited file, or a Parquet one
/// with a contract, is checked part by part and its kept rows written to
/// typed Parquet as they come — unless its contract has a key (checked
/// across all rows at once).
fn source_obstacle(ds: &DatasetSpec) -> Option<String> {
    if crate::ingest::sources::is_pattern(&ds.path) {
        return Some("its source is a pattern of files".into());
    }
    match ds.format {
        Format::Parquet | Format::Delimited
            if ds.contract.as_ref().is_some_and(|c| !c.key.is_empty()) =>
        {
            Some("its contract's key is checked across all rows at once".into())
        }
        Format::Parquet | Format::Delimited => None,
        Format::Xlsx | Format::Microdata => {
            Some("its source is neither Parquet nor delimited text".into())
        }
    }
}

/// Why what the study does with the rows of `ds` needs them in memory.
pub(crate) fn use_obstacle(study: &Study, ds: &DatasetSpec) -> Option<String> {
    let Some(design) = &ds.design else {
        return Some("it is a registry (no survey design)".into());
    };
    if design.weights.is_none() || design.clusters.len() != 1 || design.fpc.len() > 1 {
        return Some("its design is not one stage of weighted clusters".into());
    }
    if design.replicates.is_some() || design.calibration.is_some() {
        return Some("its design has replicate weights or a calibration".into());
    }
    let uses = |id: &str| id == ds.id;
    for ind in study.indicators.iter().filter(|i| uses(&i.dataset)) {
        // A derived statistic (growth) reads other indicators' rows.
        let sums_only = match estimator(&ind.statistic) {
            Method::Pass(m) => m.sums_only(),
            Method::Derived(_) => true,
        };
        if !sums_only || ind.join.is_some() || ind.small_area.is_some() {
            return Some(format!(
                "indicator `{}` needs its rows ({}{})",
                ind.id,
                ind.statistic.name(),
                if ind.join.is_some() { ", joined" } else { "" }
            ));
        }
    }
    let joined = study
        .indicators
        .iter()
        .any(|i| i.join.as_ref().is_some_and(|j| uses(&j.dataset)));
    if joined
        || study.crosstabs.iter().any(|c| uses(&c.dataset))
        || study.models.iter().any(|m| uses(&m.dataset))
        || study.composites.iter().any(|c| uses(&c.dataset))
        || study.disclosure.is_some()
    {
        return Some(
            "a join, cross-tabulation, model, composite or disclosure rule reads its rows".into(),
        );
    }
    None
}

/// The Parquet file `file` of `ds` read batch by batch when it has more
/// rows than `[study.engine] stream_rows` and nothing needs its rows in
/// memory (`file`: a Parquet source, or the typed rows of any source as
/// written by this run or the last one).
pub fn source_for(study: &Study, ds: &DatasetSpec, file: &Path) -> Result<Option<Source>> {
    if obstacle(study, ds).is_some() {
        return Ok(None);
    }
    let rows = rows(ds, file)?;
    if rows as u64 <= study.engine.stream_rows {
        return Ok(None);
    }
    Source::new(study, ds, file, rows).map(Some)
}

/// The rows of the Parquet file `file` of `ds`, from its metadata.
pub fn rows(ds: &DatasetSpec, file: &Path) -> Result<usize> {
    let open = std::fs::File::open(file)
        .map_err(|e| Error::data(&ds.id, file, format!("cannot open: {e}")))?;
    ParquetReader::new(open)
        .num_rows()
        .map_err(|e| Error::data(&ds.id, file, format!("cannot read Parquet: {e}")))
}

/// The columns of the Parquet file `file`, without a row.
pub fn schema_frame(ds: &DatasetSpec, file: &Path) -> Result<DataFrame> {
    read(ds, file, None, 0, 0)
}

/// What a streamed pass gives the estimators.
pub struct Streamed {
    /// The design, from the distinct strata, PSUs and fpc values.
    pub design: PreparedDesign,
    /// The breakdowns over every value the file holds.
    pub layout: Layout,
    /// The sums.
    pub sums: DesignSums,
    /// Rows read.
    pub rows: usize,
    /// Σ of the weights.
    pub weighted_rows: f64,
    /// The weights' diagnostics.
    pub weighting: Option<Weights>,
    /// Rows each declared missing code took out.
    pub missing: Vec<super::missing::Count>,
    /// What the cluster did, when one made the pass.
    pub cluster: Option<crate::indicators::cluster::ClusterRecord>,
}

/// Estimates the sums of indicators `inds` of dataset `ds` of `study` over
/// its file, each batch's declared missing codes made missing first.
pub fn pass(
    study: &Study,
    ds: &DatasetSpec,
    inds: &[&IndicatorSpec],
    source: &Source,
) -> Result<Streamed> {
    let spec = ds
        .design
        .as_ref()
        .ok_or_else(|| Error::internal("streamed pass", "a design was checked"))?;
    let weight = spec.weights.clone().unwrap_or_default();
    let keys = unit_keys(spec);
    let names = super::variables(inds);
    let batch_spec = part_design(spec);
    let mut merged = Merged::new(inds, &names);
    let mut weights = WeightSums::default();
    let read_columns = columns_read(ds, spec, inds, &names, &source.path)?;
    let mut start = 0;
    let mut missing = Vec::new();
    batches(ds, source, Some(&read_columns), |df| {
        let (df, found) = super::missing::mask(study, &ds.id, df)?;
        missing.extend(found);
        let (first, end) = (start + 1, start + df.height());
        start = end;
        let in_batch = |e: Error| {
            e.located(&spec.location).in_file(&ds.path).noting(&format!(
                "in rows {first}–{end} of {}, read in batches",
                if source.path == ds.path {
                    "the file"
                } else {
                    "its kept rows (in source order)"
                }
            ))
        };
        let design = PreparedDesign::prepare(&batch_spec, &df, &ds.id).map_err(in_batch)?;
        let Read { evaluated, layout } = Read::of(inds, &df)?;
        let targets = super::targets(&evaluated, layout.of_target.clone());
        let sums = design.sums(&layout.breakdowns, &targets);
        weights.add(&design.weights);
        merged.add(&df, &keys, &design, &layout, &sums.main, &names)
    })?;
    let median = weights.median(|f| {
        batches(ds, source, Some(std::slice::from_ref(&weight)), |df| {
            let col = df
                .column(&weight)
                .map_err(|e| Error::internal("weights", e))?;
            f(&crate::survey::columns::f64_values(col)?);
            Ok(())
        })
    })?;
    let (design, layout, sums) = merged.finish(ds, spec, inds, &weight)?;
    Ok(Streamed {
        design,
        layout,
        sums,
        rows: source.rows,
        weighted_rows: weights.sum,
        weighting: median.and_then(|median| {
            let spread = Spread {
                min: weights.min,
                median,
                max: weights.max,
            };
            Weights::from_sums(weights.n, weights.sum, weights.deviations, spread)
        }),
        missing: super::missing::add_up(missing),
        cluster: None,
    })
}

/// The columns that name a unit of `spec`: its strata, clusters and fpc.
pub(crate) fn unit_keys(spec: &crate::spec::model::DesignSpec) -> Vec<String> {
    spec.strata
        .iter()
        .chain(&spec.clusters)
        .chain(&spec.fpc)
        .cloned()
        .collect()
}

/// The design of a part of the rows (a batch; a cluster's table of sums):
/// it only numbers its PSUs and reads its weights — the checks that hold
/// for the whole file (a stratum with a single PSU) are made once, on the
/// design of every PSU ([`Merged::finish`]).
pub(crate) fn part_design(spec: &crate::spec::model::DesignSpec) -> crate::spec::model::DesignSpec {
    crate::spec::model::DesignSpec {
        lonely_psu: crate::spec::model::LonelyPsu::Certainty,
        ..spec.clone()
    }
}

/// The columns of the file the pass reads, in file order: the design's,
/// the breakdown variables' and those the indicators' SQL names (a name
/// the file lacks is left for the evaluation to report).
fn columns_read(
    ds: &DatasetSpec,
    spec: &crate::spec::model::DesignSpec,
    inds: &[&IndicatorSpec],
    names: &[&crate::spec::model::Variable],
    path: &Path,
) -> Result<Vec<String>> {
    let mut wanted: Vec<String> = spec
        .weights
        .iter()
        .chain(&spec.strata)
        .chain(&spec.clusters)
        .chain(&spec.fpc)
        .cloned()
        .chain(names.iter().map(|v| v.column.clone()))
        .collect();
    for ind in inds {
        let range = ind.dates.as_ref().map(crate::spec::model::DateRange::sql);
        for sql in ind.sql().into_iter().chain(range.as_deref()) {
            if let Ok(e) = polars::sql::sql_expr(sql) {
                wanted.extend(e.meta().root_names().iter().map(|n| n.to_string()));
            }
        }
    }
    Ok(schema_frame(ds, path)?
        .get_column_names()
        .into_iter()
        .filter(|n| wanted.iter().any(|w| w == n.as_str()))
        .map(|n| n.to_string())
        .collect())
}

/// Calls `each` with every batch of `source`'s rows in file order (only
/// `columns` when given: a Parquet file is read column by column, so a
/// batch costs the columns it reads).
pub fn batches(
    ds: &DatasetSpec,
    source: &Source,
    columns: Option<&[String]>,
    mut each: impl FnMut(DataFrame) -> Result<()>,
) -> Result<()> {
    for start in (0..source.rows).step_by(source.batch_rows) {
        each(read(ds, &source.path, columns, start, source.batch_rows)?)?;
    }
    Ok(())
}

/// Rows `start..start + len` of the Parquet file `path` (only `columns`
/// when given).
fn read(
    ds: &DatasetSpec,
    path: &Path,
    columns: Option<&[String]>,
    start: usize,
    len: usize,
) -> Result<DataFrame> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::data(&ds.id, path, format!("cannot open: {e}")))?;
    ParquetReader::new(file)
        .with_columns(columns.map(<[String]>::to_vec))
        .with_slice(Some((start, len)))
        .finish()
        .map_err(|e| Error::data(&ds.id, path, format!("cannot read Parquet: {e}")))
}

/// The count, Σw, Σ(w − mean)², the extremes and a histogram of the
/// weights' leading bits (for an exact median in one more read).
struct WeightSums {
    n: usize,
    sum: f64,
    deviations: f64,
    min: f64,
    max: f64,
    /// Count per value of the leading [`RADIX_BITS`] of [`order_key`].
    histogram: Vec<u64>,
}

/// Leading bits of the weights counted in the first read.
const RADIX_BITS: u32 = 16;

impl Default for WeightSums {
    fn default() -> Self {
        WeightSums {
            n: 0,
            sum: 0.0,
            deviations: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            histogram: vec![0; 1 << RADIX_BITS],
        }
    }
}

/// A u64 in the order of `f64::total_cmp`.
fn order_key(v: f64) -> u64 {
    let bits = v.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

impl WeightSums {
    fn add(&mut self, w: &[f64]) {
        if w.is_empty() {
            return;
        }
        let (sum, deviations) = crate::survey::diagnostics::sum_and_deviations(w);
        (self.n, self.sum, self.deviations) = crate::survey::diagnostics::merge_deviations(
            (self.n, self.sum, self.deviations),
            (w.len(), sum, deviations),
        );
        for &v in w {
            self.min = self.min.min(v);
            self.max = self.max.max(v);
            self.histogram[(order_key(v) >> (64 - RADIX_BITS)) as usize] += 1;
        }
    }

    /// The exact median (as [`Spread::of`]), by radix selection: the
    /// histogram of the pass gives the leading 16 bits of each middle value;
    /// while more than [`KEPT_WEIGHTS`] weights share a middle value's
    /// leading bits, `read` gives the weights again and the next 16 bits are
    /// counted among those (equal weights: at most three more reads, their
    /// 64 bits then known); then the few left are kept and ordered.
    fn median(
        &self,
        mut read: impl FnMut(&mut dyn FnMut(&[f64])) -> Result<()>,
    ) -> Result<Option<f64>> {
        if self.n == 0 {
            return Ok(None);
        }
        let mut middle =
            [(self.n - 1) / 2, self.n / 2].map(|r| Prefix::of(&self.histogram, r as u64));
        while middle.iter().any(|m| m.count > KEPT_WEIGHTS && m.bits < 64) {
            let mut counts = [vec![0u64; 1 << RADIX_BITS], vec![0u64; 1 << RADIX_BITS]];
            read(&mut |w: &[f64]| {
                for (m, counts) in middle.iter().zip(counts.iter_mut()) {
                    if m.count > KEPT_WEIGHTS && m.bits < 64 {
                        for &v in w {
                            if let Some(digit) = m.next_digit(order_key(v)) {
                                counts[digit] += 1;
                            }
                        }
                    }
                }
            })?;
            for (m, counts) in middle.iter_mut().zip(&counts) {
                if m.count > KEPT_WEIGHTS && m.bits < 64 {
                    m.narrow(counts);
                }
            }
        }
        let mut kept: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        if middle.iter().any(|m| m.bits < 64) {
            read(&mut |w: &[f64]| {
                for (m, kept) in middle.iter().zip(kept.iter_mut()) {
                    if m.bits < 64 {
                        kept.extend(w.iter().filter(|v| m.holds(order_key(**v))));
                    }
                }
            })?;
        }
        let [lower, upper] = [0, 1].map(|i| {
            let m = &middle[i];
            if m.bits == 64 {
                from_order_key(m.prefix)
            } else {
                *kept[i]
                    .select_nth_unstable_by(m.rank as usize, f64::total_cmp)
                    .1
            }
        });
        Ok(Some((lower + upper) / 2.0))
    }
}

/// Weights kept in memory to find a middle value among them.
const KEPT_WEIGHTS: u64 = 1 << 22;

/// What is known of one middle value: its leading `bits` of
/// [`order_key`] (`prefix`), how many weights share them and its rank
/// among those.
#[derive(Clone, Copy)]
struct Prefix {
    prefix: u64,
    bits: u32,
    count: u64,
    rank: u64,
}

impl Prefix {
    /// The middle value of rank `rank` in the histogram of the leading bits.
    fn of(histogram: &[u64], rank: u64) -> Self {
        let mut m = Prefix {
            prefix: 0,
            bits: 0,
            count: histogram.iter().sum(),
            rank,
        };
        m.narrow(histogram);
        m
    }

    /// The next 16 bits of `key`, when it shares this prefix.
    fn next_digit(&self, key: u64) -> Option<usize> {
        self.holds(key)
            .then(|| ((key << self.bits) >> (64 - RADIX_BITS)) as usize)
    }

    /// Whether `key` shares this prefix.
    fn holds(&self, key: u64) -> bool {
        self.bits == 0 || key >> (64 - self.bits) == self.prefix >> (64 - self.bits)
    }

    /// Fixes the next 16 bits from their counts among the keys sharing the prefix.
    fn narrow(&mut self, counts: &[u64]) {
        let mut before = 0;
        for (digit, &c) in counts.iter().enumerate() {
            if self.rank < before + c {
                self.prefix |= (digit as u64) << (64 - RADIX_BITS - self.bits);
                self.bits += RADIX_BITS;
                self.rank -= before;
                self.count = c;
                return;
            }
            before += c;
        }
    }
}

/// The f64 of an [`order_key`].
fn from_order_key(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 {
        key & !(1 << 63)
    } else {
        !key
    })
}

/// A design value as a key: numbers by their bits (two fpc values that
/// print alike are still told apart), anything else by its text.
fn key_text(v: &AnyValue) -> String {
    match v {
        AnyValue::Float64(x) => format!("{:x}", x.to_bits()),
        AnyValue::Float32(x) => format!("{:x}", x.to_bits()),
        other => other.to_string(),
    }
}

/// The cells of every batch, keyed by what they stand for (a batch of rows,
/// or the table of sums a cluster sends back: [`crate::indicators::cluster`]).
pub(crate) struct Merged {
    /// Per unit key (its stratum, cluster and fpc values as text), its id.
    units: HashMap<String, u32>,
    /// The typed key columns of each unit, in id order.
    unit_rows: Option<DataFrame>,
    /// Per breakdown variable (in `names` order): its values' ids by text…
    value_ids: Vec<HashMap<String, u32>>,
    /// …their texts by id…
    value_texts: Vec<Vec<String>>,
    /// …and the distinct values themselves (typed), for their order.
    distinct: Vec<Option<Column>>,
    /// Per breakdown: the ids of a domain's values, by domain id.
    domains: Vec<Vec<Vec<u32>>>,
    domain_ids: Vec<HashMap<Vec<u32>, u32>>,
    /// Per target and breakdown of its own: (domain id, unit id) → cell.
    cells: Vec<Vec<HashMap<(u32, u32), Cell>>>,
}

impl Merged {
    pub(crate) fn new(inds: &[&IndicatorSpec], names: &[&crate::spec::model::Variable]) -> Self {
        Merged {
            units: HashMap::new(),
            unit_rows: None,
            value_ids: vec![HashMap::new(); names.len()],
            value_texts: vec![Vec::new(); names.len()],
            distinct: vec![None; names.len()],
            domains: Vec::new(),
            domain_ids: Vec::new(),
            cells: inds
                .iter()
                .map(|i| vec![HashMap::new(); 1 + i.by.len()])
                .collect(),
        }
    }

    /// Adds one batch's sums: `df`'s rows are those `design`, `layout` and
    /// `sums` were made over.
    pub(crate) fn add(
        &mut self,
        df: &DataFrame,
        keys: &[String],
        design: &PreparedDesign,
        layout: &Layout,
        sums: &Sums,
        names: &[&crate::spec::model::Variable],
    ) -> Result<()> {
        let fail = |e: PolarsError| Error::internal("streamed pass", e);
        // Each unit of the batch: its first row, whose keys name it.
        let mut first = vec![usize::MAX; design.n_units()];
        for (row, &u) in design.unit.iter().enumerate() {
            let f = &mut first[u as usize];
            if *f == usize::MAX {
                *f = row;
            }
        }
        let key_cols: Vec<&Column> = keys
            .iter()
            .map(|k| df.column(k))
            .collect::<PolarsResult<_>>()
            .map_err(fail)?;
        let mut unit_of = Vec::with_capacity(first.len());
        let mut new_rows = Vec::new();
        for &row in &first {
            let text: Vec<String> = key_cols
                .iter()
                .map(|c| c.get(row).map(|v| key_text(&v)))
                .collect::<PolarsResult<_>>()
                .map_err(fail)?;
            let next = self.units.len() as u32;
            let id = *self.units.entry(text.join("\u{1f}")).or_insert_with(|| {
                new_rows.push(row as IdxSize);
                next
            });
            unit_of.push(id);
        }
        if !new_rows.is_empty() {
            let idx = IdxCa::from_vec("idx".into(), new_rows);
            let rows = df
                .select(keys.iter().cloned())
                .map_err(fail)?
                .take(&idx)
                .map_err(fail)?;
            match &mut self.unit_rows {
                Some(all) => {
                    all.vstack_mut(&rows).map_err(fail)?;
                }
                None => self.unit_rows = Some(rows),
            }
        }
        // The variables' distinct values, typed (periods: their text).
        for (j, v) in names.iter().enumerate() {
            let col = match v.period {
                None => df
                    .column(&v.column)
                    .map_err(fail)?
                    .as_materialized_series()
                    .unique()
                    .map_err(fail)?
                    .drop_nulls()
                    .into_column(),
                Some(_) => {
                    let var = domains::variable(df, v)?;
                    Column::new(v.name().into(), var.values)
                }
            };
            let all = match self.distinct[j].take() {
                Some(mut all) => {
                    all.append(&col).map_err(fail)?;
                    all.as_materialized_series()
                        .unique()
                        .map_err(fail)?
                        .into_column()
                }
                None => col,
            };
            self.distinct[j] = Some(all);
        }
        // Each domain of each breakdown: the ids of its values.
        let position = |name: &str| names.iter().position(|v| v.name() == name);
        let mut domain_of: Vec<Vec<u32>> = Vec::with_capacity(layout.built.len());
        for (b, built) in layout.built.iter().enumerate() {
            if self.domains.len() <= b {
                self.domains.push(Vec::new());
                self.domain_ids.push(HashMap::new());
            }
            let Some(built) = built else {
                if self.domains[b].is_empty() {
                    self.domains[b].push(Vec::new());
                    self.domain_ids[b].insert(Vec::new(), 0);
                }
                domain_of.push(vec![0]);
                continue;
            };
            let vars: Vec<usize> = built
                .vars
                .iter()
                .map(|n| position(n).expect("a breakdown variable"))
                .collect();
            let mut ids = Vec::with_capacity(built.values.len());
            for values in &built.values {
                let key: Vec<u32> = vars
                    .iter()
                    .zip(values)
                    .map(|(&j, text)| {
                        let next = self.value_ids[j].len() as u32;
                        *self.value_ids[j].entry(text.clone()).or_insert_with(|| {
                            self.value_texts[j].push(text.clone());
                            next
                        })
                    })
                    .collect();
                let next = self.domains[b].len() as u32;
                let id = *self.domain_ids[b]
                    .entry(key.clone())
                    .or_insert_with(|| next);
                if id == next {
                    self.domains[b].push(key);
                }
                ids.push(id);
            }
            domain_of.push(ids);
        }
        for (t, of_target) in layout.of_target.iter().enumerate() {
            for (k, &b) in of_target.iter().enumerate() {
                let cells = &mut self.cells[t][k];
                for (d, &domain) in domain_of[b].iter().enumerate() {
                    for (u, c) in sums.domain(t, k, d).iter().enumerate() {
                        if c.n_any > 0 {
                            cells.entry((domain, unit_of[u])).or_default().add(c);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The design, breakdowns and sums over the whole file.
    pub(crate) fn finish(
        self,
        ds: &DatasetSpec,
        spec: &crate::spec::model::DesignSpec,
        inds: &[&IndicatorSpec],
        weight: &str,
    ) -> Result<(PreparedDesign, Layout, DesignSums)> {
        let fail = |e: PolarsError| Error::internal("streamed pass", e);
        // The design over one row per unit: its strata, PSUs and fpc as the
        // whole file gives them, with the same checks.
        let mut units = self
            .unit_rows
            .ok_or_else(|| Error::data(&ds.id, &ds.path, "the file has no rows"))?;
        units
            .with_column(Column::new(weight.into(), vec![1.0; units.height()]))
            .map_err(fail)?;
        let mut design = PreparedDesign::prepare(spec, &units, &ds.id)
            .map_err(|e| e.located(&spec.location).in_file(&ds.path))?;
        let unit_of = std::mem::take(&mut design.unit);
        design.weights = Vec::new();
        // Each variable's values in the order of the whole file.
        let mut global: HashMap<String, domains::Variable> = HashMap::new();
        let mut code_of: Vec<Vec<u32>> = Vec::new();
        for (j, distinct) in self.distinct.into_iter().enumerate() {
            let distinct = distinct.ok_or_else(|| Error::internal("streamed pass", "values"))?;
            let (_, values) = index_column(&distinct)?;
            let position: HashMap<&str, u32> = values
                .iter()
                .enumerate()
                .map(|(i, v)| (v.as_str(), i as u32))
                .collect();
            code_of.push(
                self.value_texts[j]
                    .iter()
                    .map(|t| position.get(t.as_str()).copied())
                    .collect::<Option<_>>()
                    .ok_or_else(|| Error::internal("streamed pass", "a value without its text"))?,
            );
            global.insert(
                distinct.name().to_string(),
                domains::Variable {
                    codes: Codes::U32(Vec::new()),
                    values,
                },
            );
        }
        let names: Vec<String> = super::variables(inds).iter().map(|v| v.name()).collect();
        let layout = Layout::new(inds, &global);
        let n_units = design.n_units();
        let domain_index: Vec<Vec<usize>> = layout
            .built
            .iter()
            .zip(&self.domains)
            .map(|(built, domains)| {
                let Some(built) = built else {
                    return vec![0];
                };
                let vars: Vec<usize> = built
                    .vars
                    .iter()
                    .map(|n| names.iter().position(|m| m == n).expect("a variable"))
                    .collect();
                domains
                    .iter()
                    .map(|ids| {
                        vars.iter().zip(ids).fold(0usize, |acc, (&j, &id)| {
                            acc * global[&names[j]].values.len() + code_of[j][id as usize] as usize
                        })
                    })
                    .collect()
            })
            .collect();
        let cells: Vec<Vec<Vec<Cell>>> = self
            .cells
            .into_iter()
            .zip(&layout.of_target)
            .map(|(per_k, of_target)| {
                per_k
                    .into_iter()
                    .zip(of_target)
                    .map(|(map, &b)| {
                        let mut out =
                            vec![Cell::default(); layout.breakdowns[b].n_domains() * n_units];
                        for ((domain, unit), c) in map {
                            let d = domain_index[b][domain as usize];
                            out[d * n_units + unit_of[unit as usize] as usize].add(&c);
                        }
                        out
                    })
                    .collect()
            })
            .collect();
        let sums = DesignSums {
            main: Sums::from_cells(n_units, cells),
            channels: Vec::new(),
        };
        Ok((design, layout, sums))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The streamed median of `w` read in batches of `batch`, and the one
    /// of the weights in memory.
    fn medians(w: &[f64], batch: usize) -> (f64, f64) {
        let mut sums = WeightSums::default();
        w.chunks(batch).for_each(|c| sums.add(c));
        let streamed = sums
            .median(|f| {
                w.chunks(batch).for_each(&mut *f);
                Ok(())
            })
            .unwrap()
            .unwrap();
        (streamed, Spread::of(w.iter().copied()).unwrap().median)
    }

    #[test]
    fn the_streamed_median_is_the_median_of_the_weights() {
        // Spread over many values, odd and even counts.
        let mut w: Vec<f64> = (0..100_001u32)
            .map(|i| 100.0 + f64::from((i * 7919) % 100_003) * 0.37)
            .collect();
        let (a, b) = medians(&w, 4096);
        assert_eq!(a.to_bits(), b.to_bits());
        w.pop();
        let (a, b) = medians(&w, 999);
        assert_eq!(a.to_bits(), b.to_bits());
        // The two middle values far apart (different leading bits).
        let (a, b) = medians(&[1.0, 2.0, 1e6, 2e6], 3);
        assert_eq!((a, b), (500_001.0, 500_001.0));
        // Negative and zero weights order as total_cmp does.
        let (a, b) = medians(&[-3.0, 0.0, -0.0, 5.0, 2.0], 2);
        assert_eq!(a.to_bits(), b.to_bits());
    }

    #[test]
    fn equal_weights_beyond_what_is_kept_are_narrowed_bit_by_bit() {
        // A self-weighting sample: more equal weights than are kept in
        // memory, so their leading bits are narrowed to all 64; plus a few
        // others that share their leading bits, on both sides.
        let n = KEPT_WEIGHTS as usize + 1000;
        let mut w = vec![1234.5; n];
        w.extend([1234.5000001, 1234.4999999, 1234.50000002]);
        let (a, b) = medians(&w, 1 << 20);
        assert_eq!(a.to_bits(), b.to_bits());
        assert_eq!(a, 1234.5);
        // Half of them a little larger: the two middle values differ only
        // in their last bits.
        let half = w.len() / 2;
        let next = f64::from_bits(1234.5f64.to_bits() + 1);
        w[half..].iter_mut().for_each(|v| *v = next);
        let (a, b) = medians(&w, 1 << 20);
        assert_eq!(a.to_bits(), b.to_bits());
    }
}
