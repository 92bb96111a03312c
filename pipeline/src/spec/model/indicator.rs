//! `[[indicators]]` resolved: each statistic with its parameters.

use super::*;

pub use crate::spec::statistic::{
    CiMethod, Concentration, Expr, PerCapita, Statistic, SurvivalSpec,
};

/// One `[[indicators]]`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndicatorSpec {
    /// The id.
    pub id: String,
    /// The dataset id.
    pub dataset: String,
    /// The statistic with its parameters.
    pub statistic: Statistic,
    /// SQL expression over the dataset's columns (`None`: every row / 1).
    pub expr: Option<String>,
    /// SQL condition defining the subpopulation.
    pub where_: Option<String>,
    /// `from`, `to`: the rows whose date falls in a range.
    pub dates: Option<DateRange>,
    /// Breakdowns: each a list of variables (one variable = one-way; several = crossed).
    pub by: Vec<Vec<Variable>>,
    /// Human label.
    pub label: Text,
    /// Confidence level of intervals.
    pub level: f64,
    /// Where `expr` is.
    pub expr_location: Option<Location>,
    /// Where `where` is.
    pub where_location: Option<Location>,
    /// Where each `by` entry is.
    pub by_locations: Vec<Location>,
    /// Columns of a related dataset, joined to each row by key.
    pub join: Option<JoinSpec>,
    /// Small-area estimates over one of its breakdowns.
    pub small_area: Option<SmallAreaSpec>,
    /// The ITU core indicator it measures (`HH7`).
    pub itu: Option<String>,
    /// Whether `[study.disclosure]` applies to its cells (`disclosure =
    /// false`: public data, published as computed).
    pub disclosure: bool,
}

impl IndicatorSpec {
    /// The subpopulation in words of SQL: `where` and the date range, as
    /// the methods print them.
    pub fn subpopulation(&self) -> Option<String> {
        let range = self.dates.as_ref().map(DateRange::sql);
        match (&self.where_, range) {
            (Some(w), Some(r)) => Some(format!("({w}) AND {r}")),
            (w, r) => w.clone().or(r),
        }
    }

    /// Each breakdown's variable names (`region`, `funded_at:quarter`).
    pub fn breakdown_names(&self) -> Vec<Vec<String>> {
        self.by
            .iter()
            .map(|b| b.iter().map(Variable::name).collect())
            .collect()
    }

    /// The SQL the indicator reads: `expr`, `where`, a ratio's terms.
    pub fn sql(&self) -> Vec<&str> {
        let mut out: Vec<&str> = [self.expr.as_deref(), self.where_.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if let Statistic::Ratio {
            numerator,
            denominator,
            ..
        } = &self.statistic
        {
            out.extend([numerator.text.as_str(), denominator.text.as_str()]);
        }
        out
    }

    /// Whether `var` alone is one of the breakdowns.
    pub fn has_breakdown(&self, var: &str) -> bool {
        self.by.iter().any(|b| b.len() == 1 && b[0].name() == var)
    }
}

/// A breakdown variable: a column, or the periods of a date column
/// (`funded_at:quarter`, or `date` with `period`).
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Variable {
    /// The column.
    pub column: String,
    /// The period of a date column.
    pub period: Option<Period>,
}

impl Variable {
    /// Reads `column` or `column:year|quarter|month`.
    pub fn parse(name: &str) -> Self {
        let period = name.rsplit_once(':').and_then(|(column, unit)| {
            let p = Period::ALL.iter().find(|(_, n)| *n == unit)?.0;
            Some((column, p))
        });
        match period {
            Some((column, p)) => Variable {
                column: column.to_string(),
                period: Some(p),
            },
            None => Variable {
                column: name.to_string(),
                period: None,
            },
        }
    }

    /// The name in tables and figures: `region`, `funded_at:quarter`.
    pub fn name(&self) -> String {
        match self.period {
            None => self.column.clone(),
            Some(p) => format!("{}:{}", self.column, p.name()),
        }
    }
}

/// A period of a date: `2013`, `2013-Q2`, `2013-06`.
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// Calendar year.
    Year,
    /// Calendar quarter.
    Quarter,
    /// Calendar month.
    Month,
}

impl Period {
    /// Every period with its spec name.
    pub const ALL: [(Period, &'static str); 3] = [
        (Period::Year, "year"),
        (Period::Quarter, "quarter"),
        (Period::Month, "month"),
    ];

    /// The spec name.
    pub fn name(self) -> &'static str {
        match self {
            Period::Year => "year",
            Period::Quarter => "quarter",
            Period::Month => "month",
        }
    }
}

/// `date` with `from` and/or `to`: the rows whose date is in the range
/// (both ends included).
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct DateRange {
    /// The date column.
    pub column: String,
    /// First day included.
    pub from: Option<chrono::NaiveDate>,
    /// Last day included.
    pub to: Option<chrono::NaiveDate>,
    /// Where `date` is in `study.toml`.
    pub location: Location,
}

impl DateRange {
    /// The range as an SQL condition.
    pub fn sql(&self) -> String {
        let bound = |op: &str, d: chrono::NaiveDate| format!("\"{}\" {op} DATE '{d}'", self.column);
        let parts: Vec<String> = [(">=", self.from), ("<=", self.to)]
            .into_iter()
            .filter_map(|(op, d)| Some(bound(op, d?)))
            .collect();
        parts.join(" AND ")
    }
}

/// `small_area = { method = "fay_herriot", … }`: area-level Fay–Herriot
/// estimates over the breakdown `on`.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct SmallAreaSpec {
    /// How σ²ᵤ is estimated.
    pub fit: crate::small_area::fay_herriot::Method,
    /// The area covariates: a dataset with a row per area.
    pub dataset: String,
    /// Its column naming the area — a one-way breakdown of the indicator.
    pub on: String,
    /// Its numeric covariate columns (an intercept is added).
    pub columns: Vec<String>,
    /// Replace each area's sampling variance by a generalised variance
    /// function of its sample size, fitted over the areas.
    pub smooth_variance: bool,
}

/// `join = { dataset = "startups", on = "startup_id" }`: each row gets the
/// columns of the related dataset's row with the same key (a left join).
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq, Hash)]
pub struct JoinSpec {
    /// The related dataset.
    pub dataset: String,
    /// The key columns, present in both.
    pub on: Vec<String>,
}
