//! `mizan init DIR`: scaffolds a study that runs as it is — a commented
//! `study.toml`, a tiny survey dataset (two strata, six clusters) and its
//! contract — for an analyst to adapt.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Result};

const STUDY: &str = r#"# A Mizan study. Run it with `mizan run <this folder>`; outputs go to out/.
[study]
id = "my-study"
title = "My digital-usage study"
language = "en"                 # "en", "fr" or "ar": labels and number formats

# A dataset: a file and, optionally, the contract its rows must meet.
[datasets.people]
path = "data/people.csv"        # relative to this file; .csv .tsv .txt .parquet .xlsx
contract = "data/people.contract.toml"
label = "Household survey"
source = "My survey, 2026 (synthetic example)"

# The survey design. Without this table the dataset is a registry
# (a complete enumeration): exact values, no standard errors.
[datasets.people.design]
weights = "weight"
strata = "stratum"
clusters = "psu"
nest = true                     # psu numbers restart in each stratum

# An indicator: a statistic of an SQL expression, overall and by breakdown.
[[indicators]]
id = "internet_users"
dataset = "people"
statistic = "proportion"        # mean | proportion | total | count
expr = "uses_internet = 1"
where = "age >= 15"             # a subpopulation (domain), not a filter
by = ["sex"]
label = "Individuals aged 15+ using the Internet"

[[charts]]
id = "internet_by_sex"
indicator = "internet_users"
kind = "bar"                    # bar | line
by = "sex"
subtitle = "Share of individuals aged 15 and over, 2026"
"#;

const CONTRACT: &str = r#"# What each column of people.csv must hold. Rows that break a rule go to
# out/rejects/people.parquet with their line number and the reason.
[dataset]
key = ["person_id"]
max_reject_share = 0.0          # any rejected row fails the run (exit code 3)

[columns.person_id]
type = "integer"
required = true

[columns.stratum]
type = "integer"
required = true

[columns.psu]
type = "integer"
required = true

[columns.weight]
type = "float"
required = true
min = 0

[columns.sex]
type = "integer"
required = true
codes = { 1 = "Men", 2 = "Women" }

[columns.age]
type = "integer"
required = true
min = 0
max = 120

[columns.uses_internet]
type = "integer"
codes = { 0 = "No", 1 = "Yes" }
"#;

/// The tiny dataset: 2 strata × 3 clusters × 12 people, values from a fixed formula.
fn people_csv() -> String {
    let mut out = String::from("person_id,stratum,psu,weight,sex,age,uses_internet\n");
    let mut id = 0;
    for stratum in 1..=2 {
        for psu in 1..=3 {
            for k in 0..12 {
                id += 1;
                let sex = 1 + (k % 2);
                let age = 10 + (id * 7) % 70;
                let uses = u8::from((id * 13 + stratum * 5 + psu) % 10 < 7 || age < 35);
                let weight = if stratum == 1 { 120.0 } else { 310.0 } + f64::from(psu * 4);
                let _ = writeln!(out, "{id},{stratum},{psu},{weight:.1},{sex},{age},{uses}");
            }
        }
    }
    out
}

/// Creates the study in `dir`.
pub fn init(dir: &Path) -> Result<()> {
    refuse_non_empty(dir)?;
    let data = dir.join("data");
    std::fs::create_dir_all(&data).map_err(|e| Error::io(&data, e))?;
    for (path, text) in [
        (dir.join("study.toml"), STUDY.to_string()),
        (data.join("people.csv"), people_csv()),
        (data.join("people.contract.toml"), CONTRACT.to_string()),
    ] {
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    }
    println!("mizan: created a study in {}", dir.display());
    println!("  run it:  mizan run {}", dir.display());
    Ok(())
}

/// Refuses a `dir` that is a file or a folder holding anything.
pub fn refuse_non_empty(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{} is a file, not a folder; choose a new folder",
            dir.display()
        )));
    }
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .next()
            .is_some()
    {
        return Err(Error::Usage(format!(
            "{} exists and is not empty; choose a new folder",
            dir.display()
        )));
    }
    Ok(())
}
