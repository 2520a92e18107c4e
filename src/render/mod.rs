//! Rendering: minijinja writes typst source from the template set, typst compiles it
//! in-process against a sandboxed World, typst-pdf writes the PDF. The report model
//! reaches typst only as data (`/_kpipress/report.json`). Output: [`Rendered`].

mod fonts;
mod templates;
mod world;

use miette::{Diagnostic, NamedSource, SourceSpan};
use typst::diag::SourceDiagnostic;
use typst::foundations::{Datetime, Smart};
use typst::WorldExt;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

pub use fonts::{FontCache, DEFAULT_FAMILY};
pub use templates::{builtin_files, typst_string, TemplateSet};
use world::{ReportWorld, RESERVED};

use crate::report::ReportModel;
use crate::spec::Spec;

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum RenderError {
    #[error("unknown template `{name}`")]
    #[diagnostic(code(render::template))]
    UnknownTemplate {
        name: String,
        #[help]
        help: String,
    },

    #[error("cannot read template `{dir}` ({message})")]
    #[diagnostic(code(render::template))]
    TemplateDir { dir: String, message: String },

    #[error("template error: {message}")]
    #[diagnostic(code(render::template))]
    Template {
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        span: Option<SourceSpan>,
        #[help]
        help: Option<String>,
    },

    #[error("typst: {message}")]
    #[diagnostic(code(render::typst))]
    Typst {
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        span: Option<SourceSpan>,
        #[help]
        help: Option<String>,
    },

    #[error("cannot read fonts in `{dir}` ({message})")]
    #[diagnostic(code(render::fonts))]
    Fonts { dir: String, message: String },

    #[error("cannot read logo `{path}` ({message})")]
    #[diagnostic(code(render::logo))]
    Logo { path: String, message: String },
}

/// The sections to print: the spec's choice or all, those with something to show.
fn sections<'a>(spec: &'a Spec, model: &ReportModel) -> Vec<&'a str> {
    match &spec.report.sections {
        Some(chosen) => chosen.iter().map(String::as_str).collect::<Vec<_>>(),
        None => crate::spec::SECTIONS.to_vec(),
    }
    .into_iter()
    .filter(|section| has_content(section, model))
    .collect()
}

/// Whether `section` has anything to show: a section without its data is left out
/// rather than printed empty.
fn has_content(section: &str, model: &ReportModel) -> bool {
    match section {
        "funnel" => model.funnel.is_some(),
        "content" => model.content.as_ref().is_some_and(|c| c.scored > 0),
        "recommendations" => !model.recommendations.is_empty(),
        "trends" => model.kpis.iter().any(|k| k.chart.is_some()),
        _ => true,
    }
}

/// The typst source a report compiles from, and the PDF when asked for.
pub struct Rendered {
    pub typst: String,
    pub pdf: Option<Vec<u8>>,
}

/// Where the logo sits inside the typst World.
pub fn logo_path(spec: &Spec) -> Option<String> {
    let extension = spec.brand.logo.as_ref()?.extension()?.to_str()?.to_ascii_lowercase();
    Some(format!("{RESERVED}/logo.{extension}"))
}

/// How many reports a memoised typst result survives unused.
const EVICT_AFTER_REPORTS: usize = 4;

