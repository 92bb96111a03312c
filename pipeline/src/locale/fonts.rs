//! The fonts the binary carries, so that every machine draws the same
//! glyphs and a report renders without system fonts: DejaVu Sans for Latin
//! text and Noto Naskh Arabic (SIL Open Font License 1.1, its licence in
//! `pipeline/assets/fonts/OFL.txt`) for Arabic, shaped by the renderers
//! (resvg for PNG, the browser for HTML, Typst for PDF).

use super::Language;

/// The Latin family every chart and page is set in.
pub const LATIN: &str = "DejaVu Sans";
/// The Arabic family.
pub const ARABIC: &str = "Noto Naskh Arabic";

/// Noto Naskh Arabic, regular.
pub const ARABIC_REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoNaskhArabic-Regular.ttf");
/// Noto Naskh Arabic, bold.
pub const ARABIC_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoNaskhArabic-Bold.ttf");

/// Every font file the binary carries: DejaVu Sans (four styles) and Noto
/// Naskh Arabic (two).
pub fn all() -> [&'static [u8]; 6] {
    [
        dejavu::sans::regular(),
        dejavu::sans::bold(),
        dejavu::sans::oblique(),
        dejavu::sans::bold_oblique(),
        ARABIC_REGULAR,
        ARABIC_BOLD,
    ]
}

/// Whether `c` is an Arabic letter or sign (the Arabic blocks and their
/// presentation forms).
pub fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// The families, in order, that text of `lang` is set in: Arabic first
/// where Arabic is written (DejaVu has Arabic glyphs of its own, so it must
/// not come first), DejaVu for the Latin letters either way. Charts, the
/// HTML page and the PDF all read this list.
pub fn families(lang: Language) -> &'static [&'static str] {
    if lang == Language::Ar {
        &[ARABIC, LATIN]
    } else {
        &[LATIN]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_letters_are_told_from_latin_ones() {
        assert!("الرباط".chars().all(is_arabic));
        assert!(!"Rabat 12,5%".chars().any(is_arabic));
    }
}
