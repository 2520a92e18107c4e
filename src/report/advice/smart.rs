//! SMART findings in words: the one place they are worded, for the command line and the
//! report's `target_warnings`. They are messages about the spec, so they are in English,
//! the language of every other message, with the report's currency.

use crate::goals::smart::{Finding, SmartWarning};
use crate::report::format;
use crate::spec::{Better, Language, Spec, SpecWarning, ValueFormat};

/// Each finding as a warning at its place in the spec.
pub fn warnings(spec: &Spec, found: &[SmartWarning]) -> Vec<SpecWarning> {
    let currency = &spec.report.currency;
    found
        .iter()
        .map(|w| {
            spec.files
                .warning(&w.at, &message(&w.finding, currency), Some(help(&w.finding)))
        })
        .collect()
}

fn message(finding: &Finding, currency: &str) -> String {
    let level = |value: f64, format: ValueFormat| format::level(value, format, Language::En, currency);
    let rate = |value: f64| format::rate(value, Language::En);
    match finding {
        Finding::RampWithoutEnd { kpi } => format!("`{kpi}`'s ramp has no end: a SMART target needs a deadline"),
        Finding::Stale { kpi, periods, from, to } => {
            format!("`{kpi}` has a target but no data in the last {periods} periods ({from} to {to})")
        }
        Finding::BeyondOptimal {
            kpi,
            format,
            target,
            set,
            band_kpi,
            ceiling,
        } => format!(
            "`{kpi}`'s target {} is beyond the optimal band of benchmark `{set}.{band_kpi}` (which ends at {})",
            level(*target, *format),
            level(*ceiling, *format)
        ),
        Finding::BeyondBest {
            kpi,
            format,
            better,
            target,
            best,
            period,
        } => {
            let how = match better {
                Better::Higher => "more than twice",
                Better::Lower => "less than half",
            };
            format!(
                "`{kpi}`'s target {} is {how} the best period on record ({} in {period})",
                level(*target, *format),
                level(*best, *format)
            )
        }
        Finding::GrowthBeyondRecord {
            kpi,
            rate: asked,
            best,
            period,
        } => format!(
            "`{kpi}`'s target asks for a change of {} a {}, beyond anything on record (best: {} in {period})",
            rate(*asked),
            period.grain.name(),
            rate(*best)
        ),
        Finding::BeyondCompetitors {
            kpi,
            format,
            better,
            target,
            best,
            competitor,
        } => {
            let how = match better {
                Better::Higher => "more than twice",
                Better::Lower => "less than half",
            };
            format!(
                "`{kpi}`'s target {} is {how} what the best competitor reaches ({}, {competitor})",
                level(*target, *format),
                level(*best, *format)
            )
        }
        Finding::CostOverBudget {
            kpi,
            leads,
            cost,
            leads_target,
            budget,
        } => format!(
            "`{kpi}`'s target {} times `{leads}`'s target {} is {}, more than the funnel's budget {}",
            level(*cost, ValueFormat::Currency),
            level(*leads_target, ValueFormat::Number),
            level(cost * leads_target, ValueFormat::Currency),
            level(*budget, ValueFormat::Currency)
        ),
        Finding::LeadsBelowFunnel { kpi, target, needed } => format!(
            "`{kpi}`'s target {} is below the {} leads the funnel needs for its revenue goal",
            level(*target, ValueFormat::Number),
            level(*needed, ValueFormat::Number)
        ),
        Finding::RampAgainstGrowth {
            kpi,
            format,
            growth_kpi,
            period,
            before,
            now,
            asked,
        } => {
            let planned = now / before - 1.0;
            let (pace, missed) = match planned < *asked {
                true => ("slower than", "on the ramp, the growth target is missed"),
                false => ("faster than", "at that growth, the ramp is missed"),
            };
            format!(
                "`{kpi}`'s ramp grows {} in {period} ({} to {}), {pace} the {} `{growth_kpi}`'s target asks: {missed}",
                rate(planned),
                level(*before, *format),
                level(*now, *format),
                rate(*asked)
            )
        }
        Finding::StepDownWithoutNote { kpi, from } => {
            format!("`{kpi}`'s target from {from} is easier than the one before it, and no note says why")
        }
        Finding::WindowWithoutTarget { window, kpi } => {
            format!("window `{window}` adjusts `{kpi}`, which has no target")
        }
    }
}

fn help(finding: &Finding) -> String {
    match finding {
        Finding::RampWithoutEnd { .. } => "add `to:` with the period the goal should be reached by".into(),
        Finding::Stale { .. } => "check the source's files and filter, or drop the target".into(),
        Finding::BeyondOptimal { .. } => {
            "a target past the best accounts in the market is rarely achievable: aim inside the band".into()
        }
        Finding::BeyondBest { .. } => {
            "set a target the record makes reachable, or ramp towards it over several periods".into()
        }
        Finding::GrowthBeyondRecord { .. } => {
            "a growth target beyond the record needs a reason: a new budget, a campaign, a window".into()
        }
        Finding::BeyondCompetitors { .. } => {
            "a target far past every competitor needs a reason; `target: { competitors: best }` sets it from them"
                .into()
        }
        Finding::CostOverBudget { .. } => {
            "lower the cost per lead target or the leads target, or raise the budget: the plan must add up".into()
        }
        Finding::LeadsBelowFunnel { .. } => {
            "raise the leads target, or use `target: { funnel: leads }` to take it from the funnel".into()
        }
        Finding::RampAgainstGrowth { .. } => {
            "move the ramp's goal or deadline, or the growth target, until the two plan the same growth".into()
        }
        Finding::StepDownWithoutNote { from, .. } => {
            format!("add a note on the period to the spec's `notes`: `- {{ period: {from}, text: \"why\" }}`")
        }
        Finding::WindowWithoutTarget { kpi, .. } => format!("give `{kpi}` a target, or take it out of the window"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Grain, Period};

    fn october() -> Period {
        Period::parse(Grain::Month, "2026-10").unwrap()
    }

    #[test]
    fn figures_are_written_in_the_report_currency() {
        let finding = Finding::BeyondBest {
            kpi: "cpl".into(),
            format: ValueFormat::Currency,
            better: Better::Lower,
            target: 120.0,
            best: 412.35,
            period: october(),
        };
        assert_eq!(
            message(&finding, "USD"),
            "`cpl`'s target $120 is less than half the best period on record ($412 in 2026-10)"
        );
    }

    #[test]
    fn growth_is_a_rate_per_grain() {
        let finding = Finding::GrowthBeyondRecord {
            kpi: "leads".into(),
            rate: 1.0,
            best: 0.125,
            period: october(),
        };
        assert_eq!(
            message(&finding, "USD"),
            "`leads`'s target asks for a change of 100% a month, beyond anything on record (best: 12.5% in 2026-10)"
        );
    }
}
