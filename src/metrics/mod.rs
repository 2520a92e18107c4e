//! Metrics: every KPI per period. KPIs with a source are polars SQL aggregates over the
//! source's rows in each period; KPIs without one are polars SQL expressions over other
//! KPIs of the same period, evaluated in dependency order. Output: [`MetricTable`].

mod breakdown;
pub mod content;
mod error;
mod outliers;
mod warning;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use indexmap::IndexMap;
use polars::prelude::*;

pub use breakdown::Breakdowns;
pub use error::MetricsError;

use crate::plan::{Derived, Plan};
use crate::source::{Sources, DATE, EPOCH_DAYS_FROM_CE};
use crate::spec::{Period, Spec};
pub use warning::MetricWarning;

pub(super) const PERIOD: &str = "__period";
const LAST_DATE: &str = "__last_date";
const FIRST_DATE: &str = "__first_date";
const ROWS: &str = "__rows";

/// From how many rows a source is aggregated by polars' streaming engine: starting it
/// costs more than a client's export of a few thousand rows takes in memory (a fifth of
/// the instructions of reading and counting one).
const STREAMING_FROM_ROWS: usize = 200_000;

/// KPI x period. A value is `None` where there is no data: an empty period, missing
/// values, or a division by zero.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricTable {
    /// Consecutive periods, from the first with data to the last with data (or the
    /// requested one, if later).
    pub periods: Vec<Period>,
    pub values: IndexMap<String, Vec<Option<f64>>>,
    /// The last day any source has data for.
    pub data_end: Option<NaiveDate>,
    /// Per KPI, the last day its data covers: its source's last day, or for a KPI without
    /// a source the earliest of those of the KPIs it reads.
    pub ends: IndexMap<String, Option<NaiveDate>>,
    /// The KPIs that add up over days, so a partial period can be projected.
    pub additive: HashSet<String>,
    /// Rows left out because they lie far out in time, for whoever reads the report.
    pub warnings: Vec<MetricWarning>,
    /// The KPIs with a `breakdown`, per part, a value per period.
    pub breakdowns: Breakdowns,
    /// Per competitor, per KPI it has, a value per period of `periods`.
    pub competitors: IndexMap<String, IndexMap<String, Vec<Option<f64>>>>,
}

impl MetricTable {
    pub fn index_of(&self, period: Period) -> Option<usize> {
        self.periods.iter().position(|p| *p == period)
    }

    pub fn value(&self, kpi: &str, index: usize) -> Option<f64> {
        self.values.get(kpi).and_then(|v| v.get(index).copied().flatten())
    }

    /// Adds `id`'s values, computed in `theirs` over its own periods, on this table's,
    /// beside any of its KPIs added before.
    pub fn add_competitor(&mut self, id: &str, theirs: &MetricTable) {
        let values: Vec<(String, Vec<Option<f64>>)> = theirs
            .values
            .iter()
            .map(|(kpi, _)| {
                let aligned = self
                    .periods
                    .iter()
                    .map(|p| theirs.index_of(*p).and_then(|i| theirs.value(kpi, i)))
                    .collect();
                (kpi.clone(), aligned)
            })
            .collect();
        self.competitors.entry(id.to_owned()).or_default().extend(values);
    }

    /// Each competitor's value of `kpi` in period `index`, by competitor id; a competitor
    /// without the KPI's source is not among them, one without data is `None`.
    pub fn rivals(&self, kpi: &str, index: usize) -> Vec<(&str, Option<f64>)> {
        self.competitors
            .iter()
            .filter_map(|(id, kpis)| Some((id.as_str(), kpis.get(kpi)?.get(index).copied().flatten())))
            .collect()
    }
}

