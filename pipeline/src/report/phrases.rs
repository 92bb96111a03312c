//! The report's fixed words in each language.

use std::collections::BTreeMap;

use crate::spec::model::Language;

/// The report's fixed words in `lang`, by key.
pub fn phrases(lang: Language) -> BTreeMap<&'static str, &'static str> {
    let en = [
        ("contents", "Contents"),
        ("methods", "Methods and sources"),
        ("data_of", "Data:"),
        ("series", "Series"),
        ("domain", "Group"),
        ("estimate", "Estimate"),
        ("interval", "95% interval"),
        ("flag", "Reliability"),
        ("breakdown", "Breakdown"),
        ("sources", "Sources"),
        ("dataset", "Dataset"),
        ("file", "File"),
        ("rows_read", "Rows read"),
        ("rows_kept", "Rows kept"),
        ("rows_rejected", "Rows rejected"),
        ("source", "Source"),
        ("colon", ": "),
        ("design", "Survey design and variance estimation"),
        ("definitions", "Indicator definitions"),
        ("changes", "Changes since the last published run"),
        ("indicator", "Indicator"),
        ("statistic", "Statistic"),
        ("expression", "Expression"),
        ("subpopulation", "Subpopulation"),
        ("breakdowns", "Breakdowns"),
        ("software", "Computed with"),
        ("spec", "Study spec blake3:"),
        ("all", "All"),
        ("comparisons", "Differences"),
        ("comparison", "Comparison"),
    ];
    let fr = [
        ("contents", "Sommaire"),
        ("methods", "Méthodes et sources"),
        ("data_of", "Données :"),
        ("series", "Série"),
        ("domain", "Groupe"),
        ("estimate", "Estimation"),
        ("interval", "Intervalle à 95 %"),
        ("flag", "Fiabilité"),
        ("breakdown", "Ventilation"),
        ("sources", "Sources"),
        ("dataset", "Jeu de données"),
        ("file", "Fichier"),
        ("rows_read", "Lignes lues"),
        ("rows_kept", "Lignes retenues"),
        ("rows_rejected", "Lignes rejetées"),
        ("source", "Source"),
        ("colon", "\u{a0}: "),
        ("design", "Plan de sondage et estimation de la variance"),
        ("definitions", "Définition des indicateurs"),
        ("changes", "Évolutions depuis la dernière publication"),
        ("indicator", "Indicateur"),
        ("statistic", "Statistique"),
        ("expression", "Expression"),
        ("subpopulation", "Sous-population"),
        ("breakdowns", "Ventilations"),
        ("software", "Calculé avec"),
        ("spec", "Empreinte blake3 de la spécification :"),
        ("all", "Ensemble"),
        ("comparisons", "Écarts"),
        ("comparison", "Comparaison"),
    ];
    match lang {
        Language::En => en.into_iter().collect(),
        Language::Fr => fr.into_iter().collect(),
    }
}
