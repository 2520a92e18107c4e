//! Presets: known export layouts, kept as data in `presets.yaml` and embedded in the
//! binary. A preset maps an export's headers, in each language it comes in, to canonical
//! columns, and says how that language writes dates and numbers.

use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::Deserialize;

mod headers;

pub use headers::{header_matches, is_catch_all, normalise, normalise_display, Headers};

const PRESETS: &str = include_str!("presets.yaml");

/// The canonical column holding the title of the table a row came from, in a file of
/// [`Preset::titled_tables`].
pub const METRIC: &str = "metric";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    #[serde(skip)]
    pub name: String,
    pub title: String,
    pub platform: String,
    pub separator: Option<char>,
    #[serde(default = "utf8_only")]
    pub encodings: Vec<String>,
    #[serde(default = "one_row")]
    pub header_rows: usize,
    #[serde(default)]
    pub totals: Vec<String>,
    /// The last line of a table the platform cut short (`Showing top 500 results`).
    #[serde(default)]
    pub truncated: Vec<String>,
    /// Where a download without a date column writes the days it covers, in its preamble
    /// (`Период:`): each of its rows counts for that one period.
    pub range_line: Option<Headers>,
    /// Whether such a download's name, or its folder's, may say the days it covers
    /// (YouTube Studio's `País 2024-06-02_2025-06-02 Channel`).
    #[serde(default)]
    pub range_in_name: bool,
    pub key: Vec<String>,
    pub date: Headers,
    pub date_formats: IndexMap<String, Vec<String>>,
    #[serde(default)]
    pub decimal_comma: IndexMap<String, bool>,
    pub required: Vec<String>,
    pub columns: IndexMap<String, Headers>,
    /// Canonical columns that are all empty only on the export's summary row.
    #[serde(default)]
    pub summary_when_empty: Vec<String>,
    /// Where rows cover a span of days rather than one day.
    pub span: Option<Span>,
    /// Canonical columns whose numbers are percentages.
    #[serde(default)]
    pub percent: Vec<String>,
    /// Whether every table of the file that fits is read and joined by date.
    #[serde(default)]
    pub join_tables: bool,
    /// Whether a file may hold several tables, each under a title line naming its metric
    /// (Meta's `Facebook reach`, then `Instagram reach`): each is read, its rows marked
    /// with the title as [`METRIC`].
    #[serde(default)]
    pub titled_tables: bool,
    /// What the preset was checked against: the public real exports it reproduces, or
    /// that none was found.
    pub evidence: String,
}

/// A row's span: when the date is taken from the span's start (no `Day` column), each
/// row must end on the day it starts, or it would be counted on its first day alone.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    /// The canonical column holding the span's last day.
    pub ends: String,
    /// The date headers that are a span's start.
    pub starts: Vec<String>,
}

fn utf8_only() -> Vec<String> {
    vec!["utf-8".to_owned()]
}

fn one_row() -> usize {
    1
}

impl Preset {
    pub fn date_formats(&self, language: &str) -> &[String] {
        self.date_formats.get(language).map_or(&[], Vec::as_slice)
    }

    pub fn decimal_comma(&self, language: &str) -> bool {
        self.decimal_comma.get(language).copied().unwrap_or(false)
    }

    /// Whether `first_cell` is the line that says the table was cut short.
    pub fn is_truncation(&self, first_cell: &str) -> bool {
        self.truncated.iter().any(|t| header_matches(t, first_cell))
    }

    /// Whether `first_cell` marks a totals row.
    pub fn is_totals(&self, first_cell: &str) -> bool {
        self.totals.iter().any(|t| header_matches(t, first_cell))
    }

    /// How well a header row fits: the share of the preset's headers it has, or `None`
    /// when it lacks the date or a required column.
    pub fn fit(&self, found: &[String]) -> Option<f64> {
        self.locate(&self.date, found)?;
        let present = |canonical: &String| {
            self.columns
                .get(canonical)
                .is_some_and(|h| self.locate(h, found).is_some())
        };
        if !self.required.iter().all(present) {
            return None;
        }
        let matched = self.columns.keys().filter(|c| present(c)).count() + 1;
        Some(matched as f64 / (self.columns.len() + 1) as f64)
    }

