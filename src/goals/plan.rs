//! Whether a spec's targets add up as a plan: a cost per lead and a leads target within
//! the funnel's budget, leads enough for its revenue goal, a ramp that grows as fast as a
//! growth target on the same figure asks, and dated targets that step down only with a
//! note saying why. Like the SMART checks, these are warnings: the report is still built.

use super::smart::{Finding, SmartWarning};
use super::{ramp_milestone, KpiScore};
use crate::spec::{Better, FunnelTarget, Kpi, Period, Ramp, Spec, TargetKind};

/// How far apart, as a share of the larger, a ramp's growth and a growth target may be
/// before they disagree: rounding in a hand-made plan is not a slip.
const GROWTH_TOLERANCE: f64 = 0.1;

/// Every warning about the plan in `period`.
pub fn check(spec: &Spec, period: Period, scores: &[KpiScore]) -> Vec<SmartWarning> {
    let mut warnings = plan_adds_up(spec, scores);
    warnings.extend(ramps_against_growth(spec, period, scores));
    warnings.extend(silent_step_downs(spec));
    warnings
}

/// Targets that do not add up with the funnel: a cost per lead target that, with the
/// leads target, spends past the budget; a leads target short of what the revenue goal
/// needs.
fn plan_adds_up(spec: &Spec, scores: &[KpiScore]) -> Vec<SmartWarning> {
    let mut warnings = Vec::new();
    let Some(funnel) = &spec.funnel else { return warnings };
    let Some(leads_id) = &funnel.actual_leads else {
        return warnings;
    };
    let target_of = |id: &str| {
        scores
            .iter()
            .find(|s| s.id == id)
            .and_then(|s| s.target.as_ref()?.value)
    };
    let Some(leads_target) = target_of(leads_id) else {
        return warnings;
    };
    let leads_kpi = &spec.kpis[leads_id];
    let needed = super::funnel::figure(funnel, FunnelTarget::Leads);
    let from_funnel = matches!(leads_kpi.target.as_ref().map(|t| &t.kind), Some(TargetKind::Funnel(_)));
    if let (Some(needed), false) = (needed, from_funnel) {
        if leads_target < needed {
            warnings.push(SmartWarning {
                at: format!("kpis.{leads_id}.target"),
                finding: Finding::LeadsBelowFunnel {
                    kpi: leads_id.clone(),
                    target: leads_target,
                    needed,
                },
            });
        }
    }
    let Some(budget) = funnel.budget else { return warnings };
    // A cost per lead: a KPI that divides by the leads KPI, where lower is better.
    let costs = spec
        .kpis
        .values()
        .filter(|k| k.better == Better::Lower && k.source.is_none() && divides_by(&k.value, leads_id));
    for cost in costs {
        let Some(cost_target) = target_of(&cost.id) else {
            continue;
        };
        if cost_target * leads_target > budget * (1.0 + 1e-9) {
            warnings.push(SmartWarning {
                at: format!("kpis.{}.target", cost.id),
                finding: Finding::CostOverBudget {
                    kpi: cost.id.clone(),
                    leads: leads_id.clone(),
                    cost: cost_target,
                    leads_target,
                    budget,
                },
            });
        }
    }
    warnings
}

/// Whether `expression` divides by the KPI `id` (`spend / leads`).
fn divides_by(expression: &str, id: &str) -> bool {
    let compact: String = expression.chars().filter(|c| !c.is_whitespace()).collect();
    compact.ends_with(&format!("/{id}")) || compact.contains(&format!("/{id})"))
}

/// Dated targets that step down (easier than the one before) in a period the spec's
/// notes do not comment on.
fn silent_step_downs(spec: &Spec) -> Vec<SmartWarning> {
    let mut warnings = Vec::new();
    for kpi in spec.kpis.values() {
        for (index, pair) in kpi.dated.windows(2).enumerate() {
            let [(_, before), (from, after)] = pair else { continue };
            let (Some(before), Some(after)) = (level(&before.kind), level(&after.kind)) else {
                continue;
            };
            let easier = match (&pair[1].1.kind, kpi.better) {
                (TargetKind::AtMost(_), _) => after > before,
                (_, Better::Lower) => after > before,
                _ => after < before,
            };
            let explained = spec.notes.iter().any(|n| n.on == crate::spec::NoteOn::Period(*from));
            if easier && !explained {
                warnings.push(SmartWarning {
                    at: format!("kpis.{}.target[{}]", kpi.id, index + 1),
                    finding: Finding::StepDownWithoutNote {
                        kpi: kpi.id.clone(),
                        from: *from,
                    },
                });
            }
        }
    }
    warnings
}

/// A target's figure where it has one of its own (not a benchmark's or a funnel's).
fn level(kind: &TargetKind) -> Option<f64> {
    match kind {
        TargetKind::AtLeast(x) | TargetKind::AtMost(x) | TargetKind::Growth(x) | TargetKind::Change(x) => Some(*x),
        TargetKind::Ramp(ramp) => Some(ramp.goal),
        _ => None,
    }
}

