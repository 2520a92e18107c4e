//! Specs: YAML files, merged along `extends`, parsed into raw structs and validated
//! into the types below. Output: [`Spec`].

pub mod closed;
mod error;
pub mod number;
pub mod period;
mod problem;
mod read;
mod resolve;
pub mod schema;
pub mod suggest;

pub use read::tree;
pub(crate) use read::yaml;
use read::{load, raw};

use std::path::PathBuf;

use chrono::NaiveDate;
use indexmap::IndexMap;
use serde::Serialize;

pub use closed::{BandName, Better, Closed, FileFormat, FunnelTarget, Language, Section, StatusName, ValueFormat};
pub use error::{Part, Snippet, SpecError, SpecFiles, SpecWarning};
pub use load::{expand_globs, load};
pub use number::Factor;
pub use period::{Grain, Per, Period};
pub use problem::{period_help, Problem};
pub use tree::{Refusal, Tree};

/// What a client's slug may hold, as a JSON Schema pattern (which Python's `re` and
/// ECMAScript read alike): no whitespace or control character, and no ASCII punctuation
/// but `-` and `_`. [`slug_char`] is the same rule.
pub const SLUG_PATTERN: &str = r"^[^\s\x00-\x2c./\x3a-\x40\x5b-\x5e\x60\x7b-\x9f]+$";

/// Whether `c` may be in a client's slug ([`SLUG_PATTERN`]): a slug names files and
/// folders, so nothing that a path or a shell reads apart.
pub fn slug_char(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || (c.is_ascii_punctuation() && c != '-' && c != '_'))
}

/// One client's validated spec.
#[derive(Debug, Clone)]
pub struct Spec {
    pub client: Client,
    pub report: ReportSettings,
    pub brand: Brand,
    pub sources: IndexMap<String, SourceSpec>,
    pub kpis: IndexMap<String, Kpi>,
    pub benchmarks: IndexMap<String, IndexMap<String, Band>>,
    pub seasonality: Vec<Window>,
    pub funnel: Option<Funnel>,
    pub content: Option<Content>,
    /// The account manager's notes and comments, in the order the spec gives them.
    pub notes: Vec<Note>,
    /// The accounts the client is compared with, by the id targets name them by.
    pub competitors: IndexMap<String, Competitor>,
    /// The folder tree the report's template may read from: the folder of the spec named
    /// on the command line, never moved by what it `extends`.
    pub root: PathBuf,
    /// The repository tree every file the spec names must be in ([`tree`]).
    pub tree: Tree,
    /// The spec's files, for pointing later errors at their lines.
    pub files: SpecFiles,
}

#[derive(Debug, Clone, Serialize)]
pub struct Client {
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Clone)]
pub struct ReportSettings {
    pub language: Language,
    pub currency: String,
    pub grain: Grain,
    pub period: Option<Period>,
    pub history: usize,
    pub template: TemplateRef,
    pub output: String,
    pub title: Option<String>,
    /// The report's sections in order; `None` for the template's default.
    pub sections: Option<Vec<Section>>,
}

