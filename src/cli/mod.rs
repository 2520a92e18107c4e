//! The command line: argument parsing, and the printing of results and errors. Exit
//! codes: 0 all is well, 1 reports were built but a `--fail-on` gate tripped, 2 an error.

mod build;
mod check;
mod init;
mod inspect;
mod presets;
mod print;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    /// Validate specs, data and templates, and compute every KPI; writes nothing.
    Check(check::CheckArgs),
    /// Create a new agency repository that builds out of the box.
    Init(init::InitArgs),
    /// Describe an export: encoding, separator, header, column types, dates, the preset
    /// that fits, and a `sources:` entry that reads it.
    Inspect(inspect::InspectArgs),
    /// List the built-in presets, or show one preset's columns.
    Presets(presets::PresetsArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Init(args) => init::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Presets(args) => presets::run(args),
    };
    ExitCode::from(code)
}

/// Exit codes.
pub const OK: u8 = 0;
pub const GATE: u8 = 1;
pub const FAILED: u8 = 2;
