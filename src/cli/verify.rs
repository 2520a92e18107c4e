//! `kpipress verify REPORT [SPEC]`: whether a report (a PDF or its JSON) is the one the
//! spec and data in the working tree make. The report names its inputs and their digests
//! (`crate::provenance`); they are computed again, and where all agree the report is
//! built again and compared byte for byte. Exit 0: the same report; 1: not, with the
//! inputs that differ; 2: the report or spec cannot be read.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{print, RenderArgs, FAILED, GATE, OK};
use crate::pipeline::{self, Formats, Options};
use crate::provenance::{self, Manifest};
use crate::render::FontCache;
use crate::source::display;
use crate::spec;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A PDF or JSON report that kpipress wrote.
    report: PathBuf,
    /// The spec it was built from; default: the spec the report names, from this folder.
    spec: Option<PathBuf>,
    #[command(flatten)]
    render: RenderArgs,
}

/// The largest report read: a report is a few megabytes.
const MAX_REPORT_BYTES: u64 = 256 << 20;

pub fn run(args: VerifyArgs) -> u8 {
    let bytes = match crate::output::read_regular(&args.report, MAX_REPORT_BYTES) {
        Ok(bytes) => bytes,
        Err(error) => {
            print::err(&format!("error: cannot read `{}` ({error})\n", display(&args.report)));
            return FAILED;
        }
    };
    let is_pdf = bytes.starts_with(b"%PDF");
    let recorded = if is_pdf {
        provenance::from_pdf(&bytes)
    } else {
        from_json(&bytes)
    };
    let Some(recorded) = recorded else {
        print::err(&format!(
            "error: `{}` is not a report of kpipress that names its inputs\n  help: reports name them from kpipress 0.1 on; build it again\n",
            display(&args.report)
        ));
        return FAILED;
    };
    let Some(spec_path) = args.spec.clone().or_else(|| named_spec(&recorded)) else {
        print::err("error: the report names no spec that is here; name it: `kpipress verify REPORT SPEC`\n");
        return FAILED;
    };
    let period = recorded
        .inputs
        .iter()
        .find(|i| i.kind == "period")
        .map(|i| i.name.clone());
    let spec = match spec::load(&spec_path) {
        Ok(spec) => spec,
        Err(error) => {
            print::error(&error);
            return FAILED;
        }
    };
    let now = match Manifest::of(&spec, period.as_deref().unwrap_or_default()) {
        Ok(now) => now,
        Err(error) => {
            print::error(&error);
            return FAILED;
        }
    };
    let differences = recorded.differences(&now);
    if !differences.is_empty() {
        print::err(&format!(
            "`{}` is not what `{}` makes now: {}\n",
            display(&args.report),
            display(&spec_path),
            differences.join("; ")
        ));
        return GATE;
    }
    if !is_pdf {
        print::out(&format!("same inputs: {}\n", recorded.digest));
        return OK;
    }
    match rebuilt_pdf(&spec_path, period, &args) {
        Ok(pdf) if pdf == bytes => {
            print::out(&format!("same report: {}\n", recorded.digest));
            OK
        }
        Ok(_) => {
            print::err(&format!(
                "`{}` has the same inputs, but another PDF: it was made by another kpipress or with another creation date (`--source-date-epoch`)\n",
                display(&args.report)
            ));
            GATE
        }
        Err(error) => {
            print::error(&error);
            FAILED
        }
    }
}

/// The manifest of a JSON report: its `inputs`.
fn from_json(bytes: &[u8]) -> Option<Manifest> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    serde_json::from_value(value.get("inputs")?.clone()).ok()
}

/// The spec a report names, where it is under the working folder.
fn named_spec(recorded: &Manifest) -> Option<PathBuf> {
    let name = &recorded.inputs.iter().find(|i| i.kind == "spec")?.name;
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors().map(|dir| dir.join(name)).find(|p| p.is_file())
}

/// The PDF the spec makes now, for the report's period, in a folder of its own.
fn rebuilt_pdf(spec: &Path, period: Option<String>, args: &VerifyArgs) -> Result<Vec<u8>, pipeline::Error> {
    let out = tempfile::tempdir().map_err(|source| pipeline::Error::Write {
        path: "a temporary folder".into(),
        source,
    })?;
    let options = Options {
        period,
        out: Some(out.path().to_path_buf()),
        formats: Formats {
            pdf: true,
            json: false,
            typ: false,
            junit: false,
        },
        render: args.render.options(),
    };
    let outcome = pipeline::run(spec, &options, &FontCache::new())?;
    let pdf = outcome.written.first().cloned().unwrap_or_default();
    std::fs::read(&pdf).map_err(|source| pipeline::Error::Write {
        path: display(&pdf),
        source,
    })
}
