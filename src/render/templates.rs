//! Templates: minijinja turns a template set and the report model into typst source.
//! Built-in sets are embedded; a spec may name a folder whose files override the
//! built-in `audit` set file by file. Every value a template writes into typst becomes
//! a typst string literal, so no data can turn into typst code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use serde::{Deserialize, Serialize};

use super::RenderError;
use crate::spec::{suggest, TemplateRef};

/// The entry template of every set.
pub const ENTRY: &str = "report.typ.j2";

const AUDIT: &[(&str, &str)] = &[
    ("report.typ.j2", include_str!("../../templates/audit/report.typ.j2")),
    ("section.typ.j2", include_str!("../../templates/audit/section.typ.j2")),
    ("theme.typ", include_str!("../../templates/audit/theme.typ")),
    ("lib.typ", include_str!("../../templates/audit/lib.typ")),
    ("cover.typ", include_str!("../../templates/audit/cover.typ")),
    ("summary.typ", include_str!("../../templates/audit/summary.typ")),
    ("scorecard.typ", include_str!("../../templates/audit/scorecard.typ")),
    ("trends.typ", include_str!("../../templates/audit/trends.typ")),
    ("funnel.typ", include_str!("../../templates/audit/funnel.typ")),
    ("competitors.typ", include_str!("../../templates/audit/competitors.typ")),
    ("content.typ", include_str!("../../templates/audit/content.typ")),
    (
        "recommendations.typ",
        include_str!("../../templates/audit/recommendations.typ"),
    ),
    ("appendix.typ", include_str!("../../templates/audit/appendix.typ")),
];

const BUILTIN: &[(&str, &[(&str, &str)])] = &[("audit", AUDIT)];

/// The files of one template set: minijinja templates (`*.j2`) and typst files that are
/// served to typst as they are.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TemplateSet {
    /// Where the files came from, for messages: `builtin:audit` or a folder.
    pub origin: String,
    pub files: BTreeMap<String, String>,
    /// The files the folder put over the built-in set; the rest are built in.
    pub overridden: BTreeSet<String>,
}

impl TemplateSet {
    pub fn load(reference: &TemplateRef) -> Result<Self, RenderError> {
        match reference {
            TemplateRef::Builtin(name) => builtin(name),
            TemplateRef::Dir(dir) => overlay(dir),
        }
    }

    /// Files typst reads directly (everything that is not a minijinja template).
    pub fn typst_files(&self) -> impl Iterator<Item = (&String, &String)> {
        self.files.iter().filter(|(name, _)| !name.ends_with(".j2"))
    }

    /// Renders the entry template with `context`, running at most `fuel` instructions.
    pub fn render(&self, context: impl Serialize, fuel: u64) -> Result<String, RenderError> {
        let mut env = Environment::new();
        env.set_fuel(Some(fuel));
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(true);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".typ.j2") {
                AutoEscape::Custom("typst")
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(typst_formatter);
        let files = self.files.clone();
        env.set_loader(move |name| {
            Ok(if name.split('/').any(|part| part == "..") {
                None
            } else {
                files.get(name).map(|text| marked(name, text))
            })
        });
        let template = env.get_template(ENTRY).map_err(|e| self.error(e))?;
        template.render(context).map_err(|e| self.error(e))
    }

    /// Where the file `name` came from, as messages name it: `templates/audit/lib.typ`,
    /// or `builtin:audit/lib.typ` for a file the folder did not override.
    pub fn path_of(&self, name: &str) -> String {
        if self.overridden.contains(name) {
            format!("{}/{name}", self.origin)
        } else {
            format!("builtin:audit/{name}")
        }
    }

    fn error(&self, error: minijinja::Error) -> RenderError {
        let error = innermost(&error);
        let name = error.name().unwrap_or(ENTRY).to_owned();
        let text = self.files.get(&name).cloned().unwrap_or_default();
        let span = error.line().and_then(|line| line_span(&text, line));
        let message = error
            .detail()
            .map_or_else(|| error.kind().to_string(), |d| format!("{} ({d})", error.kind()));
        let help = match error.kind() {
            minijinja::ErrorKind::UndefinedError => Some(
                "templates see the report model's keys (`client`, `period`, `kpis`, `sections`, `words`, …, as `--format json` writes them); typst reads the same model as `data`".to_owned(),
            ),
            minijinja::ErrorKind::OutOfFuel => Some(
                "the template ran more steps than `--time-limit` allows for; a loop without end is stopped here, a report that needs more can have a higher `--time-limit SECONDS`".to_owned(),
            ),
            _ => None,
        };
        RenderError::Template {
            message,
            src: miette::NamedSource::new(self.path_of(&name), text),
            span,
            help,
        }
    }
}

