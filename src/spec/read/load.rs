//! Reading spec files: globs, the `extends` chain, the deep merge, and relative paths
//! rebased onto the file that wrote them.

use std::path::{Component, Path, PathBuf};

use super::yaml::{Mapping, Value};

use super::raw::RawSpec;
use super::yaml::{self, PositionIndex, YamlError};
use crate::spec::error::{SpecError, SpecFile, SpecFiles};
use crate::spec::problem::Problem;
use crate::spec::{resolve, Spec};

/// Spec files named by the command line, where each argument may be a glob.
pub fn expand_globs(patterns: &[String]) -> Result<Vec<PathBuf>, SpecError> {
    let mut paths = Vec::new();
    for pattern in patterns {
        let matches = super::tree::glob(pattern).map_err(|e| SpecError::BadGlob {
            pattern: pattern.clone(),
            message: e.to_string(),
        })?;
        let mut found: Vec<PathBuf> = matches.into_iter().filter(|p| p.is_file()).collect();
        if found.is_empty() {
            // A plain path that does not exist is reported by `load`, which names it.
            if glob::Pattern::escape(pattern) == *pattern {
                found.push(PathBuf::from(pattern));
            } else {
                return Err(SpecError::NoMatch {
                    pattern: pattern.clone(),
                });
            }
        }
        found.sort();
        paths.extend(found);
    }
    // A spec two globs both name is built once, where it was first named.
    let mut seen = std::collections::HashSet::new();
    paths.retain(|path| seen.insert(absolute(path)));
    Ok(paths)
}

/// Loads, merges and validates the spec at `path`.
pub fn load(path: &Path) -> Result<Spec, SpecError> {
    let mut files = SpecFiles::default();
    let tree = crate::spec::Tree::of(path);
    let merged = load_chain(&normalize(path), &tree, &mut files)?;
    // Each file parsed alone already; what fails here is the merge's (a `1984` that YAML
    // reads as a number where a name is text), found at the path of the file that wrote it.
    let raw: RawSpec = yaml::from_value(merged).map_err(|e| match e.path {
        Some(path) => files.invalid(
            &path,
            crate::spec::Part::Value,
            Problem::Merged {
                path: path.clone(),
                message: e.message,
            },
        ),
        None => files.invalid(
            "",
            crate::spec::Part::Key,
            Problem::MergedAnywhere { message: e.message },
        ),
    })?;
    // The folder of the spec named, whatever its `extends` chain names: a chain that
    // reaches `/.dockerenv` must not make `/` what a template may read.
    let root = absolute(path.parent().unwrap_or(Path::new("")));
    resolve::resolve(raw, files, root, tree)
}

/// Reads `path` and everything it extends; returns the merged value. Files are pushed
/// child first.
fn load_chain(path: &Path, tree: &crate::spec::Tree, files: &mut SpecFiles) -> Result<Value, SpecError> {
    if files.files.iter().any(|f| f.path == path) {
        let mut chain: Vec<String> = files.files.iter().map(|f| f.path.display().to_string()).collect();
        chain.push(path.display().to_string());
        return Err(SpecError::ExtendsCycle {
            chain: chain.join(" -> "),
        });
    }
    // A file that is not there or not a file is said by the reading below.
    if let Err(why @ (crate::spec::Refusal::Outside { .. } | crate::spec::Refusal::GitMetadata)) = tree.file(path) {
        return Err(SpecError::Refused {
            path: path.display().to_string(),
            why,
        });
    }
    let text = read_spec_text(path)?;
    let file = SpecFile {
        path: path.to_path_buf(),
        index: PositionIndex::build(&text),
        text,
    };
    let checked = check_alone(&file);
    files.files.push(file);
    let mut value = checked?;
    let dir = path.parent().unwrap_or(Path::new(""));
    rebase_paths(&mut value, dir);
    let Some(extends) = take_extends(&mut value, files.files.last().expect("the file was just pushed"))? else {
        return Ok(value);
    };
    let parent = load_chain(&normalize(&dir.join(extends)), tree, files)?;
    Ok(merge(parent, value))
}

