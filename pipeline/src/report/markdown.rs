//! `report.md`: the report's [`Context`] as Markdown, with the PNG figures,
//! for people who publish through other tools. Text from data or the spec
//! is escaped ([`crate::text::markdown`]), so it can never become a link,
//! an image or HTML.

use serde_json::Value;

use super::Context;
use crate::error::{Error, Result};

/// Renders `report.md`.
pub fn render(ctx: &Context) -> Result<String> {
    // Read the context through its serialised form: the same fields the
    // HTML template reads, so both reports show the same content.
    let v = serde_json::to_value(ctx).map_err(|e| Error::internal("report.md", e))?;
    // Text from data or spec is text, never markup: no link, image, HTML
    // or emphasis can come out of a label or a value.
    let s = |v: &Value| crate::text::markdown(v.as_str().unwrap_or(""));
    let raw = |v: &Value| v.as_str().unwrap_or("").to_string();
    let t = |k: &str| s(&v["t"][k]);
    // A right-to-left report is one block its renderer lays out right to left.
    let rtl = v["dir"] == "rtl";
    let mut out = if rtl {
        "<div dir=\"rtl\">\n\n".to_string()
    } else {
        String::new()
    };
    out += &format!("# {}\n\n", s(&v["title"]));
    if !s(&v["intro"]).is_empty() {
        out += &format!("{}\n\n", s(&v["intro"]));
    }
    for sec in v["sections"].as_array().into_iter().flatten() {
        out += &format!("## {}\n\n", s(&sec["title"]));
        if !s(&sec["text"]).is_empty() {
            out += &format!("{}\n\n", s(&sec["text"]));
        }
        let findings: Vec<String> = sec["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| format!("- {}\n", s(f)))
            .collect();
        if !findings.is_empty() {
            out += &format!("{}\n", findings.concat());
        }
        for f in sec["figures"].as_array().into_iter().flatten() {
            out += &format!(
                "![{}]({})\n\n*{}*\n\n",
                s(&f["alt"]),
                raw(&f["png"]),
                s(&f["caption"])
            );
            if f["rows"].as_array().is_none_or(Vec::is_empty) {
                out += &format!("{}\n\n", s(&f["data_note"]));
                continue;
            }
            out += &table(
                &[
                    t("domain"),
                    t("estimate"),
                    s(&f["interval"]),
                    "n".into(),
                    t("flag"),
                ],
                f["rows"].as_array().into_iter().flatten().map(|r| {
                    let label = if s(&r["series"]).is_empty() {
                        s(&r["label"])
                    } else {
                        format!("{} — {}", s(&r["series"]), s(&r["label"]))
                    };
                    vec![
                        label,
                        s(&r["value"]),
                        s(&r["interval"]),
                        s(&r["n"]),
                        s(&r["flag"]),
                    ]
                }),
            );
        }
        for x in sec["summaries"].as_array().into_iter().flatten() {
            out += &analysis(x);
        }
        for tb in sec["tables"].as_array().into_iter().flatten() {
            out += &format!("### {}\n\n", s(&tb["label"]));
            out += &table(
                &[
                    t("breakdown"),
                    t("domain"),
                    t("estimate"),
                    s(&tb["interval"]),
                    "n".into(),
                    t("flag"),
                ],
                tb["rows"].as_array().into_iter().flatten().map(|r| {
                    vec![
                        s(&r["by"]),
                        s(&r["label"]),
                        s(&r["value"]),
                        s(&r["interval"]),
                        s(&r["n"]),
                        s(&r["flag"]),
                    ]
                }),
            );
        }
    }
    for section in ["crosstabs", "models"] {
        let Some(xs) = v[section].as_array().filter(|c| !c.is_empty()) else {
            continue;
        };
        out += &format!("## {}\n\n", t(section));
        for x in xs {
            out += &analysis(x);
        }
    }
    if let Some(cs) = v["comparisons"].as_array().filter(|c| !c.is_empty()) {
        out += &format!("## {}\n\n", t("comparisons"));
        out += &table(
            &[
                t("comparison"),
                "a".into(),
                "b".into(),
                "a − b".into(),
                s(&v["comparisons_interval"]),
                "p".into(),
            ],
            cs.iter().map(|c| {
                vec![
                    s(&c["label"]),
                    s(&c["a"]),
                    s(&c["b"]),
                    s(&c["difference"]),
                    s(&c["interval"]),
                    s(&c["p_value"]),
                ]
            }),
        );
    }
    let m = &v["methods"];
    out += &format!("## {}\n\n### {}\n\n", t("methods"), t("sources"));
    out += &table(
        &[
            t("dataset"),
            t("file"),
            t("rows_read"),
            t("rows_kept"),
            t("rows_rejected"),
            "blake3".into(),
        ],
        m["datasets"].as_array().into_iter().flatten().map(|d| {
            vec![
                s(&d["label"]),
                crate::text::code_span(&raw(&d["path"])),
                d["rows_read"].to_string(),
                d["rows_kept"].to_string(),
                d["rows_rejected"].to_string(),
                crate::text::code_span(&raw(&d["blake3"])),
            ]
        }),
    );
    for d in m["datasets"].as_array().into_iter().flatten() {
        if !s(&d["source"]).is_empty() {
            out += &format!(
                "{} — {}{}{}\n\n",
                s(&d["label"]),
                t("source"),
                t("colon"),
                s(&d["source"])
            );
        }
    }
    out += &format!("### {}\n\n", s(&m["heading"]));
    for p in m["designs"].as_array().into_iter().flatten() {
        out += &format!("{}\n\n", s(p));
    }
    out += &format!("{}\n\n", s(&m["reliability"]));
    for p in m["measures"].as_array().into_iter().flatten() {
        out += &format!("{}\n\n", s(p));
    }
    let changes: Vec<String> = m["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(s)
        .collect();
    if !changes.is_empty() {
        out += &format!("### {}\n\n", t("changes"));
        for c in changes {
            out += &format!("- {c}\n");
        }
        out += "\n";
    }
    out += &format!("### {}\n\n", t("definitions"));
    out += &table(
        &[
            t("indicator"),
            t("statistic"),
            t("expression"),
            t("subpopulation"),
            t("breakdowns"),
        ],
        m["indicators"].as_array().into_iter().flatten().map(|i| {
            let code = |x: String| {
                if x.is_empty() {
                    x
                } else {
                    crate::text::code_span(&x)
                }
            };
            vec![
                format!(
                    "{} ({})",
                    s(&i["label"]),
                    crate::text::code_span(&raw(&i["id"]))
                ),
                s(&i["statistic"]),
                code(raw(&i["expr"])),
                code(raw(&i["where"])),
                s(&i["by"]),
            ]
        }),
    );
    for d in m["codebook"].as_array().into_iter().flatten() {
        out += &format!("### {} — {}\n\n", t("codebook"), s(&d["label"]));
        out += &table(
            &[
                t("column"),
                t("type"),
                t("values"),
                t("missing"),
                t("codes"),
            ],
            d["columns"].as_array().into_iter().flatten().map(|c| {
                let label = s(&c["label"]);
                vec![
                    format!("{} {label}", crate::text::code_span(&raw(&c["column"]))),
                    s(&c["kind"]),
                    s(&c["values"]),
                    s(&c["missing"]),
                    s(&c["codes"]),
                ]
            }),
        );
    }
    out += &format!(
        "{} mizan {}. {} {}\n",
        t("software"),
        s(&v["version"]),
        t("spec"),
        crate::text::code_span(&raw(&v["spec_hash"]))
    );
    if rtl {
        out += "\n</div>\n";
    }
    Ok(out)
}

/// An analysis table (a crosstab, a model, a section's summary): heading,
/// caption, its table and its note.
fn analysis(x: &Value) -> String {
    let s = |v: &Value| crate::text::markdown(v.as_str().unwrap_or(""));
    let mut out = format!("### {}\n\n{}\n\n", s(&x["label"]), s(&x["caption"]));
    let header: Vec<String> = x["columns"]
        .as_array()
        .into_iter()
        .flatten()
        .map(s)
        .collect();
    out += &table(
        &header,
        x["rows"].as_array().into_iter().flatten().map(|r| {
            std::iter::once(s(&r["label"]))
                .chain(r["cells"].as_array().into_iter().flatten().map(s))
                .collect()
        }),
    );
    out += &format!("{}\n\n", s(&x["note"]));
    out
}

fn table(header: &[String], rows: impl Iterator<Item = Vec<String>>) -> String {
    // Cells arrive escaped (`|` included); only line breaks would break a row.
    let cell = |c: &str| c.replace('\n', " ");
    let mut out = format!(
        "| {} |\n|{}\n",
        header
            .iter()
            .map(|h| cell(h))
            .collect::<Vec<_>>()
            .join(" | "),
        " --- |".repeat(header.len())
    );
    for r in rows {
        out += &format!(
            "| {} |\n",
            r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
        );
    }
    out + "\n"
}
