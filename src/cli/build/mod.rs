//! `kpipress build`: every spec through the whole pipeline, in parallel, sharing one
//! font cache; each client's line printed as soon as it is done, and a client whose
//! inputs did not change since its last build skipped.

pub(super) mod clash;
mod digests;
mod log;
mod stream;

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use self::clash::Clash;
pub use self::digests::Digests;
use self::log::Built;
pub(super) use self::log::Log;
use self::stream::stream;
use super::shard::Shard;
use super::{print, RunArgs, FAILED, OK};
use crate::digest::ClientDigest;
use crate::goals::Status;
use crate::incremental::{self, FailedBuild, Record};
use crate::pipeline::{self, Error, Formats, Options};
use crate::render::{self, FontCache};
use crate::source::display;
use crate::spec;

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    run: RunArgs,
    /// The folder `report.output` paths are relative to.
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// How many clients to build at once; default: one per core and one more, at most
    /// four per core. Reports render one per core whatever the number.
    #[arg(long, short)]
    jobs: Option<usize>,
    /// Which files to write, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "pdf")]
    format: Vec<OutputFormat>,
    /// Exit with code 1 when a built report has a KPI with one of these statuses,
    /// comma-separated (`missed,behind`).
    #[arg(long, value_enum, value_delimiter = ',')]
    fail_on: Vec<FailOn>,
    /// Build every client, even one whose spec, data, template, logo and fonts are the
    /// same as at its last build (recorded under `OUT/.kpipress/`) and whose files are
    /// still there.
    #[arg(long)]
    force: bool,
    /// Build only part K of N of the specs, `--shard 2/4`: a stable partition by client
    /// slug, so a CI matrix of N runners shares an agency's build.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Also write a Markdown summary of the build to FILE (`$GITHUB_STEP_SUMMARY` in a
    /// GitHub Actions job): clients and their KPI statuses, misses first.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum OutputFormat {
    Pdf,
    Json,
    Typ,
    /// JUnit XML, a test case per KPI, for CI test views.
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum FailOn {
    /// A KPI missed its target.
    Missed,
    /// A KPI is behind the pace its target needs, in a period the data covers in part.
    Behind,
    /// A KPI is near its target, within its tolerance.
    Near,
    /// A KPI has no data for the period.
    #[value(name = "no_data")]
    NoData,
}

impl FailOn {
    fn status(self) -> Status {
        match self {
            Self::Missed => Status::Missed,
            Self::Behind => Status::Behind,
            Self::Near => Status::Near,
            Self::NoData => Status::NoData,
        }
    }
}

/// The files `--format` asks for.
pub(super) fn formats(asked: &[OutputFormat]) -> Formats {
    Formats {
        pdf: asked.contains(&OutputFormat::Pdf),
        json: asked.contains(&OutputFormat::Json),
        typ: asked.contains(&OutputFormat::Typ),
        junit: asked.contains(&OutputFormat::Junit),
    }
}

/// How many clients may be built at once. By default one more than the cores: the render
/// workers are one per core ([`render::isolate`]), and the extra thread computes a
/// report while they render, where a core would otherwise wait for it. More threads
/// than four per core only cost memory, and a request for a hundred thousand would
/// spend minutes creating them.
fn jobs(requested: Option<usize>) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    requested.map_or(cores + 1, |n| n.clamp(1, cores * 4))
}

