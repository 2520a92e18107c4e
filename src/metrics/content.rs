//! The reported period's posts, each scored by `content.rank_by`: the best, the weakest,
//! and the average score of each `group_by` group. Output: [`ContentRanking`].

use chrono::NaiveDate;
use polars::prelude::*;

use super::{dates, finite_values, MetricsError};
use crate::plan::Plan;
use crate::source::{Sources, DATE};
use crate::spec::{Content, Period, Spec, ValueFormat};

const SCORE: &str = "__score";
const GROUP: &str = "__group";
const POSTS: &str = "__posts";

#[derive(Debug, Clone, PartialEq)]
pub struct ContentRanking {
    pub rank_by: String,
    pub format: ValueFormat,
    /// The columns the score reads, shown beside it.
    pub metrics: Vec<String>,
    /// The column the groups come from.
    pub group_by: Option<String>,
    /// Posts in the period.
    pub posts: usize,
    /// Of those, the ones with a score (a division by zero gives none).
    pub scored: usize,
    /// The mean score of a post.
    pub average: Option<f64>,
    /// Best first.
    pub top: Vec<Post>,
    /// Weakest first; never a post that is also in `top`.
    pub bottom: Vec<Post>,
    /// By mean score, best first.
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: Option<String>,
    pub title: Option<String>,
    pub date: Option<NaiveDate>,
    pub score: f64,
    /// In the order of [`ContentRanking::metrics`].
    pub metrics: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// `None` for posts without a value in the group column.
    pub name: Option<String>,
    pub posts: usize,
    pub score: f64,
}

/// Ranks the posts of `period`, or `None` when the spec has no `content`.
pub fn rank(
    spec: &Spec,
    plan: &Plan,
    sources: &Sources,
    period: Period,
) -> Result<Option<ContentRanking>, MetricsError> {
    let Some(content) = &spec.content else {
        return Ok(None);
    };
    let loaded = &sources.sources[&content.source];
    let fail = |e: PolarsError| MetricsError::content(spec, &e);
    let Some(score) = plan.rank_by.clone() else {
        return Ok(None);
    };
    let metrics = crate::plan::root_names(&score);
    let posts = one_row_per_post(loaded.frame.clone(), content, period, &metrics)
        .with_column(score.cast(DataType::Float64).alias(SCORE))
        .with_column(finite(SCORE))
        .collect()
        .map_err(fail)?;
    let scored = posts
        .clone()
        .lazy()
        .filter(col(SCORE).is_not_null())
        .sort_by_exprs(
            [col(SCORE), col(DATE)],
            SortMultipleOptions::default()
                .with_order_descending_multi([true, false])
                .with_maintain_order(true),
        )
        .collect()
        .map_err(fail)?;
    let ranked = rows(&scored, content, &metrics)?;
    let top_len = content.top.min(ranked.len());
    let bottom_len = content.top.min(ranked.len() - top_len);
    let average = mean(ranked.iter().map(|p| p.score));
    Ok(Some(ContentRanking {
        rank_by: content.rank_by.clone(),
        format: content.format,
        group_by: content.group_by.clone(),
        posts: posts.height(),
        scored: ranked.len(),
        average,
        bottom: ranked[ranked.len() - bottom_len..].iter().rev().cloned().collect(),
        top: ranked[..top_len].to_vec(),
        groups: groups(&scored, content).map_err(fail)?,
        metrics,
    }))
}

/// The period's rows, one per post: a post with several rows (daily snapshots of its
/// running totals) counts as its latest, dated by its first.
fn one_row_per_post(frame: LazyFrame, content: &Content, period: Period, metrics: &[String]) -> LazyFrame {
    let in_period = col(DATE)
        .gt_eq(lit(period.start))
        .and(col(DATE).lt_eq(lit(period.end())));
    let kept = unique(
        [DATE]
            .into_iter()
            .chain(content.title.as_deref())
            .chain(content.group_by.as_deref())
            .chain(metrics.iter().map(String::as_str)),
    );
    let rows = frame
        .filter(in_period)
        .sort([DATE], SortMultipleOptions::default().with_maintain_order(true));
    match content.id.as_deref() {
        Some(id) => {
            let latest = kept.iter().filter(|c| **c != id && **c != DATE).map(|c| col(*c).last());
            let first_day = col(DATE).first();
            rows.group_by_stable([col(id)])
                .agg(std::iter::once(first_day).chain(latest).collect::<Vec<_>>())
        }
        None => rows.select(kept.iter().map(|c| col(*c)).collect::<Vec<_>>()),
    }
}

/// NaN and infinities (a post with no views) have no score.
fn finite(name: &str) -> Expr {
    when(col(name).is_finite())
        .then(col(name))
        .otherwise(lit(NULL).cast(DataType::Float64))
        .alias(name)
}

fn rows(frame: &DataFrame, content: &Content, metrics: &[String]) -> Result<Vec<Post>, MetricsError> {
    let ids = texts(frame, content.id.as_deref())?;
    let titles = texts(frame, content.title.as_deref())?;
    let days = dates(frame, DATE)?;
    let scores = finite_values(frame, SCORE)?;
    let values: Vec<Vec<Option<f64>>> = metrics
        .iter()
        .map(|m| finite_values(frame, m))
        .collect::<Result<_, _>>()?;
    Ok((0..frame.height())
        .map(|i| Post {
            id: ids[i].clone(),
            title: titles[i].clone(),
            date: days[i],
            score: scores[i].unwrap_or_default(),
            metrics: values.iter().map(|v| v[i]).collect(),
        })
        .collect())
}

/// A column as text, or all `None` when the spec names no such column.
fn texts(frame: &DataFrame, name: Option<&str>) -> Result<Vec<Option<String>>, MetricsError> {
    let Some(name) = name else {
        return Ok(vec![None; frame.height()]);
    };
    let column = frame
        .column(name)
        .and_then(|c| c.cast(&DataType::String))
        .map_err(MetricsError::internal)?;
    let strings = column.str().map_err(MetricsError::internal)?;
    Ok(strings.iter().map(|s| s.map(str::to_owned)).collect())
}

fn groups(scored: &DataFrame, content: &Content) -> PolarsResult<Vec<Group>> {
    let Some(group_by) = content.group_by.as_deref() else {
        return Ok(Vec::new());
    };
    let frame = scored
        .clone()
        .lazy()
        .group_by_stable([col(group_by).cast(DataType::String).alias(GROUP)])
        .agg([col(SCORE).mean(), len().alias(POSTS)])
        .sort(
            [SCORE],
            SortMultipleOptions::default()
                .with_order_descending(true)
                .with_maintain_order(true),
        )
        .collect()?;
    let names = frame.column(GROUP)?.str()?.clone();
    let scores = frame.column(SCORE)?.f64()?.clone();
    let posts = frame.column(POSTS)?.cast(&DataType::UInt64)?;
    let posts = posts.u64()?;
    Ok(names
        .iter()
        .zip(scores.iter())
        .zip(posts.iter())
        .filter_map(|((name, score), posts)| {
            Some(Group {
                name: name.map(str::to_owned),
                posts: posts? as usize,
                score: score?,
            })
        })
        .collect())
}

/// The items in their first order, each once.
fn unique<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut kept = Vec::new();
    for item in items {
        if !kept.contains(&item) {
            kept.push(item);
        }
    }
    kept
}

fn mean(values: impl ExactSizeIterator<Item = f64>) -> Option<f64> {
    let count = values.len();
    (count > 0).then(|| values.sum::<f64>() / count as f64)
}
