//! The pass on a Ballista cluster: the dataset's files registered as one
//! table, each indicator expression's type checked against the one the
//! local engine gives it (a whole-number division on DataFusion where
//! polars divides exactly would be a silent wrong number: refused), the
//! generated query run, and its result — a few rows per PSU and domain —
//! crossed from arrow-rs to polars through Arrow IPC (one copy of a small
//! table) and merged into the sums the local estimators read, by the
//! streamed pass's own merging ([`crate::indicators::streamed`]).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use datafusion::arrow::datatypes::DataType as ArrowType;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};
use polars::prelude::*;

use super::ClusterRecord;
use super::sql;
use crate::error::{Error, Result};
use crate::indicators::evaluate;
use crate::indicators::streamed::{Merged, Source, Streamed, part_design, schema_frame, unit_keys};
use crate::indicators::{Layout, domains};
use crate::spec::model::{DatasetSpec, IndicatorSpec};
use crate::survey::accumulate::{Breakdown, Cell, Sums};
use crate::survey::design::PreparedDesign;
use crate::survey::diagnostics::{Spread, Weights, merge_deviations};

/// What the cluster sent back.
struct Returned {
    /// The sums per group.
    table: DataFrame,
    /// The median weight.
    median: Option<f64>,
    /// Bytes of the Arrow IPC the two came in.
    bytes: u64,
}

/// The sums of `inds` over dataset `ds`, from the cluster at `scheduler`.
pub fn run(
    ds: &DatasetSpec,
    inds: &[&IndicatorSpec],
    source: &Source,
    scheduler: &str,
) -> Result<Streamed> {
    let spec = ds
        .design
        .as_ref()
        .ok_or_else(|| Error::internal("cluster pass", "a design was checked"))?;
    let weight = spec
        .weights
        .clone()
        .ok_or_else(|| Error::internal("cluster pass", "a weight column was checked"))?;
    let keys = unit_keys(spec);
    let names = crate::indicators::variables(inds);
    let files = files(ds)?;
    // The expressions are checked as a local run checks them: errors at
    // their keys in study.toml.
    let schema = schema_frame(ds, &files[0])?;
    evaluate::evaluate_all(inds, &schema)?;
    let parts = inds
        .iter()
        .map(|i| evaluate::parts(i, &schema))
        .collect::<Result<Vec<_>>>()?;
    // Each part with the type polars gives it here.
    let mut typed = Vec::new();
    for (ind, parts) in inds.iter().zip(&parts) {
        for p in parts {
            typed.push((*ind, p, p.dtype(ind, &schema)?));
        }
    }
    let columns: Vec<String> = schema
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let plan = sql::pass(
        &sql::dataset(files.len(), &columns),
        &keys,
        &weight,
        &names,
        inds,
        &parts,
    );
    let failed = |message: String| Error::Cluster {
        dataset: ds.id.clone(),
        scheduler: scheduler.to_string(),
        message,
    };
    let start = Instant::now();
    let returned = runtime()?.block_on(async {
        let ctx = connect(scheduler, &files).await.map_err(|e| failed(e.to_string()))?;
        // Each part's type on DataFusion against polars' over the same columns.
        for (ind, p, ours) in &typed {
            let planned = ctx
                .sql(&format!("SELECT ({}) AS e FROM {}", p.sql, sql::part(0)))
                .await
                .map_err(|e| p.error(ind, &schema, format!("DataFusion cannot plan it: {e}")))?;
            let theirs = planned.schema().field(0).data_type().clone();
            if kind_of_arrow(&theirs) != kind_of_polars(ours) {
                return Err(p.error(
                    ind,
                    &schema,
                    format!(
                        "gives {} on the cluster (DataFusion: {theirs}) but {} on this machine (polars: {ours}); the numbers would differ — write it so both agree (e.g. CAST(a AS DOUBLE) / b for a division)",
                        kind_of_arrow(&theirs),
                        kind_of_polars(ours),
                    ),
                ));
            }
        }
        let cells = async { ctx.sql(&plan.query).await?.collect().await };
        let median = async { ctx.sql(&plan.median).await?.collect().await };
        let (cells, median) =
            tokio::try_join!(cells, median).map_err(|e| failed(e.to_string()))?;
        let (table, a) = to_polars(&cells)?;
        let (median, b) = to_polars(&median)?;
        let median = median
            .column("m")
            .ok()
            .and_then(|c| c.get(0).ok())
            .and_then(|v| v.extract::<f64>());
        Ok(Returned {
            table,
            median,
            bytes: a + b,
        })
    })?;
    let seconds = start.elapsed().as_secs_f64();
    let result_bytes = returned.bytes;
    let mut streamed = finish(ds, spec, inds, &names, &keys, &weight, &plan, returned)?;
    if streamed.rows != source.rows {
        return Err(Error::data(
            &ds.id,
            &ds.path,
            format!(
                "the cluster read {} rows, the files held {} when the run began; nothing was published — run again",
                streamed.rows, source.rows
            ),
        ));
    }
    streamed.cluster = Some(ClusterRecord {
        dataset: ds.id.clone(),
        engine: "ballista".into(),
        scheduler: scheduler.to_string(),
        seconds,
        result_bytes,
        rows: streamed.rows as u64,
        files: files.len(),
    });
    Ok(streamed)
}

