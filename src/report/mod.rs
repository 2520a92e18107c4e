//! The report model: everything a template needs, in one serialisable struct. It is what
//! `--format json` writes and what typst reads as `report.json`. Output: [`ReportModel`].

pub mod format;
pub mod words;

use serde::Serialize;

use crate::goals::{self, KpiScore, Scorecard, Status};
use crate::metrics::MetricTable;
use crate::source::{display, Sources};
use crate::spec::{Client, Colors, FunnelTarget, Grain, Kpi, Language, Spec, ValueFormat};
use words::Words;

#[derive(Debug, Clone, Serialize)]
pub struct ReportModel {
    pub client: Client,
    pub period: String,
    /// The period in words: "октябрь 2026".
    pub period_name: String,
    pub period_start: String,
    pub period_end: String,
    pub grain: Grain,
    pub language: Language,
    pub currency: String,
    pub title: String,
    pub brand: BrandModel,
    pub summary: Summary,
    pub kpis: Vec<KpiModel>,
    pub funnel: Option<FunnelModel>,
    pub seasonality: Vec<WindowModel>,
    pub data: DataModel,
    pub warnings: Vec<String>,
    pub words: Words,
}

#[derive(Debug, Clone, Serialize)]
pub struct BrandModel {
    pub colors: Colors,
    /// The logo's path inside the typst World, if there is one.
    pub logo: Option<String>,
    pub font: Option<String>,
    pub footer: Option<String>,
    pub agency: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub total: usize,
    pub achieved: usize,
    pub near: usize,
    pub missed: usize,
    pub no_data: usize,
    pub no_target: usize,
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
    /// Whether the change is good news given `better`; none where there is no change.
    pub change_is_good: Option<bool>,
    pub history: Vec<HistoryModel>,
    /// The same figures as the report prints them.
    pub display: DisplayModel,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetModel {
    pub value: Option<f64>,
    pub kind: &'static str,
    pub seasonal_factor: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryModel {
    pub period: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DisplayModel {
    pub value: String,
    pub previous: String,
    pub change: String,
    pub target: String,
    pub target_kind: String,
    pub status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunnelModel {
    pub sales_needed: f64,
    pub leads_needed: f64,
    pub max_cost_per_lead: Option<f64>,
    pub actual_leads: Option<f64>,
    pub actual_cost_per_lead: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WindowModel {
    pub name: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataModel {
    /// The last day any source has data for.
    pub end: Option<String>,
    /// The same day as the report's language writes dates.
    pub end_text: Option<String>,
    pub files: Vec<FileModel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileModel {
    pub source: String,
    pub path: String,
    pub rows: usize,
    pub first: Option<String>,
    pub last: Option<String>,
}

/// Everything the template needs for `spec`'s report on `scorecard.period`.
pub fn build(
    spec: &Spec,
    sources: &Sources,
    table: &MetricTable,
    scorecard: &Scorecard,
    logo: Option<String>,
) -> ReportModel {
    let language = spec.report.language;
    let words = words::words(language).clone();
    let kpis: Vec<KpiModel> = scorecard
        .kpis
        .iter()
        .map(|score| kpi_model(spec, &spec.kpis[&score.id], score, &words))
        .collect();
    let period = scorecard.period;
    ReportModel {
        client: spec.client.clone(),
        period: period.label(),
        period_name: format::period_name(period, &words),
        period_start: period.start.to_string(),
        period_end: period.end().to_string(),
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
            logo,
            font: spec.brand.font.clone(),
            footer: spec.brand.footer.clone(),
            agency: spec.brand.agency.clone(),
        },
        summary: summary(&kpis),
        funnel: funnel(spec, table, scorecard),
        seasonality: Vec::new(),
        data: data(sources, table, language),
        warnings: warnings(table, scorecard, &words),
        kpis,
        words,
    }
}

fn kpi_model(spec: &Spec, kpi: &Kpi, score: &KpiScore, words: &Words) -> KpiModel {
    let language = spec.report.language;
    let show = |v: Option<f64>| {
        v.map_or_else(
            || "—".to_owned(),
            |v| format::value(v, kpi.format, language, &spec.report.currency),
        )
    };
    let target_value = score.target.as_ref().and_then(|t| t.value);
    let change_is_good = score
        .change
        .filter(|c| *c != 0.0)
        .map(|c| (c > 0.0) == (kpi.better == crate::spec::Better::Higher));
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
        target: score.target.as_ref().map(|t| TargetModel {
            value: t.value,
            kind: t.kind,
            seasonal_factor: t.seasonal_factor,
        }),
        status: score.status,
        change_is_good,
        history: score
            .history
            .iter()
            .map(|h| HistoryModel {
                period: h.period.label(),
                value: h.value,
                target: h.target,
            })
            .collect(),
        display: DisplayModel {
            value: show(score.value),
            previous: show(score.previous),
            change: score
                .change
                .map_or_else(|| "—".to_owned(), |c| format::change(c, language)),
            target: if score.target.is_some() {
                show(target_value)
            } else {
                "—".to_owned()
            },
            target_kind: score
                .target
                .as_ref()
                .and_then(|t| words.target_kinds.get(t.kind))
                .cloned()
                .unwrap_or_default(),
            status: words.label(score.status.key()).to_owned(),
        },
    }
}

fn summary(kpis: &[KpiModel]) -> Summary {
    let mut summary = Summary {
        total: kpis.len(),
        ..Summary::default()
    };
    for kpi in kpis {
        *match kpi.status {
            Status::Achieved => &mut summary.achieved,
            Status::Near => &mut summary.near,
            Status::Missed => &mut summary.missed,
            Status::NoData => &mut summary.no_data,
            Status::NoTarget => &mut summary.no_target,
        } += 1;
    }
    summary
}

fn funnel(spec: &Spec, table: &MetricTable, scorecard: &Scorecard) -> Option<FunnelModel> {
    let funnel = spec.funnel.as_ref()?;
    let index = table.index_of(scorecard.period);
    let actual = |kpi: &Option<String>| kpi.as_ref().and_then(|k| index.and_then(|i| table.value(k, i)));
    let actual_leads = actual(&funnel.actual_leads);
    let actual_spend = actual(&funnel.actual_spend);
    Some(FunnelModel {
        sales_needed: goals::sales_needed(funnel),
        leads_needed: goals::funnel_figure(funnel, FunnelTarget::Leads)?,
        max_cost_per_lead: goals::funnel_figure(funnel, FunnelTarget::CostPerLead),
        actual_leads,
        actual_cost_per_lead: actual_spend
            .zip(actual_leads)
            .filter(|(_, l)| *l > 0.0)
            .map(|(s, l)| s / l),
    })
}

fn data(sources: &Sources, table: &MetricTable, language: Language) -> DataModel {
    let files = sources
        .sources
        .iter()
        .flat_map(|(name, source)| {
            source.files.iter().map(move |f| FileModel {
                source: name.clone(),
                path: display(&f.path),
                rows: f.rows,
                first: f.first.map(|d| d.to_string()),
                last: f.last.map(|d| d.to_string()),
            })
        })
        .collect();
    DataModel {
        end: table.data_end.map(|d| d.to_string()),
        end_text: table.data_end.map(|d| format::date(d, language)),
        files,
    }
}

fn warnings(table: &MetricTable, scorecard: &Scorecard, words: &Words) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Some(end) = table.data_end.filter(|end| *end < scorecard.period.end()) {
        warnings.push(format!("{} {}", words.label("data_until"), end));
    }
    warnings
}
