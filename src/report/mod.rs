//! The report model: everything a template needs, in one serialisable struct. It is what
//! `--format json` writes and what typst reads as `report.json`. Output: [`ReportModel`].

mod advice;
mod breakdown;
mod chart;
mod content;
mod files;
mod kpis;
mod model;
mod sections;
mod summary;
pub mod words;

// Text is made in `words/` (numbers, statements, warnings) and `advice/` (advice, the
// SMART findings); the parts of the model are built beside this file.
pub use advice::smart;
pub use words::format;
use words::{statements, warnings};

use crate::goals::funnel::FunnelScore;
use crate::goals::Scorecard;
use crate::metrics::content::ContentRanking;
use crate::metrics::MetricTable;
use crate::provenance::Manifest;
use crate::source::{display, Coverage};
use crate::spec::{Language, Per, Period, Spec, SpecWarning, ValueFormat};
pub use files::{DataModel, FileModel};
use kpis::{band_lines, kpi_model};
pub use model::*;
pub use summary::Summary;
use words::Words;

/// What the report stage is made from: the earlier stages' output, the font the render
/// stage found missing, and the manifest of the inputs.
pub struct Input<'a> {
    pub spec: &'a Spec,
    pub sources: Coverage<'a>,
    pub table: &'a MetricTable,
    pub scorecard: &'a Scorecard,
    pub content: Option<&'a ContentRanking>,
    pub smart: &'a [SpecWarning],
    pub missing_font: Option<&'a str>,
    pub inputs: Option<Manifest>,
}

/// Everything the template needs for the spec's report on the scorecard's period.
pub fn build(input: Input) -> ReportModel {
    let Input {
        spec,
        sources,
        table,
        scorecard,
        content,
        smart,
        missing_font,
        inputs,
    } = input;
    let language = spec.report.language;
    let words = words::words(language).clone();
    let period = scorecard.period;
    let first_shown = (scorecard.kpis.first().and_then(|k| k.history.first())).map_or(period, |h| h.period);
    let notes = breakdown::notes(spec, (first_shown, period));
    let kpis: Vec<KpiModel> = scorecard
        .kpis
        .iter()
        .map(|score| {
            let kpi = &spec.kpis[&score.id];
            let mut model = kpi_model(spec, kpi, score, scorecard, &words);
            model.breakdown = breakdown::parts(spec, kpi, table, period);
            model.goals = breakdown::goals(spec, kpi, table, period, &words);
            (model.competitors, model.position) = breakdown::rivals(spec, kpi, table, period, model.value);
            model.notes = chart_notes(&notes, &score.history);
            model
        })
        .collect();
    let mut model = ReportModel {
        client: spec.client.clone(),
        period: period.label(),
        period_name: format::period_name(period, &words),
        period_start: period.start.to_string(),
        period_end: period.end().to_string(),
        period_dates: format::dates(period.start, period.end(), language),
        grain: period.grain,
        language,
        currency: spec.report.currency.clone(),
        title: spec
            .report
            .title
            .clone()
            .unwrap_or_else(|| words.label("title").to_owned()),
        brand: BrandModel {
            colors: spec.brand.colors.clone(),
            logo: spec.brand.logo.as_deref().map(display),
            font: spec.brand.font.clone().filter(|_| missing_font.is_none()),
            families: spec
                .brand
                .font
                .iter()
                .filter(|_| missing_font.is_none())
                .map(String::as_str)
                .chain([FALLBACK_FAMILY])
                .map(str::to_owned)
                .collect(),
            footer: spec.brand.footer.clone(),
            agency: spec.brand.agency.clone(),
        },
        summary: summary::summary(&kpis, &words),
        competitors: spec
            .competitors
            .values()
            .map(|c| CompetitorModel {
                id: c.id.clone(),
                name: c.name.clone(),
            })
            .collect(),
        comment: breakdown::comment(spec, period),
        notes,
        funnel: scorecard.funnel.as_ref().map(|f| funnel(spec, f, &words)),
        content: content.map(|c| content::content(c, language, &spec.report.currency, &words)),
        seasonality: scorecard
            .windows
            .iter()
            .map(|w| WindowModel {
                name: w.name.clone(),
                from: w.from.to_string(),
                to: w.to.to_string(),
                dates: format::dates(w.from, w.to, language),
            })
            .collect(),
        benchmarks: benchmark_notes(spec, scorecard, period, &words),
        coverage: coverage(scorecard, &words),
        recommendations: advice::recommendations(
            &kpis.iter().map(|k| (&spec.kpis[&k.id], k)).collect::<Vec<_>>(),
            language,
        ),
        sources: files::data(&sources, table, language, &words),
        warnings: warnings::all(&sources, table, scorecard, missing_font),
        target_warnings: smart.iter().map(SpecWarning::one_line).collect(),
        kpis,
        words,
        sections: Vec::new(),
        inputs,
    };
    model.sections = sections::sections(spec, &model);
    model
}

