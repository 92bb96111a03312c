//! Registry indicators by period: rounds counted by quarter, the median
//! amount and the share of seed rounds by year, from a date column, by hand.

use crate::common::{estimate, row};

#[test]
fn counts_medians_and_shares_by_period() {
    let data = "id,funded_at,amount,kind\n1,2012-02-10,100,seed\n2,2012-05-01,300,series-a\n3,2012-05-20,50,seed\n4,2013-01-15,200,seed\n5,2013-11-30,1000,series-a\n6,,80,seed\n";
    let toml = "[study]\nid = \"r\"\ntitle = \"R\"\n\n[datasets.rounds]\npath = \"rounds.csv\"\n\n[[indicators]]\nid = \"rounds\"\ndataset = \"rounds\"\nstatistic = \"count\"\nby = [\"funded_at:quarter\"]\n\n[[indicators]]\nid = \"median_amount\"\ndataset = \"rounds\"\nstatistic = \"median\"\nexpr = \"amount\"\nby = [\"funded_at:year\"]\n\n[[indicators]]\nid = \"seed_share\"\ndataset = \"rounds\"\nstatistic = \"share\"\nexpr = \"kind = 'seed'\"\nby = [\"funded_at:year\", \"funded_at:month\"]\n";
    let rows = estimate(&[("study.toml", toml), ("rounds.csv", data)]);
    let value = |id: &str, domain: &str| row(&rows, id, domain).est.estimate.unwrap();
    assert_eq!(value("rounds", ""), 6.0, "every round, dated or not");
    for (quarter, n) in [
        ("2012-Q1", 1.0),
        ("2012-Q2", 2.0),
        ("2013-Q1", 1.0),
        ("2013-Q4", 1.0),
    ] {
        assert_eq!(value("rounds", quarter), n, "{quarter}");
    }
    let quarters: Vec<&str> = rows
        .iter()
        .filter(|r| r.indicator == "rounds" && !r.by.is_empty())
        .map(|r| r.domain[0].as_str())
        .collect();
    assert_eq!(
        quarters,
        ["2012-Q1", "2012-Q2", "2013-Q1", "2013-Q4"],
        "in time order"
    );
    // R's qrule "math": 2012 {50, 100, 300} → 100; 2013 {200, 1000} → 200.
    assert_eq!(value("median_amount", "2012"), 100.0);
    assert_eq!(value("median_amount", "2013"), 200.0);
    assert!((value("seed_share", "2012") - 2.0 / 3.0).abs() < 1e-15);
    assert_eq!(value("seed_share", "2013"), 0.5);
    assert_eq!(value("seed_share", "2012-05"), 0.5);
}

/// Money and dates as registries write them: a contract parses amounts with
/// currency signs, separators and multipliers and dates in several formats;
/// what does not parse goes to the rejects with its reason.
#[test]
fn money_and_dates_as_written_are_parsed_or_rejected() {
    let data = "id;signed;amount\n1;2012-03-01;$1,200,000\n2;15/06/2012;USD 2.5M\n3;Jan 05, 2013;$600k\n4;2013-02-30;100\n5;2013-07-01;about a million\n";
    let contract = "[dataset]\nmax_reject_share = 0.5\n\n[columns.signed]\ntype = \"date\"\nformats = [\"%Y-%m-%d\", \"%d/%m/%Y\", \"%b %d, %Y\"]\nrequired = true\n\n[columns.amount]\ntype = \"money\"\nrequired = true\n";
    let toml = "[study]\nid = \"m\"\ntitle = \"M\"\n\n[datasets.deals]\npath = \"deals.csv\"\ndelimiter = \";\"\ncontract = \"deals.contract.toml\"\n\n[[indicators]]\nid = \"raised\"\ndataset = \"deals\"\nstatistic = \"total\"\nexpr = \"amount\"\nby = [\"signed:year\"]\n";
    let dir = crate::common::temp_study(&[
        ("study.toml", toml),
        ("deals.csv", data),
        ("deals.contract.toml", contract),
    ]);
    let (code, _, err) = crate::common::mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let table = std::fs::read_to_string(dir.path().join("out/indicators.csv")).unwrap();
    assert!(
        table.contains("raised,deals,signed:year,2012,total,3700000.0,"),
        "{table}"
    );
    assert!(
        table.contains("raised,deals,signed:year,2013,total,600000.0,"),
        "{table}"
    );
    let rejects = crate::common::read_parquet(&dir.path().join("out/rejects/deals.parquet"));
    assert_eq!(crate::common::reject_lines(&rejects), [5, 6]);
    let reasons = crate::common::reject_reasons(&rejects);
    assert!(
        reasons[0].contains("`2013-02-30` is not a date"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].contains("`about a million` is not an amount"),
        "{reasons:?}"
    );
}