pub fn run(args: BuildArgs) -> u8 {
    let Some(paths) = args.run.paths() else {
        return FAILED;
    };
    crate::source::zero_ahead();
    let options = args.run.options(Some(args.out.clone()), formats(&args.format));
    let planned = clash::plan(paths, args.shard, &options);
    let clashes = clash::clashes(&planned, planned.len() > 1);
    let page_folder = clash::page_folder(&planned);
    let paths: Vec<PathBuf> = planned.into_iter().filter(|p| p.ours).map(|p| p.path).collect();
    let fonts = FontCache::new();
    let build = |path: &Path| build_one(path, &options, &fonts, &args.out, args.force, clashes.get(path));
    let mut log = Log::new(&args.fail_on, &args.out, paths.len());
    let started = stream(&paths, jobs(args.jobs), build, |index, result| {
        log.print(&paths[index], result);
    });
    log.end_progress();
    render::isolate::stop_workers();
    if !started {
        print::err("error: cannot start the build's threads\n");
        return FAILED;
    }
    let digests = Digests {
        portfolio: (paths.len() > 1).then(|| (args.out.clone(), page_folder)),
        summary: args.summary.clone(),
    };
    let written = digests.write(&log.clients, &log.failures);
    log.finish(paths.len()).max(if written { OK } else { FAILED })
}

/// One client: skipped when the record of its last build says nothing it is made from
/// has changed and its files are still there, else built and recorded.
pub(super) fn build_one(
    path: &Path,
    options: &Options,
    fonts: &FontCache,
    out: &Path,
    force: bool,
    clash: Option<&Clash>,
) -> Result<Built, Error> {
    let built = match clash {
        Some(clash) => Err(clash.error(path)),
        None => pipeline::contained(path, || build_or_skip(path, options, fonts, out, force)),
    };
    let period = options.period.as_deref();
    match &built {
        Ok(_) => FailedBuild::clear(out, path, period),
        Err(error) => FailedBuild {
            spec: display(path),
            message: error.to_string(),
            folder: failed_folder(path, out, period),
        }
        .write(out, path, period),
    }
    built
}

/// The folder a failed spec's reports go in: from the spec when it loads, else from its
/// last build's record.
fn failed_folder(path: &Path, out: &Path, period: Option<&str>) -> Option<PathBuf> {
    match spec::load(path) {
        Ok(spec) => Some(crate::output::report_folder(&spec)),
        Err(_) => Record::read(out, path, period).map(|r| PathBuf::from(r.digest.folder)),
    }
}

fn build_or_skip(path: &Path, options: &Options, fonts: &FontCache, out: &Path, force: bool) -> Result<Built, Error> {
    let spec = spec::load(path)?;
    let mut inputs = incremental::inputs(&spec, options).ok();
    // A database's rows are known only once its query has run: a spec reading one reads
    // its sources first (the query runs once), and an unchanged build skips the rest.
    let read = match spec.sources.values().any(|s| s.database.is_some()) {
        true => Some(pipeline::read(&spec, options)?),
        false => None,
    };
    if let Some(rows) = read.as_ref().and_then(pipeline::Read::rows_digest) {
        inputs = inputs.map(|files| incremental::with_rows(&files, &rows));
    }
    let period = options.period.as_deref();
    if let (Some(inputs), false) = (&inputs, force) {
        if let Some(record) = Record::read(out, path, period).filter(|r| r.is_current(inputs, out)) {
            return Ok(Built { record, skipped: true });
        }
    }
    if options.formats.pdf {
        render::isolate::prestart(options.render.limits);
    }
    let folder = crate::output::report_folder(&spec);
    Record::forget(out, path, period);
    let read = match read {
        Some(read) => read,
        None => pipeline::read(&spec, options)?,
    };
    let outcome = pipeline::finish(spec, read, options, fonts)?;
    let model = &outcome.model;
    let mut record = Record {
        inputs: inputs.clone().unwrap_or_default(),
        spec: display(path),
        warnings: (model.warnings.iter().chain(&model.target_warnings))
            .chain(&outcome.typst_warnings)
            .cloned()
            .collect(),
        digest: ClientDigest::of(model, &outcome.written, out, &folder),
    };
    if inputs.is_some() {
        if let Err(error) = record.write(out, path, period) {
            record.warnings.push(format!(
                "cannot record this build, so the next one will not skip it ({error})"
            ));
        }
    }
    Ok(Built { record, skipped: false })
}
