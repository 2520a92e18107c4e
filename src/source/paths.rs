//! The files a source names, and paths as the user would write them.

use std::path::{Path, PathBuf};

use super::SourceError;
use crate::spec::tree::{self, Refusal};
use crate::spec::{Part, SourceSpec, Spec};

/// The files `source`'s glob matches, in order. Each must be a regular file in the
/// spec's repository tree ([`crate::spec::tree`]); every one that is not is named, never
/// read. Folders the glob also matches are passed over: they are not exports.
pub fn files(spec: &Spec, source: &SourceSpec) -> Result<Vec<PathBuf>, SourceError> {
    if source.database.is_some() {
        return Ok(Vec::new());
    }
    let no_files = || {
        let snippet = spec.files.locate(&format!("sources.{}.path", source.name), Part::Value);
        SourceError::NoFiles {
            pattern: display(Path::new(&source.pattern)),
            src: snippet.src,
            span: snippet.span,
        }
    };
    let matched = tree::glob(&source.pattern).map_err(|e| match e {
        tree::GlobError::Pattern(_) => no_files(),
        tree::GlobError::TooMany => SourceError::WalksTooFar {
            pattern: display(Path::new(&source.pattern)),
        },
    })?;
    let mut paths = Vec::new();
    let mut refused = Vec::new();
    for path in matched {
        match spec.tree.file(&path) {
            Ok(()) => paths.push(path),
            Err(Refusal::Folder) => {}
            Err(why) => refused.push(Unusable {
                file: display(&path),
                why,
            }),
        }
    }
    if !refused.is_empty() {
        return Err(SourceError::NotAFile { files: refused });
    }
    if paths.is_empty() {
        return Err(no_files());
    }
    Ok(paths)
}

/// A file a source's glob matches that cannot be read, and why.
#[derive(Debug)]
pub struct Unusable {
    pub file: String,
    pub why: Refusal,
}

/// A path as the user would write it: relative to the working folder when it is inside.
pub fn display(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd).unwrap_or(path).display().to_string()
}
