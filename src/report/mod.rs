//! The report model: everything a template needs, in one serialisable struct. It is what
//! `--format json` writes and what typst reads as `report.json`. Output: [`ReportModel`].

mod advice;
mod chart;
mod content;
mod files;
pub mod format;
mod sections;
mod statements;
mod summary;
pub mod words;

use chrono::Datelike;
use serde::Serialize;

use crate::goals::benchmark::PeriodBand;
use crate::goals::funnel::FunnelScore;
use crate::goals::pace::Pace;
use crate::goals::{KpiScore, Scorecard, Status, TargetValue};
use crate::metrics::content::ContentRanking;
use crate::metrics::MetricTable;
use crate::source::{display, Sources};
use crate::spec::{Client, Colors, Factor, Grain, Kpi, Language, Period, Spec, SpecWarning, ValueFormat};
pub use files::{DataModel, FileModel};
pub use summary::Summary;
use words::Words;

#[derive(Debug, Clone, Serialize)]
pub struct ReportModel {
    pub client: Client,
    pub period: String,
    /// The period in words: "октябрь 2026".
    pub period_name: String,
    pub period_start: String,
    pub period_end: String,
    /// The period's first and last day as the report's language writes dates.
    pub period_dates: String,
    pub grain: Grain,
    pub language: Language,
    pub currency: String,
    pub title: String,
    pub brand: BrandModel,
    pub summary: Summary,
    pub kpis: Vec<KpiModel>,
    pub funnel: Option<FunnelModel>,
    /// The period's best and weakest posts and the response per group, when the spec
    /// has `content`.
    pub content: Option<content::ContentModel>,
    /// The seasonality windows over the periods the history shows.
    pub seasonality: Vec<WindowModel>,
    /// The benchmark bands the KPIs use, as they apply to this period.
    pub benchmarks: Vec<BenchmarkNote>,
    /// Set when the data ends inside the reported period.
    pub coverage: Option<CoverageModel>,
    /// What to do about each KPI that missed, is near or is behind, misses first.
    pub recommendations: Vec<advice::AdviceModel>,
    pub data: DataModel,
    pub warnings: Vec<String>,
    pub words: Words,
    /// The sections the report prints, in order.
    pub sections: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BrandModel {
    pub colors: Colors,
    /// The logo's file as the spec names it (typst reads it as `/_kpipress/logo`).
    pub logo: Option<String>,
    pub font: Option<String>,
    pub footer: Option<String>,
    pub agency: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KpiModel {
    pub id: String,
    pub title: String,
    pub formula: String,
    pub source: Option<String>,
    pub format: ValueFormat,
    pub better: crate::spec::Better,
    pub value: Option<f64>,
    pub previous: Option<f64>,
    pub change: Option<f64>,
    pub target: Option<TargetModel>,
    pub status: Status,
    pub benchmark: Option<BenchmarkModel>,
    /// Set when the KPI's data ends inside the period.
    pub pace: Option<Pace>,
    /// The target as a SMART sentence in the report's language.
    pub smart: Option<String>,
    /// Whether the change is good news given `better`; none where there is no change.
    pub change_is_good: Option<bool>,
    /// How much of the target the value (or its projection) reaches: 1 is exactly on
    /// target, above 1 beyond it, whichever way is better.
    pub attainment: Option<f64>,
    pub history: Vec<HistoryModel>,
    /// The trend chart's scale; none when the history has no numbers.
    pub chart: Option<chart::ChartModel>,
    /// The same figures as the report prints them.
    pub display: DisplayModel,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetModel {
    pub value: Option<f64>,
    /// The target before seasonality windows adjusted it.
    pub base: Option<f64>,
    pub kind: &'static str,
    /// Whether reaching the target means being at or above it.
    pub at_or_above: bool,
    pub seasonal_factor: f64,
    pub windows: Vec<AppliedWindowModel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppliedWindowModel {
    pub name: String,
    /// Days of the period the window covers.
    pub days: u32,
    /// The multiplier (`x1.5` is 1.5), or the absolute target the window sets.
    pub factor: f64,
    pub absolute: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchmarkModel {
    pub set: String,
    pub kpi: String,
    /// `[low, high]` for this period; a threshold's `high` is `null`.
    pub market: Option<[f64; 2]>,
    pub optimal: Option<[f64; 2]>,
    /// The period the figures were given per, when they were compounded to this one.
    pub converted_from: Option<String>,
    /// below_market | market | above_market | optimal | above_optimal
    pub position: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryModel {
    pub period: String,
    /// The period as a chart's axis names it: `окт`, `W43`, `Q4`.
    pub label: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
    /// The seasonality windows that cover part of the period, by name.
    pub windows: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DisplayModel {
    pub value: String,
    pub previous: String,
    pub change: String,
    pub target: String,
    pub target_kind: String,
    pub status: String,
    /// The market and optimal bands: `4–6 % / 7–10 %`.
    pub benchmark: String,
    pub position: String,
    /// The value projected to the period's end, in a partial period.
    pub projected: String,
    /// `×1,18` where seasonality windows adjusted the target.
    pub seasonal: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunnelModel {
    #[serde(flatten)]
    pub figures: FunnelScore,
    /// The same figures as the report prints them.
    pub display: FunnelDisplay,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunnelDisplay {
    pub revenue_goal: String,
    pub average_order_value: String,
    pub lead_to_sale: String,
    pub budget: String,
    pub sales_needed: String,
    pub leads_needed: String,
    pub max_cost_per_lead: String,
    pub actual_leads: String,
    pub actual_spend: String,
    pub actual_cost_per_lead: String,
    pub expected_sales: String,
    pub expected_revenue: String,
    /// What the figures assume and where the actual ones come from.
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WindowModel {
    pub name: String,
    pub from: String,
    pub to: String,
    /// The dates as the report's language writes them.
    pub dates: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchmarkNote {
    pub set: String,
    pub kpi: String,
    /// The KPIs of the report that use it, by title.
    pub used_by: Vec<String>,
    pub display: String,
    /// How figures given per another length were converted, in words.
    pub conversion: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverageModel {
    pub days: u32,
    pub period_days: u32,
    pub text: String,
}

/// Everything the template needs for `spec`'s report on `scorecard.period`.
pub fn build(
    spec: &Spec,
    sources: &Sources,
    table: &MetricTable,
    scorecard: &Scorecard,
    content: Option<&ContentRanking>,
    smart: &[SpecWarning],
    missing_font: Option<&str>,
) -> ReportModel {
    let language = spec.report.language;
    let words = words::words(language).clone();
    let period = scorecard.period;
    let kpis: Vec<KpiModel> = scorecard
        .kpis
        .iter()
        .map(|score| kpi_model(spec, &spec.kpis[&score.id], score, scorecard, &words))
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
            footer: spec.brand.footer.clone(),
            agency: spec.brand.agency.clone(),
        },
        summary: summary::summary(&kpis, &words),
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
        data: files::data(sources, table, language, &words),
        warnings: warnings(sources, table, scorecard, smart, missing_font),
        kpis,
        words,
        sections: Vec::new(),
    };
    model.sections = sections::sections(spec, &model);
    model
}

fn kpi_model(spec: &Spec, kpi: &Kpi, score: &KpiScore, scorecard: &Scorecard, words: &Words) -> KpiModel {
    let language = spec.report.language;
    let period = scorecard.period;
    let show = |v: Option<f64>| {
        v.map_or_else(
            || "—".to_owned(),
            |v| format::value(v, kpi.format, language, &spec.report.currency),
        )
    };
    let change_is_good = score
        .change
        .filter(|c| *c != 0.0)
        .map(|c| (c > 0.0) == (kpi.better == crate::spec::Better::Higher));
    let benchmark = score.benchmark.as_ref().map(|b| BenchmarkModel {
        set: b.band.set.clone(),
        kpi: b.band.kpi.clone(),
        market: b.band.market,
        optimal: b.band.optimal,
        converted_from: b.band.converted_from.clone(),
        position: b.position.map(|p| p.key()),
    });
    let display = DisplayModel {
        value: show(score.value),
        previous: show(score.previous),
        change: score
            .change
            .map_or_else(|| "—".to_owned(), |c| format::change(c, language)),
        target: match &score.target {
            Some(target) => show(target.value),
            None => "—".to_owned(),
        },
        target_kind: score
            .target
            .as_ref()
            .and_then(|t| words.target_kinds.get(t.kind))
            .cloned()
            .unwrap_or_default(),
        status: words.label(score.status.key()).to_owned(),
        benchmark: score
            .benchmark
            .as_ref()
            .map(|b| band_text(&b.band, kpi.format, spec, words))
            .unwrap_or_default(),
        position: benchmark
            .as_ref()
            .and_then(|b| b.position)
            .and_then(|p| words.positions.get(p))
            .cloned()
            .unwrap_or_default(),
        projected: score
            .pace
            .and_then(|p| p.projected)
            .map(|p| show(Some(p)))
            .unwrap_or_default(),
        seasonal: score
            .target
            .as_ref()
            .filter(|t| !t.windows.is_empty())
            .map(|t| format!("×{}", format::number(t.seasonal_factor, 2, language)))
            .unwrap_or_default(),
    };
    KpiModel {
        id: kpi.id.clone(),
        title: kpi.title.get(language).to_owned(),
        formula: kpi.value.clone(),
        source: kpi.source.clone(),
        format: kpi.format,
        better: kpi.better,
        value: score.value,
        previous: score.previous,
        change: score.change,
        target: score.target.as_ref().map(target_model),
        status: score.status,
        benchmark,
        pace: score.pace,
        smart: statements::statement(spec, kpi, score, period, words),
        change_is_good,
        attainment: attainment(score),
        history: score
            .history
            .iter()
            .map(|h| HistoryModel {
                period: h.period.label(),
                label: axis_label(h.period, words),
                value: h.value,
                target: h.target,
                windows: h.windows.clone(),
            })
            .collect(),
        chart: chart::scale(
            &score
                .history
                .iter()
                .flat_map(|h| [h.value, h.target])
                .flatten()
                .collect::<Vec<_>>(),
            kpi.format,
            language,
            &spec.report.currency,
        ),
        display,
    }
}

/// `окт`, `W43`, `Q4`: short enough for twelve under one chart.
fn axis_label(period: Period, words: &Words) -> String {
    match period.grain {
        Grain::Month => {
            let name = &words.months[period.start.month0() as usize];
            name.chars().take(3).collect()
        }
        Grain::Week => format!("W{}", period.start.iso_week().week()),
        Grain::Quarter => format!("Q{}", period.start.month0() / 3 + 1),
    }
}

fn target_model(target: &TargetValue) -> TargetModel {
    TargetModel {
        value: target.value,
        base: target.base,
        kind: target.kind,
        at_or_above: target.at_or_above,
        seasonal_factor: target.seasonal_factor,
        windows: target
            .windows
            .iter()
            .map(|w| {
                let (factor, absolute) = match w.factor {
                    Factor::Multiply(m) => (m, false),
                    Factor::Absolute(a) => (a, true),
                };
                AppliedWindowModel {
                    name: w.name.clone(),
                    days: w.days,
                    factor,
                    absolute,
                }
            })
            .collect(),
    }
}

/// `4–6 % / 7–10 %`: the market band, then the optimal one; `10 000+` for a threshold.
fn band_text(band: &PeriodBand, format: ValueFormat, spec: &Spec, words: &Words) -> String {
    let language = spec.report.language;
    let edge = |v: f64| format::level(v, format, language, &spec.report.currency);
    let range = |[low, high]: [f64; 2]| {
        if high.is_finite() {
            format::range(&edge(low), &edge(high))
        } else {
            format!("{}+", edge(low))
        }
    };
    [("market", band.market), ("optimal", band.optimal)]
        .into_iter()
        .filter_map(|(name, r)| r.map(|r| format!("{} {}", words.label(name), range(r))))
        .collect::<Vec<_>>()
        .join(" · ")
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

fn attainment(score: &KpiScore) -> Option<f64> {
    let target = score.target.as_ref()?;
    let goal = target.value?;
    let value = score.pace.and_then(|p| p.projected).or(score.value)?;
    let ratio = if target.at_or_above { value / goal } else { goal / value };
    ratio.is_finite().then_some(ratio.max(0.0))
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
            display: band_text(band, kpi.format, spec, words),
            conversion: band
                .converted_from
                .as_deref()
                .map(|per| conversion_note(per, period, words)),
        });
    }
    notes
}

fn conversion_note(per: &str, period: Period, words: &Words) -> String {
    let per_days = match per {
        "day" => "1",
        "week" => "7",
        "month" => "30,44",
        _ => "91,31",
    };
    words
        .label("conversion")
        .replace("{per}", words.pers.get(per).map_or(per, String::as_str))
        .replace("{days}", &period.days().to_string())
        .replace("{n}", per_days)
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

/// Warnings for whoever runs the build (in English, with spec locations): the sources'
/// files, a period the data does not cover to its end, and the SMART checks.
fn warnings(
    sources: &Sources,
    table: &MetricTable,
    scorecard: &Scorecard,
    smart: &[SpecWarning],
    missing_font: Option<&str>,
) -> Vec<String> {
    let mut warnings = sources.warnings.clone();
    if let Some(family) = missing_font {
        warnings.push(format!(
            "font `{family}` was not found in `brand.fonts`; the report uses {}",
            crate::render::DEFAULT_FAMILY
        ));
    }
    warnings.extend(table.warnings.iter().cloned());
    if let Some(end) = table.data_end.filter(|end| *end < scorecard.period.end()) {
        let place = if end < scorecard.period.start {
            "before"
        } else {
            "inside"
        };
        warnings.push(format!(
            "the data ends on {end}, {place} the reported period {}",
            scorecard.period
        ));
    }
    warnings.extend(smart.iter().map(SpecWarning::one_line));
    warnings
}
