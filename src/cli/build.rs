//! `kpipress build`: every spec through the whole pipeline, in parallel, sharing one
//! font cache.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use rayon::prelude::*;

use super::{print, RunArgs, FAILED, GATE, OK};
use crate::goals::Status;
use crate::pipeline::{self, Formats};
use crate::render::FontCache;
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Pdf,
    Json,
    Typ,
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
    let Some(paths) = args.run.paths() else {
        return FAILED;
    };
    let formats = Formats {
        pdf: args.format.contains(&OutputFormat::Pdf),
        json: args.format.contains(&OutputFormat::Json),
        typ: args.format.contains(&OutputFormat::Typ),
    };
    let options = args.run.options(Some(args.out), formats);
    if let Some(clash) = output_clash(&paths, options.formats) {
        print::err(&clash);
        return FAILED;
    }
    let fonts = FontCache::new();
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(jobs(args.jobs)).build() {
        Ok(pool) => pool,
        Err(e) => {
            print::err(&format!("error: cannot start the build's threads ({e})\n"));
            return FAILED;
        }
    };
    let results: Vec<_> = pool.install(|| {
        paths
            .par_iter()
            .map(|path| pipeline::run(path, &options, &fonts))
            .collect()
    });

    let (mut failed, mut tripped): (usize, Vec<FailOn>) = (0, Vec::new());
    for (path, result) in paths.iter().zip(results) {
        match result {
            Ok(outcome) => {
                for warning in outcome.model.warnings.iter().chain(&outcome.model.target_warnings) {
                    print::warning(&outcome.client, warning);
                }
                let files: Vec<String> = outcome.written.iter().map(|p| display(p)).collect();
                let count = |status: Status| outcome.model.kpis.iter().filter(|k| k.status == status).count();
                print::err(&format!(
                    "built {} {}: {} ({} achieved, {} near, {} missed, {} behind)\n",
                    outcome.client,
                    outcome.period,
                    files.join(", "),
                    count(Status::Achieved) + count(Status::OnTrack),
                    count(Status::Near),
                    count(Status::Missed),
                    count(Status::Behind),
                ));
                tripped.extend(args.fail_on.iter().filter(|gate| count(gate.status()) > 0));
            }
            Err(error) => {
                failed += 1;
                print::err(&format!("failed {}:\n", display(path)));
                print::error(&error);
            }
        }
    }
    if failed > 0 {
        print::err(&format!("{failed} of {} specs failed\n", paths.len()));
        FAILED
    } else if !tripped.is_empty() {
        tripped.sort_by_key(|gate| *gate as u8);
        tripped.dedup();
        let names: Vec<String> = tripped
            .iter()
            .filter_map(|g| g.to_possible_value())
            .map(|v| v.get_name().to_owned())
            .collect();
        print::err(&format!("a KPI is {} (--fail-on)\n", names.join(" or ")));
        GATE
    } else {
        OK
    }
}
