//! Errors of computing KPIs; each points at the KPI's `value` in the spec.

use miette::{Diagnostic, NamedSource, SourceSpan};
use polars::prelude::*;

use crate::source::{polars_message, LoadedSource};
use crate::spec::{Kpi, Part, Spec};

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum MetricsError {
    #[error("KPI `{kpi}`: {message}")]
    #[diagnostic(code(metrics::expression))]
    Expression {
        kpi: String,
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("in this expression")]
        span: Option<SourceSpan>,
        #[help]
        help: Option<String>,
    },

    #[error("KPI `{kpi}` reads `{name}`, which is not a KPI")]
    #[diagnostic(code(metrics::unknown))]
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
        code(metrics::cycle),
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
    #[diagnostic(code(metrics::content))]
    Content {
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("in this expression")]
        span: Option<SourceSpan>,
    },

    #[error("internal error while computing KPIs ({0})")]
    #[diagnostic(code(metrics::internal))]
    Internal(String),
}

impl MetricsError {
    pub fn expression(spec: &Spec, kpi: &str, error: &PolarsError) -> Self {
        Self::with_message(spec, kpi, polars_message(error), None)
    }

    fn with_message(spec: &Spec, kpi: &str, message: String, help: Option<String>) -> Self {
        let snippet = spec.files.locate(&format!("kpis.{kpi}.value"), Part::Value);
        Self::Expression {
            kpi: kpi.to_owned(),
            message,
            src: snippet.src,
            span: snippet.span,
            help,
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

    pub fn internal(error: PolarsError) -> Self {
        Self::Internal(error.to_string())
    }
}

/// A source's aggregation failed: find the KPI whose expression fails on its own, so
/// the error points at it.
pub fn culprit(spec: &Spec, kpis: &[&Kpi], loaded: &LoadedSource, error: PolarsError) -> MetricsError {
    for kpi in kpis {
        let Ok(expr) = polars::sql::sql_expr(&kpi.value) else {
            continue;
        };
        if let Err(e) = loaded.frame.clone().select([expr]).limit(1).collect() {
            return MetricsError::expression(spec, &kpi.id, &e);
        }
    }
    MetricsError::internal(error)
}

/// An expression that does not aggregate (`likes` instead of `SUM(likes)`) gives a list
/// per period, not a number.
pub fn check_aggregated(spec: &Spec, kpis: &[&Kpi], frame: &DataFrame) -> Result<(), MetricsError> {
    for kpi in kpis {
        if frame
            .column(&kpi.id)
            .is_ok_and(|c| matches!(c.dtype(), DataType::List(_)))
        {
            return Err(MetricsError::with_message(
                spec,
                &kpi.id,
                "the expression does not aggregate the period's rows".into(),
                Some("wrap columns in an aggregate such as `SUM(likes)`, `AVG(views)` or `LAST(followers)`".into()),
            ));
        }
    }
    Ok(())
}
