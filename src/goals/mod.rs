//! Goals: every KPI's target for each period (fixed, growth, benchmark, ramp or funnel,
//! adjusted by seasonality windows), how the KPI did against it, and SMART warnings
//! about the targets themselves. Output: [`Scorecard`].

pub mod benchmark;
pub mod funnel;
pub mod pace;
pub mod plan;
pub mod season;
pub mod smart;
mod target;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::metrics::MetricTable;
use crate::spec::{Kpi, Period, Spec};
use benchmark::{PeriodBand, Position};
use funnel::FunnelScore;
use pace::Pace;
use season::Applied;
use smart::SmartWarning;
pub use target::ramp_milestone;
use target::{counts_whole, target_for, TargetContext};

/// How a KPI did in one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Achieved,
    Near,
    Missed,
    /// In a period the data covers only in part: the pace so far reaches the target.
    OnTrack,
    /// In a period the data covers only in part: the pace so far falls short.
    Behind,
    NoData,
    NoTarget,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Self::Achieved => "achieved",
            Self::Near => "near",
            Self::Missed => "missed",
            Self::OnTrack => "on_track",
            Self::Behind => "behind",
            Self::NoData => "no_data",
            Self::NoTarget => "no_target",
        }
    }
}

/// Every KPI of one client in the reported period.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub period: Period,
    pub kpis: Vec<KpiScore>,
    pub funnel: Option<FunnelScore>,
    /// The seasonality windows over the periods the history shows, as runs of days.
    pub windows: Vec<WindowRun>,
    pub warnings: Vec<SmartWarning>,
}

