//! The digests a build writes once every client is done: the portfolio page and the
//! Markdown summary.

use std::path::PathBuf;

use crate::cli::print;
use crate::digest::{portfolio, summary, ClientDigest, Failure};
use crate::source::display;

/// The digests a build writes once every client is done.
pub struct Digests {
    /// The `--out` folder and the folder under it, beside the reports, that the
    /// portfolio page goes in; set by a build of several specs.
    pub portfolio: Option<(PathBuf, PathBuf)>,
    pub summary: Option<PathBuf>,
}

impl Digests {
    /// Writes each digest asked for; false, with the error printed, when one cannot be.
    pub fn write(&self, clients: &[ClientDigest], failures: &[Failure]) -> bool {
        let page = self.portfolio.as_ref().map(|(out, folder)| {
            let path = out.join(folder).join(portfolio::FILE);
            (path, portfolio::html(folder, clients, failures))
        });
        let summary = (self.summary.as_ref()).map(|path| (path.clone(), summary::markdown(clients, failures)));
        let mut ok = true;
        for (path, text) in [page, summary].into_iter().flatten() {
            match crate::output::write_atomically(&path, text.as_bytes()) {
                Ok(()) => print::err(&format!("wrote {}\n", display(&path))),
                Err(error) => {
                    print::err(&format!("error: cannot write `{}` ({error})\n", display(&path)));
                    ok = false;
                }
            }
        }
        ok
    }
}
