//! The build's log: a line per client as it finishes (and a progress bar on a terminal),
//! what the digests need of each client, and the exit code.

use std::path::Path;

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::FailOn;
use crate::cli::{print, FAILED, GATE, OK};
use crate::digest::{ClientDigest, Failure};
use crate::incremental::Record;
use crate::pipeline::Error;
use crate::source::display;

/// What one client's build did.
pub struct Built {
    pub record: Record,
    /// Nothing had changed since the build the record is of.
    pub skipped: bool,
}

/// The build's log, line by line, and what decides its exit code.
pub struct Log<'a> {
    fail_on: &'a [FailOn],
    /// The `--out` folder the records' files are under.
    out: &'a Path,
    failed: usize,
    tripped: Vec<FailOn>,
    /// What the digests show: a few lines per client.
    pub clients: Vec<ClientDigest>,
    pub failures: Vec<Failure>,
    /// Drawn on a terminal only (indicatif hides it elsewhere, so a CI log gets the lines
    /// alone); every line is printed above it.
    bar: ProgressBar,
}

impl<'a> Log<'a> {
    pub fn new(fail_on: &'a [FailOn], out: &'a Path, specs: usize) -> Self {
        let bar = ProgressBar::with_draw_target(Some(specs as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} clients · {elapsed} · about {eta} left · {msg}")
                .expect("the progress template parses")
                .progress_chars("█▓░"),
        );
        Self {
            bar,
            fail_on,
            out,
            failed: 0,
            tripped: Vec::new(),
            clients: Vec::new(),
            failures: Vec::new(),
        }
    }

    pub fn print(&mut self, path: &Path, result: Result<Built, Error>) {
        let bar = self.bar.clone();
        bar.suspend(|| self.print_lines(path, result));
        bar.inc(1);
        if let Some(client) = self.clients.last() {
            bar.set_message(client.slug.clone());
        }
    }

    fn print_lines(&mut self, path: &Path, result: Result<Built, Error>) {
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
        let files: Vec<String> = record.written(self.out).iter().map(|p| display(p)).collect();
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

    /// Takes the progress bar off the terminal, before anything else is printed.
    pub fn end_progress(&self) {
        self.bar.finish_and_clear();
    }

    pub fn finish(mut self, specs: usize) -> u8 {
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
