//! From `RawSpec` to [`Study`]: checks every name, choice and reference
//! that can be checked without reading the data, and points each error at
//! the key in `study.toml` with the valid choices. Column names and
//! expressions are checked later, against the ingested schemas
//! (`indicators::check`), because only the data knows its columns.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::model::*;
use super::raw::*;
use crate::error::{Error, Location, Result, choices};
use crate::ingest::contract;

mod chart;
mod composite;
mod dataset;
mod design;
mod disclosure;
mod indicator;
mod regression;
mod report;

/// Resolves a parsed spec read from `spec_path` (whose text is `text`).
pub(crate) fn resolve(raw: RawSpec, spec_path: &Path, text: &str) -> Result<Study> {
    let dir = spec_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let r = Resolver {
        path: spec_path,
        text,
        dir: dir.clone(),
    };

    let id = raw.study.id.get_ref().clone();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(r.err(
            &raw.study.id,
            format!("study id `{id}` must be non-empty ASCII letters, digits, `-` or `_`"),
        ));
    }
    let pick_language =
        |l: &Spanned<String>| pick(&r, l, "language", &Language::ALL.map(|l| (l, l.code())));
    let mut languages: Vec<Language> = Vec::new();
    for l in raw.study.languages.iter().flatten() {
        let lang = pick_language(l)?;
        if languages.contains(&lang) {
            return Err(r.err(l, format!("language `{}` is listed twice", l.get_ref())));
        }
        languages.push(lang);
    }
    let language = match (&raw.study.language, languages.first()) {
        (None, None) => Language::En,
        (None, Some(first)) => *first,
        (Some(l), first) => {
            let lang = pick_language(l)?;
            if first.is_some_and(|f| *f != lang) {
                return Err(r.err(
                    l,
                    "`language` must be the first of `languages` (or left out)".to_string(),
                ));
            }
            lang
        }
    };

    let mut datasets = Vec::new();
    for (ds_id, ds) in raw.datasets {
        datasets.push(r.dataset(&dir, ds_id, ds)?);
    }
    let ds_ids: Vec<&str> = datasets.iter().map(|d| d.id.as_str()).collect();

    let mut indicators: Vec<IndicatorSpec> = Vec::new();
    let mut seen = HashSet::new();
    for ind in raw.indicators {
        let ind = ind.into_inner();
        let at = Spanned::new(ind.id.span(), ());
        for spec in r.indicator(ind, &ds_ids, &datasets)? {
            if !seen.insert(spec.id.clone()) {
                return Err(r.err(&at, format!("indicator id `{}` is used twice", spec.id)));
            }
            indicators.push(spec);
        }
    }

    for g in &indicators {
        let Statistic::Growth { of, over } = &g.statistic else {
            continue;
        };
        let source = indicators
            .iter()
            .find(|i| &i.id == of && !matches!(i.statistic, Statistic::Growth { .. }));
        let ok = source.is_some_and(|s| s.dataset == g.dataset && s.has_breakdown(over));
        if !ok {
            return Err(Error::spec(format!(
                "indicator `{}`: growth of `{of}` over `{over}`: `{of}` must be an indicator of dataset `{}` (not itself a growth) with the breakdown `by = [\"{over}\"]`",
                g.id, g.dataset
            )));
        }
    }
    let mut composites: Vec<CompositeSpec> = Vec::new();
    for c in raw.composites {
        let c = c.into_inner();
        if composites.iter().any(|x| &x.id == c.id.get_ref()) {
            return Err(r.err(
                &c.id,
                format!("composite id `{}` is used twice", c.id.get_ref()),
            ));
        }
        composites.push(r.composite(c, &ds_ids, &indicators)?);
    }
    let mut crosstabs: Vec<CrosstabSpec> = Vec::new();
    for c in raw.crosstabs {
        let location = r.loc(&c);
        let c = c.into_inner();
        if crosstabs.iter().any(|x| &x.id == c.id.get_ref()) {
            return Err(r.err(
                &c.id,
                format!("crosstab id `{}` is used twice", c.id.get_ref()),
            ));
        }
        crosstabs.push(r.crosstab(c, location, &datasets)?);
    }
    let mut models: Vec<ModelSpec> = Vec::new();
    for m in raw.models {
        let location = r.loc(&m);
        let m = m.into_inner();
        if models.iter().any(|x| &x.id == m.id.get_ref()) {
            return Err(r.err(
                &m.id,
                format!("model id `{}` is used twice", m.id.get_ref()),
            ));
        }
        models.push(r.model(m, location, &datasets)?);
    }
    let ind_ids: Vec<&str> = indicators.iter().map(|i| i.id.as_str()).collect();
    let mut charts: Vec<ChartSpec> = Vec::new();
    let mut seen = HashSet::new();
    for ch in raw.charts {
        let ch = ch.into_inner();
        if !seen.insert(ch.id.get_ref().clone()) {
            return Err(r.err(
                &ch.id,
                format!("chart id `{}` is used twice", ch.id.get_ref()),
            ));
        }
        charts.push(r.chart(
            ch,
            &indicators,
            &composites,
            &ind_ids,
            (&crosstabs, &models),
        )?);
    }

    let mut comparisons: Vec<ComparisonSpec> = Vec::new();
    for c in raw.comparisons {
        let location = r.loc(&c);
        let c = c.into_inner();
        if comparisons.iter().any(|x| &x.id == c.id.get_ref()) {
            return Err(r.err(
                &c.id,
                format!("comparison id `{}` is used twice", c.id.get_ref()),
            ));
        }
        comparisons.push(r.comparison(c, location, &indicators, &ind_ids)?);
    }
    let report = r.report(raw.report, &charts, &indicators)?;
    let reliability = match raw.study.reliability {
        None => Reliability::default(),
        Some(rr) => {
            let d = Reliability::default();
            Reliability {
                rule: match &rr.rule {
                    None => d.rule,
                    Some(rule) => pick(
                        &r,
                        rule,
                        "reliability rule",
                        &[
                            (ReliabilityRule::Cv, "cv"),
                            (ReliabilityRule::Nchs2017, "nchs2017"),
                        ],
                    )?,
                },
                min_n: rr.min_n.unwrap_or(d.min_n),
                cv_caution: rr.cv_caution.unwrap_or(d.cv_caution),
                cv_suppress: rr.cv_suppress.unwrap_or(d.cv_suppress),
            }
        }
    };

    let disclosure = r.disclosure(raw.study.disclosure, &ds_ids)?;
    let drift = match raw.study.drift {
        None => Drift::default(),
        Some(d) => {
            let limit = |v: &Option<Spanned<f64>>, key: &str| match v {
                Some(x) if x.get_ref().is_nan() || *x.get_ref() <= 0.0 => Err(r.err(
                    x,
                    format!("[study.drift] `{key}` must be a positive number"),
                )),
                Some(x) => Ok(Some(*x.get_ref())),
                None => Ok(None),
            };
            Drift {
                se: limit(&d.se, "se")?,
                points: limit(&d.points, "points")?,
            }
        }
    };

    let engine = match raw.study.engine {
        None => Engine::default(),
        Some(e) => {
            let d = Engine::default();
            let count = |v: &Option<Spanned<i64>>, key: &str, least: i64| match v {
                Some(x) if *x.get_ref() < least => Err(r.err(
                    x,
                    format!(
                        "[study.engine] `{key}` must be a whole number of rows, at least {least}"
                    ),
                )),
                Some(x) => Ok(Some(*x.get_ref() as u64)),
                None => Ok(None),
            };
            Engine {
                stream_rows: count(&e.stream_rows, "stream_rows", 0)?.unwrap_or(d.stream_rows),
                batch_rows: count(&e.batch_rows, "batch_rows", 1)?
                    .map_or(d.batch_rows, |b| b as usize),
                scheduler: engine_scheduler(&r, &e)?,
            }
        }
    };

    Ok(Study {
        engine,
        drift,
        disclosure,
        composites,
        id,
        title: text_of(Some(raw.study.title)),
        description: text_of(raw.study.description),
        language,
        languages,
        spec_path: spec_path.to_path_buf(),
        dir,
        spec_hash: blake3::hash(text.as_bytes()).to_hex().to_string(),
        datasets,
        indicators,
        charts,
        comparisons,
        crosstabs,
        models,
        report,
        reliability,
    })
}