/// The largest spec read: a spec is a page or two of YAML.
const MAX_SPEC_BYTES: u64 = 1 << 20;

/// The text of a spec file, read only when it is a regular file (a FIFO would hang,
/// `/dev/zero` would fill memory) of at most [`MAX_SPEC_BYTES`], and text.
fn read_spec_text(path: &Path) -> Result<String, SpecError> {
    let not_a_spec = |why| SpecError::NotASpec {
        path: path.display().to_string(),
        why,
    };
    let read_error = |source| SpecError::Read {
        path: path.display().to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_error)?;
    if !meta.is_file() {
        return Err(not_a_spec("it is not a regular file"));
    }
    let mut bytes = Vec::new();
    let file = std::fs::File::open(path).map_err(read_error)?;
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_SPEC_BYTES + 1), &mut bytes).map_err(read_error)?;
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        return Err(not_a_spec("it is larger than 1 MiB"));
    }
    if bytes.contains(&0) {
        return Err(not_a_spec("it is not text"));
    }
    String::from_utf8(bytes).map_err(|_| not_a_spec("it is not UTF-8 text"))
}

/// Parses one file on its own, so syntax errors, unknown keys and wrong types point at
/// the file and line that has them.
fn check_alone(file: &SpecFile) -> Result<Value, SpecError> {
    // A file not named as YAML that does not parse is some other file (`/etc/passwd`
    // named by `extends`): said by name, never quoted.
    let named_yaml = file
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let error = |e: YamlError| {
        if !named_yaml {
            return SpecError::NotASpec {
                path: file.path.display().to_string(),
                why: "it is not YAML, and not named `.yaml`",
            };
        }
        // serde_yaml places a duplicate key at its mapping; the second key is the news.
        let offset = match e.message.contains("duplicate entry") {
            true => file.index.duplicate().or(e.offset),
            false => e.offset,
        };
        let snippet = match offset {
            Some(offset) => file.snippet(offset),
            None => crate::spec::Snippet {
                src: file.named_source(),
                span: None,
            },
        };
        SpecError::at(snippet, Problem::Syntax { message: e.message })
    };
    let value: Value = yaml::from_str(&file.text).map_err(error)?;
    if value.is_null() {
        return Ok(Value::Mapping(Mapping::new()));
    }
    if !value.is_mapping() {
        return Err(SpecError::NotASpec {
            path: file.path.display().to_string(),
            why: "its top level is not a mapping of keys",
        });
    }
    yaml::from_str::<RawSpec>(&file.text).map_err(error)?;
    Ok(value)
}

/// The file `extends` names, taken out of the value; anything but a path is an error at
/// its line, never ignored.
fn take_extends(value: &mut Value, file: &SpecFile) -> Result<Option<String>, SpecError> {
    let Some(extends) = value.as_mapping_mut().and_then(|m| m.remove("extends")) else {
        return Ok(None);
    };
    match extends.as_str() {
        Some(path) => Ok(Some(path.to_owned())),
        None => {
            let offset = file.index.get("extends").map(|p| p.value);
            let snippet = match offset {
                Some(offset) => file.snippet(offset),
                None => crate::spec::Snippet {
                    src: file.named_source(),
                    span: None,
                },
            };
            Err(SpecError::at(snippet, Problem::ExtendsNotAPath))
        }
    }
}

/// Maps merge deeply, lists are replaced, the child wins. A KPI's `target` is one
/// choice (`at_least`, `growth`, `ramp`…), so a child's target replaces the parent's
/// whole rather than adding a second kind to it.
fn merge(parent: Value, child: Value) -> Value {
    match (parent, child) {
        (Value::Mapping(mut parent), Value::Mapping(child)) => {
            for (key, value) in child {
                let replaces = key.as_str() == Some("target");
                match parent.get_mut(&key) {
                    // In place, so the parent's order (of KPIs, say) is kept.
                    Some(slot) if !replaces => *slot = merge(std::mem::take(slot), value),
                    Some(slot) => *slot = value,
                    None => {
                        parent.insert(key, value);
                    }
                }
            }
            Value::Mapping(parent)
        }
        (_, child) => child,
    }
}