/// The source files of `ds`, in order.
pub(super) fn files(ds: &DatasetSpec) -> Result<Vec<PathBuf>> {
    Ok(crate::ingest::sources::files(ds)?
        .into_iter()
        .map(|f| f.path)
        .collect())
}

/// The client's runtime.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::internal("starting the cluster client", e))
}

/// The result of `query` over the `files` of `ds` on the cluster at
/// `scheduler`, and the bytes it came in.
pub(super) fn collect(
    ds: &DatasetSpec,
    scheduler: &str,
    files: &[PathBuf],
    query: &str,
) -> Result<(DataFrame, u64)> {
    let batches = runtime()?
        .block_on(async {
            let ctx = connect(scheduler, files).await?;
            ctx.sql(query).await?.collect().await
        })
        .map_err(|e| Error::Cluster {
            dataset: ds.id.clone(),
            scheduler: scheduler.to_string(),
            message: e.to_string(),
        })?;
    to_polars(&batches)
}

/// A context on the scheduler at `url` with each of `files` registered as
/// its table [`sql::part`], read by one task in row order (a file is not
/// split between tasks). Column names are case-sensitive, as in polars.
async fn connect(url: &str, files: &[PathBuf]) -> datafusion::error::Result<SessionContext> {
    let config = SessionConfig::new_with_ballista()
        .set_bool("datafusion.sql_parser.enable_ident_normalization", false)
        .set_bool("datafusion.optimizer.repartition_file_scans", false);
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features()
        .build();
    let ctx = SessionContext::remote_with_state(url, state).await?;
    for (i, f) in files.iter().enumerate() {
        let abs = std::path::absolute(f)?;
        let url = ListingTableUrl::parse(abs.to_string_lossy())?;
        let options =
            ListingOptions::new(Arc::new(ParquetFormat::default())).with_file_extension("");
        let config = ListingTableConfig::new(url)
            .with_listing_options(options)
            .infer_schema(&ctx.state())
            .await?;
        ctx.register_table(sql::part(i), Arc::new(ListingTable::try_new(config)?))?;
    }
    Ok(ctx)
}

/// What a value is, for comparing the two engines' types.
fn kind_of_polars(t: &DataType) -> &'static str {
    match t {
        DataType::Boolean => "true/false",
        t if t.is_integer() => "whole numbers",
        t if t.is_float() => "numbers with a fraction",
        DataType::String | DataType::Categorical(..) | DataType::Enum(..) => "text",
        DataType::Null => "nothing",
        _ => "other values",
    }
}

/// The same for DataFusion's types.
fn kind_of_arrow(t: &ArrowType) -> &'static str {
    match t {
        ArrowType::Boolean => "true/false",
        t if t.is_integer() => "whole numbers",
        t if t.is_floating() => "numbers with a fraction",
        ArrowType::Utf8 | ArrowType::LargeUtf8 | ArrowType::Utf8View => "text",
        ArrowType::Dictionary(_, v) => kind_of_arrow(v),
        ArrowType::Null => "nothing",
        _ => "other values",
    }
}

