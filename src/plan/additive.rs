//! Which KPIs add up over days (`SUM(leads)`, `COUNT(post_id)`, or sums of such KPIs), so
//! the part of a period the data covers can be projected to the whole period. Ratios,
//! averages, distinct counts and stocks (`LAST(followers)`) cannot. Decided from the
//! parsed expression, never from its text.

use std::collections::HashSet;

use indexmap::IndexMap;
use polars::prelude::*;

/// The KPIs whose value over a period is the sum of their values over its days: those
/// with a source whose expression is a sum or difference of `SUM`s and `COUNT`s, then,
/// in `derived_order`, those that add or subtract such KPIs.
pub fn additive_kpis(exprs: &IndexMap<String, Expr>, derived_order: &[String]) -> HashSet<String> {
    let mut additive: HashSet<String> = exprs
        .iter()
        .filter(|(id, expr)| !derived_order.contains(id) && adds_up(expr, &HashSet::new()))
        .map(|(id, _)| id.clone())
        .collect();
    for id in derived_order {
        if adds_up(&exprs[id], &additive) {
            additive.insert(id.clone());
        }
    }
    additive
}

/// Whether `expr` is a sum or difference of terms that add up: sums, counts of rows or
/// values, and the KPIs named in `kpis`.
fn adds_up(expr: &Expr, kpis: &HashSet<String>) -> bool {
    match expr {
        Expr::Agg(AggExpr::Sum(_) | AggExpr::Count { .. }) | Expr::Len => true,
        Expr::BinaryExpr {
            left,
            op: Operator::Plus | Operator::Minus,
            right,
        } => adds_up(left, kpis) && adds_up(right, kpis),
        Expr::Alias(inner, _) | Expr::Cast { expr: inner, .. } => adds_up(inner, kpis),
        // polars writes SQL's `SUM(x)` as "the sum, or null when every x is null", and
        // the plan a sum as "the sum, or null where it is not finite".
        Expr::Ternary { truthy, falsy, .. } => adds_up(truthy, kpis) && is_literal(falsy),
        Expr::Column(name) => kpis.contains(name.as_str()),
        _ => false,
    }
}

/// A literal, or a literal cast to a type (`NULL` as a float).
fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Literal(_) => true,
        Expr::Cast { expr, .. } => is_literal(expr),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn additive(sql: &str) -> bool {
        adds_up(&polars::sql::sql_expr(sql).unwrap(), &HashSet::new())
    }

    #[test]
    fn sums_and_counts_add_up_over_days() {
        assert!(additive("SUM(leads)"));
        assert!(additive("count(post_id)"));
        assert!(additive("COUNT(*)"));
        assert!(additive("SUM(likes) + SUM(comments) - SUM(spam)"));
        assert!(additive("SUM(CASE WHEN x > 0 THEN x ELSE 0 END)"));
    }

    #[test]
    fn ratios_stocks_averages_and_distinct_counts_do_not() {
        assert!(!additive("SUM(clicks) / SUM(impressions)"));
        assert!(!additive("LAST(followers)"));
        assert!(!additive("AVG(views)"));
        assert!(!additive("SUM(views) * 2"));
        assert!(!additive("COUNT(DISTINCT post_id)"));
    }

    #[test]
    fn derived_kpis_add_up_when_what_they_add_does() {
        let mut exprs = IndexMap::new();
        for (id, sql) in [
            ("leads", "SUM(leads)"),
            ("rate", "AVG(x)"),
            ("all", "leads + leads"),
            ("odd", "leads + rate"),
        ] {
            exprs.insert(id.to_owned(), polars::sql::sql_expr(sql).unwrap());
        }
        let additive = additive_kpis(&exprs, &["all".to_owned(), "odd".to_owned()]);
        assert!(additive.contains("leads") && additive.contains("all"));
        assert!(!additive.contains("rate") && !additive.contains("odd"));
    }
}
