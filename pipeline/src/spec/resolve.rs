//! From [`RawSpec`] to [`Study`]: checks every name, choice and reference
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
    let language = match &raw.study.language {
        None => Language::En,
        Some(l) => match l.get_ref().as_str() {
            "en" => Language::En,
            "fr" => Language::Fr,
            other => {
                return Err(r.err(
                    l,
                    format!("unknown language `{other}` — expected one of en, fr"),
                ));
            }
        },
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
        for spec in r.indicator(ind, &ds_ids)? {
            if !seen.insert(spec.id.clone()) {
                return Err(r.err(&at, format!("indicator id `{}` is used twice", spec.id)));
            }
            indicators.push(spec);
        }
    }

    for g in &indicators {
        let Some((of, over)) = &g.growth else {
            continue;
        };
        let source = indicators
            .iter()
            .find(|i| &i.id == of && i.growth.is_none());
        let ok = source.is_some_and(|s| {
            s.dataset == g.dataset && s.by.iter().any(|b| b.len() == 1 && &b[0] == over)
        });
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
        charts.push(r.chart(ch, &indicators, &composites, &ind_ids)?);
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
    let report = r.report(raw.report, &charts, &ind_ids)?;
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

    Ok(Study {
        drift,
        composites,
        id,
        title: text_of(Some(raw.study.title)),
        description: text_of(raw.study.description),
        language,
        spec_path: spec_path.to_path_buf(),
        dir,
        spec_hash: blake3::hash(text.as_bytes()).to_hex().to_string(),
        datasets,
        indicators,
        charts,
        comparisons,
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
fn pick<T: Copy>(
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

struct Resolver<'a> {
    path: &'a Path,
    text: &'a str,
    /// The study folder, where relative paths start.
    dir: PathBuf,
}

impl Resolver<'_> {
    fn loc<T>(&self, s: &Spanned<T>) -> Location {
        Location::from_offset(self.path, self.text, s.span().start)
    }

    fn err<T>(&self, s: &Spanned<T>, message: String) -> Error {
        Error::spec_at(self.loc(s), message)
    }

    fn dataset(&self, dir: &Path, id: String, ds: Spanned<RawDataset>) -> Result<DatasetSpec> {
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
        let mut spec = DatasetSpec {
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

    fn design(&self, ds_id: &str, d: Spanned<RawDesign>) -> Result<DesignSpec> {
        let span_holder = Spanned::new(d.span(), ());
        let d = d.into_inner();
        let weights = d.weights.map(Spanned::into_inner);
        let clusters = d
            .clusters
            .map(|c| c.into_inner().into_vec())
            .unwrap_or_default();
        let fpc = d.fpc.map(|c| c.into_inner().into_vec()).unwrap_or_default();
        if clusters.len() > 2 {
            return Err(self.err(
                &span_holder,
                format!("dataset `{ds_id}`: at most two sampling stages (`clusters = [\"psu\", \"ssu\"]`) are supported"),
            ));
        }
        if fpc.len() > clusters.len().max(1) {
            return Err(self.err(
                &span_holder,
                format!("dataset `{ds_id}`: {} `fpc` columns for {} sampling stage(s): give one per stage", fpc.len(), clusters.len().max(1)),
            ));
        }
        if weights.is_none()
            && (fpc.is_empty() || fpc.len() < clusters.len())
            && d.replicates.is_none()
        {
            return Err(self.err(
                &span_holder,
                format!("dataset `{ds_id}`: the design needs `weights` (the sampling-weight column), or an `fpc` for every stage to derive them from, as R's svydesign"),
            ));
        }
        if weights.is_none() && d.replicates.is_some() {
            return Err(self.err(&span_holder, format!("dataset `{ds_id}`: a replicate design needs `weights`, the full-sample weight column")));
        }
        let lonely_psu = match &d.lonely_psu {
            None => LonelyPsu::Fail,
            Some(l) => pick(
                self,
                l,
                "lonely_psu",
                &[
                    (LonelyPsu::Fail, "fail"),
                    (LonelyPsu::Remove, "remove"),
                    (LonelyPsu::Certainty, "certainty"),
                    (LonelyPsu::Adjust, "adjust"),
                    (LonelyPsu::Average, "average"),
                ],
            )?,
        };
        let replicates = match d.replicates {
            None => None,
            Some(r) => Some(self.replicates(ds_id, r)?),
        };
        let calibration =
            self.calibration(ds_id, &span_holder, d.poststratify, d.rake, d.calibrate)?;
        Ok(DesignSpec {
            calibration,
            replicates,
            weights,
            strata: d.strata.map(Spanned::into_inner),
            clusters,
            fpc,
            nest: d.nest.unwrap_or(false),
            lonely_psu,
            location: self.loc(&span_holder),
        })
    }

    /// The design's calibration: at most one of `poststratify`, `rake` and
    /// `calibrate`.
    fn calibration(
        &self,
        ds_id: &str,
        at: &Spanned<()>,
        poststratify: Option<Spanned<RawMargin>>,
        rake: Option<Spanned<RawRake>>,
        calibrate: Option<Spanned<RawCalibrate>>,
    ) -> Result<Option<CalibrationSpec>> {
        let given = [poststratify.is_some(), rake.is_some(), calibrate.is_some()];
        if given.iter().filter(|g| **g).count() > 1 {
            return Err(self.err(
                at,
                format!("dataset `{ds_id}`: give one of `poststratify`, `rake` and `calibrate` (each calibrates the weights; `calibrate` takes several margins and numeric totals)"),
            ));
        }
        let tolerance = |e: &Option<Spanned<f64>>, default: f64| match e {
            Some(e) if e.get_ref().is_nan() || *e.get_ref() <= 0.0 => Err(self.err(
                e,
                format!("`epsilon` must be a positive number, not {}", e.get_ref()),
            )),
            Some(e) => Ok(*e.get_ref()),
            None => Ok(default),
        };
        if let Some(p) = poststratify {
            return Ok(Some(CalibrationSpec {
                margins: vec![self.margin(p)],
                method: CalibrationMethod::PostStratify,
            }));
        }
        if let Some(r) = rake {
            let at = Spanned::new(r.span(), ());
            let r = r.into_inner();
            if r.margins.is_empty() {
                return Err(self.err(
                    &at,
                    format!("dataset `{ds_id}`: `rake` needs at least one margin in `margins`"),
                ));
            }
            return Ok(Some(CalibrationSpec {
                method: CalibrationMethod::Rake {
                    epsilon: tolerance(&r.epsilon, 1.0)?,
                    max_iterations: r.max_iterations.unwrap_or(10),
                },
                margins: r.margins.into_iter().map(|m| self.margin(m)).collect(),
            }));
        }
        let Some(c) = calibrate else {
            return Ok(None);
        };
        let at = Spanned::new(c.span(), ());
        let c = c.into_inner();
        let margins: Vec<Margin> = c
            .margins
            .unwrap_or_default()
            .into_iter()
            .map(|m| self.margin(m))
            .collect();
        let totals: Vec<(String, f64)> = c.totals.unwrap_or_default().into_iter().collect();
        if margins.is_empty() && totals.is_empty() {
            return Err(self.err(&at, format!("dataset `{ds_id}`: `calibrate` needs `margins` (categorical) or `totals` (numeric columns), or both")));
        }
        let bounds = match c.bounds {
            None => None,
            Some(b) => {
                let [lo, hi] = *b.get_ref();
                if !(lo < 1.0 && 1.0 < hi) {
                    return Err(self.err(&b, format!("`bounds` must be [lower, upper] with lower < 1 < upper (bounds on calibrated / initial weight), not [{lo}, {hi}]")));
                }
                Some((lo, hi))
            }
        };
        let population_size = match c.population_size {
            Some(n) if n.get_ref().is_nan() || *n.get_ref() <= 0.0 => {
                return Err(self.err(
                    &n,
                    format!("`population_size` must be positive, not {}", n.get_ref()),
                ));
            }
            n => n.map(Spanned::into_inner),
        };
        Ok(Some(CalibrationSpec {
            margins,
            method: CalibrationMethod::Linear {
                totals,
                population_size,
                bounds,
                epsilon: tolerance(&c.epsilon, 1e-7)?,
                max_iterations: c.max_iterations.unwrap_or(50),
            },
        }))
    }

    fn margin(&self, m: Spanned<RawMargin>) -> Margin {
        let m = m.into_inner();
        Margin {
            variables: m.variables.into_vec(),
            population: match m.population.into_inner() {
                RawPopulation::File(path) => Population::File {
                    path: normalize(&self.dir.join(path)),
                    count: m.count.unwrap_or_else(|| "Freq".to_string()),
                },
                RawPopulation::Counts(c) => Population::Counts(c.into_iter().collect()),
            },
        }
    }

    fn replicates(&self, ds_id: &str, r: Spanned<RawReplicates>) -> Result<ReplicateSpec> {
        let r = r.into_inner();
        let method = pick(self, &r.method, "replicate method", &ReplicateMethod::ALL)?;
        let rho = match (&r.rho, method) {
            (None, ReplicateMethod::Fay) => {
                return Err(self.err(
                    &r.method,
                    format!("dataset `{ds_id}`: method \"fay\" needs `rho`, e.g. rho = 0.5"),
                ));
            }
            (Some(p), _) if !(0.0..1.0).contains(p.get_ref()) => {
                return Err(self.err(p, "rho must be in [0, 1)".to_string()));
            }
            (p, _) => p.as_ref().map(|p| *p.get_ref()),
        };
        let build = match (&r.build, &r.columns) {
            (Some(b), None) => {
                let wanted = match method {
                    ReplicateMethod::Jk1 => "jk1",
                    ReplicateMethod::Jkn => "jkn",
                    ReplicateMethod::Brr | ReplicateMethod::Fay => "brr",
                    ReplicateMethod::Bootstrap => "bootstrap",
                    _ => "",
                };
                if b.get_ref() != wanted {
                    return Err(self.err(
                        b,
                        format!("dataset `{ds_id}`: `build` makes replicate weights from the design's clusters: build = \"jk1\" with method = \"jk1\" (unstratified), \"jkn\" with method = \"jkn\" (stratified), \"brr\" with method = \"brr\" or \"fay\" (two PSUs per stratum), or \"bootstrap\" with method = \"bootstrap\""),
                    ));
                }
                true
            }
            (None, Some(_)) => false,
            (Some(b), Some(_)) => return Err(self.err(b, format!("dataset `{ds_id}`: give replicate `columns` or `build`, not both"))),
            (None, None) => return Err(self.err(&r.method, format!("dataset `{ds_id}`: replicates need `columns` (the replicate-weight columns) or `build` (\"jk1\", \"jkn\", \"brr\" or \"bootstrap\")"))),
        };
        let rscales = r.rscales.map(|s| match s.into_inner() {
            OneOrManyF64::One(v) => vec![v],
            OneOrManyF64::Many(v) => v,
        });
        if method == ReplicateMethod::Jkn && rscales.is_none() && !build {
            return Err(self.err(&r.method, format!("dataset `{ds_id}`: method \"jkn\" needs `rscales`, (n_h − 1)/n_h for each replicate")));
        }
        let replicates = match r.replicates {
            Some(n) if *n.get_ref() < 2 => {
                return Err(self.err(&n, "replicates must be at least 2".to_string()));
            }
            Some(n) => *n.get_ref(),
            None => 500,
        };
        Ok(ReplicateSpec {
            replicates,
            seed: r.seed.unwrap_or(20_261_127),
            method,
            columns: r
                .columns
                .map(|c| c.into_inner().into_vec())
                .unwrap_or_default(),
            build,
            scale: r.scale,
            rscales,
            rho,
            mse: r.mse.unwrap_or(matches!(
                method,
                ReplicateMethod::Sdr | ReplicateMethod::Acs
            )),
            combined_weights: r.combined_weights.unwrap_or(true),
        })
    }

    /// An `[[indicators]]` table: one indicator, or one per probability of
    /// a quantile list (`quantile = [0.25, 0.5]` gives `<id>_p25`, `<id>_p50`).
    fn indicator(&self, ind: RawIndicator, ds_ids: &[&str]) -> Result<Vec<IndicatorSpec>> {
        let id = ind.id.get_ref().clone();
        if !ds_ids.contains(&ind.dataset.get_ref().as_str()) {
            return Err(self.err(
                &ind.dataset,
                format!(
                    "indicator `{id}`: unknown dataset `{}` — datasets are: {}",
                    ind.dataset.get_ref(),
                    choices(ds_ids)
                ),
            ));
        }
        // `median` is the quantile at 0.5 and `share` a proportion, by their usual names.
        let names: Vec<(Statistic, &str)> = Statistic::ALL
            .into_iter()
            .chain([
                (Statistic::Quantile, "median"),
                (Statistic::Proportion, "share"),
                (Statistic::Ratio, "funnel"),
                (Statistic::Total, "sum"),
            ])
            .collect();
        let statistic = pick(self, &ind.statistic, "statistic", &names)?;
        let median = ind.statistic.get_ref() == "median";
        // A funnel is ratios of stage totals: the last stage over the first,
        // and each stage over the one before (`<id>_<stage>`).
        let funnel: Option<Vec<String>> = match (&ind.stages, ind.statistic.get_ref().as_str()) {
            (Some(st), "funnel") if st.get_ref().len() >= 2 => Some(st.get_ref().clone()),
            (_, "funnel") => {
                return Err(self.err(&ind.statistic, format!("indicator `{id}`: a funnel needs `stages`, two or more columns of counts in order, e.g. [\"applications\", \"shortlisted\", \"selected\"]")));
            }
            (Some(st), _) => {
                return Err(self.err(
                    st,
                    format!("indicator `{id}`: `stages` belongs to statistic `funnel`"),
                ));
            }
            (None, _) => None,
        };
        let stage_ratio = |num: &str, den: &str| {
            let at = self.loc(&ind.statistic);
            Some([
                (format!("\"{num}\""), at.clone()),
                (format!("\"{den}\""), at),
            ])
        };
        let ratio = match (&ind.numerator, &ind.denominator, statistic) {
            _ if funnel.is_some() => funnel
                .as_ref()
                .and_then(|st| stage_ratio(&st[st.len() - 1], &st[0])),
            (Some(n), Some(d), Statistic::Ratio) => Some([
                (n.get_ref().clone(), self.loc(n)),
                (d.get_ref().clone(), self.loc(d)),
            ]),
            (_, _, Statistic::Ratio) => {
                return Err(self.err(
                    &ind.statistic,
                    format!(
                        "indicator `{id}`: statistic `ratio` needs `numerator` and `denominator`"
                    ),
                ));
            }
            (Some(k), _, _) | (_, Some(k), _) => {
                return Err(self.err(k, format!("indicator `{id}`: `numerator` and `denominator` belong to statistic `ratio`")));
            }
            _ => None,
        };
        if ratio.is_some()
            && let Some(e) = &ind.expr
        {
            return Err(self.err(
                e,
                format!(
                    "indicator `{id}`: a ratio takes `numerator` and `denominator`, not `expr`"
                ),
            ));
        }
        if ind.expr.is_none()
            && matches!(
                statistic,
                Statistic::Mean
                    | Statistic::Proportion
                    | Statistic::Total
                    | Statistic::Quantile
                    | Statistic::CountDistinct
                    | Statistic::Concentration
            )
        {
            return Err(self.err(
                &ind.statistic,
                format!(
                    "indicator `{id}`: statistic `{}` needs `expr`",
                    statistic.name()
                ),
            ));
        }
        let level = match &ind.level {
            None => 0.95,
            Some(l) if *l.get_ref() > 0.0 && *l.get_ref() < 1.0 => *l.get_ref(),
            Some(l) => {
                return Err(self.err(
                    l,
                    format!("indicator `{id}`: level must be between 0 and 1, e.g. 0.95"),
                ));
            }
        };
        let ci = match &ind.ci {
            None => CiMethod::Logit,
            Some(c) if statistic == Statistic::Proportion => {
                pick(self, c, "interval method `ci`", &CiMethod::ALL)?
            }
            Some(c) => {
                return Err(self.err(
                    c,
                    format!("indicator `{id}`: `ci` chooses a proportion's interval; {} intervals are Wald (normal)", statistic.name()),
                ));
            }
        };
        // Each probability, and whether its id takes a `_p<percent>` suffix.
        let quantiles: Vec<(f64, bool)> = match (&ind.quantile, statistic) {
            (Some(q), Statistic::Quantile) => {
                let list = match q.get_ref() {
                    OneOrManyF64::One(p) => vec![(*p, false)],
                    OneOrManyF64::Many(ps) => ps.iter().map(|p| (*p, true)).collect(),
                };
                if list.is_empty() || list.iter().any(|(p, _)| !(0.0 < *p && *p < 1.0)) {
                    return Err(self.err(q, format!("indicator `{id}`: quantile must be between 0 and 1 (0.5 for the median), or a list of such, e.g. [0.25, 0.5, 0.75]")));
                }
                list
            }
            (None, Statistic::Quantile) if median => vec![(0.5, false)],
            (None, Statistic::Quantile) => return Err(self.err(&ind.statistic, format!("indicator `{id}`: statistic `quantile` needs `quantile`, e.g. quantile = 0.5 for the median"))),
            (Some(q), _) => return Err(self.err(q, format!("indicator `{id}`: `quantile` belongs to statistic `quantile`"))),
            (None, _) => vec![(0.5, false)],
        };
        let mut by = Vec::new();
        let mut by_locations = Vec::new();
        for b in ind.by.unwrap_or_default() {
            by_locations.push(self.loc(&b));
            let vars = b.get_ref().clone().into_vec();
            if vars.is_empty() || vars.iter().collect::<HashSet<_>>().len() != vars.len() {
                return Err(self.err(
                    &b,
                    format!("indicator `{id}`: a breakdown needs distinct, non-empty variables"),
                ));
            }
            by.push(vars);
        }
        // `period` (with `date`): the date column's periods as a breakdown;
        // `from`, `to`: the rows whose date falls in the range.
        let mut where_ = ind.where_.as_ref().map(|w| w.get_ref().clone());
        let needs_date = ind.period.is_some() || ind.from.is_some() || ind.to.is_some();
        match (&ind.date, needs_date) {
            (None, true) => {
                return Err(self.err(
                    &ind.statistic,
                    format!(
                        "indicator `{id}`: `period`, `from` and `to` need `date`, the date column"
                    ),
                ));
            }
            (Some(d), false) => {
                return Err(self.err(
                    d,
                    format!("indicator `{id}`: `date` goes with `period`, `from` or `to`"),
                ));
            }
            _ => {}
        }
        if let (Some(p), Some(d)) = (&ind.period, &ind.date) {
            let unit = pick(
                self,
                p,
                "period",
                &[("year", "year"), ("quarter", "quarter"), ("month", "month")],
            )?;
            by_locations.push(self.loc(p));
            by.push(vec![format!("{}:{unit}", d.get_ref())]);
        }
        for (bound, op) in [(&ind.from, ">="), (&ind.to, "<=")] {
            let (Some(b), Some(d)) = (bound, &ind.date) else {
                continue;
            };
            if chrono::NaiveDate::parse_from_str(b.get_ref(), "%Y-%m-%d").is_err() {
                return Err(self.err(
                    b,
                    format!(
                        "indicator `{id}`: a date written YYYY-MM-DD, not `{}`",
                        b.get_ref()
                    ),
                ));
            }
            let clause = format!("\"{}\" {op} DATE '{}'", d.get_ref(), b.get_ref());
            where_ = Some(match where_ {
                None => clause,
                Some(w) => format!("({w}) AND {clause}"),
            });
        }
        let join = match ind.join {
            None => None,
            Some(j) => {
                let at = Spanned::new(j.span(), ());
                let j = j.into_inner();
                if !ds_ids.contains(&j.dataset.get_ref().as_str())
                    || j.dataset.get_ref() == ind.dataset.get_ref()
                {
                    return Err(self.err(
                        &j.dataset,
                        format!(
                            "indicator `{id}`: join: `{}` is not another dataset — datasets are: {}",
                            j.dataset.get_ref(),
                            choices(ds_ids)
                        ),
                    ));
                }
                let on = j.on.into_vec();
                if on.is_empty() {
                    return Err(self.err(
                        &at,
                        format!("indicator `{id}`: join needs `on`, the key column(s)"),
                    ));
                }
                Some(JoinSpec {
                    dataset: j.dataset.into_inner(),
                    on,
                })
            }
        };
        let growth = match (&ind.of, &ind.over, statistic) {
            (Some(of), Some(over), Statistic::Growth) => {
                Some((of.get_ref().clone(), over.get_ref().clone()))
            }
            (_, _, Statistic::Growth) => {
                return Err(self.err(&ind.statistic, format!("indicator `{id}`: statistic `growth` needs `of` (the indicator whose series grows) and `over` (its time breakdown, e.g. \"year\")")));
            }
            (_, Some(over), _) => {
                return Err(self.err(
                    over,
                    format!("indicator `{id}`: `over` belongs to statistic `growth`"),
                ));
            }
            _ => None,
        };
        let concentration = match (&ind.of, statistic) {
            (Some(of), Statistic::Concentration) => {
                let top = ind.top.as_ref().map_or(3, |t| *t.get_ref());
                let measure = match &ind.measure {
                    None => Concentration::Hhi,
                    Some(m) => pick(
                        self,
                        m,
                        "concentration measure",
                        &[
                            (Concentration::Hhi, "hhi"),
                            (Concentration::TopShare(top), "top_share"),
                            (Concentration::Gini, "gini"),
                        ],
                    )?,
                };
                Some((of.get_ref().clone(), measure))
            }
            (None, Statistic::Concentration) => {
                return Err(self.err(&ind.statistic, format!("indicator `{id}`: statistic `concentration` needs `of`, the column naming the units whose shares are measured")));
            }
            (Some(_), Statistic::Growth) => None,
            (Some(of), _) => {
                return Err(self.err(
                    of,
                    format!(
                        "indicator `{id}`: `of` belongs to statistics `concentration` and `growth`"
                    ),
                ));
            }
            (None, _) => None,
        };
        let per_capita = match (ind.population, statistic) {
            (Some(p), Statistic::PerCapita) => {
                let p = p.into_inner();
                if !ds_ids.contains(&p.dataset.get_ref().as_str()) {
                    return Err(self.err(
                        &p.dataset,
                        format!(
                            "indicator `{id}`: population: unknown dataset `{}` — datasets are: {}",
                            p.dataset.get_ref(),
                            choices(ds_ids)
                        ),
                    ));
                }
                let per = match &ind.per {
                    None => 1000.0,
                    Some(x) if x.get_ref().is_finite() && *x.get_ref() > 0.0 => *x.get_ref(),
                    Some(x) => {
                        return Err(self.err(
                            x,
                            format!("indicator `{id}`: `per` must be a positive number, e.g. 1000"),
                        ));
                    }
                };
                Some(PerCapita {
                    dataset: p.dataset.into_inner(),
                    on: p.on,
                    column: p.column,
                    per,
                })
            }
            (None, Statistic::PerCapita) => {
                return Err(self.err(&ind.statistic, format!("indicator `{id}`: statistic `per_capita` needs `population = {{ dataset = \"…\", on = \"region\", column = \"people\" }}`")));
            }
            (Some(p), _) => {
                return Err(self.err(
                    &p,
                    format!("indicator `{id}`: `population` belongs to statistic `per_capita`"),
                ));
            }
            (None, _) => None,
        };
        let survival = match (statistic, &ind.founded, &ind.closed, ind.after) {
            (Statistic::Survival, Some(founded), Some(closed), Some(after)) => {
                let as_of = match &ind.as_of {
                    None => None,
                    Some(d) => Some(chrono::NaiveDate::parse_from_str(d.get_ref(), "%Y-%m-%d").map_err(|_| {
                        self.err(d, format!("indicator `{id}`: `as_of` must be a date written YYYY-MM-DD"))
                    })?),
                };
                Some(SurvivalSpec {
                    founded: founded.clone(),
                    closed: closed.clone(),
                    after,
                    as_of,
                })
            }
            (Statistic::Survival, ..) => {
                return Err(self.err(&ind.statistic, format!("indicator `{id}`: statistic `survival` needs `founded` and `closed` (date columns) and `after` (years)")));
            }
            (_, Some(_), _, _) | (_, _, Some(_), _) => {
                return Err(self.err(
                    &ind.statistic,
                    format!(
                        "indicator `{id}`: `founded` and `closed` belong to statistic `survival`"
                    ),
                ));
            }
            _ => None,
        };
        let spec = IndicatorSpec {
            survival,
            per_capita,
            growth,
            concentration,
            join,
            id: id.clone(),
            dataset: ind.dataset.into_inner(),
            statistic,
            expr_location: ind.expr.as_ref().map(|e| self.loc(e)),
            where_location: ind.where_.as_ref().map(|e| self.loc(e)),
            expr: ind.expr.map(Spanned::into_inner),
            where_,
            ratio,
            by,
            label: text_of(ind.label),
            level,
            ci,
            quantile: 0.5,
            by_locations,
        };
        if let Some(stages) = funnel {
            let mut specs = vec![spec.clone()];
            for pair in stages.windows(2) {
                specs.push(IndicatorSpec {
                    id: format!("{id}_{}", pair[1]),
                    ratio: stage_ratio(&pair[1], &pair[0]),
                    label: Text(
                        spec.label
                            .0
                            .iter()
                            .map(|(lang, l)| (lang.clone(), format!("{l} — {}", pair[1])))
                            .collect(),
                    ),
                    ..spec.clone()
                });
            }
            return Ok(specs);
        }
        Ok(quantiles
            .into_iter()
            .map(|(p, suffixed)| IndicatorSpec {
                id: if suffixed {
                    format!("{id}_p{}", (p * 1e8).round() / 1e6)
                } else {
                    id.clone()
                },
                quantile: p,
                ..spec.clone()
            })
            .collect())
    }

    fn chart(
        &self,
        ch: RawChart,
        indicators: &[IndicatorSpec],
        composites: &[CompositeSpec],
        ind_ids: &[&str],
    ) -> Result<ChartSpec> {
        let id = ch.id.get_ref().clone();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(self.err(
                &ch.id,
                format!(
                    "chart id `{id}` must be ASCII letters, digits, `-` or `_` (it names files)"
                ),
            ));
        }
        let names = ch.indicator.get_ref().clone().into_vec();
        // A composite's index, drawn as a ranking with its uncertainty intervals.
        if let [name] = names.as_slice()
            && let Some(c) = composites.iter().find(|c| &c.id == name)
        {
            let kind = pick(self, &ch.kind, "chart kind", &ChartKind::ALL)?;
            if kind != ChartKind::Dot {
                return Err(self.err(&ch.kind, format!("chart `{id}`: a composite is drawn as a `dot` chart (a ranking with intervals)")));
            }
            return Ok(ChartSpec {
                max_categories: self.max_categories(&id, ch.max_categories.as_ref())?,
                id,
                indicator: c.id.clone(),
                indicators: vec![c.id.clone()],
                kind,
                by: c.unit.clone(),
                series: None,
                geometry: None,
                dpi: ch.dpi.map_or(300, |d| *d.get_ref()),
                order: BarOrder::Value,
                title: ch
                    .title
                    .map_or_else(|| c.label.clone(), |t| text_of(Some(t))),
                subtitle: text_of(ch.subtitle),
                source: text_of(ch.source),
                note: text_of(ch.note),
                composite: true,
            });
        }
        let find = |name: &String| {
            indicators.iter().find(|i| &i.id == name).ok_or_else(|| {
                self.err(
                    &ch.indicator,
                    format!(
                        "chart `{id}`: unknown indicator `{name}` — indicators are: {}",
                        choices(ind_ids)
                    ),
                )
            })
        };
        let all: Vec<&IndicatorSpec> = names.iter().map(find).collect::<Result<_>>()?;
        let Some(&ind) = all.first() else {
            return Err(self.err(
                &ch.indicator,
                format!("chart `{id}`: `indicator` names no indicator"),
            ));
        };
        let kind = pick(self, &ch.kind, "chart kind", &ChartKind::ALL)?;
        if all.len() > 1 && kind != ChartKind::Heatmap {
            return Err(self.err(
                &ch.indicator,
                format!(
                    "chart `{id}`: only a heatmap draws several indicators; a {} chart draws one",
                    kind.name()
                ),
            ));
        }
        let one_way = |i: &IndicatorSpec| -> Vec<String> {
            i.by.iter()
                .filter(|b| b.len() == 1)
                .map(|b| b[0].clone())
                .collect()
        };
        // The variable along the chart's main axis, and the second one of a crossed breakdown.
        let main = match kind {
            ChartKind::Line => ch.x.as_ref().or(ch.by.as_ref()),
            _ => ch.by.as_ref(),
        }
        .ok_or_else(|| {
            let what = if kind == ChartKind::Line {
                "`x`, the variable along the horizontal axis"
            } else {
                "`by`, one of the indicator's breakdowns"
            };
            self.err(
                &ch.kind,
                format!(
                    "chart `{id}`: a {} chart needs {what}: {}",
                    kind.name(),
                    choices(one_way(ind))
                ),
            )
        })?;
        let crossed = matches!(kind, ChartKind::GroupedBar | ChartKind::SmallMultiples);
        let series = match (&ch.series, kind) {
            (Some(s), ChartKind::Line | ChartKind::GroupedBar | ChartKind::SmallMultiples) => Some(s.get_ref().clone()),
            (Some(s), _) => return Err(self.err(s, format!("chart `{id}`: `series` belongs to line, grouped_bar and small_multiples charts"))),
            (None, _) if crossed => return Err(self.err(&ch.kind, format!("chart `{id}`: a {} chart needs `series`, the second variable of a crossed breakdown with `{}`", kind.name(), main.get_ref()))),
            (None, _) => None,
        };
        let wanted: Vec<String> = match &series {
            None => vec![main.get_ref().clone()],
            Some(s) => vec![s.clone(), main.get_ref().clone()],
        };
        for i in &all {
            let found =
                i.by.iter()
                    .any(|b| b.len() == wanted.len() && wanted.iter().all(|w| b.contains(w)));
            if !found {
                let have: Vec<String> = i.by.iter().map(|b| b.join(" × ")).collect();
                return Err(self.err(
                    main,
                    format!(
                        "chart `{id}`: indicator `{}` has no breakdown by {} — its breakdowns are: {}",
                        i.id,
                        wanted.join(" × "),
                        choices(&have)
                    ),
                ));
            }
        }
        let geometry = match (ch.geometry, kind) {
            (Some(g), ChartKind::Map) => Some(MapGeometry {
                path: normalize(&self.dir.join(g.get_ref())),
                property: ch.property.unwrap_or_else(|| "iso".to_string()),
                by_label: match &ch.join {
                    None => false,
                    Some(j) => pick(self, j, "map join", &[(false, "value"), (true, "label")])?,
                },
            }),
            (Some(g), _) => {
                return Err(self.err(
                    &g,
                    format!("chart `{id}`: `geometry` belongs to map charts"),
                ));
            }
            (None, _) => None,
        };
        let dpi = match ch.dpi {
            None => 300,
            Some(d) if (72..=1200).contains(d.get_ref()) => *d.get_ref(),
            Some(d) => {
                return Err(self.err(
                    &d,
                    format!(
                        "chart `{id}`: dpi must be between 72 and 1200, not {}",
                        d.get_ref()
                    ),
                ));
            }
        };
        let order = match &ch.sort {
            None => BarOrder::Value,
            Some(s) => pick(
                self,
                s,
                "sort",
                &[(BarOrder::Value, "value"), (BarOrder::Code, "code")],
            )?,
        };
        Ok(ChartSpec {
            max_categories: self.max_categories(&id, ch.max_categories.as_ref())?,
            id,
            indicator: ind.id.clone(),
            indicators: all.iter().map(|i| i.id.clone()).collect(),
            kind,
            by: main.get_ref().clone(),
            series,
            geometry,
            dpi,
            order,
            title: ch
                .title
                .map_or_else(|| ind.label.clone(), |t| text_of(Some(t))),
            subtitle: text_of(ch.subtitle),
            source: text_of(ch.source),
            note: text_of(ch.note),
            composite: false,
        })
    }

    /// A chart's `max_categories`: 1 to 1,000 (default 40).
    fn max_categories(&self, id: &str, given: Option<&Spanned<usize>>) -> Result<usize> {
        match given {
            None => Ok(40),
            Some(n) if (1..=1000).contains(n.get_ref()) => Ok(*n.get_ref()),
            Some(n) => Err(self.err(
                n,
                format!(
                    "chart `{id}`: max_categories must be between 1 and 1000, not {}",
                    n.get_ref()
                ),
            )),
        }
    }

    fn composite(
        &self,
        c: RawComposite,
        ds_ids: &[&str],
        indicators: &[IndicatorSpec],
    ) -> Result<CompositeSpec> {
        let id = c.id.get_ref().clone();
        if let Some(d) = c
            .dataset
            .as_ref()
            .filter(|d| !ds_ids.contains(&d.get_ref().as_str()))
        {
            return Err(self.err(
                d,
                format!(
                    "composite `{id}`: unknown dataset `{}` — datasets are: {}",
                    d.get_ref(),
                    choices(ds_ids)
                ),
            ));
        }
        let normalise = match &c.normalise {
            None => Normalise::None,
            Some(n) => pick(self, n, "normalisation", &Normalise::ALL)?,
        };
        let aggregate = match &c.aggregate {
            None => Aggregate::Arithmetic,
            Some(a) => pick(self, a, "aggregation", &Aggregate::ALL)?,
        };
        let children = c
            .components
            .into_iter()
            .map(|n| self.component(&id, n, normalise))
            .collect::<Result<Vec<_>>>()?;
        // Without a dataset, every indicator component is an indicator with
        // a breakdown by the unit; with one, every component is a column.
        let mut stack: Vec<&Node> = children.iter().collect();
        while let Some(n) = stack.pop() {
            match &n.kind {
                NodeKind::Group(ch) => stack.extend(ch),
                NodeKind::Indicator { estimates, .. } => match (&c.dataset, *estimates) {
                    (None, true) => {
                        let known = indicators.iter().any(|i| {
                            i.id == n.id && i.by.iter().any(|b| b == std::slice::from_ref(&c.unit))
                        });
                        if !known {
                            return Err(self.err(&c.id, format!("composite `{id}`: `{}` must be an indicator with the breakdown `by = [\"{}\"]`", n.id, c.unit)));
                        }
                    }
                    (None, false) => {
                        return Err(self.err(&c.id, format!("composite `{id}`: without `dataset`, components are indicators: `{{ indicator = \"…\" }}` (`{}` is a column)", n.id)));
                    }
                    (Some(_), true) => {
                        return Err(self.err(&c.id, format!("composite `{id}`: with `dataset`, components are its columns: `{{ column = \"…\" }}` (`{}` is an indicator)", n.id)));
                    }
                    (Some(_), false) => {}
                },
            }
        }
        if children.is_empty() {
            return Err(self.err(&c.id, format!("composite `{id}` needs `components`")));
        }
        let uncertainty = match c.uncertainty {
            None => None,
            Some(u) => {
                let u = u.into_inner();
                let normalise = u
                    .normalise
                    .unwrap_or_default()
                    .iter()
                    .map(|n| pick(self, n, "normalisation", &Normalise::ALL))
                    .collect::<Result<Vec<_>>>()?;
                let aggregate = u
                    .aggregate
                    .unwrap_or_default()
                    .iter()
                    .map(|a| pick(self, a, "aggregation", &Aggregate::ALL))
                    .collect::<Result<Vec<_>>>()?;
                Some(Uncertainty {
                    draws: u.draws.unwrap_or(1000).max(2),
                    seed: u.seed.unwrap_or(20_261_128),
                    weights: u.weights.unwrap_or(0.25).clamp(0.0, 0.99),
                    normalise,
                    aggregate,
                })
            }
        };
        let coverage = match &c.coverage {
            None => 0.0,
            Some(v) if (0.0..=1.0).contains(v.get_ref()) => *v.get_ref(),
            Some(v) => {
                return Err(self.err(
                    v,
                    format!("composite `{id}`: `coverage` is a share, between 0 and 1"),
                ));
            }
        };
        let impute = match &c.impute {
            None => Impute::None,
            Some(m) => pick(
                self,
                m,
                "imputation",
                &[
                    (Impute::None, "none"),
                    (Impute::Mean, "mean"),
                    (Impute::Median, "median"),
                ],
            )?,
        };
        let outliers = c.outliers.map(|o| Outliers {
            skewness: o.skewness.unwrap_or(2.0),
            kurtosis: o.kurtosis.unwrap_or(3.5),
            winsorise: o.winsorise.unwrap_or(5),
        });
        Ok(CompositeSpec {
            coverage,
            impute: (impute, c.impute_by),
            outliers,
            uncertainty,
            root: Node {
                id: id.clone(),
                weight: 1.0,
                kind: NodeKind::Group(children),
            },
            id,
            dataset: c.dataset.map(Spanned::into_inner).unwrap_or_default(),
            unit: c.unit,
            wave: c.wave,
            normalise,
            aggregate,
            label: text_of(c.label),
        })
    }

    fn component(
        &self,
        composite: &str,
        n: Spanned<RawComponent>,
        normalise: Normalise,
    ) -> Result<Node> {
        let at = Spanned::new(n.span(), ());
        let n = n.into_inner();
        let weight = match &n.weight {
            None => 1.0,
            Some(w) if w.get_ref().is_finite() && *w.get_ref() >= 0.0 => *w.get_ref(),
            Some(w) => {
                return Err(self.err(
                    w,
                    format!("composite `{composite}`: a weight must be a non-negative number"),
                ));
            }
        };
        // An indicator component: its estimates, redrawn from their SEs.
        let estimates = n.indicator.is_some();
        let (column, se) = match (n.column, n.indicator) {
            (None, Some(ind)) => (Some(ind.clone()), Some(format!("{ind}_se"))),
            (Some(col), None) => (Some(col), n.se),
            (Some(_), Some(_)) => {
                return Err(self.err(&at, format!("composite `{composite}`: a component takes `column` or `indicator`, not both")));
            }
            (None, None) => (None, n.se),
        };
        match (column, n.components) {
            (Some(column), None) => {
                let direction = match &n.direction {
                    None => 1.0,
                    Some(d) => pick(self, d, "direction", &[(1.0, "+"), (-1.0, "-")])?,
                };
                let goalposts = n.goalposts.map(|g| (g.get_ref()[0], g.get_ref()[1]));
                if normalise == Normalise::Goalposts && goalposts.is_none_or(|(lo, hi)| lo >= hi) {
                    return Err(self.err(&at, format!("composite `{composite}`: with normalise = \"goalposts\" every indicator needs `goalposts = [lower, upper]`, lower < upper (`{column}` has none)")));
                }
                // An indicator's id is its column.
                Ok(Node {
                    id: column,
                    weight,
                    kind: NodeKind::Indicator {
                        direction,
                        goalposts,
                        se,
                        estimates,
                    },
                })
            }
            (None, Some(children)) => {
                let id = n.id.ok_or_else(|| self.err(&at, format!("composite `{composite}`: a pillar needs an `id`")))?;
                let children = children
                    .into_iter()
                    .map(|c| self.component(composite, c, normalise))
                    .collect::<Result<Vec<_>>>()?;
                Ok(Node { id, weight, kind: NodeKind::Group(children) })
            }
            _ => Err(self.err(&at, format!("composite `{composite}`: a component is either `{{ column = \"…\" }}` (an indicator) or `{{ id = \"…\", components = [...] }}` (a pillar)"))),
        }
    }

    fn comparison(
        &self,
        c: RawComparison,
        location: Location,
        indicators: &[IndicatorSpec],
        ind_ids: &[&str],
    ) -> Result<ComparisonSpec> {
        let id = c.id.get_ref().clone();
        let find = |name: &Spanned<String>| {
            indicators
                .iter()
                .find(|i| &i.id == name.get_ref())
                .ok_or_else(|| {
                    self.err(
                        name,
                        format!(
                            "comparison `{id}`: unknown indicator `{}` — indicators are: {}",
                            name.get_ref(),
                            choices(ind_ids)
                        ),
                    )
                })
        };
        let ind = find(&c.indicator)?;
        if matches!(
            ind.statistic,
            Statistic::Quantile
                | Statistic::CountDistinct
                | Statistic::Concentration
                | Statistic::Growth
                | Statistic::PerCapita
                | Statistic::Survival
        ) {
            return Err(self.err(
                &c.indicator,
                format!(
                    "comparison `{id}`: differences of {}s are not supported",
                    ind.statistic.name()
                ),
            ));
        }
        let compared = match (c.by, c.a, c.b, c.versus) {
            (Some(by), Some(a), Some(b), None) => {
                let one_way: Vec<&str> = ind
                    .by
                    .iter()
                    .filter(|v| v.len() == 1)
                    .map(|v| v[0].as_str())
                    .collect();
                if !one_way.contains(&by.get_ref().as_str()) {
                    return Err(self.err(
                        &by,
                        format!("comparison `{id}`: `{}` is not a one-way breakdown of indicator `{}` — expected one of: {}", by.get_ref(), ind.id, choices(&one_way)),
                    ));
                }
                Compared::Domains {
                    by: by.into_inner(),
                    a: a.into_inner(),
                    b: b.into_inner(),
                }
            }
            (None, None, None, Some(versus)) => {
                let other = find(&versus)?;
                if other.id == ind.id {
                    return Err(self.err(
                        &versus,
                        format!("comparison `{id}`: `versus` names indicator `{}` itself; compare it with another indicator (an independent sample), or compare two of its domains with `by`, `a` and `b`", ind.id),
                    ));
                }
                Compared::Independent {
                    versus: other.id.clone(),
                }
            }
            _ => {
                return Err(self.err(
                    &c.id,
                    format!("comparison `{id}`: give `by`, `a` and `b` (two domains of one survey), or `versus` (another indicator from an independent sample)"),
                ));
            }
        };
        Ok(ComparisonSpec {
            id,
            indicator: ind.id.clone(),
            compared,
            label: text_of(c.label),
            location,
        })
    }

    fn report(
        &self,
        raw: Option<RawReport>,
        charts: &[ChartSpec],
        ind_ids: &[&str],
    ) -> Result<ReportSpec> {
        let Some(raw) = raw else {
            return Ok(ReportSpec {
                title: Text::default(),
                introduction: Text::default(),
                sections: Vec::new(),
            });
        };
        let chart_ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
        let mut sections = Vec::new();
        for s in raw.sections {
            for c in &s.charts {
                if !chart_ids.contains(&c.get_ref().as_str()) {
                    return Err(self.err(
                        c,
                        format!(
                            "report section: unknown chart `{}` — charts are: {}",
                            c.get_ref(),
                            choices(&chart_ids)
                        ),
                    ));
                }
            }
            for i in &s.indicators {
                if !ind_ids.contains(&i.get_ref().as_str()) {
                    return Err(self.err(
                        i,
                        format!(
                            "report section: unknown indicator `{}` — indicators are: {}",
                            i.get_ref(),
                            choices(ind_ids)
                        ),
                    ));
                }
            }
            sections.push(SectionSpec {
                title: text_of(Some(s.title)),
                text: text_of(s.text),
                charts: s.charts.into_iter().map(Spanned::into_inner).collect(),
                indicators: s.indicators.into_iter().map(Spanned::into_inner).collect(),
            });
        }
        Ok(ReportSpec {
            title: text_of(raw.title),
            introduction: text_of(raw.introduction),
            sections,
        })
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

/// The labels a microdata file gives its variables (of its first file, for
/// a pattern); none when it cannot be read yet — ingest then says why.
fn file_labels(ds: &DatasetSpec) -> BTreeMap<String, crate::ingest::microdata::Variable> {
    crate::ingest::sources::files(ds)
        .ok()
        .and_then(|files| files.into_iter().next())
        .filter(|f| f.path.is_file())
        .and_then(|f| crate::ingest::microdata::labels(&f.path).ok())
        .unwrap_or_default()
}