/// `batches` as a polars frame, through Arrow IPC, and the IPC's size.
fn to_polars(batches: &[RecordBatch]) -> Result<(DataFrame, u64)> {
    let fail = |e: &dyn std::fmt::Display| Error::internal("the cluster's result", e.to_string());
    let Some(first) = batches.first() else {
        return Ok((DataFrame::empty(), 0));
    };
    let mut ipc = Vec::new();
    {
        let mut writer =
            datafusion::arrow::ipc::writer::FileWriter::try_new(&mut ipc, &first.schema())
                .map_err(|e| fail(&e))?;
        for b in batches {
            writer.write(b).map_err(|e| fail(&e))?;
        }
        writer.finish().map_err(|e| fail(&e))?;
    }
    let df = IpcReader::new(std::io::Cursor::new(&ipc))
        .finish()
        .map_err(|e| fail(&e))?;
    Ok((df, ipc.len() as u64))
}

/// The cluster's result as what the estimators read: the table's rows are
/// cells, one per (grouping set, unit, domain); they go through the
/// streamed pass's merging as a batch whose "rows" are those cells.
#[allow(clippy::too_many_arguments)]
fn finish(
    ds: &DatasetSpec,
    spec: &crate::spec::model::DesignSpec,
    inds: &[&IndicatorSpec],
    names: &[&crate::spec::model::Variable],
    keys: &[String],
    weight: &str,
    plan: &sql::Pass,
    returned: Returned,
) -> Result<Streamed> {
    if returned.table.height() == 0 {
        return Err(Error::data(&ds.id, &ds.path, "the files have no rows"));
    }
    let (table, in_set) = grouped(returned.table, plan, keys, names)?;
    let overall: Vec<bool> = in_set.iter().map(|s| s.iter().all(|&b| !b)).collect();
    let column = |name: &str| -> Result<Vec<f64>> {
        let col = table
            .column(name)
            .map_err(|e| Error::internal("the cluster's result", e))?;
        crate::survey::columns::f64_values(col)
    };
    // Invalid weights: refused as the local design refuses them.
    let bad: f64 = overall_sum(&column(sql::W_BAD)?, &overall);
    if bad > 0.0 {
        return Err(Error::data(
            &ds.id,
            &ds.path,
            format!(
                "weight column `{weight}` has a missing, infinite or negative value in {bad} row(s); weights must be finite and non-negative"
            ),
        ));
    }
    // The table as a batch: its units numbered by the design over its rows,
    // its variables indexed, its cells placed.
    let mut batch = table.clone();
    batch
        .with_column(Column::new(weight.into(), vec![1.0; batch.height()]))
        .map_err(|e| Error::internal("the cluster's result", e))?;
    let design = PreparedDesign::prepare(&part_design(spec), &batch, &ds.id)
        .map_err(|e| e.located(&spec.location).in_file(&ds.path))?;
    let vars = names
        .iter()
        .map(|v| Ok((v.name(), domains::variable(&batch, v)?)))
        .collect::<Result<HashMap<String, domains::Variable>>>()?;
    let layout = Layout::new(inds, &vars);
    let sums = cells(&table, &in_set, &design, &layout, names)?;
    let mut merged = Merged::new(inds, names);
    merged.add(&batch, keys, &design, &layout, &sums, names)?;
    let (design, layout, sums) = merged.finish(ds, spec, inds, weight)?;
    // The weights' diagnostics from the overall groups, in the table's order.
    let (rows, w_sum, w_var) = (column(sql::ROWS)?, column(sql::W_SUM)?, column(sql::W_VAR)?);
    let (w_min, w_max) = (column(sql::W_MIN)?, column(sql::W_MAX)?);
    let (mut acc, mut min, mut max) = ((0, 0.0, 0.0), f64::INFINITY, f64::NEG_INFINITY);
    for r in (0..table.height()).filter(|&r| overall[r]) {
        let n = rows[r] as usize;
        acc = merge_deviations(acc, (n, w_sum[r], w_var[r] * n as f64));
        min = min.min(w_min[r]);
        max = max.max(w_max[r]);
    }
    let (n, sum, deviations) = acc;
    Ok(Streamed {
        design,
        layout,
        sums,
        rows: n,
        weighted_rows: sum,
        weighting: returned
            .median
            .and_then(|median| Weights::from_sums(n, sum, deviations, Spread { min, median, max })),
        missing: Vec::new(),
        cluster: None,
    })
}

/// The sum of `values` over the overall groups.
fn overall_sum(values: &[f64], overall: &[bool]) -> f64 {
    values
        .iter()
        .zip(overall)
        .filter(|(_, o)| **o)
        .map(|(v, _)| v)
        .sum()
}

