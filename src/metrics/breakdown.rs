//! Breakdowns: a KPI's own expression per value of a column of its source (`breakdown:
//! platform`), for every period, so that one number does not hide which platform or
//! campaign works. Rows without a value in the column belong to no part, so the parts
//! of a sum may add up to less than the whole.

use indexmap::IndexMap;
use polars::prelude::*;

use super::{error, period_start, MetricsError, PERIOD};
use crate::plan::Plan;
use crate::source::Sources;
use crate::spec::{Period, Spec};

/// Per KPI with a breakdown, per part (in order of first appearance), a value per period
/// of `periods`.
pub type Breakdowns = IndexMap<String, IndexMap<String, Vec<Option<f64>>>>;

const PART: &str = "__part";
const VALUE: &str = "__value";

/// Every KPI's breakdown over `periods`.
pub fn breakdowns(spec: &Spec, plan: &Plan, sources: &Sources, periods: &[Period]) -> Result<Breakdowns, MetricsError> {
    let mut all = Breakdowns::new();
    for kpi in spec.kpis.values() {
        let (Some(column), Some(source)) = (&kpi.breakdown, &kpi.source) else {
            continue;
        };
        let Some(loaded) = sources.sources.get(source) else {
            continue;
        };
        let part = col(column.as_str()).cast(DataType::String);
        let frame = loaded
            .frame
            .clone()
            .with_column(period_start(spec.report.grain).alias(PERIOD))
            .with_column(part.alias(PART))
            .filter(col(PART).is_not_null().and(col(PART).neq(lit(""))))
            .group_by_stable([col(PERIOD), col(PART)])
            .agg([plan.exprs[&kpi.id].clone().cast(DataType::Float64).alias(VALUE)])
            .collect()
            .map_err(|e| error::culprit(spec, &[kpi], loaded, e))?;
        all.insert(kpi.id.clone(), parts(&frame, periods)?);
    }
    Ok(all)
}

/// The parts of one aggregated frame, a value per period.
fn parts(frame: &DataFrame, periods: &[Period]) -> Result<IndexMap<String, Vec<Option<f64>>>, MetricsError> {
    let starts = super::dates(frame, PERIOD)?;
    let names = frame.column(PART).map_err(MetricsError::internal)?;
    let names = names.str().map_err(MetricsError::internal)?;
    let values = super::finite_values(frame, VALUE)?;
    let mut parts: IndexMap<String, Vec<Option<f64>>> = IndexMap::new();
    for ((start, name), value) in starts.into_iter().zip(names.iter()).zip(values) {
        let (Some(start), Some(name)) = (start, name) else {
            continue;
        };
        let Some(index) = periods.iter().position(|p| p.start == start) else {
            continue;
        };
        parts
            .entry(name.to_owned())
            .or_insert_with(|| vec![None; periods.len()])[index] = value;
    }
    Ok(parts)
}
