//! `funnel` and `content`: the revenue funnel and the content breakdown.

use indexmap::IndexMap;

use super::super::error::{Part, SpecError};
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
            return Err(r.error(
                &format!("funnel.actual.{key}"),
                Part::Value,
                format!("`funnel.actual.{key}` names an unknown KPI `{kpi}`"),
                suggest::help(kpi, kpis.keys().map(String::as_str)),
            ));
        }
    }
    for (key, value) in [
        ("revenue_goal", revenue_goal),
        ("average_order_value", average_order_value),
        ("lead_to_sale", lead_to_sale),
    ] {
        if value <= 0.0 {
            return Err(r.error(
                &format!("funnel.{key}"),
                Part::Value,
                format!("`funnel.{key}` must be above zero"),
                None,
            ));
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
        return Err(r.error(
            "content.source",
            Part::Value,
            format!("`content` reads source `{source}`, which the spec does not define"),
            suggest::help(&source, sources.keys().map(String::as_str)),
        ));
    }
    if raw.top == Some(0) {
        return Err(r.error(
            "content.top",
            Part::Value,
            "`content.top` must be at least 1".into(),
            Some("it is how many of the best and of the weakest posts the report lists".into()),
        ));
    }
    let format = match raw.format {
        Some(f) => r.closed("content.format", &f, &ValueFormat::NAMES, ValueFormat::parse)?,
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
