//! Errors found from the spec alone: an expression that does not parse, a name that is
//! no KPI, KPIs that read each other. Each points at the spec's line.

use miette::{Diagnostic, NamedSource, SourceSpan};
use polars::prelude::*;

use crate::spec::{Part, Spec};

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum PlanError {
    #[error("KPI `{kpi}`: {message}")]
    #[diagnostic(code(plan::expression))]
    Expression {
        kpi: String,
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("in this expression")]
        span: Option<SourceSpan>,
    },

    #[error("KPI `{kpi}` reads `{name}`, which is not a KPI")]
    #[diagnostic(code(plan::unknown))]
    UnknownName {
        kpi: String,
        name: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("unknown name")]
        span: Option<SourceSpan>,
        #[help]
        help: Option<String>,
    },

    #[error("KPIs depend on each other in a circle: {cycle}")]
    #[diagnostic(
        code(plan::cycle),
        help("a KPI without `source` may read only KPIs that do not read it back")
    )]
    Cycle {
        cycle: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("the circle starts here")]
        span: Option<SourceSpan>,
    },

    #[error("`content.rank_by`: {message}")]
    #[diagnostic(code(plan::content))]
    Content {
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("in this expression")]
        span: Option<SourceSpan>,
    },
}

impl PlanError {
    pub fn expression(spec: &Spec, kpi: &str, error: &PolarsError) -> Self {
        let snippet = spec.files.locate(&format!("kpis.{kpi}.value"), Part::Value);
        Self::Expression {
            kpi: kpi.to_owned(),
            message: polars_message(error),
            src: snippet.src,
            span: snippet.span,
        }
    }

    pub fn unknown_name(spec: &Spec, kpi: &str, name: &str, help: Option<String>) -> Self {
        let snippet = spec.files.locate(&format!("kpis.{kpi}.value"), Part::Value);
        Self::UnknownName {
            kpi: kpi.to_owned(),
            name: name.to_owned(),
            src: snippet.src,
            span: snippet.span,
            help,
        }
    }

    pub fn cycle(spec: &Spec, cycle: &[&str]) -> Self {
        let snippet = spec.files.locate(&format!("kpis.{}.value", cycle[0]), Part::Value);
        let cycle = cycle.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" -> ");
        Self::Cycle {
            cycle,
            src: snippet.src,
            span: snippet.span,
        }
    }

    pub fn content(spec: &Spec, error: &PolarsError) -> Self {
        let snippet = spec.files.locate("content.rank_by", Part::Value);
        Self::Content {
            message: polars_message(error),
            src: snippet.src,
            span: snippet.span,
        }
    }
}

/// polars' message (from any stage that runs polars: the plan parses SQL, the sources
/// read files, the metrics aggregate) without its "ErrString(…)" wrapping and trailing whitespace.
pub fn polars_message(error: &polars::error::PolarsError) -> String {
    let text = error.to_string();
    let text = text.lines().next().unwrap_or("").trim();
    text.strip_prefix("sql parser error: ").unwrap_or(text).to_owned()
}
