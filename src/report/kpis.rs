//! One KPI's part of the report model: its value, target, change, benchmark, history
//! and chart, as the report's language writes them.

use chrono::Datelike;

use super::model::*;
use super::words::Words;
use super::{chart, format, statements};
use crate::goals::benchmark::PeriodBand;
use crate::goals::{KpiScore, Scorecard, TargetValue};
use crate::spec::{Factor, Grain, Kpi, Period, Spec, ValueFormat};

pub(super) fn kpi_model(spec: &Spec, kpi: &Kpi, score: &KpiScore, scorecard: &Scorecard, words: &Words) -> KpiModel {
    let language = spec.report.language;
    let period = scorecard.period;
    let show = |v: Option<f64>| {
        v.map_or_else(
            || "—".to_owned(),
            |v| format::value(v, kpi.format, language, &spec.report.currency),
        )
    };
    let is_good = |change: Option<f64>| {
        change
            .filter(|c| *c != 0.0)
            .map(|c| (c > 0.0) == (kpi.better == crate::spec::Better::Higher))
    };
    let show_change = |c: Option<f64>| c.map_or_else(|| "—".to_owned(), |c| format::change(c, language));
    let benchmark = score.benchmark.as_ref().map(|b| BenchmarkModel {
        set: b.band.set.clone(),
        kpi: b.band.kpi.clone(),
        market: b.band.market,
        optimal: b.band.optimal,
        converted_from: b.band.converted_from.map(|per| per.name().to_owned()),
        position: b.position.map(|p| p.key()),
    });
    let display = DisplayModel {
        value: show(score.value),
        previous: show(score.previous),
        change: show_change(score.change),
        year_ago: show(score.year_ago),
        change_year: show_change(score.change_year),
        target: match &score.target {
            Some(target) => show(target.value),
            None => "—".to_owned(),
        },
        target_kind: score
            .target
            .as_ref()
            .and_then(|t| words.target_kinds.get(t.kind))
            .cloned()
            .unwrap_or_default(),
        status: words.label(score.status.key()).to_owned(),
        benchmark: score
            .benchmark
            .as_ref()
            .map(|b| band_lines(&b.band, kpi.format, spec, words))
            .unwrap_or_default(),
        position: benchmark
            .as_ref()
            .and_then(|b| b.position)
            .and_then(|p| words.positions.get(p))
            .cloned()
            .unwrap_or_default(),
        projected: score.pace.and_then(|p| p.projected).map(|p| show(Some(p))),
        seasonal: score
            .target
            .as_ref()
            .filter(|t| !t.windows.is_empty())
            .map(|t| format!("×{}", format::number(t.seasonal_factor, 2, language))),
    };
    KpiModel {
        id: kpi.id.clone(),
        title: kpi.title.get(language).to_owned(),
        formula: kpi.value.clone(),
        source: kpi.source.clone(),
        format: kpi.format,
        better: kpi.better,
        value: score.value,
        previous: score.previous,
        change: score.change,
        year_ago: score.year_ago,
        change_year: score.change_year,
        target: score.target.as_ref().map(target_model),
        status: score.status,
        benchmark,
        pace: score.pace,
        smart: statements::statement(spec, kpi, score, period, words),
        change_is_good: is_good(score.change),
        change_year_is_good: is_good(score.change_year),
        attainment: attainment(score),
        history: score
            .history
            .iter()
            .map(|h| HistoryModel {
                period: h.period.label(),
                label: axis_label(h.period, words),
                value: h.value,
                year_ago: h.year_ago,
                status: h.status,
                target: h.target,
                windows: h.windows.clone(),
            })
            .collect(),
        goals: Vec::new(),
        target_steps: kpi
            .dated
            .iter()
            .map(|(from, target)| TargetStep {
                from: from.label(),
                target: step(target, kpi, spec, words),
            })
            .collect(),
        breakdown: Vec::new(),
        competitors: Vec::new(),
        position: None,
        notes: Vec::new(),
        chart: chart::scale(
            &score
                .history
                .iter()
                .flat_map(|h| [h.value, h.target, h.year_ago])
                .flatten()
                .collect::<Vec<_>>(),
            kpi.format,
            language,
            &spec.report.currency,
        ),
        display,
    }
}

