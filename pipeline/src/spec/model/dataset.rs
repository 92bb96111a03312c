//! `[datasets.<id>]` resolved: the source, its format and text options.

use super::*;

/// Source file formats.
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text (.csv, .tsv, .txt).
    Delimited,
    /// Apache Parquet.
    Parquet,
    /// Excel workbook (.xlsx).
    Xlsx,
    /// SPSS, Stata or SAS microdata (.sav, .zsav, .dta, .sas7bdat, .xpt).
    Microdata,
}

/// Wide-to-long reshaping at ingest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Unpivot {
    /// Columns kept as identifiers.
    pub index: Vec<String>,
    /// Name of the new column holding the former column names.
    pub variable: String,
    /// Name of the new column holding the values.
    pub value: String,
}

/// One `[datasets.<id>]`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DatasetSpec {
    /// The id (the TOML key).
    pub id: String,
    /// The source file, absolute; its file name may be a pattern
    /// (`survey_*.csv`) matching a file per wave.
    pub path: PathBuf,
    /// For a pattern: the column holding each file's wave (the text its `*`
    /// matched), added unless the files have it.
    pub wave: String,
    /// The source format, from the extension.
    pub format: Format,
    /// The contract, when given.
    pub contract: Option<Contract>,
    /// Field delimiter for delimited text.
    pub delimiter: u8,
    /// Text encoding of delimited text.
    #[serde(serialize_with = "encoding_name")]
    pub encoding: &'static encoding_rs::Encoding,
    /// Decimal mark for numbers in text: `.` or `,`.
    pub decimal: char,
    /// Sheet of a workbook (first when absent).
    pub sheet: Option<String>,
    /// Preamble lines before the header.
    pub skip_rows: usize,
    /// Texts that mean "no value" in every column of a text or workbook
    /// source (`NA`, `.`), besides the empty cell.
    pub missing: Vec<String>,
    /// Wide-to-long reshaping.
    pub unpivot: Option<Unpivot>,
    /// Human name.
    pub label: Text,
    /// Attribution line for charts and the report.
    pub source: Text,
    /// Survey design; `None` for a registry (complete enumeration).
    pub design: Option<DesignSpec>,
    /// Whom a row stands for, when declared (households or individuals).
    pub unit: Option<crate::indicators::itu::Unit>,
    /// What a microdata file says of its variables (labels and value
    /// labels), read from its header; a contract's labels come first.
    /// Not part of the spec: read from the source, whose hash stands for it.
    #[serde(skip)]
    pub file_labels: BTreeMap<String, crate::ingest::microdata::Variable>,
}

/// An encoding by its name.
fn encoding_name<S: serde::Serializer>(
    e: &&'static encoding_rs::Encoding,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(e.name())
}