/// Turns a raw text into a [`Text`].
pub(crate) fn text_of(raw: Option<RawText>) -> Text {
    match raw {
        None => Text::default(),
        Some(RawText::One(s)) => Text::plain(s),
        Some(RawText::PerLanguage(m)) => Text(m),
    }
}

/// Resolves `value` against a table of named choices, or explains the choices.
pub(in crate::spec) fn pick<T: Copy>(
    r: &Resolver,
    value: &Spanned<String>,
    what: &str,
    table: &[(T, &str)],
) -> Result<T> {
    table
        .iter()
        .find(|(_, n)| *n == value.get_ref())
        .map(|(t, _)| *t)
        .ok_or_else(|| {
            r.err(
                value,
                format!(
                    "unknown {what} `{}` — expected one of {}",
                    value.get_ref(),
                    choices(table.iter().map(|(_, n)| *n))
                ),
            )
        })
}

pub(in crate::spec) struct Resolver<'a> {
    path: &'a Path,
    text: &'a str,
    /// The study folder, where relative paths start.
    dir: PathBuf,
}

impl Resolver<'_> {
    pub(in crate::spec) fn loc<T>(&self, s: &Spanned<T>) -> Location {
        Location::from_offset(self.path, self.text, s.span().start)
    }

    /// A confidence level (default 0.95), strictly between 0 and 1.
    pub(in crate::spec) fn level(&self, l: Option<&Spanned<f64>>, what: &str) -> Result<f64> {
        match l {
            None => Ok(0.95),
            Some(l) if *l.get_ref() > 0.0 && *l.get_ref() < 1.0 => Ok(*l.get_ref()),
            Some(l) => Err(self.err(
                l,
                format!("{what}: level must be between 0 and 1, e.g. 0.95"),
            )),
        }
    }

    pub(in crate::spec) fn err<T>(&self, s: &Spanned<T>, message: String) -> Error {
        Error::spec_at(self.loc(s), message)
    }
}

