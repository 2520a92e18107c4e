//! The plan: what computing the report takes, worked out from the spec alone before any
//! export is read. Every KPI expression (and `content.rank_by`) is parsed once; the KPIs
//! without a source are ordered; which KPIs add up over days, and which columns each
//! source must supply as numbers or may hold as any text, come from the expression
//! trees. A typo or a cycle fails here, in milliseconds, whatever the size of the data.
//! Output: [`Plan`].

mod additive;
mod error;
mod graph;

use std::collections::HashSet;

use indexmap::IndexMap;
use polars::prelude::*;

pub use error::{polars_message, PlanError};
pub use graph::Derived;

use crate::spec::Spec;

pub struct Plan {
    /// Each KPI's expression, as polars evaluates it.
    pub exprs: IndexMap<String, Expr>,
    pub derived: Derived,
    /// The KPIs that add up over days, so a partial period can be projected.
    pub additive: HashSet<String>,
    /// Per source, the columns its KPIs and `content.rank_by` read.
    pub columns: IndexMap<String, SourceColumns>,
    /// `content.rank_by`, parsed.
    pub rank_by: Option<Expr>,
    /// Per KPI with a source and a sum or mean: whether one of them overflowed in a group.
    pub overflows: IndexMap<String, Expr>,
}

/// The columns read from one source, each with the spec path that reads it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SourceColumns {
    /// Read as numbers: summed, averaged, divided.
    pub numeric: Vec<(String, String)>,
    /// Only counted (`COUNT(post_id)`, `COUNT(DISTINCT post_id)`): any text will do.
    pub counted: Vec<(String, String)>,
}

pub fn plan(spec: &Spec) -> Result<Plan, PlanError> {
    let exprs = spec
        .kpis
        .values()
        .map(|kpi| Ok((kpi.id.clone(), kpi_expr(spec, &kpi.id, &kpi.value)?)))
        .collect::<Result<IndexMap<_, _>, PlanError>>()?;
    let derived = graph::derived(spec, &exprs)?;
    let additive = additive::additive_kpis(&exprs, &derived.order);
    let rank_by = match &spec.content {
        Some(content) => Some(polars::sql::sql_expr(&content.rank_by).map_err(|e| PlanError::content(spec, &e))?),
        None => None,
    };
    let mut columns: IndexMap<String, SourceColumns> = spec
        .sources
        .keys()
        .map(|name| (name.clone(), SourceColumns::default()))
        .collect();
    for kpi in spec.kpis.values() {
        if let Some(read) = kpi.source.as_ref().and_then(|s| columns.get_mut(s)) {
            read.add(&exprs[&kpi.id], &format!("kpis.{}.value", kpi.id));
            // A breakdown's column is read as text, whatever it holds.
            if let Some(column) = &kpi.breakdown {
                read.counted
                    .push((column.clone(), format!("kpis.{}.breakdown", kpi.id)));
            }
        }
    }
    if let (Some(content), Some(rank_by)) = (&spec.content, &rank_by) {
        if let Some(read) = columns.get_mut(&content.source) {
            read.add(rank_by, "content.rank_by");
        }
    }
    let overflows = spec
        .kpis
        .values()
        .filter(|kpi| kpi.source.is_some())
        .filter_map(|kpi| Some((kpi.id.clone(), overflows(&kpi.value)?)))
        .collect();
    Ok(Plan {
        exprs,
        derived,
        additive,
        columns,
        rank_by,
        overflows,
    })
}

impl SourceColumns {
    /// Adds the columns `expr` reads, written at `at`: those under a count are counted,
    /// the rest read as numbers.
    fn add(&mut self, expr: &Expr, at: &str) {
        // SQL's `COUNT(DISTINCT x)` is polars' `x.n_unique() - (x.null_count() > 0)`.
        let valued = root_names(&expr.clone().map_expr(|e| match e {
            Expr::Agg(AggExpr::Count { .. } | AggExpr::NUnique(_)) => lit(1),
            Expr::Function {
                function: FunctionExpr::NullCount,
                ..
            } => lit(0),
            other => other,
        }));
        for column in root_names(expr) {
            let list = if valued.contains(&column) {
                &mut self.numeric
            } else {
                &mut self.counted
            };
            list.push((column, at.to_owned()));
        }
    }
}

