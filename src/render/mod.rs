//! Rendering: minijinja writes typst source from the template set, typst compiles it
//! in-process against a sandboxed World, typst-pdf writes the PDF. The report model
//! reaches typst only as data (`/_kpipress/report.json`). A build renders each report
//! in a worker process with a time and a memory limit ([`isolate`]). Output: [`Rendered`].

mod fonts;
pub mod isolate;
mod job;
mod plot;
mod templates;
mod world;

use miette::{Diagnostic, NamedSource, SourceSpan};
use typst::diag::SourceDiagnostic;
use typst::foundations::{Datetime, Smart};
use typst::WorldExt;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

pub use fonts::FontCache;
pub use job::{missing_font, prepare, Job, LOGO};
pub use templates::{builtin_files, typst_string, TemplateSet};
use world::{ReportWorld, RESERVED};

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum RenderError {
    #[error("unknown template `{name}`")]
    #[diagnostic(code(render::template))]
    UnknownTemplate {
        name: String,
        #[help]
        help: String,
    },

    #[error("cannot read template `{dir}`")]
    #[diagnostic(code(render::template))]
    TemplateDir {
        dir: String,
        #[source]
        source: std::io::Error,
    },

    #[error("template file `{file}` is not read: {why}")]
    #[diagnostic(code(render::template))]
    TemplateRefused { file: String, why: &'static str },

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

    #[error("cannot read fonts in `{dir}`")]
    #[diagnostic(code(render::fonts))]
    Fonts {
        dir: String,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot read logo `{path}`")]
    #[diagnostic(code(render::logo))]
    Logo {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("the report took longer than {seconds} s to render, and was stopped")]
    #[diagnostic(
        code(render::time_limit),
        help("a template that loops without end is stopped here; a report that needs longer can have it with `--time-limit SECONDS`")
    )]
    TimeLimit { seconds: u64 },

    #[error("the report needed more than {mib} MiB to render, and was stopped")]
    #[diagnostic(
        code(render::memory_limit),
        help("a template that grows a value without end is stopped here; a report that needs more can have it with `--memory-limit MIB`")
    )]
    MemoryLimit { mib: u64 },

    #[error("the render worker failed: {message}")]
    #[diagnostic(code(render::worker))]
    Worker { message: String },
}

/// The typst source a report compiles from, the PDF when asked for, and what typst
/// warned of while compiling it (`file:line: message`).
#[derive(Debug)]
pub struct Rendered {
    pub typst: String,
    pub pdf: Option<Vec<u8>>,
    pub warnings: Vec<String>,
}

/// A folder to write typst's timings of each report to, as a Chrome trace
/// (`chrome://tracing`, Perfetto): the instrumentation `typst --timings` uses.
pub const TIMINGS_VARIABLE: &str = "KPIPRESS_TYPST_TIMINGS";

/// How many reports a memoised typst result survives unused.
const EVICT_AFTER_REPORTS: usize = 4;

/// Renders `job` in this process. A build renders through [`isolate::render`], which
/// runs this in a worker process with a time and a memory limit.
pub fn render(job: &Job, fonts: &FontCache) -> Result<Rendered, RenderError> {
    let model: serde_json::Value = serde_json::from_str(&job.report_json).expect("the report model is JSON");
    let typst = job.set.render(&model, job.fuel)?;
    if !job.pdf {
        return Ok(Rendered {
            typst,
            pdf: None,
            warnings: Vec::new(),
        });
    }
    let fonts = fonts.fonts(job.brand_fonts.as_deref())?;
    let mut files = vec![
        (format!("{RESERVED}/main.typ"), typst.clone().into_bytes()),
        (format!("{RESERVED}/report.json"), job.report_json.clone().into_bytes()),
        (format!("{RESERVED}/plots.json"), job.plots.clone().into_bytes()),
    ];
    files.extend(
        job.set
            .typst_files()
            .map(|(name, text)| (format!("{RESERVED}/{name}"), text.clone().into_bytes())),
    );
    if let Some(logo) = &job.logo {
        files.push((format!("{RESERVED}/{LOGO}"), logo.clone()));
    }
    let world = ReportWorld::new(&format!("{RESERVED}/main.typ"), files, &job.root, fonts, job.today());
    let timings = std::env::var_os(TIMINGS_VARIABLE).map(std::path::PathBuf::from);
    if timings.is_some() {
        typst_timing::enable();
    }
    let compiled = typst::compile::<PagedDocument>(&world);
    let warnings = compiled
        .warnings
        .iter()
        .map(|w| typst_warning(&world, &job.set, w))
        .collect();
    let document = compiled
        .output
        .map_err(|errors| typst_error(&world, &job.set, &errors))?;
    let options = PdfOptions {
        ident: Smart::Custom(job.ident.clone()),
        creator: Smart::Custom(Some("kpipress".to_owned())),
        timestamp: document_date(job.created).map(Timestamp::new_utc),
        ..PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|errors| typst_error(&world, &job.set, &errors));
    // typst memoises layouts and evaluations process-wide; without eviction a worker
    // that renders many reports keeps every one's cache. What the next report shares
    // (the template's library, fonts) was used just now and stays.
    comemo::evict(EVICT_AFTER_REPORTS);
    if let Some(dir) = timings {
        write_timings(&dir, &job.ident, &world);
    }
    Ok(Rendered {
        typst,
        pdf: Some(bytes?),
        warnings,
    })
}