/// The spec file for a STUDY argument: the file itself or `study.toml` in the folder.
pub fn spec_file(study: &Path) -> PathBuf {
    if study.is_dir() {
        study.join("study.toml")
    } else {
        study.to_path_buf()
    }
}

/// Removes `.` and `..` components lexically (the study folder is absolute).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `[study.engine] kind` and `scheduler`: the Ballista scheduler's URL for
/// `kind = "ballista"`, `None` for the local engine.
fn engine_scheduler(r: &Resolver, e: &crate::spec::raw::RawEngine) -> Result<Option<String>> {
    let kind = e.kind.as_ref().map_or("local", |k| k.get_ref().as_str());
    match (kind, &e.scheduler) {
        ("local", None) => Ok(None),
        ("local", Some(s)) => Err(r.err(
            s,
            "[study.engine] `scheduler` is for kind = \"ballista\"; the local engine has none"
                .into(),
        )),
        ("ballista", _) if !crate::spec::engine::BUILT => Err(r.err(
            e.kind.as_ref().expect("a kind"),
            crate::spec::engine::NOT_BUILT.into(),
        )),
        ("ballista", Some(s)) => crate::spec::engine::scheduler_url(s.get_ref())
            .map(Some)
            .map_err(|m| r.err(s, format!("[study.engine] `scheduler`: {m}"))),
        ("ballista", None) => Err(r.err(
            e.kind.as_ref().expect("a kind"),
            "[study.engine] kind = \"ballista\" needs `scheduler = \"df://host:50050\"`, the address of the cluster's scheduler".into(),
        )),
        (other, _) => Err(r.err(
            e.kind.as_ref().expect("a kind"),
            format!("[study.engine] unknown kind `{other}` — expected one of `local`, `ballista`"),
        )),
    }
}
