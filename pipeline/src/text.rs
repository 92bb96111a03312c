//! Text from data or the spec made safe for where people see it: a terminal,
//! a spreadsheet, Markdown, SVG and HTML. The published Parquet keeps every
//! value as it came; only what is shown is changed, and visibly so.

use std::borrow::Cow;

/// Whether `c` would act on a terminal, or is not allowed in XML (SVG,
/// HTML): control characters other than tab and line feed, and the
/// noncharacters U+FFFE and U+FFFF.
fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// `s` with each control character written as a visible escape (`\u{1b}`),
/// tab and line feed kept: safe to print and to put in SVG, HTML or CSV.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A text cell for a CSV file that spreadsheets open: control characters
/// escaped and, as OWASP recommends against formula injection, a text that
/// starts with `=`, `+`, `-`, `@`, tab or carriage return prefixed with `'`
/// — unless the whole cell is a number (`-3.5` stays a number).
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.trim().parse::<f64>().is_err();
    match (risky, escape_control(s)) {
        (false, clean) => clean,
        (true, clean) => Cow::Owned(format!("'{clean}")),
    }
}

/// `s` for Markdown prose, a heading or a table cell (never at a line's
/// start): every character Markdown could read as markup there (links,
/// images, emphasis, code, tables) escaped with a backslash, HTML's `<`,
/// `>` and `&` as entities, line breaks as spaces.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in escape_control(s).chars() {
        match c {
            // HTML passes through Markdown: entities, which every renderer reads.
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '!' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `s` as a Markdown code span that may sit in a table cell: fenced with
/// more backticks than it holds in a row, `|` escaped, line breaks as spaces.
pub fn code_span(s: &str) -> String {
    let clean = escape_control(s)
        .replace(['\n', '\r'], " ")
        .replace('|', "\\|");
    let longest = clean.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 || clean.starts_with(' ') || clean.ends_with(' ') {
        format!("{fence} {clean} {fence}")
    } else {
        format!("{fence}{clean}{fence}")
    }
}

/// Whether the SQL text `sql` names `column` as a whole word (or quoted).
pub fn mentions(sql: &str, column: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    sql.match_indices(column).any(|(i, _)| {
        let before = sql[..i].chars().next_back();
        let after = sql[i + column.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(escape_control("a\u{1b}[31mb\0c"), "a\\u{1b}[31mb\\u{0}c");
        assert_eq!(escape_control("tab\tand\nline"), "tab\tand\nline");
        assert_eq!(escape_control("x\u{FFFE}\u{c}"), "x\\u{fffe}\\u{c}");
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("+1 (555)"), "'+1 (555)");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("-3.5"), "-3.5");
        assert_eq!(csv_cell("Rabat-Salé"), "Rabat-Salé");
    }

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(code_span("a = 1"), "`a = 1`");
        assert_eq!(code_span("x`y"), "`` x`y ``");
        assert_eq!(code_span("a|b"), "`a\\|b`");
    }

    #[test]
    fn markdown_links_are_not_links() {
        let md = markdown("T](javascript:alert(1)) ![y");
        assert_eq!(md, "T\\]\\(javascript:alert\\(1\\)\\) \\!\\[y");
        assert!(!md.contains("]("));
    }
}