/// The document a worker compiles as it starts; see its comment.
const WARM_UP: &str = include_str!("warm_up.typ");

/// Compiles [`WARM_UP`] to a PDF and drops it. A worker started ahead of its first report
/// does this while the build computes that report, on the other core, so a one-client
/// build no longer waits for typst's first-use costs after its data is ready. False when
/// the document did not compile, which only a test looks at.
pub fn warm_up(fonts: &FontCache) -> bool {
    let Ok(fonts) = fonts.fonts(None) else { return false };
    let main = format!("{RESERVED}/main.typ");
    let source = format!(
        "#let family = {}\n{WARM_UP}",
        typst_string(crate::report::FALLBACK_FAMILY)
    );
    // A root that does not exist: the document reads no file, and could read none.
    let root = std::path::Path::new("/nonexistent/kpipress-warm-up");
    let world = ReportWorld::new(
        &main,
        vec![(main.clone(), source.into_bytes())],
        root,
        fonts,
        chrono::NaiveDate::MIN,
    );
    let compiled = typst::compile::<PagedDocument>(&world).output;
    compiled.is_ok_and(|document| typst_pdf::pdf(&document, &PdfOptions::default()).is_ok())
}

/// typst's timings of the report just rendered, as `DIR/IDENT.json`; a developer's
/// aid, so a failure to write is said on stderr and nothing more.
fn write_timings(dir: &std::path::Path, ident: &str, world: &ReportWorld) {
    let name: String = ident
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let written = std::fs::File::create(dir.join(format!("{name}.json")))
        .map_err(|e| e.to_string())
        .and_then(|file| {
            typst_timing::export_json(std::io::BufWriter::new(file), |span| {
                let span = typst::syntax::Span::from_raw(span);
                let Some(id) = span.id() else {
                    return (String::new(), 0);
                };
                let line = world.text(id).zip(world.range(span)).map_or(0, |(text, range)| {
                    text.get(..range.start)
                        .map_or(0, |before| before.matches('\n').count() + 1)
                });
                (id.vpath().get_with_slash().to_owned(), line as u32)
            })
        });
    if let Err(error) = written {
        eprintln!("kpipress: cannot write typst timings to `{}`: {error}", dir.display());
    }
}

fn document_date(seconds: i64) -> Option<Datetime> {
    use chrono::{Datelike, Timelike};
    let t = chrono::DateTime::from_timestamp(seconds, 0)?;
    Datetime::from_ymd_hms(
        t.year(),
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
}

fn typst_error(world: &ReportWorld, set: &TemplateSet, errors: &[SourceDiagnostic]) -> RenderError {
    let first = &errors[0];
    let (name, text, range) = place(world, set, first);
    let span = range.map(|r| SourceSpan::from((r.start, r.end.saturating_sub(r.start).max(1))));
    let mut hints: Vec<String> = first.hints.iter().map(|h| hint(&h.v, world)).collect();
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

/// A typst warning as a line of the build's log: `cover.typ:12: message (hint)`.
fn typst_warning(world: &ReportWorld, set: &TemplateSet, warning: &SourceDiagnostic) -> String {
    let (name, text, range) = place(world, set, warning);
    let line = range.map(|r| text.get(..r.start).map_or(0, |before| before.matches('\n').count()) + 1);
    let at = line.map_or(name.clone(), |line| format!("{name}:{line}"));
    let hints: Vec<String> = warning.hints.iter().map(|h| hint(&h.v, world)).collect();
    let hints = if hints.is_empty() {
        String::new()
    } else {
        format!(" ({})", hints.join("; "))
    };
    format!("typst: {at}: {}{hints}", warning.message)
}

/// Which template file a diagnostic is in, as the user knows it, with its text and range.
fn place(
    world: &ReportWorld,
    set: &TemplateSet,
    diagnostic: &SourceDiagnostic,
) -> (String, String, Option<std::ops::Range<usize>>) {
    let id = diagnostic.span.id();
    let text = id.and_then(|id| world.text(id)).unwrap_or_default();
    let range = world.range(diagnostic.span);
    let name = match id.map(|id| id.vpath().get_with_slash().to_owned()) {
        Some(path) if path == format!("{RESERVED}/main.typ") => {
            let partial = range.as_ref().and_then(|r| templates::partial_at(&text, r.start));
            format!(
                "{} (as generated typst)",
                set.path_of(partial.unwrap_or(templates::ENTRY))
            )
        }
        Some(path) => match path.strip_prefix(&format!("{RESERVED}/")) {
            Some(name) => set.path_of(name),
            None => path,
        },
        None => set.origin.clone(),
    };
    (name, text, range)
}

/// typst's hint in kpipress's terms: typst's own command line has a `--root`, kpipress
/// has a fixed root, the spec's folder.
fn hint(hint: &str, world: &ReportWorld) -> String {
    if hint.contains("--root") {
        format!(
            "templates read files only inside the spec's folder `{}`",
            crate::source::display(world.root())
        )
    } else {
        hint.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warm_up_document_compiles() {
        assert!(warm_up(&FontCache::new()));
    }
}
