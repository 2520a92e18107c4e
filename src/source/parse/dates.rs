//! Dates as exports write them, for exports read cell by cell: strftime formats, Excel
//! serial days, a month written as a word in any interface language (`September 25`,
//! `28 апреля`, `8 de marzo`, `9月13日`, `Jan 8, 2025`), and GA4's `Nth day` counted
//! from the file's `# Start date:`. Dates written without a year get theirs in
//! [`crate::source::years`].

use chrono::{Days, NaiveDate, NaiveDateTime};

use crate::source::value::Value;

/// The format name for Excel's serial day numbers (days since 1899-12-30).
pub const EXCEL_SERIAL: &str = "excel";
/// The format name for a day and a month written as a word, with or without a year.
pub const MONTH_NAME: &str = "month-name";
/// The format name for a count of days from the file's start date.
pub const NTH_DAY: &str = "nth-day";
/// The format name for the days a row covers, `2024-03-01 - 2024-03-11` (Meta Ads
/// Manager's `Month` breakdown, each month cut to the report's range).
pub const DAY_SPAN: &str = "day-span";

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
    DaySpan,
}

impl DateFormat {
    pub fn parse(name: &str) -> Self {
        match name {
            EXCEL_SERIAL => Self::ExcelSerial,
            MONTH_NAME => Self::MonthName,
            NTH_DAY => Self::NthDay,
            DAY_SPAN => Self::DaySpan,
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
            Self::DaySpan => "two days, `2024-03-01 - 2024-03-11`".to_owned(),
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
    /// The first and last day a row covers.
    Span(NaiveDate, NaiveDate),
}

/// Reads `cell` in `format`; a workbook's date cell is a date whatever the format.
pub fn read(format: &DateFormat, cell: &Value) -> Option<Reading> {
    match (cell, format) {
        (Value::Date(date), _) => Some(Reading::Date(*date)),
        (Value::DateTime(at), _) => Some(Reading::Date(at.date())),
        (Value::Number(n), DateFormat::ExcelSerial) => excel_serial(*n).map(Reading::Date),
        (Value::Number(n), DateFormat::NthDay) => whole(*n).map(Reading::Offset),
        // A workbook that stores GA4's `20230708` as a number: its digits are the date.
        (Value::Number(n), DateFormat::Strftime(format)) if n.fract() == 0.0 && *n >= 0.0 => {
            strftime(&format!("{n:.0}"), format).map(Reading::Date)
        }
        (Value::Text(text), DateFormat::NthDay) => text.parse().ok().and_then(whole).map(Reading::Offset),
        (Value::Text(text), DateFormat::DaySpan) => {
            let (from, to) = text.trim().split_once(" - ")?;
            let (from, to) = (from.parse().ok()?, to.parse().ok()?);
            (from <= to).then_some(Reading::Span(from, to))
        }
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
#[rustfmt::skip]
const MONTHS: [[&str; 12]; 15] = [
    ["january", "february", "march", "april", "may", "june",
     "july", "august", "september", "october", "november", "december"],
    ["январь", "февраль", "март", "апрель", "май", "июнь",
     "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"],
    ["января", "февраля", "марта", "апреля", "мая", "июня",
     "июля", "августа", "сентября", "октября", "ноября", "декабря"],
    ["січень", "лютий", "березень", "квітень", "травень", "червень",
     "липень", "серпень", "вересень", "жовтень", "листопад", "грудень"],
    ["січня", "лютого", "березня", "квітня", "травня", "червня",
     "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"],
    ["enero", "febrero", "marzo", "abril", "mayo", "junio",
     "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
    ["janeiro", "fevereiro", "março", "abril", "maio", "junho",
     "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"],
    ["januar", "februar", "märz", "april", "mai", "juni",
     "juli", "august", "september", "oktober", "november", "dezember"],
    ["janvier", "février", "mars", "avril", "mai", "juin",
     "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
    ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
     "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"],
    ["januari", "februari", "maret", "april", "mei", "juni",
     "juli", "agustus", "september", "oktober", "november", "desember"],
    ["januari", "februari", "maart", "april", "mei", "juni",
     "juli", "augustus", "september", "oktober", "november", "december"],
    ["ocak", "şubat", "mart", "nisan", "mayıs", "haziran",
     "temmuz", "ağustos", "eylül", "ekim", "kasım", "aralık"],
    ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
     "lipca", "sierpnia", "września", "października", "listopada", "grudnia"],
    ["styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec",
     "lipiec", "sierpień", "wrzesień", "październik", "listopad", "grudzień"],
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
    if let Some(date) = numbered_month(text) {
        return Some(date);
    }
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

/// A date whose month is a number marked as the month: `9月13日` (Japanese, Chinese),
/// `9월 13일` (Korean), `13 thg 9` or `13 tháng 9` (Vietnamese), each with or without a year.
fn numbered_month(text: &str) -> Option<(Option<i32>, u32, u32)> {
    let text = text.trim();
    let number = |t: &str| t.trim().parse::<u32>().ok();
    if let Some((before, after)) = text.split_once(['月', '월']) {
        let (year, month) = match before.split_once(['年', '년']) {
            Some((year, month)) => (Some(year.trim().parse().ok()?), month),
            None => (None, before),
        };
        let day = after.trim().strip_suffix(['日', '일'])?;
        return Some((year, number(month)?, number(day)?));
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let marker = words
        .iter()
        .position(|w| ["thg", "tháng"].contains(&w.to_lowercase().as_str()))?;
    let day = number(words.get(marker.checked_sub(1)?)?.trim_end_matches(','))?;
    let month = number(words.get(marker + 1)?.trim_end_matches(','))?;
    let year = match words.get(marker + 2) {
        Some(year) => Some(year.trim_start_matches(',').trim().parse().ok()?),
        None => None,
    };
    (words.len() <= marker + 3).then_some((year, month, day))
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

    #[test]
    fn a_span_reads_as_its_two_days() {
        let span = DateFormat::parse(DAY_SPAN);
        let day = |d| NaiveDate::from_ymd_opt(2024, 3, d).unwrap();
        assert_eq!(
            read(&span, &Value::text("2024-03-01 - 2024-03-11")),
            Some(Reading::Span(day(1), day(11)))
        );
        assert_eq!(read(&span, &Value::text("2024-03-11 - 2024-03-01")), None);
        assert_eq!(read(&span, &Value::text("2024-03-01")), None);
    }

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
        assert_eq!(read("9月13日"), Some(Reading::MonthDay(9, 13)));
        assert_eq!(read("2025年9月13日"), Some(Reading::Date(day(2025, 9, 13))));
        assert_eq!(read("9월 13일"), Some(Reading::MonthDay(9, 13)));
        assert_eq!(read("13 thg 9"), Some(Reading::MonthDay(9, 13)));
        assert_eq!(read("28 May"), Some(Reading::MonthDay(5, 28)));
        assert_eq!(read("13 Eylül"), Some(Reading::MonthDay(9, 13)));
        assert_eq!(read("5 października"), Some(Reading::MonthDay(10, 5)));
        assert_eq!(read("30 de abril"), Some(Reading::MonthDay(4, 30)));
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
        let ga4 = DateFormat::Strftime("%Y%m%d".into());
        assert_eq!(
            read(&ga4, &Value::Number(20230708.0)),
            Some(Reading::Date(day(2023, 7, 8)))
        );
        assert_eq!(start_date("# Start date: 20241101"), Some(day(2024, 11, 1)));
        assert_eq!(offset(day(2024, 11, 1), 30), Some(day(2024, 12, 1)));
    }
}