/// Ramps whose milestones grow in `period` by a different rate than a growth target on
/// the same figure asks: a `growth:` target on a KPI of the ramped KPI's own value, or a
/// target on a growth KPI, `(LAST(c) - FIRST(c)) / FIRST(c)` beside a ramped `LAST(c)`.
/// Both are taken as written, before seasonal windows, which move them alike.
fn ramps_against_growth(spec: &Spec, period: Period, scores: &[KpiScore]) -> Vec<SmartWarning> {
    let mut warnings = Vec::new();
    for kpi in spec.kpis.values() {
        let Some(TargetKind::Ramp(ramp)) = kpi.target_at(period).map(|t| &t.kind) else {
            continue;
        };
        let Some((before, now)) = ramp_step(ramp, period) else {
            continue;
        };
        let planned = now / before - 1.0;
        for score in scores {
            let Some(asked) = growth_asked(kpi, &spec.kpis[&score.id], period, score) else {
                continue;
            };
            if (planned - asked).abs() > GROWTH_TOLERANCE * planned.abs().max(asked.abs()) {
                warnings.push(SmartWarning {
                    at: format!("kpis.{}.target.ramp", kpi.id),
                    finding: Finding::RampAgainstGrowth {
                        kpi: kpi.id.clone(),
                        format: kpi.format,
                        growth_kpi: score.id.clone(),
                        period,
                        before,
                        now,
                        asked,
                    },
                });
            }
        }
    }
    warnings
}

/// A ramp's milestones in the period before `period` and in it, where the ramp climbs
/// between them (a ramp without an end is flat at its goal, and says so elsewhere).
fn ramp_step(ramp: &Ramp, period: Period) -> Option<(f64, f64)> {
    let to = ramp.to?;
    if period <= ramp.from || period > to {
        return None;
    }
    let before = ramp_milestone(ramp, period.previous()).filter(|b| *b > 0.0)?;
    Some((before, ramp_milestone(ramp, period)?))
}

/// The growth in `period` that `other`'s target asks of `ramped`'s figure, where `other`
/// measures that figure's growth.
fn growth_asked(ramped: &Kpi, other: &Kpi, period: Period, score: &KpiScore) -> Option<f64> {
    if other.id == ramped.id || other.source.is_none() || other.source != ramped.source {
        return None;
    }
    let target = other.target_at(period)?;
    let base = score.target.as_ref()?.base?;
    match target.kind {
        TargetKind::Growth(_) if compact(&other.value) == compact(&ramped.value) => {
            let previous = score.previous.filter(|p| *p != 0.0)?;
            Some(base / previous - 1.0)
        }
        TargetKind::AtLeast(_) | TargetKind::Benchmark(_) if is_growth_of(&other.value, &ramped.value) => Some(base),
        _ => None,
    }
}

/// Whether `growth` is `(LAST(c) - FIRST(c)) / FIRST(c)` for the `c` of `level`'s `LAST(c)`.
fn is_growth_of(growth: &str, level: &str) -> bool {
    let level = compact(level);
    let Some(column) = level.strip_prefix("LAST(").and_then(|rest| rest.strip_suffix(')')) else {
        return false;
    };
    compact(growth) == format!("(LAST({column})-FIRST({column}))/FIRST({column})")
}

/// An expression without its spaces, its function names in capitals.
fn compact(expression: &str) -> String {
    expression
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .replace("last(", "LAST(")
        .replace("first(", "FIRST(")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Grain;

    fn p(label: &str) -> Period {
        Period::parse(Grain::Month, label).unwrap()
    }

    #[test]
    fn a_ramp_steps_only_while_it_climbs() {
        let ramp = Ramp {
            from: p("2026-07"),
            start: 800.0,
            to: Some(p("2026-12")),
            goal: 1800.0,
        };
        assert_eq!(ramp_step(&ramp, p("2026-07")), None);
        assert_eq!(ramp_step(&ramp, p("2026-10")), Some((1200.0, 1400.0)));
        assert_eq!(ramp_step(&ramp, p("2026-12")), Some((1600.0, 1800.0)));
        assert_eq!(ramp_step(&ramp, p("2027-01")), None);
        assert_eq!(ramp_step(&Ramp { to: None, ..ramp }, p("2026-10")), None);
    }

    #[test]
    fn a_growth_kpi_is_recognised_by_its_column() {
        let growth = "(LAST(followers) - FIRST(followers)) / FIRST(followers)";
        assert!(is_growth_of(growth, "LAST(followers)"));
        assert!(is_growth_of(&growth.to_lowercase(), "last( followers )"));
        assert!(!is_growth_of(growth, "LAST(views)"));
        assert!(!is_growth_of(growth, "SUM(followers)"));
    }
}
