//! `kpis`: each KPI's source, value, format and target.

use indexmap::IndexMap;

use super::super::error::{Part, SpecError};
use super::super::number::Number;
use super::super::raw::*;
use super::super::*;
use super::benchmarks::benchmark_ref;
use super::Resolver;

const DEFAULT_TOLERANCE: f64 = 0.05;
const STATUSES: [&str; 4] = ["achieved", "near", "missed", "no_data"];

pub(super) fn kpi(
    r: &Resolver,
    id: String,
    raw: RawKpi,
    sources: &IndexMap<String, SourceSpec>,
    benchmarks: &IndexMap<String, IndexMap<String, Band>>,
    grain: Grain,
) -> Result<Kpi, SpecError> {
    let at = format!("kpis.{id}");
    if let Some(source) = &raw.source {
        if !sources.contains_key(source) {
            return Err(r.error(
                &format!("{at}.source"),
                Part::Value,
                format!("`{at}` reads source `{source}`, which the spec does not define"),
                suggest::help(source, sources.keys().map(String::as_str)),
            ));
        }
    }
    let value = raw.value.filter(|v| !v.trim().is_empty()).ok_or_else(|| {
        r.error(
            &at,
            Part::Key,
            format!("`{at}.value` is missing"),
            Some("write an SQL expression such as `SUM(likes)`, or one over other KPIs such as `spend / leads`".into()),
        )
    })?;
    let format = raw
        .format
        .map(|f| r.closed(&format!("{at}.format"), &f, &ValueFormat::NAMES, ValueFormat::parse))
        .transpose()?
        .unwrap_or(ValueFormat::Number);
    let better = match raw.better.as_deref() {
        None | Some("higher") => Better::Higher,
        Some("lower") => Better::Lower,
        Some(other) => {
            return Err(r.error(
                &format!("{at}.better"),
                Part::Value,
                format!("`{at}.better` must be `higher` or `lower`, not `{other}`"),
                suggest::help(other, ["higher", "lower"]),
            ))
        }
    };
    let benchmark = raw
        .benchmark
        .map(|b| benchmark_ref(r, &format!("{at}.benchmark"), &b, benchmarks))
        .transpose()?;
    let target = raw.target.map(|t| target(r, &at, t, grain)).transpose()?;
    if matches!(
        &target,
        Some(Target {
            kind: TargetKind::Benchmark(_),
            ..
        })
    ) && benchmark.is_none()
    {
        return Err(r.error(
            &format!("{at}.target.benchmark"),
            Part::Key,
            format!("`{at}` takes its target from a benchmark but names none"),
            Some("add `benchmark: set.kpi` to the KPI".into()),
        ));
    }
    for status in raw.advice.keys() {
        if !STATUSES.contains(&status.as_str()) {
            return Err(r.error(
                &format!("{at}.advice.{status}"),
                Part::Key,
                format!("`{at}.advice` has advice for an unknown status `{status}`"),
                suggest::help(status, STATUSES),
            ));
        }
    }
    Ok(Kpi {
        title: raw.title.map(text).unwrap_or_else(|| Text::One(id.replace('_', " "))),
        id,
        description: raw.description.map(text),
        source: raw.source,
        value,
        format,
        better,
        benchmark,
        target,
        advice: raw.advice.into_iter().map(|(k, v)| (k, text(v))).collect(),
    })
}

pub(super) fn text(raw: RawText) -> Text {
    match raw {
        RawText::One(text) => Text::One(text),
        RawText::PerLanguage(texts) => Text::PerLanguage(texts),
    }
}

pub(super) fn target(r: &Resolver, at: &str, raw: RawTarget, grain: Grain) -> Result<Target, SpecError> {
    let at = format!("{at}.target");
    let period = |key: &str, text: &str| {
        Period::parse(grain, text).ok_or_else(|| {
            r.error(
                &format!("{at}.ramp.{key}"),
                Part::Value,
                format!("`{text}` is not a {} period", grain.name()),
                Some(period_help(grain)),
            )
        })
    };
    let mut kinds = Vec::new();
    if let Some(Number(x)) = raw.at_least {
        kinds.push(TargetKind::AtLeast(x));
    }
    if let Some(Number(x)) = raw.at_most {
        kinds.push(TargetKind::AtMost(x));
    }
    if let Some(Number(x)) = raw.growth {
        kinds.push(TargetKind::Growth(x));
    }
    if let Some(Number(x)) = raw.change {
        kinds.push(TargetKind::Change(x));
    }
    if let Some(band) = raw.benchmark {
        kinds.push(TargetKind::Benchmark(match band.as_str() {
            "market" => BandName::Market,
            "optimal" => BandName::Optimal,
            other => {
                return Err(r.error(
                    &format!("{at}.benchmark"),
                    Part::Value,
                    format!("unknown benchmark band `{other}`"),
                    suggest::help(other, ["market", "optimal"]),
                ))
            }
        }));
    }
    if let Some(ramp) = raw.ramp {
        let from = period("from", &r.required(&format!("{at}.ramp.from"), ramp.from)?)?;
        let start = r.required(&format!("{at}.ramp.start"), ramp.start)?;
        let goal = r.required(&format!("{at}.ramp.goal"), ramp.goal)?;
        let to = ramp.to.as_deref().map(|t| period("to", t)).transpose()?;
        if to.is_some_and(|to| to <= from) {
            return Err(r.error(
                &format!("{at}.ramp.to"),
                Part::Value,
                "a ramp must end after it starts".into(),
                None,
            ));
        }
        kinds.push(TargetKind::Ramp(Ramp {
            from,
            start: start.0,
            to,
            goal: goal.0,
        }));
    }
    if let Some(funnel) = raw.funnel {
        kinds.push(TargetKind::Funnel(match funnel.as_str() {
            "leads" => FunnelTarget::Leads,
            "cost_per_lead" => FunnelTarget::CostPerLead,
            other => {
                return Err(r.error(
                    &format!("{at}.funnel"),
                    Part::Value,
                    format!("unknown funnel figure `{other}`"),
                    suggest::help(other, ["leads", "cost_per_lead"]),
                ))
            }
        }));
    }
    let tolerance = raw.tolerance.map_or(DEFAULT_TOLERANCE, |t| t.0);
    if !(0.0..1.0).contains(&tolerance) {
        return Err(r.error(
            &format!("{at}.tolerance"),
            Part::Value,
            "`tolerance` must be between 0% and 100%".into(),
            None,
        ));
    }
    match kinds.len() {
        1 => Ok(Target {
            kind: kinds.remove(0),
            tolerance,
        }),
        0 => Err(r.error(
            &at,
            Part::Key,
            format!("`{at}` sets no target"),
            Some("use one of `at_least`, `at_most`, `growth`, `change`, `benchmark`, `ramp`, `funnel`".into()),
        )),
        _ => Err(r.error(
            &at,
            Part::Key,
            format!("`{at}` sets {} targets at once", kinds.len()),
            Some("a KPI has one target; keep one of them".into()),
        )),
    }
}
