//! The errors that need their place in the spec (a snippet of its file) or help worded
//! from what the file holds: the columns it has, the preset it looks like.

use super::{ReadFailure, SourceError};
use crate::plan::polars_message;
use crate::source::plan::Plan;
use crate::source::presets::{self, Preset};
use crate::spec::{suggest, Part, Spec};

impl SourceError {
    /// `file` could not be read because of `cause`.
    pub fn read(file: String, cause: impl Into<ReadFailure>) -> Self {
        Self::Read {
            file,
            cause: cause.into(),
        }
    }
}

/// "did you mean `x`?" and the list of the columns that exist.
pub fn columns_help(wanted: &str, existing: &[String]) -> String {
    let list = suggest::quoted_list(existing);
    match suggest::nearest(wanted, existing.iter().map(String::as_str)) {
        Some(near) => format!("did you mean `{near}`? the columns are {list}"),
        None => format!("the columns are {list}"),
    }
}

impl SourceError {
    pub fn expression(spec: &Spec, at: &str, error: polars::error::PolarsError) -> Self {
        let snippet = spec.files.locate(at, Part::Value);
        Self::Expression {
            message: polars_message(&error),
            src: snippet.src,
            span: snippet.span,
        }
    }

    pub fn missing_column(spec: &Spec, at: &str, column: &str, source_name: &str, existing: &[String]) -> Self {
        let snippet = spec.files.locate(at, Part::Value);
        Self::MissingColumn {
            column: column.to_owned(),
            source_name: source_name.to_owned(),
            src: snippet.src,
            span: snippet.span,
            help: columns_help(column, existing),
        }
    }
}

impl SourceError {
    pub fn unknown_preset(spec: &Spec, source: &str, name: &str) -> Self {
        let snippet = spec.files.locate(&format!("sources.{source}.preset"), Part::Value);
        let names = presets::all().keys().map(String::as_str);
        let help = match suggest::nearest(name, names) {
            Some(near) => format!("did you mean `{near}`? `kpipress presets` lists them all"),
            None => "`kpipress presets` lists the built-in presets".to_owned(),
        };
        Self::UnknownPreset {
            name: name.to_owned(),
            src: snippet.src,
            span: snippet.span,
            help,
        }
    }

    pub fn several_metrics(spec: &Spec, source: &str, metrics: Vec<String>) -> Self {
        let snippet = spec.files.locate(&format!("sources.{source}.path"), Part::Value);
        let first = metrics.first().cloned().unwrap_or_default();
        Self::SeveralMetrics {
            source_name: source.to_owned(),
            count: metrics.len(),
            metrics: suggest::quoted_some(&metrics, 10),
            src: snippet.src,
            span: snippet.span,
            help: format!(
                "summed together, the tables would give a figure none of them is: read one with `filter: \"metric = '{first}'\"` (a source per metric reads each)"
            ),
        }
    }

    pub fn wrong_export(preset: &Preset, file: &str, found: &[String]) -> Self {
        let best = presets::best_fit(found)
            .filter(|best| best.name != preset.name)
            .map(|best| format!("; it looks like `{}` ({})", best.name, best.title))
            .unwrap_or_default();
        let counts_weeks = found.iter().any(|h| h == "Nth week" || h == "Nth month");
        let weeks = if counts_weeks {
            ". GA4 counts weeks or months (`Nth week`) over a long range: download a range of a few months, which it counts in days"
        } else {
            ""
        };
        Self::WrongExport {
            file: file.to_owned(),
            preset: preset.name.clone(),
            missing: preset.missing(found).join(", nor "),
            help: format!(
                "`{}` reads {}. The file's columns are {}{best}{weeks}",
                preset.name,
                preset.title,
                suggest::quoted_some(found, 10)
            ),
        }
    }

    pub fn no_header(plan: &Plan, file: &str, likely_header: &[String]) -> Self {
        let found = if likely_header.is_empty() {
            "the file is empty".to_owned()
        } else {
            format!("its header seems to be {}", suggest::quoted_some(likely_header, 10))
        };
        Self::NoHeader {
            file: file.to_owned(),
            date: plan.date_header_described(),
            help: format!("name the date column with `date: <header>`; {found}"),
        }
    }
}

/// `files` as one sentence: "`a` is …; `b` is …".
pub(super) fn unusable(files: &[crate::source::paths::Unusable]) -> String {
    let each: Vec<String> = files.iter().map(|f| format!("`{}` is {}", f.file, f.why)).collect();
    each.join("; ")
}
