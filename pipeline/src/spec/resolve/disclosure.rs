//! `[study.disclosure]` resolved: each rule checked for its range (shares
//! as fractions, counts as positive integers), the contributor columns'
//! datasets checked against the study's.

use super::*;

impl Resolver<'_> {
    /// The study's disclosure rules, when `[study.disclosure]` is given.
    pub(in crate::spec) fn disclosure(
        &self,
        raw: Option<Spanned<RawDisclosure>>,
        ds_ids: &[&str],
    ) -> Result<Option<Disclosure>> {
        let Some(raw) = raw else { return Ok(None) };
        let d = raw.get_ref();
        if d.min_n.is_none() && d.dominance.is_none() && d.p_percent.is_none() {
            return Err(self.err(
                &raw,
                "[study.disclosure] needs at least one rule: `min_n`, `dominance` or `p_percent`"
                    .into(),
            ));
        }
        let count = |v: &Spanned<i64>, key: &str| -> Result<u64> {
            u64::try_from(*v.get_ref())
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| {
                    self.err(
                        v,
                        format!("[study.disclosure] `{key}` must be a whole number of at least 1"),
                    )
                })
        };
        let share = |v: &Spanned<f64>, key: &str, example: &str| -> Result<f64> {
            let x = *v.get_ref();
            if x > 0.0 && x < 1.0 {
                Ok(x)
            } else {
                Err(self.err(
                    v,
                    format!(
                        "[study.disclosure] `{key}` must be a share between 0 and 1 (a fraction: {example}, not a percentage)"
                    ),
                ))
            }
        };
        let min_n = d.min_n.as_ref().map(|v| count(v, "min_n")).transpose()?;
        let dominance = match &d.dominance {
            None => None,
            Some(dom) => {
                let n = count(&dom.get_ref().n, "dominance.n")?;
                let k = share(&dom.get_ref().k, "dominance.k", "0.85")?;
                Some((n as usize, k))
            }
        };
        let p_percent = d
            .p_percent
            .as_ref()
            .map(|v| share(v, "p_percent", "0.10"))
            .transpose()?;
        let protection = match &d.protection {
            None => 0.10,
            Some(v) => share(v, "protection", "0.10")?,
        };
        let mut contributors = BTreeMap::new();
        for (dataset, column) in d.contributors.iter().flatten() {
            if !ds_ids.contains(&dataset.as_str()) {
                return Err(self.err(
                    column,
                    format!(
                        "[study.disclosure] contributors: `{dataset}` is not a dataset — datasets are: {}",
                        choices(ds_ids.iter().copied())
                    ),
                ));
            }
            contributors.insert(dataset.clone(), column.get_ref().clone());
        }
        Ok(Some(Disclosure {
            min_n,
            dominance,
            p_percent,
            protection,
            contributors,
        }))
    }
}