/// Computes every KPI of `spec` as `plan` says, for every period the data covers (and
/// `requested`).
pub fn compute(
    spec: &Spec,
    plan: &Plan,
    sources: &Sources,
    requested: Option<Period>,
) -> Result<MetricTable, MetricsError> {
    let grain = spec.report.grain;
    let mut per_source: Vec<(&str, DataFrame)> = Vec::new();
    for (name, loaded) in &sources.sources {
        let kpis: Vec<_> = spec
            .kpis
            .values()
            .filter(|k| k.source.as_deref() == Some(name))
            .collect();
        let mut aggregates = vec![
            col(DATE).max().alias(LAST_DATE),
            col(DATE).min().alias(FIRST_DATE),
            len().alias(ROWS),
        ];
        for kpi in &kpis {
            aggregates.push(plan.exprs[&kpi.id].clone().alias(kpi.id.as_str()));
            if let Some(overflow) = plan.overflows.get(&kpi.id) {
                aggregates.push(overflow.clone().alias(overflow_column(&kpi.id)));
            }
        }
        // The rows are in date order (the sources keep them so), which FIRST and LAST
        // read. The streaming engine reads a batch of rows at a time, so a large source's
        // columns are never copied whole; keeping the groups in order there costs a
        // third of the columns again (5 million rows: 80 MB), sorting the periods after
        // nothing.
        let rows: usize = loaded.files.iter().map(|f| f.rows).sum();
        let engine = if rows >= STREAMING_FROM_ROWS {
            Engine::Streaming
        } else {
            Engine::InMemory
        };
        let frame = loaded
            .frame
            .clone()
            .with_column(period_start(grain).alias(PERIOD))
            .group_by([col(PERIOD)])
            .agg(aggregates)
            .sort([PERIOD], SortMultipleOptions::default())
            .collect_with_engine(engine)
            .map(|result| result.unwrap_single())
            .map_err(|e| error::culprit(spec, &kpis, loaded, e))?;
        error::check_aggregated(spec, &kpis, &frame)?;

        per_source.push((name.as_str(), frame));
    }

    let mut groups = Vec::new();
    for (name, frame) in &per_source {
        groups.push(period_groups(name, frame, grain)?);
    }
    let all: Vec<outliers::Group> = groups.iter().flatten().flatten().cloned().collect();
    let (outlying, warnings) = outliers::outliers(&all, outliers::today());
    let left_out = |group: &outliers::Group| outlying.contains(group) && Some(group.period) != requested;
    let kept: Vec<&outliers::Group> = all.iter().filter(|g| !left_out(g)).collect();
    let (periods, data_end) = period_range(&kept, requested);
    let mut warnings = warnings;
    warnings.extend(requested.and_then(|period| no_rows_in(period, &kept)));
    let source_ends: HashMap<&str, Option<NaiveDate>> = per_source
        .iter()
        .map(|(name, _)| (*name, kept.iter().filter(|g| g.source == *name).map(|g| g.last).max()))
        .collect();
    let position: HashMap<Period, usize> = periods.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let mut values: IndexMap<String, Vec<Option<f64>>> = IndexMap::new();
    for ((_, frame), groups) in per_source.iter().zip(&groups) {
        warnings.extend(overflow_warnings(frame, groups));
        for name in frame.get_column_names().iter().filter(|n| !n.starts_with("__")) {
            let mut column = vec![None; periods.len()];
            for (group, value) in groups.iter().zip(finite_values(frame, name.as_str())?) {
                let Some(group) = group.as_ref().filter(|g| !left_out(g)) else {
                    continue;
                };
                if let Some(&i) = position.get(&group.period) {
                    column[i] = value;
                }
            }
            values.insert(name.to_string(), column);
        }
    }
    derive(spec, plan, &mut values, periods.len())?;
    let values = spec
        .kpis
        .keys()
        .map(|id| {
            (
                id.clone(),
                values.swap_remove(id).unwrap_or_else(|| vec![None; periods.len()]),
            )
        })
        .collect();
    let breakdowns = breakdown::breakdowns(spec, plan, sources, &periods)?;
    Ok(MetricTable {
        competitors: IndexMap::new(),
        breakdowns,
        periods,
        values,
        data_end,
        ends: kpi_ends(spec, &plan.derived, &source_ends),
        additive: plan.additive.clone(),
        warnings,
    })
}

