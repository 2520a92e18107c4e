//! `kpipress build`: every spec through the whole pipeline, in parallel, sharing one
//! font cache; each client's line printed as soon as it is done, and a client whose
//! inputs did not change since its last build skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use clap::{Args, ValueEnum};

use super::shard::Shard;
use super::{print, RunArgs, FAILED, GATE, OK};
use crate::digest::{portfolio, summary, ClientDigest, Failure};
use crate::goals::Status;
use crate::incremental::{self, Record};
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
    /// How many clients to build at once; default: one per core, at most four per core.
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
enum OutputFormat {
    Pdf,
    Json,
    Typ,
    /// JUnit XML, a test case per KPI, for CI test views.
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
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

/// Two specs, or two formats of one, that would write the same file: found before
/// anything is written, since one would silently replace the other. Specs that do not
/// load are left for the build to report.
fn output_clash(paths: &[PathBuf], formats: Formats) -> Option<String> {
    let mut owners: std::collections::HashMap<PathBuf, &PathBuf> = std::collections::HashMap::new();
    for path in paths {
        let Ok(spec) = spec::load(path) else { continue };
        let mut own = std::collections::HashSet::new();
        for output in pipeline::planned_outputs(&spec, formats) {
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

/// How many clients may be built at once: more threads than four per core only cost
/// memory, and a request for a hundred thousand would spend minutes creating them.
fn jobs(requested: Option<usize>) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    requested.map_or(cores, |n| n.clamp(1, cores * 4))
}

pub fn run(args: BuildArgs) -> u8 {
    let Some(mut paths) = args.run.paths() else {
        return FAILED;
    };
    if let Some(shard) = args.shard {
        paths.retain(|path| shard.holds(path));
    }
    let formats = Formats {
        pdf: args.format.contains(&OutputFormat::Pdf),
        json: args.format.contains(&OutputFormat::Json),
        typ: args.format.contains(&OutputFormat::Typ),
        junit: args.format.contains(&OutputFormat::Junit),
    };
    let options = args.run.options(Some(args.out.clone()), formats);
    if let Some(clash) = output_clash(&paths, options.formats) {
        print::err(&clash);
        return FAILED;
    }
    let fonts = FontCache::new();
    let build = |path: &Path| build_one(path, &options, &fonts, &args.out, args.force);
    let mut log = Log::new(&args.fail_on);
    let started = stream(&paths, jobs(args.jobs), build, |index, result| {
        log.print(&paths[index], result);
    });
    if !started {
        print::err("error: cannot start the build's threads\n");
        return FAILED;
    }
    let digests = Digests {
        portfolio: (paths.len() > 1).then(|| args.out.join(portfolio::FILE)),
        summary: args.summary.clone(),
    };
    let written = digests.write(&log.clients, &log.failures);
    log.finish(paths.len()).max(if written { OK } else { FAILED })
}

/// The digests a build writes once every client is done.
pub(super) struct Digests {
    /// `OUT/index.html`, written by a build of several specs.
    pub portfolio: Option<PathBuf>,
    pub summary: Option<PathBuf>,
}

impl Digests {
    /// Writes each digest asked for; false, with the error printed, when one cannot be.
    pub fn write(&self, clients: &[ClientDigest], failures: &[Failure]) -> bool {
        let pages = [
            (
                &self.portfolio,
                portfolio::html as fn(&[ClientDigest], &[Failure]) -> String,
            ),
            (&self.summary, summary::markdown),
        ];
        let mut ok = true;
        for (path, make) in pages {
            let Some(path) = path else { continue };
            match crate::output::write_atomically(path, make(clients, failures).as_bytes()) {
                Ok(()) => print::err(&format!("wrote {}\n", display(path))),
                Err(error) => {
                    print::err(&format!("error: cannot write `{}` ({error})\n", display(path)));
                    ok = false;
                }
            }
        }
        ok
    }
}

/// Runs `build` on every path, `jobs` at a time, and hands each result to `done` in the
/// order of `paths` as soon as it and those before it are finished: the log reads the
/// same on every run, and a result is dropped once it is handed on. Clients are taken in
/// order, so a result rarely waits for long. False when no thread could be started.
fn stream<T: Send>(
    paths: &[PathBuf],
    jobs: usize,
    build: impl Fn(&Path) -> T + Sync,
    mut done: impl FnMut(usize, T),
) -> bool {
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel();
    std::thread::scope(|scope| {
        let mut started = 0;
        for _ in 0..jobs.min(paths.len()).max(1) {
            let (sender, next, build) = (sender.clone(), &next, &build);
            let thread = std::thread::Builder::new().spawn_scoped(scope, move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = paths.get(index) else { break };
                if sender.send((index, build(path))).is_err() {
                    break;
                }
            });
            started += usize::from(thread.is_ok());
        }
        drop(sender);
        let mut waiting = BTreeMap::new();
        let mut printed = 0;
        for (index, result) in receiver {
            waiting.insert(index, result);
            while let Some(result) = waiting.remove(&printed) {
                done(printed, result);
                printed += 1;
            }
        }
        started > 0 || paths.is_empty()
    })
}

/// One client: skipped when the record of its last build says nothing it is made from
/// has changed and its files are still there, else built and recorded.
fn build_one(path: &Path, options: &Options, fonts: &FontCache, out: &Path, force: bool) -> Result<Built, Error> {
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
    let outcome = pipeline::run_spec(spec, options, fonts)?;
    let model = &outcome.model;
    let mut record = Record {
        inputs: inputs.clone().unwrap_or_default(),
        warnings: (model.warnings.iter().chain(&model.target_warnings))
            .chain(&outcome.typst_warnings)
            .cloned()
            .collect(),
        digest: ClientDigest::of(model, &outcome.written, out),
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

/// What one client's build did.
struct Built {
    record: Record,
    /// Nothing had changed since the build the record is of.
    skipped: bool,
}

/// The build's log, line by line, and what decides its exit code.
struct Log<'a> {
    fail_on: &'a [FailOn],
    failed: usize,
    tripped: Vec<FailOn>,
    /// What the digests show: a few lines per client.
    clients: Vec<ClientDigest>,
    failures: Vec<Failure>,
}

impl<'a> Log<'a> {
    fn new(fail_on: &'a [FailOn]) -> Self {
        Self {
            fail_on,
            failed: 0,
            tripped: Vec::new(),
            clients: Vec::new(),
            failures: Vec::new(),
        }
    }

    fn print(&mut self, path: &Path, result: Result<Built, Error>) {
        let Built { record, skipped } = match result {
            Ok(built) => built,
            Err(error) => {
                self.failed += 1;
                print::err(&format!("failed {}:\n", display(path)));
                print::error(&error);
                self.failures.push(Failure {
                    spec: display(path),
                    message: error.to_string(),
                });
                return;
            }
        };
        for warning in &record.warnings {
            print::warning(&record.digest.slug, warning);
        }
        let files: Vec<String> = record.written.iter().map(|p| display(p)).collect();
        let counts = record.counts();
        print::err(&format!(
            "{} {} {}: {} ({} achieved, {} near, {} missed, {} behind)\n",
            if skipped { "unchanged" } else { "built" },
            record.digest.slug,
            record.digest.period,
            files.join(", "),
            counts.achieved,
            counts.near,
            counts.missed,
            counts.behind,
        ));
        let tripped = self.fail_on.iter().filter(|gate| counts.of_status(gate.status()) > 0);
        self.tripped.extend(tripped);
        self.clients.push(record.digest);
    }

    fn finish(mut self, specs: usize) -> u8 {
        if self.failed > 0 {
            print::err(&format!("{} of {specs} specs failed\n", self.failed));
            return FAILED;
        }
        if self.tripped.is_empty() {
            return OK;
        }
        self.tripped.sort_by_key(|gate| *gate as u8);
        self.tripped.dedup();
        let names: Vec<String> = self
            .tripped
            .iter()
            .filter_map(|g| g.to_possible_value())
            .map(|v| v.get_name().to_owned())
            .collect();
        print::err(&format!("a KPI is {} (--fail-on)\n", names.join(" or ")));
        GATE
    }
}