/// Renders `model`. A brand font that is not there is replaced by the embedded default,
/// with a warning added to the model.
pub fn render(spec: &Spec, model: &mut ReportModel, fonts: &FontCache, pdf: bool) -> Result<Rendered, RenderError> {
    let set = TemplateSet::load(&spec.report.template)?;
    let fonts = fonts.fonts(spec.brand.fonts.as_deref())?;
    check_brand_font(model, &fonts);
    let mut context = serde_json::to_value(&*model).expect("the report model serialises");
    context["sections"] = serde_json::json!(sections(spec, model));
    let typst = set.render(&context)?;
    if !pdf {
        return Ok(Rendered { typst, pdf: None });
    }
    let mut files = vec![
        (format!("{RESERVED}/main.typ"), typst.clone().into_bytes()),
        (
            format!("{RESERVED}/report.json"),
            serde_json::to_vec(&*model).expect("the report model serialises"),
        ),
    ];
    files.extend(
        set.typst_files()
            .map(|(name, text)| (format!("{RESERVED}/{name}"), text.clone().into_bytes())),
    );
    if let (Some(logo), Some(virtual_path)) = (&spec.brand.logo, logo_path(spec)) {
        let bytes = std::fs::read(logo).map_err(|e| RenderError::Logo {
            path: crate::source::display(logo),
            message: e.to_string(),
        })?;
        files.push((virtual_path, bytes));
    }
    let period_end = chrono::NaiveDate::parse_from_str(&model.period_end, "%Y-%m-%d").unwrap_or_default();
    let world = ReportWorld::new(&format!("{RESERVED}/main.typ"), files, &spec.root, fonts, period_end);
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| typst_error(&world, &set, &errors))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("kpipress/{}/{}", model.client.slug, model.period)),
        creator: Smart::Custom(Some("kpipress".to_owned())),
        timestamp: document_date(period_end).map(Timestamp::new_utc),
        ..PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|errors| typst_error(&world, &set, &errors));
    // typst memoises layouts and evaluations process-wide; without eviction a build of
    // many clients keeps every client's cache. What the next report shares (the
    // template's library, fonts) was used just now and stays.
    comemo::evict(EVICT_AFTER_REPORTS);
    let bytes = bytes?;
    Ok(Rendered {
        typst,
        pdf: Some(bytes),
    })
}

/// The document's date: `SOURCE_DATE_EPOCH` when set, else the period's last day; never
/// the wall clock, so the same inputs give the same bytes.
fn document_date(period_end: chrono::NaiveDate) -> Option<Datetime> {
    use chrono::{Datelike, Timelike};
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok());
    match epoch.and_then(|s| chrono::DateTime::from_timestamp(s, 0)) {
        Some(t) => Datetime::from_ymd_hms(
            t.year(),
            t.month() as u8,
            t.day() as u8,
            t.hour() as u8,
            t.minute() as u8,
            t.second() as u8,
        ),
        None => Datetime::from_ymd_hms(
            period_end.year(),
            period_end.month() as u8,
            period_end.day() as u8,
            0,
            0,
            0,
        ),
    }
}

fn check_brand_font(model: &mut ReportModel, fonts: &[typst::text::Font]) {
    let Some(family) = model.brand.font.clone() else { return };
    let known = fonts.iter().any(|f| f.info().family.eq_ignore_ascii_case(&family));
    if !known {
        model.warnings.push(format!(
            "font `{family}` was not found in `brand.fonts`; the report uses {DEFAULT_FAMILY}"
        ));
        model.brand.font = None;
    }
}

fn typst_error(world: &ReportWorld, set: &TemplateSet, errors: &[SourceDiagnostic]) -> RenderError {
    let first = &errors[0];
    let id = first.span.id();
    let text = id.and_then(|id| world.text(id)).unwrap_or_default();
    let name = match id.map(|id| id.vpath().get_with_slash().to_owned()) {
        Some(path) if path == format!("{RESERVED}/main.typ") => {
            format!("{} (as generated typst)", set.path_of(templates::ENTRY))
        }
        Some(path) => match path.strip_prefix(&format!("{RESERVED}/")) {
            Some(name) => set.path_of(name),
            None => path,
        },
        None => set.origin.clone(),
    };
    let span = world
        .range(first.span)
        .map(|r| SourceSpan::from((r.start, r.end.saturating_sub(r.start).max(1))));
    let mut hints: Vec<String> = first.hints.iter().map(|h| h.v.to_string()).collect();
    if errors.len() > 1 {
        hints.push(format!(
            "{} more typst errors follow from this one or stand beside it",
            errors.len() - 1
        ));
    }
    RenderError::Typst {
        message: first.message.to_string(),
        src: NamedSource::new(name, text),
        span,
        help: (!hints.is_empty()).then(|| hints.join("\n")),
    }
}
