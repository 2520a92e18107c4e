//! Spec errors, and [`SpecFiles`]: the sources of a spec's files, which every later stage
//! uses to point its own errors at the line that caused them.

use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, SourceSpan};

use super::problem::Problem;
use super::yaml::PositionIndex;

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum SpecError {
    #[error("cannot read spec `{path}` ({source})")]
    #[diagnostic(code(spec::read))]
    Read { path: String, source: std::io::Error },

    /// A file named as a spec (or by `extends`) that is not one; never quoted, since it
    /// may be anything (`/proc/self/environ`, `/etc/shadow`).
    #[error("`{path}` is not a spec: {why}")]
    #[diagnostic(
        code(spec::not_a_spec),
        help("a spec is a YAML file of keys (`client:`, `kpis:`, …) of at most 1 MiB")
    )]
    NotASpec { path: String, why: &'static str },

    /// A file of the `extends` chain that the spec may not read ([`super::tree`]).
    #[error("`{path}` is {why}")]
    #[diagnostic(code(spec::refused), help("{}", super::tree::HELP))]
    Refused { path: String, why: super::Refusal },

    /// Something wrong at a place in a spec; [`Problem`] says what.
    #[error("{problem}")]
    #[diagnostic(code(spec::invalid))]
    Invalid {
        problem: Problem,
        #[source_code]
        src: NamedSource<String>,
        #[label("{label}")]
        span: Option<SourceSpan>,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("`extends` goes round in a circle: {chain}")]
    #[diagnostic(code(spec::extends))]
    ExtendsCycle { chain: String },

    #[error("no spec file matches `{pattern}`")]
    #[diagnostic(code(spec::glob))]
    NoMatch { pattern: String },

    #[error("`{pattern}` is not a valid glob ({message})")]
    #[diagnostic(code(spec::glob))]
    BadGlob { pattern: String, message: String },
}

/// Something in a spec worth a second look that does not stop the build: a SMART check.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(spec::smart), severity(Warning))]
pub struct SpecWarning {
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("here")]
    pub span: Option<SourceSpan>,
    #[help]
    pub help: Option<String>,
}

impl SpecError {
    /// `problem` at `snippet`.
    pub fn at(snippet: Snippet, problem: Problem) -> Self {
        SpecError::Invalid {
            label: problem.label(),
            help: problem.help(),
            problem,
            src: snippet.src,
            span: snippet.span,
        }
    }
}

impl SpecWarning {
    /// `specs/clients/uyut.yaml:31:5: message`, for one-line logs and the JSON report.
    pub fn one_line(&self) -> String {
        let text = self.src.inner();
        match self.span {
            Some(span) => {
                let before = &text[..span.offset().min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("{}:{line}:{column}: {}", self.src.name(), self.message)
            }
            None => format!("{}: {}", self.src.name(), self.message),
        }
    }
}

/// A place in a spec file, ready for a diagnostic.
#[derive(Debug, Clone)]
pub struct Snippet {
    pub src: NamedSource<String>,
    pub span: Option<SourceSpan>,
}

/// Which part of a `key: value` line an error is about.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    Key,
    Value,
}

/// One file of a spec's `extends` chain.
#[derive(Debug, Clone)]
pub struct SpecFile {
    pub path: PathBuf,
    pub text: String,
    pub index: PositionIndex,
}

/// The files of a spec, the client's own first, then what it extends.
#[derive(Debug, Default, Clone)]
pub struct SpecFiles {
    pub files: Vec<SpecFile>,
}

impl SpecFiles {
    /// The place that wrote `path` (`kpis.er.value`): the first file, child first, that
    /// has it, or failing that the nearest enclosing key that some file has.
    pub fn locate(&self, path: &str, part: Part) -> Snippet {
        let mut wanted = path;
        loop {
            for file in &self.files {
                if let Some(position) = file.index.get(wanted) {
                    let offset = match part {
                        Part::Key => position.key,
                        Part::Value if wanted == path => position.value,
                        Part::Value => position.key,
                    };
                    return file.snippet(offset);
                }
            }
            match wanted.rfind(['.', '[']) {
                Some(cut) => wanted = &wanted[..cut],
                None => break,
            }
        }
        let file = &self.files[0];
        Snippet {
            src: file.named_source(),
            span: None,
        }
    }

    /// `problem` at `path`.
    pub fn invalid(&self, path: &str, part: Part, problem: Problem) -> SpecError {
        SpecError::at(self.locate(path, part), problem)
    }

    /// A [`SpecWarning`] at `path`.
    pub fn warning(&self, path: &str, message: &str, help: Option<String>) -> SpecWarning {
        let Snippet { src, span } = self.locate(path, Part::Key);
        SpecWarning {
            message: message.to_owned(),
            src,
            span,
            help,
        }
    }

    /// The client's own spec file.
    pub fn main_path(&self) -> &Path {
        &self.files[0].path
    }
}

impl SpecFile {
    pub fn named_source(&self) -> NamedSource<String> {
        NamedSource::new(self.path.display().to_string(), self.text.clone()).with_language("yaml")
    }

    /// A span from `offset` to the end of its token or line.
    pub fn snippet(&self, offset: usize) -> Snippet {
        let offset = offset.min(self.text.len());
        let rest = &self.text[offset..];
        let line = rest.split('\n').next().unwrap_or("").trim_end();
        let len = if line.starts_with(['"', '\'', '[', '{']) {
            line.len()
        } else {
            // A key ends at its colon; an item of a flow list or map at its comma or bracket.
            let ends = [line.find(": "), line.find(", "), line.find(']'), line.find('}')];
            let end = ends
                .into_iter()
                .flatten()
                .min()
                .or_else(|| line.strip_suffix(':').map(str::len))
                .unwrap_or(line.len());
            line[..end].trim_end().len()
        };
        Snippet {
            src: self.named_source(),
            span: Some(SourceSpan::from((offset, len.max(1)))),
        }
    }
}
