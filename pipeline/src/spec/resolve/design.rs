//! Resolving `[datasets.<id>.design]`: weights, strata, clusters, replicates, calibration.

use super::*;

impl Resolver<'_> {
    pub(super) fn design(&self, ds_id: &str, d: Spanned<RawDesign>) -> Result<DesignSpec> {
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
    pub(super) fn calibration(
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

    pub(super) fn margin(&self, m: Spanned<RawMargin>) -> Margin {
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

    pub(super) fn replicates(
        &self,
        ds_id: &str,
        r: Spanned<RawReplicates>,
    ) -> Result<ReplicateSpec> {
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
}