/// Funding by the region of the startup that raised it: a join on the key;
/// the round whose startup is unknown stays in the total, falls in no
/// region, and is counted in the report; a key naming two startups is refused.
#[test]
fn a_join_brings_related_columns_and_counts_the_unmatched() {
    let startups = "startup_id,region\n1,North\n2,South\n3,North\n";
    let rounds = "round_id,startup_id,amount\n1,1,100\n2,2,50\n3,3,25\n4,9,70\n";
    let toml = "[study]\nid = \"j\"\ntitle = \"J\"\n\n[datasets.startups]\npath = \"startups.csv\"\n\n[datasets.rounds]\npath = \"rounds.csv\"\n\n[[indicators]]\nid = \"raised\"\ndataset = \"rounds\"\nstatistic = \"total\"\nexpr = \"amount\"\nby = [\"region\"]\njoin = { dataset = \"startups\", on = \"startup_id\" }\n\n[[indicators]]\nid = \"rounds\"\ndataset = \"rounds\"\nstatistic = \"count\"\n";
    let files = |startups: &str| {
        crate::common::temp_study(&[
            ("study.toml", toml),
            ("startups.csv", startups),
            ("rounds.csv", rounds),
        ])
    };
    let dir = files(startups);
    let (code, _, err) = crate::common::mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let table = std::fs::read_to_string(dir.path().join("out/indicators.csv")).unwrap();
    assert!(table.contains("raised,rounds,,,total,245.0,"), "{table}");
    assert!(
        table.contains("raised,rounds,region,North,total,125.0,"),
        "{table}"
    );
    assert!(
        table.contains("raised,rounds,region,South,total,50.0,"),
        "{table}"
    );
    assert!(table.contains("rounds,rounds,,,count,4.0,"), "{table}");
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(
        html.contains("joined with `startups` on startup_id: 1 of 4 rows have no match"),
        "the report counts the unmatched"
    );

    let dir = files("startup_id,region\n1,North\n1,South\n");
    let (code, _, err) = crate::common::mizan(&["run", "."], dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the key must name one row of `startups`"),
        "{err}"
    );
}

/// Distinct startups funded, overall and by region, by hand; refused on a
/// survey design.
#[test]
fn count_distinct_counts_each_value_once() {
    let startups = "startup_id,region\n1,North\n2,South\n3,North\n";
    let rounds = "round_id,startup_id,amount\n1,1,100\n2,1,50\n3,3,25\n4,2,70\n5,,10\n";
    let toml = "[study]\nid = \"d\"\ntitle = \"D\"\n\n[datasets.startups]\npath = \"startups.csv\"\n\n[datasets.rounds]\npath = \"rounds.csv\"\n\n[[indicators]]\nid = \"funded\"\ndataset = \"rounds\"\nstatistic = \"count_distinct\"\nexpr = \"startup_id\"\nwhere = \"amount >= 50\"\nby = [\"region\"]\njoin = { dataset = \"startups\", on = \"startup_id\" }\n";
    let rows = crate::common::estimate(&[
        ("study.toml", toml),
        ("startups.csv", startups),
        ("rounds.csv", rounds),
    ]);
    let value = |domain: &str| crate::common::row(&rows, "funded", domain).est.estimate;
    // Rounds of 50 or more: startups 1 (twice) and 2.
    assert_eq!(value(""), Some(2.0));
    assert_eq!(value("North"), Some(1.0));
    assert_eq!(value("South"), Some(1.0));

    let survey = "[study]\nid = \"s\"\ntitle = \"S\"\n\n[datasets.people]\npath = \"people.csv\"\n[datasets.people.design]\nweights = \"w\"\n\n[[indicators]]\nid = \"d\"\ndataset = \"people\"\nstatistic = \"count_distinct\"\nexpr = \"region\"\n";
    let dir = crate::common::temp_study(&[
        ("study.toml", survey),
        ("people.csv", "id,w,region\n1,2,A\n2,3,B\n"),
    ]);
    let (code, _, err) = crate::common::mizan(&["run", "."], dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("count_distinct is for registries"), "{err}");
}

