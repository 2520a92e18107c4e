//! The digests a build writes once every client is done: the portfolio page and the
//! Markdown summary.

use std::path::PathBuf;

use crate::cli::print;
use crate::digest::{portfolio, summary, ClientDigest, Failure};
use crate::source::display;

/// The digests a build writes once every client is done.
pub struct Digests {
    /// The `--out` folder the portfolio page goes under, beside the reports; set by a
    /// build of several specs.
    pub portfolio: Option<PathBuf>,
    pub summary: Option<PathBuf>,
}

impl Digests {
    /// Writes each digest asked for; false, with the error printed, when one cannot be.
    pub fn write(&self, clients: &[ClientDigest], failures: &[Failure]) -> bool {
        let page = self
            .portfolio
            .as_ref()
            .map(|out| out.join(portfolio::folder(clients)).join(portfolio::FILE));
        let pages = [
            (&page, portfolio::html as fn(&[ClientDigest], &[Failure]) -> String),
            (&self.summary, summary::markdown),
        ];
        let mut ok = true;
        for (path, make) in pages {
            let Some(path) = path else { continue };
            match crate::output::write_atomically(path, make(clients, failures).as_bytes()) {
                Ok(()) => print::err(&format!("wrote {}\n", display(path))),
                Err(error) => {
                    print::err(&format!("error: cannot write `{}` ({error})\n", display(path)));
                    ok = false;
                }
            }
        }
        ok
    }
}
