//! `funnel` and `content`: the revenue funnel and the content breakdown.

use indexmap::IndexMap;

use super::super::error::{Part, SpecError};
use super::super::problem::Problem;
use super::super::raw::*;
use super::super::*;
use super::Resolver;

pub(super) fn funnel(r: &Resolver, raw: RawFunnel, kpis: &IndexMap<String, Kpi>) -> Result<Funnel, SpecError> {
    let revenue_goal = r.required("funnel.revenue_goal", raw.revenue_goal)?.0;
    let average_order_value = r.required("funnel.average_order_value", raw.average_order_value)?.0;
    let lead_to_sale = r.required("funnel.lead_to_sale", raw.lead_to_sale)?.0;
    for (key, kpi) in [
        ("leads", &raw.actual.as_ref().and_then(|a| a.leads.clone())),
        ("spend", &raw.actual.as_ref().and_then(|a| a.spend.clone())),
    ] {
        if let Some(kpi) = kpi.as_ref().filter(|k| !kpis.contains_key(*k)) {
            let problem = Problem::FunnelKpi {
                key,
                kpi: kpi.clone(),
                known: kpis.keys().cloned().collect(),
            };
            return Err(r.error(&format!("funnel.actual.{key}"), Part::Value, problem));
        }
    }
    for (key, value) in [
        ("revenue_goal", revenue_goal),
        ("average_order_value", average_order_value),
        ("lead_to_sale", lead_to_sale),
    ] {
        if value <= 0.0 {
            let path = format!("funnel.{key}");
            return Err(r.error(&path, Part::Value, Problem::NotPositive { path: path.clone() }));
        }
    }
    let actual = raw.actual.unwrap_or(RawFunnelActual {
        leads: None,
        spend: None,
    });
    Ok(Funnel {
        revenue_goal,
        average_order_value,
        lead_to_sale,
        budget: raw.budget.map(|b| b.0),
        actual_leads: actual.leads,
        actual_spend: actual.spend,
    })
}

pub(super) fn content(
    r: &Resolver,
    raw: RawContent,
    sources: &IndexMap<String, SourceSpec>,
) -> Result<Content, SpecError> {
    let source = r.required("content.source", raw.source)?;
    let rank_by = r.required("content.rank_by", raw.rank_by)?;
    if !sources.contains_key(&source) {
        let problem = Problem::UnknownSource {
            at: "content".into(),
            name: source,
            known: sources.keys().cloned().collect(),
        };
        return Err(r.error("content.source", Part::Value, problem));
    }
    if raw.top == Some(0) {
        return Err(r.error("content.top", Part::Value, Problem::ContentTop));
    }
    let format = match raw.format {
        Some(f) => r.closed("content.format", &f)?,
        None => default_rank_format(&rank_by),
    };
    Ok(Content {
        source,
        id: raw.id,
        title: raw.title,
        format,
        rank_by,
        top: raw.top.unwrap_or(5),
        group_by: raw.group_by,
    })
}

/// A score that divides one count by another is a rate, shown as a percentage.
pub(super) fn default_rank_format(rank_by: &str) -> ValueFormat {
    if rank_by.contains('/') {
        ValueFormat::Percent
    } else {
        ValueFormat::Number
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    const FUNNEL: &str = "funnel: { revenue_goal: 1000, average_order_value: 50, lead_to_sale: 10%";

    #[test]
    fn funnel_figures_are_above_zero_and_name_known_kpis() {
        let zero = spec("funnel: { revenue_goal: 0, average_order_value: 50, lead_to_sale: 10% }\n");
        assert!(matches!(problem(&zero), Problem::NotPositive { path } if path == "funnel.revenue_goal"));
        let unknown = spec(&format!("{FUNNEL}, actual: {{ leads: leeds }} }}\n"));
        assert!(matches!(problem(&unknown), Problem::FunnelKpi { key: "leads", .. }));
        assert!(resolve_text(&spec(&format!("{FUNNEL} }}\n"))).unwrap().funnel.is_some());
    }

    #[test]
    fn content_ranks_a_known_source() {
        let spec_text = spec("content: { source: posts, rank_by: \"likes / views\" }\n");
        let content = resolve_text(&spec_text).unwrap().content.unwrap();
        assert_eq!((content.format, content.top), (ValueFormat::Percent, 5));
        let top = spec("content: { source: posts, rank_by: likes, top: 0 }\n");
        assert!(matches!(problem(&top), Problem::ContentTop));
        let missing = spec("content: { rank_by: likes }\n");
        assert!(matches!(problem(&missing), Problem::Missing { path } if path == "content.source"));
    }
}