/// Concentration of funding across startups, overall and by region, by hand.
#[test]
fn concentration_of_funding_across_startups() {
    // North: startup 1 raised 50 + 30 = 80 (two rounds), startup 3 raised 20;
    // South: startup 2 raised 100. Overall: 80, 20, 100 of 200.
    let rounds = "round_id,startup_id,region,amount\n1,1,North,50\n2,1,North,30\n3,3,North,20\n4,2,South,100\n";
    let indicator = |id: &str, measure: &str| {
        format!(
            "[[indicators]]\nid = \"{id}\"\ndataset = \"rounds\"\nstatistic = \"concentration\"\nexpr = \"amount\"\nof = \"startup_id\"\n{measure}by = [\"region\"]\n\n"
        )
    };
    let toml = format!(
        "[study]\nid = \"c\"\ntitle = \"C\"\n\n[datasets.rounds]\npath = \"rounds.csv\"\n\n{}{}{}",
        indicator("hhi", ""),
        indicator("top1", "measure = \"top_share\"\ntop = 1\n"),
        indicator("gini", "measure = \"gini\"\n"),
    );
    let rows = crate::common::estimate(&[("study.toml", &toml), ("rounds.csv", rounds)]);
    let value =
        |id: &str, domain: &str| crate::common::row(&rows, id, domain).est.estimate.unwrap();
    let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    // Shares 0.4, 0.1, 0.5: HHI 0.16 + 0.01 + 0.25 = 0.42.
    close(value("hhi", ""), 0.42);
    // North: 0.8, 0.2 → 0.68; South alone → 1.
    close(value("hhi", "North"), 0.68);
    close(value("hhi", "South"), 1.0);
    close(value("top1", ""), 0.5);
    close(value("top1", "North"), 0.8);
    // Gini of (20, 80, 100): Σ(2i − n − 1)x = −2·20 + 0 + 2·100 = 160, / (3 · 200).
    close(value("gini", ""), 160.0 / 600.0);
    // North (20, 80): (−20 + 80) / (2 · 100) = 0.3.
    close(value("gini", "North"), 0.3);
}

/// Growth of the number of rounds: year on year and compound, by hand.
#[test]
fn growth_year_on_year_and_compound() {
    let mut data = String::from("id,funded_at\n");
    for (i, year) in [
        2011, 2011, 2012, 2012, 2012, 2013, 2013, 2013, 2013, 2013, 2013,
    ]
    .iter()
    .enumerate()
    {
        data += &format!("{i},{year}-06-01\n");
    }
    let toml = "[study]\nid = \"g\"\ntitle = \"G\"\n\n[datasets.rounds]\npath = \"rounds.csv\"\n\n[[indicators]]\nid = \"rounds\"\ndataset = \"rounds\"\nstatistic = \"count\"\nby = [\"funded_at:year\"]\n\n[[indicators]]\nid = \"rounds_growth\"\ndataset = \"rounds\"\nstatistic = \"growth\"\nof = \"rounds\"\nover = \"funded_at:year\"\n";
    let rows = crate::common::estimate(&[("study.toml", toml), ("rounds.csv", &data)]);
    let value = |domain: &str| {
        crate::common::row(&rows, "rounds_growth", domain)
            .est
            .estimate
    };
    // 2, 3, 6 rounds: +50%, +100%; compound over two years √3 − 1.
    assert_eq!(value("2011"), None);
    assert_eq!(value("2012"), Some(0.5));
    assert_eq!(value("2013"), Some(1.0));
    assert!((value("").unwrap() - (3f64.sqrt() - 1.0)).abs() < 1e-15);

    let bad = toml.replace("over = \"funded_at:year\"", "over = \"funded_at:month\"");
    let dir = crate::common::temp_study(&[("study.toml", &bad), ("rounds.csv", &data)]);
    let (code, _, err) = crate::common::mizan(&["validate", "."], dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("with the breakdown `by = [\"funded_at:month\"]`"),
        "{err}"
    );
}

/// Startups per 100,000 people by region and overall, by hand; a region
/// without a population gets no rate and a note.
#[test]
fn per_capita_rates_by_the_population_key() {
    let startups = "id,region\n1,North\n2,North\n3,North\n4,North\n5,South\n6,East\n";
    let population = "region,people\nNorth,200000\nSouth,100000\n";
    let toml = "[study]\nid = \"p\"\ntitle = \"P\"\n\n[datasets.startups]\npath = \"startups.csv\"\n\n[datasets.population]\npath = \"population.csv\"\n\n[[indicators]]\nid = \"density\"\ndataset = \"startups\"\nstatistic = \"per_capita\"\npopulation = { dataset = \"population\", on = \"region\", column = \"people\" }\nper = 100000\nby = [\"region\"]\n";
    let dir = crate::common::temp_study(&[
        ("study.toml", toml),
        ("startups.csv", startups),
        ("population.csv", population),
    ]);
    let (code, _, err) = crate::common::mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let table = std::fs::read_to_string(dir.path().join("out/indicators.csv")).unwrap();
    // 6 startups for 300,000 people; North 4 for 200,000; South 1 for 100,000.
    assert!(
        table.contains("density,startups,,,per_capita,2.0,"),
        "{table}"
    );
    assert!(
        table.contains("density,startups,region,North,per_capita,2.0,"),
        "{table}"
    );
    assert!(
        table.contains("density,startups,region,South,per_capita,1.0,"),
        "{table}"
    );
    assert!(
        table.contains("density,startups,region,East,per_capita,,"),
        "{table}"
    );
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(
        html.contains("no population in `population` for East"),
        "the report says so"
    );
}

