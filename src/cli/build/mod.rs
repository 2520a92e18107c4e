//! `kpipress build`: every spec through the whole pipeline, in parallel, sharing one
//! font cache; each client's line printed as soon as it is done, and a client whose
//! inputs did not change since its last build skipped.

mod digests;
mod log;
mod stream;

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

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

/// The specs this build is for, each read once for the checks before it: whether it is
/// this shard's, and the files it will write (`None` for a spec that does not load,
/// which the build reports). The build reads each again, client by client, so that no
/// spec is held while the others are built.
fn planned(paths: Vec<PathBuf>, shard: Option<Shard>, formats: Formats) -> Vec<(PathBuf, Option<Vec<PathBuf>>)> {
    paths
        .into_iter()
        .filter_map(|path| {
            let spec = spec::load(&path).ok();
            if shard.is_some_and(|shard| !shard.holds(&path, spec.as_ref())) {
                return None;
            }
            let outputs = spec.map(|spec| pipeline::planned_outputs(&spec, formats));
            Some((path, outputs))
        })
        .collect()
}

/// Two specs, or two formats of one, that would write the same file: found before
/// anything is written, since one would silently replace the other. Specs that do not
/// load are left for the build to report.
fn output_clash(planned: &[(PathBuf, Option<Vec<PathBuf>>)]) -> Option<String> {
    let mut owners: std::collections::HashMap<PathBuf, &PathBuf> = std::collections::HashMap::new();
    for (path, outputs) in planned {
        let Some(outputs) = outputs else { continue };
        let mut own = std::collections::HashSet::new();
        for output in outputs {
            if !own.insert(output.clone()) {
                return Some(format!(
                    "error: `{}` would write `{}` twice: its `report.output` has the extension of another format; \
                     give it a `.pdf` name\n",
                    display(path),
                    output.display()
                ));
            }
            if let Some(first) = owners.insert(output.clone(), path) {
                return Some(format!(
                    "error: `{}` and `{}` would both write `{}`; nothing was written\n  \
                     help: give one of them its own `client.slug` (the default is the file's name) or `report.output`\n",
                    display(first),
                    display(path),
                    output.display()
                ));
            }
        }
    }
    None
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
    let planned = planned(paths, args.shard, options.formats);
    if let Some(clash) = output_clash(&planned) {
        print::err(&clash);
        return FAILED;
    }
    let paths: Vec<PathBuf> = planned.into_iter().map(|(path, _)| path).collect();
    let fonts = FontCache::new();
    let build = |path: &Path| build_one(path, &options, &fonts, &args.out, args.force);
    let mut log = Log::new(&args.fail_on, paths.len());
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
        portfolio: (paths.len() > 1).then(|| args.out.clone()),
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
) -> Result<Built, Error> {
    let built = build_or_skip(path, options, fonts, out, force);
    let period = options.period.as_deref();
    match &built {
        Ok(_) => FailedBuild::clear(out, path, period),
        Err(error) => FailedBuild {
            spec: display(path),
            message: error.to_string(),
        }
        .write(out, path, period),
    }
    built
}

fn build_or_skip(path: &Path, options: &Options, fonts: &FontCache, out: &Path, force: bool) -> Result<Built, Error> {
    let spec = spec::load(path)?;
    let inputs = incremental::inputs(&spec, options).ok();
    let period = options.period.as_deref();
    if let (Some(inputs), false) = (&inputs, force) {
        if let Some(record) = Record::read(out, path, period).filter(|r| r.is_current(inputs)) {
            return Ok(Built { record, skipped: true });
        }
    }
    if options.formats.pdf {
        render::isolate::prestart(options.render.limits);
    }
    let folder = pipeline::report_folder(&spec);
    let outcome = pipeline::run_spec(spec, options, fonts)?;
    let model = &outcome.model;
    let mut record = Record {
        inputs: inputs.clone().unwrap_or_default(),
        warnings: (model.warnings.iter().chain(&model.target_warnings))
            .chain(&outcome.typst_warnings)
            .cloned()
            .collect(),
        digest: ClientDigest::of(model, &outcome.written, out, &folder),
        written: outcome.written,
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
