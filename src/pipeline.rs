//! One client's run through every stage, and the writing of its files.

use std::io::Write;
use std::path::{Path, PathBuf};

use miette::Diagnostic;

use crate::metrics::{self, MetricsError};
use crate::render::{self, FontCache, RenderError};
use crate::report::{self, ReportModel};
use crate::source::{self, display, SourceError};
use crate::spec::{self, Period, Spec, SpecError, SpecWarning};

/// Any stage's error, carried as it is to the command line.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Metrics(#[from] MetricsError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Render(#[from] RenderError),
    #[error("`--period {period}` is not a {grain} period of `{spec}`")]
    #[diagnostic(code(cli::period))]
    Period {
        period: String,
        grain: &'static str,
        spec: String,
        #[help]
        help: String,
    },
    #[error("`{spec}` has no data to report on")]
    #[diagnostic(code(metrics::empty), help("check the sources' paths and filters"))]
    NoData { spec: String },
    #[error("cannot write `{path}` ({source})")]
    #[diagnostic(code(output::write))]
    Write { path: String, source: std::io::Error },
}

/// Which files `build` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub pdf: bool,
    pub json: bool,
    pub typ: bool,
}

/// What a run should do beyond computing the report.
#[derive(Debug, Clone)]
pub struct Options {
    pub period: Option<String>,
    /// Where outputs go; `None` computes and renders everything but writes nothing (`check`).
    pub out: Option<PathBuf>,
    pub formats: Formats,
}

/// What one client's run produced.
#[derive(Debug)]
pub struct Outcome {
    pub client: String,
    pub period: String,
    pub written: Vec<PathBuf>,
    pub model: ReportModel,
    /// The SMART checks' warnings, with their place in the spec (also in `model.warnings`
    /// as one line each).
    pub smart: Vec<SpecWarning>,
}

/// Runs the whole pipeline for the spec at `path`.
pub fn run(path: &Path, options: &Options, fonts: &FontCache) -> Result<Outcome, Error> {
    let spec = spec::load(path)?;
    let requested = requested_period(&spec, options.period.as_deref())?;
    let sources = source::load(&spec, requested)?;
    let table = metrics::compute(&spec, &sources, requested)?;
    let period = requested
        .or_else(|| table.last_complete_period())
        .ok_or_else(|| Error::NoData { spec: display(path) })?;
    let scorecard = crate::goals::score(&spec, &table, period);
    let smart: Vec<SpecWarning> = scorecard
        .warnings
        .iter()
        .map(|w| spec.files.warning(&w.at, &w.message, w.help.clone()))
        .collect();
    let content = metrics::content::rank(&spec, &sources, period)?;
    let mut model = report::build(
        &spec,
        &sources,
        &table,
        &scorecard,
        content.as_ref(),
        &smart,
        render::logo_path(&spec),
    );
    let rendered = if options.formats.pdf || options.formats.typ {
        Some(render::render(&spec, &mut model, fonts, options.formats.pdf)?)
    } else {
        None
    };
    let Some(out) = &options.out else {
        return Ok(Outcome {
            client: spec.client.slug.clone(),
            period: period.label(),
            written: Vec::new(),
            model,
            smart,
        });
    };
    let pdf_path = out.join(output_path(&spec, &period.label()));
    let mut written = Vec::new();
    if let Some(rendered) = &rendered {
        if let Some(pdf) = &rendered.pdf {
            written.push(write_atomically(&pdf_path, pdf)?);
        }
        if options.formats.typ {
            written.push(write_atomically(
                &pdf_path.with_extension("typ"),
                rendered.typst.as_bytes(),
            )?);
        }
    }
    if options.formats.json {
        let mut json = serde_json::to_vec_pretty(&model).expect("the report model serialises");
        json.push(b'\n');
        written.push(write_atomically(&pdf_path.with_extension("json"), &json)?);
    }
    Ok(Outcome {
        client: spec.client.slug.clone(),
        period: period.label(),
        written,
        model,
        smart,
    })
}

/// Where the spec's report for the period labelled `period` goes, relative to `--out`.
pub fn output_path(spec: &Spec, period: &str) -> PathBuf {
    PathBuf::from(
        spec.report
            .output
            .replace("{client}", &spec.client.slug)
            .replace("{period}", period),
    )
}

/// Every file a build of `spec` writes in `formats`, with `{period}` left as it is: two
/// specs (or two formats of one) that share one are a clash whatever the period.
pub fn planned_outputs(spec: &Spec, formats: Formats) -> Vec<PathBuf> {
    let pdf = output_path(spec, "{period}");
    let mut paths = Vec::new();
    if formats.pdf {
        paths.push(pdf.clone());
    }
    if formats.typ {
        paths.push(pdf.with_extension("typ"));
    }
    if formats.json {
        paths.push(pdf.with_extension("json"));
    }
    paths
}

fn requested_period(spec: &Spec, cli: Option<&str>) -> Result<Option<Period>, Error> {
    let grain = spec.report.grain;
    match cli {
        Some(text) => Period::parse(grain, text).map(Some).ok_or_else(|| Error::Period {
            period: text.to_owned(),
            grain: grain.name(),
            spec: display(spec.files.main_path()),
            help: spec::period_help(grain),
        }),
        None => Ok(spec.report.period),
    }
}

/// Writes to a temporary file beside `path`, then renames it over `path`: a reader never
/// sees half a file, and a failed run leaves the previous file as it was. The file gets
/// the mode of the one it replaces, or a new file's mode under the umask (0644 under
/// the usual 022), not the temporary file's private 0600.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<PathBuf, Error> {
    let error = |source: std::io::Error| Error::Write {
        path: display(path),
        source,
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(error)?;
    let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    if let Some(mode) = existing.clone().or_else(new_file_mode) {
        builder.permissions(mode);
    }
    let mut file = builder.tempfile_in(dir).map_err(error)?;
    // The umask applies when a file is created; the mode of the file replaced is kept whole.
    if let Some(mode) = existing {
        file.as_file().set_permissions(mode).map_err(error)?;
    }
    file.write_all(bytes).map_err(error)?;
    file.persist(path).map_err(|e| error(e.error))?;
    Ok(path.to_path_buf())
}

/// The mode a new report is created with, before the umask takes its part; elsewhere
/// than unix, the system's default.
fn new_file_mode() -> Option<std::fs::Permissions> {
    #[cfg(unix)]
    return Some(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    #[cfg(not(unix))]
    return None;
}
