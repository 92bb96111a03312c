//! Writers for the run's files: Parquet (zstd, with key-value metadata),
//! CSV, and plain bytes — each returning what the manifest records.

use std::path::Path;

use polars::prelude::*;

use crate::error::{Error, Result};

/// Writes `df` as Parquet with file key-value `metadata`.
pub fn parquet(path: &Path, df: &mut DataFrame, metadata: Vec<(String, String)>) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    parquet_writer(file, metadata)
        .finish(df)
        .map_err(|e| Error::internal(format!("writing {}", path.display()), e))?;
    Ok(())
}

/// The run's Parquet writer (zstd, file key-value `metadata`) into `file`.
pub fn parquet_writer(
    file: std::fs::File,
    metadata: Vec<(String, String)>,
) -> ParquetWriter<std::fs::File> {
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .with_key_value_metadata(Some(KeyValueMetadata::from_static(metadata)))
}

/// Writes `df` as CSV (comma, header, empty for missing, shortest
/// round-trip floats), its text cells safe for spreadsheets
/// ([`crate::text::csv_cell`]); numbers stay numbers.
pub fn csv(path: &Path, df: &mut DataFrame) -> Result<()> {
    let fail = |e: PolarsError| Error::internal(format!("writing {}", path.display()), e);
    let columns = df
        .columns()
        .iter()
        .map(|c| match c.str() {
            Ok(text) => {
                let safe: StringChunked = text
                    .iter()
                    .map(|v| v.map(|v| crate::text::csv_cell(v).into_owned()))
                    .collect();
                Column::new(c.name().clone(), safe.into_series())
            }
            Err(_) => c.clone(),
        })
        .collect();
    let mut safe = DataFrame::new_infer_height(columns).map_err(fail)?;
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    CsvWriter::new(file)
        .include_header(true)
        .finish(&mut safe)
        .map_err(fail)
}

/// Writes bytes.
pub fn bytes(path: &Path, data: &[u8]) -> Result<()> {
    std::fs::write(path, data).map_err(|e| Error::io(path, e))
}
