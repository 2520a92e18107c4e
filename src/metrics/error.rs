//! Errors of computing KPIs; each points at the KPI's `value` in the spec.

use miette::{Diagnostic, NamedSource, SourceSpan};
use polars::prelude::*;

use crate::plan::polars_message;
use crate::source::LoadedSource;
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

    #[error("`content.rank_by`: {message}")]
    #[diagnostic(code(metrics::content))]
    Content {
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("in this expression")]
        span: Option<SourceSpan>,
    },

    #[error("internal error while computing KPIs")]
    #[diagnostic(code(metrics::internal))]
    Internal(#[source] PolarsError),
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

    pub fn content(spec: &Spec, error: &PolarsError) -> Self {
        let snippet = spec.files.locate("content.rank_by", Part::Value);
        Self::Content {
            message: polars_message(error),
            src: snippet.src,
            span: snippet.span,
        }
    }

    pub fn internal(error: PolarsError) -> Self {
        Self::Internal(error)
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
