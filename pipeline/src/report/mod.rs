//! The report: one self-contained `report.html` (inline CSS and SVG, no
//! script, nothing fetched), the same content as `report.md` with the
//! PNGs, and typeset as `report.pdf` ([`pdf`]). All three are rendered from
//! one [`Context`] built here, so they cannot disagree. Every text from the spec or the data is escaped by the
//! template engine (auto-escaping is on for HTML).

mod findings;
pub mod markdown;
pub mod pdf;

use serde::Serialize;

use crate::charts::{self, Figure};
use crate::error::{Error, Result};
use crate::indicators::{
    DesignSummary, IndicatorRow,
    compare::ComparisonRow,
    crosstab::{CellRow, TestRow},
    table::{breakdown_label, domain_label, value_label, variable_label},
};
use crate::locale::{Flag, Language, fill, fonts, numbers, phrase};
use crate::spec::model::{CiMethod, Concentration, SectionSpec, Statistic, Study, Text};

/// What the report says about one input dataset.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRow {
    /// Dataset id.
    pub id: String,
    /// Human name.
    pub label: String,
    /// Path relative to the study.
    pub path: String,
    /// Attribution.
    pub source: String,
    /// blake3 of the file.
    pub blake3: String,
    /// Rows read.
    pub rows_read: usize,
    /// Rows kept.
    pub rows_kept: usize,
    /// Rows rejected.
    pub rows_rejected: usize,
}

/// One table row of estimates.
#[derive(Debug, Clone, Serialize)]
pub struct ValueRow {
    by: String,
    series: String,
    label: String,
    value: String,
    interval: String,
    /// Empty when withheld by disclosure control.
    n: String,
    flag: String,
    flag_class: String,
}

/// A figure in the report.
#[derive(Debug, Clone, Serialize)]
pub struct FigureCtx {
    id: String,
    title: String,
    svg: String,
    png: String,
    alt: String,
    caption: String,
    has_series: bool,
    /// The interval column's heading, with the figure's level.
    interval: String,
    /// Its data (empty when an earlier figure's table holds the same data).
    rows: Vec<ValueRow>,
    /// Where its data is when an earlier figure's table holds it.
    data_note: String,
}

/// An indicator table in the report.
#[derive(Debug, Clone, Serialize)]
pub struct TableCtx {
    id: String,
    label: String,
    statistic: String,
    /// The interval column's heading, with the indicator's level.
    interval: String,
    rows: Vec<ValueRow>,
}

/// A report section.
#[derive(Debug, Clone, Serialize)]
pub struct SectionCtx {
    id: String,
    title: String,
    text: String,
    /// Key findings in words.
    findings: Vec<String>,
    figures: Vec<FigureCtx>,
    tables: Vec<TableCtx>,
    /// The section's summary table (none or one).
    summaries: Vec<AnalysisTable>,
}

/// An indicator definition in the methods section.
#[derive(Debug, Clone, Serialize)]
pub struct DefinitionCtx {
    id: String,
    label: String,
    statistic: String,
    expr: String,
    #[serde(rename = "where")]
    where_: String,
    by: String,
}

/// A comparison in the report.
#[derive(Debug, Clone, Serialize)]
pub struct ComparisonCtx {
    label: String,
    a: String,
    b: String,
    difference: String,
    interval: String,
    p_value: String,
}

/// An analysis in the report — a cross-tabulation (its percentages with
/// their intervals, a row per value of its rows' variable, its test in
/// words) or a model (a row per coefficient, its fit in words).
#[derive(Debug, Clone, Serialize)]
pub struct AnalysisTable {
    id: String,
    label: String,
    /// What the cells are, in words.
    caption: String,
    /// The column headings.
    columns: Vec<String>,
    rows: Vec<AnalysisRow>,
    /// The test or the fit, in words.
    note: String,
}

/// One row of an analysis table: its label and its cells
/// ("27.0% (19.2–36.6)").
#[derive(Debug, Clone, Serialize)]
pub struct AnalysisRow {
    label: String,
    cells: Vec<String>,
}

/// The methods section.
#[derive(Debug, Clone, Serialize)]
pub struct MethodsCtx {
    datasets: Vec<SourceRow>,
    designs: Vec<String>,
    /// The heading of the design section: the survey design, or for a
    /// study of registries only, the measures.
    heading: String,
    reliability: String,
    /// What each registry measure the study uses means.
    measures: Vec<String>,
    indicators: Vec<DefinitionCtx>,
    /// Values that moved beyond `[study.drift]` and source columns that
    /// changed, since the last published run.
    changes: Vec<String>,
    /// Per dataset, its columns as the codebook describes them.
    codebook: Vec<CodebookDataset>,
}

/// One dataset's part of the codebook.
#[derive(Debug, Clone, Serialize)]
struct CodebookDataset {
    label: String,
    columns: Vec<CodebookColumn>,
}

