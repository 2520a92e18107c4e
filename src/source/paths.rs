//! The files a source names, and paths as the user would write them.

use std::path::{Path, PathBuf};

use super::SourceError;
use crate::spec::{Part, SourceSpec, Spec};

/// The files `source`'s glob matches, in order; each must be a regular file.
pub fn files(spec: &Spec, source: &SourceSpec) -> Result<Vec<PathBuf>, SourceError> {
    let no_files = || {
        let snippet = spec.files.locate(&format!("sources.{}.path", source.name), Part::Value);
        SourceError::NoFiles {
            pattern: display(Path::new(&source.pattern)),
            src: snippet.src,
            span: snippet.span,
        }
    };
    let mut paths = Vec::new();
    for path in glob::glob(&source.pattern)
        .map_err(|_| no_files())?
        .filter_map(Result::ok)
    {
        // A folder the glob also matches is not an export; a link to nothing (a git-annex
        // or LFS file not fetched) or a pipe or device is one that cannot be read.
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => paths.push(path),
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(SourceError::NotAFile {
                    file: display(&path),
                    what: "not a regular file (a pipe or a device)",
                })
            }
            Err(_) => {
                return Err(SourceError::NotAFile {
                    file: display(&path),
                    what: "a link to nothing (a git-annex or LFS file not fetched?)",
                })
            }
        }
    }
    if paths.is_empty() {
        return Err(no_files());
    }
    paths.sort();
    Ok(paths)
}

/// A path as the user would write it: relative to the working folder when it is inside.
pub fn display(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd).unwrap_or(path).display().to_string()
}