/// A dated target as written: its kind in the report's words and its figure.
fn step(target: &crate::spec::Target, kpi: &Kpi, spec: &Spec, words: &Words) -> String {
    let language = spec.report.language;
    let kind = |key: &str| words.target_kinds.get(key).cloned().unwrap_or_else(|| key.to_owned());
    let level = |v: f64| format::level(v, kpi.format, language, &spec.report.currency);
    match &target.kind {
        crate::spec::TargetKind::AtLeast(x) => format!("{} {}", kind("at_least"), level(*x)),
        crate::spec::TargetKind::AtMost(x) => format!("{} {}", kind("at_most"), level(*x)),
        crate::spec::TargetKind::Growth(r) => format!("{} {}", kind("growth"), format::rate(*r, language)),
        crate::spec::TargetKind::Change(r) => format!("{} {}", kind("change"), format::rate(*r, language)),
        crate::spec::TargetKind::Benchmark(_) => kind("benchmark"),
        crate::spec::TargetKind::Ramp(ramp) => format!("{} {} → {}", kind("ramp"), level(ramp.start), level(ramp.goal)),
        crate::spec::TargetKind::Funnel(_) => kind("funnel"),
        crate::spec::TargetKind::Competitors(_) => kind("competitors"),
    }
}

/// `окт`, `W43`, `Q4`: short enough for twelve under one chart.
pub(super) fn axis_label(period: Period, words: &Words) -> String {
    match period.grain {
        Grain::Month => {
            let name = &words.months[period.start.month0() as usize];
            name.chars().take(3).collect()
        }
        Grain::Week => format!("W{}", period.start.iso_week().week()),
        Grain::Quarter => format!("Q{}", period.start.month0() / 3 + 1),
    }
}

fn target_model(target: &TargetValue) -> TargetModel {
    TargetModel {
        value: target.value,
        base: target.base,
        kind: target.kind,
        at_or_above: target.at_or_above,
        seasonal_factor: target.seasonal_factor,
        windows: target
            .windows
            .iter()
            .map(|w| {
                let (factor, absolute) = match w.factor {
                    Factor::Multiply(m) => (m, false),
                    Factor::Absolute(a) => (a, true),
                };
                AppliedWindowModel {
                    name: w.name.clone(),
                    days: w.days,
                    factor,
                    absolute,
                }
            })
            .collect(),
    }
}

/// `4–6 % / 7–10 %`: the market band, then the optimal one; `10 000+` for a threshold.
/// A benchmark's bands, a line each (`market 4–6 %`, `optimal 7–10 %`).
pub(super) fn band_lines(band: &PeriodBand, format: ValueFormat, spec: &Spec, words: &Words) -> Vec<String> {
    let language = spec.report.language;
    let edge = |v: f64| format::level(v, format, language, &spec.report.currency);
    let range = |[low, high]: [f64; 2]| {
        if high.is_finite() {
            format::range(&edge(low), &edge(high))
        } else {
            format!("{}+", edge(low))
        }
    };
    [("market", band.market), ("optimal", band.optimal)]
        .into_iter()
        .filter_map(|(name, r)| r.map(|r| format!("{} {}", words.label(name), range(r))))
        .collect()
}

fn attainment(score: &KpiScore) -> Option<f64> {
    let target = score.target.as_ref()?;
    let goal = target.value?;
    let value = score.pace.and_then(|p| p.projected).or(score.value)?;
    let ratio = if target.at_or_above { value / goal } else { goal / value };
    ratio.is_finite().then_some(ratio.max(0.0))
}
