//! SMART statements: each target said the way a strategist writes it, in the report's
//! language: "Увеличить показатель «Подписчики» на 10 % — до 11 000 — к 31.10.2026".

use super::format;
use super::Words;
use crate::goals::KpiScore;
use crate::spec::{BandName, FunnelTarget, Kpi, Period, Rivals, Spec, TargetKind, ValueFormat};

/// The SMART sentence for `kpi`'s target in `period`; none without a target value.
pub fn statement(spec: &Spec, kpi: &Kpi, score: &KpiScore, period: Period, words: &Words) -> Option<String> {
    let language = spec.report.language;
    let currency = spec.report.currency.as_str();
    let target = score.target.as_ref()?;
    let show = |v: f64| format::level(v, kpi.format, language, currency);
    let money = |v: f64| format::value(v, ValueFormat::Currency, language, currency);
    let value = show(target.value?);
    let date = format::date(period.end(), language);
    let (key, extra): (&str, Vec<(&str, String)>) = match &kpi.target_at(period)?.kind {
        TargetKind::Growth(rate) | TargetKind::Change(rate) => (
            if *rate >= 0.0 { "increase" } else { "decrease" },
            vec![("rate", format::rate(rate.abs(), language))],
        ),
        TargetKind::AtLeast(_) => ("at_least", Vec::new()),
        TargetKind::AtMost(_) => ("at_most", Vec::new()),
        TargetKind::Benchmark(band) => (
            match band {
                BandName::Market => "benchmark_market",
                BandName::Optimal => "benchmark_optimal",
            },
            vec![("set", kpi.benchmark.as_ref().map(|b| b.set.clone()).unwrap_or_default())],
        ),
        TargetKind::Ramp(ramp) => (
            if ramp.to.is_some() { "ramp" } else { "ramp_open" },
            vec![
                ("start", show(ramp.start)),
                ("from", format::period_name(ramp.from, words)),
                ("goal", show(ramp.goal)),
                (
                    "to",
                    ramp.to.map(|to| format::date(to.end(), language)).unwrap_or_default(),
                ),
                ("period", format::period_name(period, words)),
            ],
        ),
        TargetKind::Funnel(figure) => {
            let funnel = spec.funnel.as_ref()?;
            let key = match figure {
                FunnelTarget::Leads => "funnel_leads",
                FunnelTarget::CostPerLead => "funnel_cost_per_lead",
            };
            let budget = funnel.budget.map(money).unwrap_or_default();
            (key, vec![("revenue", money(funnel.revenue_goal)), ("budget", budget)])
        }
        TargetKind::Competitors(rivals) => {
            let better = kpi.better == crate::spec::Better::Higher;
            let whose = match rivals {
                Rivals::Median => words.label("competitors_median").to_owned(),
                Rivals::Best => words.label("competitors_best").to_owned(),
                Rivals::One(id) => spec.competitors.get(id).map_or_else(|| id.clone(), |c| c.name.clone()),
            };
            (
                if better {
                    "competitors_above"
                } else {
                    "competitors_below"
                },
                vec![("whose", whose)],
            )
        }
    };
    let mut sentence = fill(
        words.statements.get(key)?,
        kpi.title.get(language),
        &value,
        &date,
        &extra,
    );
    if !target.windows.is_empty() {
        let names: Vec<&str> = target.windows.iter().map(|w| w.name.as_str()).collect();
        let windows = format!(
            "{} — ×{}",
            names.join(", "),
            format::number(target.seasonal_factor, 2, language)
        );
        sentence.push_str(&words.statements["seasonal"].replace("{windows}", &windows));
    }
    Some(sentence)
}

fn fill(template: &str, kpi: &str, value: &str, date: &str, extra: &[(&str, String)]) -> String {
    let mut text = template
        .replace("{kpi}", kpi)
        .replace("{value}", value)
        .replace("{date}", date);
    for (key, replacement) in extra {
        text = text.replace(&format!("{{{key}}}"), replacement);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled() {
        let words = crate::report::words::words(crate::spec::Language::Ru);
        let text = fill(
            &words.statements["increase"],
            "Подписчики",
            "11\u{a0}000",
            "31.10.2026",
            &[("rate", "10\u{a0}%".into())],
        );
        assert_eq!(
            text,
            "Увеличить показатель «Подписчики» на 10\u{a0}% — до 11\u{a0}000 — к 31.10.2026"
        );
    }
}
