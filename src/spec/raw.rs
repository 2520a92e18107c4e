//! Raw spec structs that mirror the YAML exactly; [`super::resolve`] turns them into
//! checked types. Every field is optional here because a file that `extends` another may
//! set only a few of them (`content: { top: 3 }` over the agency's `content`): required
//! keys are checked after the merge, by `resolve`.

use indexmap::IndexMap;
use serde::Deserialize;

use super::number::{Factor, Number};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpec {
    pub version: Option<u32>,
    /// Read (and removed) before merging; kept here so that it is a known key.
    #[allow(dead_code)]
    pub extends: Option<String>,
    pub client: Option<RawClient>,
    pub report: Option<RawReport>,
    pub brand: Option<RawBrand>,
    #[serde(default)]
    pub sources: IndexMap<String, RawSource>,
    #[serde(default)]
    pub kpis: IndexMap<String, RawKpi>,
    #[serde(default)]
    pub benchmarks: IndexMap<String, IndexMap<String, RawBand>>,
    #[serde(default)]
    pub seasonality: Vec<RawWindow>,
    pub funnel: Option<RawFunnel>,
    pub content: Option<RawContent>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClient {
    pub name: Option<String>,
    pub slug: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    pub language: Option<String>,
    pub currency: Option<String>,
    pub grain: Option<String>,
    pub period: Option<String>,
    pub history: Option<usize>,
    pub template: Option<String>,
    pub output: Option<String>,
    pub title: Option<String>,
    pub sections: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBrand {
    pub logo: Option<String>,
    pub colors: Option<RawColors>,
    pub font: Option<String>,
    pub fonts: Option<String>,
    pub footer: Option<String>,
    pub agency: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawColors {
    pub primary: Option<String>,
    pub accent: Option<String>,
    pub text: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub path: Option<String>,
    pub preset: Option<String>,
    pub format: Option<String>,
    pub date: Option<RawDate>,
    #[serde(default)]
    pub columns: IndexMap<String, String>,
    pub csv: Option<RawCsv>,
    pub sheet: Option<RawSheet>,
    pub key: Option<Vec<String>>,
    pub filter: Option<String>,
    pub year: Option<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawSheet {
    Index(usize),
    Name(String),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawDate {
    Column(String),
    Detailed(RawDateDetailed),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDateDetailed {
    pub column: Option<String>,
    pub format: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCsv {
    pub separator: Option<String>,
    pub decimal_comma: Option<bool>,
    pub encoding: Option<String>,
    pub skip_rows: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKpi {
    pub title: Option<RawText>,
    pub description: Option<RawText>,
    pub source: Option<String>,
    pub value: Option<String>,
    pub format: Option<String>,
    pub better: Option<String>,
    pub benchmark: Option<String>,
    pub target: Option<RawTarget>,
    #[serde(default)]
    pub advice: IndexMap<String, RawText>,
}

/// Text given once, or once per language (`{ ru: "…", en: "…" }`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawText {
    One(String),
    PerLanguage(IndexMap<String, String>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    pub at_least: Option<Number>,
    pub at_most: Option<Number>,
    pub growth: Option<Number>,
    pub change: Option<Number>,
    pub benchmark: Option<String>,
    pub ramp: Option<RawRamp>,
    pub funnel: Option<String>,
    pub tolerance: Option<Number>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRamp {
    pub from: Option<String>,
    pub start: Option<Number>,
    pub to: Option<String>,
    pub goal: Option<Number>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBand {
    pub market: Option<RawRange>,
    pub optimal: Option<RawRange>,
    pub per: Option<String>,
}

/// A band edge pair `[4%, 6%]`, or a single threshold `10000`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawRange {
    Range([Number; 2]),
    Threshold(Number),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    pub name: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub months: Option<Vec<u32>>,
    #[serde(default)]
    pub targets: IndexMap<String, Factor>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFunnel {
    pub revenue_goal: Option<Number>,
    pub average_order_value: Option<Number>,
    pub lead_to_sale: Option<Number>,
    pub budget: Option<Number>,
    pub actual: Option<RawFunnelActual>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFunnelActual {
    pub leads: Option<String>,
    pub spend: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContent {
    pub source: Option<String>,
    pub id: Option<String>,
    pub title: Option<String>,
    pub rank_by: Option<String>,
    pub format: Option<String>,
    pub top: Option<usize>,
    pub group_by: Option<String>,
}
