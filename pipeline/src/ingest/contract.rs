//! Dataset contracts (`*.contract.toml`): what each column must hold —
//! type, required or nullable, allowed codes with their labels, numeric
//! range — and the dataset's unique key and tolerated share of rejected
//! rows. This module only reads and checks the contract file; applying it to
//! rows is [`super::typing`] and [`super::validate`]'s job.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Location, Result, choices};
use crate::spec::model::Text;
use crate::spec::raw::RawText;
use crate::spec::resolve::text_of;

/// Column types a contract can declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// 64-bit integer.
    Integer,
    /// 64-bit float.
    Float,
    /// UTF-8 text.
    String,
    /// true/false (also 1/0, yes/no).
    Boolean,
    /// Calendar date, parsed with `formats`.
    Date,
    /// An amount as people write them: `$1,750,000`, `1 750 000 MAD`,
    /// `€2.5M`, `(1,200)` — stored as a 64-bit float.
    Money,
}

impl ColumnType {
    /// Every type with its contract name.
    pub const ALL: [(ColumnType, &'static str); 6] = [
        (ColumnType::Integer, "integer"),
        (ColumnType::Float, "float"),
        (ColumnType::String, "string"),
        (ColumnType::Boolean, "boolean"),
        (ColumnType::Date, "date"),
        (ColumnType::Money, "money"),
    ];

    /// The contract name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(t, _)| *t == self)
            .map(|(_, n)| *n)
            .unwrap_or("")
    }
}

/// The rules for one column.
#[derive(Debug, Clone)]
pub struct ColumnRule {
    /// Declared type.
    pub kind: ColumnType,
    /// A missing value is a reject.
    pub required: bool,
    /// Smallest allowed value (numbers).
    pub min: Option<f64>,
    /// Largest allowed value (numbers).
    pub max: Option<f64>,
    /// Allowed codes (canonical text of the value) and their labels.
    pub codes: Option<BTreeMap<String, Text>>,
    /// Human name of the column.
    pub label: Text,
    /// Date formats (chrono `strftime` syntax), tried in order.
    pub formats: Vec<String>,
    /// Money: the one currency allowed (ISO code); amounts that name none
    /// are in it, amounts in another are refused.
    pub currency: Option<String>,
    /// Codes that mean a missing answer (canonical text, as `codes`) and
    /// their reasons (`98` "Don't know"): kept in the data, left out of
    /// every estimate.
    pub missing: BTreeMap<String, Text>,
}

/// A parsed contract.
#[derive(Debug, Clone)]
pub struct Contract {
    /// The contract file.
    pub path: PathBuf,
    /// blake3 of its bytes.
    pub hash: String,
    /// Columns whose combination must be unique.
    pub key: Vec<String>,
    /// Largest share of rejected rows that still lets the run go on.
    pub max_reject_share: f64,
    /// Column rules by name.
    pub columns: BTreeMap<String, ColumnRule>,
}

/// A contract stands for its file's bytes: its hash.
impl serde::Serialize for Contract {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.hash)
    }
}

