//! The PDF report, read back by an independent reader (Debian's
//! poppler-utils: `pdftotext`, `pdftoppm`, `pdfimages`): its headings and
//! figures' titles are there as text, in English and in Arabic, its long
//! table repeats its header on every page it runs over, its pages are
//! numbered, its figures are vectors, its sources' hashes whole, no word
//! leaves the page, page 1 renders, and a rerun writes the same bytes.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{mizan, temp_study};

/// Where poppler's `tool` is, or `None` when poppler-utils is missing (then
/// the test is skipped, unless `MIZAN_REQUIRE_POPPLER` says it must run).
fn poppler(tool: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(tool))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("MIZAN_REQUIRE_POPPLER").is_none(),
            "MIZAN_REQUIRE_POPPLER is set but {tool} is not installed"
        );
        eprintln!("skipped: {tool} not found (apt-get install -y poppler-utils; .ci/run does)");
    }
    found
}

/// Runs `tool` with `args`; its standard output.
fn run_tool(tool: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(tool).args(args).output().expect("run poppler");
    assert!(
        out.status.success(),
        "{} {args:?}: {}",
        tool.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The text of `pdf`'s pages, one string per page.
fn pages(pdftotext: &Path, pdf: &Path) -> Vec<String> {
    let text = run_tool(pdftotext, &["-layout", pdf.to_str().unwrap(), "-"]);
    let mut pages: Vec<String> = String::from_utf8(text)
        .unwrap()
        .split('\u{c}')
        .map(str::to_string)
        .collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// A study in English and Arabic of 90 places in 3 sectors: a chart by
/// sector and the indicator's table by place, which runs over pages.
fn study() -> tempfile::TempDir {
    let study = "[study]\nid = \"p\"\ntitle = { en = \"Startups by place\", ar = \"المقاولات الناشئة حسب المكان\" }\nlanguages = [\"en\", \"ar\"]\n\n[datasets.d]\npath = \"d.csv\"\nlabel = { en = \"Registry\", ar = \"السجل\" }\n\n[[indicators]]\nid = \"count\"\ndataset = \"d\"\nstatistic = \"total\"\nexpr = \"v\"\nby = [\"place\", \"sector\"]\nlabel = { en = \"Startups\", ar = \"المقاولات الناشئة\" }\n\n[[charts]]\nid = \"top\"\nindicator = \"count\"\nkind = \"bar\"\nby = \"sector\"\ntitle = { en = \"Startups by sector\", ar = \"المقاولات الناشئة حسب القطاع\" }\n\n[report]\n[[report.sections]]\ntitle = { en = \"Places\", ar = \"الأماكن\" }\ncharts = [\"top\"]\nindicators = [\"count\"]\n";
    let mut data = String::from("place,sector,v\n");
    for i in 1..=90 {
        data += &format!("place-{i:03},s{},{}\n", i % 3, i * 7 % 97);
    }
    temp_study(&[("study.toml", study), ("d.csv", &data)])
}

#[test]
fn the_pdf_report_is_typeset_and_reads_back() {
    let (Some(pdftotext), Some(pdftoppm), Some(pdfimages)) = (
        poppler("pdftotext"),
        poppler("pdftoppm"),
        poppler("pdfimages"),
    ) else {
        return;
    };
    let dir = study();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("out");
    let pdf = out.join("report.pdf");
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        std::fs::read(out.join("report.en.pdf")).unwrap(),
        "report.pdf is the first language's"
    );
    let text = pages(&pdftotext, &pdf);
    let all = text.join("\n");
    for heading in [
        "Startups by place",
        "Contents",
        "Places",
        "Figure 1. Startups by sector",
        "Methods and sources",
        "Indicator definitions",
        "Codebook",
    ] {
        assert!(
            all.contains(heading),
            "`{heading}` is not in the PDF:\n{all}"
        );
    }
    // Each source's hash is there whole, to be copied and checked.
    let hash = blake3::hash(&std::fs::read(dir.path().join("d.csv")).unwrap()).to_hex();
    assert!(all.contains(&format!("blake3 {hash}")), "{all}");
    // The contents page lists the sections with their page numbers.
    assert!(
        text[1].contains("Contents") && text[1].contains("Places"),
        "{}",
        text[1]
    );
    // The 90-row table runs over pages, its header on each of them.
    let with_rows: Vec<&String> = text
        .iter()
        .filter(|p| p.matches("place-0").count() > 5)
        .collect();
    assert!(with_rows.len() >= 2, "the table fits one page: {all}");
    for page in &with_rows {
        assert!(
            page.contains("Breakdown") && page.contains("Estimate"),
            "a page of the table without its header:\n{page}"
        );
    }
    // Body pages are numbered from 1 (title and contents pages are not).
    assert_eq!(text[2].trim_end().lines().last().map(str::trim), Some("1"));
    // The figures are vectors: no raster image in the PDF.
    let images =
        String::from_utf8(run_tool(&pdfimages, &["-list", pdf.to_str().unwrap()])).unwrap();
    assert_eq!(images.lines().count(), 2, "images in the PDF:\n{images}");
    // Page 1 renders, and not blank.
    let png = run_tool(
        &pdftoppm,
        &[
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            pdf.to_str().unwrap(),
        ],
    );
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = info.color_type.samples();
    let data = &buf[..info.buffer_size()];
    assert!(
        data.chunks(px).any(|p| p != &data[..px]),
        "page 1 renders blank"
    );
    // In Arabic: the same report, its texts in Arabic.
    let ar = pages(&pdftotext, &out.join("report.ar.pdf")).join("\n");
    for heading in ["المحتويات", "الأماكن", "المنهجية والمصادر"] {
        assert!(
            ar.contains(heading),
            "`{heading}` is not in the Arabic PDF:\n{ar}"
        );
    }
    // Nothing leaves the page: every word's box (poppler's `-bbox`) within
    // the sheet, in both languages.
    for file in ["report.pdf", "report.ar.pdf"] {
        let path = out.join(file);
        let boxes = String::from_utf8(run_tool(
            &pdftotext,
            &["-bbox", path.to_str().unwrap(), "-"],
        ))
        .unwrap();
        let attr = |tag: &str, name: &str| -> f64 {
            let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            tag[at..].split('"').next().unwrap().parse().unwrap()
        };
        let mut words = 0;
        for page in boxes.split("<page ").skip(1) {
            let width = attr(page, "width");
            for word in page.split("<word ").skip(1) {
                let (x0, x1) = (attr(word, "xMin"), attr(word, "xMax"));
                assert!(
                    x0 >= 0.0 && x1 <= width,
                    "{file}: a word at {x0}–{x1} leaves the {width}-point page: {}",
                    &word[..word.len().min(160)]
                );
                words += 1;
            }
        }
        assert!(words > 100, "{file}: {words} words");
    }
    // A rerun writes the same bytes: the PDF carries no date.
    let again = dir.path().join("again");
    let (code, _, err) = mizan(
        &["run", ".", "--out", again.to_str().unwrap(), "--force"],
        dir.path(),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        std::fs::read(again.join("report.pdf")).unwrap(),
        "two runs, two different PDFs"
    );
}
