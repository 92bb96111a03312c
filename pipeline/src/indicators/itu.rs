//! The ITU core indicators on ICT access and use by households and
//! individuals (the Partnership on Measuring ICT for Development's core
//! list, HH series) that an indicator may declare with `itu = "HH7"`: its
//! name, definition, unit, reference period and SDG link, in English,
//! French and Arabic. Paraphrased from the sources listed in
//! `shared/data/itu-core-household/README.md` (UN SDG metadata for 17.8.1,
//! 4.4.1 and 5.b.1, ITU Expert Group on Household Indicators papers, the
//! ITU DataHub); only indicators whose definition those sources confirm are
//! here. The computation is the same for all: the weighted count of in-scope
//! units with the characteristic over the weighted count of all in-scope
//! units — a proportion.

/// Whom an indicator counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Unit {
    /// Households.
    Household,
    /// Individuals.
    Individual,
}

impl Unit {
    /// Every unit with its spec name.
    pub const ALL: [(Unit, &'static str); 2] = [
        (Unit::Household, "household"),
        (Unit::Individual, "individual"),
    ];

    /// The spec name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(u, _)| *u == self)
            .map_or("", |(_, n)| n)
    }
}

/// One ITU core indicator: texts in English, French, Arabic.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ItuIndicator {
    /// The code, `HH7`.
    pub code: &'static str,
    /// Households or individuals.
    pub unit: Unit,
    /// The name.
    pub name: [&'static str; 3],
    /// What counts as having the characteristic.
    pub definition: [&'static str; 3],
    /// The reference period, when the sources give it.
    pub period: Option<[&'static str; 3]>,
    /// The SDG indicator it feeds.
    pub sdg: Option<&'static str>,
}

impl ItuIndicator {
    fn pick(texts: &[&'static str; 3], lang: crate::locale::Language) -> &'static str {
        match lang.code() {
            "fr" => texts[1],
            "ar" => texts[2],
            _ => texts[0],
        }
    }

    /// The name in `lang`.
    pub fn name_in(&self, lang: crate::locale::Language) -> &'static str {
        Self::pick(&self.name, lang)
    }

    /// The definition in `lang`.
    pub fn definition_in(&self, lang: crate::locale::Language) -> &'static str {
        Self::pick(&self.definition, lang)
    }

    /// The reference period in `lang`.
    pub fn period_in(&self, lang: crate::locale::Language) -> Option<&'static str> {
        self.period.as_ref().map(|p| Self::pick(p, lang))
    }
}

const LAST_3_MONTHS: [&str; 3] = [
    "the last 3 months",
    "les 3 derniers mois",
    "الأشهر الثلاثة الأخيرة",
];

/// The catalogue, by code.
pub const CATALOGUE: [ItuIndicator; 7] = [
    ItuIndicator {
        code: "HH1",
        unit: Unit::Household,
        name: [
            "Proportion of households with a radio",
            "Proportion de ménages disposant d'une radio",
            "نسبة الأسر التي تملك جهاز راديو",
        ],
        definition: [
            "A working device that receives broadcast radio on the usual bands (FM, AM, LW, SW), stand-alone or built into another device.",
            "Un appareil en état de marche qui reçoit la radio diffusée sur les bandes usuelles (FM, AM, GO, OC), autonome ou intégré à un autre appareil.",
            "جهاز صالح للاستعمال يستقبل البث الإذاعي على النطاقات المعتادة (FM وAM والموجات الطويلة والقصيرة)، مستقلا أو مدمجا في جهاز آخر.",
        ],
        period: None,
        sdg: None,
    },
    ItuIndicator {
        code: "HH4",
        unit: Unit::Household,
        name: [
            "Proportion of households with a computer",
            "Proportion de ménages disposant d'un ordinateur",
            "نسبة الأسر التي تملك حاسوبا",
        ],
        definition: [
            "A desktop, laptop or tablet (or similar handheld) computer; devices with embedded computing, such as smart TVs, and devices whose main function is telephony are not computers.",
            "Un ordinateur de bureau, portable ou une tablette (ou appareil portatif semblable) ; les appareils à capacité de calcul intégrée, comme les téléviseurs connectés, et ceux dont la fonction principale est la téléphonie n'en sont pas.",
            "حاسوب مكتبي أو محمول أو لوحي (أو جهاز محمول مماثل)؛ ولا تعد حواسيب الأجهزة ذات القدرة الحاسوبية المدمجة كأجهزة التلفاز الذكية ولا الأجهزة التي وظيفتها الرئيسية الاتصال الهاتفي.",
        ],
        period: None,
        sdg: None,
    },
    ItuIndicator {
        code: "HH6",
        unit: Unit::Household,
        name: [
            "Proportion of households with Internet",
            "Proportion de ménages ayant accès à Internet",
            "نسبة الأسر التي لديها إنترنت",
        ],
        definition: [
            "Access to the Internet from any device, over a fixed or mobile network.",
            "Accès à Internet depuis tout appareil, par un réseau fixe ou mobile.",
            "النفاذ إلى الإنترنت من أي جهاز، عبر شبكة ثابتة أو متنقلة.",
        ],
        period: None,
        sdg: None,
    },
    ItuIndicator {
        code: "HH7",
        unit: Unit::Individual,
        name: [
            "Proportion of individuals using the Internet",
            "Proportion de personnes utilisant Internet",
            "نسبة الأفراد الذين يستخدمون الإنترنت",
        ],
        definition: [
            "Used the Internet from any location, on any device (computer, mobile phone, tablet, games console, digital TV…), over a fixed or mobile network.",
            "A utilisé Internet depuis tout lieu, sur tout appareil (ordinateur, téléphone mobile, tablette, console de jeux, télévision numérique…), par un réseau fixe ou mobile.",
            "استخدم الإنترنت من أي مكان وعلى أي جهاز (حاسوب، هاتف محمول، لوح، جهاز ألعاب، تلفاز رقمي…)، عبر شبكة ثابتة أو متنقلة.",
        ],
        period: Some(LAST_3_MONTHS),
        sdg: Some("17.8.1"),
    },
    ItuIndicator {
        code: "HH10",
        unit: Unit::Individual,
        name: [
            "Proportion of individuals using a mobile cellular telephone",
            "Proportion de personnes utilisant un téléphone mobile cellulaire",
            "نسبة الأفراد الذين يستخدمون هاتفا خلويا متنقلا",
        ],
        definition: [
            "Used a mobile cellular telephone, own or not.",
            "A utilisé un téléphone mobile cellulaire, le sien ou non.",
            "استخدم هاتفا خلويا متنقلا، سواء أكان ملكه أم لا.",
        ],
        period: None,
        sdg: None,
    },
    ItuIndicator {
        code: "HH15",
        unit: Unit::Individual,
        name: [
            "Proportion of individuals with ICT skills, by type of skill",
            "Proportion de personnes ayant des compétences en TIC, par type de compétence",
            "نسبة الأفراد الذين يملكون مهارات في تكنولوجيا المعلومات والاتصال، حسب نوع المهارة",
        ],
        definition: [
            "Carried out the activity (e.g. sent a message with an attachment, used a basic spreadsheet formula, installed software) — one rate per activity.",
            "A effectué l'activité (par exemple envoyé un message avec une pièce jointe, utilisé une formule simple de tableur, installé un logiciel) — un taux par activité.",
            "قام بالنشاط (مثل إرسال رسالة بمرفق، أو استعمال صيغة بسيطة في جدول بيانات، أو تثبيت برنامج) — معدل لكل نشاط.",
        ],
        period: Some(LAST_3_MONTHS),
        sdg: Some("4.4.1"),
    },
    ItuIndicator {
        code: "HH18",
        unit: Unit::Individual,
        name: [
            "Proportion of individuals who own a mobile phone",
            "Proportion de personnes possédant un téléphone mobile",
            "نسبة الأفراد الذين يملكون هاتفا محمولا",
        ],
        definition: [
            "Has a mobile phone with at least one active SIM card for personal use, including phones supplied by an employer that may be used privately and phones not registered in the person's name.",
            "Dispose d'un téléphone mobile avec au moins une carte SIM active pour un usage personnel, y compris un téléphone fourni par l'employeur utilisable à titre privé et un téléphone non enregistré au nom de la personne.",
            "يملك هاتفا محمولا بشريحة SIM نشطة واحدة على الأقل للاستعمال الشخصي، بما في ذلك الهاتف الذي يوفره صاحب العمل ويمكن استعماله لأغراض خاصة والهاتف غير المسجل باسم الشخص.",
        ],
        period: Some(LAST_3_MONTHS),
        sdg: Some("5.b.1"),
    },
];

/// The catalogue's indicator with `code`.
pub fn find(code: &str) -> Option<&'static ItuIndicator> {
    CATALOGUE.iter().find(|i| i.code == code)
}
