//! One client's run through every stage, and the writing of its files.

use std::path::{Path, PathBuf};

use miette::Diagnostic;

use crate::digest::{self, ClientDigest};
use crate::metrics::{self, MetricsError};
use crate::output;
use crate::plan::{self, PlanError};
use crate::render::isolate::Limits;
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
    Plan(#[from] PlanError),
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
    #[error("kpipress failed on `{spec}` ({message}); this is a bug in kpipress or a library it uses")]
    #[diagnostic(
        code(internal),
        help("the other clients were built; please report this with the spec and the file it reads")
    )]
    Internal { spec: String, message: String },
    #[error("`{spec}` would write `{file}`, but {with}; this client was not built")]
    #[diagnostic(
        code(output::clash),
        help("give the spec its own `client.slug` (the default is the file's name) or `report.output`; every spec matched is checked, whichever `--shard` builds it")
    )]
    OutputClash { spec: String, file: String, with: String },
}

/// Which files `build` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub pdf: bool,
    pub json: bool,
    pub typ: bool,
    pub junit: bool,
}

/// What a run should do beyond computing the report.
#[derive(Debug, Clone)]
pub struct Options {
    pub period: Option<String>,
    /// Where outputs go; `None` computes and renders everything but writes nothing (`check`).
    pub out: Option<PathBuf>,
    pub formats: Formats,
    pub render: RenderOptions,
}

/// How each report is rendered.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// What rendering one report may take.
    pub limits: Limits,
    /// The PDF's creation time in seconds since 1970 (`SOURCE_DATE_EPOCH`); `None` for the
    /// period's last day.
    pub created: Option<i64>,
}

/// What one client's run produced.
#[derive(Debug)]
pub struct Outcome {
    pub client: String,
    pub period: String,
    pub written: Vec<PathBuf>,
    pub model: ReportModel,
    /// The SMART checks' warnings, with their place in the spec (also in
    /// `model.target_warnings` as one line each).
    pub smart: Vec<SpecWarning>,
    /// What typst warned of while compiling the report.
    pub typst_warnings: Vec<String>,
}

/// Runs the whole pipeline for the spec at `path`.
pub fn run(path: &Path, options: &Options, fonts: &FontCache) -> Result<Outcome, Error> {
    run_spec(spec::load(path)?, options, fonts)
}

/// Runs the pipeline from a loaded spec on.
pub fn run_spec(spec: Spec, options: &Options, fonts: &FontCache) -> Result<Outcome, Error> {
    let read = read(&spec, options)?;
    finish(spec, read, options, fonts)
}

/// The plan and the sources read: where a build stops when a database's rows turn out
/// unchanged since the last build.
pub struct Read {
    requested: Option<Period>,
    plan: plan::Plan,
    sources: source::Sources,
}

impl Read {
    /// What the spec's database sources returned, as [`source::Sources::rows_digest`].
    pub fn rows_digest(&self) -> Option<String> {
        self.sources.rows_digest()
    }
}

/// The plan of `spec` and its sources read.
pub fn read(spec: &Spec, options: &Options) -> Result<Read, Error> {
    let requested = requested_period(spec, options.period.as_deref())?;
    let plan = plan::plan(spec)?;
    let sources = source::load(spec, &plan, requested)?;
    Ok(Read {
        requested,
        plan,
        sources,
    })
}

