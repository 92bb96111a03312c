//! The kept rows of a source as they come, part by part: held in memory as
//! they came (each part one chunk of the columns, never copied together),
//! written to the [`Spill`] file as they come when that file is the run's
//! output — and, once more rows than the spill allows have come, written
//! and no longer held, so that memory holds a few parts whatever the size
//! of the source.

use polars::prelude::*;

use super::Spill;
use crate::error::{Error, Result};
use crate::run::write;
use crate::spec::model::DatasetSpec;

/// The kept rows of a source.
pub(super) struct Kept {
    /// The kept rows — or, when they were too many to hold, their columns
    /// without a row.
    pub data: DataFrame,
    /// The kept rows are in the spill file.
    pub written: Option<Written>,
}

/// Kept rows written to the spill file as they came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// How many.
    pub rows: usize,
    /// Whether they are held in memory too.
    pub held: bool,
}

/// The kept rows so far: the parts held, and the spill file's writer once
/// opened.
pub(super) struct Stack<'a> {
    ds: &'a DatasetSpec,
    /// Parts held, in order (all of them unless too many rows came).
    held: Vec<DataFrame>,
    /// Of `held`, the first this many are in the spill file.
    held_written: usize,
    /// Rows kept so far.
    kept: usize,
    /// More rows than the spill allows have come: parts are no longer held.
    spilled: bool,
    spill: Option<&'a Spill>,
    writer: Option<write::ParquetFile>,
    /// The columns, without a row.
    columns: Option<DataFrame>,
}

impl<'a> Stack<'a> {
    pub(super) fn new(ds: &'a DatasetSpec, spill: Option<&'a Spill>) -> Self {
        Stack {
            ds,
            held: Vec::new(),
            held_written: 0,
            kept: 0,
            spilled: false,
            spill,
            writer: None,
            columns: None,
        }
    }

    pub(super) fn push(&mut self, part: DataFrame) -> Result<()> {
        self.kept += part.height();
        self.columns.get_or_insert_with(|| part.clear());
        self.held.push(part);
        let Some(spill) = self.spill else {
            return Ok(());
        };
        self.spilled |= self.kept as u64 > spill.after_rows;
        if spill.output || self.spilled {
            self.write(spill)?;
        }
        if self.spilled {
            self.held.clear();
            self.held_written = 0;
        }
        Ok(())
    }

    /// Writes the parts held and not yet written to the spill file, opened
    /// on the first call.
    fn write(&mut self, spill: &Spill) -> Result<()> {
        if self.writer.is_none() {
            let file = std::fs::File::create(&spill.path).map_err(|e| Error::io(&spill.path, e))?;
            let schema = self.held[0].schema().clone();
            let writer = write::ParquetFile::new(file, &schema, spill.metadata.clone())
                .map_err(|e| unwritable(self.ds, spill, e))?;
            self.writer = Some(writer);
        }
        let writer = self.writer.as_mut().expect("opened above");
        for part in &self.held[self.held_written..] {
            writer
                .write(part)
                .map_err(|e| unwritable(self.ds, spill, e))?;
        }
        self.held_written = self.held.len();
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<Kept> {
        let held = !self.spilled;
        let data = if held {
            stack(std::mem::take(&mut self.held))?
        } else {
            self.columns.take().unwrap_or_default()
        };
        let written = match (self.writer.take(), self.spill) {
            (Some(writer), Some(spill)) => {
                writer.finish().map_err(|e| unwritable(self.ds, spill, e))?;
                Some(Written {
                    rows: self.kept,
                    held,
                })
            }
            _ => None,
        };
        Ok(Kept { data, written })
    }
}

/// The error of a spill file that cannot be written.
fn unwritable(ds: &DatasetSpec, spill: &Spill, e: PolarsError) -> Error {
    Error::data(
        &ds.id,
        &spill.path,
        format!("cannot write the typed rows: {e}"),
    )
}

/// The parts' frames one after another (each one chunk of the result).
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
