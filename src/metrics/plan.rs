//! What computing the KPIs takes, worked out from the spec alone before any export is
//! read: every expression parsed once, the KPIs without a source ordered, and which KPIs
//! add up over days. A typo or a cycle in a KPI fails here, in milliseconds, whatever
//! the size of the sources.

use std::collections::HashSet;

use indexmap::IndexMap;
use polars::prelude::*;

use super::graph::{self, Derived};
use super::{additive, MetricsError};
use crate::spec::Spec;

pub struct KpiPlan {
    /// Each KPI's expression, as polars evaluates it.
    pub exprs: IndexMap<String, Expr>,
    pub derived: Derived,
    /// The KPIs that add up over days, so a partial period can be projected.
    pub additive: HashSet<String>,
}

pub fn plan(spec: &Spec) -> Result<KpiPlan, MetricsError> {
    let derived = graph::derived(spec)?;
    let exprs = spec
        .kpis
        .values()
        .map(|kpi| Ok((kpi.id.clone(), kpi_expr(spec, &kpi.id, &kpi.value)?)))
        .collect::<Result<IndexMap<_, _>, MetricsError>>()?;
    let additive = additive::additive_kpis(&exprs, &derived.order);
    Ok(KpiPlan {
        exprs,
        derived,
        additive,
    })
}

/// A KPI's SQL as a polars expression. `FIRST` and `LAST` take the first and last value
/// there is: a stock such as TikTok's followers is `undefined` (no value) on the days
/// before its history starts, and a month that starts there still has a first value.
/// Every division by zero is no value rather than infinity: in `AVG(likes / views)` a
/// day without views drops out instead of making the month's average infinite.
fn kpi_expr(spec: &Spec, id: &str, sql: &str) -> Result<Expr, MetricsError> {
    let expr = polars::sql::sql_expr(sql).map_err(|e| MetricsError::expression(spec, id, &e))?;
    Ok(expr.map_expr(|e| match e {
        Expr::Agg(AggExpr::First(input)) => Expr::Agg(AggExpr::FirstNonNull(input)),
        Expr::Agg(AggExpr::Last(input)) => Expr::Agg(AggExpr::LastNonNull(input)),
        Expr::BinaryExpr {
            op: Operator::RustDivide | Operator::TrueDivide | Operator::FloorDivide,
            ..
        } => {
            let quotient = e.cast(DataType::Float64);
            when(quotient.clone().is_finite())
                .then(quotient)
                .otherwise(lit(NULL).cast(DataType::Float64))
        }
        other => other,
    }))
}
