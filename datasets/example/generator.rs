//! The deterministic generator of the example study's synthetic data: a
//! household ICT survey of a Morocco-like country (12 regions × urban/rural
//! strata, two-stage cluster sample of about 15,000 individuals) and an
//! innovation-ecosystem registry (startups, funding rounds, calls for
//! projects across seven cooperation axes, events). Same seed, same bytes.
//!
//! Used by `cargo run --example generate-example` (which writes the files
//! committed in `datasets/example/`) and by a test that regenerates them and
//! compares bytes.

use std::fmt::Write as _;

/// The seed of the committed files.
pub const SEED: u64 = 20_261_127;

/// SplitMix64: small, fast, and the same on every platform.
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// An index drawn with the given weights.
    pub fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut u = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if u < *w {
                return i;
            }
            u -= w;
        }
        weights.len() - 1
    }

    /// Uniform integer in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.uniform() * (hi - lo + 1) as f64) as i64
    }
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Population aged 5+ (thousands) and urban share of the 12 regions, in ISO
/// 3166-2 order (MA-01 … MA-12); rounded from the 2014 census orders of magnitude.
const REGIONS: [(f64, f64, f64); 12] = [
    // (population, urban share, usage effect)
    (3200.0, 0.60, 0.15),
    (2080.0, 0.66, -0.05),
    (3810.0, 0.61, 0.0),
    (4120.0, 0.70, 0.35),
    (2270.0, 0.49, -0.35),
    (6170.0, 0.74, 0.45),
    (4070.0, 0.43, -0.15),
    (1480.0, 0.34, -0.55),
    (2410.0, 0.56, 0.05),
    (390.0, 0.65, -0.1),
    (330.0, 0.93, 0.2),
    (130.0, 0.62, 0.25),
];

/// One wave of the survey.
pub struct Wave {
    /// Added to every individual's log-odds of using the Internet.
    pub shift: f64,
    /// Whether the PSUs of even number are new ones (not in the 2025 sample).
    pub rotate: bool,
}

/// 2025: the main sample.
pub const WAVE_2025: Wave = Wave {
    shift: 0.0,
    rotate: false,
};

/// 2024: half the PSUs shared with 2025 (odd numbers), the others new;
/// Internet use lower.
pub const WAVE_2024: Wave = Wave {
    shift: -0.45,
    rotate: true,
};

const INDIVIDUALS_HEADER: &str = "person_id,household_id,stratum,psu,fpc,weight,region,urban,sex,age,age_group,education,used_internet_3m,smartphone,computer,online_banking,ecommerce,hours_online_week,province\n";

/// The survey: one row per interviewed individual aged 5+, with the six
/// spoiled rows.
pub fn individuals(rows: &[String]) -> String {
    let mut rows = rows.to_vec();
    let mut out = String::from(INDIVIDUALS_HEADER);
    // Real data has mistakes; these six rows break the contract on purpose
    // and must land in the rejects (see datasets/example/README.md).
    let bad: [(usize, usize, &str); 6] = [
        (101, 9, "999"),   // age out of range
        (2203, 6, "13"),   // unknown region code
        (4410, 8, ""),     // missing sex
        (6620, 0, "6619"), // duplicate person_id
        (8830, 5, "n/a"),  // weight not a number
        (11040, 12, "7"),  // invalid answer code
    ];
    for (row, field, value) in bad {
        rows[row] = replace_field(&rows[row], field, value);
    }
    for r in rows {
        out.push_str(&r);
        out.push('\n');
    }
    out
}

/// A wave's file of the stacked-waves dataset: the design and the
/// variables the change between waves is measured on.
pub fn wave_file(rows: &[String]) -> String {
    const KEEP: [usize; 10] = [0, 2, 3, 4, 5, 6, 7, 8, 9, 12];
    let header: Vec<&str> = INDIVIDUALS_HEADER.trim_end().split(',').collect();
    let mut out = KEEP.map(|i| header[i]).join(",");
    out.push('\n');
    for r in rows {
        let f: Vec<&str> = r.split(',').collect();
        out.push_str(&KEEP.map(|i| f[i]).join(","));
        out.push('\n');
    }
    out
}

/// Provinces per region: about 75 in all, in proportion to population.
fn provinces_in(region: usize) -> u32 {
    let total: f64 = REGIONS.iter().map(|r| r.0).sum();
    ((REGIONS[region].0 / total * 75.0).round() as u32).max(2)
}