/// The column names an expression reads, each once.
pub fn root_names(expr: &Expr) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in expr.clone().meta().root_names() {
        if !names.iter().any(|n| n == name.as_str()) {
            names.push(name.to_string());
        }
    }
    names
}

/// A KPI's SQL as a polars expression. `FIRST` and `LAST` take the first and last value
/// there is: a stock such as TikTok's followers is `undefined` (no value) on the days
/// before its history starts, and a month that starts there still has a first value.
/// Every division by zero is no value rather than infinity: in `AVG(likes / views)` a
/// day without views drops out instead of making the month's average infinite.
///
/// A sum or mean past what a float holds (two cells of 1.7e308) is no value too: as
/// infinity it would make `SUM(likes) / SUM(views)` a made-up 0.
fn kpi_expr(spec: &Spec, id: &str, sql: &str) -> Result<Expr, PlanError> {
    let expr = polars::sql::sql_expr(sql).map_err(|e| PlanError::expression(spec, id, &e))?;
    Ok(guarded(expr))
}

/// `expr` with the rules of [`kpi_expr`]: first and last values there are, and no value
/// where a division, sum or mean is not a finite number.
fn guarded(expr: Expr) -> Expr {
    expr.map_expr(|e| match e {
        Expr::Agg(AggExpr::First(input)) => Expr::Agg(AggExpr::FirstNonNull(input)),
        Expr::Agg(AggExpr::Last(input)) => Expr::Agg(AggExpr::LastNonNull(input)),
        Expr::Agg(AggExpr::Sum(_) | AggExpr::Mean(_)) => finite_or_null(e),
        Expr::BinaryExpr {
            op: Operator::RustDivide | Operator::TrueDivide | Operator::FloorDivide,
            ..
        } => finite_or_null(e),
        other => other,
    })
}

/// `expr` as a float where it is finite, else null.
fn finite_or_null(expr: Expr) -> Expr {
    let float = expr.cast(DataType::Float64);
    when(float.clone().is_finite())
        .then(float)
        .otherwise(lit(NULL).cast(DataType::Float64))
}

/// Whether any sum or mean of `sql` is past what a float holds, per group: what made a
/// KPI "no data" where its rows alone would not have, for the warning that says so.
fn overflows(sql: &str) -> Option<Expr> {
    let expr = polars::sql::sql_expr(sql).ok()?;
    let aggregates = (&expr).into_iter().filter_map(|e| match e {
        Expr::Agg(AggExpr::Sum(_) | AggExpr::Mean(_)) => Some(e.clone().cast(DataType::Float64).is_finite().not()),
        _ => None,
    });
    aggregates.reduce(|a, b| a.or(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(sql: &str) -> SourceColumns {
        let mut columns = SourceColumns::default();
        columns.add(&polars::sql::sql_expr(sql).unwrap(), "at");
        columns
    }

    fn names(list: &[(String, String)]) -> Vec<&str> {
        list.iter().map(|(c, _)| c.as_str()).collect()
    }

    #[test]
    fn guarded_sums_still_add_up_and_ratios_do_not() {
        let mut exprs = IndexMap::new();
        for (id, sql) in [("leads", "SUM(leads) + COUNT(x)"), ("rate", "SUM(a) / SUM(b)")] {
            exprs.insert(id.to_owned(), guarded(polars::sql::sql_expr(sql).unwrap()));
        }
        let additive = additive::additive_kpis(&exprs, &[]);
        assert!(additive.contains("leads") && !additive.contains("rate"), "{additive:?}");
    }

    #[test]
    fn counted_columns_are_told_from_valued_ones() {
        let columns = read("SUM(views) / COUNT(post_id)");
        assert_eq!(
            (names(&columns.numeric), names(&columns.counted)),
            (vec!["views"], vec!["post_id"])
        );
        let columns = read("count(DISTINCT post_id) + SUM(x)");
        assert_eq!(
            (names(&columns.numeric), names(&columns.counted)),
            (vec!["x"], vec!["post_id"])
        );
        assert_eq!(names(&read("SUM(account_count)").numeric), ["account_count"]);
    }
}
