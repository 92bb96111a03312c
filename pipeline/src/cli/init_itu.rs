//! `mizan init DIR --template itu-household`: a household ICT survey study
//! built on the ITU core indicators — a household and an individual file
//! with their contracts (the standard questions, value labels in English,
//! French and Arabic), the core indicators HH1, HH4, HH6, HH7, HH10, HH15
//! and HH18 with their usual breakdowns, and the charts a national ICT
//! report shows; runnable at once on generated data (four regions, urban
//! and rural strata, three clusters each).

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Result};

const STUDY: &str = r#"# A household ICT survey, reported against the ITU core indicators on ICT
# access and use by households and individuals. Run it with `mizan run <this folder>`.
# Replace data/*.csv with your survey files (same columns, or adapt the contracts).
[study]
id = "ict-household-survey"
title = { en = "ICT access and use by households and individuals", fr = "Accès et usage des TIC par les ménages et les individus", ar = "نفاذ الأسر والأفراد إلى تكنولوجيا المعلومات والاتصال واستعمالهم لها" }
languages = ["en", "fr", "ar"]   # report.en.html, report.fr.html, report.ar.html

# One row per household. `unit` tells Mizan whom a row stands for: an ITU
# household indicator (HH1–HH6) must be computed on a household file.
[datasets.households]
path = "data/households.csv"
contract = "data/households.contract.toml"
unit = "household"
label = { en = "Household questionnaire", fr = "Questionnaire ménage", ar = "استمارة الأسرة" }
source = { en = "ICT household survey (generated example data)", fr = "Enquête TIC auprès des ménages (données d'exemple générées)", ar = "مسح تكنولوجيا المعلومات لدى الأسر (بيانات مثال مولدة)" }

[datasets.households.design]
weights = "weight"
strata = "stratum"
clusters = "psu"
nest = true

# One row per household member aged 5 and over.
[datasets.individuals]
path = "data/individuals.csv"
contract = "data/individuals.contract.toml"
unit = "individual"
label = { en = "Individual questionnaire", fr = "Questionnaire individuel", ar = "الاستمارة الفردية" }
source = { en = "ICT household survey (generated example data)", fr = "Enquête TIC auprès des ménages (données d'exemple générées)", ar = "مسح تكنولوجيا المعلومات لدى الأسر (بيانات مثال مولدة)" }

[datasets.individuals.design]
weights = "weight"
strata = "stratum"
clusters = "psu"
nest = true

# The core indicators: `itu` brings the ITU's name, definition, reference
# period and SDG link into the tables and the report's methods.
[[indicators]]
id = "hh1_radio"
dataset = "households"
statistic = "proportion"
expr = "radio = 1"
by = ["region", "area"]
itu = "HH1"

[[indicators]]
id = "hh4_computer"
dataset = "households"
statistic = "proportion"
expr = "computer = 1"
by = ["region", "area"]
itu = "HH4"

[[indicators]]
id = "hh6_internet_home"
dataset = "households"
statistic = "proportion"
expr = "internet_access = 1"
by = ["region", "area"]
itu = "HH6"

[[indicators]]
id = "hh7_internet_use"
dataset = "individuals"
statistic = "proportion"
expr = "used_internet = 1"
by = ["region", "area", "sex", "age_group", "education", ["sex", "age_group"]]
itu = "HH7"

[[indicators]]
id = "hh10_mobile_use"
dataset = "individuals"
statistic = "proportion"
expr = "used_mobile = 1"
by = ["area", "sex"]
itu = "HH10"

[[indicators]]
id = "hh15_attachment"
dataset = "individuals"
statistic = "proportion"
expr = "sent_attachment = 1"
by = ["sex", "education"]
itu = "HH15"
label = { en = "Individuals who sent a message with an attached file (ICT skill)", fr = "Personnes ayant envoyé un message avec une pièce jointe (compétence TIC)", ar = "الأفراد الذين أرسلوا رسالة بملف مرفق (مهارة في تكنولوجيا المعلومات)" }

