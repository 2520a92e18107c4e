//! A query's columns as a polars frame, by the PostgreSQL type of each (its OID in
//! `pg_type`): integers, floating-point and numeric numbers, dates, time stamps with and
//! without zone (in UTC, as the session's `TimeZone` writes them), text and booleans;
//! `NULL` is no value. Any other type is an error naming the column.

use chrono::{NaiveDate, NaiveDateTime};
use polars::prelude::*;

use super::wire::Column;

/// A column kpipress cannot map, by name and PostgreSQL type.
#[derive(Debug)]
pub struct Unmapped {
    pub column: String,
    pub type_name: String,
}

/// A cell that is not what its type says (which the server would not send).
#[derive(Debug)]
pub struct BadCell {
    pub column: String,
    pub row: usize,
}

pub enum FrameError {
    BadCell(BadCell),
    Polars(PolarsError),
}

enum Kind {
    Integer,
    Float,
    Date,
    Timestamp,
    Text,
    Boolean,
}

/// The kind of a type OID (PostgreSQL's `src/include/catalog/pg_type.dat`).
fn kind(oid: u32) -> Result<Kind, &'static str> {
    Ok(match oid {
        20 | 21 | 23 | 26 => Kind::Integer,
        700 | 701 | 1700 => Kind::Float,
        1082 => Kind::Date,
        1114 | 1184 => Kind::Timestamp,
        18 | 19 | 25 | 705 | 1042 | 1043 => Kind::Text,
        16 => Kind::Boolean,
        17 => return Err("bytea"),
        114 => return Err("json"),
        3802 => return Err("jsonb"),
        2950 => return Err("uuid"),
        1083 | 1266 => return Err("time"),
        1186 => return Err("interval"),
        790 => return Err("money"),
        _ => return Err(""),
    })
}

/// The columns kpipress reads as a frame, and those of other types, left out: a
/// connector's table holds JSON columns beside the figures (`SELECT *` reads them too).
pub fn frame(columns: Vec<Column>) -> Result<(DataFrame, Vec<Unmapped>), FrameError> {
    let mut series = Vec::with_capacity(columns.len());
    let mut unmapped = Vec::new();
    for column in columns {
        match kind(column.type_oid) {
            Ok(kind) => series.push(to_series(column, kind)?.into_column()),
            Err(name) => unmapped.push(Unmapped {
                type_name: match name {
                    "" => format!("type {}", column.type_oid),
                    name => name.to_owned(),
                },
                column: column.name,
            }),
        }
    }
    let frame = DataFrame::new_infer_height(series).map_err(FrameError::Polars)?;
    Ok((frame, unmapped))
}

fn to_series(column: Column, kind: Kind) -> Result<Series, FrameError> {
    let name = PlSmallStr::from(column.name.as_str());
    let bad = |row: usize| {
        FrameError::BadCell(BadCell {
            column: column.name.clone(),
            row: row + 1,
        })
    };
    Ok(match kind {
        Kind::Integer => {
            let values: Result<Vec<Option<i64>>, _> = parsed(&column, |t| t.parse().ok(), bad);
            Series::new(name, values?)
        }
        Kind::Float => {
            // `NaN` and the infinities are no value, as in an export.
            let values = parsed(
                &column,
                |t| t.parse::<f64>().ok().map(|v| v.is_finite().then_some(v)),
                bad,
            )?;
            Series::new(name, values.into_iter().map(Option::flatten).collect::<Vec<_>>())
        }
        Kind::Date => {
            let days = parsed(&column, |t| day(t).map(|d| d.map(epoch_days)), bad)?;
            Series::new(name, days.into_iter().map(Option::flatten).collect::<Vec<_>>())
                .cast(&DataType::Date)
                .map_err(FrameError::Polars)?
        }
        Kind::Timestamp => {
            let micros = parsed(
                &column,
                |t| moment(t).map(|m| m.map(|m| m.and_utc().timestamp_micros())),
                bad,
            )?;
            Series::new(name, micros.into_iter().map(Option::flatten).collect::<Vec<_>>())
                .cast(&DataType::Datetime(TimeUnit::Microseconds, None))
                .map_err(FrameError::Polars)?
        }
        Kind::Text => {
            let texts: Vec<Option<std::borrow::Cow<str>>> =
                column.cells().map(|c| c.map(String::from_utf8_lossy)).collect();
            Series::new(name, texts.iter().map(|t| t.as_deref()).collect::<Vec<_>>())
        }
        Kind::Boolean => {
            let values = parsed(
                &column,
                |t| match t {
                    "t" => Some(true),
                    "f" => Some(false),
                    _ => None,
                },
                bad,
            )?;
            Series::new(name, values)
        }
    })
}