/// Two-year survival of founding cohorts, by hand.
#[test]
fn survival_of_founding_cohorts() {
    // As of 2013-12-31, two years on: A alive; B closed within two years;
    // C closed after its two years; D too recent to tell; E alive.
    let data = "id,founded,closed\nA,2010-01-01,\nB,2010-06-01,2011-01-01\nC,2011-03-01,2013-06-01\nD,2012-05-01,\nE,2011-01-01,\n";
    let toml = "[study]\nid = \"s\"\ntitle = \"S\"\n\n[datasets.startups]\npath = \"startups.csv\"\n\n[[indicators]]\nid = \"survival\"\ndataset = \"startups\"\nstatistic = \"survival\"\nfounded = \"founded\"\nclosed = \"closed\"\nafter = 2\nas_of = \"2013-12-31\"\nby = [\"founded:year\"]\n";
    let rows = crate::common::estimate(&[("study.toml", toml), ("startups.csv", data)]);
    let est = |domain: &str| {
        let r = crate::common::row(&rows, "survival", domain);
        (r.est.estimate, r.est.n)
    };
    assert_eq!(est(""), (Some(0.75), 4));
    assert_eq!(est("2010"), (Some(0.5), 2));
    assert_eq!(est("2011"), (Some(1.0), 2));
    assert_eq!(est("2012"), (None, 0));
}

/// A call-for-projects funnel, overall and by axis, by hand.
#[test]
fn funnel_conversions_between_stages() {
    let data =
        "call,axis,applications,shortlisted,selected\n1,A,60,20,4\n2,A,40,20,6\n3,B,50,25,5\n";
    let toml = "[study]\nid = \"f\"\ntitle = \"F\"\n\n[datasets.calls]\npath = \"calls.csv\"\n\n[[indicators]]\nid = \"funnel\"\ndataset = \"calls\"\nstatistic = \"funnel\"\nstages = [\"applications\", \"shortlisted\", \"selected\"]\nby = [\"axis\"]\nlabel = \"Calls for projects\"\n";
    let rows = crate::common::estimate(&[("study.toml", toml), ("calls.csv", data)]);
    let value =
        |id: &str, domain: &str| crate::common::row(&rows, id, domain).est.estimate.unwrap();
    let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-15, "{a} vs {b}");
    // Applications → selected: A 10/100, B 5/50, all 15/150.
    close(value("funnel", ""), 0.1);
    close(value("funnel", "A"), 0.1);
    // Applications → shortlisted: A 40/100, B 25/50, all 65/150.
    close(value("funnel_shortlisted", "A"), 0.4);
    close(value("funnel_shortlisted", "B"), 0.5);
    close(value("funnel_shortlisted", ""), 65.0 / 150.0);
    // Shortlisted → selected: A 10/40, all 15/65.
    close(value("funnel_selected", "A"), 0.25);
    close(value("funnel_selected", ""), 15.0 / 65.0);
}

/// `period`, `date`, `from`, `to`: rounds per quarter within a date range.
#[test]
fn periods_and_ranges_by_their_own_keys() {
    let data =
        "id,funded_at\n1,2012-02-10\n2,2012-05-01\n3,2012-05-20\n4,2013-01-15\n5,2013-11-30\n6,\n";
    let contract = "[columns.funded_at]\ntype = \"date\"\n";
    let toml = "[study]\nid = \"r\"\ntitle = \"R\"\n\n[datasets.rounds]\npath = \"rounds.csv\"\ncontract = \"rounds.contract.toml\"\n\n[[indicators]]\nid = \"rounds\"\ndataset = \"rounds\"\nstatistic = \"count\"\ndate = \"funded_at\"\nperiod = \"quarter\"\nfrom = \"2012-04-01\"\nto = \"2013-03-31\"\n";
    let rows = crate::common::estimate(&[
        ("study.toml", toml),
        ("rounds.csv", data),
        ("rounds.contract.toml", contract),
    ]);
    let value = |domain: &str| {
        crate::common::row(&rows, "rounds", domain)
            .est
            .estimate
            .unwrap()
    };
    assert_eq!(value(""), 3.0, "the rounds of April 2012 to March 2013");
    assert_eq!(value("2012-Q2"), 2.0);
    assert_eq!(value("2013-Q1"), 1.0);
    // Quarters outside the range are empty cells (n = 0), as every empty domain.
    for outside in ["2012-Q1", "2013-Q4"] {
        assert_eq!(
            crate::common::row(&rows, "rounds", outside).est.n,
            0,
            "{outside}"
        );
    }
}
