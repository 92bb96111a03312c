//! Text columns that are numbers but for one recurring token — `NA`, `.`,
//! `-`, `99?` — which is probably a missing-value marker. Read as text, such
//! a column makes `expr = "x = '1'"` count every marker as a "no" instead of
//! leaving it out: the run summary and `validate` say so, naming the column
//! and the indicators that use it.

use std::collections::BTreeMap;

use polars::prelude::DataFrame;

use crate::spec::model::Study;

/// A text column that is probably numbers with a missing-value marker.
#[derive(Debug, Clone, PartialEq)]
pub struct Suspect {
    /// Dataset id.
    pub dataset: String,
    /// Column.
    pub column: String,
    /// The one non-numeric value.
    pub token: String,
    /// Rows holding it.
    pub rows: usize,
}

/// The suspect columns of `df`, the typed rows of dataset `dataset`.
pub fn suspects(dataset: &str, df: &DataFrame) -> Vec<Suspect> {
    let mut out = Vec::new();
    for col in df.columns() {
        let Ok(text) = col.str() else { continue };
        let mut tokens: BTreeMap<&str, usize> = BTreeMap::new();
        let mut numbers = 0usize;
        for v in text.iter().flatten() {
            if v.trim().parse::<f64>().is_ok_and(f64::is_finite) {
                numbers += 1;
            } else {
                *tokens.entry(v).or_default() += 1;
                if tokens.len() > 1 {
                    break;
                }
            }
        }
        if let [(token, rows)] = tokens.into_iter().collect::<Vec<_>>()[..]
            && numbers > 0
            && rows >= 2
        {
            out.push(Suspect {
                dataset: dataset.to_string(),
                column: col.name().to_string(),
                token: token.to_string(),
                rows,
            });
        }
    }
    out
}

/// Warnings for the suspects: one per column, and one per indicator whose
/// expression or subpopulation uses such a column.
pub fn warnings(study: &Study, suspects: &[Suspect]) -> Vec<String> {
    let mut out = Vec::new();
    for s in suspects {
        let token = crate::text::escape_control(&s.token);
        out.push(format!(
            "dataset `{}`, column `{}`: numbers except `{token}` ({} rows), probably a missing-value marker — the column is read as text; declare it with `missing = [\"{token}\"]` on the dataset",
            s.dataset, s.column, s.rows
        ));
        for ind in study.indicators.iter().filter(|i| i.dataset == s.dataset) {
            if ind
                .sql()
                .iter()
                .any(|t| crate::text::mentions(t, &s.column))
            {
                out.push(format!(
                    "indicator `{}` uses column `{}`, whose `{token}` values are probably missing answers: compared as text, they count as answers (a \"no\"), not as missing",
                    ind.id, s.column
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    #[test]
    fn numbers_and_one_recurring_token() {
        let df = df!(
            "hi_chol" => ["1", "0", "NA", "0", "NA"],
            "region" => ["North", "South", "NA", "North", "NA"],
            "once" => ["1", "0", "x", "0", "1"],
        )
        .unwrap();
        let found = suspects("nhanes", &df);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (
                found[0].column.as_str(),
                found[0].token.as_str(),
                found[0].rows
            ),
            ("hi_chol", "NA", 2)
        );
        assert!(crate::text::mentions("hi_chol = '1'", "hi_chol"));
        assert!(!crate::text::mentions("hi_chol2 = '1'", "hi_chol"));
        assert!(crate::text::mentions("\"hi_chol\" = '1'", "hi_chol"));
    }
}
