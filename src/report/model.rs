//! The report model's types: what `--format json` writes and typst reads as `data`.
//! [`super::build`] fills them.

use serde::Serialize;

use super::advice;
use super::chart;
use super::content;
use super::files::DataModel;
use super::summary::Summary;
use super::words::Words;
use crate::goals::funnel::FunnelScore;
use crate::goals::pace::Pace;
use crate::goals::Status;
use crate::spec::{Client, Colors, Grain, Language, Section, ValueFormat};

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
    /// The accounts the client is compared with.
    pub competitors: Vec<CompetitorModel>,
    /// The account manager's comment on the period, shown atop the summary.
    pub comment: Option<String>,
    /// The account manager's dated notes, in date order, numbered from 1 as the charts
    /// mark them.
    pub notes: Vec<super::breakdown::NoteModel>,
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
    /// The files each source read, and the last day of data.
    pub sources: DataModel,
    /// For whoever runs the build: the data's gaps, rows left out, a missing font.
    pub warnings: Vec<String>,
    /// The SMART checks' doubts about the targets, a line each, with the spec's place.
    pub target_warnings: Vec<String>,
    pub words: Words,
    /// The sections the report prints, in order.
    pub sections: Vec<Section>,
    /// What the report is made from, each input with its digest, for `kpipress verify`.
    pub inputs: Option<crate::provenance::Manifest>,
}

/// The family every report falls back to, after the brand's: DejaVu Sans, which the
/// render stage embeds (it has Cyrillic).
pub const FALLBACK_FAMILY: &str = "DejaVu Sans";

#[derive(Debug, Clone, Serialize)]
pub struct BrandModel {
    pub colors: Colors,
    /// The logo's file as the spec names it (typst reads it as `/_kpipress/logo`).
    pub logo: Option<String>,
    pub font: Option<String>,
    /// The font families text is set in, the brand's first: typst takes the first that
    /// has a glyph.
    pub families: Vec<String>,
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
    /// The same period a year earlier; `null` without data for it.
    pub year_ago: Option<f64>,
    /// Relative change against `year_ago`.
    pub change_year: Option<f64>,
    pub target: Option<TargetModel>,
    pub status: Status,
    pub benchmark: Option<BenchmarkModel>,
    /// Set when the KPI's data ends inside the period.
    pub pace: Option<Pace>,
    /// The target as a SMART sentence in the report's language.
    pub smart: Option<String>,
    /// Whether the change is good news given `better`; none where there is no change.
    pub change_is_good: Option<bool>,
    /// The same of the change against a year earlier.
    pub change_year_is_good: Option<bool>,
    /// How much of the target the value (or its projection) reaches: 1 is exactly on
    /// target, above 1 beyond it, whichever way is better.
    pub attainment: Option<f64>,
    pub history: Vec<HistoryModel>,
    /// Goals over the calendar quarter or year that holds the period: how far the periods
    /// so far have got, and what each period left must add.
    pub goals: Vec<GoalModel>,
    /// A KPI with dated targets: each, from the period it applies from, as the report
    /// prints it (`from 2026-07: at least 7 %`); empty for a single target.
    pub target_steps: Vec<TargetStep>,
    /// The KPI per value of its `breakdown` column in the period, largest first.
    pub breakdown: Vec<super::breakdown::PartModel>,
    /// Each competitor that has the KPI's source, with its value in the period.
    pub competitors: Vec<RivalModel>,
    /// The client's place among itself and those competitors with a value, 1 the best.
    pub position: Option<PositionModel>,
    /// The dated notes that fall in the periods the history shows, by the index of their
    /// period in `history`.
    pub notes: Vec<ChartNote>,
    /// The trend chart's scale; none when the history has no numbers.
    pub chart: Option<chart::ChartModel>,
    /// The same figures as the report prints them.
    pub display: DisplayModel,
}

#[derive(Debug, Clone, Serialize)]
pub struct GoalModel {
    /// `quarter` or `year`.
    pub timeframe: &'static str,
    pub value: f64,
    /// The sum of the periods of the timeframe up to and including the reported one.
    pub to_date: f64,
    /// What each period left in the timeframe must add to reach the goal; 0 when it is
    /// reached, `null` when no period is left.
    pub needed_per_period: Option<f64>,
    /// The periods left in the timeframe after the reported one.
    pub periods_left: usize,
    /// The goal in a line, in the report's words.
    pub display: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetStep {
    pub from: String,
    /// The target as written, in the report's words: `at least 7 %`, `growth 10 %`.
    pub target: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RivalModel {
    pub id: String,
    pub name: String,
    pub value: Option<f64>,
    /// The value as the report prints it.
    pub display: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PositionModel {
    pub rank: usize,
    pub of: usize,
}

/// A competitor, as the report names it.
#[derive(Debug, Clone, Serialize)]
pub struct CompetitorModel {
    pub id: String,
    pub name: String,
}

/// A dated note on a chart: its number in the report's list of notes, and the period of
/// the history it falls in.
#[derive(Debug, Clone, Serialize)]
pub struct ChartNote {
    pub number: usize,
    pub index: usize,
    /// Where in its period the day falls, from 0 (its first day) to 1 (its last).
    pub at: f64,
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
    /// The same period a year earlier.
    pub year_ago: Option<f64>,
    pub target: Option<f64>,
    /// The period graded against the target in force in it.
    pub status: crate::goals::Status,
    /// The seasonality windows that cover part of the period, by name.
    pub windows: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DisplayModel {
    pub value: String,
    pub previous: String,
    pub change: String,
    pub year_ago: String,
    pub change_year: String,
    pub target: String,
    pub target_kind: String,
    pub status: String,
    /// The market and optimal bands, a line each: `market 4–6 %`.
    pub benchmark: Vec<String>,
    pub position: String,
    /// The value projected to the period's end, in a partial period.
    pub projected: Option<String>,
    /// `×1,18` where seasonality windows adjusted the target.
    pub seasonal: Option<String>,
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
    /// Its bands, a line each.
    pub display: Vec<String>,
    /// How figures given per another length were converted, in words.
    pub conversion: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverageModel {
    pub days: u32,
    pub period_days: u32,
    pub text: String,
}
