//! Resolving `[[models]]`: the formula parsed, the family and reference
//! levels checked. Columns are checked against the data when it is read.

use super::*;
use crate::models::family::Family;

impl Resolver<'_> {
    pub(super) fn model(
        &self,
        m: RawModel,
        location: Location,
        datasets: &[DatasetSpec],
    ) -> Result<ModelSpec> {
        let id = m.id.get_ref().clone();
        let what = format!("model `{id}`");
        let ds = self.survey_dataset(
            &m.dataset,
            &what,
            "a design-based regression needs one",
            datasets,
        )?;
        let formula = crate::models::formula::parse(m.formula.get_ref()).map_err(|e| {
            self.err(
                &m.formula,
                format!("{what}: formula `{}`: {e}", m.formula.get_ref()),
            )
        })?;
        let family = match &m.family {
            None => Family::Gaussian,
            Some(f) => pick(self, f, "model family", &Family::ALL)?,
        };
        let mut reference = BTreeMap::new();
        if let Some(r) = &m.reference {
            for (column, value) in r.get_ref() {
                let text = match value {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Boolean(b) => b.to_string(),
                    other => {
                        return Err(self.err(
                            r,
                            format!("{what}: reference `{column}` is a {}: give the level as a code (integer) or text", other.type_str()),
                        ));
                    }
                };
                reference.insert(column.clone(), text);
            }
        }
        let level = self.level(m.level.as_ref(), &what)?;
        Ok(ModelSpec {
            id,
            dataset: ds.id.clone(),
            formula_text: m.formula.get_ref().clone(),
            formula,
            family,
            where_: m.where_.map(Spanned::into_inner),
            derived: m
                .variables
                .unwrap_or_default()
                .into_iter()
                .map(|d| (d.name, d.expr))
                .collect(),
            reference,
            level,
            label: text_of(m.label),
            location,
        })
    }
}
