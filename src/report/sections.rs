//! Which sections the report prints: the spec's choice, or all, less those with nothing
//! to show (a section without its data is left out rather than printed empty).

use super::ReportModel;
use crate::spec::Spec;

pub fn sections(spec: &Spec, model: &ReportModel) -> Vec<String> {
    match &spec.report.sections {
        Some(chosen) => chosen.iter().map(String::as_str).collect::<Vec<_>>(),
        None => crate::spec::SECTIONS.to_vec(),
    }
    .into_iter()
    .filter(|section| has_content(section, model))
    .map(str::to_owned)
    .collect()
}

fn has_content(section: &str, model: &ReportModel) -> bool {
    match section {
        "funnel" => model.funnel.is_some(),
        "content" => model.content.as_ref().is_some_and(|c| c.scored > 0),
        "recommendations" => !model.recommendations.is_empty(),
        "trends" => model.kpis.iter().any(|k| k.chart.is_some()),
        _ => true,
    }
}
