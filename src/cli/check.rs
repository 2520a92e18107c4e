//! `kpipress check`: specs, data, KPIs and templates validated, the report compiled;
//! nothing is written.

use clap::Args;

use super::{print, RenderArgs, FAILED, OK};
use crate::pipeline::{self, Formats, Options};
use crate::render::FontCache;
use crate::source::display;
use crate::spec;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Spec files or globs (`specs/clients/*.yaml`).
    #[arg(required = true)]
    specs: Vec<String>,
    /// The period to check (`2026-10`); default as for `build`.
    #[arg(long)]
    period: Option<String>,
    #[command(flatten)]
    render: RenderArgs,
}

pub fn run(args: CheckArgs) -> u8 {
    let paths = match spec::expand_globs(&args.specs) {
        Ok(paths) => paths,
        Err(e) => {
            print::error(&e);
            return FAILED;
        }
    };
    let options = Options {
        period: args.period,
        out: None,
        formats: Formats {
            pdf: true,
            json: false,
            typ: false,
        },
        render: args.render.options(),
    };
    let fonts = FontCache::new();
    let mut failed = 0;
    for path in &paths {
        match pipeline::run(path, &options, &fonts) {
            Ok(outcome) => {
                for warning in &outcome.smart {
                    print::error(warning);
                }
                let smart: Vec<String> = outcome.smart.iter().map(|w| w.one_line()).collect();
                for warning in outcome.model.warnings.iter().filter(|w| !smart.contains(w)) {
                    print::warning(&outcome.client, warning);
                }
                print::err(&format!(
                    "ok {} {} ({} KPIs, {} warnings)\n",
                    display(path),
                    outcome.period,
                    outcome.model.kpis.len(),
                    outcome.model.warnings.len()
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