/// The province of PSU number `psu` of the urban (1) or rural (2) stratum of
/// region `region`: rural PSUs are dealt to every province of the region in
/// turn, urban ones to its first half only (its cities), so provinces differ
/// in how urban they are. Coded region × 100 + province (`103`).
fn province(region: usize, urban: u8, psu: u32) -> u32 {
    let k = provinces_in(region);
    let among = if urban == 1 { k.div_ceil(2) } else { k };
    (region as u32 + 1) * 100 + (psu - 1) % among + 1
}

/// The provinces' covariates, as a census and a regulator would publish
/// them: population (thousands, aged 5+), the urban share of it, and fixed
/// broadband subscriptions per 100 inhabitants (synthetic, related to the
/// area's urban share and the region's use of the Internet).
pub fn provinces(rng: &mut Rng) -> String {
    let total_pop: f64 = REGIONS.iter().map(|r| r.0).sum();
    let mut out = String::from("province,region,population,urban_share,broadband\n");
    for (r, &(pop, urban_share, effect)) in REGIONS.iter().enumerate() {
        let k = provinces_in(r);
        let mut urban_pop = vec![0.0; k as usize];
        let mut all_pop = vec![0.0; k as usize];
        for urban in [1u8, 2u8] {
            let share = if urban == 1 {
                urban_share
            } else {
                1.0 - urban_share
            };
            let pop_h = pop * share;
            let n_psu = ((360.0 * pop_h * 1000.0 / (total_pop * 1000.0)).round() as u32).max(3);
            for psu in 1..=n_psu {
                let j = (province(r, urban, psu) % 100 - 1) as usize;
                let part = pop_h / f64::from(n_psu);
                all_pop[j] += part;
                if urban == 1 {
                    urban_pop[j] += part;
                }
            }
        }
        for j in 0..k as usize {
            let u = urban_pop[j] / all_pop[j];
            let broadband =
                100.0 * logistic(-2.2 + 1.4 * u + 0.8 * effect + 0.3 * (rng.uniform() - 0.5));
            writeln!(
                out,
                "{},{},{:.1},{:.4},{:.2}",
                (r as u32 + 1) * 100 + j as u32 + 1,
                r + 1,
                all_pop[j],
                u,
                broadband
            )
            .expect("a String takes any write");
        }
    }
    out
}

/// The rows of one wave of the survey.
pub fn survey(rng: &mut Rng, wave: &Wave) -> Vec<String> {
    let total_pop: f64 = REGIONS.iter().map(|r| r.0).sum();
    let mut rows = Vec::new();
    let mut person = 0u32;
    for (r, &(pop, urban_share, effect)) in REGIONS.iter().enumerate() {
        for urban in [1u8, 2u8] {
            let stratum = r as u32 * 2 + u32::from(urban);
            let pop_h =
                pop * if urban == 1 {
                    urban_share
                } else {
                    1.0 - urban_share
                } * 1000.0;
            let n_psu = ((360.0 * pop_h / (total_pop * 1000.0)).round() as u32).max(3);
            let pop_psu = (pop_h / 550.0).round().max(f64::from(n_psu) * 4.0);
            let mut stratum_rows = Vec::new();
            for psu in 1..=n_psu {
                let response = 0.85 + 0.3 * rng.uniform();
                let size = rng.between(36, 48);
                for k in 0..size {
                    person += 1;
                    let household = stratum * 10_000 + psu * 100 + (k / 4) as u32;
                    let age = {
                        let u = rng.uniform();
                        (5.0 + 80.0 * u.powf(1.35)).floor() as i64
                    };
                    let age_group = match age {
                        5..=14 => 1,
                        15..=24 => 2,
                        25..=34 => 3,
                        35..=44 => 4,
                        45..=59 => 5,
                        _ => 6,
                    };
                    let sex = if rng.chance(0.49) { 1 } else { 2 };
                    let urb = if urban == 1 { 1.0 } else { 0.0 };
                    let schooling = -0.6 + 1.1 * urb - 0.025 * (age as f64 - 30.0).max(0.0)
                        + if sex == 1 { 0.3 } else { 0.0 };
                    let education = if age < 12 {
                        if age < 7 { 0 } else { 1 }
                    } else {
                        let u = logistic(schooling + 0.8 * (rng.uniform() - 0.5) * 4.0);
                        if u < 0.25 {
                            0
                        } else if u < 0.55 {
                            1
                        } else if u < 0.85 {
                            2
                        } else {
                            3
                        }
                    };
                    let age_effect = [0.0, -0.4, 2.0, 1.6, 0.8, -0.4, -1.8][age_group];
                    let edu_effect = [-1.1, 0.0, 0.8, 1.2][education];
                    let p_net = logistic(
                        1.7 + 1.0 * urb
                            + age_effect
                            + edu_effect
                            + if sex == 1 { 0.35 } else { 0.0 }
                            + effect
                            + wave.shift,
                    )
                    .min(0.975);
                    let net = rng.chance(p_net);
                    let smartphone = if net {
                        rng.chance(0.96)
                    } else {
                        rng.chance(0.25) && age >= 12
                    };
                    let computer = net
                        && rng.chance(logistic(
                            -1.6 + 0.6 * urb + 0.8 * education as f64
                                - 0.2 * (age_group as f64 - 3.0).abs(),
                        ));
                    let banking = net
                        && age >= 18
                        && rng.chance(logistic(-2.4 + 0.7 * education as f64 + 0.4 * urb));
                    let ecommerce = net
                        && age >= 15
                        && rng.chance(logistic(-1.3 + 0.5 * education as f64 + 0.5 * urb));
                    let hours = if net {
                        let h = 4.0
                            + 26.0 * rng.uniform().powf(1.6)
                            + if age_group <= 3 { 6.0 } else { 0.0 };
                        format!("{h:.1}")
                    } else {
                        String::new()
                    };
                    stratum_rows.push((
                        person, household, psu, age, age_group, sex, urban, education, net,
                        smartphone, computer, banking, ecommerce, hours, response,
                    ));
                }
            }
            let weight_base = pop_h / stratum_rows.len() as f64;
            for row in stratum_rows {
                let (
                    person,
                    household,
                    psu,
                    age,
                    age_group,
                    sex,
                    urban,
                    education,
                    net,
                    smartphone,
                    computer,
                    banking,
                    ecommerce,
                    hours,
                    response,
                ) = row;
                let psu_id = if wave.rotate && psu % 2 == 0 {
                    90_000 + stratum * 100 + psu
                } else {
                    stratum * 100 + psu
                };
                rows.push(format!(
                    "{person},{household},{stratum},{psu_id},{pop_psu},{:.2},{},{urban},{sex},{age},{age_group},{education},{},{},{},{},{},{hours},{}",
                    weight_base / response,
                    r + 1,
                    u8::from(net),
                    u8::from(smartphone),
                    u8::from(computer),
                    u8::from(banking),
                    u8::from(ecommerce),
                    province(r, urban, psu),
                ));
            }
        }
    }
    rows
}