/// The pipeline from the sources read on: metrics, goals, the report, its files.
pub fn finish(spec: Spec, read: Read, options: &Options, fonts: &FontCache) -> Result<Outcome, Error> {
    let Read {
        requested,
        plan,
        sources,
    } = read;
    let mut table = metrics::compute(&spec, &plan, &sources, requested)?;
    competitors(&spec, requested, &mut table)?;
    let period = requested
        .or_else(|| table.last_complete_period())
        .ok_or_else(|| Error::NoData {
            spec: display(spec.files.main_path()),
        })?;
    let scorecard = crate::goals::score(&spec, &table, period);
    let smart = report::smart::warnings(&spec, &scorecard.warnings);
    let content = metrics::content::rank(&spec, &plan, &sources, period)?;
    let missing_font = render::missing_font(&spec, fonts)?;
    let model = report::build(report::Input {
        spec: &spec,
        sources: sources.coverage(),
        table: &table,
        scorecard: &scorecard,
        content: content.as_ref(),
        smart: &smart,
        missing_font,
        // What the report is made from, written into it so that it can be checked later.
        inputs: crate::provenance::Manifest::of(&spec, &period.label()).ok(),
    });
    // The rows are all counted: a large export's are most of the memory, which the render
    // worker should not find taken.
    source::release(sources);
    let rendered = if options.formats.pdf || options.formats.typ {
        let (limits, created) = (options.render.limits, options.render.created);
        let job = render::prepare(
            &spec,
            &model,
            period.end(),
            created,
            options.formats.pdf,
            limits.seconds,
        )?;
        Some(render::isolate::render(&job, limits)?)
    } else {
        None
    };
    let typst_warnings = rendered.as_ref().map(|r| r.warnings.clone()).unwrap_or_default();
    let Some(out) = &options.out else {
        return Ok(Outcome {
            client: spec.client.slug.clone(),
            period: period.label(),
            written: Vec::new(),
            model,
            smart,
            typst_warnings,
        });
    };
    let pdf_path = out.join(output::output_path(&spec, &period.label()));
    let mut written = Vec::new();
    if let Some(rendered) = &rendered {
        if let Some(pdf) = &rendered.pdf {
            written.push(write(&pdf_path, pdf)?);
        }
        if options.formats.typ {
            written.push(write(&pdf_path.with_extension("typ"), rendered.typst.as_bytes())?);
        }
    }
    if options.formats.junit {
        let xml = digest::junit::xml(&ClientDigest::of(&model, &[], out, Path::new("")));
        written.push(write(&pdf_path.with_extension("junit.xml"), xml.as_bytes())?);
    }
    if options.formats.json {
        written.push(write(
            &pdf_path.with_extension("json"),
            report::json(&model).as_bytes(),
        )?);
    }
    Ok(Outcome {
        client: spec.client.slug.clone(),
        period: period.label(),
        written,
        model,
        smart,
        typst_warnings,
    })
}

/// Each competitor's KPIs, computed from its own sources as the client's are, added to
/// the client's table: a competitor's files that cannot be read fail the client's report,
/// a period without its data is only no value.
fn competitors(spec: &Spec, requested: Option<Period>, table: &mut metrics::MetricTable) -> Result<(), Error> {
    let compute = |theirs: &Spec| -> Result<metrics::MetricTable, Error> {
        let plan = plan::plan(theirs)?;
        let sources = source::load(theirs, &plan, requested)?;
        Ok(metrics::compute(theirs, &plan, &sources, requested)?)
    };
    for competitor in spec.competitors.values() {
        let theirs = spec.for_competitor(competitor);
        match compute(&theirs) {
            Ok(computed) => table.add_competitor(&competitor.id, &computed),
            // A public-metrics export has fewer columns than the client's own: the KPIs
            // it can give are computed one by one, the others have no value for it. A
            // competitor none of whose KPIs can be computed fails the report, saying why.
            Err(error) => {
                let mut any = false;
                for id in theirs.kpis.keys() {
                    let mut one = theirs.clone();
                    one.kpis.retain(|k, _| k == id);
                    if let Ok(computed) = compute(&one) {
                        table.add_competitor(&competitor.id, &computed);
                        any = true;
                    }
                }
                if !any {
                    return Err(error);
                }
            }
        }
    }
    Ok(())
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

fn write(path: &Path, bytes: &[u8]) -> Result<PathBuf, Error> {
    output::write_atomically(path, bytes).map_err(|source| Error::Write {
        path: display(path),
        source,
    })?;
    Ok(path.to_path_buf())
}

/// Runs `work` for the client of the spec at `spec`: a panic in it (a library's, on an
/// input nobody foresaw) becomes that client's error, and the build goes on with the
/// others. [`quiet_panics`] keeps the panic's own message off stderr.
pub fn contained<T>(spec: &Path, work: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        Err(Error::Internal {
            spec: display(spec),
            message: panic_message(payload.as_ref()),
        })
    })
}

/// What a panic said.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(text), _) => (*text).to_owned(),
        (_, Some(text)) => text.clone(),
        _ => "a panic".to_owned(),
    }
}

/// Stops panics from printing Rust's "thread … panicked at" lines: every place one is
/// caught ([`contained`], the command line's own guard) says what happened in kpipress's
/// words instead.
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|_| {}));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_its_clients_error() {
        let failed = contained(Path::new("a.yaml"), || -> Result<(), Error> {
            panic!("index out of bounds")
        });
        match failed {
            Err(Error::Internal { spec, message }) => {
                assert_eq!((spec.as_str(), message.as_str()), ("a.yaml", "index out of bounds"))
            }
            other => panic!("{other:?}"),
        }
        assert!(contained(Path::new("b.yaml"), || Ok(1)).is_ok());
    }
}