[[indicators]]
id = "hh18_owns_mobile"
dataset = "individuals"
statistic = "proportion"
expr = "owns_mobile = 1"
by = ["sex", "area"]
itu = "HH18"

[[charts]]
id = "households_by_region"
indicator = ["hh1_radio", "hh4_computer", "hh6_internet_home"]
kind = "heatmap"
by = "region"
title = { en = "Household access by region", fr = "Équipement des ménages par région", ar = "تجهيز الأسر حسب الجهة" }

[[charts]]
id = "internet_use_by_region"
indicator = "hh7_internet_use"
kind = "bar"
by = "region"
title = { en = "Individuals using the Internet, by region", fr = "Personnes utilisant Internet, par région", ar = "الأفراد المستخدمون للإنترنت حسب الجهة" }

[[charts]]
id = "internet_use_by_age_sex"
indicator = "hh7_internet_use"
kind = "grouped_bar"
by = "age_group"
series = "sex"
title = { en = "Individuals using the Internet, by age and sex", fr = "Personnes utilisant Internet, par âge et sexe", ar = "الأفراد المستخدمون للإنترنت حسب السن والجنس" }

[[charts]]
id = "internet_use_by_education"
indicator = "hh7_internet_use"
kind = "bar"
by = "education"
sort = "code"
title = { en = "Individuals using the Internet, by education", fr = "Personnes utilisant Internet, par niveau d'études", ar = "الأفراد المستخدمون للإنترنت حسب المستوى التعليمي" }

[[charts]]
id = "mobile_ownership_by_sex"
indicator = "hh18_owns_mobile"
kind = "bar"
by = "sex"
title = { en = "Individuals owning a mobile phone, by sex (SDG 5.b.1)", fr = "Personnes possédant un téléphone mobile, par sexe (ODD 5.b.1)", ar = "الأفراد الذين يملكون هاتفا محمولا حسب الجنس (هدف التنمية المستدامة 5.ب.1)" }

[report]
sections = [
  { title = { en = "Households", fr = "Ménages", ar = "الأسر" }, charts = ["households_by_region"], indicators = ["hh1_radio", "hh4_computer", "hh6_internet_home"] },
  { title = { en = "Internet use", fr = "Usage d'Internet", ar = "استخدام الإنترنت" }, charts = ["internet_use_by_region", "internet_use_by_age_sex", "internet_use_by_education"], indicators = ["hh7_internet_use"] },
  { title = { en = "Mobile phones and skills", fr = "Téléphonie mobile et compétences", ar = "الهاتف المحمول والمهارات" }, charts = ["mobile_ownership_by_sex"], indicators = ["hh10_mobile_use", "hh18_owns_mobile", "hh15_attachment"] },
]
"#;

/// The columns both files share: the design and where the household lives.
const DESIGN_COLUMNS: &str = r#"
[columns.stratum]
type = "integer"
required = true
label = { en = "Stratum (region × area)", fr = "Strate (région × milieu)", ar = "الطبقة (الجهة × الوسط)" }

[columns.psu]
type = "integer"
required = true
label = { en = "Enumeration area", fr = "District de recensement", ar = "منطقة العد" }

[columns.weight]
type = "float"
required = true
min = 0
label = { en = "Sampling weight", fr = "Poids de sondage", ar = "وزن المعاينة" }

[columns.region]
type = "integer"
required = true
label = { en = "Region", fr = "Région", ar = "الجهة" }
codes = { 1 = { en = "North", fr = "Nord", ar = "الشمال" }, 2 = { en = "Centre", fr = "Centre", ar = "الوسط" }, 3 = { en = "South", fr = "Sud", ar = "الجنوب" }, 4 = { en = "East", fr = "Est", ar = "الشرق" } }

[columns.area]
type = "integer"
required = true
label = { en = "Area", fr = "Milieu", ar = "الوسط" }
codes = { 1 = { en = "Urban", fr = "Urbain", ar = "حضري" }, 2 = { en = "Rural", fr = "Rural", ar = "قروي" } }
"#;

