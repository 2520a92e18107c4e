//! The command line: argument parsing, and the printing of results and errors. Exit
//! codes: 0 all is well, 1 reports were built but a `--fail-on` gate tripped, 2 an error.

mod build;
mod check;
mod diff;
mod init;
mod inspect;
mod portfolio;
mod presets;
mod print;
mod shard;
mod verify;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::pipeline::{Formats, Options, RenderOptions};
use crate::render::isolate::{self, Limits};
use crate::spec;

/// Turns YAML goal specs into branded PDF audit reports on social-media-marketing KPIs.
#[derive(Debug, Parser)]
#[command(name = "kpipress", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the reports of every spec; keeps going past a failing client.
    Build(build::BuildArgs),
    /// Build the reports, then rebuild each one whenever a file it is made from changes.
    Watch(watch::WatchArgs),
    /// Validate specs, data and templates, and compute every KPI; writes nothing.
    Check(check::CheckArgs),
    /// Create a new agency repository that builds out of the box.
    Init(init::InitArgs),
    /// Describe an export: encoding, separator, header, column types, dates, the preset
    /// that fits, and a `sources:` entry that reads it.
    Inspect(inspect::InspectArgs),
    /// List the built-in presets, or show one preset's columns.
    Presets(presets::PresetsArgs),
    /// Compare two builds' JSON scorecards (`--format json`): which targets changed, which
    /// statuses flipped, which values moved, as Markdown for a pull request.
    Diff(diff::DiffArgs),
    /// Print the JSON Schema of the spec language, for editors (`kpipress init` writes it
    /// as kpipress.schema.json and points each spec at it).
    Schema,
    /// Whether a report (PDF or JSON) is the one the spec and data here make now; names
    /// the inputs that differ.
    Verify(verify::VerifyArgs),
    /// Write the portfolio page and a summary from the build records under OUT, e.g. once the
    /// shards' outputs are merged into one folder.
    Portfolio(portfolio::PortfolioArgs),
    /// Render one report sent on stdin; `build` and `check` run it for every report.
    #[command(name = isolate::WORKER_COMMAND, hide = true)]
    RenderWorker {
        #[arg(long)]
        memory_mib: u64,
    },
}

/// What `build` and `check` share: which specs, which period, how reports render.
#[derive(Debug, Args)]
struct RunArgs {
    /// Spec files or globs (`specs/clients/*.yaml`).
    #[arg(required = true)]
    specs: Vec<String>,
    /// The period to report on (`2026-10`, `2026-W43`, `2026-Q4`); default: the spec's
    /// `report.period`, else the last complete period in the data.
    #[arg(long)]
    period: Option<String>,
    #[command(flatten)]
    render: RenderArgs,
}

impl RunArgs {
    /// The spec files the arguments name; `None`, with the error printed, when a glob
    /// is broken or matches nothing.
    fn paths(&self) -> Option<Vec<PathBuf>> {
        spec::expand_globs(&self.specs).map_err(|e| print::error(&e)).ok()
    }

    fn options(&self, out: Option<PathBuf>, formats: Formats) -> Options {
        Options {
            period: self.period.clone(),
            out,
            formats,
            render: self.render.options(),
        }
    }
}

/// How `build` and `check` render each report.
#[derive(Debug, Args)]
struct RenderArgs {
    /// Seconds one report may take to render, at most a day (the template's fuel is
    /// counted from it, and would overflow far past that).
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    time_limit: u64,
    /// Memory one report's render may use, in MiB, up to 1 TiB.
    #[arg(long, value_name = "MIB", default_value_t = 2048, value_parser = clap::value_parser!(u64).range(64..=1_048_576))]
    memory_limit: u64,
    /// The PDF's creation time, in seconds since 1970, for reproducible builds; default:
    /// the period's last day.
    #[arg(long, value_name = "SECONDS", env = "SOURCE_DATE_EPOCH")]
    source_date_epoch: Option<i64>,
}

impl RenderArgs {
    fn options(&self) -> RenderOptions {
        RenderOptions {
            limits: Limits {
                seconds: self.time_limit,
                memory_mib: self.memory_limit,
            },
            created: self.source_date_epoch,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::RenderWorker { memory_mib } = cli.command {
        return isolate::serve(memory_mib);
    }
    crate::pipeline::quiet_panics();
    // What no client's guard caught still ends as an error in kpipress's words, with its
    // exit code, not Rust's 101.
    let run = std::panic::AssertUnwindSafe(|| run(cli.command));
    let code = std::panic::catch_unwind(run).unwrap_or_else(|payload| {
        let message = crate::pipeline::panic_message(payload.as_ref());
        print::err(&format!(
            "error: kpipress failed ({message}); this is a bug, please report it\n"
        ));
        FAILED
    });
    ExitCode::from(code)
}

fn run(command: Command) -> u8 {
    match command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Watch(args) => watch::run(args),
        Command::Init(args) => init::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Presets(args) => presets::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Portfolio(args) => portfolio::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Schema => {
            print::out(&spec::schema::json());
            OK
        }
        Command::RenderWorker { .. } => unreachable!("the worker is served before"),
    }
}

/// Exit codes.
pub const OK: u8 = 0;
pub const GATE: u8 = 1;
pub const FAILED: u8 = 2;