/// The result's rows in an order of their own — not the order the
/// cluster's tasks finished in: a cell's files are added in file order, the
/// same digits every run — and each row's
/// grouping set (per variable, whether the row is grouped by it); a row
/// whose set's variable is NULL is in no domain of it: dropped.
fn grouped(
    table: DataFrame,
    plan: &sql::Pass,
    keys: &[String],
    names: &[&crate::spec::model::Variable],
) -> Result<(DataFrame, Vec<Vec<bool>>)> {
    let fail = |e: PolarsError| Error::internal("the cluster's result", e);
    let by: Vec<String> = plan
        .grouping
        .iter()
        .cloned()
        .chain(keys.iter().cloned())
        .chain(names.iter().map(|v| v.column.clone()))
        .chain([sql::FILE.to_string()])
        .collect();
    let table = table
        .sort(by, SortMultipleOptions::default().with_nulls_last(true))
        .map_err(fail)?;
    let mut in_set = vec![Vec::with_capacity(names.len()); table.height()];
    for g in &plan.grouping {
        let col = table
            .column(g)
            .map_err(fail)?
            .cast(&DataType::UInt8)
            .map_err(fail)?;
        for (row, v) in col.u8().map_err(fail)?.iter().enumerate() {
            in_set[row].push(v == Some(0));
        }
    }
    let mut keep = vec![true; table.height()];
    for (j, v) in names.iter().enumerate() {
        let col = table.column(&v.column).map_err(fail)?;
        for (row, null) in col.is_null().iter().enumerate() {
            if null == Some(true) && in_set[row][j] {
                keep[row] = false;
            }
        }
    }
    let mask = BooleanChunked::from_iter_values("keep".into(), keep.iter().copied());
    let in_set = in_set
        .into_iter()
        .zip(&keep)
        .filter_map(|(s, &k)| k.then_some(s))
        .collect();
    Ok((table.filter(&mask).map_err(fail)?, in_set))
}

/// Each target's cells (`[target][k][domain × unit]`) from the result's
/// rows of the grouping set of each of its breakdowns.
fn cells(
    table: &DataFrame,
    in_set: &[Vec<bool>],
    design: &PreparedDesign,
    layout: &Layout,
    names: &[&crate::spec::model::Variable],
) -> Result<Sums> {
    let n_units = design.n_units();
    let set_of = |b: usize| -> Vec<bool> {
        let built = layout.built[b].as_ref();
        names
            .iter()
            .map(|v| built.is_some_and(|d| d.vars.contains(&v.name())))
            .collect()
    };
    let mut cells = Vec::with_capacity(layout.of_target.len());
    for (t, of_target) in layout.of_target.iter().enumerate() {
        let sum = |name: &str| -> Result<Option<Vec<f64>>> {
            match table.column(&sql::sum_column(t, name)) {
                Ok(c) => crate::survey::columns::f64_values(c).map(Some),
                Err(_) => Ok(None),
            }
        };
        let (n_any, n, w, swy) = (sum("n_any")?, sum("n")?, sum("w")?, sum("swy")?);
        let (sw, swyy) = (sum("sw")?, sum("swyy")?);
        let (Some(n_any), Some(n), Some(w), Some(swy)) = (n_any, n, w, swy) else {
            return Err(Error::internal("the cluster's result", "a target's sums"));
        };
        let mut per_k = Vec::with_capacity(of_target.len());
        for &b in of_target {
            let set = set_of(b);
            let breakdown = &layout.breakdowns[b];
            let mut out = vec![Cell::default(); breakdown.n_domains() * n_units];
            for row in (0..table.height()).filter(|&r| in_set[r] == set) {
                let d = breakdown.code(row);
                if d == Breakdown::NONE {
                    continue;
                }
                // A cell's files in file order.
                out[d as usize * n_units + design.unit[row] as usize].add(&Cell {
                    w: w[row],
                    sw: sw.as_ref().map_or(w[row], |s| s[row]),
                    swy: swy[row],
                    swyy: swyy.as_ref().map_or(swy[row], |s| s[row]),
                    n: n[row] as u64,
                    n_any: n_any[row] as u64,
                });
            }
            per_k.push(out);
        }
        cells.push(per_k);
    }
    Ok(Sums::from_cells(n_units, cells))
}
