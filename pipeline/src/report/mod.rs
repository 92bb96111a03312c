//! The report: one self-contained `report.html` (inline CSS and SVG, no
//! script, nothing fetched) and the same content as `report.md` with the
//! PNGs. Both are rendered from one [`Context`] built here, so they cannot
//! disagree. Every text from the spec or the data is escaped by the
//! template engine (auto-escaping is on for HTML).

pub mod markdown;
mod phrases;

use serde::Serialize;

use crate::charts::{self, Figure};
use crate::error::{Error, Result};
use crate::indicators::{
    DesignSummary, IndicatorRow,
    compare::ComparisonRow,
    table::{domain_label, value_label},
};
use crate::spec::model::{Language, SectionSpec, Study, Text};
pub use phrases::phrases;

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
    n: u64,
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
    rows: Vec<ValueRow>,
}

/// An indicator table in the report.
#[derive(Debug, Clone, Serialize)]
pub struct TableCtx {
    id: String,
    label: String,
    statistic: String,
    rows: Vec<ValueRow>,
}

/// A report section.
#[derive(Debug, Clone, Serialize)]
pub struct SectionCtx {
    id: String,
    title: String,
    text: String,
    figures: Vec<FigureCtx>,
    tables: Vec<TableCtx>,
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

/// The methods section.
#[derive(Debug, Clone, Serialize)]
pub struct MethodsCtx {
    datasets: Vec<SourceRow>,
    designs: Vec<String>,
    reliability: String,
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
    values: u64,
    missing: String,
    codes: String,
}

/// The codebook's lines grouped by dataset and column, codes and missing
/// values in words (at most 12 codes per column; the CSV has them all).
fn codebook_ctx(
    study: &Study,
    lines: &[crate::indicators::codebook::Line],
) -> Vec<CodebookDataset> {
    let fmt = |v: f64| crate::charts::format::number(v, 0, study.language);
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
                            format!("{}{label} ({})", c.value, fmt(c.n as f64))
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
                        values: s.n,
                        missing: of("missing")
                            .map(|m| format!("{}: {}", m.value, fmt(m.n as f64)))
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
    version: &'static str,
    title: String,
    intro: String,
    spec_hash: String,
    t: std::collections::BTreeMap<&'static str, &'static str>,
    sections: Vec<SectionCtx>,
    comparisons: Vec<ComparisonCtx>,
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
}

/// Builds the report's context. `figures` pairs each chart's figure with its SVG.
pub fn context(
    study: &Study,
    rows: &[IndicatorRow],
    comparisons: &[ComparisonRow],
    figures: &[(Figure, String)],
    methods: MethodsInput,
) -> Context {
    let MethodsInput {
        sources,
        designs,
        notes,
        changes,
        codebook,
    } = methods;
    let lang = study.language;
    let t = phrases(lang);
    let specs: Vec<SectionSpec> = if study.report.sections.is_empty() {
        default_sections(study)
    } else {
        study.report.sections.clone()
    };
    let sections = specs
        .iter()
        .enumerate()
        .map(|(i, s)| SectionCtx {
            id: format!("section-{}", i + 1),
            title: s.title.get_or(lang, "").to_string(),
            text: s.text.get_or(lang, "").to_string(),
            figures: s
                .charts
                .iter()
                .filter_map(|c| figures.iter().find(|(f, _)| &f.spec.id == c))
                .map(|(f, svg)| figure_ctx(f, svg))
                .collect(),
            tables: s
                .indicators
                .iter()
                .map(|id| table_ctx(study, id, rows))
                .collect(),
        })
        .collect();
    let designs = designs
        .iter()
        .map(|d| design_text(lang, d))
        .chain(notes.iter().cloned())
        .collect();
    let reliability = crate::survey::reliability::explain(&study.reliability, lang).methods;
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
                .map(|b| b.join(IndicatorRow::CROSS))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    Context {
        lang: lang.code(),
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
        methods: MethodsCtx {
            datasets: sources,
            designs,
            reliability,
            indicators,
            changes: changes.to_vec(),
            codebook: codebook_ctx(study, codebook),
        },
    }
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
            })
        })
        .collect()
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
        n: p.n,
        flag: flag_text(f.lang, p.flag.as_deref()),
        flag_class: p.flag.clone().unwrap_or_default(),
    }
}

