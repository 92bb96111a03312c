//! Every fixed phrase of the charts, the report and the methods, in one
//! table with a column per language. A phrase may hold `{name}` slots,
//! filled by [`fill`] with the run's real values (the interval's level,
//! counts, names).

use super::Language;

/// Key, English, French, Arabic.
const TABLE: &[(&str, &str, &str, &str)] = &[
    ("contents", "Contents", "Sommaire", "المحتويات"),
    (
        "methods",
        "Methods and sources",
        "Méthodes et sources",
        "المنهجية والمصادر",
    ),
    ("data_of", "Data:", "Données :", "البيانات:"),
    ("series", "Series", "Série", "السلسلة"),
    ("domain", "Group", "Groupe", "الفئة"),
    ("estimate", "Estimate", "Estimation", "التقدير"),
    (
        "interval",
        "{level}% interval",
        "Intervalle à {level} %",
        "مجال الثقة {level}%",
    ),
    ("interval_any", "Interval", "Intervalle", "المجال"),
    ("flag", "Reliability", "Fiabilité", "الموثوقية"),
    ("breakdown", "Breakdown", "Ventilation", "التوزيع"),
    ("sources", "Sources", "Sources", "المصادر"),
    ("dataset", "Dataset", "Jeu de données", "مجموعة البيانات"),
    ("file", "File", "Fichier", "الملف"),
    ("rows_read", "Rows read", "Lignes lues", "الأسطر المقروءة"),
    (
        "rows_kept",
        "Rows kept",
        "Lignes retenues",
        "الأسطر المحتفظ بها",
    ),
    (
        "rows_rejected",
        "Rows rejected",
        "Lignes rejetées",
        "الأسطر المرفوضة",
    ),
    ("source", "Source", "Source", "المصدر"),
    ("colon", ": ", "\u{a0}: ", ": "),
    (
        "design",
        "Survey design and variance estimation",
        "Plan de sondage et estimation de la variance",
        "تصميم العينة وتقدير التباين",
    ),
    (
        "definitions",
        "Indicator definitions",
        "Définition des indicateurs",
        "تعريف المؤشرات",
    ),
    (
        "changes",
        "Changes since the last published run",
        "Évolutions depuis la dernière publication",
        "التغييرات منذ آخر نشر",
    ),
    (
        "codebook",
        "Codebook",
        "Dictionnaire des variables",
        "دليل المتغيرات",
    ),
    ("column", "Column", "Variable", "المتغير"),
    ("type", "Type", "Type", "النوع"),
    ("values", "Values", "Valeurs", "القيم"),
    ("missing", "Missing", "Manquantes", "القيم المفقودة"),
    ("codes", "Codes (rows)", "Codes (lignes)", "الرموز (الأسطر)"),
    ("indicator", "Indicator", "Indicateur", "المؤشر"),
    ("statistic", "Statistic", "Statistique", "الإحصاءة"),
    ("expression", "Expression", "Expression", "التعبير"),
    (
        "subpopulation",
        "Subpopulation",
        "Sous-population",
        "المجتمع الفرعي",
    ),
    ("breakdowns", "Breakdowns", "Ventilations", "التوزيعات"),
    ("software", "Computed with", "Calculé avec", "حُسب باستعمال"),
    (
        "spec",
        "Study spec blake3:",
        "Empreinte blake3 de la spécification :",
        "بصمة blake3 لملف الدراسة:",
    ),
    ("all", "All", "Ensemble", "المجموع"),
    ("comparisons", "Differences", "Écarts", "الفوارق"),
    ("comparison", "Comparison", "Comparaison", "المقارنة"),
    (
        "flag_caution",
        "use with caution",
        "à utiliser avec prudence",
        "يُستعمل بحذر",
    ),
    ("flag_suppressed", "suppressed", "supprimée", "محجوب"),
    ("drawn_suppressed", "suppressed", "supprimé", "محجوب"),
    ("drawn_no_value", "no value", "sans valeur", "بدون قيمة"),
    ("flag_confidential", "confidential", "confidentiel", "سري"),
    (
        "summary_caption",
        "Each indicator overall and by {by}, as in its own table.",
        "Chaque indicateur pour l'ensemble et par {by}, comme dans son propre tableau.",
        "كل مؤشر إجمالا وحسب {by}، كما في جدوله.",
    ),
    (
        "funnel_note",
        "Bar widths: each stage as a share of the first; in brackets, as a share of the stage before.",
        "Largeur des barres : chaque étape en part de la première ; entre parenthèses, en part de l'étape précédente.",
        "عرض الأشرطة: كل مرحلة كنسبة من الأولى؛ وبين قوسين كنسبة من المرحلة السابقة.",
    ),
    (
        "composite_unscored",
        "No score for {units}: one of its indicators has no published value (missing, or confidential) and the index imputes none.",
        "Pas de score pour {units} : l'un de ses indicateurs n'a pas de valeur publiée (manquante ou confidentielle) et l'indice n'en impute aucune.",
        "لا توجد قيمة للمؤشر بالنسبة إلى {units}: أحد مؤشراته بلا قيمة منشورة (مفقودة أو سرية) والمؤشر المركب لا يعوضها.",
    ),
    ("drawn_confidential", "confidential", "confidentiel", "سري"),
    (
        "confidential_note",
        "x: confidential — not published, so that no unit's data can be disclosed (disclosure control; see the methods).",
        "x : confidentiel — non publié afin qu'aucune unité ne puisse être identifiée (contrôle de la divulgation ; voir la méthodologie).",
        "x: سري — لا يُنشر حتى لا تُكشف بيانات أي وحدة (مراقبة الإفصاح؛ انظر المنهجية).",
    ),
    (
        "finding_range_interval",
        "{indicator}: highest in {high} ({high_value}; {level}% interval {high_interval}), lowest in {low} ({low_value}; {low_interval}).",
        "{indicator} : valeur la plus élevée pour {high} ({high_value} ; intervalle à {level} % {high_interval}), la plus basse pour {low} ({low_value} ; {low_interval}).",
        "{indicator}: أعلى قيمة لدى {high} ({high_value}؛ مجال الثقة {level}% {high_interval})، وأدنى قيمة لدى {low} ({low_value}؛ {low_interval}).",
    ),
    (
        "finding_range",
        "{indicator}: highest in {high} ({high_value}), lowest in {low} ({low_value}).",
        "{indicator} : valeur la plus élevée pour {high} ({high_value}), la plus basse pour {low} ({low_value}).",
        "{indicator}: أعلى قيمة لدى {high} ({high_value})، وأدنى قيمة لدى {low} ({low_value}).",
    ),
    (
        "finding_gap",
        "{label}: {a_value} for {a} against {b_value} for {b}, a difference of {difference} (95% interval {interval}) that is statistically significant at the 5% level ({p}).",
        "{label} : {a_value} pour {a} contre {b_value} pour {b}, soit un écart de {difference} (intervalle à 95 % {interval}), statistiquement significatif au seuil de 5 % ({p}).",
        "{label}: {a_value} لدى {a} مقابل {b_value} لدى {b}، أي فارق قدره {difference} (مجال الثقة 95% {interval})، وهو فارق دال إحصائيًا عند مستوى 5% ({p}).",
    ),
    (
        "finding_no_gap",
        "{label}: {a_value} for {a} against {b_value} for {b}, a difference of {difference} (95% interval {interval}) that is not statistically significant at the 5% level ({p}): the data do not show a gap.",
        "{label} : {a_value} pour {a} contre {b_value} pour {b}, soit un écart de {difference} (intervalle à 95 % {interval}) qui n’est pas statistiquement significatif au seuil de 5 % ({p}) : les données ne montrent pas d’écart.",
        "{label}: {a_value} لدى {a} مقابل {b_value} لدى {b}، أي فارق قدره {difference} (مجال الثقة 95% {interval})، وهو غير دال إحصائيًا عند مستوى 5% ({p}): لا تُظهر البيانات فارقًا.",
    ),
    (
        "figure_caption",
        "Figure {number}. {title}",
        "Figure {number}. {title}",
        "الشكل {number}. {title}",
    ),
    (
        "data_under",
        "Its data are in the table under figure {number}.",
        "Ses données figurent dans le tableau sous la figure {number}.",
        "بياناته واردة في الجدول أسفل الشكل {number}.",
    ),
    ("measures", "Measures", "Mesures", "المقاييس"),
    (
        "crosstabs",
        "Cross-tabulations",
        "Tableaux croisés",
        "الجداول المتقاطعة",
    ),
    (
        "crosstab_percent_row",
        "Percentages of each row, with their 95% intervals.",
        "Pourcentages en ligne, avec leurs intervalles à 95 %.",
        "نسب مئوية حسب السطر، مع مجالات الثقة 95%.",
    ),
    (
        "crosstab_percent_column",
        "Percentages of each column, with their 95% intervals.",
        "Pourcentages en colonne, avec leurs intervalles à 95 %.",
        "نسب مئوية حسب العمود، مع مجالات الثقة 95%.",
    ),
    (
        "crosstab_percent_cell",
        "Percentages of the whole table, with their 95% intervals.",
        "Pourcentages du tableau entier, avec leurs intervalles à 95 %.",
        "نسب مئوية من مجموع الجدول، مع مجالات الثقة 95%.",
    ),
    (
        "crosstab_test_f",
        "Test of independence: Pearson's X² with Rao and Scott's second-order correction, F = {statistic} on {ndf} and {ddf} degrees of freedom, {p}.",
        "Test d’indépendance : X² de Pearson avec la correction de second ordre de Rao et Scott, F = {statistic} à {ndf} et {ddf} degrés de liberté, {p}.",
        "اختبار الاستقلال: X² لبيرسون مع تصحيح راو وسكوت من الدرجة الثانية، F = {statistic} بدرجتي حرية {ndf} و{ddf}، {p}.",
    ),
    (
        "crosstab_test_chisq",
        "Test of independence: Pearson's X² = {statistic} with Rao and Scott's first-order correction, against χ² on {ndf} degrees of freedom, {p}.",
        "Test d’indépendance : X² de Pearson = {statistic} avec la correction de premier ordre de Rao et Scott, rapporté à un χ² à {ndf} degrés de liberté, {p}.",
        "اختبار الاستقلال: X² لبيرسون = {statistic} مع تصحيح راو وسكوت من الدرجة الأولى، مقارنة بتوزيع χ² بـ{ndf} درجات حرية، {p}.",
    ),
    (
        "crosstab_test_wald",
        "Test of independence: design-based Wald test{adjusted}, F = {statistic} on {ndf} and {ddf} degrees of freedom, {p}.",
        "Test d’indépendance : test de Wald fondé sur le plan{adjusted}, F = {statistic} à {ndf} et {ddf} degrés de liberté, {p}.",
        "اختبار الاستقلال: اختبار والد المبني على التصميم{adjusted}، F = {statistic} بدرجتي حرية {ndf} و{ddf}، {p}.",
    ),
    (
        "crosstab_adjusted",
        " adjusted for the design's degrees of freedom",
        " ajusté aux degrés de liberté du plan",
        " المعدَّل حسب درجات حرية التصميم",
    ),
    ("intercept", "Intercept", "Constante", "الثابت"),
    (
        "itu_measure",
        "{code} — {name} (ITU core indicator on ICT use by households and individuals): {definition}",
        "{code} — {name} (indicateur de base de l'UIT sur l'usage des TIC par les ménages et les personnes) : {definition}",
        "{code} — {name} (مؤشر أساسي للاتحاد الدولي للاتصالات بشأن استخدام تكنولوجيا المعلومات والاتصال لدى الأسر والأفراد): {definition}",
    ),
    (
        "itu_sdg",
        " It feeds SDG indicator {sdg}.",
        " Il alimente l'indicateur ODD {sdg}.",
        " يغذي مؤشر أهداف التنمية المستدامة {sdg}.",
    ),
    (
        "itu_period",
        " Reference period: {period}.",
        " Période de référence : {period}.",
        " الفترة المرجعية: {period}.",
    ),
    (
        "itu_scope",
        " In this study, “{indicator}” covers {scope}; the ITU publishes each country's figure with its own age scope, footnoted.",
        " Dans cette étude, « {indicator} » porte sur {scope} ; l'UIT publie le chiffre de chaque pays avec sa propre tranche d'âge, en note.",
        " في هذه الدراسة، يشمل «{indicator}» {scope}؛ وينشر الاتحاد رقم كل بلد بنطاقه العمري الخاص مع الإشارة إليه في حاشية.",
    ),
    (
        "itu_all_rows",
        "every row of its dataset",
        "toutes les lignes de son jeu de données",
        "كل أسطر مجموعة بياناته",
    ),
    (
        "eblup_note",
        "Small-area estimates: Fay–Herriot EBLUPs ({fit} fit; covariates: {covariates}), which borrow strength from the other areas where the direct estimate is imprecise; areas without a sample get the model's synthetic estimate.",
        "Estimations sur petits domaines : EBLUP de Fay–Herriot (ajustement {fit} ; covariables : {covariates}), qui s'appuient sur les autres domaines là où l'estimation directe est imprécise ; les domaines sans échantillon reçoivent l'estimation synthétique du modèle.",
        "تقديرات المناطق الصغيرة: مقدرات EBLUP لفاي وهيريوت (تقدير {fit}؛ المتغيرات المساعدة: {covariates})، تستعين بالمناطق الأخرى حيث يكون التقدير المباشر غير دقيق؛ وتحصل المناطق التي لا عينة فيها على التقدير التركيبي للنموذج.",
    ),
    ("direct", "Direct", "Directe", "مباشر"),
    ("eblup", "EBLUP", "EBLUP", "EBLUP"),
    (
        "cv_note",
        "Coefficient of variation of each area's direct estimate and of its EBLUP.",
        "Coefficient de variation de l'estimation directe de chaque domaine et de son EBLUP.",
        "معامل الاختلاف للتقدير المباشر لكل منطقة ولمقدر EBLUP الخاص بها.",
    ),
    (
        "coef_odds",
        "Odds ratios with {level}% confidence intervals; 1 = no difference from the reference ({references}).",
        "Rapports de cotes avec intervalles de confiance à {level} % ; 1 = pas de différence avec la référence ({references}).",
        "نسب الأرجحية مع مجالات الثقة {level}%؛ 1 = لا فرق عن المرجع ({references}).",
    ),
    (
        "coef_rates",
        "Rate ratios with {level}% confidence intervals; 1 = no difference from the reference ({references}).",
        "Rapports de taux avec intervalles de confiance à {level} % ; 1 = pas de différence avec la référence ({references}).",
        "نسب المعدلات مع مجالات الثقة {level}%؛ 1 = لا فرق عن المرجع ({references}).",
    ),
    (
        "coef_linear",
        "Coefficients with {level}% confidence intervals; 0 = no difference from the reference ({references}).",
        "Coefficients avec intervalles de confiance à {level} % ; 0 = pas de différence avec la référence ({references}).",
        "المعاملات مع مجالات الثقة {level}%؛ 0 = لا فرق عن المرجع ({references}).",
    ),
    (
        "log_scale",
        "Log scale.",
        "Échelle logarithmique.",
        "سلم لوغاريتمي.",
    ),
    (
        "no_reference",
        "numeric terms only",
        "termes numériques seulement",
        "حدود رقمية فقط",
    ),
    ("term", "Term", "Terme", "الحد"),
    (
        "odds_ratio",
        "Odds ratio",
        "Rapport de cotes",
        "نسبة الأرجحية",
    ),
    ("rate_ratio", "Rate ratio", "Rapport de taux", "نسبة المعدل"),
    ("coefficient", "Coefficient", "Coefficient", "المعامل"),
    ("p_value", "p-value", "p-valeur", "القيمة الاحتمالية"),
    (
        "model_fit",
        "Design-based {family} regression (svyglm): {n} respondents, {df} residual degrees of freedom; standard errors from the survey design.",
        "Régression {family} fondée sur le plan de sondage (svyglm) : {n} répondants, {df} degrés de liberté résiduels ; erreurs types tirées du plan de sondage.",
        "انحدار {family} قائم على تصميم المسح (svyglm): {n} مستجيبا، {df} درجة حرية متبقية؛ الأخطاء المعيارية من تصميم المسح.",
    ),
    ("family_gaussian", "linear", "linéaire", "خطي"),
    ("family_binomial", "logistic", "logistique", "لوجستي"),
    (
        "family_quasibinomial",
        "logistic (quasi-binomial)",
        "logistique (quasi-binomiale)",
        "لوجستي (شبه ثنائي)",
    ),
    ("family_poisson", "Poisson", "de Poisson", "بواسون"),
    (
        "models",
        "Regression models",
        "Modèles de régression",
        "نماذج الانحدار",
    ),
    (
        "crosstab_no_test",
        "No test: the table has fewer than two rows or columns with weight.",
        "Pas de test : le tableau a moins de deux lignes ou colonnes pondérées.",
        "لا اختبار: للجدول أقل من سطرين أو عمودين بأوزان.",
    ),
    (
        "measure_hhi",
        "Concentration (HHI): the Herfindahl–Hirschman index, the sum of the squared shares of the units in the total — 1/n when n units hold equal shares, 1 when one holds everything.",
        "Concentration (IHH) : l’indice de Herfindahl–Hirschman, somme des carrés des parts des unités dans le total — 1/n quand n unités ont des parts égales, 1 quand une seule détient tout.",
        "التركّز (مؤشر هيرفندال–هيرشمان): مجموع مربعات حصص الوحدات من المجموع — يساوي 1/n عندما تتقاسم n وحدة حصصًا متساوية، و1 عندما تستحوذ وحدة واحدة على الكل.",
    ),
    (
        "measure_gini",
        "Concentration (Gini): the Gini coefficient of the units' totals — 0 when all hold the same, close to 1 when one holds almost everything.",
        "Concentration (Gini) : le coefficient de Gini des totaux des unités — 0 quand toutes détiennent autant, proche de 1 quand une seule détient presque tout.",
        "التركّز (جيني): معامل جيني لمجاميع الوحدات — 0 عندما تتساوى كلها، وقريب من 1 عندما تستحوذ وحدة واحدة على كل شيء تقريبًا.",
    ),
    (
        "measure_top_share",
        "Concentration (top share): the share of the total held by the {top} largest units.",
        "Concentration (part des premiers) : la part du total détenue par les {top} plus grandes unités.",
        "التركّز (حصة الأوائل): حصة المجموع التي تستحوذ عليها أكبر {top} وحدات.",
    ),
    (
        "measure_growth",
        "Growth: each period's change on the one before (value / previous value − 1; none for the first period); the overall row is the compound annual rate from the first period to the last, (last / first)^(1/T) − 1, with T the years between them.",
        "Croissance : l’évolution de chaque période par rapport à la précédente (valeur / valeur précédente − 1 ; aucune pour la première période) ; la ligne d’ensemble est le taux annuel moyen de la première à la dernière période, (dernière / première)^(1/T) − 1, T étant le nombre d’années qui les séparent.",
        "النمو: تغيّر كل فترة مقارنة بالفترة السابقة (القيمة / القيمة السابقة − 1؛ لا شيء للفترة الأولى)؛ وسطر المجموع هو معدل النمو السنوي المركب من الفترة الأولى إلى الأخيرة، (الأخيرة / الأولى)^(1/T) − 1، حيث T عدد السنوات بينهما.",
    ),
    (
        "measure_survival",
        "Survival: of the units founded long enough before the registry's date, the share still active the stated number of years after their founding.",
        "Survie : parmi les unités créées assez longtemps avant la date du registre, la part encore en activité le nombre d’années indiqué après leur création.",
        "البقاء: من بين الوحدات المُنشأة قبل تاريخ السجل بمدة كافية، حصة الوحدات التي لا تزال نشيطة بعد عدد السنوات المذكور من إنشائها.",
    ),
    (
        "measure_distinct",
        "Distinct counts: the number of different values, missing values not counted.",
        "Dénombrements distincts : le nombre de valeurs différentes, sans compter les valeurs manquantes.",
        "العدّ المميَّز: عدد القيم المختلفة، دون احتساب القيم المفقودة.",
    ),
    (
        "measure_per_capita",
        "Rates per population: a total divided by the population of its domain and multiplied by the stated base; the overall rate divides by the sum of the populations.",
        "Taux par habitant : un total divisé par la population de son domaine et multiplié par la base indiquée ; le taux d’ensemble divise par la somme des populations.",
        "المعدلات حسب السكان: مجموع مقسوم على سكان مجاله ومضروب في الأساس المذكور؛ ويُقسم المعدل الإجمالي على مجموع السكان.",
    ),
    ("period_year", "year", "année", "السنة"),
    ("period_quarter", "quarter", "trimestre", "الفصل"),
    ("period_month", "month", "mois", "الشهر"),
    ("unit_thousands", "k", "k", "ألف"),
    ("unit_millions", "M", "M", "مليون"),
    ("unit_billions", "bn", "Md", "مليار"),
    (
        "whiskers",
        "Whiskers: {level}% confidence intervals.",
        "Traits : intervalles de confiance à {level} %.",
        "الخطوط: مجالات الثقة {level}%.",
    ),
    (
        "whiskers_uncertainty",
        "Whiskers: 5th to 95th percentiles of the score over {draws} draws of weights, methods and survey estimates.",
        "Traits : 5e au 95e centile du score sur {draws} tirages des poids, des méthodes et des estimations d'enquête.",
        "الخطوط: من المئين الخامس إلى المئين الخامس والتسعين للمؤشر عبر {draws} سحبًا للأوزان والطرق وتقديرات المسح.",
    ),
    (
        "map_no_data",
        "no estimate",
        "sans estimation",
        "بدون تقدير",
    ),
    (
        "omitted_categories",
        "The {kept} largest values are drawn; {omitted} other categories are in the tables.",
        "Les {kept} valeurs les plus élevées sont représentées ; {omitted} autres catégories figurent dans les tableaux.",
        "تُعرض أكبر {kept} قيم؛ وترد {omitted} فئات أخرى في الجداول.",
    ),
    (
        "omitted_periods",
        "The {kept} most recent values are drawn; {omitted} earlier ones are in the tables.",
        "Les {kept} valeurs les plus récentes sont représentées ; {omitted} valeurs antérieures figurent dans les tableaux.",
        "تُعرض أحدث {kept} قيم؛ وترد {omitted} قيم سابقة في الجداول.",
    ),
    ("points", " pt", "\u{a0}pt", "\u{a0}نقطة"),
    (
        "design_sample",
        "{dataset}: {rows} respondents in {strata} strata and {psus} primary sampling units (design degrees of freedom {df}), representing a weighted population of {weighted}. ",
        "{dataset} : {rows} répondants répartis en {strata} strates et {psus} unités primaires (degrés de liberté du plan : {df}), représentant une population pondérée de {weighted}. ",
        "{dataset}: {rows} مستجوَبًا موزعين على {strata} طبقة و{psus} وحدة معاينة أولية (درجات حرية التصميم {df})، يمثلون مجتمعًا مرجَّحًا قدره {weighted}. ",
    ),
    (
        "design_replicates",
        "Standard errors from {count} replicate weights ({method}, scale {scale}, as R's svrepdesign)",
        "Erreurs types par {count} poids répliqués ({method}, facteur d’échelle {scale}, comme svrepdesign de R)",
        "الأخطاء المعيارية من {count} وزنًا مكرَّرًا ({method}، معامل السلّم {scale}، كما في svrepdesign في R)",
    ),
    (
        "design_weighting",
        " Weights range from {min} to {max} (median {median}; largest over smallest {ratio}) with a coefficient of variation of {cv}: Kish's effective sample size is {kish} of {rows} rows, a design effect due to weighting of {deff}.",
        " Les poids vont de {min} à {max} (médiane {median} ; rapport du plus grand au plus petit {ratio}), avec un coefficient de variation de {cv} : la taille d’échantillon effective de Kish est de {kish} pour {rows} lignes, soit un effet de plan dû à la pondération de {deff}.",
        " تتراوح الأوزان بين {min} و{max} (الوسيط {median}؛ نسبة الأكبر إلى الأصغر {ratio}) بمعامل اختلاف قدره {cv}: حجم العينة الفعلي حسب كيش {kish} من أصل {rows} سطرًا، أي أثر تصميم ناتج عن الترجيح قدره {deff}.",
    ),
    (
        "design_g",
        "; g-weights (calibrated over initial weights) from {min} to {max}, median {median}{at_bounds}",
        " ; rapports de poids (calés sur initiaux) de {min} à {max}, médiane {median}{at_bounds}",
        "؛ نسب الأوزان (المعايرة إلى الأولية) من {min} إلى {max}، والوسيط {median}{at_bounds}",
    ),
    (
        "design_g_bounds",
        ", {lower} row(s) at the lower bound and {upper} at the upper",
        ", dont {lower} ligne(s) à la borne inférieure et {upper} à la borne supérieure",
        "، منها {lower} سطرًا عند الحد الأدنى و{upper} عند الحد الأعلى",
    ),
    (
        "design_taylor",
        "Standard errors by Taylor linearisation, first stage, with-replacement approximation{fpc}",
        "Erreurs types par linéarisation de Taylor au premier degré, approximation avec remise{fpc}",
        "الأخطاء المعيارية بتقريب تايلور الخطي، على المرحلة الأولى، بتقريب السحب مع الإرجاع{fpc}",
    ),
    (
        "design_fpc",
        ", with finite-population correction",
        ", avec correction de population finie",
        "، مع تصحيح المجتمع المحدود",
    ),
    (
        "design_domains",
        "; domains are estimated on the full design (out-of-domain rows contribute zero). Intervals: {ci} (t on the design degrees of freedom) for proportions, Wald (normal) for means, totals and counts, as R's survey package.",
        " ; les domaines sont estimés sur le plan complet (les observations hors domaine comptent pour zéro). Intervalles : {ci} (loi de Student sur les degrés de liberté du plan) pour les proportions, Wald (loi normale) pour les moyennes, totaux et effectifs, comme le package survey de R.",
        "؛ تُقدَّر المجالات على التصميم الكامل (تسهم الأسطر خارج المجال بصفر). المجالات: {ci} (توزيع ستيودنت على درجات حرية التصميم) للنسب، ووالد (التوزيع الطبيعي) للمتوسطات والمجاميع والأعداد، كما في حزمة survey في R.",
    ),
    ("or", " or ", " ou ", " أو "),
    ("ci_logit", "logit", "logit", "لوجيت"),
    ("ci_wald", "Wald", "Wald", "والد"),
    (
        "ci_beta",
        "Korn–Graubard (beta)",
        "Korn–Graubard (loi bêta)",
        "كورن–غراوبارد (بيتا)",
    ),
    (
        "ci_xlogit",
        "logit with the delta-method SE",
        "logit avec l’erreur type de la méthode delta",
        "لوجيت بالخطأ المعياري لطريقة دلتا",
    ),
    (
        "ci_asin",
        "arcsine square root",
        "arc sinus de la racine carrée",
        "قوس الجيب للجذر التربيعي",
    ),
    (
        "cal_poststratify",
        "; weights post-stratified to the population counts of {margins}, and the variance takes out what post-stratification fixes",
        " ; poids post-stratifiés sur les effectifs de la population par {margins}, la variance retirant ce que la post-stratification fixe",
        "؛ أوزان معدَّلة بالتطبيق اللاحق على أعداد السكان حسب {margins}، ويستبعد التباين ما يثبّته التطبيق اللاحق",
    ),
    (
        "cal_rake",
        "; weights raked to the margins {margins} ({state} after {iterations} iteration(s)), and the variance takes out what raking fixes",
        " ; poids calés par raking sur les marges {margins} ({state} après {iterations} itération(s)), la variance retirant ce que le calage fixe",
        "؛ أوزان معايرة بالتناسب التكراري على الهوامش {margins} ({state} بعد {iterations} تكرار)، ويستبعد التباين ما تثبّته المعايرة",
    ),
    (
        "cal_converged",
        "converged",
        "convergence atteinte",
        "مع التقارب",
    ),
    (
        "cal_not_converged",
        "NOT converged",
        "SANS convergence",
        "دون تقارب",
    ),
    (
        "cal_linear",
        "; weights calibrated (linear, GREG{bounds}) to {margins}{and_totals}{totals}, and the variance uses the regression residuals",
        " ; poids calés (linéaire, GREG{bounds}) sur {margins}{and_totals}{totals}, la variance utilisant les résidus de la régression",
        "؛ أوزان معايرة (خطية، GREG{bounds}) على {margins}{and_totals}{totals}، ويستعمل التباين بواقي الانحدار",
    ),
    (
        "cal_bounds",
        ", g-weights within [{low}, {high}]",
        ", rapports de poids dans [{low}, {high}]",
        "، ونسب الأوزان ضمن [{low}، {high}]",
    ),
    (
        "cal_and_totals",
        " and the totals of ",
        " et les totaux de ",
        " ومجاميع ",
    ),
    (
        "rel_registries",
        "Registries are complete counts: their values are exact and carry no sampling error.",
        "Les registres sont des dénombrements exhaustifs : leurs valeurs sont exactes, sans erreur d’échantillonnage.",
        "السجلات تعدادات شاملة: قيمها دقيقة ولا تحمل خطأ معاينة.",
    ),
    (
        "rel_cv_rule",
        "estimates from fewer than {n} respondents or with a coefficient of variation above {cv_suppress} are suppressed; a coefficient of variation above {cv_caution} is flagged “use with caution”.",
        "les estimations portant sur moins de {n} répondants ou dont le coefficient de variation dépasse {cv_suppress} sont supprimées ; un coefficient de variation supérieur à {cv_caution} est signalé « à utiliser avec prudence ».",
        "تُحجب التقديرات المبنية على أقل من {n} مستجوَبًا أو التي يتجاوز معامل اختلافها {cv_suppress}؛ ويُشار إلى معامل اختلاف يفوق {cv_caution} بعبارة «يُستعمل بحذر».",
    ),
    (
        "rel_cv_methods",
        "Reliability: {cv_rule} {registries}",
        "Fiabilité : {cv_rule} {registries}",
        "الموثوقية: {cv_rule} {registries}",
    ),
    (
        "rel_cv_caution",
        "Hatched, or hollow dots: use with caution (coefficient of variation between {cv_caution} and {cv_suppress}).",
        "Hachuré, ou point évidé : à utiliser avec prudence (coefficient de variation entre {cv_caution} et {cv_suppress}).",
        "مخطَّط، أو نقطة مفرغة: يُستعمل بحذر (معامل اختلاف بين {cv_caution} و{cv_suppress}).",
    ),
    (
        "rel_cv_suppressed",
        "Not shown: estimates too unreliable to publish (fewer than {n} respondents or coefficient of variation above {cv_suppress}).",
        "Non représentées : estimations trop peu fiables pour être publiées (moins de {n} répondants ou coefficient de variation supérieur à {cv_suppress}).",
        "غير معروضة: تقديرات أضعف موثوقية من أن تُنشر (أقل من {n} مستجوَبًا أو معامل اختلاف يفوق {cv_suppress}).",
    ),
    (
        "rel_nchs_methods",
        "Reliability of proportions: NCHS Data Presentation Standards for Proportions (2017) — a proportion is suppressed when its sample size or effective sample size is below 30, when its Korn–Graubard 95% interval is 0.30 wide or more, or when that interval is wider than 0.05 and more than 130% of the proportion; it is flagged for review (“use with caution”) when the design has fewer than 8 degrees of freedom or the proportion is 0 or 1. Other statistics: {cv_rule} {registries}",
        "Fiabilité des proportions : normes de présentation du NCHS (2017) — une proportion est supprimée si son effectif ou son effectif efficace est inférieur à 30, si son intervalle de Korn–Graubard à 95 % a une largeur de 0,30 ou plus, ou si cet intervalle dépasse 0,05 de large et 130 % de la proportion ; elle est signalée pour examen (« à utiliser avec prudence ») si le plan a moins de 8 degrés de liberté ou si la proportion vaut 0 ou 1. Autres statistiques : {cv_rule} {registries}",
        "موثوقية النسب: معايير عرض النسب للمركز الوطني الأمريكي للإحصاءات الصحية NCHS (2017) — تُحجب النسبة إذا قل حجم عينتها أو حجم عينتها الفعلي عن 30، أو بلغ عرض مجال كورن–غراوبارد 95% لها 0,30 أو أكثر، أو تجاوز عرضه 0,05 و130% من النسبة؛ ويُشار إليها للمراجعة («يُستعمل بحذر») إذا كان للتصميم أقل من 8 درجات حرية أو كانت النسبة 0 أو 1. الإحصاءات الأخرى: {cv_rule} {registries}",
    ),
    (
        "rel_nchs_caution",
        "Hatched, or hollow dots: use with caution (flagged for review under the NCHS 2017 standards, or a high coefficient of variation).",
        "Hachuré, ou point évidé : à utiliser avec prudence (signalé pour examen selon les normes NCHS 2017, ou coefficient de variation élevé).",
        "مخطَّط، أو نقطة مفرغة: يُستعمل بحذر (مُشار إليه للمراجعة وفق معايير NCHS 2017، أو معامل اختلاف مرتفع).",
    ),
    (
        "rel_nchs_suppressed",
        "Not shown: estimates too unreliable to publish (NCHS 2017 standards: too few respondents or too wide an interval).",
        "Non représentées : estimations trop peu fiables pour être publiées (normes NCHS 2017 : trop peu de répondants ou intervalle trop large).",
        "غير معروضة: تقديرات أضعف موثوقية من أن تُنشر (معايير NCHS 2017: عدد قليل جدًا من المستجوَبين أو مجال واسع جدًا).",
    ),
];