/// Relative paths in a spec are relative to the file that wrote them; after merging,
/// nothing would know which file that was, so they become absolute first.
fn rebase_paths(value: &mut Value, dir: &Path) {
    let dir = absolute(dir);
    let rebase = |slot: Option<&mut Value>| {
        if let Some(Value::String(path)) = slot {
            if !Path::new(path.as_str()).is_absolute() {
                *path = normalize(&dir.join(path.as_str())).display().to_string();
            }
        }
    };
    rebase(get_mut(value, &["brand", "logo"]));
    rebase(get_mut(value, &["brand", "fonts"]));
    if let Some(Value::String(template)) = get_mut(value, &["report", "template"]) {
        if template.contains('/') {
            rebase(get_mut(value, &["report", "template"]));
        }
    }
    if let Some(Value::Mapping(sources)) = get_mut(value, &["sources"]) {
        for (_, source) in sources.iter_mut() {
            rebase(get_mut(source, &["path"]));
        }
    }
    if let Some(Value::Mapping(competitors)) = get_mut(value, &["competitors"]) {
        for (_, competitor) in competitors.iter_mut() {
            if let Some(Value::Mapping(sources)) = get_mut(competitor, &["sources"]) {
                for (_, source) in sources.iter_mut() {
                    rebase(get_mut(source, &["path"]));
                }
            }
        }
    }
}

fn get_mut<'a>(value: &'a mut Value, keys: &[&str]) -> Option<&'a mut Value> {
    keys.iter()
        .try_fold(value, |value, key| value.as_mapping_mut()?.get_mut(*key))
}

fn absolute(dir: &Path) -> PathBuf {
    if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(dir))
            .unwrap_or_else(|_| dir.to_path_buf())
    }
}

/// Removes `.` and `a/..` without touching the file system, so paths in messages stay as
/// the user wrote them.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        yaml::from_str(text).unwrap()
    }

    #[test]
    fn maps_merge_lists_replace_child_wins() {
        let parent = yaml("brand: {colors: {primary: '#111', accent: '#222'}}\nseasonality: [{name: a}, {name: b}]");
        let child = yaml("brand: {colors: {primary: '#999'}}\nseasonality: [{name: c}]");
        let merged = merge(parent, child);
        assert_eq!(
            merged,
            yaml("brand: {colors: {primary: '#999', accent: '#222'}}\nseasonality: [{name: c}]")
        );
    }

    #[test]
    fn overriding_keeps_the_parent_order() {
        let merged = merge(
            yaml("kpis: {a: {value: x}, b: {value: y}}"),
            yaml("kpis: {a: {title: A}}"),
        );
        let order: Vec<_> = merged["kpis"]
            .as_mapping()
            .unwrap()
            .keys()
            .map(|k| k.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(order, ["a", "b"]);
    }

    #[test]
    fn a_child_target_replaces_the_parent_target() {
        let parent = yaml("kpis: {f: {value: x, target: {growth: 3%}}}");
        let child = yaml("kpis: {f: {target: {at_least: 5}}}");
        assert_eq!(
            merge(parent, child),
            yaml("kpis: {f: {value: x, target: {at_least: 5}}}")
        );
    }

    #[test]
    fn relative_paths_follow_their_file() {
        let mut value = yaml("brand: {logo: brand/logo.svg}\nsources: {a: {path: ../data/*.csv}}");
        rebase_paths(&mut value, Path::new("/repo/specs"));
        assert_eq!(
            get_mut(&mut value, &["brand", "logo"]).unwrap(),
            &yaml("/repo/specs/brand/logo.svg")
        );
        assert_eq!(
            get_mut(&mut value, &["sources", "a", "path"]).unwrap(),
            &yaml("/repo/data/*.csv")
        );
    }

    #[test]
    fn normalize_keeps_relative_paths_relative() {
        assert_eq!(
            normalize(Path::new("specs/clients/../agency.yaml")),
            PathBuf::from("specs/agency.yaml")
        );
        assert_eq!(normalize(Path::new("../x/./y")), PathBuf::from("../x/y"));
    }
}
