//! The summary page's substance: status counts, the biggest changes against the previous
//! period, and three findings written from the scorecard.

use serde::Serialize;

use super::words::Words;
use super::KpiModel;
use crate::goals::Status;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub total: usize,
    pub achieved: usize,
    pub near: usize,
    pub missed: usize,
    pub no_data: usize,
    pub no_target: usize,
    /// The three largest changes against the previous period.
    pub changes: Vec<ChangeModel>,
    /// The three largest changes against the same period a year earlier.
    pub changes_year: Vec<ChangeModel>,
    /// Up to three sentences: the best KPI, the worst, the most important miss.
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeModel {
    pub id: String,
    pub title: String,
    pub change: String,
    pub value: String,
    pub good: Option<bool>,
}

/// How many changes and findings the summary shows.
const TOP: usize = 3;

pub fn summary(kpis: &[KpiModel], words: &Words) -> Summary {
    let mut summary = Summary {
        total: kpis.len(),
        changes: biggest_changes(kpis, |k| (k.change, &k.display.change, k.change_is_good)),
        changes_year: biggest_changes(kpis, |k| (k.change_year, &k.display.change_year, k.change_year_is_good)),
        findings: findings(kpis, words),
        ..Summary::default()
    };
    for kpi in kpis {
        *match kpi.status {
            Status::Achieved | Status::OnTrack => &mut summary.achieved,
            Status::Near => &mut summary.near,
            Status::Missed | Status::Behind => &mut summary.missed,
            Status::NoData => &mut summary.no_data,
            Status::NoTarget => &mut summary.no_target,
        } += 1;
    }
    summary
}

/// The [`TOP`] largest changes that `of` picks from each KPI (the change, as shown, and
/// whether it is good news).
fn biggest_changes(
    kpis: &[KpiModel],
    of: impl Fn(&KpiModel) -> (Option<f64>, &String, Option<bool>),
) -> Vec<ChangeModel> {
    let size = |k: &&KpiModel| of(k).0.map_or(0.0, f64::abs);
    let mut changed: Vec<&KpiModel> = kpis.iter().filter(|k| size(k) != 0.0).collect();
    changed.sort_by(|a, b| size(b).total_cmp(&size(a)));
    changed
        .into_iter()
        .take(TOP)
        .map(|k| {
            let (_, shown, good) = of(k);
            ChangeModel {
                id: k.id.clone(),
                title: k.title.clone(),
                change: shown.clone(),
                value: k.display.value.clone(),
                good,
            }
        })
        .collect()
}

fn magnitude(kpi: &KpiModel) -> f64 {
    kpi.change.map_or(0.0, f64::abs)
}

/// How far past its target a KPI is, as a share of the target, in the direction that
/// counts: positive when reached, negative when short. A partial period counts its
/// projection.
fn margin(kpi: &KpiModel) -> Option<f64> {
    let target = kpi.target.as_ref()?;
    let goal = target.value.filter(|g| *g != 0.0)?;
    let value = kpi.pace.and_then(|p| p.projected).or(kpi.value)?;
    let direction = if target.at_or_above { 1.0 } else { -1.0 };
    Some(direction * (value - goal) / goal.abs())
}

/// Misses that cost the business come first: a target from the funnel or a ramp.
fn importance(kpi: &KpiModel) -> u8 {
    match kpi.target.as_ref().map(|t| t.kind) {
        Some("funnel") => 2,
        Some("ramp") => 1,
        _ => 0,
    }
}

fn findings(kpis: &[KpiModel], words: &Words) -> Vec<String> {
    let say = |key: &str, kpi: &KpiModel| {
        words.findings[key]
            .replace("{kpi}", &kpi.title)
            .replace("{value}", &kpi.display.value)
            .replace("{target}", &kpi.display.target)
            .replace("{change}", &kpi.display.change)
    };
    let graded: Vec<(&KpiModel, f64)> = kpis.iter().filter_map(|k| margin(k).map(|m| (k, m))).collect();
    let best = graded
        .iter()
        .filter(|(_, m)| *m >= 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| *k);
    let worst = graded
        .iter()
        .filter(|(_, m)| *m < 0.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| *k);
    let misses: Vec<&(&KpiModel, f64)> = graded
        .iter()
        .filter(|(k, _)| matches!(k.status, Status::Missed | Status::Behind))
        .collect();
    let priority = misses
        .iter()
        .filter(|(k, _)| misses.len() == 1 || Some(k.id.as_str()) != worst.map(|w| w.id.as_str()))
        .max_by(|a, b| importance(a.0).cmp(&importance(b.0)).then(b.1.total_cmp(&a.1)))
        .map(|(k, _)| *k);
    let mut findings = Vec::new();
    findings.extend(best.map(|k| say("best", k)));
    findings.extend(worst.map(|k| say("worst", k)));
    match priority {
        Some(k) if Some(k.id.as_str()) != worst.map(|w| w.id.as_str()) => {
            let key = if importance(k) > 0 {
                "priority"
            } else {
                "priority_plain"
            };
            findings.push(say(key, k));
        }
        Some(_) => {}
        None if !graded.is_empty() => findings.push(words.findings["no_misses"].clone()),
        None => {}
    }
    let mentioned = |k: &KpiModel| [best, worst, priority].iter().flatten().any(|m| m.id == k.id);
    let mut changed: Vec<&KpiModel> = kpis
        .iter()
        .filter(|k| k.change.is_some_and(|c| c != 0.0) && !mentioned(k))
        .collect();
    changed.sort_by(|a, b| magnitude(b).total_cmp(&magnitude(a)));
    findings.extend(changed.into_iter().map(|k| say("change", k)));
    findings.truncate(TOP);
    findings
}
