//! The spec's repository tree: the one rule for every file a spec names (the files of
//! its `extends` chain, its sources' files, its logo, its fonts and template folders),
//! and the files a glob matches without following links out of it.
//!
//! Specs come from pull requests and CI builds them beside its secrets, so a spec may
//! read only its own repository's work tree: the nearest folder above the spec that
//! holds `.git` (or the `kpipress.schema.json` that `kpipress init` writes there);
//! without one, the working folder when the spec is inside it, else the spec's own
//! folder. Links are followed to where they point before the check, and
//! git's own files (`.git/config` holds a checkout's token) are never part of the tree.
//! Anything else is refused by name before a byte of it is read.

use std::path::{Component, Path, PathBuf};

/// What to do about a [`Refusal`].
pub const HELP: &str =
    "keep every file a spec reads in its repository (the folder holding `.git`), as files rather than links out of it";

/// Why a file a spec names may not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("outside the spec's repository `{root}`, which is all a spec may read")]
    Outside { root: String },
    #[error("among git's own files (`.git`), which a spec may not read")]
    GitMetadata,
    #[error("not a regular file (a pipe, a socket or a device)")]
    NotRegular,
    #[error("a folder, not a file")]
    Folder,
    #[error("not a folder")]
    NotAFolder,
    #[error("a link to nothing (a git-annex or LFS file not fetched?)")]
    Dangling,
    #[error("not there")]
    Missing,
}

/// What marks a repository's top folder: git's, and the schema `kpipress init` writes at
/// the top of an agency's repository before it is a git repository.
const MARKERS: [&str; 2] = [".git", crate::spec::schema::FILE];

/// The folder tree a spec may read, resolved (links followed) once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    root: PathBuf,
}

impl Tree {
    /// The repository tree of the spec at `spec`.
    pub fn of(spec: &Path) -> Self {
        let folder = absolute(spec.parent().unwrap_or(Path::new("")));
        let folder = std::fs::canonicalize(&folder).unwrap_or(folder);
        let repository = folder
            .ancestors()
            .find(|dir| MARKERS.iter().any(|marker| dir.join(marker).exists()));
        let root = match repository {
            Some(dir) => dir.to_path_buf(),
            None => std::env::current_dir()
                .ok()
                .and_then(|cwd| std::fs::canonicalize(cwd).ok())
                .filter(|cwd| cwd.parent().is_some() && folder.starts_with(cwd))
                .unwrap_or(folder),
        };
        Self { root }
    }

    /// The tree's top folder, links resolved.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `path` if it is a regular file in the tree (where links lead counts).
    pub fn file(&self, path: &Path) -> Result<(), Refusal> {
        let meta = self.inside(path)?;
        match () {
            _ if meta.is_file() => Ok(()),
            _ if meta.is_dir() => Err(Refusal::Folder),
            _ => Err(Refusal::NotRegular),
        }
    }

    /// `path` if it is a folder in the tree.
    pub fn folder(&self, path: &Path) -> Result<(), Refusal> {
        match self.inside(path)?.is_dir() {
            true => Ok(()),
            false => Err(Refusal::NotAFolder),
        }
    }

    /// What `path` resolves to, if that is in the tree and outside `.git`.
    fn inside(&self, path: &Path) -> Result<std::fs::Metadata, Refusal> {
        let resolved = std::fs::canonicalize(path).map_err(|_| match std::fs::symlink_metadata(path) {
            Ok(_) => Refusal::Dangling,
            Err(_) => Refusal::Missing,
        })?;
        let Ok(within) = resolved.strip_prefix(&self.root) else {
            return Err(Refusal::Outside {
                root: self.root.display().to_string(),
            });
        };
        if within.components().any(|c| c.as_os_str() == ".git") {
            return Err(Refusal::GitMetadata);
        }
        std::fs::metadata(&resolved).map_err(|_| Refusal::Missing)
    }
}

/// The most entries a glob looks at: a tree a spec reads is a repository of exports,
/// and a walk past this is a mistake or a trap, not data.
const MAX_ENTRIES: usize = 200_000;

/// The deepest a `**` descends.
const MAX_DEPTH: usize = 32;

/// Why a glob matched nothing it could use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GlobError {
    #[error("{0}")]
    Pattern(String),
    #[error("it walks more than {MAX_ENTRIES} files and folders")]
    TooMany,
}

