//! The kept rows of a source as they come, part by part: merged into
//! contiguous row groups, held in memory — or, once more rows than its
//! [`Spill`] allows have come, written group by group to typed Parquet, so
//! that memory holds a few groups whatever the size of the source.

use polars::prelude::*;

use super::Spill;
use crate::error::{Error, Result};
use crate::run::write;
use crate::spec::model::DatasetSpec;

/// The kept rows of a source.
pub(super) enum Kept {
    /// In memory.
    Held(DataFrame),
    /// Written to the spill file: its `columns` (no row) and `rows`.
    Written { columns: DataFrame, rows: usize },
}

/// The rows of a contiguous group: the kept rows of the parts are merged
/// into groups of at least this many as they come — Parquet's row group,
/// which polars' writer would otherwise copy small chunks together into.
pub(super) const GROUP_ROWS: usize = write::GROUP_ROWS;

/// The kept rows so far, in contiguous groups — written to the spill file
/// group by group once more rows than it allows have come.
pub(super) struct Stack<'a> {
    ds: &'a DatasetSpec,
    groups: Vec<DataFrame>,
    pending: Vec<DataFrame>,
    /// Rows pending.
    rows: usize,
    /// Rows kept so far.
    kept: usize,
    spill: Option<&'a Spill>,
    writer: Option<write::ParquetFile>,
    /// The columns, without a row.
    columns: Option<DataFrame>,
}

impl<'a> Stack<'a> {
    pub(super) fn new(ds: &'a DatasetSpec, spill: Option<&'a Spill>) -> Self {
        Stack {
            ds,
            groups: Vec::new(),
            pending: Vec::new(),
            rows: 0,
            kept: 0,
            spill,
            writer: None,
            columns: None,
        }
    }

    pub(super) fn push(&mut self, part: DataFrame) -> Result<()> {
        self.rows += part.height();
        self.kept += part.height();
        self.pending.push(part);
        if self.rows >= GROUP_ROWS {
            self.merge()?;
        }
        Ok(())
    }

    fn merge(&mut self) -> Result<()> {
        let mut group = stack(std::mem::take(&mut self.pending))?;
        group.rechunk_mut_par();
        self.columns.get_or_insert_with(|| group.clear());
        self.groups.push(group);
        self.rows = 0;
        match self.spill {
            Some(spill) if self.writer.is_some() || self.kept as u64 > spill.after_rows => {
                self.write(spill)
            }
            _ => Ok(()),
        }
    }

    /// Writes the groups held to the spill file, opened on the first call.
    fn write(&mut self, spill: &Spill) -> Result<()> {
        let fail = |e: PolarsError| {
            Error::data(
                &self.ds.id,
                &spill.path,
                format!("cannot write the typed rows: {e}"),
            )
        };
        let writer = match &mut self.writer {
            Some(w) => w,
            None => {
                let file =
                    std::fs::File::create(&spill.path).map_err(|e| Error::io(&spill.path, e))?;
                let schema = self.groups[0].schema().clone();
                self.writer.insert(
                    write::ParquetFile::new(file, &schema, spill.metadata.clone()).map_err(fail)?,
                )
            }
        };
        for group in self.groups.drain(..) {
            writer.write(&group).map_err(fail)?;
        }
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<Kept> {
        if !self.pending.is_empty() {
            self.merge()?;
        }
        match self.writer.take() {
            None => stack(self.groups).map(Kept::Held),
            Some(writer) => {
                writer.finish().map_err(|e| {
                    Error::data(
                        &self.ds.id,
                        self.spill.map_or(&self.ds.path, |s| &s.path),
                        format!("cannot write the typed rows: {e}"),
                    )
                })?;
                Ok(Kept::Written {
                    columns: self.columns.take().unwrap_or_default(),
                    rows: self.kept,
                })
            }
        }
    }
}

/// The parts' frames one after another.
pub(super) fn stack(frames: Vec<DataFrame>) -> Result<DataFrame> {
    let mut frames = frames.into_iter();
    let mut out = frames
        .next()
        .ok_or_else(|| Error::internal("ingest", "no part"))?;
    for f in frames {
        out.vstack_mut_owned(f)
            .map_err(|e| Error::internal("stacking parts", e))?;
    }
    Ok(out)
}
