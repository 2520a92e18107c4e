//! Files two specs, or two formats of one, would both write, found over every spec
//! matched (before `--shard` takes its part, so that two shards never write one file)
//! and before anything is written. The portfolio page's own file is reserved: a report
//! written there would be overwritten by the page. A spec in a clash is not built, and
//! says why; the others are.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::super::shard::Shard;
use crate::digest::portfolio;
use crate::incremental::Record;
use crate::pipeline::{Error, Options};
use crate::source::display;
use crate::spec;

/// What the checks before a build know of a spec: whether it is this shard's, and the
/// files it would write (`None` for a spec that does not load, which the build reports).
pub struct Planned {
    pub path: PathBuf,
    pub ours: bool,
    outputs: Option<Vec<PathBuf>>,
    /// The folder its reports go in: from the spec, or from its last build's record when
    /// it does not load now.
    folder: Option<PathBuf>,
}

/// Every spec of `paths` read once: the build reads each again, client by client, so that
/// no spec is held while the others are built.
pub fn plan(paths: Vec<PathBuf>, shard: Option<Shard>, options: &Options) -> Vec<Planned> {
    paths
        .into_iter()
        .map(|path| {
            let spec = spec::load(&path).ok();
            let ours = shard.is_none_or(|shard| shard.holds(&path, spec.as_ref()));
            let folder = match &spec {
                Some(spec) => Some(crate::output::report_folder(spec)),
                None => options.out.as_ref().and_then(|out| {
                    let record = Record::read(out, &path, options.period.as_deref())?;
                    Some(PathBuf::from(record.digest.folder))
                }),
            };
            let outputs = spec.map(|spec| crate::output::planned_outputs(&spec, options.formats));
            Planned {
                path,
                ours,
                outputs,
                folder,
            }
        })
        .collect()
}

/// Where the portfolio page of a build of `planned` goes, relative to `--out`: beside the
/// reports of every spec, built or failed, so that a build where every spec fails still
/// replaces the page the last one wrote there.
pub fn page_folder(planned: &[Planned]) -> PathBuf {
    portfolio::folder(planned.iter().filter_map(|p| p.folder.as_deref()))
}

/// A file a spec may not write, and who else would.
#[derive(Debug, Clone)]
pub struct Clash {
    pub file: PathBuf,
    pub with: Rival,
}

#[derive(Debug, Clone)]
pub enum Rival {
    /// Another spec writes it too.
    Spec(PathBuf),
    /// Another format of the same spec.
    OwnFormat,
    /// The portfolio page goes there.
    Portfolio,
}

impl Clash {
    pub fn error(&self, spec: &Path) -> Error {
        let with = match &self.with {
            Rival::Spec(other) => format!("`{}` writes it too", display(other)),
            Rival::OwnFormat => "its `report.output` has the extension of another format".to_owned(),
            Rival::Portfolio => "it is the portfolio page's own file".to_owned(),
        };
        Error::OutputClash {
            spec: display(spec),
            file: self.file.display().to_string(),
            with,
        }
    }
}

/// The specs among `planned` that may not be built, each with its first clash. With
/// `portfolio`, the page's file under the report folders is reserved.
pub fn clashes(planned: &[Planned], portfolio: bool) -> BTreeMap<PathBuf, Clash> {
    let loaded: Vec<(&PathBuf, &Vec<PathBuf>)> = planned
        .iter()
        .filter_map(|p| Some((&p.path, p.outputs.as_ref()?)))
        .collect();
    let page = portfolio.then(|| page_folder(planned).join(portfolio::FILE));
    let mut owners: HashMap<&PathBuf, &PathBuf> = HashMap::new();
    let mut found: BTreeMap<PathBuf, Clash> = BTreeMap::new();
    let mut note = |spec: &PathBuf, file: &PathBuf, with: Rival| {
        found.entry(spec.clone()).or_insert(Clash {
            file: file.clone(),
            with,
        });
    };
    for (path, outputs) in &loaded {
        for (index, file) in outputs.iter().enumerate() {
            if outputs[..index].contains(file) {
                note(path, file, Rival::OwnFormat);
            }
            if page.as_ref() == Some(file) {
                note(path, file, Rival::Portfolio);
            }
            match owners.get(file) {
                Some(first) if *first != *path => {
                    let first = (*first).clone();
                    note(path, file, Rival::Spec(first.clone()));
                    note(&first, file, Rival::Spec((*path).clone()));
                }
                _ => {
                    owners.insert(file, path);
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(path: &str, files: &[&str], folder: &str) -> Planned {
        Planned {
            path: PathBuf::from(path),
            ours: true,
            outputs: Some(files.iter().map(PathBuf::from).collect()),
            folder: Some(PathBuf::from(folder)),
        }
    }

    #[test]
    fn both_specs_of_a_clash_are_held_back_and_the_others_are_not() {
        let specs = [
            planned("a.yaml", &["reports/x.pdf"], "reports"),
            planned("b.yaml", &["reports/x.pdf"], "reports"),
            planned("c.yaml", &["reports/c.pdf"], "reports"),
        ];
        let found = clashes(&specs, false);
        assert_eq!(
            found.keys().collect::<Vec<_>>(),
            [Path::new("a.yaml"), Path::new("b.yaml")]
        );
    }

    #[test]
    fn the_portfolio_page_is_reserved() {
        let specs = [
            planned("a.yaml", &["reports/index.html"], "reports"),
            planned("c.yaml", &["reports/c.pdf"], "reports"),
        ];
        assert!(clashes(&specs, false).is_empty());
        let found = clashes(&specs, true);
        assert!(matches!(found[Path::new("a.yaml")].with, Rival::Portfolio));
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn two_formats_of_one_spec_clash() {
        let specs = [planned("a.yaml", &["r/a.json", "r/a.json"], "r")];
        assert!(matches!(
            clashes(&specs, false)[Path::new("a.yaml")].with,
            Rival::OwnFormat
        ));
    }
}
