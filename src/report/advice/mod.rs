//! Recommendations: for every KPI that missed its target, is near it or behind pace, the
//! spec's own advice for that status, or built-in advice for the common SMM KPIs.

pub mod smart;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

use crate::goals::Status;
use crate::report::KpiModel;
use crate::spec::{Kpi, Language, StatusName};

#[derive(Debug, Clone, Serialize)]
pub struct AdviceModel {
    pub id: String,
    pub title: String,
    pub status: Status,
    pub status_text: String,
    pub text: String,
    /// Whether the text is the spec's own rather than built in.
    pub from_spec: bool,
}

/// Advice for each KPI that needs it, misses first.
pub fn recommendations(kpis: &[(&Kpi, &KpiModel)], language: Language) -> Vec<AdviceModel> {
    let mut advice: Vec<AdviceModel> = kpis
        .iter()
        .filter_map(|(kpi, model)| advice_for(kpi, model, language))
        .collect();
    advice.sort_by_key(|a| urgency(a.status));
    advice
}

fn urgency(status: Status) -> u8 {
    match status {
        Status::Missed | Status::Behind => 0,
        Status::Near => 1,
        _ => 2,
    }
}

fn advice_for(kpi: &Kpi, model: &KpiModel, language: Language) -> Option<AdviceModel> {
    let spec_key = match model.status {
        Status::Achieved | Status::OnTrack => Some(StatusName::Achieved),
        Status::Near => Some(StatusName::Near),
        Status::Missed | Status::Behind => Some(StatusName::Missed),
        Status::NoData => Some(StatusName::NoData),
        Status::NoTarget => None,
    };
    let own = spec_key
        .and_then(|key| kpi.advice.get(&key))
        .map(|text| text.get(language).to_owned());
    let needs_help = matches!(model.status, Status::Missed | Status::Near | Status::Behind);
    let builtin = || needs_help.then(|| builtin(&kpi.id, language)).flatten();
    let from_spec = own.is_some();
    let text = own.or_else(builtin)?;
    Some(AdviceModel {
        id: model.id.clone(),
        title: model.title.clone(),
        status: model.status,
        status_text: model.display.status.clone(),
        text,
        from_spec,
    })
}

/// The built-in advice for what `id` looks like: `engagement_rate` is engagement,
/// `cpl` is cost per lead, and so on.
fn builtin(id: &str, language: Language) -> Option<String> {
    static ADVICE: OnceLock<HashMap<String, HashMap<String, String>>> = OnceLock::new();
    let all = ADVICE.get_or_init(|| crate::spec::yaml::builtin(include_str!("advice.yaml"), "advice texts"));
    all.get(language.name())?.get(kind(id)?).cloned()
}

/// The kind of KPI an id names, the more specific patterns first.
fn kind(id: &str) -> Option<&'static str> {
    let id = id.to_ascii_lowercase();
    const PATTERNS: [(&str, &str); 14] = [
        ("cost_per_lead", "cost_per_lead"),
        ("cpl", "cost_per_lead"),
        ("cost_per_follower", "cost_per_follower"),
        ("cost_per_subscriber", "cost_per_follower"),
        ("response", "response_time"),
        ("views_per", "views_per_video"),
        ("engagement", "engagement"),
        ("follower", "follower_growth"),
        ("subscriber", "follower_growth"),
        ("ctr", "ctr"),
        ("conversion", "conversion"),
        ("lead", "leads"),
        ("reach", "reach"),
        ("views", "reach"),
    ];
    PATTERNS
        .iter()
        .find(|(pattern, _)| id.contains(pattern))
        .map(|(_, kind)| *kind)
        .or_else(|| (id == "er").then_some("engagement"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_their_kind() {
        assert_eq!(kind("engagement_rate"), Some("engagement"));
        assert_eq!(kind("er"), Some("engagement"));
        assert_eq!(kind("cost_per_lead"), Some("cost_per_lead"));
        assert_eq!(kind("tiktok_views_per_post"), Some("views_per_video"));
        assert_eq!(kind("followers"), Some("follower_growth"));
        assert_eq!(kind("spend"), None);
    }

    #[test]
    fn every_language_advises_on_every_kind() {
        let ids = [
            "engagement_rate",
            "followers",
            "reach",
            "views_per_post",
            "ctr",
            "conversion",
            "leads",
            "cost_per_lead",
            "cost_per_follower",
            "response_time",
        ];
        for language in [Language::Ru, Language::Uk, Language::En] {
            for id in ids {
                assert!(builtin(id, language).is_some(), "{language:?} {id}");
            }
        }
    }
}