/// A warning when no source has a row in the `requested` period, which the report would
/// otherwise show as a page of "no data" without a word why.
fn no_rows_in(requested: Period, groups: &[&outliers::Group]) -> Option<MetricWarning> {
    if groups.iter().any(|g| g.period == requested) {
        return None;
    }
    let first = groups.iter().map(|g| g.first).min();
    let last = groups.iter().map(|g| g.last).max();
    Some(MetricWarning::NoRowsInPeriod {
        period: requested,
        covered: first.zip(last),
    })
}

/// The column that says, per period, whether a sum or mean of `kpi` overflowed.
fn overflow_column(kpi: &str) -> String {
    format!("{OVERFLOW}{kpi}")
}

const OVERFLOW: &str = "__overflow_";

/// A warning per KPI and period whose sum or mean was past what a number holds, and so
/// is shown as no data rather than a made-up figure.
fn overflow_warnings(frame: &DataFrame, groups: &[Option<outliers::Group>]) -> Vec<MetricWarning> {
    let mut warnings = Vec::new();
    for column in frame.columns() {
        let Some(kpi) = column.name().strip_prefix(OVERFLOW) else {
            continue;
        };
        let Ok(flags) = column.bool() else { continue };
        for (flag, group) in flags.iter().zip(groups) {
            if let (Some(true), Some(group)) = (flag, group) {
                warnings.push(MetricWarning::Overflow {
                    kpi: kpi.to_owned(),
                    period: group.period,
                });
            }
        }
    }
    warnings
}

/// The first day of the period each row's date falls in. A month's and a week's are
/// counted back in days: polars' `truncate` goes through a date-time and a calendar per
/// row, some 300 instructions, a tenth of a 14-column row's whole cost.
pub(super) fn period_start(grain: crate::spec::Grain) -> Expr {
    let days = col(DATE).cast(DataType::Int32);
    let back = match grain {
        crate::spec::Grain::Month => col(DATE).dt().day().cast(DataType::Int32) - lit(1),
        // 1970-01-01, day 0, was a Thursday: three days after a Monday. `%` keeps the
        // sign of days before it, hence the week added.
        crate::spec::Grain::Week => (days.clone() % lit(7) + lit(10)) % lit(7),
        crate::spec::Grain::Quarter => return col(DATE).dt().truncate(lit(grain.polars_every())),
    };
    (days - back).cast(DataType::Date)
}

/// The group of each row of `frame`, the source `name`'s rows grouped by period; `None`
/// for rows without a date.
fn period_groups(
    name: &str,
    frame: &DataFrame,
    grain: crate::spec::Grain,
) -> Result<Vec<Option<outliers::Group>>, MetricsError> {
    let rows = frame
        .column(ROWS)
        .and_then(|c| c.cast(&DataType::UInt64))
        .map_err(MetricsError::internal)?;
    let rows = rows.u64().map_err(MetricsError::internal)?;
    let starts = dates(frame, PERIOD)?;
    let (firsts, lasts) = (dates(frame, FIRST_DATE)?, dates(frame, LAST_DATE)?);
    Ok(starts
        .into_iter()
        .zip(firsts)
        .zip(lasts)
        .zip(rows.iter())
        .map(|(((start, first), last), rows)| {
            Some(outliers::Group {
                source: name.to_owned(),
                period: Period::containing(grain, start?),
                rows: rows.unwrap_or(0),
                first: first?,
                last: last?,
            })
        })
        .collect())
}

fn kpi_ends(
    spec: &Spec,
    derived: &Derived,
    source_ends: &HashMap<&str, Option<NaiveDate>>,
) -> IndexMap<String, Option<NaiveDate>> {
    let mut ends: IndexMap<String, Option<NaiveDate>> = spec
        .kpis
        .values()
        .filter_map(|k| Some((k.id.clone(), source_ends.get(k.source.as_deref()?).copied().flatten())))
        .collect();
    for id in &derived.order {
        let end = derived.reads[id]
            .iter()
            .filter_map(|name| ends.get(name).copied().flatten())
            .min();
        ends.insert(id.clone(), end);
    }
    spec.kpis
        .keys()
        .map(|id| (id.clone(), ends.get(id).copied().flatten()))
        .collect()
}