fn flag_text(lang: Language, flag: Option<&str>) -> String {
    match (lang, flag) {
        (Language::En, Some("caution")) => "use with caution",
        (Language::Fr, Some("caution")) => "à utiliser avec prudence",
        (Language::En, Some("suppressed")) => "suppressed",
        (Language::Fr, Some("suppressed")) => "supprimée",
        _ => "",
    }
    .to_string()
}

fn figure_ctx(f: &Figure, svg: &str) -> FigureCtx {
    let mut caption = vec![f.title.clone()];
    if !f.subtitle.is_empty() {
        caption.push(f.subtitle.clone());
    }
    caption.extend(f.notes.iter().cloned());
    FigureCtx {
        id: f.spec.id.clone(),
        title: f.title.clone(),
        svg: svg.trim_start_matches(|c| c != '<').to_string(),
        png: format!("figures/{}.png", f.spec.id),
        alt: format!("{}. {}", f.title, f.subtitle)
            .trim_end_matches(['.', ' '])
            .to_string(),
        caption: caption.join(" — "),
        has_series: f.points.iter().any(|p| p.series.is_some()),
        rows: f.points.iter().map(|p| value_row(f, p)).collect(),
    }
}

fn table_ctx(study: &Study, id: &str, rows: &[IndicatorRow]) -> TableCtx {
    let lang = study.language;
    let ind = study.indicator(id);
    let percent = ind.is_some_and(|i| i.statistic.is_proportion());
    let fmt = |v: f64| {
        if percent {
            charts::format::percent(v * 100.0, lang)
        } else {
            charts::format::number(v, charts::format::auto_decimals(v), lang)
        }
    };
    let all = phrases(lang)["all"];
    TableCtx {
        id: id.to_string(),
        label: ind.map_or(id, |i| i.label.get_or(lang, id)).to_string(),
        statistic: ind.map_or("", |i| i.statistic.name()).to_string(),
        rows: rows
            .iter()
            .filter(|r| r.indicator == id)
            .map(|r| {
                let suppressed = r.est.flag == Some("suppressed");
                ValueRow {
                    by: r.by_text().unwrap_or_else(|| all.to_string()),
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
                    n: r.est.n,
                    flag: flag_text(lang, r.est.flag),
                    flag_class: r.est.flag.unwrap_or("").to_string(),
                }
            })
            .collect(),
    }
}