fn replace_field(line: &str, idx: usize, value: &str) -> String {
    let mut f: Vec<&str> = line.split(',').collect();
    f[idx] = value;
    f.join(",")
}

const SECTORS: [(&str, f64); 10] = [
    ("fintech", 14.0),
    ("e-commerce", 13.0),
    ("edtech", 10.0),
    ("healthtech", 8.0),
    ("agritech", 9.0),
    ("ai-data", 11.0),
    ("mobility", 6.0),
    ("cleantech", 7.0),
    ("media-gaming", 6.0),
    ("b2b-saas", 16.0),
];

/// Startups: one row per company.
pub fn startups(rng: &mut Rng) -> String {
    let region_weights = [8.0, 3.0, 6.0, 20.0, 1.5, 45.0, 7.0, 1.0, 5.0, 0.8, 1.2, 1.5];
    let sector_weights: Vec<f64> = SECTORS.iter().map(|s| s.1).collect();
    let mut out =
        String::from("startup_id,name,region,sector,founded_year,founder_gender,status\n");
    for id in 1..=1200 {
        let region = rng.pick(&region_weights) + 1;
        let sector = SECTORS[rng.pick(&sector_weights)].0;
        let year = 2012
            + rng.pick(&[
                2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 9.0, 10.0, 11.0, 13.0, 14.0, 15.0, 16.0, 12.0,
            ]) as i64;
        let gender = if rng.chance(0.21) { "F" } else { "M" };
        let age = 2025 - year;
        let status = if rng.chance(0.04 * age as f64) {
            "closed"
        } else if rng.chance(0.012 * age as f64) {
            "acquired"
        } else {
            "active"
        };
        let _ = writeln!(
            out,
            "{id},Startup {id:04},{region},{sector},{year},{gender},{status}"
        );
    }
    out
}

