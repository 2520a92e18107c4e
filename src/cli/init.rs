//! `kpipress init DIR`: a new agency repository that builds out of the box: the agency
//! file, one example client with half a year of exports, a logo, a CI workflow, and on
//! request a copy of the built-in template to change.

use std::path::{Path, PathBuf};

use clap::Args;
use miette::Diagnostic;

use super::{print, FAILED, OK};
use crate::render::builtin_files;
use crate::source::display;
use crate::spec::schema;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the repository in; it may exist, but none of the files.
    dir: PathBuf,
    /// Also copy the built-in `audit` template into `templates/audit` and build with it,
    /// to change its partials.
    #[arg(long)]
    template: bool,
}

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum InitError {
    #[error("`{dir}` already has {}", files.join(", "))]
    #[diagnostic(code(init::exists), help("choose an empty folder; init never overwrites a file"))]
    Exists { dir: String, files: Vec<String> },
    #[error("cannot write `{path}` ({source})")]
    #[diagnostic(code(init::write))]
    Write { path: String, source: std::io::Error },
}

const AGENCY: &str = include_str!("scaffold/agency.yaml");
const CLIENT: &str = "clients/example-coffee.yaml";

/// The files of a new repository, by path.
fn scaffold(with_template: bool) -> Vec<(String, Vec<u8>)> {
    let agency = if with_template {
        AGENCY.replace("template: audit ", "template: templates/audit")
    } else {
        AGENCY.to_owned()
    };
    // Each spec's first line points editors at the schema, so they complete and check it.
    let client = schema::modeline(&format!("../{}", schema::FILE)) + include_str!("scaffold/example.yaml");
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("README.md".into(), include_bytes!("scaffold/README.md").to_vec()),
        (schema::FILE.into(), schema::json().into_bytes()),
        (
            "agency.yaml".into(),
            (schema::modeline(schema::FILE) + &agency).into_bytes(),
        ),
        (CLIENT.into(), client.into_bytes()),
        (
            "data/example-coffee/posts.csv".into(),
            include_bytes!("scaffold/data/posts.csv").to_vec(),
        ),
        (
            "data/example-coffee/ads.csv".into(),
            include_bytes!("scaffold/data/ads.csv").to_vec(),
        ),
        ("brand/logo.svg".into(), include_bytes!("scaffold/logo.svg").to_vec()),
        (
            ".github/workflows/reports.yml".into(),
            include_bytes!("scaffold/workflow.yml").to_vec(),
        ),
    ];
    if with_template {
        let template = builtin_files("audit").expect("the audit template is built in");
        files.extend(
            template
                .iter()
                .map(|(name, text)| (format!("templates/audit/{name}"), text.as_bytes().to_vec())),
        );
    }
    files
}

pub fn run(args: InitArgs) -> u8 {
    match init(&args.dir, args.template) {
        Ok(written) => {
            print::err(&format!("created {} files in {}\n", written, display(&args.dir)));
            print::err(&format!(
                "next: cd {} && kpipress build '{}' --out .\n",
                display(&args.dir),
                CLIENT.replace("example-coffee", "*")
            ));
            OK
        }
        Err(error) => {
            print::error(&error);
            FAILED
        }
    }
}

/// Writes the scaffold into `dir`; refuses before writing anything if a file is there.
fn init(dir: &Path, with_template: bool) -> Result<usize, InitError> {
    let files = scaffold(with_template);
    let mut existing: Vec<String> = files.iter().filter_map(|(path, _)| occupied(dir, path)).collect();
    existing.sort();
    existing.dedup();
    if !existing.is_empty() {
        return Err(InitError::Exists {
            dir: display(dir),
            files: existing,
        });
    }
    for (path, bytes) in &files {
        let path = dir.join(path);
        let error = |source| InitError::Write {
            path: display(&path),
            source,
        };
        std::fs::create_dir_all(path.parent().expect("scaffold files sit in a folder")).map_err(error)?;
        // `create_new` refuses whatever appeared since the check, a symlink included.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(error)?;
        std::io::Write::write_all(&mut file, bytes).map_err(error)?;
    }
    Ok(files.len())
}

/// What is in the way of writing `relative` under `dir`: the file itself (a dangling
/// symlink too, which a write would follow out of `dir`), a symlinked folder on its way,
/// or a file where a folder on its way should be (a `.github` that is a file): every one
/// is found before anything is written.
fn occupied(dir: &Path, relative: &str) -> Option<String> {
    if std::fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Some(".".to_owned());
    }
    let mut path = dir.to_path_buf();
    let parts: Vec<&str> = relative.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            return None;
        };
        let last = i + 1 == parts.len();
        if last || meta.file_type().is_symlink() || !meta.is_dir() {
            return Some(parts[..=i].join("/"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_copy_is_what_the_agency_builds_with() {
        let files = scaffold(true);
        let agency = files.iter().find(|(p, _)| p == "agency.yaml").unwrap();
        let agency = String::from_utf8(agency.1.clone()).unwrap();
        assert!(agency.contains("template: templates/audit"), "{agency}");
        assert!(
            agency.starts_with("# yaml-language-server: $schema=kpipress.schema.json\n"),
            "{agency}"
        );
        assert!(files.iter().any(|(p, _)| p == "templates/audit/lib.typ"));
        assert!(!scaffold(false).iter().any(|(p, _)| p.starts_with("templates/")));
    }

    #[cfg(unix)]
    #[test]
    fn init_never_writes_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("planted");
        std::os::unix::fs::symlink(&target, dir.path().join("agency.yaml")).unwrap();
        let error = init(dir.path(), false).unwrap_err();
        assert!(matches!(&error, InitError::Exists { files, .. } if files == &["agency.yaml"]));
        assert!(!target.exists());
    }

    #[test]
    fn init_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("agency.yaml"), "mine").unwrap();
        let error = init(dir.path(), false).unwrap_err();
        assert!(matches!(&error, InitError::Exists { files, .. } if files == &["agency.yaml"]));
        assert_eq!(std::fs::read_to_string(dir.path().join("agency.yaml")).unwrap(), "mine");
        assert!(!dir.path().join("README.md").exists());
    }
}