/// One column of the codebook, in words.
#[derive(Debug, Clone, Serialize)]
struct CodebookColumn {
    column: String,
    label: String,
    kind: String,
    /// Values present (`confidential` when withheld).
    values: String,
    missing: String,
    codes: String,
}

/// The codebook's lines grouped by dataset and column, codes and missing
/// values in words (at most 12 codes per column; the CSV has them all).
fn codebook_ctx(
    study: &Study,
    lines: &[crate::indicators::codebook::Line],
) -> Vec<CodebookDataset> {
    let fmt = |v: f64| numbers::number(v, 0, study.language);
    let count = |l: &crate::indicators::codebook::Line| {
        if l.confidential {
            Flag::Confidential.words(study.language).to_string()
        } else {
            fmt(l.n as f64)
        }
    };
    study
        .datasets
        .iter()
        .map(|d| CodebookDataset {
            label: d.label.get_or(study.language, &d.id).to_string(),
            columns: lines
                .iter()
                .filter(|l| l.dataset == d.id && l.row == "summary")
                .map(|s| {
                    let of = |row: &'static str| {
                        lines.iter().filter(move |l| {
                            l.dataset == d.id && l.column == s.column && l.row == row
                        })
                    };
                    let codes: Vec<String> = of("code")
                        .map(|c| {
                            let label = if c.value_label == c.value {
                                String::new()
                            } else {
                                format!(" {}", c.value_label)
                            };
                            format!("{}{label} ({})", c.value, count(c))
                        })
                        .collect();
                    let more = codes.len().saturating_sub(12);
                    let mut codes: Vec<String> = codes.into_iter().take(12).collect();
                    if more > 0 {
                        codes.push(format!("… +{more}"));
                    }
                    CodebookColumn {
                        column: s.column.clone(),
                        label: s.label.clone(),
                        kind: s.kind.clone(),
                        values: count(s),
                        missing: of("missing")
                            .map(|m| format!("{}: {}", m.value, count(m)))
                            .collect::<Vec<_>>()
                            .join("; "),
                        codes: codes.join("; "),
                    }
                })
                .collect(),
        })
        .filter(|d| !d.columns.is_empty())
        .collect()
}

/// Everything the report shows.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    lang: &'static str,
    /// `rtl` for a language written right to left, else `ltr`.
    dir: &'static str,
    /// The page's font stack, and the `@font-face` rules that carry the
    /// fonts a browser may lack (Arabic), so the page stays self-contained.
    font_family: String,
    font_faces: String,
    version: &'static str,
    title: String,
    intro: String,
    spec_hash: String,
    t: std::collections::BTreeMap<&'static str, &'static str>,
    sections: Vec<SectionCtx>,
    comparisons: Vec<ComparisonCtx>,
    crosstabs: Vec<AnalysisTable>,
    models: Vec<AnalysisTable>,
    /// The comparisons' interval heading, with their level.
    comparisons_interval: String,
    methods: MethodsCtx,
}

/// What the methods section tells besides the spec.
#[derive(Debug, Clone)]
pub struct MethodsInput<'a> {
    /// Each source with its hash and rows.
    pub sources: Vec<SourceRow>,
    /// Each survey design used.
    pub designs: &'a [DesignSummary],
    /// Further facts, e.g. rows of a join without a match.
    pub notes: &'a [String],
    /// Drift and schema changes since the last published run.
    pub changes: &'a [String],
    /// The codebook of every dataset.
    pub codebook: &'a [crate::indicators::codebook::Line],
    /// Where the figures' PNGs are, relative to the report (`figures`, or
    /// `figures/<lang>` for the report in another language).
    pub figures_dir: &'a str,
}

/// The `@font-face` rules of the fonts an HTML page in `lang` needs and a
/// reader's machine may lack: Noto Naskh Arabic for Arabic (as data URLs),
/// nothing otherwise (DejaVu or the browser's sans-serif serves Latin text).
fn font_faces(lang: Language) -> String {
    use base64::Engine as _;
    if lang != Language::Ar {
        return String::new();
    }
    [(fonts::ARABIC_REGULAR, "normal"), (fonts::ARABIC_BOLD, "bold")]
        .iter()
        .map(|(data, weight)| {
            format!(
                "@font-face {{ font-family: \"{}\"; font-weight: {weight}; src: url(data:font/ttf;base64,{}) format(\"truetype\"); }}\n",
                fonts::ARABIC,
                base64::engine::general_purpose::STANDARD.encode(data)
            )
        })
        .collect()
}