/// Every path `pattern` matches (files, folders, links, pipes: the caller decides what
/// it can use), sorted. `*` and `?` stay within a path component, `**` spans folders;
/// links to folders are matched but never descended into (two links to `.` would make
/// the walk endless), nor are `.git` folders.
pub fn glob(pattern: &str) -> Result<Vec<PathBuf>, GlobError> {
    glob::Pattern::new(pattern).map_err(|e| GlobError::Pattern(e.msg.to_owned()))?;
    let components: Vec<Component> = Path::new(pattern).components().collect();
    let wild = |c: &Component| c.as_os_str().to_string_lossy().contains(['*', '?', '[']);
    let Some(first_wild) = components.iter().position(wild) else {
        let path = PathBuf::from(pattern);
        return Ok(match std::fs::symlink_metadata(&path) {
            Ok(_) => vec![path],
            Err(_) => Vec::new(),
        });
    };
    let base: PathBuf = components[..first_wild].iter().collect();
    let rest: Vec<String> = components[first_wild..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let whole: PathBuf = components.iter().collect();
    let matcher = Matcher::new(&whole, &rest)?;
    let mut found = Vec::new();
    let mut seen = 0;
    let mut stack = vec![(base, 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let listing = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir.as_path()
        };
        let Ok(entries) = std::fs::read_dir(listing) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > MAX_ENTRIES {
                return Err(GlobError::TooMany);
            }
            let name = entry.file_name();
            let path = dir.join(&name);
            if matcher.whole(&path) {
                found.push(path.clone());
            }
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && name != ".git" && matcher.descends(depth, &name.to_string_lossy()) {
                stack.push((path, depth + 1));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// A glob's pattern, whole and per component below its literal folder.
struct Matcher {
    whole: glob::Pattern,
    /// The components before the first `**`, each to be matched by the folder at its depth.
    fixed: Vec<glob::Pattern>,
    /// Whether a `**` lets the walk go deeper than `fixed`.
    recursive: bool,
}

impl Matcher {
    fn new(whole: &Path, rest: &[String]) -> Result<Self, GlobError> {
        let pattern = |text: &str| glob::Pattern::new(text).map_err(|e| GlobError::Pattern(e.msg.to_owned()));
        let until_recursive = rest.iter().take_while(|c| c.as_str() != "**");
        Ok(Self {
            whole: pattern(&whole.to_string_lossy())?,
            fixed: until_recursive.map(|c| pattern(c)).collect::<Result<_, _>>()?,
            recursive: rest.iter().any(|c| c == "**"),
        })
    }

    fn whole(&self, path: &Path) -> bool {
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        // A name that is not UTF-8 (a zip unpacked with the wrong code page writes
        // `Dados do gr\xa0fico.csv`) is matched as it is shown, and read by its own name.
        self.whole.matches_with(&path.to_string_lossy(), options)
    }

    /// Whether a folder named `name` at `depth` below the literal folder may hold matches.
    fn descends(&self, depth: usize, name: &str) -> bool {
        match self.fixed.get(depth) {
            // The last fixed component names the files; a folder there has nothing below
            // it to match unless a `**` follows.
            Some(component) => component.matches(name) && (depth + 1 < self.fixed.len() || self.recursive),
            None => self.recursive && depth < MAX_DEPTH,
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path, pattern: &str) -> Vec<String> {
        let pattern = dir.join(pattern);
        glob(pattern.to_str().unwrap())
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn globs_match_as_the_glob_crate_does() {
        let dir = tempfile::tempdir().unwrap();
        for file in ["a.csv", "b.txt", "sub/c.csv", "sub/deep/d.csv", ".hidden.csv"] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        assert_eq!(names(dir.path(), "*.csv"), [".hidden.csv", "a.csv"]);
        assert_eq!(names(dir.path(), "*/*.csv"), ["sub/c.csv"]);
        assert_eq!(
            names(dir.path(), "**/*.csv"),
            [".hidden.csv", "a.csv", "sub/c.csv", "sub/deep/d.csv"]
        );
        assert_eq!(names(dir.path(), "s?b/**/d.csv"), ["sub/deep/d.csv"]);
        assert_eq!(names(dir.path(), "b.txt"), ["b.txt"]);
        assert!(names(dir.path(), "nothing/*.csv").is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_name_that_is_not_utf8_is_matched_as_it_is_shown() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let name = std::ffi::OsStr::from_bytes(b"Dados do gr\xa0fico.csv");
        std::fs::write(dir.path().join(name), "x").unwrap();
        let found = glob(dir.path().join("Dados do gr*.csv").to_str().unwrap()).unwrap();
        assert_eq!(found, [dir.path().join(name)]);
    }

    #[cfg(unix)]
    #[test]
    fn links_to_folders_are_not_walked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "x").unwrap();
        std::os::unix::fs::symlink(".", dir.path().join("x")).unwrap();
        std::os::unix::fs::symlink(".", dir.path().join("y")).unwrap();
        assert_eq!(names(dir.path(), "**/*.csv"), ["a.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_tree_ends_at_the_repository_and_leaves_out_git() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("specs")).unwrap();
        std::fs::write(repo.join(".git/config"), "token").unwrap();
        std::fs::write(repo.join("data.csv"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), repo.join("link.csv")).unwrap();
        let tree = Tree::of(&repo.join("specs/spec.yaml"));
        assert_eq!(tree.file(&repo.join("specs/../data.csv")), Ok(()));
        assert_eq!(tree.file(&repo.join(".git/config")), Err(Refusal::GitMetadata));
        assert!(matches!(
            tree.file(&dir.path().join("secret.txt")),
            Err(Refusal::Outside { .. })
        ));
        assert!(matches!(
            tree.file(&repo.join("link.csv")),
            Err(Refusal::Outside { .. })
        ));
        assert!(matches!(
            tree.file(Path::new("/proc/self/environ")),
            Err(Refusal::Outside { .. })
        ));
        assert_eq!(tree.file(&repo.join("specs")), Err(Refusal::Folder));
        assert_eq!(tree.file(&repo.join("none.csv")), Err(Refusal::Missing));
        assert_eq!(tree.folder(&repo.join("specs")), Ok(()));
    }
}
