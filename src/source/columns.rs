//! Which columns a spec names outside its KPIs: those the content section names, and
//! those an SQL filter reads. The KPIs' own come from the [`crate::plan`].

use polars::prelude::*;

use crate::spec::Spec;

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