/// Builds the report's context. `figures` pairs each chart's figure with its SVG.
pub fn context(
    study: &Study,
    rows: &[IndicatorRow],
    comparisons: &[ComparisonRow],
    crosstabs: (&[CellRow], &[TestRow]),
    models: &crate::models::Models,
    figures: &[(Figure, String)],
    methods: MethodsInput,
) -> Context {
    let MethodsInput {
        sources,
        designs,
        notes,
        changes,
        codebook,
        figures_dir,
    } = methods;
    let lang = study.language;
    let t = crate::locale::phrases::words(lang);
    let specs: Vec<SectionSpec> = if study.report.sections.is_empty() {
        default_sections(study)
    } else {
        study.report.sections.clone()
    };
    // Each indicator × breakdown gets one table: under the first figure that
    // draws it; a later figure of the same data points to that table, and
    // the sections' indicator tables leave those breakdowns out.
    // Key findings: each figure's range the first time its data appear, and
    // each comparison in the first section showing its indicator.
    let mut under: Vec<(FigureData, usize)> = Vec::new();
    let mut number = 0;
    let mut section_figures = Vec::new();
    let mut said: Vec<&str> = Vec::new();
    for s in &specs {
        let mut out = Vec::new();
        let mut findings = Vec::new();
        let mut shown: Vec<&str> = s.indicators.iter().map(String::as_str).collect();
        for (f, svg) in s
            .charts
            .iter()
            .filter_map(|c| figures.iter().find(|(f, _)| &f.spec.id == c))
        {
            number += 1;
            let data = figure_data(f);
            let table_of = under.iter().find(|(d, _)| *d == data).map(|(_, n)| *n);
            if table_of.is_none() {
                under.push((data, number));
                findings.extend(findings::range(f));
            }
            shown.extend(f.spec.indicators.iter().map(String::as_str));
            out.push(figure_ctx(f, svg, number, table_of, figures_dir));
        }
        for c in comparisons {
            if shown.contains(&c.indicator.as_str()) && !said.contains(&c.comparison.as_str()) {
                said.push(&c.comparison);
                findings.push(findings::gap(study, c, &comparison_ctx(study, c)));
            }
        }
        section_figures.push((out, findings));
    }
    let sections = specs
        .iter()
        .zip(section_figures)
        .enumerate()
        .map(|(i, (s, (figures, findings)))| SectionCtx {
            id: format!("section-{}", i + 1),
            title: s.title.get_or(lang, "").to_string(),
            text: s.text.get_or(lang, "").to_string(),
            findings,
            figures,
            tables: s
                .indicators
                .iter()
                .map(|id| table_ctx(study, id, rows, &under))
                .collect(),
            summaries: s
                .summary
                .iter()
                .map(|sum| summary_ctx(study, i, sum, rows))
                .collect(),
        })
        .collect();
    let designs = designs
        .iter()
        .map(|d| design_text(study, d))
        .chain(notes.iter().cloned())
        .collect();
    let survey = study.datasets.iter().any(|d| d.design.is_some());
    let (heading, reliability) = if survey {
        (
            phrase(lang, "design"),
            crate::survey::reliability::explain(&study.reliability, lang).methods,
        )
    } else {
        // No sample: nothing to say of designs or reliability rules.
        (
            phrase(lang, "measures"),
            phrase(lang, "rel_registries").to_string(),
        )
    };
    let indicators = study
        .indicators
        .iter()
        .map(|i| DefinitionCtx {
            id: i.id.clone(),
            label: i.label.get_or(lang, &i.id).to_string(),
            statistic: i.statistic.name().to_string(),
            expr: i.expr.clone().unwrap_or_default(),
            where_: i.subpopulation().unwrap_or_default(),
            by: i
                .breakdown_names()
                .iter()
                .map(|b| breakdown_label(study, &i.dataset, b))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    Context {
        lang: lang.code(),
        dir: if lang.rtl() { "rtl" } else { "ltr" },
        font_family: fonts::families(lang)
            .iter()
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
            .join(", "),
        font_faces: font_faces(lang),
        version: env!("CARGO_PKG_VERSION"),
        title: study
            .report
            .title
            .get(lang)
            .or(study.title.get(lang))
            .unwrap_or(&study.id)
            .to_string(),
        intro: study
            .report
            .introduction
            .get(lang)
            .or(study.description.get(lang))
            .unwrap_or("")
            .to_string(),
        spec_hash: study.spec_hash.clone(),
        t,
        sections,
        comparisons: comparisons
            .iter()
            .map(|c| comparison_ctx(study, c))
            .collect(),
        comparisons_interval: comparisons_interval(study, comparisons),
        crosstabs: study
            .crosstabs
            .iter()
            .map(|c| crosstab_ctx(study, c, crosstabs.0, crosstabs.1))
            .collect(),
        models: study
            .models
            .iter()
            .map(|m| model_ctx(study, m, models))
            .collect(),
        methods: MethodsCtx {
            datasets: sources,
            designs,
            heading: heading.to_string(),
            reliability,
            measures: measures(study),
            indicators,
            changes: changes.to_vec(),
            codebook: codebook_ctx(study, codebook),
        },
    }
}

/// What each registry measure the study uses means, once each, in the
/// order the indicators use them.
fn measures(study: &Study) -> Vec<String> {
    let mut out: Vec<String> = study
        .indicators
        .iter()
        .filter_map(|i| itu_definition(study, i))
        .collect();
    for i in &study.indicators {
        let text = match &i.statistic {
            Statistic::Concentration { measure, .. } => match measure {
                Concentration::Hhi => phrase(study.language, "measure_hhi").to_string(),
                Concentration::Gini => phrase(study.language, "measure_gini").to_string(),
                Concentration::TopShare(k) => fill(
                    study.language,
                    "measure_top_share",
                    &[("top", &k.to_string())],
                ),
            },
            Statistic::Growth { .. } => phrase(study.language, "measure_growth").to_string(),
            Statistic::Survival(_) => phrase(study.language, "measure_survival").to_string(),
            Statistic::CountDistinct => phrase(study.language, "measure_distinct").to_string(),
            Statistic::PerCapita(_) => phrase(study.language, "measure_per_capita").to_string(),
            _ => continue,
        };
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

/// What an ITU-coded indicator measures, in the study's language: the
/// ITU's name and definition, its SDG indicator and reference period, and
/// the study's own scope (its `where`).
fn itu_definition(study: &Study, i: &crate::spec::model::IndicatorSpec) -> Option<String> {
    let entry = crate::indicators::itu::find(i.itu.as_deref()?)?;
    let lang = study.language;
    let mut text = fill(
        lang,
        "itu_measure",
        &[
            ("code", entry.code),
            ("name", entry.name_in(lang)),
            ("definition", entry.definition_in(lang)),
        ],
    );
    if let Some(sdg) = entry.sdg {
        text += &fill(lang, "itu_sdg", &[("sdg", sdg)]);
    }
    if let Some(period) = entry.period_in(lang) {
        text += &fill(lang, "itu_period", &[("period", period)]);
    }
    let scope = i.subpopulation().map_or_else(
        || phrase(lang, "itu_all_rows").to_string(),
        |w| format!("`{w}`"),
    );
    text += &fill(
        lang,
        "itu_scope",
        &[
            ("indicator", i.label.get_or(lang, &i.id)),
            ("scope", &scope),
        ],
    );
    Some(text)
}

/// Without `[report]`: one section per dataset, with its charts and indicators.
fn default_sections(study: &Study) -> Vec<SectionSpec> {
    study
        .datasets
        .iter()
        .filter_map(|d| {
            let indicators: Vec<String> = study
                .indicators
                .iter()
                .filter(|i| i.dataset == d.id)
                .map(|i| i.id.clone())
                .collect();
            if indicators.is_empty() {
                return None;
            }
            let charts = study
                .charts
                .iter()
                .filter(|c| indicators.contains(&c.indicator))
                .map(|c| c.id.clone())
                .collect();
            Some(SectionSpec {
                title: if d.label.0.is_empty() {
                    Text::plain(d.id.clone())
                } else {
                    d.label.clone()
                },
                text: Text::default(),
                charts,
                indicators,
                summary: None,
            })
        })
        .collect()
}

/// A section's summary: a column per indicator, a row for the whole
/// and one per value of its `by` (in the order of the first indicator that
/// has it), each cell the estimate as the indicator's table writes it — or
/// its flag when it is not published.
fn summary_ctx(
    study: &Study,
    section: usize,
    sum: &crate::spec::model::SummarySpec,
    rows: &[IndicatorRow],
) -> AnalysisTable {
    let lang = study.language;
    let specs: Vec<&crate::spec::model::IndicatorSpec> = sum
        .indicators
        .iter()
        .filter_map(|id| study.indicator(id))
        .collect();
    let dataset = specs.first().map_or("", |i| i.dataset.as_str());
    let mut domains: Vec<&str> = Vec::new();
    for ind in &specs {
        for r in rows
            .iter()
            .filter(|r| r.indicator == ind.id && r.by == [sum.by.clone()])
        {
            if !domains.contains(&r.domain[0].as_str()) {
                domains.push(&r.domain[0]);
            }
        }
    }
    let cell = |ind: &crate::spec::model::IndicatorSpec, domain: Option<&str>| {
        let row = rows.iter().find(|r| {
            r.indicator == ind.id
                && match domain {
                    None => r.by.is_empty(),
                    Some(d) => r.by == [sum.by.clone()] && r.domain[0] == d,
                }
        });
        let Some(r) = row else {
            return String::new();
        };
        match (r.est.flag, r.est.estimate) {
            (Some(f @ (Flag::Suppressed | Flag::Confidential)), _) | (Some(f), None) => {
                f.words(lang).to_string()
            }
            (_, None) => String::new(),
            (_, Some(v)) if ind.statistic.in_percent() => numbers::percent(v * 100.0, lang),
            (_, Some(v)) => numbers::number(v, numbers::auto_decimals(v), lang),
        }
    };
    let mut table_rows = vec![AnalysisRow {
        label: phrase(lang, "all").to_string(),
        cells: specs.iter().map(|i| cell(i, None)).collect(),
    }];
    table_rows.extend(domains.iter().map(|d| AnalysisRow {
        label: value_label(study, dataset, &sum.by, d),
        cells: specs.iter().map(|i| cell(i, Some(d))).collect(),
    }));
    let by_label = breakdown_label(study, dataset, std::slice::from_ref(&sum.by));
    AnalysisTable {
        id: format!("section-{}", section + 1),
        label: sum.title.get_or(lang, &by_label).to_string(),
        caption: fill(lang, "summary_caption", &[("by", &by_label)]),
        columns: std::iter::once(by_label.clone())
            .chain(
                specs
                    .iter()
                    .map(|i| i.label.get_or(lang, &i.id).to_string()),
            )
            .collect(),
        rows: table_rows,
        note: String::new(),
    }
}

fn value_row(f: &Figure, p: &charts::Point) -> ValueRow {
    let shown = charts::drawn(p);
    ValueRow {
        by: String::new(),
        series: p.series.clone().unwrap_or_default(),
        label: p.full_label.clone(),
        value: if shown {
            p.value.map(|v| f.fmt(v)).unwrap_or_default()
        } else {
            String::new()
        },
        interval: match (shown, p.low, p.high) {
            (true, Some(lo), Some(hi)) => format!("{} – {}", f.fmt(lo), f.fmt(hi)),
            _ => String::new(),
        },
        n: p.n.map(|n| n.to_string()).unwrap_or_default(),
        flag: flag_text(f.lang, p.flag),
        flag_class: p.flag.map_or("", Flag::code).to_string(),
    }
}

fn flag_text(lang: Language, flag: Option<Flag>) -> String {
    flag.map_or("", |f| f.words(lang)).to_string()
}

/// A model's table — each coefficient (as an odds or rate ratio for logit
/// and log links) with its interval and p-value — and its fit in words.
fn model_ctx(
    study: &Study,
    m: &crate::spec::model::ModelSpec,
    models: &crate::models::Models,
) -> AnalysisTable {
    use crate::models::family::Family;
    let lang = study.language;
    let f = |v: f64| numbers::number(v, if v.abs() >= 100.0 { 1 } else { 2 }, lang);
    let ratio = m.family != Family::Gaussian;
    let shown = |v: f64| if ratio { v.exp() } else { v };
    let fit = models.fits.iter().find(|x| x.model == m.id);
    let rows = models
        .terms
        .iter()
        .filter(|t| t.model == m.id && !(ratio && t.column.parts.is_empty()))
        .map(|t| AnalysisRow {
            label: crate::models::term_label(study, &m.dataset, &t.column),
            cells: vec![
                if t.ci_low.is_finite() {
                    format!(
                        "{} ({} – {})",
                        f(shown(t.estimate)),
                        f(shown(t.ci_low)),
                        f(shown(t.ci_high))
                    )
                } else {
                    f(shown(t.estimate))
                },
                numbers::p_value(t.p_value, lang),
            ],
        })
        .collect();
    let heading = match m.family {
        Family::Gaussian => "coefficient",
        Family::Poisson => "rate_ratio",
        Family::Binomial | Family::Quasibinomial => "odds_ratio",
    };
    let scale = crate::models::scale_note(study, m, fit);
    let note = fit.map_or_else(String::new, |fit| {
        fill(
            lang,
            "model_fit",
            &[
                (
                    "family",
                    phrase(lang, &format!("family_{}", m.family.name())),
                ),
                ("n", &numbers::number(fit.n as f64, 0, lang)),
                ("df", &numbers::number(fit.df_residual, 0, lang)),
            ],
        )
    });
    AnalysisTable {
        id: m.id.clone(),
        label: m.label.get_or(lang, &m.formula_text).to_string(),
        caption: scale,
        columns: vec![
            phrase(lang, "term").to_string(),
            fill(lang, heading, &[]),
            phrase(lang, "p_value").to_string(),
        ],
        rows,
        note,
    }
}

/// The comparisons' interval heading: with their level when they share one.
/// A cross-tabulation's table and its test, in the study's language.
fn crosstab_ctx(
    study: &Study,
    c: &crate::spec::model::CrosstabSpec,
    cells: &[CellRow],
    tests: &[TestRow],
) -> AnalysisTable {
    use crate::spec::model::Percent;
    let lang = study.language;
    let mine: Vec<&CellRow> = cells.iter().filter(|x| x.crosstab == c.id).collect();
    let mut row_values: Vec<&str> = Vec::new();
    let mut column_values: Vec<&str> = Vec::new();
    for x in &mine {
        if !row_values.contains(&x.row.as_str()) {
            row_values.push(&x.row);
        }
        if !column_values.contains(&x.column.as_str()) {
            column_values.push(&x.column);
        }
    }
    let (rows_var, columns_var) = (c.rows.name(), c.columns.name());
    let pct = |v: f64| numbers::percent(v * 100.0, lang);
    let rows = row_values
        .iter()
        .map(|r| AnalysisRow {
            label: value_label(study, &c.dataset, &rows_var, r),
            cells: column_values
                .iter()
                .map(|col| {
                    let cell = mine.iter().find(|x| x.row == *r && x.column == *col);
                    match cell.map(|x| &x.est) {
                        Some(e) if e.flag == Some(Flag::Suppressed) => {
                            phrase(lang, "flag_suppressed").to_string()
                        }
                        Some(e) => match (e.estimate, e.ci_low, e.ci_high) {
                            (Some(v), Some(lo), Some(hi)) => {
                                format!("{} ({} – {})", pct(v), pct(lo), pct(hi))
                            }
                            (Some(v), ..) => pct(v),
                            _ => "—".to_string(),
                        },
                        None => "—".to_string(),
                    }
                })
                .collect(),
        })
        .collect();
    let test = crate::indicators::crosstab::test_sentence(
        lang,
        c,
        tests.iter().find(|t| t.crosstab == c.id),
    );
    AnalysisTable {
        id: c.id.clone(),
        label: c.label.get(lang).map_or_else(
            || {
                format!(
                    "{} × {}",
                    variable_label(study, &c.dataset, &rows_var),
                    variable_label(study, &c.dataset, &columns_var)
                )
            },
            str::to_string,
        ),
        caption: phrase(
            lang,
            match c.percent {
                Percent::Row => "crosstab_percent_row",
                Percent::Column => "crosstab_percent_column",
                Percent::Cell => "crosstab_percent_cell",
            },
        )
        .to_string(),
        columns: std::iter::once(variable_label(study, &c.dataset, &rows_var))
            .chain(
                column_values
                    .iter()
                    .map(|v| value_label(study, &c.dataset, &columns_var, v)),
            )
            .collect(),
        rows,
        note: test,
    }
}

fn comparisons_interval(study: &Study, comparisons: &[ComparisonRow]) -> String {
    let mut levels: Vec<f64> = comparisons
        .iter()
        .filter_map(|c| study.indicator(&c.indicator).map(|i| i.level))
        .collect();
    levels.dedup();
    match levels.as_slice() {
        [level] => interval_heading(study.language, *level),
        [] => interval_heading(study.language, 0.95),
        _ => phrase(study.language, "interval_any").to_string(),
    }
}

/// The heading of an interval column at confidence `level`.
fn interval_heading(lang: Language, level: f64) -> String {
    fill(
        lang,
        "interval",
        &[("level", &crate::locale::level_percent(level))],
    )
}

/// The data a figure shows: its indicators and its breakdown's variables
/// (in sorted order, as a table of them would list them).
type FigureData = (Vec<String>, Vec<String>);

fn figure_data(f: &Figure) -> FigureData {
    let mut vars: Vec<String> = std::iter::once(f.spec.by.clone())
        .chain(f.spec.series.clone())
        .collect();
    vars.sort();
    (f.spec.indicators.clone(), vars)
}

/// A figure numbered `number`, with its data table — or, when figure
/// `table_of` already shows the same data, a pointer to that table. Its
/// caption numbers it; its title, subtitle and notes are in the drawing.
fn figure_ctx(
    f: &Figure,
    svg: &str,
    number: usize,
    table_of: Option<usize>,
    figures_dir: &str,
) -> FigureCtx {
    let n = number.to_string();
    FigureCtx {
        id: f.spec.id.clone(),
        title: f.title.clone(),
        svg: svg.trim_start_matches(|c| c != '<').to_string(),
        png: format!("{figures_dir}/{}.png", f.spec.id),
        alt: format!("{}. {}", f.title, f.subtitle)
            .trim_end_matches(['.', ' '])
            .to_string(),
        caption: fill(
            f.lang,
            "figure_caption",
            &[("number", &n), ("title", &f.title)],
        ),
        has_series: f.points.iter().any(|p| p.series.is_some()),
        interval: interval_heading(f.lang, f.level),
        rows: match table_of {
            None => f.points.iter().map(|p| value_row(f, p)).collect(),
            Some(_) => Vec::new(),
        },
        data_note: table_of.map_or(String::new(), |m| {
            fill(f.lang, "data_under", &[("number", &m.to_string())])
        }),
    }
}

/// The table of indicator `id`: its rows but those of breakdowns a
/// figure's table already shows (`under`).
fn table_ctx(
    study: &Study,
    id: &str,
    rows: &[IndicatorRow],
    under: &[(FigureData, usize)],
) -> TableCtx {
    let in_figure = |r: &IndicatorRow| {
        let mut vars = r.by.clone();
        vars.sort();
        !vars.is_empty()
            && under
                .iter()
                .any(|((inds, v), _)| inds.iter().any(|i| i == id) && *v == vars)
    };
    let lang = study.language;
    let ind = study.indicator(id);
    let percent = ind.is_some_and(|i| i.statistic.in_percent());
    let fmt = |v: f64| {
        if percent {
            numbers::percent(v * 100.0, lang)
        } else {
            numbers::number(v, numbers::auto_decimals(v), lang)
        }
    };
    let all = phrase(lang, "all");
    TableCtx {
        id: id.to_string(),
        label: ind.map_or(id, |i| i.label.get_or(lang, id)).to_string(),
        statistic: ind.map_or("", |i| i.statistic.name()).to_string(),
        interval: interval_heading(lang, ind.map_or(0.95, |i| i.level)),
        rows: rows
            .iter()
            .filter(|r| r.indicator == id && !in_figure(r))
            .map(|r| {
                let suppressed = r.est.flag == Some(Flag::Suppressed);
                ValueRow {
                    by: if r.by.is_empty() {
                        all.to_string()
                    } else {
                        breakdown_label(study, &r.dataset, &r.by)
                    },
                    series: String::new(),
                    label: domain_label(study, r).unwrap_or_else(|| all.to_string()),
                    value: if suppressed {
                        String::new()
                    } else {
                        r.est.estimate.map(fmt).unwrap_or_default()
                    },
                    interval: match (suppressed, r.est.ci_low, r.est.ci_high) {
                        (false, Some(lo), Some(hi)) => format!("{} – {}", fmt(lo), fmt(hi)),
                        _ => String::new(),
                    },
                    n: r.est.counts().map(|c| c.0.to_string()).unwrap_or_default(),
                    flag: flag_text(lang, r.est.flag),
                    flag_class: r.est.flag.map_or("", Flag::code).to_string(),
                }
            })
            .collect(),
    }
}

fn comparison_ctx(study: &Study, c: &ComparisonRow) -> ComparisonCtx {
    let lang = study.language;
    let ind = study.indicator(&c.indicator);
    let percent = ind.is_some_and(|i| i.statistic.in_percent());
    let fmt = |v: f64| {
        if percent {
            numbers::number(v * 100.0, 1, lang) + phrase(lang, "points")
        } else {
            numbers::number(v, numbers::auto_decimals(v), lang)
        }
    };
    let side = |v: &str| match (c.method, ind) {
        ("domains", Some(i)) => value_label(study, &i.dataset, &c.by, v),
        _ => v.to_string(),
    };
    let label = study
        .comparisons
        .iter()
        .find(|s| s.id == c.comparison)
        .and_then(|s| s.label.get(lang))
        .unwrap_or(&c.comparison);
    // A difference within a group names it: "Change since 2024 — Region: Souss-Massa".
    let label = match (&c.within, ind) {
        (Some((var, value)), Some(i)) => format!(
            "{label} — {}{}{}",
            variable_label(study, &i.dataset, var),
            phrase(lang, "colon"),
            value_label(study, &i.dataset, var, value)
        ),
        _ => label.to_string(),
    };
    let d = &c.diff;
    ComparisonCtx {
        label,
        a: side(&c.a),
        b: if c.method == "domains" {
            side(&c.b)
        } else {
            c.by.clone()
        },
        difference: fmt(d.difference),
        interval: format!("{} – {}", fmt(d.ci_low), fmt(d.ci_high)),
        p_value: numbers::p_value(d.p_value, lang),
    }
}

fn design_text(study: &Study, d: &DesignSummary) -> String {
    let lang = study.language;
    // Its label, as the sources table names it (the id without one).
    let dataset_name = study
        .dataset(&d.dataset)
        .map_or(d.dataset.as_str(), |ds| ds.label.get_or(lang, &d.dataset))
        .to_string();
    let n = |v: f64| numbers::number(v, 0, lang);
    let mut text = fill(
        lang,
        "design_sample",
        &[
            ("dataset", &dataset_name),
            ("rows", &n(d.rows as f64)),
            ("strata", &d.strata.to_string()),
            ("psus", &n(d.psus as f64)),
            ("df", &d.df.to_string()),
            ("weighted", &n(d.weighted_rows)),
        ],
    );
    text += &match d.replicates {
        Some((method, count, scale)) => fill(
            lang,
            "design_replicates",
            &[
                ("count", &count.to_string()),
                ("method", method),
                (
                    "scale",
                    &numbers::number(scale, numbers::auto_decimals(scale), lang),
                ),
            ],
        ),
        None => fill(
            lang,
            "design_taylor",
            &[(
                "fpc",
                if d.fpc {
                    phrase(lang, "design_fpc")
                } else {
                    ""
                },
            )],
        ),
    };
    if let Some(c) = &d.calibration {
        text += &calibration_text(lang, c);
        if let Some(g) = c.g {
            text += &g_text(lang, &g, c.bounds.is_some());
        }
    }
    // The interval methods of the dataset's proportions (the default when it has none).
    let mut methods: Vec<CiMethod> = Vec::new();
    for i in study.indicators.iter().filter(|i| i.dataset == d.dataset) {
        if let Statistic::Proportion { ci } = i.statistic
            && !methods.contains(&ci)
        {
            methods.push(ci);
        }
    }
    if methods.is_empty() {
        methods.push(CiMethod::Logit);
    }
    let ci: Vec<&str> = methods
        .iter()
        .map(|m| {
            let name = CiMethod::ALL
                .iter()
                .find(|(x, _)| x == m)
                .map_or("logit", |(_, n)| n);
            phrase(lang, &format!("ci_{name}"))
        })
        .collect();
    text += &fill(
        lang,
        "design_domains",
        &[("ci", &ci.join(phrase(lang, "or")))],
    );
    if let Some(w) = &d.weighting {
        text += &weighting_text(lang, w);
    }
    text
}

/// A number of weighting diagnostics: three significant digits.
fn diagnostic(v: f64, lang: Language) -> String {
    let decimals = if v == 0.0 {
        0
    } else {
        (2 - v.abs().log10().floor() as i64).clamp(0, 6) as usize
    };
    numbers::number(v, decimals, lang)
}

/// The weights' spread, CV, Kish's effective sample size and design
/// effect due to weighting, as a sentence of the design's methods.
fn weighting_text(lang: Language, w: &crate::survey::diagnostics::Weights) -> String {
    let f = |v: f64| diagnostic(v, lang);
    fill(
        lang,
        "design_weighting",
        &[
            ("min", &f(w.spread.min)),
            ("max", &f(w.spread.max)),
            ("median", &f(w.spread.median)),
            ("ratio", &w.ratio.map_or("—".to_string(), f)),
            ("cv", &f(w.cv)),
            ("kish", &numbers::number(w.kish_n, 0, lang)),
            ("rows", &numbers::number(w.n as f64, 0, lang)),
            ("deff", &f(w.deff)),
        ],
    )
}

/// The g-weights of a calibration, as a clause of the design's sentence.
fn g_text(lang: Language, g: &crate::survey::diagnostics::GWeights, bounded: bool) -> String {
    let f = |v: f64| diagnostic(v, lang);
    let at_bounds = if bounded {
        fill(
            lang,
            "design_g_bounds",
            &[
                ("lower", &g.at_lower.to_string()),
                ("upper", &g.at_upper.to_string()),
            ],
        )
    } else {
        String::new()
    };
    fill(
        lang,
        "design_g",
        &[
            ("min", &f(g.spread.min)),
            ("max", &f(g.spread.max)),
            ("median", &f(g.spread.median)),
            ("at_bounds", &at_bounds),
        ],
    )
}

/// How the weights were calibrated, as a clause of the design's sentence.
fn calibration_text(lang: Language, c: &crate::survey::correction::Summary) -> String {
    let margins = c.margins.join(", ");
    let totals = c.totals.join(", ");
    match c.method {
        "poststratify" => fill(lang, "cal_poststratify", &[("margins", &margins)]),
        "rake" => fill(
            lang,
            "cal_rake",
            &[
                ("margins", &margins),
                (
                    "state",
                    phrase(
                        lang,
                        if c.converged {
                            "cal_converged"
                        } else {
                            "cal_not_converged"
                        },
                    ),
                ),
                ("iterations", &c.iterations.unwrap_or(0).to_string()),
            ],
        ),
        _ => {
            let bounds = c.bounds.map_or(String::new(), |(low, high)| {
                fill(
                    lang,
                    "cal_bounds",
                    &[("low", &low.to_string()), ("high", &high.to_string())],
                )
            });
            let and_totals = if margins.is_empty() || totals.is_empty() {
                ""
            } else {
                phrase(lang, "cal_and_totals")
            };
            fill(
                lang,
                "cal_linear",
                &[
                    ("bounds", &bounds),
                    ("margins", &margins),
                    ("and_totals", and_totals),
                    ("totals", &totals),
                ],
            )
        }
    }
}

/// Renders `report.html`.
pub fn html(ctx: &Context) -> Result<String> {
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", include_str!("templates/report.html"))
        .map_err(|e| Error::internal("report template", e))?;
    let html = env
        .get_template("report.html")
        .and_then(|t| t.render(ctx))
        .map_err(|e| Error::internal("rendering report.html", e))?;
    // The template has none: any control character came from data or the spec.
    Ok(crate::text::escape_control(&html).into_owned())
}
