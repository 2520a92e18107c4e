//! What a KPI's target is in a period: from the spec's kind of target (a level, growth,
//! a ramp's milestone, the funnel, a benchmark's band, the competitors), adjusted by the
//! seasonal windows and made whole for counts.

use super::benchmark::{self, PeriodBand};
use super::{funnel, season, TargetValue};
use crate::metrics::MetricTable;
use crate::spec::{Better, FunnelTarget, Kpi, Period, Ramp, Rivals, Spec, Target, TargetKind, ValueFormat};

/// What a target in a period is set from, besides the spec.
pub(super) struct TargetContext<'a> {
    pub previous: Option<f64>,
    pub band: Option<&'a PeriodBand>,
    /// The competitors' values in the period, by id.
    pub rivals: &'a [(&'a str, Option<f64>)],
    /// Whether the KPI counts whole things (leads, followers).
    pub whole: bool,
    /// Whether the KPI adds up over days, so that a total per month is a share of it
    /// per week.
    pub additive: bool,
}

pub(super) fn target_for(
    spec: &Spec,
    kpi: &Kpi,
    target: &Target,
    period: Period,
    context: &TargetContext,
) -> TargetValue {
    let TargetContext {
        previous, band, whole, ..
    } = *context;
    let higher = kpi.better == Better::Higher;
    // A target written per another length: a total scaled by the period's days, a rate
    // compounded as a benchmark's is; a ratio (ER) is the same whatever the length.
    let (days, per_days) = (f64::from(period.days()), target.per.map_or(0.0, |p| p.days()));
    let total = |x: f64| match target.per {
        Some(_) if context.additive => x * days / per_days,
        _ => x,
    };
    let rate = |r: f64| match target.per {
        Some(_) => benchmark::compound(r, per_days, days),
        None => r,
    };
    let (base, kind, at_or_above) = match &target.kind {
        TargetKind::AtLeast(x) => (Some(total(*x)), "at_least", true),
        TargetKind::AtMost(x) => (Some(total(*x)), "at_most", false),
        TargetKind::Growth(g) => (previous.map(|p| p * (1.0 + rate(*g))), "growth", higher),
        TargetKind::Change(c) => (previous.map(|p| p * (1.0 + rate(*c))), "change", higher),
        TargetKind::Ramp(ramp) => (ramp_milestone(ramp, period), "ramp", higher),
        TargetKind::Funnel(figure) => (
            spec.funnel.as_ref().and_then(|f| funnel::figure(f, *figure)),
            "funnel",
            *figure == FunnelTarget::Leads,
        ),
        TargetKind::Benchmark(name) => (
            band.and_then(|b| benchmark::edge(b, *name, kpi.better)),
            "benchmark",
            higher,
        ),
        TargetKind::Competitors(rivals) => (rival_target(rivals, context.rivals, higher), "competitors", higher),
    };
    let (adjusted, windows) = match base {
        Some(base) => {
            let (value, windows) = season::adjust(&spec.seasonality, &kpi.id, period, base);
            (Some(value), windows)
        }
        None => (None, Vec::new()),
    };
    // Leads, followers and views come whole: "43.1 leads" is 44 to reach, as the funnel
    // rounds its leads up; a ceiling on a count rounds down.
    let whole = whole || matches!(target.kind, TargetKind::Funnel(FunnelTarget::Leads));
    let value = match whole {
        true => adjusted.map(|v| whole_target(v, at_or_above)),
        false => adjusted,
    };
    TargetValue {
        value,
        base,
        kind,
        seasonal_factor: match (adjusted, base) {
            (Some(v), Some(b)) if b != 0.0 => v / b,
            _ => 1.0,
        },
        windows,
        at_or_above,
    }
}

/// A target on a count: a floor rounds up, a ceiling down. `v` is first taken to a
/// millionth, so 1.1 × 40 = 44.000000000000007 rounds up to 44, not 45.
fn whole_target(v: f64, at_or_above: bool) -> f64 {
    let v = (v * 1e6).round() / 1e6;
    if at_or_above {
        v.ceil()
    } else {
        v.floor()
    }
}

/// Whether a KPI counts whole things: a plain number whose every value on record is whole.
pub(super) fn counts_whole(kpi: &Kpi, table: &MetricTable) -> bool {
    let values = table.values.get(&kpi.id).into_iter().flatten().flatten();
    kpi.format == ValueFormat::Number && values.clone().next().is_some() && values.into_iter().all(|v| v.fract() == 0.0)
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

/// The competitors' value a target is: their median, their best (by `higher`), or one
/// competitor's; none where none of them has data.
fn rival_target(rivals: &Rivals, values: &[(&str, Option<f64>)], higher: bool) -> Option<f64> {
    let mut known: Vec<f64> = values.iter().filter_map(|(_, v)| *v).collect();
    known.sort_by(f64::total_cmp);
    match rivals {
        Rivals::One(id) => values.iter().find(|(i, _)| i == id).and_then(|(_, v)| *v),
        Rivals::Best if higher => known.last().copied(),
        Rivals::Best => known.first().copied(),
        Rivals::Median => match known.len() {
            0 => None,
            n if n % 2 == 1 => Some(known[n / 2]),
            n => Some((known[n / 2 - 1] + known[n / 2]) / 2.0),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Grain;

    #[test]
    fn targets_on_counts_are_whole() {
        assert_eq!(whole_target(43.1, true), 44.0);
        assert_eq!(whole_target(40.0 * 1.1, true), 44.0);
        assert_eq!(whole_target(43.9, false), 43.0);
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
        // Five steps of 1 000 from July to December.
        assert_eq!(ramp_milestone(&ramp, p("2026-06")), None);
        assert_eq!(ramp_milestone(&ramp, p("2026-07")), Some(10_000.0));
        assert_eq!(ramp_milestone(&ramp, p("2026-10")), Some(13_000.0));
        assert_eq!(ramp_milestone(&ramp, p("2026-12")), Some(15_000.0));
        assert_eq!(ramp_milestone(&ramp, p("2027-02")), Some(15_000.0));
        let open = Ramp { to: None, ..ramp };
        assert_eq!(ramp_milestone(&open, p("2026-08")), Some(15_000.0));
    }
}
