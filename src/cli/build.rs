//! `kpipress build`: every spec through the whole pipeline, in parallel, sharing one
//! font cache.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use rayon::prelude::*;

use super::{print, FAILED, GATE, OK};
use crate::pipeline::{self, Formats, Options};
use crate::render::FontCache;
use crate::source::display;
use crate::spec;

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Spec files or globs (`specs/clients/*.yaml`).
    #[arg(required = true)]
    specs: Vec<String>,
    /// The period to report on (`2026-10`, `2026-W43`, `2026-Q4`); default: the spec's
    /// `report.period`, else the last complete period in the data.
    #[arg(long)]
    period: Option<String>,
    /// The folder `report.output` paths are relative to.
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// How many clients to build at once; default: one per core.
    #[arg(long, short)]
    jobs: Option<usize>,
    /// Which files to write, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "pdf")]
    format: Vec<OutputFormat>,
    /// Exit with code 1 when a built report has a KPI with this status.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
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
}

pub fn run(args: BuildArgs) -> u8 {
    let paths = match spec::expand_globs(&args.specs) {
        Ok(paths) => paths,
        Err(e) => {
            print::error(&e);
            return FAILED;
        }
    };
    let options = Options {
        period: args.period,
        out: Some(args.out),
        formats: Formats {
            pdf: args.format.contains(&OutputFormat::Pdf),
            json: args.format.contains(&OutputFormat::Json),
            typ: args.format.contains(&OutputFormat::Typ),
        },
    };
    let fonts = FontCache::new();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .expect("a thread pool can be built");
    let results: Vec<_> = pool.install(|| {
        paths
            .par_iter()
            .map(|path| pipeline::run(path, &options, &fonts))
            .collect()
    });

    let (mut failed, mut gate) = (0, false);
    for (path, result) in paths.iter().zip(results) {
        match result {
            Ok(outcome) => {
                for warning in &outcome.model.warnings {
                    print::warning(&outcome.client, warning);
                }
                let files: Vec<String> = outcome.written.iter().map(|p| display(p)).collect();
                let summary = &outcome.model.summary;
                eprintln!(
                    "built {} {}: {} ({} achieved, {} near, {} missed)",
                    outcome.client,
                    outcome.period,
                    files.join(", "),
                    summary.achieved,
                    summary.near,
                    summary.missed
                );
                gate |= args.fail_on == Some(FailOn::Missed) && outcome.missed() > 0;
            }
            Err(error) => {
                failed += 1;
                eprintln!("failed {}:", display(path));
                print::error(&error);
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} specs failed", paths.len());
        FAILED
    } else if gate {
        eprintln!("a KPI missed its target (--fail-on missed)");
        GATE
    } else {
        OK
    }
}