/// Each cell through `parse`, `NULL` as `None`; a cell `parse` refuses (or that is not
/// UTF-8) is `bad`.
fn parsed<T>(
    column: &Column,
    parse: impl Fn(&str) -> Option<T>,
    bad: impl Fn(usize) -> FrameError,
) -> Result<Vec<Option<T>>, FrameError> {
    let mut values = Vec::with_capacity(column.len());
    for (row, cell) in column.cells().enumerate() {
        values.push(match cell {
            None => None,
            Some(bytes) => Some(
                std::str::from_utf8(bytes)
                    .ok()
                    .and_then(&parse)
                    .ok_or_else(|| bad(row))?,
            ),
        });
    }
    Ok(values)
}

/// A date as the server writes it with `DateStyle=ISO`; `infinity` is no day.
fn day(text: &str) -> Option<Option<NaiveDate>> {
    match text {
        "infinity" | "-infinity" => Some(None),
        _ => iso_day(text).map(Some),
    }
}

/// `2026-10-01` read digit by digit: a million of them through chrono's general parser
/// took a tenth of a large query's reading. Other forms (years before 1 or past 9999,
/// `2026-10-01 BC`) go to chrono.
fn iso_day(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return text.parse().ok();
    }
    let number = |digits: &[u8]| {
        digits
            .iter()
            .try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    NaiveDate::from_ymd_opt(number(&bytes[..4])? as i32, number(&bytes[5..7])?, number(&bytes[8..])?)
}

/// A time stamp as the server writes it with `DateStyle=ISO` and `TimeZone=UTC`
/// (`2026-10-01 09:30:00`, with `+00` when it has a zone).
fn moment(text: &str) -> Option<Option<NaiveDateTime>> {
    match text {
        "infinity" | "-infinity" => Some(None),
        _ => {
            let local = text.strip_suffix("+00").unwrap_or(text);
            NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M:%S%.f")
                .ok()
                .map(Some)
        }
    }
}

fn epoch_days(day: NaiveDate) -> i32 {
    day.num_days_from_ce() - crate::source::EPOCH_DAYS_FROM_CE
}

use chrono::Datelike;

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, oid: u32, cells: &[Option<&str>]) -> Column {
        let mut column = Column::new(name.into(), oid);
        for cell in cells {
            column.push(cell.map(str::as_bytes));
        }
        column
    }

    #[test]
    fn types_map_to_polars_types() {
        let (frame, _) = frame(vec![
            column("day", 1082, &[Some("2026-10-01"), None]),
            column("at", 1184, &[Some("2026-10-01 23:30:00.5+00"), Some("infinity")]),
            column("spend", 1700, &[Some("1250.50"), Some("NaN")]),
            column("leads", 20, &[Some("7"), None]),
            column("campaign", 25, &[Some("Осень"), None]),
            column("live", 16, &[Some("t"), Some("f")]),
        ])
        .ok()
        .unwrap();
        let types: Vec<String> = frame.dtypes().iter().map(|d| d.to_string()).collect();
        assert_eq!(types, ["date", "datetime[μs]", "f64", "i64", "str", "bool"]);
        assert_eq!(frame.column("spend").unwrap().f64().unwrap().get(1), None);
        assert_eq!(frame.column("leads").unwrap().i64().unwrap().get(0), Some(7));
    }

    #[test]
    fn dates_read_digit_by_digit_as_chrono_reads_them() {
        for text in ["2026-10-01", "2024-02-29", "0001-01-01", "9999-12-31"] {
            assert_eq!(iso_day(text), text.parse().ok(), "{text}");
        }
        for text in ["2025-02-29", "2026-13-01", "2026-1a-01", "2026/10/01"] {
            assert_eq!(iso_day(text), None, "{text}");
        }
        assert_eq!(iso_day("+12026-10-01"), "+12026-10-01".parse().ok());
    }

    #[test]
    fn an_unmapped_type_is_left_out_and_named() {
        let Ok((frame, unmapped)) = frame(vec![
            column("day", 1082, &[None]),
            column("payload", 3802, &[Some("{}")]),
        ]) else {
            panic!("the frame builds");
        };
        assert_eq!(frame.get_column_names(), ["day"]);
        assert_eq!(
            (unmapped[0].column.as_str(), unmapped[0].type_name.as_str()),
            ("payload", "jsonb")
        );
    }
}
