//! Dates as exports write them, for exports read cell by cell: strftime formats, Excel
//! serial days, a month written as a word in any interface language (`September 25`,
//! `28 апреля`, `8 de marzo`, `Jan 8, 2025`), and GA4's `Nth day` counted from the
//! file's `# Start date:`. Dates written without a year get theirs from one rule,
//! [`YearAnchor`], and never from a guess.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};

use super::value::Value;

/// The format name for Excel's serial day numbers (days since 1899-12-30).
pub const EXCEL_SERIAL: &str = "excel";
/// The format name for a day and a month written as a word, with or without a year.
pub const MONTH_NAME: &str = "month-name";
/// The format name for a count of days from the file's start date.
pub const NTH_DAY: &str = "nth-day";

/// Days from Excel's day 0 (1899-12-30) to 1970-01-01.
pub const EXCEL_EPOCH_OFFSET: i32 = 25_569;

/// How a date column is written.
#[derive(Debug, Clone, PartialEq)]
pub enum DateFormat {
    /// A chrono strftime format that includes the year.
    Strftime(String),
    ExcelSerial,
    MonthName,
    NthDay,
}

impl DateFormat {
    pub fn parse(name: &str) -> Self {
        match name {
            EXCEL_SERIAL => Self::ExcelSerial,
            MONTH_NAME => Self::MonthName,
            NTH_DAY => Self::NthDay,
            format => Self::Strftime(format.to_owned()),
        }
    }

    /// The format as a message names it.
    pub fn describe(&self) -> String {
        match self {
            Self::Strftime(format) => format!("`{format}`"),
            Self::ExcelSerial => "an Excel serial day".to_owned(),
            Self::MonthName => "a day and a month name (`September 25`, `28 апреля`)".to_owned(),
            Self::NthDay => "a day number counted from `# Start date:`".to_owned(),
        }
    }
}

/// What one cell says of its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    Date(NaiveDate),
    /// A month and a day without a year.
    MonthDay(u32, u32),
    /// Days after the file's start date.
    Offset(u64),
}

/// Reads `cell` in `format`; a workbook's date cell is a date whatever the format.
pub fn read(format: &DateFormat, cell: &Value) -> Option<Reading> {
    match (cell, format) {
        (Value::Date(date), _) => Some(Reading::Date(*date)),
        (Value::DateTime(at), _) => Some(Reading::Date(at.date())),
        (Value::Number(n), DateFormat::ExcelSerial) => excel_serial(*n).map(Reading::Date),
        (Value::Number(n), DateFormat::NthDay) => whole(*n).map(Reading::Offset),
        (Value::Text(text), DateFormat::NthDay) => text.parse().ok().map(Reading::Offset),
        (Value::Text(text), DateFormat::ExcelSerial) => text.parse().ok().and_then(excel_serial).map(Reading::Date),
        (Value::Text(text), DateFormat::Strftime(format)) => strftime(text, format).map(Reading::Date),
        (Value::Text(text), DateFormat::MonthName) => match named_month(text)? {
            (Some(year), month, day) => NaiveDate::from_ymd_opt(year, month, day).map(Reading::Date),
            (None, month, day) => valid_month_day(month, day).then_some(Reading::MonthDay(month, day)),
        },
        _ => None,
    }
}

fn whole(n: f64) -> Option<u64> {
    (n >= 0.0 && n.fract() == 0.0 && n < 1e6).then_some(n as u64)
}

fn excel_serial(days: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&days) {
        return None;
    }
    let since_epoch = days.floor() as i32 - EXCEL_EPOCH_OFFSET;
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::TimeDelta::days(since_epoch.into()))
}

fn strftime(text: &str, format: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, format)
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(text, format).ok().map(|at| at.date()))
}

/// Whether Feb 29 and the like exist in some year.
fn valid_month_day(month: u32, day: u32) -> bool {
    NaiveDate::from_ymd_opt(2024, month, day).is_some()
}