/// Funding rounds of those startups.
pub fn funding_rounds(rng: &mut Rng) -> String {
    let types = [
        ("pre-seed", 250_000.0),
        ("seed", 1_500_000.0),
        ("series-a", 9_000_000.0),
        ("series-b", 35_000_000.0),
        ("grant", 400_000.0),
    ];
    let mut out = String::from("round_id,startup_id,date,round_type,amount_mad\n");
    for id in 1..=800 {
        let startup = rng.between(1, 1200);
        let t = rng.pick(&[30.0, 35.0, 10.0, 3.0, 22.0]);
        let (name, scale) = types[t];
        let year = rng.between(2016, 2025);
        let month = rng.between(1, 12);
        let day = rng.between(1, 28);
        let amount = (scale * (0.4 + 1.2 * rng.uniform()) / 1000.0).round() * 1000.0;
        let _ = writeln!(
            out,
            "{id},{startup},{year}-{month:02}-{day:02},{name},{amount:.0}"
        );
    }
    out
}

/// Calls for projects across the seven cooperation axes.
pub fn calls(rng: &mut Rng) -> String {
    let mut out = String::from("call_id,axis,year,applications,shortlisted,selected,funded_mad\n");
    let mut id = 0;
    for year in 2022..=2025 {
        for axis in 1..=7 {
            let calls = if axis == 7 || axis == 2 { 2 } else { 1 };
            for _ in 0..calls {
                id += 1;
                let applications = rng.between(25, 180) + (year - 2022) * 12;
                let shortlisted =
                    (applications as f64 * (0.25 + 0.2 * rng.uniform())).round() as i64;
                let selected = (shortlisted as f64 * (0.3 + 0.3 * rng.uniform())).round() as i64;
                let funded = selected * rng.between(80, 400) * 1000;
                let _ = writeln!(
                    out,
                    "{id},{axis},{year},{applications},{shortlisted},{selected},{funded}"
                );
            }
        }
    }
    out
}

/// One row per application to the calls of `calls` (as `calls()` wrote
/// them): the applicant's region and founder's sex, and the furthest stage
/// reached — the call's best-ranked applicants were shortlisted and the best
/// of those selected, so each call's counts are those of `calls.csv`.
/// Applicants from the large hubs and founders who are men rank slightly
/// better, as programme evaluations often find.
pub fn applications(calls: &str, rng: &mut Rng) -> String {
    let region_weights = [7.0, 3.0, 8.0, 20.0, 2.0, 38.0, 9.0, 1.5, 6.0, 1.0, 2.0, 2.5];
    let mut out = String::from("application_id,call_id,axis,year,region,founder_sex,stage\n");
    let mut id = 0;
    for line in calls.lines().skip(1) {
        let f: Vec<i64> = line.split(',').map(|x| x.parse().unwrap_or(0)).collect();
        let (call, axis, year, applied, shortlisted, selected) =
            (f[0], f[1], f[2], f[3], f[4], f[5]);
        let mut applicants: Vec<(f64, usize, &str)> = (0..applied)
            .map(|_| {
                let region = rng.pick(&region_weights) + 1;
                let sex = if rng.chance(0.32) { "F" } else { "M" };
                let hub = if [4, 6].contains(&region) { 0.12 } else { 0.0 };
                let edge = if sex == "M" { 0.06 } else { 0.0 };
                (rng.uniform() + hub + edge, region, sex)
            })
            .collect();
        applicants.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (rank, (_, region, sex)) in applicants.into_iter().enumerate() {
            id += 1;
            let rank = rank as i64;
            let stage = if rank < selected {
                "selected"
            } else if rank < shortlisted {
                "shortlisted"
            } else {
                "applied"
            };
            let _ = writeln!(out, "{id},{call},{axis},{year},{region},{sex},{stage}");
        }
    }
    out
}

/// Ecosystem events with attendance, the cooperation axis each belongs to
/// and the women among the attendees. The axis and the women are drawn
/// from a stream of their own (`extra`), so the other columns stay what
/// they were before these were added.
pub fn events(rng: &mut Rng, extra: &mut Rng) -> String {
    let kinds = ["hackathon", "meetup", "conference", "training", "demo-day"];
    let region_weights = [
        8.0, 4.0, 7.0, 18.0, 3.0, 35.0, 10.0, 2.0, 7.0, 1.5, 2.0, 2.5,
    ];
    let mut out = String::from("event_id,region,date,type,attendance,axis,women\n");
    for id in 1..=300 {
        let region = rng.pick(&region_weights) + 1;
        let kind = kinds[rng.pick(&[2.0, 5.0, 2.0, 4.0, 1.0])];
        let year = rng.between(2022, 2025);
        let month = rng.between(1, 12);
        let day = rng.between(1, 28);
        let base = match kind {
            "conference" => 400.0,
            "hackathon" => 120.0,
            "demo-day" => 200.0,
            _ => 45.0,
        };
        let attendance = (base * (0.5 + rng.uniform())).round();
        // Training belongs to axis 2, demo days to 7, hackathons to the
        // technology axes (1, 3, 4), meetups and conferences mostly to 6.
        let axis = match kind {
            "training" => 2,
            "demo-day" => 7,
            "hackathon" => [1, 3, 4][extra.pick(&[1.0, 2.0, 1.0])],
            _ if extra.chance(0.8) => 6,
            _ => [1, 3, 4, 5][extra.pick(&[1.0, 1.0, 1.0, 1.0])],
        };
        // Women: a third of the attendees in the big cities' regions, a
        // quarter elsewhere, more in training.
        let share = match (kind, region) {
            ("training", 4 | 6) => 0.42,
            ("training", _) => 0.34,
            (_, 4 | 6) => 0.33,
            _ => 0.25,
        } * (0.8 + 0.4 * extra.uniform());
        let women = (attendance * share).round();
        let _ = writeln!(
            out,
            "{id},{region},{year}-{month:02}-{day:02},{kind},{attendance:.0},{axis},{women:.0}"
        );
    }
    out
}

