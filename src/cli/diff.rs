//! `kpipress diff OLD NEW`: what a change to the specs does to the reports, as Markdown.

use std::path::PathBuf;

use clap::Args;

use super::{print, FAILED, OK};
use crate::digest::diff;
use crate::source::display;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The scorecards before: a folder `build --format json` wrote into, or one file.
    old: PathBuf,
    /// The scorecards after.
    new: PathBuf,
    /// Write the Markdown to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: DiffArgs) -> u8 {
    let markdown = match diff::markdown(&args.old, &args.new) {
        Ok(markdown) => markdown,
        Err(error) => {
            print::error(&error);
            return FAILED;
        }
    };
    let Some(path) = args.output else {
        print::out(&markdown);
        return OK;
    };
    match crate::output::write_atomically(&path, markdown.as_bytes()) {
        Ok(()) => OK,
        Err(error) => {
            print::err(&format!("error: cannot write `{}` ({error})\n", display(&path)));
            FAILED
        }
    }
}
