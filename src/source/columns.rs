//! Which columns a spec reads from one source, found from its SQL before any file is
//! opened: the columns KPIs read as numbers, those they only count, and those the content
//! section names.

use polars::prelude::*;

use super::error::SourceError;
use crate::spec::Spec;

/// Columns read as numbers, and columns only counted, each with the spec path that
/// reads it.
type ColumnsRead = (Vec<(String, String)>, Vec<(String, String)>);

/// The columns the KPIs (and content ranking) of source `name` read as numbers, and
/// those they only count (`COUNT(post_id)`), which may hold any text.
pub fn numeric_columns(spec: &Spec, name: &str) -> Result<ColumnsRead, SourceError> {
    let mut numeric = Vec::new();
    let mut counted = Vec::new();
    let mut read = |sql: &str, at: &str| -> Result<(), SourceError> {
        let all = referenced_columns(sql).map_err(|e| SourceError::expression(spec, at, e))?;
        let valued = referenced_columns(&without_counts(sql)).unwrap_or_else(|_| all.clone());
        for column in all {
            let list = if valued.contains(&column) {
                &mut numeric
            } else {
                &mut counted
            };
            list.push((column, at.to_owned()));
        }
        Ok(())
    };
    for kpi in spec.kpis.values().filter(|k| k.source.as_deref() == Some(name)) {
        read(&kpi.value, &format!("kpis.{}.value", kpi.id))?;
    }
    if let Some(content) = spec.content.as_ref().filter(|c| c.source == name) {
        read(&content.rank_by, "content.rank_by")?;
    }
    Ok((numeric, counted))
}

/// `sql` with every `COUNT(…)` replaced by `1`: the columns still read are read as values.
fn without_counts(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(at) = rest.to_ascii_uppercase().find("COUNT") {
        let after = rest[at + 5..].trim_start();
        let is_call = after.starts_with('(')
            && !rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !is_call {
            out.push_str(&rest[..at + 5]);
            rest = &rest[at + 5..];
            continue;
        }
        let open = rest.len() - after.len();
        let mut depth = 0;
        let close = rest[open..].char_indices().find_map(|(i, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(open + i)
        });
        let Some(close) = close else { break };
        out.push_str(&rest[..at]);
        out.push('1');
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The columns `content` names for a post's id, title and group, if it reads source
/// `name`, with the spec path that names each.
pub fn content_columns(spec: &Spec, name: &str) -> Vec<(String, String)> {
    let Some(content) = spec.content.as_ref().filter(|c| c.source == name) else {
        return Vec::new();
    };
    [
        ("id", &content.id),
        ("title", &content.title),
        ("group_by", &content.group_by),
    ]
    .into_iter()
    .filter_map(|(key, column)| Some((column.clone()?, format!("content.{key}"))))
    .collect()
}

/// The column names an SQL expression reads.
pub fn referenced_columns(sql: &str) -> PolarsResult<Vec<String>> {
    let expr = polars::sql::sql_expr(sql)?;
    Ok(expr.meta().root_names().into_iter().map(|n| n.to_string()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_columns_are_told_from_valued_ones() {
        assert_eq!(without_counts("SUM(views) / COUNT(post_id)"), "SUM(views) / 1");
        assert_eq!(without_counts("count(DISTINCT (post_id)) + SUM(x)"), "1 + SUM(x)");
        assert_eq!(without_counts("SUM(account_count)"), "SUM(account_count)");
    }
}
