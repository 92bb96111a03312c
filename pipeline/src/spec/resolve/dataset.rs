//! Resolving `[datasets.<id>]`: source, format, text options, contract.

use super::*;

impl Resolver<'_> {
    pub(super) fn dataset(
        &self,
        dir: &Path,
        id: String,
        ds: Spanned<RawDataset>,
    ) -> Result<DatasetSpec> {
        let ds = ds.into_inner();
        let path = normalize(&dir.join(ds.path.get_ref()));
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let format = match ext.as_str() {
            "csv" | "txt" => Format::Delimited,
            "tsv" => Format::Delimited,
            "parquet" => Format::Parquet,
            "xlsx" | "xlsm" => Format::Xlsx,
            "sav" | "zsav" | "dta" | "sas7bdat" | "xpt" => Format::Microdata,
            _ => {
                return Err(self.err(
                    &ds.path,
                    format!(
                        "dataset `{id}`: cannot tell the format of `{}` from its extension — expected one of .csv, .tsv, .txt, .parquet, .xlsx, .sav, .zsav, .dta, .sas7bdat, .xpt",
                        ds.path.get_ref()
                    ),
                ));
            }
        };
        if let Some(sheet) = &ds.sheet
            && format != Format::Xlsx
        {
            return Err(self.err(
                sheet,
                format!(
                    "dataset `{id}`: `sheet` belongs to a workbook (.xlsx), not to {}",
                    ds.path.get_ref()
                ),
            ));
        }
        let delimiter = match &ds.delimiter {
            None if ext == "tsv" => b'\t',
            None => b',',
            Some(d) => match d.get_ref().as_str() {
                "\\t" | "\t" | "tab" => b'\t',
                s if s.len() == 1 && s.is_ascii() => s.as_bytes()[0],
                s => {
                    return Err(self.err(
                        d,
                        format!("delimiter `{s}` must be one ASCII character (or \"tab\")"),
                    ));
                }
            },
        };
        let encoding = match &ds.encoding {
            None => encoding_rs::UTF_8,
            Some(e) => encoding_rs::Encoding::for_label(e.get_ref().as_bytes()).ok_or_else(|| {
                self.err(
                    e,
                    format!(
                        "unknown encoding `{}` — expected a WHATWG label such as utf-8, windows-1252, iso-8859-1, iso-8859-15",
                        e.get_ref()
                    ),
                )
            })?,
        };
        let decimal = match &ds.decimal {
            None => '.',
            Some(d) => match d.get_ref().as_str() {
                "." => '.',
                "," => ',',
                s => {
                    return Err(
                        self.err(d, format!("decimal mark `{s}` — expected one of `.`, `,`"))
                    );
                }
            },
        };
        let contract = match &ds.contract {
            None => None,
            Some(c) => Some(contract::load(&normalize(&dir.join(c.get_ref()))).map_err(
                |e| match e {
                    Error::Io { path, source } => self.err(
                        c,
                        format!(
                            "dataset `{id}`: cannot read contract {}: {source}",
                            path.display()
                        ),
                    ),
                    other => other,
                },
            )?),
        };
        if let Some(u) = &ds.unpivot
            && !matches!(format, Format::Delimited | Format::Xlsx)
        {
            return Err(self.err(
                u,
                format!("dataset `{id}`: `unpivot` applies to text and workbook sources; reshape {} upstream", ds.path.get_ref()),
            ));
        }
        let unpivot = ds.unpivot.map(|u| {
            let u = u.into_inner();
            Unpivot {
                index: u.index,
                variable: u.variable,
                value: u.value,
            }
        });
        let design = match ds.design {
            None => None,
            Some(d) => Some(self.design(&id, d)?),
        };
        let unit = match &ds.unit {
            None => None,
            Some(u) => Some(pick(
                self,
                u,
                "dataset unit",
                &crate::indicators::itu::Unit::ALL,
            )?),
        };
        let mut spec = DatasetSpec {
            unit,
            id,
            path,
            wave: ds.wave.unwrap_or_else(|| "wave".to_string()),
            format,
            contract,
            delimiter,
            encoding,
            decimal,
            sheet: ds.sheet.map(Spanned::into_inner),
            skip_rows: ds.skip_rows.unwrap_or(0),
            missing: ds
                .missing
                .unwrap_or_default()
                .into_iter()
                .map(|m| m.trim().to_string())
                .filter(|m| !m.is_empty())
                .collect(),
            unpivot,
            label: text_of(ds.label),
            source: text_of(ds.source),
            design,
            file_labels: BTreeMap::new(),
        };
        if spec.format == Format::Microdata {
            spec.file_labels = file_labels(&spec);
        }
        Ok(spec)
    }
}

/// The labels a microdata file gives its variables (of its first file, for
/// a pattern); none when it cannot be read yet — ingest then says why.
pub(super) fn file_labels(
    ds: &DatasetSpec,
) -> BTreeMap<String, crate::ingest::microdata::Variable> {
    crate::ingest::sources::files(ds)
        .ok()
        .and_then(|files| files.into_iter().next())
        .filter(|f| f.path.is_file())
        .and_then(|f| crate::ingest::microdata::labels(&f.path).ok())
        .unwrap_or_default()
}