/// The notes that fall in the periods `history` shows, where on the chart each goes.
fn chart_notes(notes: &[breakdown::NoteModel], history: &[crate::goals::HistoryPoint]) -> Vec<ChartNote> {
    notes
        .iter()
        .enumerate()
        .filter_map(|(i, note)| {
            let day = note.day;
            let index = history
                .iter()
                .position(|h| h.period.start <= day && day <= h.period.end())?;
            let period = history[index].period;
            let at = (day - period.start).num_days() as f64 / f64::from(period.days().max(1) - 1).max(1.0);
            Some(ChartNote {
                number: i + 1,
                index,
                at,
            })
        })
        .collect()
}

fn funnel(spec: &Spec, f: &FunnelScore, words: &Words) -> FunnelModel {
    let language = spec.report.language;
    let currency = spec.report.currency.as_str();
    let count = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format::number(v, 0, language));
    let money = |v: Option<f64>| {
        v.map_or_else(
            || "—".to_owned(),
            |v| format::value(v, ValueFormat::Currency, language, currency),
        )
    };
    FunnelModel {
        figures: f.clone(),
        display: FunnelDisplay {
            revenue_goal: money(Some(f.revenue_goal)),
            average_order_value: money(Some(f.average_order_value)),
            lead_to_sale: format::rate(f.lead_to_sale, language),
            budget: money(f.budget),
            sales_needed: count(Some(f.sales_needed)),
            leads_needed: count(Some(f.leads_needed)),
            max_cost_per_lead: money(f.max_cost_per_lead),
            actual_leads: count(f.actual_leads),
            actual_spend: money(f.actual_spend),
            actual_cost_per_lead: money(f.actual_cost_per_lead),
            expected_sales: count(f.expected_sales),
            expected_revenue: money(f.expected_sales.map(|s| s * f.average_order_value)),
            note: words
                .label("funnel_note")
                .replace("{aov}", &money(Some(f.average_order_value)))
                .replace("{rate}", &format::rate(f.lead_to_sale, language)),
        },
    }
}

/// Each benchmark band the KPIs use, once, with its conversion in words.
fn benchmark_notes(spec: &Spec, scorecard: &Scorecard, period: Period, words: &Words) -> Vec<BenchmarkNote> {
    let mut notes: Vec<BenchmarkNote> = Vec::new();
    for score in &scorecard.kpis {
        let Some(benchmark) = &score.benchmark else { continue };
        let kpi = &spec.kpis[&score.id];
        let title = kpi.title.get(spec.report.language).to_owned();
        let band = &benchmark.band;
        if let Some(note) = notes.iter_mut().find(|n| n.set == band.set && n.kpi == band.kpi) {
            note.used_by.push(title);
            continue;
        }
        notes.push(BenchmarkNote {
            set: band.set.clone(),
            kpi: band.kpi.clone(),
            used_by: vec![title],
            display: band_lines(band, kpi.format, spec, words),
            conversion: band
                .converted_from
                .map(|per| conversion_note(per, period, spec.report.language, words)),
        });
    }
    notes
}

fn conversion_note(per: Per, period: Period, language: Language, words: &Words) -> String {
    let name = per.name();
    let decimals = if per.days().fract() == 0.0 { 0 } else { 2 };
    words
        .label("conversion")
        .replace("{per}", words.pers.get(name).map_or(name, String::as_str))
        .replace("{days}", &period.days().to_string())
        .replace("{n}", &format::number(per.days(), decimals, language))
}

fn coverage(scorecard: &Scorecard, words: &Words) -> Option<CoverageModel> {
    let pace = scorecard.kpis.iter().filter_map(|k| k.pace).min_by_key(|p| p.days)?;
    Some(CoverageModel {
        days: pace.days,
        period_days: pace.period_days,
        text: words
            .label("coverage")
            .replace("{days}", &pace.days.to_string())
            .replace("{of}", &pace.period_days.to_string()),
    })
}

/// The report model as `--format json` writes it and typst reads it
/// (`/_kpipress/report.json`): one text, so that a template sees exactly what a
/// reviewer reads in the JSON.
pub fn json(model: &ReportModel) -> String {
    let mut json = serde_json::to_string_pretty(model).expect("the report model serialises");
    json.push('\n');
    json
}
