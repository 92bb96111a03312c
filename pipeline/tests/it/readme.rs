//! The README's spec reference names every key `study.toml` accepts: each
//! field of the raw spec structures (and of the contract) must appear in the
//! README as `key`, so a new key cannot land undocumented.

use crate::common::repo;

fn fields(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub "))
        .filter_map(|l| l.split_once(':').map(|(name, _)| name.trim().to_string()))
        .filter(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(|name| {
            if name == "where_" {
                "where".to_string()
            } else {
                name
            }
        })
        .collect()
}

#[test]
fn every_spec_and_contract_key_is_in_the_readme() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let raw = std::fs::read_to_string(repo().join("pipeline/src/spec/raw.rs")).unwrap();
    let mut keys = fields(&raw);
    // The contract's keys (its raw structures are private fields in contract.rs).
    keys.extend(
        [
            "type",
            "required",
            "min",
            "max",
            "codes",
            "format",
            "formats",
            "key",
            "max_reject_share",
        ]
        .map(String::from),
    );
    // A key is documented as `key` or `key = …`, or as a table: [key], [key.…], […key], [[key]].
    let documented = |k: &String| {
        ["`{k}`", "{k} =", "[{k}]", "[{k}.", ".{k}]", "[[{k}]]"]
            .iter()
            .any(|form| readme.contains(&form.replace("{k}", k)))
    };
    let missing: Vec<&String> = keys.iter().filter(|k| !documented(k)).collect();
    assert!(
        missing.is_empty(),
        "keys missing from the README's spec reference: {missing:?}"
    );
    assert!(keys.len() > 60, "the field scan found {} keys", keys.len());
}