/// A yes/no question's contract.
fn yes_no(column: &str, label: [&str; 3]) -> String {
    format!(
        "\n[columns.{column}]\ntype = \"integer\"\nlabel = {{ en = \"{}\", fr = \"{}\", ar = \"{}\" }}\ncodes = {{ 0 = {{ en = \"No\", fr = \"Non\", ar = \"لا\" }}, 1 = {{ en = \"Yes\", fr = \"Oui\", ar = \"نعم\" }} }}\n",
        label[0], label[1], label[2]
    )
}

fn households_contract() -> String {
    let mut out = String::from(
        "# The household questionnaire's columns. Rows that break a rule go to\n# out/rejects/households.parquet with their line and the reason.\n[dataset]\nkey = [\"hh_id\"]\n\n[columns.hh_id]\ntype = \"integer\"\nrequired = true\n",
    );
    out += DESIGN_COLUMNS;
    out += &yes_no("radio", ["Has a radio", "Possède une radio", "تملك مذياعا"]);
    out += &yes_no(
        "computer",
        ["Has a computer", "Possède un ordinateur", "تملك حاسوبا"],
    );
    out += &yes_no(
        "internet_access",
        [
            "Has Internet access at home",
            "A accès à Internet à domicile",
            "لديها نفاذ إلى الإنترنت في المنزل",
        ],
    );
    out
}

fn individuals_contract() -> String {
    let mut out = String::from(
        "# The individual questionnaire's columns (household members aged 5 and over).\n[dataset]\nkey = [\"person_id\"]\n\n[columns.person_id]\ntype = \"integer\"\nrequired = true\n\n[columns.hh_id]\ntype = \"integer\"\nrequired = true\n",
    );
    out += DESIGN_COLUMNS;
    out += r#"
[columns.sex]
type = "integer"
required = true
label = { en = "Sex", fr = "Sexe", ar = "الجنس" }
codes = { 1 = { en = "Men", fr = "Hommes", ar = "رجال" }, 2 = { en = "Women", fr = "Femmes", ar = "نساء" } }

[columns.age_group]
type = "string"
required = true
label = { en = "Age", fr = "Âge", ar = "السن" }
codes = { "05-14" = { en = "5–14", fr = "5–14 ans", ar = "5–14" }, "15-24" = { en = "15–24", fr = "15–24 ans", ar = "15–24" }, "25-54" = { en = "25–54", fr = "25–54 ans", ar = "25–54" }, "55+" = { en = "55 and over", fr = "55 ans et plus", ar = "55 فأكثر" } }

[columns.education]
type = "integer"
required = true
label = { en = "Education (ISCED)", fr = "Niveau d'études (CITE)", ar = "المستوى التعليمي" }
codes = { 1 = { en = "Primary or less", fr = "Primaire ou moins", ar = "ابتدائي أو أقل" }, 2 = { en = "Secondary", fr = "Secondaire", ar = "ثانوي" }, 3 = { en = "Tertiary", fr = "Supérieur", ar = "عال" } }
"#;
    out += &yes_no(
        "used_internet",
        [
            "Used the Internet in the last 3 months",
            "A utilisé Internet au cours des 3 derniers mois",
            "استخدم الإنترنت خلال الأشهر الثلاثة الأخيرة",
        ],
    );
    out += &yes_no(
        "used_mobile",
        [
            "Used a mobile phone in the last 3 months",
            "A utilisé un téléphone mobile au cours des 3 derniers mois",
            "استخدم هاتفا محمولا خلال الأشهر الثلاثة الأخيرة",
        ],
    );
    out += &yes_no(
        "owns_mobile",
        [
            "Owns a mobile phone",
            "Possède un téléphone mobile",
            "يملك هاتفا محمولا",
        ],
    );
    out += &yes_no(
        "sent_attachment",
        [
            "Sent a message with an attached file",
            "A envoyé un message avec une pièce jointe",
            "أرسل رسالة بملف مرفق",
        ],
    );
    out
}

