//! A database source's failures as the source stage's errors, placed in the spec: the
//! variable's name, the query's character at fault.

use miette::SourceSpan;

use super::Failure;
use crate::source::error::SourceError;
use crate::spec::{Part, Spec};

impl SourceError {
    pub fn database(spec: &Spec, source_name: &str, variable: &str, failure: Failure) -> Self {
        let at = |key: &str| format!("sources.{source_name}.{key}");
        match failure {
            Failure::Unset => {
                let snippet = spec.files.locate(&at("database.env"), Part::Value);
                SourceError::DatabaseUnset {
                    variable: variable.to_owned(),
                    source_name: source_name.to_owned(),
                    src: snippet.src,
                    span: snippet.span,
                }
            }
            Failure::NotAUrl(reason) => SourceError::DatabaseUrl {
                variable: variable.to_owned(),
                reason,
            },
            Failure::Tls { server, reason } => SourceError::DatabaseTls { server, reason },
            Failure::Connect { server, reason } => SourceError::DatabaseConnect { server, reason },
            Failure::Refused { server, message } => SourceError::DatabaseRefused { server, message },
            Failure::Unsupported { server, what } => SourceError::DatabaseLogin { server, what },
            Failure::Broken { server, reason } => SourceError::DatabaseBroken { server, reason },
            Failure::Query {
                message,
                hint,
                position,
            } => {
                let snippet = spec.files.locate(&at("query"), Part::Value);
                let span = match (snippet.span, position) {
                    (Some(span), Some(position)) => Some(at_character(snippet.src.inner(), span, position)),
                    (span, _) => span,
                };
                SourceError::DatabaseQuery {
                    source_name: source_name.to_owned(),
                    message,
                    src: snippet.src,
                    span,
                    help: hint,
                }
            }
            Failure::Unmapped(unmapped) => SourceError::DatabaseType {
                source_name: source_name.to_owned(),
                column: unmapped.column,
                type_name: unmapped.type_name,
            },
            Failure::BadCell(cell) => SourceError::DatabaseBroken {
                server: format!("of source `{source_name}`"),
                reason: format!("row {}, column `{}` is not what its type says", cell.row, cell.column),
            },
            Failure::Frame(e) => SourceError::read(format!("the query of source `{source_name}`"), e),
        }
    }
}

/// The span of the query's `position`th character (1-based, as the server counts), in
/// the spec text where the query's value starts at `value`: past an opening quote, on
/// the query's line. A query written over several lines keeps the value's own span.
fn at_character(text: &str, value: SourceSpan, position: usize) -> SourceSpan {
    let start = value.offset();
    let rest = &text[start.min(text.len())..];
    let skip = usize::from(rest.starts_with(['"', '\'']));
    let line = rest[skip..].lines().next().unwrap_or("");
    match line.char_indices().nth(position.saturating_sub(1)) {
        Some((byte, c)) => SourceSpan::new((start + skip + byte).into(), c.len_utf8()),
        None => value,
    }
}
