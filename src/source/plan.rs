//! How one source is read: what the spec says, filled in from its preset where the spec
//! is silent. The spec always wins.

use encoding_rs::Encoding;

use super::presets::{header_matches, is_catch_all, Preset};
use super::DATE;
use crate::spec::SourceSpec;

/// A source's spec together with its preset, if it names one.
pub struct Plan<'a> {
    pub source: &'a SourceSpec,
    pub preset: Option<&'static Preset>,
    /// The first and last day of the reported period, when the spec or the command line
    /// names it: the last resort for dates written without a year.
    pub period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    /// The first and last day the report may show, where the period is known: a
    /// database source's query may read only these (`$1`, `$2`).
    pub window: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    /// The report's grain: a download dated only by the range it covers must cover one
    /// period of it.
    pub grain: crate::spec::Grain,
}

/// One canonical column and the headers it may have in a file.
pub struct Mapping {
    pub canonical: String,
    pub headers: Vec<String>,
    /// The spec path that wrote the mapping; a preset's mappings have none and may be
    /// absent from a file.
    pub at: Option<String>,
    /// Whether, failing `headers`, the column is the one of the file that no other
    /// mapping names (the preset's `*`: Meta's daily value column, named after its metric).
    pub catch_all: bool,
}

impl Plan<'_> {
    /// The language of `cell` if it is the date column's header.
    pub fn date_header_language(&self, cell: &str) -> Option<String> {
        match (&self.source.date, self.preset) {
            (Some(date), _) => (cell == date.column).then(String::new),
            (None, Some(preset)) => preset.date.language_of(cell).map(str::to_owned),
            (None, None) => (cell == DATE).then(String::new),
        }
    }

    pub fn is_totals(&self, cell: &str) -> bool {
        self.preset.is_some_and(|p| p.is_totals(cell))
    }

    pub fn is_truncation(&self, cell: &str) -> bool {
        self.preset.is_some_and(|p| p.is_truncation(cell))
    }

    pub fn header_rows(&self) -> usize {
        self.preset.map_or(1, |p| p.header_rows)
    }

    /// The separators to try, the spec's or the preset's first.
    pub fn separators(&self, default: u8) -> Vec<u8> {
        let fixed = self
            .source
            .csv
            .separator
            .or_else(|| self.preset.and_then(|p| p.separator).map(|c| c as u8));
        match fixed {
            Some(separator) => vec![separator],
            None => {
                let mut all = vec![default];
                all.extend([b',', b';', b'\t'].into_iter().filter(|s| *s != default));
                all
            }
        }
    }

    pub fn encodings(&self) -> Vec<&'static Encoding> {
        match self.preset {
            Some(preset) => preset
                .encodings
                .iter()
                .filter_map(|label| Encoding::for_label(label.as_bytes()))
                .collect(),
            None => vec![encoding_rs::UTF_8],
        }
    }

    pub fn decimal_comma(&self, language: &str) -> bool {
        self.source
            .csv
            .decimal_comma
            .unwrap_or_else(|| self.preset.is_some_and(|p| p.decimal_comma(language)))
    }

    /// The date formats to try, in order; empty lets polars recognise ISO dates itself.
    pub fn date_formats(&self, language: &str) -> Vec<String> {
        match (self.source.date.as_ref().and_then(|d| d.format.clone()), self.preset) {
            (Some(format), _) => vec![format],
            (None, Some(preset)) => preset.date_formats(language).to_vec(),
            (None, None) => Vec::new(),
        }
    }

    /// The date formats of a table read cell by cell: a workbook's date cells are dates
    /// and a number in its date column is a serial day; then the spec's or preset's.
    pub fn date_formats_of(&self, language: &str, workbook: bool) -> Vec<String> {
        let given = self.date_formats(language);
        if !workbook {
            return given;
        }
        let mut formats = vec![super::dates::EXCEL_SERIAL.to_owned()];
        formats.extend(given.into_iter().filter(|f| f != super::dates::EXCEL_SERIAL));
        formats
    }

    /// Whether the spec's date format is one only the cell-by-cell reader knows
    /// (`month-name`, `nth-day`), so even a plain CSV is read that way.
    pub fn needs_cells(&self) -> bool {
        self.preset.is_some()
            || self
                .source
                .date
                .as_ref()
                .and_then(|d| d.format.as_deref())
                .is_some_and(|f| [super::dates::MONTH_NAME, super::dates::NTH_DAY].contains(&f))
    }

    /// The date column's header as the spec or the preset gives it, for messages.
    pub fn date_header_described(&self) -> String {
        match (&self.source.date, self.preset) {
            (Some(date), _) => format!("`{}`", date.column),
            (None, Some(preset)) => preset.date.describe(),
            (None, None) => format!("`{DATE}`"),
        }
    }

    /// Every column to rename: the spec's mappings, then the preset's for the columns the
    /// spec does not map, then the date.
    pub fn mappings(&self) -> Vec<Mapping> {
        let name = &self.source.name;
        let mut mappings: Vec<Mapping> = self
            .source
            .columns
            .iter()
            .map(|(canonical, header)| Mapping {
                canonical: canonical.clone(),
                headers: vec![header.clone()],
                at: Some(format!("sources.{name}.columns.{canonical}")),
                catch_all: false,
            })
            .collect();
        if let Some(preset) = self.preset {
            for (canonical, headers) in &preset.columns {
                if !self.source.columns.contains_key(canonical) {
                    let patterns = headers.patterns().map(|(_, h)| h.to_owned());
                    let (catch_all, named): (Vec<String>, Vec<String>) = patterns.partition(|h| is_catch_all(h));
                    mappings.push(Mapping {
                        canonical: canonical.clone(),
                        headers: named,
                        at: None,
                        catch_all: !catch_all.is_empty(),
                    });
                }
            }
        }
        let at = Some(format!("sources.{name}.date"));
        let (headers, at) = match (&self.source.date, self.preset) {
            (Some(date), _) => (vec![date.column.clone()], at),
            (None, Some(preset)) => (preset.date.patterns().map(|(_, h)| h.to_owned()).collect(), None),
            (None, None) => (vec![DATE.to_owned()], at),
        };
        mappings.push(Mapping {
            canonical: DATE.to_owned(),
            headers,
            at,
            catch_all: false,
        });
        // A catch-all takes what is left once every other column has its header.
        mappings.sort_by_key(|m| m.catch_all);
        mappings
    }

    /// Whether a header row has a column the spec itself maps.
    pub fn maps_any(&self, headers: &[String]) -> bool {
        self.source.columns.values().any(|header| headers.contains(header))
    }

    /// The columns that identify a row across overlapping files.
    pub fn key(&self) -> Vec<String> {
        match (&self.source.key, self.preset) {
            (Some(key), _) => key.clone(),
            (None, Some(preset)) => preset.key.clone(),
            (None, None) => vec![DATE.to_owned(), "post_id".to_owned()],
        }
    }
}

impl Mapping {
    /// The first header in `found` this mapping accepts.
    pub fn find<'a>(&self, found: &'a [String]) -> Option<&'a String> {
        self.headers.iter().find_map(|pattern| match self.at {
            Some(_) => found.iter().find(|h| *h == pattern),
            None => found.iter().find(|h| header_matches(pattern, h)),
        })
    }

    /// For a catch-all, failing its own headers: the one header of `found` that is not
    /// `taken` by another column, when there is exactly one.
    pub fn left_over<'a>(&self, found: &'a [String], taken: &[String]) -> Option<&'a String> {
        if !self.catch_all {
            return None;
        }
        let mut left = found.iter().filter(|h| !taken.contains(h) && !h.trim().is_empty());
        let first = left.next()?;
        left.next().is_none().then_some(first)
    }
}
