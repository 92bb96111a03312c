//! Random input for the parsers a hostile file or spec reaches: the CSV
//! reader (with contract types: numbers, dates, money), the money parser
//! and the spec resolver. Each case must end — with data or a clear error —
//! without a panic and within a time bound. `proptest` on stable Rust; the
//! number of cases (`PROPTEST_CASES`, default 256 here) bounds the time in CI;
//! the seed is fixed (`MIZAN_FUZZ_SEED` to change it). It found a panic on
//! `0Ⱥ` in the money parser (a lowercase longer than its letter).

use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;

use crate::common::temp_study;

/// Runs `f` on its own thread; panics if it panics or takes longer than `limit`.
fn within<T: Send + 'static>(
    limit: Duration,
    what: String,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(limit) {
        Ok(Ok(v)) => v,
        Ok(Err(_)) => panic!("panicked on {what}"),
        Err(_) => panic!("did not finish within {limit:?} on {what}"),
    }
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    // A fixed seed, so that CI runs the same cases every time; set
    // MIZAN_FUZZ_SEED to explore others.
    let seed = std::env::var("MIZAN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_129);
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(seed),
        ..ProptestConfig::default()
    }
}

const CONTRACT: &str = "[dataset]\nmax_reject_share = 1.0\n\n[columns.d]\ntype = \"date\"\nformats = [\"%Y-%m-%d\", \"%d/%m/%Y\", \"%b %d, %Y\"]\n\n[columns.m]\ntype = \"money\"\n\n[columns.n]\ntype = \"float\"\n";

const SPEC: &str = "[study]\nid = \"f\"\ntitle = \"F\"\n\n[datasets.t]\npath = \"t.csv\"\ncontract = \"t.contract.toml\"\n\n[[indicators]]\nid = \"c\"\ndataset = \"t\"\nstatistic = \"count\"\n";

/// Text made of what CSV, amounts and dates are made of.
fn csv_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("d,m,n\n".to_string()),
            Just(",".to_string()),
            Just("\n".to_string()),
            Just("\r".to_string()),
            Just("\"".to_string()),
            Just("$1,200".to_string()),
            Just("2,5 MDH".to_string()),
            Just("2013-02-30".to_string()),
            Just("Jan 05, 2013".to_string()),
            "[0-9., kMbn€$-]{0,8}",
            any::<char>().prop_map(String::from),
        ],
        0..60,
    )
    .prop_map(|parts| format!("d,m,n\n{}", parts.concat()))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_csv_reader_and_its_types_end_on_any_text(text in csv_text(), raw in proptest::collection::vec(any::<u8>(), 0..200)) {
        for bytes in [text.into_bytes(), raw] {
            let what = format!("{:?}", String::from_utf8_lossy(&bytes));
            within(Duration::from_secs(30), what, move || {
                let dir = temp_study(&[("study.toml", SPEC), ("t.contract.toml", CONTRACT)]);
                std::fs::write(dir.path().join("t.csv"), &bytes).unwrap();
                let study = mizan::spec::load(dir.path()).expect("the spec is valid");
                if let Ok(ingested) = mizan::run::ingest(&study) {
                    let t = &ingested["t"];
                    assert_eq!(t.rows_read, t.rows_kept() + t.rows_rejected(), "a row was lost");
                }
            });
        }
    }

    #[test]
    fn the_money_parser_ends_on_any_text(s in ".{0,40}", t in "[0-9 ,.'()kKmMbnMdDHAUSE$€£-]{0,24}") {
        for text in [s, t] {
            for decimal in ['.', ','] {
                if let Ok(m) = mizan::ingest::money::parse(&text, decimal) {
                    prop_assert!(m.amount.is_finite(), "{text:?} gave {}", m.amount);
                }
            }
        }
    }

    #[test]
    fn the_spec_resolver_ends_on_any_spec(at in 0usize..400, len in 0usize..12, insert in "[a-z_=\\[\\]{}\"'.,0-9 \n#-]{0,16}") {
        let base = format!("{SPEC}by = [\"d:year\"]\nwhere = \"n > 0\"\n\n[[charts]]\nid = \"k\"\nindicator = \"c\"\nkind = \"bar\"\nby = \"d:year\"\n");
        let mut chars: Vec<char> = base.chars().collect();
        let at = at.min(chars.len());
        let end = (at + len).min(chars.len());
        chars.splice(at..end, insert.chars());
        let spec: String = chars.into_iter().collect();
        within(Duration::from_secs(30), format!("{spec:?}"), move || {
            let dir = temp_study(&[
                ("study.toml", &spec),
                ("t.contract.toml", CONTRACT),
                ("t.csv", "d,m,n\n2013-01-05,$1,1\n"),
            ]);
            if let Ok(study) = mizan::spec::load(dir.path()) {
                let _ = mizan::run::validate(&study);
            }
        });
    }
}