    /// Whether a header row is this export's table: it has the date, the required
    /// columns and at least one more of the preset's, so a file of several tables is read
    /// at the one that fits.
    pub fn accepts(&self, found: &[String]) -> bool {
        self.fit(found).is_some()
            && self.columns.iter().any(|(name, headers)| {
                self.span.as_ref().is_none_or(|s| s.ends != *name) && self.locate(headers, found).is_some()
            })
    }

    /// Whether `found`, a header row without a date column, is this preset's table of a
    /// download whose name would say the days it covers (`range_in_name`).
    pub fn wants_range_in_name(&self, found: &[String]) -> bool {
        let Some((_, date)) = self.date.patterns().next().filter(|_| self.range_in_name) else {
            return false;
        };
        let mut with_date = found.to_vec();
        with_date.push(date.to_owned());
        self.locate(&self.date, found).is_none() && self.accepts(&with_date)
    }

    /// The header of `found` that `headers` (the date's or a column's) names.
    pub fn locate<'a>(&self, headers: &Headers, found: &'a [String]) -> Option<&'a String> {
        headers.find(found, &self.every_column())
    }

    /// The date's and every column's headers.
    pub fn every_column(&self) -> Vec<&Headers> {
        std::iter::once(&self.date).chain(self.columns.values()).collect()
    }

    /// What the preset was checked against.
    pub fn checked(&self) -> Checked {
        if self.evidence.starts_with("real downloads") {
            Checked::RealExports
        } else if self.evidence.starts_with("second-hand") {
            Checked::SecondHand
        } else {
            Checked::Unverified
        }
    }

    /// The canonical column `header` is in this export.
    pub fn column_of(&self, header: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|(_, headers)| headers.language_of(header).is_some())
            .map(|(name, _)| name.as_str())
    }

    /// How much a header row looks like this export, for guessing an unnamed file: the
    /// fit, when the preset also explains most of the row's columns, so a file with
    /// `Date` and `Views` among many others is not taken for any export that has them; or
    /// when the row has most of a wide preset's columns, as a Facebook page export of
    /// 38 columns has the posts preset's dozen.
    pub fn likeness(&self, found: &[String]) -> Option<f64> {
        let fit = self.fit(found)?;
        let named = |header: &String| self.date.language_of(header).is_some() || self.column_of(header).is_some();
        // A catch-all explains the one column beside the date in a file of two, when no
        // preset names that column (`Facebook reach`, not YouTube's `Views`).
        let caught = |header: &String| self.has_catch_all() && found.len() == 2 && canonical_name(header).is_none();
        let explained = found.iter().filter(|header| named(header) || caught(header)).count();
        let most_of_a_wide_preset = explained >= 6 && fit >= 0.5;
        (explained * 2 > found.len() || most_of_a_wide_preset).then_some(fit)
    }

    /// Whether a column of the preset is the bare `*`.
    fn has_catch_all(&self) -> bool {
        self.columns
            .values()
            .any(|h| h.patterns().any(|(_, p)| is_catch_all(p)))
    }

    /// The language most of a header row's columns are written in.
    pub fn language_of_headers(&self, found: &[String]) -> Option<String> {
        let mut counts: IndexMap<&str, usize> = IndexMap::new();
        for headers in self.columns.values() {
            for (language, pattern) in headers.patterns() {
                if found.iter().any(|h| header_matches(pattern, h)) {
                    *counts.entry(language).or_default() += 1;
                }
            }
        }
        counts
            .into_iter()
            .max_by_key(|(_, count)| *count)
            .map(|(language, _)| language.to_owned())
    }

    /// The date and required headers a header row lacks, described; with those there, the
    /// preset's columns when the row has none of them.
    pub fn missing(&self, found: &[String]) -> Vec<String> {
        let date = (self.locate(&self.date, found).is_none()).then(|| self.date.describe());
        let required: Vec<String> = self
            .required
            .iter()
            .filter_map(|c| self.columns.get(c).filter(|h| self.locate(h, found).is_none()))
            .map(Headers::describe)
            .collect();
        if date.is_none() && required.is_empty() {
            let any = self.columns.values().map(Headers::describe).collect::<Vec<_>>();
            return vec![format!("of its own: none of {}", any.join(", "))];
        }
        date.into_iter().chain(required).collect()
    }
}

