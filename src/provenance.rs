//! What a report is made from, each input with its BLAKE3 digest: written into the report
//! (the JSON's `inputs`, the PDF's metadata and its appendix), so that a PDF sent to a
//! client can be checked later against the spec and data it came from (`kpipress verify`).
//!
//! Paths are relative to the spec's repository, so a report verifies in any checkout of
//! it. The digest of the whole is over every input's line, in order.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::render::TemplateSet;
use crate::source;
use crate::spec::{Spec, TemplateRef};

/// Every input of one report, and the digest of them all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// `blake3:` and the digest of every line of `inputs`.
    pub digest: String,
    pub inputs: Vec<Input>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// What the input is: `kpipress`, `period`, `spec`, `data`, `template`, `logo`, `font`.
    pub kind: String,
    /// Its name: a path relative to the repository, a version, a period.
    pub name: String,
    /// BLAKE3 of its bytes, in hex.
    pub digest: String,
}

impl Manifest {
    /// The inputs of `spec`'s report for the period labelled `period`.
    pub fn of(spec: &Spec, period: &str) -> Result<Self, source::SourceError> {
        let mut inputs = vec![
            text("kpipress", env!("CARGO_PKG_VERSION"), env!("CARGO_PKG_VERSION")),
            text("period", period, period),
        ];
        for file in &spec.files.files {
            inputs.push(text("spec", &relative(spec, &file.path), &file.text));
        }
        let competitor_sources = spec.competitors.values().flat_map(|c| c.sources.values());
        for source in spec.sources.values().chain(competitor_sources) {
            if let Some(database) = &source.database {
                inputs.push(text("query", &source.name, &database.query));
            }
            for path in source::files(spec, source)? {
                inputs.push(file("data", spec, &path));
            }
        }
        if let Ok(template) = TemplateSet::load(&spec.report.template) {
            let all: String = template
                .files
                .iter()
                .map(|(name, text)| format!("{name}\0{text}\0"))
                .collect();
            let name = match &spec.report.template {
                TemplateRef::Dir(dir) => relative(spec, dir),
                TemplateRef::Builtin(name) => format!("builtin:{name}"),
            };
            inputs.push(text("template", &name, &all));
        }
        if let Some(logo) = &spec.brand.logo {
            inputs.push(file("logo", spec, logo));
        }
        if let Some(fonts) = &spec.brand.fonts {
            let mut paths: Vec<_> = std::fs::read_dir(fonts)
                .map(|entries| entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect())
                .unwrap_or_default();
            paths.sort();
            inputs.extend(paths.iter().map(|p| file("font", spec, p)));
        }
        let mut whole = blake3::Hasher::new();
        for input in &inputs {
            whole.update(format!("{} {} {}\n", input.kind, input.name, input.digest).as_bytes());
        }
        Ok(Self {
            digest: format!("blake3:{}", whole.finalize().to_hex()),
            inputs,
        })
    }

    /// The inputs that differ between `self` (a report's) and `now`, said as a person
    /// reads them: changed, gone or new.
    pub fn differences(&self, now: &Manifest) -> Vec<String> {
        let key = |i: &Input| (i.kind.clone(), i.name.clone());
        let mut said = Vec::new();
        for was in &self.inputs {
            match now.inputs.iter().find(|i| key(i) == key(was)) {
                Some(is) if is.digest != was.digest => said.push(format!("{} `{}` changed", was.kind, was.name)),
                Some(_) => {}
                None => said.push(format!("{} `{}` is gone", was.kind, was.name)),
            }
        }
        for is in &now.inputs {
            if !self.inputs.iter().any(|i| key(i) == key(is)) {
                said.push(format!("{} `{}` is new", is.kind, is.name));
            }
        }
        said
    }
}

fn text(kind: &str, name: &str, bytes: &str) -> Input {
    Input {
        kind: kind.to_owned(),
        name: name.to_owned(),
        digest: blake3::hash(bytes.as_bytes()).to_hex().to_string(),
    }
}

fn file(kind: &str, spec: &Spec, path: &Path) -> Input {
    let digest = std::fs::File::open(path)
        .and_then(|f| {
            let mut hasher = blake3::Hasher::new();
            hasher.update_reader(f)?;
            Ok(hasher.finalize().to_hex().to_string())
        })
        .unwrap_or_else(|_| "unreadable".to_owned());
    Input {
        kind: kind.to_owned(),
        name: relative(spec, path),
        digest,
    }
}

/// `path` relative to the spec's repository, with `/` between folders.
fn relative(spec: &Spec, path: &Path) -> String {
    let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let within = resolved.strip_prefix(spec.tree.root()).unwrap_or(&resolved);
    within
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The manifest a PDF of kpipress carries in its metadata's keywords
/// (`kpipress-inputs DIGEST`, then `kpipress-input KIND DIGEST NAME` for each), read back
/// from its XMP packet, which the PDF keeps as plain XML.
pub fn from_pdf(bytes: &[u8]) -> Option<Manifest> {
    let text = String::from_utf8_lossy(bytes);
    let start = text.find("<pdf:Keywords>")? + "<pdf:Keywords>".len();
    let end = text[start..].find("</pdf:Keywords>")? + start;
    let keywords = unescape(&text[start..end]);
    let mut digest = None;
    let mut inputs = Vec::new();
    // The keywords are joined by ", "; each of ours starts `kpipress-`.
    for (index, item) in keywords.split(", kpipress-").enumerate() {
        let item = if index == 0 {
            item.to_owned()
        } else {
            format!("kpipress-{item}")
        };
        if let Some(rest) = item.strip_prefix("kpipress-inputs ") {
            digest = Some(rest.to_owned());
        } else if let Some(rest) = item.strip_prefix("kpipress-input ") {
            let mut parts = rest.splitn(3, ' ');
            let (kind, hash, name) = (parts.next()?, parts.next()?, parts.next()?);
            inputs.push(Input {
                kind: kind.to_owned(),
                name: name.to_owned(),
                digest: hash.to_owned(),
            });
        }
    }
    Some(Manifest {
        digest: digest?,
        inputs,
    })
}

/// The PDF keywords that carry `manifest`.
pub fn keywords(manifest: &Manifest) -> Vec<String> {
    std::iter::once(format!("kpipress-inputs {}", manifest.digest))
        .chain(
            manifest
                .inputs
                .iter()
                .map(|i| format!("kpipress-input {} {} {}", i.kind, i.digest, i.name)),
        )
        .collect()
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_survives_the_pdf_metadata_and_says_what_changed() {
        let manifest = Manifest {
            digest: "blake3:abc".into(),
            inputs: vec![
                Input {
                    kind: "data".into(),
                    name: "data/posts & co.csv".into(),
                    digest: "11".into(),
                },
                Input {
                    kind: "spec".into(),
                    name: "specs/a.yaml".into(),
                    digest: "22".into(),
                },
            ],
        };
        let joined = keywords(&manifest).join(", ").replace('&', "&amp;");
        let pdf = format!("%PDF <x:xmpmeta><pdf:Keywords>{joined}</pdf:Keywords></x:xmpmeta>");
        assert_eq!(from_pdf(pdf.as_bytes()), Some(manifest.clone()));
        let mut now = manifest.clone();
        now.inputs[0].digest = "33".into();
        now.inputs.pop();
        assert_eq!(
            manifest.differences(&now),
            ["data `data/posts & co.csv` changed", "spec `specs/a.yaml` is gone"]
        );
    }
}