fn comparison_ctx(study: &Study, c: &ComparisonRow) -> ComparisonCtx {
    let lang = study.language;
    let ind = study.indicator(&c.indicator);
    let percent = ind.is_some_and(|i| i.statistic.is_proportion());
    let fmt = |v: f64| {
        if percent {
            charts::format::number(v * 100.0, 1, lang)
                + if lang == Language::Fr {
                    "\u{a0}pt"
                } else {
                    " pt"
                }
        } else {
            charts::format::number(v, charts::format::auto_decimals(v), lang)
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
    let d = &c.diff;
    ComparisonCtx {
        label: label.to_string(),
        a: side(&c.a),
        b: if c.method == "domains" {
            side(&c.b)
        } else {
            c.by.clone()
        },
        difference: fmt(d.difference),
        interval: format!("{} – {}", fmt(d.ci_low), fmt(d.ci_high)),
        p_value: if d.p_value < 0.001 {
            "< 0.001".to_string()
        } else {
            charts::format::number(d.p_value, 3, lang)
        },
    }
}

fn design_text(lang: Language, d: &DesignSummary) -> String {
    let n = |v: f64| charts::format::number(v, 0, lang);
    let fr = lang == Language::Fr;
    let mut text = if fr {
        format!(
            "Jeu de données `{}` : {} répondants répartis en {} strates et {} unités primaires (degrés de liberté du plan : {}), représentant une population pondérée de {}. ",
            d.dataset,
            n(d.rows as f64),
            d.strata,
            n(d.psus as f64),
            d.df,
            n(d.weighted_rows)
        )
    } else {
        format!(
            "Dataset `{}`: {} respondents in {} strata and {} primary sampling units (design degrees of freedom {}), representing a weighted population of {}. ",
            d.dataset,
            n(d.rows as f64),
            d.strata,
            n(d.psus as f64),
            d.df,
            n(d.weighted_rows)
        )
    };
    text += &match (d.replicates, fr) {
        (Some((method, count)), false) => {
            format!("Standard errors from {count} replicate weights ({method}, as R's svrepdesign)")
        }
        (Some((method, count)), true) => {
            format!("Erreurs types par {count} poids répliqués ({method}, comme svrepdesign de R)")
        }
        (None, true) => format!(
            "Erreurs types par linéarisation de Taylor au premier degré, approximation avec remise{}",
            if d.fpc {
                ", avec correction de population finie"
            } else {
                ""
            }
        ),
        (None, false) => format!(
            "Standard errors by Taylor linearisation, first stage, with-replacement approximation{}",
            if d.fpc {
                ", with finite-population correction"
            } else {
                ""
            }
        ),
    };
    if let Some(c) = &d.calibration {
        text += &calibration_text(lang, c);
    }
    text += if fr {
        " ; les domaines sont estimés sur le plan complet (les observations hors domaine comptent pour zéro). Intervalles : logit (loi de Student sur les degrés de liberté du plan) pour les proportions, Wald (loi normale) pour les moyennes, totaux et effectifs, comme le package survey de R."
    } else {
        "; domains are estimated on the full design (out-of-domain rows contribute zero). Intervals: logit (t on the design degrees of freedom) for proportions, Wald (normal) for means, totals and counts, as R's survey package."
    };
    text
}

/// How the weights were calibrated, as a clause of the design's sentence.
fn calibration_text(lang: Language, c: &crate::survey::calibrate::Summary) -> String {
    let fr = lang == Language::Fr;
    let margins = c.margins.join(", ");
    let totals = c.totals.join(", ");
    match (c.method, fr) {
        ("poststratify", false) => format!(
            "; weights post-stratified to the population counts of {margins}, and the variance takes out what post-stratification fixes"
        ),
        ("poststratify", true) => format!(
            " ; poids post-stratifiés sur les effectifs de la population par {margins}, la variance retirant ce que la post-stratification fixe"
        ),
        ("rake", false) => format!(
            "; weights raked to the margins {margins} ({} after {} iteration(s)), and the variance takes out what raking fixes",
            if c.converged {
                "converged"
            } else {
                "NOT converged"
            },
            c.iterations.unwrap_or(0)
        ),
        ("rake", true) => format!(
            " ; poids calés par raking sur les marges {margins} ({} après {} itération(s)), la variance retirant ce que le calage fixe",
            if c.converged {
                "convergence atteinte"
            } else {
                "SANS convergence"
            },
            c.iterations.unwrap_or(0)
        ),
        (_, false) => format!(
            "; weights calibrated (linear, GREG{}) to {}{}{}, and the variance uses the regression residuals",
            c.bounds.map_or(String::new(), |(l, h)| format!(
                ", g-weights within [{l}, {h}]"
            )),
            margins,
            if margins.is_empty() || totals.is_empty() {
                ""
            } else {
                " and the totals of "
            },
            totals
        ),
        (_, true) => format!(
            " ; poids calés (linéaire, GREG{}) sur {}{}{}, la variance utilisant les résidus de la régression",
            c.bounds.map_or(String::new(), |(l, h)| format!(
                ", rapports de poids dans [{l}, {h}]"
            )),
            margins,
            if margins.is_empty() || totals.is_empty() {
                ""
            } else {
                " et les totaux de "
            },
            totals
        ),
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
