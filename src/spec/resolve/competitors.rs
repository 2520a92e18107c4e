//! `competitors`: each with its name and sources, resolved as the client's are; targets
//! that name one must name one there is.

use indexmap::IndexMap;

use super::super::error::{Part, SpecError};
use super::super::problem::Problem;
use super::super::raw::*;
use super::super::*;
use super::Resolver;

pub(super) fn competitors(
    r: &Resolver,
    raw: IndexMap<String, RawCompetitor>,
    kpis: &IndexMap<String, Kpi>,
) -> Result<IndexMap<String, Competitor>, SpecError> {
    let mut competitors = IndexMap::new();
    for (id, raw) in raw {
        let at = format!("competitors.{id}");
        let name = raw.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| id.clone());
        let sources = raw
            .sources
            .into_iter()
            .map(|(name, source)| {
                Ok((
                    name.clone(),
                    super::sources::source_at(r, &format!("{at}.sources.{name}"), name, source)?,
                ))
            })
            .collect::<Result<IndexMap<_, _>, SpecError>>()?;
        competitors.insert(id.clone(), Competitor { id, name, sources });
    }
    let named = kpis.values().flat_map(|kpi| {
        let targets = kpi.target.iter().chain(kpi.dated.iter().map(|(_, t)| t));
        targets.filter_map(move |t| match &t.kind {
            TargetKind::Competitors(Rivals::One(id)) => Some((kpi, id)),
            _ => None,
        })
    });
    for (kpi, id) in named {
        if !competitors.contains_key(id) {
            let problem = Problem::UnknownCompetitor {
                kpi: kpi.id.clone(),
                id: id.clone(),
                known: competitors.keys().cloned().collect(),
            };
            return Err(r.error(&format!("kpis.{}.target.competitors", kpi.id), Part::Value, problem));
        }
    }
    Ok(competitors)
}