/// A built-in template by name, or a directory of the user's own.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateRef {
    Builtin(String),
    Dir(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Brand {
    pub logo: Option<PathBuf>,
    pub colors: Colors,
    pub font: Option<String>,
    pub fonts: Option<PathBuf>,
    pub footer: Option<String>,
    pub agency: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Colors {
    pub primary: String,
    pub accent: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct SourceSpec {
    pub name: String,
    /// An absolute glob: relative paths were resolved against the file that wrote them.
    pub pattern: String,
    pub format: Option<FileFormat>,
    /// A built-in export layout; the source stage looks it up.
    pub preset: Option<String>,
    /// The date column as the spec gives it; without one, the preset's or `date`.
    pub date: Option<DateColumn>,
    /// Canonical name -> header in the export; wins over the preset's mapping.
    pub columns: IndexMap<String, String>,
    pub csv: CsvOptions,
    /// The workbook sheet an Excel source reads; the first when not given.
    pub sheet: Option<Sheet>,
    /// Canonical columns identifying a row across overlapping files.
    pub key: Option<Vec<String>>,
    pub filter: Option<String>,
    /// The year of the earliest row, for exports that write dates without one.
    pub year: Option<i32>,
    /// Where the source is a database's query rather than files (`pattern` is empty).
    pub database: Option<Database>,
}

/// A source read from PostgreSQL: the environment variable holding the connection URL,
/// and the query.
#[derive(Debug, Clone)]
pub struct Database {
    pub env: String,
    pub query: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sheet {
    Name(String),
    /// Counted from 0.
    Index(usize),
}

#[derive(Debug, Clone)]
pub struct DateColumn {
    pub column: String,
    pub format: Option<String>,
}

#[derive(Debug, Clone)]
/// What the spec says about reading text exports; `None` leaves it to the preset or the
/// default.
pub struct CsvOptions {
    pub separator: Option<u8>,
    pub decimal_comma: Option<bool>,
    pub encoding: Option<&'static encoding_rs::Encoding>,
    pub skip_rows: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Kpi {
    pub id: String,
    /// Title per language; `None` key means "any language".
    pub title: Text,
    pub description: Option<Text>,
    pub source: Option<String>,
    pub value: String,
    pub format: ValueFormat,
    pub better: Better,
    pub benchmark: Option<BenchmarkRef>,
    /// The target of every period, or with `dated`, the latest of them.
    pub target: Option<Target>,
    /// Dated targets in order of `from`: each applies from its period until the next;
    /// empty for a single target.
    pub dated: Vec<(Period, Target)>,
    pub advice: IndexMap<StatusName, Text>,
    /// The column of its source whose values the KPI is also computed per.
    pub breakdown: Option<String>,
    /// Goals over a quarter or a year beside the period's target.
    pub goals: Vec<Goal>,
}

/// What a KPI that adds up should reach over a calendar quarter or year.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub timeframe: Timeframe,
    pub value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeframe {
    Quarter,
    Year,
}

impl Timeframe {
    pub fn name(self) -> &'static str {
        match self {
            Self::Quarter => "quarter",
            Self::Year => "year",
        }
    }

    /// The calendar quarter or year that holds `day`: its first and last day.
    pub fn around(self, day: NaiveDate) -> (NaiveDate, NaiveDate) {
        use chrono::Datelike;
        let (from, months) = match self {
            Self::Quarter => (NaiveDate::from_ymd_opt(day.year(), day.month0() / 3 * 3 + 1, 1), 3),
            Self::Year => (NaiveDate::from_ymd_opt(day.year(), 1, 1), 12),
        };
        let from = from.expect("the first day of a quarter or year is a date");
        let to = (from + chrono::Months::new(months))
            .pred_opt()
            .expect("a timeframe ends");
        (from, to)
    }
}

/// An account the client is compared with: its name, and its sources, named like the
/// client's, so that every KPI on a source it has is computed for it too.
#[derive(Debug, Clone)]
pub struct Competitor {
    pub id: String,
    pub name: String,
    pub sources: IndexMap<String, SourceSpec>,
}

impl Kpi {
    /// The target in force in `period`: the single one, or the latest dated one whose
    /// `from` is on or before it (none before the first).
    pub fn target_at(&self, period: Period) -> Option<&Target> {
        if self.dated.is_empty() {
            return self.target.as_ref();
        }
        self.dated
            .iter()
            .rev()
            .find(|(from, _)| *from <= period)
            .map(|(_, t)| t)
    }
}

impl Spec {
    /// The spec of `competitor`: the client's KPIs on the sources the competitor has,
    /// read from the competitor's files, without targets, breakdowns or anything else
    /// that is the client's alone.
    pub fn for_competitor(&self, competitor: &Competitor) -> Spec {
        let kpis = self
            .kpis
            .iter()
            .filter(|(_, kpi)| kpi.source.as_ref().is_some_and(|s| competitor.sources.contains_key(s)))
            .map(|(id, kpi)| {
                let kpi = Kpi {
                    target: None,
                    dated: Vec::new(),
                    breakdown: None,
                    goals: Vec::new(),
                    ..kpi.clone()
                };
                (id.clone(), kpi)
            })
            .collect();
        Spec {
            sources: competitor.sources.clone(),
            kpis,
            seasonality: Vec::new(),
            funnel: None,
            content: None,
            notes: Vec::new(),
            competitors: IndexMap::new(),
            ..self.clone()
        }
    }
}

/// A note of the account manager's: on a day, or on a whole period.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub on: NoteOn,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NoteOn {
    /// A marker on the trend charts at this day.
    Day(NaiveDate),
    /// The comment shown atop this period's summary.
    Period(Period),
}

/// Text given once or per language.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    One(String),
    PerLanguage(IndexMap<String, String>),
}

impl Text {
    /// The text for `language`, else English, else the first one given.
    pub fn get(&self, language: Language) -> &str {
        match self {
            Self::One(text) => text,
            Self::PerLanguage(texts) => texts
                .get(language.name())
                .or_else(|| texts.get("en"))
                .or_else(|| texts.values().next())
                .map_or("", String::as_str),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkRef {
    pub set: String,
    pub kpi: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub kind: TargetKind,
    /// Within this fraction of the target counts as "near".
    pub tolerance: f64,
    /// The length the target is written per, when not the report's grain.
    pub per: Option<Per>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TargetKind {
    AtLeast(f64),
    AtMost(f64),
    /// Relative to the previous period, in the direction `better` says.
    Growth(f64),
    Change(f64),
    Benchmark(BandName),
    Ramp(Ramp),
    Funnel(FunnelTarget),
    /// The competitors' values in the same period.
    Competitors(Rivals),
}

/// Which of the competitors' values a target is.
#[derive(Debug, Clone, PartialEq)]
pub enum Rivals {
    /// Their median.
    Median,
    /// The best of them, by the KPI's `better`.
    Best,
    /// One competitor's, by id.
    One(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ramp {
    pub from: Period,
    pub start: f64,
    pub to: Option<Period>,
    pub goal: f64,
}

/// A benchmark band for one KPI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    pub market: Option<[f64; 2]>,
    pub optimal: Option<[f64; 2]>,
    /// The length the figures are given per (`week`), if not the report's grain.
    pub per: Option<Per>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub name: String,
    pub when: WindowDates,
    pub targets: IndexMap<String, Factor>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WindowDates {
    /// `MM-DD` to `MM-DD`, every year.
    Yearly {
        from: (u32, u32),
        to: (u32, u32),
    },
    /// `YYYY-MM-DD` to `YYYY-MM-DD`, once.
    Once {
        from: NaiveDate,
        to: NaiveDate,
    },
    Months(Vec<u32>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    pub revenue_goal: f64,
    pub average_order_value: f64,
    pub lead_to_sale: f64,
    pub budget: Option<f64>,
    pub actual_leads: Option<String>,
    pub actual_spend: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    pub source: String,
    /// The column that identifies a post; a post's several rows count as its latest.
    pub id: Option<String>,
    pub title: Option<String>,
    /// An SQL expression over one post's columns.
    pub rank_by: String,
    pub format: ValueFormat,
    pub top: usize,
    pub group_by: Option<String>,
}
