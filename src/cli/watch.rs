//! `kpipress watch SPEC...`: builds the reports, then rebuilds a client's report whenever
//! a file it is made from changes (its spec and the files it extends, its data files, a
//! template folder's files, the logo, the brand's fonts), printing errors and watching
//! on, until Ctrl-C. Reports are written whole, so an interrupted build leaves the last
//! good PDF.
//!
//! Changes are found by looking at the files' sizes and modification times a few times a
//! second. (The notify crate would be told by the kernel instead, but it turns on a mio
//! feature that tokio, which polars brings, shares: every build of kpipress would then
//! compile polars again.) Looking is cheap: a spec is a few files and a `stat` each.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use clap::Args;

use super::build::{self, build_one, clash, Log, OutputFormat};
use super::{print, RunArgs, FAILED};
use crate::incremental;
use crate::render::FontCache;
use crate::spec;

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    run: RunArgs,
    /// The folder `report.output` paths are relative to.
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// Which files to write, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "pdf")]
    format: Vec<OutputFormat>,
    /// How often to look for changes, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(50..))]
    poll: u64,
}

/// What each input file looked like: its size and modification time, or nothing when it
/// is gone.
type Stamps = BTreeMap<PathBuf, Option<(u64, SystemTime)>>;

pub fn run(args: WatchArgs) -> u8 {
    let Some(paths) = args.run.paths() else {
        return FAILED;
    };
    let options = args.run.options(Some(args.out.clone()), build::formats(&args.format));
    let fonts = FontCache::new();
    let mut seen: Vec<Option<Stamps>> = vec![None; paths.len()];
    print::err(&format!(
        "watching {} specs and what they read; Ctrl-C stops\n",
        paths.len()
    ));
    loop {
        // Stamps are taken before building, so a file saved during a build is built again.
        let changed: Vec<&PathBuf> = paths
            .iter()
            .zip(seen.iter_mut())
            .filter_map(|(path, seen)| {
                let now = stamps(path);
                let changed = seen.as_ref() != Some(&now);
                *seen = Some(now);
                changed.then_some(path)
            })
            .collect();
        if !changed.is_empty() {
            // Over every spec watched, as `build` checks: an edit may make one spec write
            // another's file.
            let clashes = clash::clashes(&clash::plan(paths.clone(), None, &options), false);
            let mut log = Log::new(&[], &args.out, changed.len());
            for path in changed {
                log.print(
                    path,
                    build_one(path, &options, &fonts, &args.out, false, clashes.get(path)),
                );
            }
            log.end_progress();
        }
        std::thread::sleep(Duration::from_millis(args.poll));
    }
}

/// The stamps of every file the spec at `path` is made from; of the spec alone while it
/// does not load, so that the fix is seen.
fn stamps(path: &Path) -> Stamps {
    let files = spec::load(path).map_or_else(|_| vec![path.to_path_buf()], |spec| incremental::input_files(&spec));
    files
        .into_iter()
        .map(|file| {
            let stamp = std::fs::metadata(&file)
                .ok()
                .and_then(|m| Some((m.len(), m.modified().ok()?)));
            (file, stamp)
        })
        .collect()
}