/// The cluster's members: one row per member organisation — its kind,
/// region, the year it joined, its main cooperation axis and, for a
/// startup, its `startup_id` in the startup registry (an active startup
/// drawn from a stream of its own, `extra`; the member's region is then
/// the startup's).
pub fn members(startups: &str, rng: &mut Rng, extra: &mut Rng) -> String {
    let kinds = ["startup", "sme", "large", "university", "research"];
    let region_weights = [7.0, 3.0, 8.0, 20.0, 2.0, 38.0, 9.0, 1.5, 6.0, 1.0, 2.0, 2.5];
    // Active startups: (id, region).
    let active: Vec<(String, String)> = startups
        .lines()
        .skip(1)
        .filter(|l| l.ends_with(",active"))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[2].to_string())
        })
        .collect();
    let mut taken = std::collections::BTreeSet::new();
    let mut out = String::from("member_id,kind,region,joined,axis,startup_id\n");
    for id in 1..=260 {
        let kind = kinds[rng.pick(&[50.0, 25.0, 8.0, 10.0, 7.0])];
        let mut region = (rng.pick(&region_weights) + 1).to_string();
        // Membership grew: more joined in later years.
        let joined = 2018 + rng.pick(&[1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0]) as i64;
        let axis = rng.pick(&[12.0, 14.0, 16.0, 11.0, 6.0, 9.0, 18.0]) + 1;
        let mut startup = String::new();
        if kind == "startup" {
            let (sid, sregion) = loop {
                let k = (extra.uniform() * active.len() as f64) as usize;
                if taken.insert(k) {
                    break &active[k];
                }
            };
            (startup, region) = (sid.clone(), sregion.clone());
        }
        let _ = writeln!(out, "{id},{kind},{region},{joined},{axis},{startup}");
    }
    out
}

/// The 12 regions' population aged 5+ (persons), the orders of magnitude the
/// generator's survey uses — synthetic, not census figures.
pub fn regions() -> String {
    let mut out = String::from("region,population\n");
    for (r, &(pop, _, _)) in REGIONS.iter().enumerate() {
        let _ = writeln!(out, "{},{:.0}", r + 1, pop * 1000.0);
    }
    out
}

/// Every generated file: name and content.
pub fn all() -> Vec<(&'static str, String)> {
    let mut rng = Rng::new(SEED);
    let rows = survey(&mut rng, &WAVE_2025);
    let earlier = survey(&mut Rng::new(SEED ^ 2024), &WAVE_2024);
    // The registries draw from the main stream in this order.
    let startups = startups(&mut rng);
    let funding_rounds = funding_rounds(&mut rng);
    let calls = calls(&mut rng);
    let events = events(&mut rng, &mut Rng::new(SEED ^ 300));
    let applications = applications(&calls, &mut Rng::new(SEED ^ 36));
    vec![
        ("individuals.csv", individuals(&rows)),
        ("waves/ict_2024.csv", wave_file(&earlier)),
        ("waves/ict_2025.csv", wave_file(&rows)),
        ("provinces.csv", provinces(&mut Rng::new(SEED ^ 75))),
        (
            "members.csv",
            members(
                &startups,
                &mut Rng::new(SEED ^ 260),
                &mut Rng::new(SEED ^ 261),
            ),
        ),
        ("regions.csv", regions()),
        ("startups.csv", startups),
        ("funding_rounds.csv", funding_rounds),
        ("calls.csv", calls),
        ("applications.csv", applications),
        ("events.csv", events),
    ]
}
