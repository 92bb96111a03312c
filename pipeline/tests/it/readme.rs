//! The README's spec reference names every key `study.toml` accepts: each
//! field of the raw spec types (and of the contract's), as serde reads
//! them, must appear in the README as `key`, so a new key cannot land
//! undocumented.

use crate::common::repo;

#[test]
fn every_spec_and_contract_key_is_in_the_readme() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let keys: Vec<&str> = [mizan::spec::keys::study(), mizan::ingest::contract::keys()].concat();
    // A key is documented as `key` or `key = …`, or as a table: [key], [key.…], […key], [[key]].
    let documented = |k: &&str| {
        ["`{k}`", "{k} =", "[{k}]", "[{k}.", ".{k}]", "[[{k}]]"]
            .iter()
            .any(|form| readme.contains(&form.replace("{k}", k)))
    };
    let missing: Vec<&&str> = keys.iter().filter(|k| !documented(k)).collect();
    assert!(
        missing.is_empty(),
        "keys missing from the README's spec reference: {missing:?}"
    );
    assert!(keys.len() > 60, "the field scan found {} keys", keys.len());
}