impl Contract {
    /// Every label of code `value` of column `column`, in every language
    /// it is given in.
    pub fn code_labels(&self, column: &str, value: &str) -> Vec<&str> {
        self.columns
            .get(column)
            .and_then(|c| c.codes.as_ref()?.get(value))
            .map(|t| t.0.values().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The label of code `value` of column `column` in `lang`, if declared.
    pub fn code_label(
        &self,
        column: &str,
        value: &str,
        lang: crate::spec::Language,
    ) -> Option<&str> {
        self.columns
            .get(column)?
            .codes
            .as_ref()?
            .get(value)?
            .get(lang)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContract {
    #[serde(default)]
    dataset: RawContractDataset,
    #[serde(default)]
    columns: BTreeMap<String, Spanned<RawColumn>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawContractDataset {
    description: Option<String>,
    #[serde(default)]
    key: Vec<String>,
    max_reject_share: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    #[serde(rename = "type")]
    kind: Spanned<String>,
    #[serde(default)]
    required: bool,
    min: Option<f64>,
    max: Option<f64>,
    codes: Option<BTreeMap<String, RawText>>,
    label: Option<RawText>,
    format: Option<String>,
    formats: Option<Vec<String>>,
    currency: Option<Spanned<String>>,
    missing: Option<RawMissing>,
}

/// `missing = [98, 99]` or `missing = { 98 = "Don't know", 99 = "Refused" }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawMissing {
    Codes(Vec<toml::Value>),
    Reasons(BTreeMap<String, RawText>),
}

/// Every key a contract file accepts, sorted, each once.
pub fn keys() -> Vec<&'static str> {
    use crate::spec::keys::fields;
    let mut out = [
        fields::<RawContract>(),
        fields::<RawContractDataset>(),
        fields::<RawColumn>(),
    ]
    .concat();
    out.sort_unstable();
    out.dedup();
    out
}

/// Reads and checks the contract at `path`.
pub fn load(path: &Path) -> Result<Contract> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let at = |offset: usize| Location::from_offset(path, &text, offset);
    let raw: RawContract = toml::from_str(&text).map_err(|e| Error::Spec {
        location: e.span().map(|s| at(s.start)),
        message: e.message().trim_end().to_string(),
    })?;
    let max_reject_share = match raw.dataset.max_reject_share {
        None => 0.0,
        Some(s) if (0.0..=1.0).contains(s.get_ref()) => *s.get_ref(),
        Some(s) => {
            return Err(Error::spec_at(
                at(s.span().start),
                "max_reject_share must be between 0 and 1",
            ));
        }
    };
    let mut columns = BTreeMap::new();
    for (name, col) in raw.columns {
        let start = col.span().start;
        let col = col.into_inner();
        let kind = ColumnType::ALL
            .iter()
            .find(|(_, n)| n == col.kind.get_ref())
            .map(|(t, _)| *t)
            .ok_or_else(|| {
                Error::spec_at(
                    at(col.kind.span().start),
                    format!(
                        "column `{name}`: unknown type `{}` — expected one of {}",
                        col.kind.get_ref(),
                        choices(ColumnType::ALL.iter().map(|(_, n)| *n))
                    ),
                )
            })?;
        if let (Some(lo), Some(hi)) = (col.min, col.max)
            && lo > hi
        {
            return Err(Error::spec_at(
                at(start),
                format!("column `{name}`: min {lo} is above max {hi}"),
            ));
        }
        let codes = col.codes.map(|m| {
            m.into_iter()
                .map(|(k, v)| (canonical_code(&k, kind), text_of(Some(v))))
                .collect::<BTreeMap<_, _>>()
        });
        let currency = match col.currency {
            None => None,
            Some(c) if kind != ColumnType::Money => {
                return Err(Error::spec_at(
                    at(c.span().start),
                    format!(
                        "column `{name}`: `currency` belongs to type \"money\", not \"{}\"",
                        kind.name()
                    ),
                ));
            }
            Some(c) => {
                let code = c.get_ref().trim().to_string();
                if code.len() != 3 || !code.chars().all(|ch| ch.is_ascii_uppercase()) {
                    return Err(Error::spec_at(
                        at(c.span().start),
                        format!(
                            "column `{name}`: currency `{code}` is not an ISO 4217 code such as MAD, USD or EUR"
                        ),
                    ));
                }
                Some(code)
            }
        };
        let mut formats: Vec<String> = col.format.into_iter().collect();
        formats.extend(col.formats.unwrap_or_default());
        if formats.is_empty() {
            formats.push("%Y-%m-%d".to_string());
        }
        columns.insert(
            name,
            ColumnRule {
                kind,
                required: col.required,
                min: col.min,
                max: col.max,
                codes,
                label: text_of(col.label),
                formats,
                currency,
                missing: match col.missing {
                    None => BTreeMap::new(),
                    Some(RawMissing::Codes(codes)) => codes
                        .iter()
                        .map(|v| {
                            let text = match v {
                                toml::Value::String(s) => s.clone(),
                                toml::Value::Integer(i) => i.to_string(),
                                toml::Value::Float(f) => f.to_string(),
                                toml::Value::Boolean(b) => b.to_string(),
                                other => format!("{other:?}"),
                            };
                            (canonical_code(&text, kind), Text::default())
                        })
                        .collect(),
                    Some(RawMissing::Reasons(m)) => m
                        .into_iter()
                        .map(|(k, v)| (canonical_code(&k, kind), text_of(Some(v))))
                        .collect(),
                },
            },
        );
    }
    for k in &raw.dataset.key {
        if !columns.contains_key(k) {
            return Err(Error::spec_at(
                at(0),
                format!(
                    "key column `{k}` is not declared under [columns] — declared columns are: {}",
                    choices(columns.keys())
                ),
            ));
        }
    }
    let _ = raw.dataset.description;
    Ok(Contract {
        path: path.to_path_buf(),
        hash: blake3::hash(text.as_bytes()).to_hex().to_string(),
        key: raw.dataset.key,
        max_reject_share,
        columns,
    })
}

/// The canonical text of a code as written in a contract key, so that `"01"`
/// and `1` match for an integer column.
fn canonical_code(k: &str, kind: ColumnType) -> String {
    match kind {
        ColumnType::Integer => k
            .trim()
            .parse::<i64>()
            .map_or_else(|_| k.to_string(), |v| v.to_string()),
        _ => k.to_string(),
    }
}
