//! The estimation stage: missing codes set aside, every indicator,
//! comparison and composite estimated and written (while the ingest's
//! typed data is written beside it), the codebook, and the drift gate.

use std::collections::BTreeMap;

use polars::prelude::DataFrame;

use super::Run;
use super::ingest::{self, Ingest};
use crate::composites::{self, CompositeRow};
use crate::error::Result;
use crate::indicators::streamed::{self, Streams};
use crate::indicators::{self, Computed, codebook};
use crate::run::drift::{self, DriftRow};
use crate::run::stage::Stage;
use crate::run::store::Store;
use crate::run::write;
use crate::spec::model::Study;

/// What the estimation produced.
pub(in crate::run) struct Estimated {
    /// Indicators, designs, comparisons, notes and warnings.
    pub computed: Computed,
    /// Composite indices' rows.
    pub composites: Vec<CompositeRow>,
    /// The codebook's lines.
    pub codebook: Vec<codebook::Line>,
    /// Per indicator, the rows left out for declared missing codes.
    pub missing: Vec<String>,
    /// Values that moved beyond `[study.drift]` since the published run.
    pub drift: Vec<DriftRow>,
}

/// Estimates everything from the ingested rows (which it drops once
/// done), writing the data files at the same time.
pub(in crate::run) fn run(run: &mut Run, ing: &mut Ingest) -> Result<Estimated> {
    let (study, store) = (run.study, run.store);
    let frames = std::mem::take(&mut ing.frames);
    let data: BTreeMap<String, DataFrame> = frames
        .iter()
        .map(|(k, v)| (k.clone(), v.data.clone()))
        .collect();
    let (for_estimation, missing_counts) = indicators::missing::for_estimation(study, &data)?;
    let streams = streamed::streams(&frames);
    let held = streamed::held(study, &frames);

    // Writing the typed data, the codebook and the estimates all only read
    // the ingested rows: do them at the same time.
    let published = &run.published;
    let timer = &mut run.timer;
    let reused = &ing.reused;
    let (written, codebook, estimated) = std::thread::scope(|scope| {
        let writer =
            scope.spawn(|| ingest::write_datasets(study, store, published, &frames, reused));
        let codebook = scope.spawn(|| codebook::lines(study, &data, &streams));
        let estimated = timer.time("estimate".into(), || {
            estimate(study, store, &for_estimation, &streams)
        });
        (writer.join(), codebook.join(), estimated)
    });
    let panicked = |what: &str| crate::Error::internal(what, "its thread panicked");
    run.timer
        .records
        .extend(written.map_err(|_| panicked("writing data"))??);
    let (mut computed, composites) = estimated?;
    drop(frames);
    let mut codebook = codebook.map_err(|_| panicked("the codebook"))??;
    if let Some(rules) = &study.disclosure {
        crate::disclosure::codebook::protect(rules, &mut codebook)?;
    }
    write::csv(&store.codebook_csv(), &mut codebook::to_frame(&codebook)?)?;
    for ds in &study.datasets {
        if let Some(source) = streams.get(&ds.id) {
            source.unchanged(ds)?;
        }
    }
    computed
        .warnings
        .splice(0..0, super::super::marker_warnings(study, &for_estimation));
    computed.warnings.splice(0..0, held);
    computed
        .notes
        .extend(crate::indicators::cluster::notes(study, &computed.cluster));
    let counts = [missing_counts, computed.missing.clone()].concat();
    let missing = indicators::missing::notes(study, &counts);
    computed.notes.extend(missing.iter().cloned());
    run.done(&Stage::Estimate, false);
    let drift = drift::indicators(&run.published.indicators_csv(), &computed.rows, study.drift);
    if run.opts.fail_on_drift && (!drift.is_empty() || !ing.emptied.is_empty()) {
        return Err(crate::Error::Drift {
            count: drift.len() + ing.emptied.len(),
            listing: drift
                .iter()
                .map(ToString::to_string)
                .chain(ing.emptied.iter().cloned())
                .map(|d| format!("  {d}"))
                .collect::<Vec<_>>()
                .join("\n"),
        });
    }
    Ok(Estimated {
        computed,
        composites,
        codebook,
        missing,
        drift,
    })
}

/// Estimates every indicator and composite and writes their tables.
fn estimate(
    study: &Study,
    store: &Store,
    data: &BTreeMap<String, DataFrame>,
    streams: &Streams,
) -> Result<(Computed, Vec<CompositeRow>)> {
    let computed = indicators::compute(study, data, streams)?;
    let (rows, comparisons) = (&computed.rows, &computed.comparisons);
    let composites = composites::compute(study, data, &computed.rows)?;
    if !study.composites.is_empty() {
        let mut table = composites::to_frame(&composites)?;
        write::parquet(&store.composites_parquet(), &mut table, Vec::new())?;
        write::csv(&store.composites_csv(), &mut table)?;
    }
    if !study.comparisons.is_empty() {
        let mut table = indicators::compare::to_frame(comparisons)?;
        write::parquet(&store.comparisons_parquet(), &mut table, Vec::new())?;
        write::csv(&store.comparisons_csv(), &mut table)?;
    }
    if !study.crosstabs.is_empty() {
        let mut cells = indicators::crosstab::cells_frame(&computed.crosstabs)?;
        write::parquet(&store.crosstabs("parquet"), &mut cells, Vec::new())?;
        write::csv(&store.crosstabs("csv"), &mut cells)?;
        let mut tests = indicators::crosstab::tests_frame(&computed.tests)?;
        write::parquet(&store.tests("parquet"), &mut tests, Vec::new())?;
        write::csv(&store.tests("csv"), &mut tests)?;
    }
    if !study.models.is_empty() {
        let mut table = crate::models::to_frame(&computed.models)?;
        write::parquet(&store.models("parquet"), &mut table, Vec::new())?;
        write::csv(&store.models("csv"), &mut table)?;
    }
    if !computed.small_area.is_empty() {
        let mut table = crate::small_area::to_frame(&computed.small_area)?;
        write::parquet(&store.small_area("parquet"), &mut table, Vec::new())?;
        write::csv(&store.small_area("csv"), &mut table)?;
    }
    if study.datasets.iter().any(|d| d.design.is_some()) {
        let mut designs = indicators::design_table::to_frame(&computed.designs)?;
        write::csv(&store.design_csv(), &mut designs)?;
    }
    let mut table = indicators::table::to_frame(study, rows, &computed.eblups)?;
    let meta = vec![
        ("mizan.spec_blake3".to_string(), study.spec_hash.clone()),
        (
            "mizan.version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
    ];
    write::parquet(&store.indicators_parquet(), &mut table, meta)?;
    let mut flat = table.drop_many([indicators::table::BY_VARS, indicators::table::DOMAIN_VALUES]);
    write::csv(&store.indicators_csv(), &mut flat)?;
    Ok((computed, composites))
}
