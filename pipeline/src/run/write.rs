//! Writers for the run's files: Parquet (zstd, with key-value metadata),
//! CSV, and plain bytes — each returning what the manifest records.

use std::path::Path;

use polars::io::parquet::write::{BatchedWriter, KeyValueMetadata, get_encodings};
use polars::prelude::*;
use polars_parquet::parquet::error::ParquetError;
use polars_parquet::write::{
    CompressedPage, Compressor, Encoding, ParquetType, Version, WriteOptions, array_to_columns,
};
use rayon::prelude::*;

use crate::error::{Error, Result};

/// Writes `df` as Parquet with file key-value `metadata`.
pub fn parquet(path: &Path, df: &mut DataFrame, metadata: Vec<(String, String)>) -> Result<()> {
    let fail = |e: PolarsError| Error::internal(format!("writing {}", path.display()), e);
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut writer = ParquetFile::new(file, &df.schema().clone(), metadata).map_err(fail)?;
    let groups = polars::frame::chunk_df_for_writing(df, GROUP_ROWS).map_err(fail)?;
    writer.write(&groups).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(())
}

/// Rows in a row group of the run's Parquet files (polars' own choice).
pub const GROUP_ROWS: usize = 512 * 512;

/// A Parquet file of the run (zstd, file key-value metadata) written row
/// group by row group, each group's columns encoded and compressed on
/// every core — polars' batched writer compresses them on one, as it
/// writes, and that single core was most of the time a large file took.
/// The pages are those polars' writer makes, in the same order.
pub struct ParquetFile {
    writer: BatchedWriter<std::fs::File>,
    fields: Vec<ParquetType>,
    encodings: Vec<Vec<Encoding>>,
    options: WriteOptions,
}

impl ParquetFile {
    /// A file of columns `schema` with key-value `metadata`, into `file`.
    pub fn new(
        file: std::fs::File,
        schema: &Schema,
        metadata: Vec<(String, String)>,
    ) -> PolarsResult<Self> {
        let compression = ParquetCompression::Zstd(None);
        let mut writer = ParquetWriter::new(file)
            .with_compression(compression)
            .with_key_value_metadata(Some(KeyValueMetadata::from_static(metadata)))
            .batched(schema)?;
        let arrow = schema.to_arrow(CompatLevel::newest());
        Ok(ParquetFile {
            fields: writer.parquet_schema().fields().to_vec(),
            encodings: get_encodings(&arrow).iter().cloned().collect(),
            options: WriteOptions {
                statistics: StatisticsOptions::default(),
                version: Version::V1,
                compression: compression.into(),
                data_page_size: None,
            },
            writer,
        })
    }

    /// Writes each chunk of `df` (columns aligned) as a row group.
    pub fn write(&mut self, df: &DataFrame) -> PolarsResult<()> {
        for batch in df.iter_chunks(CompatLevel::newest(), false) {
            if batch.is_empty() {
                continue;
            }
            let columns = batch
                .columns()
                .par_iter()
                .zip(&self.fields)
                .zip(&self.encodings)
                .map(|((array, field), encoding)| self.compress(array, field, encoding))
                .collect::<PolarsResult<Vec<_>>>()?;
            let pages: Vec<Vec<CompressedPage>> = columns.into_iter().flatten().collect();
            self.writer.write_row_group(batch.len() as u64, &pages)?;
        }
        Ok(())
    }

    /// The compressed pages of one column of a row group (one list per
    /// Parquet leaf column).
    fn compress(
        &self,
        array: &ArrayRef,
        field: &ParquetType,
        encoding: &[Encoding],
    ) -> PolarsResult<Vec<Vec<CompressedPage>>> {
        // An integer column goes to the encoder as the dictionary polars
        // would make of it, made faster (see `dictionary`).
        let array = match encoding {
            [Encoding::RleDictionary] => super::dictionary::of(array.as_ref()),
            _ => None,
        }
        .unwrap_or_else(|| array.clone());
        array_to_columns(array, field.clone(), self.options, encoding)?
            .into_iter()
            .map(|pages| {
                let pages = pages
                    .map(|page| page.map_err(|e| ParquetError::FeatureNotSupported(e.to_string())));
                Compressor::new_from_vec(pages, self.options.compression, Vec::new())
                    .collect::<std::result::Result<Vec<_>, ParquetError>>()
                    .map_err(PolarsError::from)
            })
            .collect()
    }

    /// Writes the footer; the file's size.
    pub fn finish(self) -> PolarsResult<u64> {
        self.writer.finish()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The file polars' own writer makes of the same frame, options and metadata.
    fn by_polars(df: &mut DataFrame, metadata: Vec<(String, String)>) -> Vec<u8> {
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes)
            .with_compression(ParquetCompression::Zstd(None))
            .with_key_value_metadata(Some(KeyValueMetadata::from_static(metadata)))
            .finish(df)
            .unwrap();
        bytes
    }

    #[test]
    fn row_groups_compressed_on_every_core_are_the_bytes_polars_writes() {
        let rows = GROUP_ROWS * 2 + 1234;
        let ints: Vec<Option<i64>> = (0..rows)
            .map(|i| (i % 97 != 0).then_some((i % 12) as i64))
            .collect();
        let floats: Vec<f64> = (0..rows).map(|i| (i as f64).sqrt() * 1.5).collect();
        let text: Vec<Option<String>> = (0..rows)
            .map(|i| (i % 5 != 0).then(|| format!("r{}", i % 40)))
            .collect();
        let flags: Vec<bool> = (0..rows).map(|i| i % 3 == 0).collect();
        // Integer columns down every branch of the dictionary decision
        // (`dictionary`): codes without a missing value, values far apart
        // (ranks), a span too wide, and many values (a dictionary in large
        // row groups, none in a small one).
        let codes: Vec<i64> = (0..rows).map(|i| 1 + (i % 6) as i64).collect();
        let sparse: Vec<i64> = (0..rows).map(|i| (i % 7) as i64 * 1000 - 3000).collect();
        let wide: Vec<i64> = (0..rows).map(|i| i as i64 * 104_729).collect();
        let many: Vec<i64> = (0..rows).map(|i| (i * 20 % 60_000) as i64).collect();
        let mut df = df![
            "ints" => ints, "floats" => floats, "text" => text, "flags" => flags,
            "codes" => codes, "sparse" => sparse, "wide" => wide, "many" => many,
        ]
        .unwrap();
        let stamp = df["codes"]
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .unwrap()
            .with_name("stamp".into());
        df.with_column(stamp).unwrap();
        // A frame in several chunks of other sizes than a row group.
        let mut chunked = df.slice(0, 1000);
        chunked.vstack_mut(&df.slice(1000, rows - 1000)).unwrap();
        // Distinct values in a small group; a span past i64's range.
        let mut small = df![
            "distinct" => (0..3000i64).map(|i| i * 20).collect::<Vec<_>>(),
            "extremes" => (0..3000i64).map(|i| [i64::MIN, i64::MAX, i][i as usize % 3]).collect::<Vec<_>>(),
        ]
        .unwrap();
        let metadata = vec![("source".to_string(), "test".to_string())];
        let dir = tempfile::tempdir().unwrap();
        for frame in [&mut df, &mut chunked, &mut small] {
            let path = dir.path().join("t.parquet");
            parquet(&path, &mut frame.clone(), metadata.clone()).unwrap();
            assert_eq!(
                std::fs::read(&path).unwrap(),
                by_polars(frame, metadata.clone())
            );
        }
    }
}
