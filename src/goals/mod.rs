//! Goals: every KPI's target for each period, and how the KPI did against it.
//! Output: [`Scorecard`].

use serde::Serialize;

use crate::metrics::MetricTable;
use crate::spec::{Better, FunnelTarget, Kpi, Period, Ramp, Spec, Target, TargetKind};

/// How a KPI did in one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Achieved,
    Near,
    Missed,
    NoData,
    NoTarget,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Self::Achieved => "achieved",
            Self::Near => "near",
            Self::Missed => "missed",
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
}

#[derive(Debug, Clone)]
pub struct KpiScore {
    pub id: String,
    pub value: Option<f64>,
    pub previous: Option<f64>,
    /// Relative change against the previous period.
    pub change: Option<f64>,
    pub target: Option<TargetValue>,
    pub status: Status,
    /// The last `history` periods, the reported one last.
    pub history: Vec<HistoryPoint>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetValue {
    /// `None` where the target cannot be set (a growth target with no previous value).
    pub value: Option<f64>,
    pub kind: &'static str,
    pub seasonal_factor: f64,
    /// Whether reaching the target means being at or above it.
    pub at_or_above: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPoint {
    pub period: Period,
    pub value: Option<f64>,
    pub target: Option<f64>,
}

/// Grades every KPI of `spec` in `period`.
pub fn score(spec: &Spec, table: &MetricTable, period: Period) -> Scorecard {
    let kpis = spec
        .kpis
        .values()
        .map(|kpi| score_kpi(spec, kpi, table, period))
        .collect();
    Scorecard { period, kpis }
}

fn score_kpi(spec: &Spec, kpi: &Kpi, table: &MetricTable, period: Period) -> KpiScore {
    let at = |p: Period| table.index_of(p).and_then(|i| table.value(&kpi.id, i));
    let value = at(period);
    let previous = at(period.previous());
    let target = kpi.target.as_ref().map(|t| target_for(spec, kpi, t, period, previous));
    let status = match (&kpi.target, &target) {
        (Some(spec_target), Some(target)) => grade(value, target, spec_target.tolerance),
        _ => Status::NoTarget,
    };
    let first = (0..spec.report.history.saturating_sub(1)).fold(period, |p, _| p.previous());
    let history = first
        .through(period)
        .map(|p| HistoryPoint {
            period: p,
            value: at(p),
            target: kpi
                .target
                .as_ref()
                .and_then(|t| target_for(spec, kpi, t, p, at(p.previous())).value),
        })
        .collect();
    KpiScore {
        id: kpi.id.clone(),
        value,
        previous,
        change: change(value, previous),
        target,
        status,
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

fn target_for(spec: &Spec, kpi: &Kpi, target: &Target, period: Period, previous: Option<f64>) -> TargetValue {
    let higher = kpi.better == Better::Higher;
    let (value, kind, at_or_above) = match &target.kind {
        TargetKind::AtLeast(x) => (Some(*x), "at_least", true),
        TargetKind::AtMost(x) => (Some(*x), "at_most", false),
        TargetKind::Growth(g) => (previous.map(|p| p * (1.0 + g)), "growth", higher),
        TargetKind::Change(c) => (previous.map(|p| p * (1.0 + c)), "change", higher),
        TargetKind::Ramp(ramp) => (ramp_milestone(ramp, period), "ramp", higher),
        TargetKind::Funnel(figure) => (
            spec.funnel.as_ref().and_then(|f| funnel_figure(f, *figure)),
            "funnel",
            *figure == FunnelTarget::Leads,
        ),
        TargetKind::Benchmark(band) => (benchmark_edge(spec, kpi, *band), "benchmark", higher),
    };
    TargetValue {
        value,
        kind,
        seasonal_factor: 1.0,
        at_or_above,
    }
}

/// The milestone on the straight line from `start` (at `from`) to `goal` (at `to`):
/// nothing before `from`, the goal from `to` on.
pub fn ramp_milestone(ramp: &Ramp, period: Period) -> Option<f64> {
    if period < ramp.from {
        return None;
    }
    let Some(to) = ramp.to else { return Some(ramp.goal) };
    if period >= to {
        return Some(ramp.goal);
    }
    let steps = ramp.from.through(to).count() - 1;
    let done = ramp.from.through(period).count() - 1;
    Some(ramp.start + (ramp.goal - ramp.start) * done as f64 / steps as f64)
}

/// Whole sales needed for the revenue goal.
pub fn sales_needed(funnel: &crate::spec::Funnel) -> f64 {
    (funnel.revenue_goal / funnel.average_order_value).ceil()
}

/// Leads needed for the revenue goal, or the highest affordable cost per lead.
pub fn funnel_figure(funnel: &crate::spec::Funnel, figure: FunnelTarget) -> Option<f64> {
    let leads = (sales_needed(funnel) / funnel.lead_to_sale).ceil();
    match figure {
        FunnelTarget::Leads => Some(leads),
        FunnelTarget::CostPerLead => funnel.budget.map(|b| b / leads),
    }
}

/// The edge of the KPI's band that reaching it means: the lower edge, or the upper one
/// when lower is better.
fn benchmark_edge(spec: &Spec, kpi: &Kpi, band: crate::spec::BandName) -> Option<f64> {
    let reference = kpi.benchmark.as_ref()?;
    let bands = spec.benchmarks.get(&reference.set)?.get(&reference.kpi)?;
    let range = match band {
        crate::spec::BandName::Market => bands.market?,
        crate::spec::BandName::Optimal => bands.optimal?,
    };
    let edge = if kpi.better == Better::Higher {
        range[0]
    } else {
        range[1]
    };
    edge.is_finite().then_some(edge)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Grain;

    fn target(value: f64, at_or_above: bool) -> TargetValue {
        TargetValue {
            value: Some(value),
            kind: "at_least",
            seasonal_factor: 1.0,
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
    fn change_against_zero_is_no_data() {
        assert_eq!(change(Some(10.0), Some(0.0)), None);
        assert_eq!(change(Some(7.0), Some(6.0)).map(|c| (c * 1e4).round()), Some(1667.0));
        assert_eq!(change(Some(5.0), Some(-10.0)), Some(1.5));
    }

    #[test]
    fn ramp_milestones_lie_on_a_line() {
        let p = |label| Period::parse(Grain::Month, label).unwrap();
        let ramp = Ramp {
            from: p("2026-07"),
            start: 10_000.0,
            to: Some(p("2026-12")),
            goal: 15_000.0,
        };
        assert_eq!(ramp_milestone(&ramp, p("2026-06")), None);
        assert_eq!(ramp_milestone(&ramp, p("2026-07")), Some(10_000.0));
        assert_eq!(ramp_milestone(&ramp, p("2026-10")), Some(13_000.0));
        assert_eq!(ramp_milestone(&ramp, p("2027-02")), Some(15_000.0));
    }

    #[test]
    fn funnel_from_revenue_to_cost_per_lead() {
        let mut funnel = crate::spec::Funnel {
            revenue_goal: 800_000.0,
            average_order_value: 80_000.0,
            lead_to_sale: 0.10,
            budget: Some(40_000.0),
            actual_leads: None,
            actual_spend: None,
        };
        assert_eq!(funnel_figure(&funnel, FunnelTarget::Leads), Some(100.0));
        assert_eq!(funnel_figure(&funnel, FunnelTarget::CostPerLead), Some(400.0));
        funnel.lead_to_sale = 0.125;
        assert_eq!(funnel_figure(&funnel, FunnelTarget::Leads), Some(80.0));
        assert_eq!(funnel_figure(&funnel, FunnelTarget::CostPerLead), Some(500.0));
    }
}