/// From the first period with data to the last, extended to `requested`; and the last
/// day with data.
fn period_range(groups: &[&outliers::Group], requested: Option<Period>) -> (Vec<Period>, Option<NaiveDate>) {
    let data_end = groups.iter().map(|g| g.last).max();
    let bounds = groups.iter().map(|g| g.period).chain(requested);
    let periods = match (bounds.clone().min(), bounds.max()) {
        (Some(first), Some(last)) => first.through(last).collect(),
        _ => Vec::new(),
    };
    (periods, data_end)
}

pub(super) fn dates(frame: &DataFrame, name: &str) -> Result<Vec<Option<NaiveDate>>, MetricsError> {
    let days = frame
        .column(name)
        .and_then(|c| c.cast(&DataType::Int32))
        .map_err(MetricsError::internal)?;
    let days = days.i32().map_err(MetricsError::internal)?;
    Ok(days
        .iter()
        .map(|d| d.and_then(|d| NaiveDate::from_num_days_from_ce_opt(d + EPOCH_DAYS_FROM_CE)))
        .collect())
}

/// A column as floats, with NaN and infinities (divisions by zero) as "no data".
pub(super) fn finite_values(frame: &DataFrame, name: &str) -> Result<Vec<Option<f64>>, MetricsError> {
    let column = frame
        .column(name)
        .and_then(|c| c.cast(&DataType::Float64))
        .map_err(MetricsError::internal)?;
    let floats = column.f64().map_err(MetricsError::internal)?;
    Ok(floats.iter().map(|v| v.filter(|v| v.is_finite())).collect())
}

/// Evaluates the KPIs without a source, in dependency order, over a frame of the KPIs
/// computed so far.
fn derive(
    spec: &Spec,
    plan: &Plan,
    values: &mut IndexMap<String, Vec<Option<f64>>>,
    periods: usize,
) -> Result<(), MetricsError> {
    let order = &plan.derived.order;
    if order.is_empty() {
        return Ok(());
    }
    let columns: Vec<Column> = spec
        .kpis
        .keys()
        .filter(|id| !order.contains(id))
        .map(|id| {
            let column = values.get(id).cloned().unwrap_or_else(|| vec![None; periods]);
            Column::new(id.as_str().into(), column)
        })
        .collect();
    let mut frame = DataFrame::new(periods, columns).map_err(MetricsError::internal)?.lazy();
    for id in order {
        let expr = plan.exprs[id].clone();
        // Keep NaN and infinities out of later expressions: they are "no data".
        let finite = when(expr.clone().is_finite())
            .then(expr)
            .otherwise(lit(NULL).cast(DataType::Float64));
        frame = frame.with_column(finite.alias(id.as_str()));
    }
    let frame = frame
        .collect()
        .map_err(|e| MetricsError::expression(spec, &order[0], &e))?;
    for id in order {
        values.insert(id.clone(), finite_values(&frame, id)?);
    }
    Ok(())
}

impl MetricTable {
    /// The last period the data covers to its end, or the last with any data when none
    /// is complete.
    pub fn last_complete_period(&self) -> Option<Period> {
        let end = self.data_end?;
        self.periods
            .iter()
            .rev()
            .find(|p| p.end() <= end)
            .or(self.periods.last())
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Grain;

    #[test]
    fn month_and_week_starts_are_those_polars_truncates_to() {
        let days: Vec<i32> = (-800..23_000).collect();
        let dates = Column::new(DATE.into(), days).cast(&DataType::Date).unwrap();
        let frame = DataFrame::new(dates.len(), vec![dates]).unwrap();
        for grain in [Grain::Month, Grain::Week] {
            let starts = frame
                .clone()
                .lazy()
                .select([
                    period_start(grain).alias("counted"),
                    col(DATE).dt().truncate(lit(grain.polars_every())).alias("truncated"),
                ])
                .collect()
                .unwrap();
            let (counted, truncated) = (starts.column("counted").unwrap(), starts.column("truncated").unwrap());
            assert_eq!(counted.dtype(), &DataType::Date);
            assert!(counted.equals(truncated), "{grain:?}");
        }
    }
}