/// Month names in the interface languages platforms export in, nominative and genitive.
const MONTHS: [[&str; 12]; 10] = [
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
    [
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ],
    [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ],
    [
        "січень",
        "лютий",
        "березень",
        "квітень",
        "травень",
        "червень",
        "липень",
        "серпень",
        "вересень",
        "жовтень",
        "листопад",
        "грудень",
    ],
    [
        "січня",
        "лютого",
        "березня",
        "квітня",
        "травня",
        "червня",
        "липня",
        "серпня",
        "вересня",
        "жовтня",
        "листопада",
        "грудня",
    ],
    [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
    [
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
    ],
    [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
];

/// Words that may stand between a day, a month and a year: `8 de marzo`, `2025 г.`.
const FILLERS: [&str; 6] = ["de", "del", "of", "г", "года", "le"];

/// The month a word names: a month name, or an abbreviation of at least three letters
/// that every language reading it agrees on (`Sep`, `сент`, `févr`).
fn month_of(word: &str) -> Option<u32> {
    let word = word.to_lowercase();
    if word.chars().count() < 3 {
        return None;
    }
    let mut found = None;
    for names in &MONTHS {
        for (index, name) in names.iter().enumerate() {
            if name.starts_with(word.as_str()) {
                let month = index as u32 + 1;
                if found.is_some_and(|m| m != month) {
                    return None;
                }
                found = Some(month);
            }
        }
    }
    found
}

/// A date written with its month as a word: the year (if any), the month and the day. A
/// time of day after it is ignored; any other word makes it not such a date.
fn named_month(text: &str) -> Option<(Option<i32>, u32, u32)> {
    let mut month = None;
    let mut day = None;
    let mut year = None;
    let words = text
        .split_whitespace()
        .filter(|w| !w.contains(':') && !["am", "pm"].contains(&w.to_lowercase().as_str()));
    for word in words
        .flat_map(|w| w.split([',', '.', '/', '-']))
        .filter(|w| !w.is_empty())
    {
        if word.chars().all(|c| c.is_ascii_digit()) {
            match word.len() {
                1 | 2 if day.is_none() => day = word.parse().ok(),
                4 if year.is_none() => year = word.parse().ok(),
                _ => return None,
            }
        } else if FILLERS.contains(&word.to_lowercase().as_str()) {
            continue;
        } else if month.is_none() {
            month = Some(month_of(word)?);
        } else {
            return None;
        }
    }
    Some((year, month?, day?))
}

/// Where dates without a year get theirs. The first that applies, in this order:
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearAnchor {
    /// The source's `year:`, the year of the file's earliest row.
    Year(i32),
    /// A date in the file's name or its folder's (the export window's first day, as in
    /// TikTok's `Overview_2025-02-28_…` downloads): the earliest row is on or after it.
    NamedFrom { date: NaiveDate, name: String },
    /// The end of the reported period: the latest row is on or before it.
    PeriodEnd(NaiveDate),
}

impl YearAnchor {
    /// The rule as `inspect` and messages say it.
    pub fn describe(&self) -> String {
        match self {
            Self::Year(year) => format!("the earliest row is in {year} (`year:` on the source)"),
            Self::NamedFrom { date, name } => format!("the earliest row is on or after {date}, from the name `{name}`"),
            Self::PeriodEnd(end) => format!("the latest row is on or before {end}, the end of the reported period"),
        }
    }
}

/// Why the rows' years cannot be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearError {
    /// Row `index` steps back in the calendar by less than a New Year would.
    OutOfOrder { index: usize },
    /// Row `index` is a day its year does not have (Feb 29).
    NoSuchDay { index: usize, year: i32 },
}

/// The dates of rows written as (month, day), in file order, given `anchor`. Rows in
/// date order (either way) are walked: a step back of more than six months (against the
/// order's direction) is a New Year, as when a 365-day export runs from February to
/// February. Rows in no date order (posts sorted by views) are each placed in the year
/// the anchor spans: the 365 days from a named start, or up to the period's end; a bare
/// `year:` cannot place them.
pub fn assign_years(days: &[(u32, u32)], anchor: &YearAnchor) -> Result<Vec<NaiveDate>, YearError> {
    match walk(days, anchor) {
        Err(YearError::OutOfOrder { index }) => match anchor {
            YearAnchor::Year(_) => Err(YearError::OutOfOrder { index }),
            anchor => window(days, anchor),
        },
        result => result,
    }
}

/// Each of `days` in the year after a named start, or the year up to the period's end.
fn window(days: &[(u32, u32)], anchor: &YearAnchor) -> Result<Vec<NaiveDate>, YearError> {
    days.iter()
        .enumerate()
        .map(|(index, md)| {
            let year = match anchor {
                YearAnchor::NamedFrom { date, .. } if *md >= (date.month(), date.day()) => date.year(),
                YearAnchor::NamedFrom { date, .. } => date.year() + 1,
                YearAnchor::PeriodEnd(end) if *md <= (end.month(), end.day()) => end.year(),
                YearAnchor::PeriodEnd(end) => end.year() - 1,
                YearAnchor::Year(year) => *year,
            };
            NaiveDate::from_ymd_opt(year, md.0, md.1).ok_or(YearError::NoSuchDay { index, year })
        })
        .collect()
}

fn walk(days: &[(u32, u32)], anchor: &YearAnchor) -> Result<Vec<NaiveDate>, YearError> {
    let rises = days.windows(2).filter(|w| w[1] > w[0]).count();
    let falls = days.windows(2).filter(|w| w[1] < w[0]).count();
    let ascending = rises >= falls;
    let mut offsets = Vec::with_capacity(days.len());
    let mut offset = 0i32;
    for (index, pair) in days.windows(2).enumerate() {
        offsets.push(offset);
        let (previous, current) = (pair[0], pair[1]);
        let against = if ascending {
            current < previous
        } else {
            current > previous
        };
        if against {
            if previous.0.abs_diff(current.0) <= 6 {
                return Err(YearError::OutOfOrder { index: index + 1 });
            }
            offset += if ascending { 1 } else { -1 };
        }
    }
    if !days.is_empty() {
        offsets.push(offset);
    }
    let keyed = || offsets.iter().zip(days).enumerate();
    let base = match anchor {
        YearAnchor::Year(year) => keyed().min_by_key(|(_, key)| *key).map(|(_, (o, _))| year - o),
        YearAnchor::NamedFrom { date, .. } => keyed().min_by_key(|(_, key)| *key).map(|(_, (o, md))| {
            let year = if *md >= (date.month(), date.day()) {
                date.year()
            } else {
                date.year() + 1
            };
            year - o
        }),
        YearAnchor::PeriodEnd(end) => keyed().max_by_key(|(_, key)| *key).map(|(_, (o, md))| {
            let year = if *md <= (end.month(), end.day()) {
                end.year()
            } else {
                end.year() - 1
            };
            year - o
        }),
    };
    let Some(base) = base else { return Ok(Vec::new()) };
    keyed()
        .map(|(index, (offset, (month, day)))| {
            let year = base + offset;
            NaiveDate::from_ymd_opt(year, *month, *day).ok_or(YearError::NoSuchDay { index, year })
        })
        .collect()
}

/// The first date written in `name` as `YYYY-MM-DD`, `YYYY_MM_DD` or eight digits alone
/// (`YYYYMMDD`), between 2000 and 2099.
pub fn date_in_name(name: &str) -> Option<NaiveDate> {
    let digits: Vec<(usize, &str)> = runs_of_digits(name);
    for (i, (at, run)) in digits.iter().enumerate() {
        let candidate = match run.len() {
            8 => NaiveDate::parse_from_str(run, "%Y%m%d").ok(),
            4 => {
                let joined = |j: usize| digits.get(j).filter(|(a, r)| r.len() == 2 && separated(name, *a));
                match (joined(i + 1), joined(i + 2)) {
                    (Some((_, month)), Some((_, day)))
                        if same_separator(name, *at, digits[i + 1].0, digits[i + 2].0) =>
                    {
                        NaiveDate::parse_from_str(&format!("{run}{month}{day}"), "%Y%m%d").ok()
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(date) = candidate.filter(|d| (2000..2100).contains(&d.year())) {
            return Some(date);
        }
    }
    None
}

fn runs_of_digits(text: &str) -> Vec<(usize, &str)> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// Whether the run of digits at `at` follows one `-` or `_`.
fn separated(text: &str, at: usize) -> bool {
    at > 0 && matches!(text.as_bytes()[at - 1], b'-' | b'_')
}

/// Whether a year, month and day runs are joined by one and the same separator.
fn same_separator(text: &str, year: usize, month: usize, day: usize) -> bool {
    let bytes = text.as_bytes();
    year + 5 == month && month + 3 == day && bytes[month - 1] == bytes[day - 1]
}

/// Days after `start`.
pub fn offset(start: NaiveDate, days: u64) -> Option<NaiveDate> {
    start.checked_add_days(Days::new(days))
}

/// The start date in a GA4 preamble line: `# Start date: 20241101`.
pub fn start_date(note: &str) -> Option<NaiveDate> {
    let rest = note.trim_start_matches('#').trim();
    let value = rest.strip_prefix("Start date:")?.trim();
    NaiveDate::parse_from_str(value, "%Y%m%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn text(t: &str) -> Value {
        Value::Text(t.to_owned())
    }

    #[test]
    fn month_names_in_interface_languages() {
        let read = |t: &str| read(&DateFormat::MonthName, &text(t));
        assert_eq!(read("September 25"), Some(Reading::MonthDay(9, 25)));
        assert_eq!(read("28 апреля"), Some(Reading::MonthDay(4, 28)));
        assert_eq!(read("8 de marzo"), Some(Reading::MonthDay(3, 8)));
        assert_eq!(read("1 лютого"), Some(Reading::MonthDay(2, 1)));
        assert_eq!(read("Jan 8, 2025"), Some(Reading::Date(day(2025, 1, 8))));
        assert_eq!(read("25 sept. 2024 10:30"), Some(Reading::Date(day(2024, 9, 25))));
        assert_eq!(read("February 29"), Some(Reading::MonthDay(2, 29)));
        for bad in [
            "Lifetime",
            "Total",
            "September",
            "25",
            "Mar 40",
            "ma 3",
            "Nov 23 - Nov 29",
        ] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }

    #[test]
    fn typed_cells_and_counts() {
        let date = Value::Date(day(2026, 10, 1));
        assert_eq!(
            read(&DateFormat::MonthName, &date),
            Some(Reading::Date(day(2026, 10, 1)))
        );
        assert_eq!(
            read(&DateFormat::ExcelSerial, &Value::Number(46296.0)),
            Some(Reading::Date(day(2026, 10, 1)))
        );
        assert_eq!(read(&DateFormat::NthDay, &text("0007")), Some(Reading::Offset(7)));
        assert_eq!(start_date("# Start date: 20241101"), Some(day(2024, 11, 1)));
        assert_eq!(offset(day(2024, 11, 1), 30), Some(day(2024, 12, 1)));
    }

    #[test]
    fn a_year_long_export_runs_over_new_year() {
        let days = [(2, 28), (6, 1), (12, 31), (1, 1), (2, 27)];
        let from_period = assign_years(&days, &YearAnchor::PeriodEnd(day(2026, 2, 28))).unwrap();
        assert_eq!(from_period[0], day(2025, 2, 28));
        assert_eq!(from_period[3], day(2026, 1, 1));
        let from_year = assign_years(&days, &YearAnchor::Year(2025)).unwrap();
        assert_eq!(from_year, from_period);
        let named = YearAnchor::NamedFrom {
            date: day(2025, 2, 28),
            name: "x".into(),
        };
        assert_eq!(assign_years(&days, &named).unwrap(), from_period);
    }

    #[test]
    fn newest_first_and_out_of_order_rows() {
        let newest_first = [(1, 2), (1, 1), (12, 31)];
        let dates = assign_years(&newest_first, &YearAnchor::PeriodEnd(day(2026, 1, 31))).unwrap();
        assert_eq!(dates, [day(2026, 1, 2), day(2026, 1, 1), day(2025, 12, 31)]);
        let shuffled = [(3, 1), (5, 1), (4, 1), (11, 1)];
        assert_eq!(
            assign_years(&shuffled, &YearAnchor::Year(2026)),
            Err(YearError::OutOfOrder { index: 2 })
        );
        let placed = assign_years(&shuffled, &YearAnchor::PeriodEnd(day(2026, 4, 30))).unwrap();
        assert_eq!(
            placed,
            [day(2026, 3, 1), day(2025, 5, 1), day(2026, 4, 1), day(2025, 11, 1)]
        );
        assert_eq!(
            assign_years(&[(2, 29)], &YearAnchor::Year(2025)),
            Err(YearError::NoSuchDay { index: 0, year: 2025 })
        );
    }

    #[test]
    fn dates_in_download_names() {
        assert_eq!(
            date_in_name("Overview_2025-02-28_1740787200_shop"),
            Some(day(2025, 2, 28))
        );
        assert_eq!(date_in_name("export_20241101"), Some(day(2024, 11, 1)));
        assert_eq!(date_in_name("Overview_1740787200"), None);
        assert_eq!(date_in_name("2025-02_28"), None);
        assert_eq!(date_in_name("Overview.csv"), None);
    }
}
