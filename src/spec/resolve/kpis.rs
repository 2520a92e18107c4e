//! `kpis`: each KPI's source, value, format and target.

use indexmap::IndexMap;

use super::super::error::{Part, SpecError};
use super::super::number::Number;
use super::super::problem::Problem;
use super::super::raw::*;
use super::super::*;
use super::benchmarks::benchmark_ref;
use super::Resolver;

const DEFAULT_TOLERANCE: f64 = 0.05;

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
            let problem = Problem::UnknownSource {
                at: at.clone(),
                name: source.clone(),
                known: sources.keys().cloned().collect(),
            };
            return Err(r.error(&format!("{at}.source"), Part::Value, problem));
        }
    }
    let value = raw
        .value
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| r.error(&at, Part::Key, Problem::KpiValue { at: at.clone() }))?;
    let format = raw
        .format
        .map(|f| r.closed(&format!("{at}.format"), &f))
        .transpose()?
        .unwrap_or(ValueFormat::Number);
    let better = raw
        .better
        .map(|b| r.closed(&format!("{at}.better"), &b))
        .transpose()?
        .unwrap_or(Better::Higher);
    let benchmark = raw
        .benchmark
        .map(|b| benchmark_ref(r, &format!("{at}.benchmark"), &b, benchmarks))
        .transpose()?;
    let (target, dated) = match raw.target {
        None => (None, Vec::new()),
        Some(RawTargets::One(raw)) => {
            if raw.from.is_some() {
                let problem = Problem::FromOnOneTarget { at: at.clone() };
                return Err(r.error(&format!("{at}.target.from"), Part::Key, problem));
            }
            (Some(target(r, &format!("{at}.target"), *raw, grain)?), Vec::new())
        }
        Some(RawTargets::Dated(list)) => {
            let dated = dated_targets(r, &at, list, grain)?;
            (dated.last().map(|(_, t)| t.clone()), dated)
        }
    };
    if matches!(
        &target,
        Some(Target {
            kind: TargetKind::Benchmark(_),
            ..
        })
    ) && benchmark.is_none()
    {
        let problem = Problem::BenchmarkTargetWithoutBenchmark { at: at.clone() };
        return Err(r.error(&format!("{at}.target.benchmark"), Part::Key, problem));
    }
    let advice = raw
        .advice
        .into_iter()
        .map(|(status, advice)| Ok((advice_status(r, &at, &status)?, text(advice))))
        .collect::<Result<_, SpecError>>()?;
    let breakdown = match (raw.breakdown, &raw.source) {
        (Some(_), None) => {
            let problem = Problem::BreakdownWithoutSource { at: at.clone() };
            return Err(r.error(&format!("{at}.breakdown"), Part::Value, problem));
        }
        (breakdown, _) => breakdown,
    };
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
        dated,
        goals: raw
            .goal
            .map(|g| {
                [(Timeframe::Quarter, g.quarter), (Timeframe::Year, g.year)]
                    .into_iter()
                    .filter_map(|(timeframe, value)| value.map(|v| Goal { timeframe, value: v.0 }))
                    .collect()
            })
            .unwrap_or_default(),
        advice,
        breakdown,
    })
}

fn advice_status(r: &Resolver, at: &str, status: &str) -> Result<StatusName, SpecError> {
    StatusName::parse(status).ok_or_else(|| {
        let problem = Problem::AdviceStatus {
            at: at.to_owned(),
            status: status.to_owned(),
            known: StatusName::NAMES,
        };
        r.error(&format!("{at}.advice.{status}"), Part::Key, problem)
    })
}

pub(super) fn text(raw: RawText) -> Text {
    match raw {
        RawText::One(text) => Text::One(text),
        RawText::PerLanguage(texts) => Text::PerLanguage(texts),
    }
}

/// A list of targets, each with its `from`, in order and none twice.
fn dated_targets(
    r: &Resolver,
    at: &str,
    list: Vec<RawTarget>,
    grain: Grain,
) -> Result<Vec<(Period, Target)>, SpecError> {
    let mut dated: Vec<(Period, Target)> = Vec::new();
    for (index, mut raw) in list.into_iter().enumerate() {
        let here = format!("{at}.target[{index}]");
        let from = raw.from.take().ok_or_else(|| {
            r.error(
                &here,
                Part::Key,
                Problem::Missing {
                    path: format!("{here}.from"),
                },
            )
        })?;
        let from = r.period(&format!("{here}.from"), &from, grain)?;
        if dated.last().is_some_and(|(last, _)| *last >= from) {
            let problem = Problem::DatedOrder { at: here.clone() };
            return Err(r.error(&format!("{here}.from"), Part::Value, problem));
        }
        // Each is checked as a single target is, at its own place in the list.
        dated.push((from, target(r, &here, raw, grain)?));
    }
    Ok(dated)
}