/// Every built-in preset, by name, in the order `presets.yaml` lists them.
pub fn all() -> &'static IndexMap<String, Preset> {
    static PARSED: OnceLock<IndexMap<String, Preset>> = OnceLock::new();
    PARSED.get_or_init(|| {
        let mut presets: IndexMap<String, Preset> = crate::spec::yaml::builtin(PRESETS, "presets");
        for (name, preset) in &mut presets {
            preset.name.clone_from(name);
        }
        presets
    })
}

pub fn get(name: &str) -> Option<&'static Preset> {
    all().get(name)
}

/// The preset a header row fits best, if it fits any.
pub fn best_fit(found: &[String]) -> Option<&'static Preset> {
    all()
        .values()
        .filter_map(|preset| preset.likeness(found).map(|fit| (preset, fit)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(preset, _)| preset)
}

/// The canonical name some preset gives `header`, to suggest for a file no preset fits.
pub fn canonical_name(header: &str) -> Option<&'static str> {
    all().values().find_map(|preset| preset.column_of(header))
}

/// What a preset was checked against: real downloads, second-hand descriptions of one,
/// or nothing (it follows no real export).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    RealExports,
    SecondHand,
    Unverified,
}

impl Checked {
    /// In a word or two, for `kpipress presets`.
    pub fn label(self) -> &'static str {
        match self {
            Checked::RealExports => "real exports",
            Checked::SecondHand => "second-hand",
            Checked::Unverified => "UNVERIFIED",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_and_keys_name_its_columns() {
        for (name, preset) in all() {
            assert!(!preset.date_formats.is_empty(), "{name}");
            for column in preset.key.iter().chain(&preset.required) {
                let made = column == "date" || (column == METRIC && preset.titled_tables);
                assert!(
                    made || preset.columns.contains_key(column),
                    "{name}: `{column}` is not a column"
                );
            }
            for (language, _) in preset.date.patterns() {
                assert!(!preset.date_formats(language).is_empty(), "{name}: {language}");
            }
        }
    }

    #[test]
    fn a_wide_export_with_most_of_a_wide_preset_looks_like_it() {
        let preset = get("meta-business-suite").unwrap();
        let mut found: Vec<String> = [
            "Post ID",
            "Page ID",
            "Page name",
            "Title",
            "Description",
            "Publish time",
            "Permalink",
            "Post type",
            "Date",
            "Views",
            "Reach",
            "Reactions",
            "Comments",
            "Shares",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect();
        found.extend((0..20).map(|i| format!("Other metric {i}")));
        assert!(preset.likeness(&found).is_some());
        let tiktok = get("tiktok-studio-overview").unwrap();
        assert_eq!(tiktok.likeness(&found), None);
    }

    #[test]
    fn the_fit_needs_the_date_and_the_required_columns() {
        let preset = get("meta-ads-manager").unwrap();
        let headers = |hs: &[&str]| hs.iter().map(|h| h.to_string()).collect::<Vec<_>>();
        let full = headers(&[
            "Day",
            "Campaign name",
            "Amount spent (EUR)",
            "Leads",
            "Reach",
            "Impressions",
        ]);
        assert!(preset.fit(&full).unwrap() > 0.3);
        assert_eq!(preset.fit(&headers(&["Day", "Leads"])), None);
        assert_eq!(
            preset.missing(&headers(&["Date", "Leads"])),
            [
                "`Day` or `Month` or `Reporting starts` or `День` or `Дата начала отчетности` \
                 or `Начало отчетности` or `Dia` or `Mês` or `Início dos relatórios`",
                "`Amount spent (*)` or `Amount spent` or `Потраченная сумма (*)` or `Потраченная сумма` \
                 or `Сумма затрат (*)` or `Сумма затрат` or `Valor usado (*)` or `Valor usado`"
            ]
        );
    }
}
