//! The PDF report, typeset in-process by Typst: a title page, the contents,
//! each section with its figures as vectors and their data in tables whose
//! header repeats on every page they run over, page numbers, the methods
//! and the codebook. The layout is `templates/report.typ`; the data is the
//! report's context as JSON (the same as the HTML page's), so the two say
//! the same thing. Fonts are the ones the binary carries; the PDF carries
//! no date, so a rerun writes the same bytes.

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Dict, Duration, Smart, Value};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use super::Context;
use crate::error::{Error, Result};
use crate::locale::{Language, fonts};

/// The Typst source of the report's layout.
const TEMPLATE: &str = include_str!("templates/report.typ");

/// The report of `ctx` as PDF bytes.
pub fn render(ctx: &Context) -> Result<Vec<u8>> {
    let prepare = |e| Error::internal("preparing the PDF report", e);
    let mut data = serde_json::to_value(ctx).map_err(prepare)?;
    if let Some(fields) = data.as_object_mut() {
        // The page's embedded fonts are the HTML's business; the template
        // reads the families its language is set in.
        fields.remove("font_faces");
        let lang = Language::ALL
            .into_iter()
            .find(|l| l.code() == ctx.lang)
            .unwrap_or(Language::En);
        fields.insert("fonts".into(), fonts::families(lang).into());
        for figure in fields
            .get_mut("sections")
            .and_then(|s| s.as_array_mut())
            .into_iter()
            .flatten()
            .filter_map(|s| s.get_mut("figures")?.as_array_mut())
            .flatten()
        {
            let aspect = figure["svg"].as_str().and_then(aspect);
            figure["aspect"] = aspect.unwrap_or(0.75).into();
        }
    }
    let world = Typeset::new(serde_json::to_vec(&data).map_err(prepare)?);
    let typeset = typst::compile::<PagedDocument>(&world);
    let document = typeset
        .output
        .map_err(|errors| failed("typesetting the PDF report", &errors))?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(format!("mizan-report-{}", ctx.lang)),
        creator: Smart::Custom(Some(format!("mizan {}", env!("CARGO_PKG_VERSION")))),
        timestamp: None,
        ..Default::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| failed("writing the PDF report", &errors))
}

/// Height over width of a chart's SVG (from its root's `width` and
/// `height`), so the template can fit a tall chart into the page.
fn aspect(svg: &str) -> Option<f64> {
    let root = &svg[svg.find("<svg")?..];
    let root = &root[..root.find('>')?];
    let attr = |name: &str| -> Option<f64> {
        let start = root.find(&format!(" {name}=\""))? + name.len() + 3;
        root[start..].split('"').next()?.parse().ok()
    };
    Some(attr("height")? / attr("width")?)
}

/// Typst's errors as one of ours: they are the template's faults, not the
/// study's.
fn failed(what: &str, errors: &[SourceDiagnostic]) -> Error {
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    Error::internal(what, messages.join("; "))
}

/// The world Typst compiles in: the template as its only source, the data
/// as an input, the fonts the binary carries, no files and no clock.
struct Typeset {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
}

impl Typeset {
    fn new(data: Vec<u8>) -> Self {
        let mut inputs = Dict::new();
        inputs.insert("data".into(), Value::Bytes(Bytes::new(data)));
        let fonts: Vec<Font> = fonts::all()
            .into_iter()
            .flat_map(|f| Font::iter(Bytes::new(f)))
            .collect();
        Typeset {
            library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            main: Source::detached(TEMPLATE),
        }
    }
}

impl World for Typeset {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, _: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _: Option<Duration>) -> Option<Datetime> {
        None
    }
}