/// A partial's text between typst comments that name it, so that a typst error in the
/// generated source can be traced to the partial that wrote it ([`partial_at`]). The
/// opening mark shares the first line, keeping minijinja's line numbers true.
fn marked(name: &str, text: &str) -> String {
    if name == ENTRY {
        return text.to_owned();
    }
    format!("{OPEN}{name} */{text}{CLOSE}")
}

const OPEN: &str = "/* kpipress: from ";
const CLOSE: &str = "/* kpipress: end */";

/// The innermost partial whose output holds byte `offset` of the generated source.
pub fn partial_at(generated: &str, offset: usize) -> Option<&str> {
    let before = generated.get(..offset)?;
    let mut open: Vec<&str> = Vec::new();
    let mut rest = before;
    while let Some(at) = rest.find("/* kpipress: ") {
        rest = &rest[at..];
        if let Some(tail) = rest.strip_prefix(OPEN) {
            let end = tail.find(" */")?;
            open.push(&tail[..end]);
            rest = &tail[end..];
        } else {
            if rest.starts_with(CLOSE) {
                open.pop();
            }
            rest = &rest[1..];
        }
    }
    open.pop()
}

/// The error inside includes: "could not render include" names the partial that failed,
/// the error it wraps names the line.
fn innermost(error: &minijinja::Error) -> &minijinja::Error {
    let mut error = error;
    while let Some(inner) = std::error::Error::source(error).and_then(|s| s.downcast_ref::<minijinja::Error>()) {
        error = inner;
    }
    error
}

/// The files of the built-in template set `name`, for `kpipress init --template` to copy.
pub fn builtin_files(name: &str) -> Option<&'static [(&'static str, &'static str)]> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, files)| *files)
}

fn builtin(name: &str) -> Result<TemplateSet, RenderError> {
    let (_, files) = BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| RenderError::UnknownTemplate {
            name: name.to_owned(),
            help: suggest::help(name, BUILTIN.iter().map(|(n, _)| *n)).unwrap_or_default(),
        })?;
    Ok(TemplateSet {
        origin: format!("builtin:{name}"),
        files: files.iter().map(|(n, t)| ((*n).to_owned(), (*t).to_owned())).collect(),
        overridden: BTreeSet::new(),
    })
}

/// The built-in `audit` set with every file of `dir` put over it.
fn overlay(dir: &Path) -> Result<TemplateSet, RenderError> {
    let mut set = builtin("audit")?;
    set.origin = crate::source::display(dir);
    let entries = std::fs::read_dir(dir).map_err(|source| RenderError::TemplateDir {
        dir: set.origin.clone(),
        source,
    })?;
    let folder = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        if !(name.ends_with(".j2") || name.ends_with(".typ")) {
            continue;
        }
        let refuse = |why| RenderError::TemplateRefused {
            file: crate::source::display(&path),
            why,
        };
        let unreadable = |source| RenderError::TemplateDir {
            dir: crate::source::display(&path),
            source,
        };
        // A template file is read only when it is a regular file inside the folder: a
        // symlink out of it (`leak.typ -> /etc/passwd`) would put another file in the PDF.
        let real = path.canonicalize().map_err(unreadable)?;
        if !real.starts_with(&folder) {
            return Err(refuse("it links outside the template folder, which is not read"));
        }
        if !std::fs::metadata(&real).is_ok_and(|m| m.is_file()) {
            return Err(refuse("it is not a regular file"));
        }
        let text = std::fs::read_to_string(&real).map_err(unreadable)?;
        set.files.insert(name.clone(), text);
        set.overridden.insert(name);
    }
    Ok(set)
}

