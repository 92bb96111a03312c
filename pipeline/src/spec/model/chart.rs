//! `[[charts]]` resolved.

use super::*;

/// Kinds of chart.
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Horizontal bars with CI error bars, one per domain of `by`.
    Bar,
    /// Bars of `by`, one per value of `series` within each, side by side.
    GroupedBar,
    /// A series over `x` (waves, years), one line per value of `series`.
    Line,
    /// A ranking: a dot per domain of `by` with its interval, best first.
    Dot,
    /// Indicators (rows) × domains of `by` (columns), coloured by value.
    Heatmap,
    /// One small bar chart of `by` per value of `series`, on a shared scale.
    SmallMultiples,
    /// A choropleth of the domains of `by` over a GeoJSON file, or a tile grid.
    Map,
    /// 100% bars of a crosstab: a bar per row value, a segment per column value.
    StackedBar,
    /// A model's coefficients (odds or rate ratios) with their intervals: a forest plot.
    Coef,
    /// Stages of a process (its indicators, in order) overall and by `by`,
    /// with each stage's conversion from the one before.
    Funnel,
}

/// Which of an indicator's small-area results a chart draws.
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq)]
pub enum SmallAreaView {
    /// The EBLUPs (and synthetic estimates) by area.
    Eblup,
    /// The CV of the direct estimate beside the CV of the EBLUP, by area.
    Cv,
}

/// What a chart draws.
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq)]
pub enum Draws {
    /// Rows of the indicators table.
    Indicator,
    /// A composite's index.
    Composite,
    /// A crosstab's cells.
    Crosstab,
    /// A model's coefficients.
    Model,
}

impl ChartKind {
    /// Every kind with its spec name.
    pub const ALL: [(ChartKind, &'static str); 10] = [
        (ChartKind::Bar, "bar"),
        (ChartKind::GroupedBar, "grouped_bar"),
        (ChartKind::Line, "line"),
        (ChartKind::Dot, "dot"),
        (ChartKind::Heatmap, "heatmap"),
        (ChartKind::SmallMultiples, "small_multiples"),
        (ChartKind::Map, "map"),
        (ChartKind::StackedBar, "stacked_bar"),
        (ChartKind::Coef, "coef"),
        (ChartKind::Funnel, "funnel"),
    ];

    /// The kind's spec name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("", |(_, n)| n)
    }
}

/// A map's geometry: a GeoJSON file and how its features meet the domains.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MapGeometry {
    /// The GeoJSON file (polygons and multipolygons, WGS84 longitude/latitude).
    pub path: PathBuf,
    /// The feature property holding each feature's key.
    pub property: String,
    /// Match the property against the domain's label (true) or its value (false).
    pub by_label: bool,
}

/// The units a chart writes its numbers in.
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq)]
pub enum Units {
    /// Millions from a million, billions from a billion, else as they are.
    Auto,
    /// As they are: "150,000,000".
    Plain,
    /// In thousands: "150 k".
    Thousands,
    /// In millions: "150 M".
    Millions,
    /// In billions: "1.5 bn" ("1,5 Md").
    Billions,
}

impl Units {
    /// Every choice with its spec name.
    pub const ALL: [(Units, &'static str); 5] = [
        (Units::Auto, "auto"),
        (Units::Plain, "none"),
        (Units::Thousands, "k"),
        (Units::Millions, "M"),
        (Units::Billions, "bn"),
    ];
}

/// How a map's or heatmap's values are grouped into colour classes.
#[derive(Debug, Clone, serde::Serialize, Copy, PartialEq, Eq)]
pub enum Classes {
    /// Equal widths with "nice" bounds.
    Equal,
    /// As many values in each class.
    Quantile,
    /// Jenks's natural breaks.
    Jenks,
}

impl Classes {
    /// Every method with its spec name.
    pub const ALL: [(Classes, &'static str); 3] = [
        (Classes::Equal, "equal"),
        (Classes::Quantile, "quantile"),
        (Classes::Jenks, "jenks"),
    ];
}

/// The order of a chart's categories — and of the table under it.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub enum Order {
    /// Largest estimate first (a ranking: dot charts number their rows).
    Value,
    /// In code order (age groups, years: not a ranking).
    Code,
    /// As listed (codes or labels); categories not listed follow in code order.
    Listed(Vec<String>),
}

/// One `[[charts]]`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChartSpec {
    /// The id (file stem of the figure).
    pub id: String,
    /// The units of its numbers (percentages stay percentages).
    pub units: Units,
    /// Decimals of every number it writes, when fixed.
    pub decimals: Option<usize>,
    /// The indicator drawn (the first row of a heatmap).
    pub indicator: String,
    /// Every indicator drawn: the rows of a heatmap, else just `indicator`.
    pub indicators: Vec<String>,
    /// The kind.
    pub kind: ChartKind,
    /// The breakdown variable (bars, dots, columns, regions); a line's x variable.
    pub by: String,
    /// Line: one line per value; grouped bar: one bar per value within each
    /// group; small multiples: one panel per value (a crossed breakdown with `by`).
    pub series: Option<String>,
    /// A map's geometry; `None` draws a tile grid.
    pub geometry: Option<MapGeometry>,
    /// PNG resolution.
    pub dpi: u32,
    /// The most categories drawn (the largest by value; a line's most
    /// recent); the others are in the tables, and a note says so.
    pub max_categories: usize,
    /// What it draws: `indicator` then names the indicator, composite,
    /// crosstab or model.
    pub draws: Draws,
    /// An indicator's small-area estimates instead of its direct ones.
    pub small_area: Option<SmallAreaView>,
    /// The order of its categories.
    pub order: Order,
    /// Draw the indicator's overall value as a reference line (`reference = "overall"`).
    pub reference: bool,
    /// The colour classes of a map or heatmap.
    pub classes: Classes,
    /// Title (defaults to the indicator label).
    pub title: Text,
    /// Subtitle.
    pub subtitle: Text,
    /// Source line (defaults to the dataset's source).
    pub source: Text,
    /// Notes.
    pub note: Text,
}
