//! Which sections the report prints: the spec's choice, or all, less those with nothing
//! to show (a section without its data is left out rather than printed empty).

use super::ReportModel;
use crate::spec::{Section, Spec};

pub fn sections(spec: &Spec, model: &ReportModel) -> Vec<Section> {
    let chosen = spec.report.sections.as_deref().unwrap_or(Section::ALL);
    chosen
        .iter()
        .copied()
        .filter(|section| has_content(*section, model))
        .collect()
}

fn has_content(section: Section, model: &ReportModel) -> bool {
    match section {
        Section::Funnel => model.funnel.is_some(),
        Section::Competitors => model.kpis.iter().any(|k| !k.competitors.is_empty()),
        Section::Content => model.content.as_ref().is_some_and(|c| c.scored > 0),
        Section::Recommendations => !model.recommendations.is_empty(),
        Section::Trends => model.kpis.iter().any(|k| k.chart.is_some()),
        Section::Cover | Section::Summary | Section::Scorecard | Section::Appendix => true,
    }
}