/// The phrase `key` in `lang` (a debug build stops on an unknown key).
pub fn phrase(lang: Language, key: &str) -> &'static str {
    let found = TABLE.iter().find(|(k, ..)| *k == key);
    debug_assert!(found.is_some(), "no phrase `{key}`");
    found.map_or("", |(_, en, fr, ar)| match lang {
        Language::En => en,
        Language::Fr => fr,
        Language::Ar => ar,
    })
}

/// The phrase `key` in `lang` with each `{name}` slot replaced by its value.
/// Filled in one pass: a value is never read for slots.
pub fn fill(lang: Language, key: &str, values: &[(&str, &str)]) -> String {
    let mut rest = phrase(lang, key);
    let mut out = String::with_capacity(rest.len());
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let slot = after
            .find('}')
            .and_then(|close| Some((values.iter().find(|(n, _)| *n == &after[..close])?, close)));
        match slot {
            Some(((_, value), close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The report's words in `lang` by key: every phrase without a slot.
pub fn words(lang: Language) -> std::collections::BTreeMap<&'static str, &'static str> {
    TABLE
        .iter()
        .map(|(k, ..)| (*k, phrase(lang, k)))
        .filter(|(_, p)| !p.contains('{'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_once_with_the_same_slots_in_every_language() {
        let slots = |s: &str| -> Vec<String> {
            let mut v: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect();
            v.sort();
            v
        };
        for (i, (k, en, fr, ar)) in TABLE.iter().enumerate() {
            assert!(!TABLE[..i].iter().any(|(o, ..)| o == k), "`{k}` twice");
            assert!(
                !en.is_empty() && !fr.is_empty() && !ar.is_empty(),
                "`{k}` empty"
            );
            assert_eq!(slots(en), slots(fr), "`{k}`: slots differ");
            assert_eq!(slots(en), slots(ar), "`{k}`: slots differ");
        }
    }

    #[test]
    fn slots_take_the_real_level() {
        assert_eq!(
            fill(
                Language::En,
                "whiskers",
                &[("level", &super::super::level_percent(0.9))]
            ),
            "Whiskers: 90% confidence intervals."
        );
        assert_eq!(
            fill(
                Language::Fr,
                "interval",
                &[("level", &super::super::level_percent(0.95))]
            ),
            "Intervalle à 95 %"
        );
    }
}
