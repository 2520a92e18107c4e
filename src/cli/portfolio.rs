//! `kpipress portfolio OUT`: the portfolio page (beside the reports) and summary of every
//! build recorded under OUT. A sharded CI build merges its shards' output folders into one and runs this.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;

use super::build::Digests;
use super::{print, FAILED, OK};
use crate::digest::{ClientDigest, Failure};
use crate::incremental::Recorded;
use crate::source::display;

#[derive(Debug, Args)]
pub struct PortfolioArgs {
    /// The `--out` folder of the builds.
    out: PathBuf,
    /// Also write the Markdown summary to FILE.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
}

pub fn run(args: PortfolioArgs) -> u8 {
    // A folder kept from month to month holds a record per period: the page shows each
    // client's latest.
    let recorded = Recorded::read(&args.out);
    let mut latest: BTreeMap<String, ClientDigest> = BTreeMap::new();
    for record in recorded.records {
        latest.insert(record.digest.slug.clone(), record.digest);
    }
    let failures: Vec<Failure> = recorded
        .failures
        .into_iter()
        .map(|f| Failure {
            spec: f.spec,
            message: f.message,
        })
        .collect();
    if latest.is_empty() && failures.is_empty() {
        print::err(&format!(
            "error: `{}` holds no build records; run `kpipress build --out {}` first\n",
            display(&args.out),
            display(&args.out)
        ));
        return FAILED;
    }
    let clients: Vec<ClientDigest> = latest.into_values().collect();
    let folders = clients.iter().map(|c| Path::new(&c.folder));
    let folder = crate::digest::portfolio::folder(folders.chain(recorded.failed_folders.iter().map(PathBuf::as_path)));
    let digests = Digests {
        portfolio: Some((args.out.clone(), folder)),
        summary: args.summary,
    };
    if digests.write(&clients, &failures) {
        OK
    } else {
        FAILED
    }
}
