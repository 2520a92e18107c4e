//! A KPI's breakdown in the report: its parts in the reported period, largest first, each
//! with its share of the parts' sum (for a KPI that adds up over rows; a ratio's parts
//! have no share) and its change against the previous period. The notes of the account
//! manager too: the dated ones the charts mark, and the period's comment.

use serde::Serialize;

use super::format;
use super::model::{GoalModel, PositionModel, RivalModel};
use super::words::Words;
use crate::goals;
use crate::metrics::MetricTable;
use crate::spec::{Kpi, NoteOn, Period, Spec};

#[derive(Debug, Clone, Serialize)]
pub struct PartModel {
    pub name: String,
    pub value: Option<f64>,
    /// The value over the sum of the parts' values, for a KPI that adds up; `null` for a
    /// ratio, whose parts do not add up to it.
    pub share: Option<f64>,
    pub previous: Option<f64>,
    pub change: Option<f64>,
    pub display: PartDisplay,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartDisplay {
    pub value: String,
    pub share: String,
    pub change: String,
}

/// The parts of `kpi`'s breakdown in `period`, largest first; empty without one.
pub fn parts(spec: &Spec, kpi: &Kpi, table: &MetricTable, period: Period) -> Vec<PartModel> {
    let Some(parts) = table.breakdowns.get(&kpi.id) else {
        return Vec::new();
    };
    let language = spec.report.language;
    let at = |values: &[Option<f64>], p: Period| table.index_of(p).and_then(|i| values.get(i).copied().flatten());
    let additive = table.additive.contains(&kpi.id);
    let total: f64 = parts.values().filter_map(|v| at(v, period)).sum();
    let mut models: Vec<PartModel> = parts
        .iter()
        .filter(|(_, values)| at(values, period).is_some() || at(values, period.previous()).is_some())
        .map(|(name, values)| {
            let value = at(values, period);
            let previous = at(values, period.previous());
            let share = value.filter(|_| additive && total != 0.0).map(|v| v / total);
            let change = goals::change(value, previous);
            PartModel {
                name: name.clone(),
                value,
                share,
                previous,
                change,
                display: PartDisplay {
                    value: value.map_or_else(
                        || "—".to_owned(),
                        |v| format::value(v, kpi.format, language, &spec.report.currency),
                    ),
                    share: share.map_or_else(String::new, |s| format::percent(s, 0, language)),
                    change: change.map_or_else(|| "—".to_owned(), |c| format::change(c, language)),
                },
            }
        })
        .collect();
    models.sort_by(|a, b| b.value.unwrap_or(f64::MIN).total_cmp(&a.value.unwrap_or(f64::MIN)));
    models
}

/// Each competitor that has `kpi`'s source, with its value in `period`, and the client's
/// place among itself and those with a value (by the KPI's `better`; none without one).
pub fn rivals(
    spec: &Spec,
    kpi: &Kpi,
    table: &MetricTable,
    period: Period,
    value: Option<f64>,
) -> (Vec<RivalModel>, Option<PositionModel>) {
    let Some(index) = table.index_of(period) else {
        return (Vec::new(), None);
    };
    let language = spec.report.language;
    let rivals: Vec<RivalModel> = table
        .rivals(&kpi.id, index)
        .into_iter()
        .map(|(id, value)| RivalModel {
            id: id.to_owned(),
            name: spec
                .competitors
                .get(id)
                .map_or_else(|| id.to_owned(), |c| c.name.clone()),
            value,
            display: value.map_or_else(
                || "—".to_owned(),
                |v| format::value(v, kpi.format, language, &spec.report.currency),
            ),
        })
        .collect();
    let position = value.filter(|_| !rivals.is_empty()).map(|own| {
        let higher = kpi.better == crate::spec::Better::Higher;
        let known: Vec<f64> = rivals.iter().filter_map(|r| r.value).collect();
        let ahead = known
            .iter()
            .filter(|v| if higher { **v > own } else { **v < own })
            .count();
        PositionModel {
            rank: ahead + 1,
            of: known.len() + 1,
        }
    });
    (rivals, position)
}

/// `kpi`'s goals over the quarter or year that holds `period`: the sum so far, and the
/// pace each period left needs. Only a KPI that adds up over days has a sum to reach.
pub fn goals(spec: &Spec, kpi: &Kpi, table: &MetricTable, period: Period, words: &Words) -> Vec<GoalModel> {
    if !table.additive.contains(&kpi.id) {
        return Vec::new();
    }
    let language = spec.report.language;
    let show = |v: f64| format::value(v, kpi.format, language, &spec.report.currency);
    kpi.goals
        .iter()
        .map(|goal| {
            let (from, to) = goal.timeframe.around(period.start);
            let to_date: f64 = table
                .periods
                .iter()
                .enumerate()
                .filter(|(_, p)| p.start >= from && p.start <= period.start)
                .filter_map(|(i, _)| table.value(&kpi.id, i))
                .sum();
            let periods_left = period.next().through(Period::containing(period.grain, to)).count();
            let needed_per_period = (periods_left > 0).then(|| ((goal.value - to_date) / periods_left as f64).max(0.0));
            let words_for = |key: &str| words.label(key).to_owned();
            let display = words_for("goal_line")
                .replace("{timeframe}", &words_for(goal.timeframe.name()))
                .replace("{goal}", &show(goal.value))
                .replace("{to_date}", &show(to_date))
                .replace("{needed}", &needed_per_period.map_or_else(|| "—".to_owned(), show));
            GoalModel {
                timeframe: goal.timeframe.name(),
                value: goal.value,
                to_date,
                needed_per_period,
                periods_left,
                display,
            }
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteModel {
    /// The day, for placing the note on the charts; `date` is its text.
    #[serde(skip)]
    pub day: chrono::NaiveDate,
    pub date: String,
    pub text: String,
    /// The date as the report's language writes it.
    pub display: String,
}

/// The spec's dated notes on the periods the report shows (`shown`), in date order: a
/// note outside them has no chart to be marked on.
pub fn notes(spec: &Spec, shown: (Period, Period)) -> Vec<NoteModel> {
    let (first, last) = shown;
    let mut notes: Vec<NoteModel> = spec
        .notes
        .iter()
        .filter_map(|note| match note.on {
            NoteOn::Day(day) if first.start <= day && day <= last.end() => Some(NoteModel {
                day,
                date: day.to_string(),
                text: note.text.clone(),
                display: format::date(day, spec.report.language),
            }),
            NoteOn::Day(_) | NoteOn::Period(_) => None,
        })
        .collect();
    notes.sort_by(|a, b| a.date.cmp(&b.date));
    notes
}

/// The comment on `period`, if the spec has one; several are joined, in spec order.
pub fn comment(spec: &Spec, period: Period) -> Option<String> {
    let comments: Vec<&str> = spec
        .notes
        .iter()
        .filter(|note| note.on == NoteOn::Period(period))
        .map(|note| note.text.as_str())
        .collect();
    (!comments.is_empty()).then(|| comments.join("\n\n"))
}