/// The target written at `at` (`kpis.leads.target`, or an item of a dated list).
pub(super) fn target(r: &Resolver, at: &str, raw: RawTarget, grain: Grain) -> Result<Target, SpecError> {
    let at = at.to_owned();
    let period = |key: &str, text: &str| r.period(&format!("{at}.ramp.{key}"), text, grain);
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
        kinds.push(TargetKind::Benchmark(r.closed(&format!("{at}.benchmark"), &band)?));
    }
    if let Some(ramp) = raw.ramp {
        let from = period("from", &r.required(&format!("{at}.ramp.from"), ramp.from)?)?;
        let start = r.required(&format!("{at}.ramp.start"), ramp.start)?;
        let goal = r.required(&format!("{at}.ramp.goal"), ramp.goal)?;
        let to = ramp.to.as_deref().map(|t| period("to", t)).transpose()?;
        if to.is_some_and(|to| to <= from) {
            let problem = Problem::EndsBeforeStart { what: "ramp" };
            return Err(r.error(&format!("{at}.ramp.to"), Part::Value, problem));
        }
        kinds.push(TargetKind::Ramp(Ramp {
            from,
            start: start.0,
            to,
            goal: goal.0,
        }));
    }
    if let Some(funnel) = raw.funnel {
        kinds.push(TargetKind::Funnel(r.closed(&format!("{at}.funnel"), &funnel)?));
    }
    if let Some(rivals) = raw.competitors {
        kinds.push(TargetKind::Competitors(match rivals.as_str() {
            "median" => Rivals::Median,
            "best" => Rivals::Best,
            _ => Rivals::One(rivals),
        }));
    }
    let tolerance = raw.tolerance.map_or(DEFAULT_TOLERANCE, |t| t.0);
    if !(0.0..1.0).contains(&tolerance) {
        return Err(r.error(&format!("{at}.tolerance"), Part::Value, Problem::Tolerance));
    }
    match kinds.len() {
        1 => Ok(Target {
            kind: kinds.remove(0),
            tolerance,
            per: raw.per.map(|text| r.closed(&format!("{at}.per"), &text)).transpose()?,
        }),
        0 => Err(r.error(&at, Part::Key, Problem::NoTarget { at: at.clone() })),
        count => Err(r.error(&at, Part::Key, Problem::Targets { at: at.clone(), count })),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn kpi_spec(kpi: &str) -> String {
        spec(&format!("kpis:\n  views: {kpi}\n"))
    }

    #[test]
    fn a_kpi_improves_upwards_unless_told() {
        let spec = resolve_text(&kpi_spec("{ source: posts, value: \"SUM(views)\" }")).unwrap();
        let views = &spec.kpis["views"];
        assert_eq!((views.better, views.format), (Better::Higher, ValueFormat::Number));
        assert_eq!(views.title, Text::One("views".into()));
    }

    #[test]
    fn one_target_at_a_time() {
        let two = kpi_spec("{ value: \"SUM(views)\", target: { at_least: 5, growth: 10% } }");
        assert!(matches!(problem(&two), Problem::Targets { count: 2, .. }));
        let none = kpi_spec("{ value: \"SUM(views)\", target: { tolerance: 10% } }");
        assert!(matches!(problem(&none), Problem::NoTarget { .. }));
    }

    #[test]
    fn a_ramp_ends_after_it_starts() {
        let ramp = "{ value: \"SUM(views)\", target: { ramp: { from: 2026-10, start: 1, to: 2026-09, goal: 2 } } }";
        assert!(matches!(
            problem(&kpi_spec(ramp)),
            Problem::EndsBeforeStart { what: "ramp" }
        ));
    }

    #[test]
    fn tolerance_is_a_fraction_below_one() {
        let wide = kpi_spec("{ value: \"SUM(views)\", target: { at_least: 5, tolerance: 150% } }");
        assert!(matches!(problem(&wide), Problem::Tolerance));
        let spec = resolve_text(&kpi_spec("{ value: \"SUM(views)\", target: { at_least: 5 } }")).unwrap();
        assert_eq!(spec.kpis["views"].target.as_ref().unwrap().tolerance, DEFAULT_TOLERANCE);
    }

    #[test]
    fn advice_is_keyed_by_status() {
        let spec = resolve_text(&kpi_spec(
            "{ value: \"SUM(views)\", advice: { no_data: Check the export } }",
        ))
        .unwrap();
        assert!(spec.kpis["views"].advice.contains_key(&StatusName::NoData));
    }

    #[test]
    fn an_unknown_source_suggests_the_nearest() {
        let problem = problem(&kpi_spec("{ source: post, value: \"SUM(views)\" }"));
        assert_eq!(problem.help().unwrap(), "did you mean `posts`?");
    }
}
