//! The year of dates written without one (TikTok's `September 25`): one rule, documented
//! in docs/presets.md, that gives every row its year or says it cannot, never a guess.

use std::path::Path;

use chrono::{Datelike, Months, NaiveDate};

/// Where dates without a year get theirs. The first that applies, in this order:
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearAnchor {
    /// The source's `year:`, the year of the file's earliest row.
    Year(i32),
    /// A date in the file's name or its folder's (the export window's first day, as in
    /// TikTok's `Overview_2025-02-28_…` downloads): the earliest row is on or after it.
    NamedFrom { date: NaiveDate, name: String },
    /// The reported period: the year that puts it among the rows' dates, or else the one
    /// that puts the latest row on or before its end.
    Period { start: NaiveDate, end: NaiveDate },
}

impl YearAnchor {
    /// The rule as `inspect` and messages say it.
    pub fn describe(&self) -> String {
        match self {
            Self::Year(year) => format!("the earliest row is in {year} (`year:` on the source)"),
            Self::NamedFrom { date, name } => format!("the earliest row is on or after {date}, from the name `{name}`"),
            Self::Period { start, end } => format!(
                "the rows' dates take in the reported period {start} to {end} where they can, else the latest row is on or before {end}"
            ),
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
    let placed = place(days, anchor)?;
    let YearAnchor::Period { start, end } = anchor else {
        return Ok(placed);
    };
    // An export that runs past the reported period's end (downloaded a month later) is
    // placed a year early by its latest row: a year on, it takes in the period.
    let before_the_period = placed.iter().max().is_some_and(|latest| latest < start);
    let year_on = end
        .checked_add_months(Months::new(12))
        .map(|end| YearAnchor::Period { start: *start, end });
    if let (true, Some(year_on)) = (before_the_period, year_on) {
        if let Ok(later) = place(days, &year_on) {
            if later.iter().min().is_some_and(|earliest| earliest <= end) {
                return Ok(later);
            }
        }
    }
    Ok(placed)
}

fn place(days: &[(u32, u32)], anchor: &YearAnchor) -> Result<Vec<NaiveDate>, YearError> {
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
                YearAnchor::Period { end, .. } if *md <= (end.month(), end.day()) => end.year(),
                YearAnchor::Period { end, .. } => end.year() - 1,
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
        YearAnchor::Period { end, .. } => keyed().max_by_key(|(_, key)| *key).map(|(_, (o, md))| {
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

/// The anchor a date in the file's name, or its folder's or their parent's, gives.
pub fn named_anchor(path: &Path) -> Option<YearAnchor> {
    path.ancestors()
        .take(3)
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .find_map(|name| date_in_name(&name).map(|date| YearAnchor::NamedFrom { date, name }))
}

/// The days a download's name, or its folder's or their parent's, says it covers: the
/// name and its first two dates, in order (YouTube Studio's `País 2024-06-02_2025-06-02
/// Channel`, the folder its zip unpacks into).
pub fn range_in_names(path: &Path) -> Option<(String, NaiveDate, NaiveDate)> {
    path.ancestors()
        .take(3)
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .find_map(|name| {
            let dates: Vec<NaiveDate> = dates_in_name(&name).take(2).collect();
            let [from, to] = dates[..] else { return None };
            (from <= to).then_some((name, from, to))
        })
}

/// The first date written in `name` as `YYYY-MM-DD`, `YYYY_MM_DD` or eight digits alone
/// (`YYYYMMDD`), between 2000 and 2099.
pub fn date_in_name(name: &str) -> Option<NaiveDate> {
    dates_in_name(name).next()
}

/// Every date written in `name` as [`date_in_name`] reads one, in order.
fn dates_in_name(name: &str) -> impl Iterator<Item = NaiveDate> + '_ {
    let digits: Vec<(usize, &str)> = runs_of_digits(name);
    (0..digits.len()).filter_map(move |i| {
        let (at, run) = digits[i];
        let candidate = match run.len() {
            8 => NaiveDate::parse_from_str(run, "%Y%m%d").ok(),
            4 => {
                let joined = |j: usize| digits.get(j).filter(|(a, r)| r.len() == 2 && separated(name, *a));
                match (joined(i + 1), joined(i + 2)) {
                    (Some((_, month)), Some((_, day)))
                        if same_separator(name, at, digits[i + 1].0, digits[i + 2].0) =>
                    {
                        NaiveDate::parse_from_str(&format!("{run}{month}{day}"), "%Y%m%d").ok()
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        candidate.filter(|d| (2000..2100).contains(&d.year()))
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn period(y: i32, m: u32) -> YearAnchor {
        let start = day(y, m, 1);
        let end = start.checked_add_months(Months::new(1)).unwrap().pred_opt().unwrap();
        YearAnchor::Period { start, end }
    }

    #[test]
    fn an_export_past_the_period_takes_it_in() {
        // Downloaded 28 February 2026 (February 28 to February 27), reported for January.
        let days = [(2, 28), (12, 31), (1, 1), (1, 31), (2, 27)];
        let dates = assign_years(&days, &period(2026, 1)).unwrap();
        assert_eq!(dates[0], day(2025, 2, 28));
        assert_eq!(dates[4], day(2026, 2, 27));
        // A file wholly before the period stays there.
        let old = [(3, 1), (3, 31)];
        assert_eq!(assign_years(&old, &period(2026, 9)).unwrap()[0], day(2026, 3, 1));
    }

    #[test]
    fn a_year_long_export_runs_over_new_year() {
        let days = [(2, 28), (6, 1), (12, 31), (1, 1), (2, 27)];
        let from_period = assign_years(&days, &period(2026, 2)).unwrap();
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
        let dates = assign_years(&newest_first, &period(2026, 1)).unwrap();
        assert_eq!(dates, [day(2026, 1, 2), day(2026, 1, 1), day(2025, 12, 31)]);
        let shuffled = [(3, 1), (5, 1), (4, 1), (11, 1)];
        assert_eq!(
            assign_years(&shuffled, &YearAnchor::Year(2026)),
            Err(YearError::OutOfOrder { index: 2 })
        );
        let placed = assign_years(&shuffled, &period(2026, 4)).unwrap();
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

    #[test]
    fn ranges_in_download_names() {
        let folder = "País 2024-06-02_2025-06-02 UFSCar - Universidade Federal de São Carlos";
        assert_eq!(
            range_in_names(&Path::new(folder).join("Dados da tabela.csv")),
            Some((folder.to_owned(), day(2024, 6, 2), day(2025, 6, 2)))
        );
        assert_eq!(
            range_in_names(Path::new("Overview_2025-02-28_1740787200_shop/a.csv")),
            None
        );
        assert_eq!(range_in_names(Path::new("x 2025-03-01_2025-02-01/a.csv")), None);
    }
}