#[derive(Debug, Clone)]
pub struct KpiScore {
    pub id: String,
    pub value: Option<f64>,
    pub previous: Option<f64>,
    /// Relative change against the previous period; from the projection in a partial
    /// period.
    pub change: Option<f64>,
    /// The same period a year earlier, where there is data for it.
    pub year_ago: Option<f64>,
    /// Relative change against `year_ago`; from the projection in a partial period.
    pub change_year: Option<f64>,
    pub target: Option<TargetValue>,
    pub status: Status,
    pub benchmark: Option<BenchmarkScore>,
    /// Set when the KPI's data ends inside the period.
    pub pace: Option<Pace>,
    /// The last `history` periods, the reported one last.
    pub history: Vec<HistoryPoint>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetValue {
    /// `None` where the target cannot be set (a growth target with no previous value).
    pub value: Option<f64>,
    /// The target before seasonality windows adjusted it.
    pub base: Option<f64>,
    pub kind: &'static str,
    /// `value / base`: 1 where no window covers the period.
    pub seasonal_factor: f64,
    pub windows: Vec<Applied>,
    /// Whether reaching the target means being at or above it.
    pub at_or_above: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkScore {
    pub band: PeriodBand,
    pub position: Option<Position>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPoint {
    pub period: Period,
    pub value: Option<f64>,
    /// The same period a year earlier, for the faint line under the trend.
    pub year_ago: Option<f64>,
    /// The period graded against the target in force in it (the reported period as the
    /// KPI's own status, on pace where it is partial).
    pub status: Status,
    pub target: Option<f64>,
    /// The seasonality windows that adjusted the period's target, by name.
    pub windows: Vec<String>,
}

/// One seasonality window's unbroken run of days.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowRun {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Grades every KPI of `spec` in `period`.
pub fn score(spec: &Spec, table: &MetricTable, period: Period) -> Scorecard {
    let first = first_shown(spec, period);
    let kpis: Vec<KpiScore> = spec
        .kpis
        .values()
        .map(|kpi| score_kpi(spec, kpi, table, period, first))
        .collect();
    let warnings = smart::check(spec, table, period, &kpis);
    Scorecard {
        period,
        funnel: spec.funnel.as_ref().map(|f| funnel::score(f, table, period)),
        windows: window_runs(spec, first, period),
        warnings,
        kpis,
    }
}

/// The first period of the history the report shows.
fn first_shown(spec: &Spec, period: Period) -> Period {
    (0..spec.report.history.saturating_sub(1)).fold(period, |p, _| p.previous())
}

fn score_kpi(spec: &Spec, kpi: &Kpi, table: &MetricTable, period: Period, first: Period) -> KpiScore {
    let at = |p: Period| table.index_of(p).and_then(|i| table.value(&kpi.id, i));
    let whole = counts_whole(kpi, table);
    let target_at = |p: Period| {
        let band = benchmark::band_for(spec, kpi, p);
        let rivals: Vec<(&str, Option<f64>)> = table.index_of(p).map(|i| table.rivals(&kpi.id, i)).unwrap_or_default();
        let context = TargetContext {
            previous: at(p.previous()),
            band: band.as_ref(),
            rivals: &rivals,
            whole,
            additive: table.additive.contains(&kpi.id),
        };
        kpi.target_at(p).map(|t| target_for(spec, kpi, t, p, &context))
    };
    let value = at(period);
    let previous = at(period.previous());
    let target = target_at(period);
    let end = table.ends.get(&kpi.id).copied().flatten();
    let pace = pace::pace(period, end, value, table.additive.contains(&kpi.id));
    let status = match (kpi.target_at(period), &target) {
        (Some(spec_target), Some(target)) => match pace.and_then(|p| p.projected) {
            Some(projected) => on_pace(Some(projected), target, spec_target.tolerance),
            None => grade(value, target, spec_target.tolerance),
        },
        _ => Status::NoTarget,
    };
    let benchmark = benchmark::band_for(spec, kpi, period).map(|band| BenchmarkScore {
        position: value.and_then(|v| benchmark::position(v, &band, kpi.better)),
        band,
    });
    let history = first
        .through(period)
        .map(|p| {
            let target = target_at(p);
            // Each period graded against the target in force then, whole: raising a
            // target in December leaves October's grade as it was.
            let status = match (kpi.target_at(p), &target) {
                _ if p == period => status,
                (Some(spec_target), Some(target)) => grade(at(p), target, spec_target.tolerance),
                _ => Status::NoTarget,
            };
            HistoryPoint {
                period: p,
                value: at(p),
                year_ago: at(p.year_earlier()),
                status,
                target: target.as_ref().and_then(|t| t.value),
                windows: target
                    .map(|t| t.windows.into_iter().map(|w| w.name).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    // A part of a period against a whole one says nothing: compare where the pace leads.
    let compared = pace.and_then(|p| p.projected).or(value);
    let year_ago = at(period.year_earlier());
    KpiScore {
        id: kpi.id.clone(),
        value,
        previous,
        change: change(compared, previous),
        year_ago,
        change_year: change(compared, year_ago),
        target,
        status,
        benchmark,
        pace,
        history,
    }
}

/// Relative change; none against a zero or missing previous value.
pub fn change(value: Option<f64>, previous: Option<f64>) -> Option<f64> {
    match (value, previous) {
        (Some(v), Some(p)) if p != 0.0 => Some((v - p) / p.abs()),
        _ => None,
    }
}

/// Achieved at or beyond the target; near within `tolerance` of it; missed otherwise.
pub fn grade(value: Option<f64>, target: &TargetValue, tolerance: f64) -> Status {
    let (Some(value), Some(goal)) = (value, target.value) else {
        return Status::NoData;
    };
    let slack = tolerance * goal.abs();
    let (reached, near) = if target.at_or_above {
        (value >= goal, value >= goal - slack)
    } else {
        (value <= goal, value <= goal + slack)
    };
    match (reached, near) {
        (true, _) => Status::Achieved,
        (false, true) => Status::Near,
        _ => Status::Missed,
    }
}

/// A partial period graded on where its pace leads: on track when the projection would
/// be achieved or within tolerance, behind otherwise.
pub fn on_pace(projected: Option<f64>, target: &TargetValue, tolerance: f64) -> Status {
    match grade(projected, target, tolerance) {
        Status::Achieved | Status::Near => Status::OnTrack,
        Status::Missed => Status::Behind,
        other => other,
    }
}

/// The seasonality windows' runs of days over the shown periods.
fn window_runs(spec: &Spec, first: Period, last: Period) -> Vec<WindowRun> {
    spec.seasonality
        .iter()
        .flat_map(|window| {
            season::occurrences(window, first.start, last.end())
                .into_iter()
                .map(|(from, to)| WindowRun {
                    name: window.name.clone(),
                    from,
                    to,
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(value: f64, at_or_above: bool) -> TargetValue {
        TargetValue {
            value: Some(value),
            base: Some(value),
            kind: "at_least",
            seasonal_factor: 1.0,
            windows: Vec::new(),
            at_or_above,
        }
    }

    #[test]
    fn grading_with_tolerance() {
        assert_eq!(grade(Some(0.07), &target(0.07, true), 0.05), Status::Achieved);
        assert_eq!(grade(Some(0.0670), &target(0.07, true), 0.05), Status::Near);
        assert_eq!(grade(Some(0.06), &target(0.07, true), 0.05), Status::Missed);
        assert_eq!(grade(Some(520.0), &target(500.0, false), 0.05), Status::Near);
        assert_eq!(grade(Some(600.0), &target(500.0, false), 0.05), Status::Missed);
        assert_eq!(grade(None, &target(500.0, false), 0.05), Status::NoData);
    }

    #[test]
    fn partial_periods_are_graded_on_pace() {
        // 40 leads in 10 of 31 days project to 124: on track for 120, behind for 140.
        assert_eq!(on_pace(Some(124.0), &target(120.0, true), 0.05), Status::OnTrack);
        assert_eq!(on_pace(Some(124.0), &target(140.0, true), 0.05), Status::Behind);
        // Spend projected to 31 000 against at most 30 000 with 5% slack: on track.
        assert_eq!(on_pace(Some(31_000.0), &target(30_000.0, false), 0.05), Status::OnTrack);
        assert_eq!(on_pace(None, &target(1.0, true), 0.05), Status::NoData);
    }

    #[test]
    fn change_against_zero_is_no_data() {
        assert_eq!(change(Some(10.0), Some(0.0)), None);
        assert_eq!(change(Some(7.0), Some(6.0)).map(|c| (c * 1e4).round()), Some(1667.0));
        assert_eq!(change(Some(5.0), Some(-10.0)), Some(1.5));
    }
}