/// A fixed pseudo-random number in [0, 1) for `(a, b, c)`: the data are the
/// same on every machine.
fn draw(a: u64, b: u64, c: u64) -> f64 {
    let mut x = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F) ^ c;
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 29;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// The two files: 4 regions × 2 areas (8 strata) × 3 enumeration areas ×
/// 20 households, each with 2 to 5 members aged 5 and over.
fn data() -> (String, String) {
    let mut households =
        String::from("hh_id,stratum,psu,weight,region,area,radio,computer,internet_access\n");
    let mut people = String::from(
        "person_id,hh_id,stratum,psu,weight,region,area,sex,age_group,education,used_internet,used_mobile,owns_mobile,sent_attachment\n",
    );
    let (mut hh, mut person) = (0u64, 0u64);
    let ages = ["05-14", "15-24", "25-54", "55+"];
    for region in 1..=4u64 {
        for area in 1..=2u64 {
            let stratum = (region - 1) * 2 + area;
            let urban = area == 1;
            for psu in 1..=3u64 {
                let weight =
                    if urban { 420.0 } else { 610.0 } + 15.0 * psu as f64 + 20.0 * region as f64;
                for _ in 0..20 {
                    hh += 1;
                    let u = |k: u64| draw(hh, k, 1);
                    let connected = u(1) < if urban { 0.85 } else { 0.55 } - 0.04 * region as f64;
                    let _ = writeln!(
                        households,
                        "{hh},{stratum},{psu},{weight:.1},{region},{area},{},{},{}",
                        u8::from(u(2) < 0.45),
                        u8::from(u(3) < if urban { 0.45 } else { 0.15 }),
                        u8::from(connected),
                    );
                    for _ in 0..2 + (u(4) * 4.0) as u64 {
                        person += 1;
                        let v = |k: u64| draw(person, k, 2);
                        let sex = 1 + u64::from(v(1) < 0.5);
                        let age = (v(2) * 4.0) as usize;
                        let education = if age == 0 {
                            1
                        } else {
                            1 + (v(3) * if urban { 3.0 } else { 2.2 }) as u64
                        };
                        let p_net = 0.25
                            + if connected { 0.35 } else { 0.0 }
                            + 0.1 * (education as f64 - 1.0)
                            - if age == 3 { 0.2 } else { 0.0 }
                            - if sex == 2 && !urban { 0.08 } else { 0.0 };
                        let net = v(4) < p_net;
                        let owns = age > 0 && v(5) < if sex == 1 { 0.9 } else { 0.8 };
                        let _ = writeln!(
                            people,
                            "{person},{hh},{stratum},{psu},{weight:.1},{region},{area},{sex},{},{education},{},{},{},{}",
                            ages[age],
                            u8::from(net),
                            u8::from(owns || v(6) < 0.3),
                            u8::from(owns),
                            u8::from(net && v(7) < 0.4 + 0.15 * education as f64),
                        );
                    }
                }
            }
        }
    }
    (households, people)
}

/// Creates the study in `dir` (which `init` checked is new or empty).
pub fn init(dir: &Path) -> Result<()> {
    let data_dir = dir.join("data");
    std::fs::create_dir_all(&data_dir).map_err(|e| Error::io(&data_dir, e))?;
    let (households, people) = data();
    for (path, text) in [
        (dir.join("study.toml"), STUDY.to_string()),
        (data_dir.join("households.csv"), households),
        (
            data_dir.join("households.contract.toml"),
            households_contract(),
        ),
        (data_dir.join("individuals.csv"), people),
        (
            data_dir.join("individuals.contract.toml"),
            individuals_contract(),
        ),
    ] {
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    }
    println!(
        "mizan: created a household ICT survey study (ITU core indicators) in {}",
        dir.display()
    );
    println!("  run it:  mizan run {}", dir.display());
    Ok(())
}