fn line_span(text: &str, line: usize) -> Option<miette::SourceSpan> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let length = text[start..].split('\n').next().map_or(0, str::len);
    (start < text.len()).then(|| (start, length.max(1)).into())
}

/// In typst templates every value is written as a typst literal: strings become string
/// literals, numbers stay numbers. Anything else is a template bug.
fn typst_formatter(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if state.auto_escape() != AutoEscape::Custom("typst") || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    let literal = match value.kind() {
        minijinja::value::ValueKind::String => typst_string(value.as_str().unwrap_or_default()),
        minijinja::value::ValueKind::Number | minijinja::value::ValueKind::Bool => value.to_string(),
        minijinja::value::ValueKind::None | minijinja::value::ValueKind::Undefined => "none".to_owned(),
        kind => {
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("cannot write a {kind} into typst; read it from `data` in typst instead"),
            ));
        }
    };
    out.write_str(&literal).map_err(minijinja::Error::from)
}

/// A typst string literal holding exactly `text`.
pub fn typst_string(text: &str) -> String {
    let mut literal = String::with_capacity(text.len() + 2);
    literal.push('"');
    for c in text.chars() {
        match c {
            '\\' => literal.push_str("\\\\"),
            '"' => literal.push_str("\\\""),
            '\n' => literal.push_str("\\n"),
            '\r' => literal.push_str("\\r"),
            '\t' => literal.push_str("\\t"),
            c if c.is_control() => literal.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => literal.push(c),
        }
    }
    literal.push('"');
    literal
}

#[cfg(test)]
mod tests {
    use super::*;

    const FUEL: u64 = 1_000_000;

    #[test]
    fn strings_become_typst_literals() {
        assert_eq!(
            typst_string(r##"#read("x") $1 *a* @b <c>"##),
            r##""#read(\"x\") $1 *a* @b <c>""##
        );
        assert_eq!(typst_string("a\\b\nc"), r##""a\\b\nc""##);
    }

    #[test]
    fn templates_escape_what_they_interpolate() {
        let mut set = builtin("audit").unwrap();
        set.files.insert(ENTRY.into(), "#text({{ name }}) {{ count }}".into());
        let out = set
            .render(serde_json::json!({ "name": "*bold* #x", "count": 3 }), FUEL)
            .unwrap();
        assert_eq!(out, r##"#text("*bold* #x") 3"##);
    }

    #[test]
    fn undefined_variables_are_errors() {
        let mut set = builtin("audit").unwrap();
        set.files.insert(ENTRY.into(), "line one\n{{ missing.name }}".into());
        let error = set.render(serde_json::json!({}), FUEL).unwrap_err();
        assert!(
            matches!(error, RenderError::Template { span: Some(_), .. }),
            "{error:?}"
        );
    }

    #[test]
    fn endless_loops_run_out_of_fuel() {
        let mut set = builtin("audit").unwrap();
        let forever = "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}";
        set.files.insert(ENTRY.into(), forever.into());
        let error = set.render(serde_json::json!({}), FUEL).unwrap_err();
        assert!(error.to_string().contains("fuel"), "{error}");
    }

    #[test]
    fn generated_typst_names_the_partial_it_came_from() {
        let mut set = builtin("audit").unwrap();
        set.files
            .insert(ENTRY.into(), "head {% include 'a.typ.j2' %} tail".into());
        set.files
            .insert("a.typ.j2".into(), "A {% include 'b.typ.j2' %} A2".into());
        set.files.insert("b.typ.j2".into(), "B".into());
        let out = set.render(serde_json::json!({}), FUEL).unwrap();
        let at = |needle: &str| partial_at(&out, out.find(needle).unwrap());
        assert_eq!(at("head"), None);
        assert_eq!(at("A "), Some("a.typ.j2"));
        assert_eq!(at("B"), Some("b.typ.j2"));
        assert_eq!(at("A2"), Some("a.typ.j2"));
        assert_eq!(at("tail"), None);
    }

    #[test]
    fn includes_cannot_climb_out() {
        let mut set = builtin("audit").unwrap();
        set.files
            .insert(ENTRY.into(), "{% include '../secret.typ.j2' %}".into());
        assert!(set.render(serde_json::json!({}), FUEL).is_err());
    }
}
