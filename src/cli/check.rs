//! `kpipress check`: specs, data, KPIs and templates validated, the report compiled;
//! nothing is written.

use clap::Args;

use super::{print, RunArgs, FAILED, OK};
use crate::pipeline::{self, Formats};
use crate::render::FontCache;
use crate::source::display;

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    run: RunArgs,
}

pub fn run(args: CheckArgs) -> u8 {
    let Some(paths) = args.run.paths() else {
        return FAILED;
    };
    let formats = Formats {
        pdf: true,
        json: false,
        typ: false,
        junit: false,
    };
    let options = args.run.options(None, formats);
    let fonts = FontCache::new();
    let mut failed = 0;
    for path in &paths {
        match pipeline::contained(path, || pipeline::run(path, &options, &fonts)) {
            Ok(outcome) => {
                for warning in &outcome.smart {
                    print::error(warning);
                }
                for warning in outcome.model.warnings.iter().chain(&outcome.typst_warnings) {
                    print::warning(&outcome.client, warning);
                }
                print::err(&format!(
                    "ok {} {} ({} KPIs, {} warnings)\n",
                    display(path),
                    outcome.period,
                    outcome.model.kpis.len(),
                    outcome.model.warnings.len() + outcome.smart.len() + outcome.typst_warnings.len()
                ));
            }
            Err(error) => {
                failed += 1;
                print::error(&error);
            }
        }
    }
    if failed > 0 {
        print::err(&format!("{failed} of {} specs have errors\n", paths.len()));
        FAILED
    } else {
        OK
    }
}
