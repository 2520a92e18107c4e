//! Raw spec structs that mirror the YAML exactly; [`crate::spec::resolve`] turns them into
//! checked types. Every field is optional here because a file that `extends` another may
//! set only a few of them (`content: { top: 3 }` over the agency's `content`): required
//! keys are checked after the merge, by `resolve`.
//!
//! The same structs, through schemars, are the spec language's JSON Schema
//! (`kpipress schema`): their doc comments are its descriptions, and a word from a closed
//! list is given as the list ([`words`]).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::spec::closed::{Better, Closed, FileFormat, FunnelTarget, Language, Section, ValueFormat};
use crate::spec::number::{Factor, Number};
use crate::spec::period::{Grain, Per};

/// A kpipress spec: one client's report, or what an agency's clients share (`extends`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "kpipress spec")]
pub struct RawSpec {
    /// The spec language's version: 1.
    #[schemars(range(min = 1, max = 1))]
    pub version: Option<u32>,
    /// A spec this one builds on, relative to this file (`../agency.yaml`): maps merge
    /// deeply, lists are replaced, this file wins.
    // Read (and removed) before merging; kept here so that it is a known key.
    #[allow(dead_code)]
    pub extends: Option<String>,
    /// Who the report is for.
    pub client: Option<RawClient>,
    /// What the report covers and where it goes.
    pub report: Option<RawReport>,
    /// The report's look: logo, colours, font, footer.
    pub brand: Option<RawBrand>,
    /// The analytics exports, by a name KPIs refer to.
    #[serde(default)]
    pub sources: IndexMap<String, RawSource>,
    /// The KPIs, by id, in the order the report shows them.
    #[serde(default)]
    pub kpis: IndexMap<String, RawKpi>,
    /// Benchmark sets, by name, then by KPI: `benchmarks.tiktok.engagement_rate`. Built-in
    /// sets exist; a spec adds to or overrides them.
    #[serde(default)]
    pub benchmarks: IndexMap<String, IndexMap<String, RawBand>>,
    /// Windows of the year that adjust targets (a sale, a summer lull).
    #[serde(default)]
    pub seasonality: Vec<RawWindow>,
    /// A revenue goal worked back to the leads and the cost per lead it needs.
    pub funnel: Option<RawFunnel>,
    /// The best and weakest posts of the period, and their response by group.
    pub content: Option<RawContent>,
    /// The account manager's words: a note on a date (`{ date: 2026-10-12, text: … }`),
    /// marked on the trend charts, or a period's comment (`{ period: 2026-10, text: … }`),
    /// shown atop the summary.
    #[serde(default)]
    pub notes: Vec<RawNote>,
    /// Accounts the client is compared with, by an id targets may name
    /// (`target: { competitors: rival }`): each with its `name`, and `sources` named like
    /// the client's.
    #[serde(default)]
    pub competitors: IndexMap<String, RawCompetitor>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCompetitor {
    /// The competitor's name as the report prints it.
    pub name: Option<String>,
    /// Its exports, each named as the client's source it stands beside.
    #[serde(default)]
    pub sources: IndexMap<String, RawSource>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNote {
    /// The day the note is about (`2026-10-12`): a marker on the trend charts.
    pub date: Option<String>,
    /// The period the note comments on (`2026-10`): shown atop that period's summary.
    pub period: Option<String>,
    /// The words, as they are: data, never markup.
    pub text: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClient {
    /// The client's name as the report prints it; any text.
    pub name: Option<String>,
    /// Used in output paths (`{client}`); default: the spec file's name. Letters, digits
    /// and any other characters but spaces and ASCII punctuation other than `-` and `_`.
    #[schemars(regex(pattern = crate::spec::SLUG_PATTERN))]
    pub slug: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    /// The report's words and its number, date and currency formats.
    #[serde(default)]
    #[schemars(schema_with = "words::<Language>")]
    pub language: Option<String>,
    /// An ISO currency code: RUB, UAH, USD, EUR, ...
    pub currency: Option<String>,
    /// The length of a period.
    #[serde(default)]
    #[schemars(schema_with = "words::<Grain>")]
    pub grain: Option<String>,
    /// The period reported on (`2026-10`, `2026-W43`, `2026-Q4`); `--period` overrides it;
    /// default: the last complete period in the data.
    pub period: Option<String>,
    /// How many periods the trend charts show.
    pub history: Option<usize>,
    /// A built-in template's name (`audit`), or a template folder relative to the spec.
    pub template: Option<String>,
    /// Where the PDF goes, relative to `--out`: `reports/{client}/{period}.pdf`.
    pub output: Option<String>,
    /// The report's title, on the cover.
    pub title: Option<String>,
    /// Which sections the report prints, in order.
    #[serde(default)]
    #[schemars(schema_with = "word_list::<Section>")]
    pub sections: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBrand {
    /// An SVG or PNG file, relative to the spec.
    pub logo: Option<String>,
    /// The brand's colours, as `#RRGGBB`.
    pub colors: Option<RawColors>,
    /// A font family, looked up in `brand.fonts`, then among the embedded fonts.
    pub font: Option<String>,
    /// A folder of .ttf and .otf files, relative to the spec.
    pub fonts: Option<String>,
    /// The text at the foot of every page.
    pub footer: Option<String>,
    /// The agency's name, on the cover.
    pub agency: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawColors {
    /// Headings, the value line of the charts: `#0B5FFF`.
    pub primary: Option<String>,
    /// Highlights: the last period's point, seasonal windows.
    pub accent: Option<String>,
    /// Body text.
    pub text: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDatabase {
    /// The environment variable holding the connection URL
    /// (`postgresql://user:password@host:5432/database`).
    pub env: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// A file or glob relative to the spec (`data/tiktok/*.csv`); every match is read.
    pub path: Option<String>,
    /// A PostgreSQL database instead of files: `{ env: VARIABLE }`, the environment
    /// variable that holds its connection URL (never the URL itself).
    pub database: Option<RawDatabase>,
    /// The SQL query a database source runs: one statement; `$1` and `$2`, where it uses
    /// them, are the first and last day the report needs.
    pub query: Option<String>,
    /// A known export layout (`kpipress presets` lists them): its columns, dates and numbers.
    pub preset: Option<String>,
    /// The files' format; default: from their extension.
    #[serde(default)]
    #[schemars(schema_with = "file_formats")]
    pub format: Option<String>,
    /// The date column's header, or `{ column, format }` with a strftime format.
    pub date: Option<RawDate>,
    /// Canonical column names KPIs use, each with the header it has in the export.
    #[serde(default)]
    pub columns: IndexMap<String, String>,
    /// How a CSV file is written.
    pub csv: Option<RawCsv>,
    /// The workbook's sheet, by position from 0 or by name.
    pub sheet: Option<RawSheet>,
    /// Columns that identify a row: a row seen again in a later file replaces the earlier.
    pub key: Option<Vec<String>>,
    /// An SQL predicate over the rows (`platform = 'tiktok'`).
    pub filter: Option<String>,
    /// The year of dates written without one (`15 Oct`).
    pub year: Option<i32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawSheet {
    Index(usize),
    Name(String),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawDate {
    Column(String),
    Detailed(RawDateDetailed),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDateDetailed {
    /// The date column's header.
    pub column: Option<String>,
    /// A strftime format: `%d.%m.%Y`.
    pub format: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCsv {
    /// One character: `;`, `,`, a tab.
    pub separator: Option<String>,
    /// Numbers are written `1 234,5`.
    pub decimal_comma: Option<bool>,
    /// `utf-8` (the default), `windows-1251`, `utf-16`, ...
    pub encoding: Option<String>,
    /// Lines before the header to pass over.
    pub skip_rows: Option<usize>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawKpi {
    /// The KPI's name in the report: one text, or one per language.
    pub title: Option<RawText>,
    /// What the KPI measures, for the appendix.
    pub description: Option<RawText>,
    /// The source whose rows the value aggregates; none: an expression over other KPIs.
    pub source: Option<String>,
    /// An SQL aggregate over the period's rows (`SUM(likes) / SUM(views)`, `LAST(followers)`),
    /// or, without a source, an expression over other KPIs (`spend / leads`).
    pub value: Option<String>,
    /// How the value is written.
    #[serde(default)]
    #[schemars(schema_with = "words::<ValueFormat>")]
    pub format: Option<String>,
    /// Which way is good; default: higher.
    #[serde(default)]
    #[schemars(schema_with = "words::<Better>")]
    pub better: Option<String>,
    /// The benchmark the KPI is compared with: `set.kpi` (`tiktok.engagement_rate`).
    pub benchmark: Option<String>,
    /// The goal: one of `at_least`, `at_most`, `growth`, `change`, `benchmark`, `ramp`,
    /// `funnel`, with an optional `tolerance`.
    pub target: Option<RawTargets>,
    /// What to recommend, by status (`missed`, `near`, `behind`, ...).
    #[serde(default)]
    pub advice: IndexMap<String, RawText>,
    /// A column of the KPI's source (`platform`, `campaign`): the KPI is also computed per
    /// value of it.
    pub breakdown: Option<String>,
    /// Goals over a longer time beside the period's target, for a KPI that adds up:
    /// `{ quarter: 1500 }`, `{ year: 20000 }`.
    pub goal: Option<RawGoal>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGoal {
    /// What the calendar quarter should add up to.
    pub quarter: Option<Number>,
    /// What the calendar year should add up to.
    pub year: Option<Number>,
}

/// Text given once, or once per language (`{ ru: "…", en: "…" }`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawText {
    One(String),
    PerLanguage(IndexMap<String, String>),
}

/// One target for every period, or a list of dated ones (`[{ from: 2026-01, at_least: 5% },
/// { from: 2026-07, at_least: 7% }]`): a period takes the latest whose `from` is on or
/// before it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawTargets {
    One(Box<RawTarget>),
    Dated(Vec<RawTarget>),
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    /// In a list of dated targets, the first period this one applies to: `2026-07`.
    pub from: Option<String>,
    /// The value must reach at least this.
    pub at_least: Option<Number>,
    /// The value must stay at or under this.
    pub at_most: Option<Number>,
    /// Growth against the previous period, at least: `10%`.
    pub growth: Option<Number>,
    /// Change against the previous period, at most (`-5%`: down by at least 5%).
    pub change: Option<Number>,
    /// A band of the KPI's benchmark; its lower edge is the target.
    #[serde(default)]
    #[schemars(schema_with = "words::<crate::spec::closed::BandName>")]
    pub benchmark: Option<String>,
    /// Milestones from a start to a goal, one per period.
    pub ramp: Option<RawRamp>,
    /// A figure of the spec's funnel.
    #[serde(default)]
    #[schemars(schema_with = "words::<FunnelTarget>")]
    pub funnel: Option<String>,
    /// The competitors' values in the same period: `median`, `best`, or a competitor's id
    /// (at least that, or at most where lower is better).
    pub competitors: Option<String>,
    /// Within this share of the target the KPI is near, not missed: `5%`.
    pub tolerance: Option<Number>,
    /// The period the target is written per (`month` in a weekly report): a total is
    /// scaled by days to the report's period, a growth rate compounded.
    #[serde(default)]
    #[schemars(schema_with = "words::<Per>")]
    pub per: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRamp {
    /// The first period of the ramp: `2026-07`.
    pub from: Option<String>,
    /// The target in the first period.
    pub start: Option<Number>,
    /// The last period of the ramp.
    pub to: Option<String>,
    /// The target in the last period.
    pub goal: Option<Number>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBand {
    /// The market's range `[4%, 6%]`, or a threshold `10000`.
    pub market: Option<RawRange>,
    /// The optimal range, or a threshold.
    pub optimal: Option<RawRange>,
    /// The period the figures are given per, when it is not the report's grain.
    #[serde(default)]
    #[schemars(schema_with = "words::<Per>")]
    pub per: Option<String>,
}

/// A band edge pair `[4%, 6%]`, or a single threshold `10000`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawRange {
    Range([Number; 2]),
    Threshold(Number),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    /// The window's name in the report.
    pub name: Option<String>,
    /// The first day: `11-20` recurs every year, `2026-11-20` happens once.
    pub from: Option<String>,
    /// The last day, written as `from` is.
    pub to: Option<String>,
    /// Whole months instead of days: `[6, 7, 8]`.
    pub months: Option<Vec<u32>>,
    /// Targets adjusted, by KPI id (`"*"`: every KPI with a target): a multiplier `x1.5`,
    /// or an absolute number.
    #[serde(default)]
    pub targets: IndexMap<String, Factor>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFunnel {
    /// The revenue the period should bring.
    pub revenue_goal: Option<Number>,
    /// What one sale brings.
    pub average_order_value: Option<Number>,
    /// The share of leads that buy: `10%`.
    pub lead_to_sale: Option<Number>,
    /// The period's advertising budget.
    pub budget: Option<Number>,
    /// The KPIs that measure the funnel's leads and spend.
    pub actual: Option<RawFunnelActual>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFunnelActual {
    /// The KPI id of the leads.
    pub leads: Option<String>,
    /// The KPI id of the spend.
    pub spend: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawContent {
    /// The source of the posts.
    pub source: Option<String>,
    /// The column that identifies a post.
    pub id: Option<String>,
    /// The column the report names a post by (a caption).
    pub title: Option<String>,
    /// An SQL expression over a post's columns that scores it:
    /// `(likes + comments + shares) / views`.
    pub rank_by: Option<String>,
    /// How the score is written.
    #[serde(default)]
    #[schemars(schema_with = "words::<ValueFormat>")]
    pub format: Option<String>,
    /// How many best and weakest posts to show.
    pub top: Option<usize>,
    /// A column to compare groups of posts by (`format`, `platform`).
    pub group_by: Option<String>,
}

/// The schema of a word from `T`'s closed list.
fn words<T: Closed>(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "enum": T::NAMES })
}

fn word_list<T: Closed>(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "array", "items": { "type": "string", "enum": T::NAMES } })
}

/// File formats with every spelling [`FileFormat`] reads (`xlsx` is `excel`).
fn file_formats(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = FileFormat::SPELLINGS.iter().map(|(name, _)| *name).collect();
    schemars::json_schema!({ "type": "string", "enum": names })
}
