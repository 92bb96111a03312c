//! The keys a spec file accepts, read from its raw types as serde sees
//! them (so a renamed field, `where`, is listed by its TOML name): the
//! README's spec reference is checked against this list.

use serde::de::{self, DeserializeOwned, Visitor};

use super::raw::*;

/// Every key `study.toml` accepts, sorted, each once.
pub fn study() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = [
        fields::<RawSpec>(),
        fields::<RawStudy>(),
        fields::<RawDrift>(),
        fields::<RawEngine>(),
        fields::<RawReliability>(),
        fields::<RawDisclosure>(),
        fields::<RawDominance>(),
        fields::<RawDataset>(),
        fields::<RawUnpivot>(),
        fields::<RawDesign>(),
        fields::<RawMargin>(),
        fields::<RawRake>(),
        fields::<RawCalibrate>(),
        fields::<RawReplicates>(),
        fields::<RawIndicator>(),
        fields::<RawPerCapita>(),
        fields::<RawJoin>(),
        fields::<RawComparison>(),
        fields::<RawCrosstab>(),
        fields::<RawModel>(),
        fields::<RawSmallArea>(),
        fields::<RawCovariates>(),
        fields::<RawDerived>(),
        fields::<RawChart>(),
        fields::<RawComposite>(),
        fields::<RawComponent>(),
        fields::<RawUncertainty>(),
        fields::<RawOutliers>(),
        fields::<RawReport>(),
        fields::<RawSection>(),
        fields::<RawSummary>(),
    ]
    .concat();
    out.sort_unstable();
    out.dedup();
    out
}

/// The fields serde reads for the struct `T`.
pub fn fields<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut probe = Probe(&[]);
    // The probe stops every deserialisation once it has seen the fields.
    let _ = T::deserialize(&mut probe);
    probe.0
}

/// A deserializer that records the fields of the struct asked for.
struct Probe(&'static [&'static str]);

/// Why the probe stops: it has no data.
#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("probe")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> de::Deserializer<'de> for &mut Probe {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        self.0 = fields;
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn renamed_fields_by_their_toml_names() {
        let keys = super::study();
        assert!(keys.contains(&"where") && !keys.contains(&"where_"));
        assert!(keys.contains(&"statistic") && keys.contains(&"lonely_psu"));
    }
}
