//! Dates and numbers of a frame polars read (a plain CSV, Parquet, JSON), checked cell by
//! cell where polars could not type them, so a broken cell is named by file, row and
//! column.

use polars::prelude::*;
use polars::series::IsSorted;

use crate::source::cell::{self, Cell};
use crate::source::dates;
use crate::source::error::SourceError;
use crate::source::DATE;

/// Where a frame's cells come from, for messages about them.
#[derive(Clone, Copy)]
pub struct Cells<'a> {
    pub file: &'a str,
    pub rows: &'a Rows,
    pub decimal_comma: bool,
}

/// How a frame's row index maps to what a person sees in the file: `line` or `record`
/// numbers, the first row at `first`.
pub struct Rows {
    unit: &'static str,
    first: usize,
}

impl Rows {
    pub fn counted(unit: &'static str, first: usize) -> Self {
        Self { unit, first }
    }

    fn at(&self, index: usize) -> usize {
        self.first + index
    }
}

/// The ISO forms polars would recognise itself, tried first when no format is given.
const ISO_DATES: [&str; 2] = ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S"];

/// Parses the `date` column with the first of `formats` that reads its first date (or
/// polars' own recognition when there are none); any cell that format cannot read is an
/// error naming it.
pub fn parse_dates(
    header: &str,
    file: &str,
    rows: &Rows,
    formats: &[String],
    frame: &mut DataFrame,
) -> Result<(), SourceError> {
    let read_error = |e: PolarsError| SourceError::read(file.to_owned(), e);
    let dtype = frame.column(DATE).map(|c| c.dtype().clone()).unwrap_or(DataType::Null);
    if dtype == DataType::Date {
        mark_if_ascending(frame);
        return Ok(());
    }
    let as_text = frame
        .column(DATE)
        .and_then(|c| c.cast(&DataType::String))
        .map_err(read_error)?;
    let first = as_text
        .str()
        .map_err(read_error)?
        .iter()
        .flatten()
        .next()
        .map(str::to_owned);
    let format = match first {
        // An ISO date named outright takes polars' fixed-width fast path; left to its
        // recognition, every cell goes through chrono.
        Some(first) if formats.is_empty() => ISO_DATES.into_iter().find(|f| parses_as(&first, f)).map(str::to_owned),
        Some(first) => Some(
            formats
                .iter()
                .find(|f| parses_as(&first, f))
                .ok_or_else(|| {
                    let index = as_text.str().map(|t| t.iter().position(|c| c.is_some())).ok().flatten();
                    SourceError::BadCell {
                        file: file.to_owned(),
                        unit: rows.unit,
                        row: rows.at(index.unwrap_or(0)),
                        column: header.to_owned(),
                        text: first.clone(),
                        expected: expected_date(formats),
                    }
                })?
                .clone(),
        ),
        None => None,
    };
    let parsed = match (&dtype, format.as_deref()) {
        (DataType::Datetime(..), _) => col(DATE).cast(DataType::Date),
        (_, Some(dates::EXCEL_SERIAL)) => excel_serial(col(DATE)),
        (_, format) => parse_text_date(col(DATE).cast(DataType::String), format),
    };
    let with_dates = frame
        .clone()
        .lazy()
        .with_column(parsed.alias("__parsed"))
        .collect()
        .map_err(read_error)?;
    let parsed = with_dates.column("__parsed").map_err(read_error)?;
    if parsed.null_count() > as_text.null_count() {
        let original = as_text.str().map_err(read_error)?;
        let parsed = parsed.date().map_err(read_error)?.physical();
        if let Some((index, text)) = original
            .iter()
            .zip(parsed.iter())
            .enumerate()
            .find_map(|(i, (o, p))| o.filter(|_| p.is_none()).map(|o| (i, o)))
        {
            let expected = match &format {
                Some(format) => expected_date(std::slice::from_ref(format)),
                None => "a date (give `date: { column, format }` for this layout)".to_owned(),
            };
            return Err(SourceError::BadCell {
                file: file.to_owned(),
                unit: rows.unit,
                row: rows.at(index),
                column: header.to_owned(),
                text: text.to_owned(),
                expected,
            });
        }
    }
    // The parsed dates take the text's place, so the columns keep the file's order.
    let mut parsed = parsed.clone();
    parsed.rename(DATE.into());
    let index = frame
        .get_column_index(DATE)
        .ok_or_else(|| read_error(PolarsError::ColumnNotFound(DATE.into())))?;
    frame.replace_column(index, parsed).map_err(read_error)?;
    mark_if_ascending(frame);
    Ok(())
}

/// Marks the date column sorted when every row has a date and the dates never go back,
/// as in most exports: sorting by date before grouping by period is then free, where it
/// would otherwise copy every column (80 MiB for each numeric column of 5 million rows).
fn mark_if_ascending(frame: &mut DataFrame) {
    let Ok(column) = frame.column(DATE) else { return };
    let Ok(dates) = column.date() else { return };
    let days = dates.physical();
    if days.null_count() > 0 {
        return;
    }
    let mut days = days.into_no_null_iter();
    let Some(mut previous) = days.next() else { return };
    for day in days {
        if day < previous {
            return;
        }
        previous = day;
    }
    let mut sorted = column.clone();
    sorted.set_sorted_flag(IsSorted::Ascending);
    let _ = frame.replace(DATE, sorted);
}

fn expected_date(formats: &[String]) -> String {
    let list: Vec<String> = formats
        .iter()
        .map(|f| match f.as_str() {
            dates::EXCEL_SERIAL => "an Excel serial day".to_owned(),
            f => format!("`{f}`"),
        })
        .collect();
    format!("a date in the format {}", list.join(" or "))
}

/// Whether `text` is a date in `format`, by chrono, to choose a format before polars
/// parses the whole column with it.
fn parses_as(text: &str, format: &str) -> bool {
    match format {
        dates::EXCEL_SERIAL => text.parse::<f64>().is_ok_and(|n| (1.0..2_958_466.0).contains(&n)),
        _ => {
            chrono::NaiveDate::parse_from_str(text, format).is_ok()
                || chrono::NaiveDateTime::parse_from_str(text, format).is_ok()
        }
    }
}

fn parse_text_date(text: Expr, format: Option<&str>) -> Expr {
    let options = StrptimeOptions {
        format: format.map(Into::into),
        strict: false,
        exact: true,
        cache: true,
    };
    let has_time = format.is_some_and(|f| ["%H", "%M", "%S", "%T", "%R", "%I"].iter().any(|t| f.contains(t)));
    if has_time {
        text.str()
            .to_datetime(Some(TimeUnit::Milliseconds), None, options, lit("raise"))
            .cast(DataType::Date)
    } else {
        text.str().to_date(options)
    }
}

/// Excel's serial day numbers (a fraction is the time of day) as dates.
fn excel_serial(cell: Expr) -> Expr {
    let days = cell.cast(DataType::Float64);
    when(days.clone().gt_eq(lit(1.0)).and(days.clone().lt(lit(2_958_466.0))))
        .then((days.floor().cast(DataType::Int32) - lit(dates::EXCEL_EPOCH_OFFSET)).cast(DataType::Date))
        .otherwise(lit(NULL).cast(DataType::Date))
}

/// A column a KPI reads as a number must hold numbers. polars types clean columns
/// itself; a column it left as text holds numbers as people write them (`12 345`,
/// `4,5%`, `₽1 200`, `n/a`), read here, or broken cells, the first of which is named.
/// Columns KPIs only count (`COUNT(post_id)`) are not asked to be numbers.
pub fn check_numeric(cells: &Cells, header: &str, frame: &mut DataFrame, column: &str) -> Result<(), SourceError> {
    let Cells {
        file,
        rows,
        decimal_comma,
    } = *cells;
    let Ok(values) = frame.column(column) else {
        return Ok(());
    };
    if let Ok(floats) = values.f64() {
        // polars reads `NaN` and `inf` as numbers; an export that writes them has a broken
        // cell, which would otherwise turn the period's sum into no data or infinity.
        return match floats.iter().position(|v| v.is_some_and(|v| !v.is_finite())) {
            Some(index) => Err(SourceError::BadCell {
                file: file.to_owned(),
                unit: rows.unit,
                row: rows.at(index),
                column: header.to_owned(),
                text: floats.get(index).map(|v| v.to_string()).unwrap_or_default(),
                expected: "a finite number".to_owned(),
            }),
            None => Ok(()),
        };
    }
    let Ok(texts) = values.str() else { return Ok(()) };
    let mut numbers = Vec::with_capacity(texts.len());
    let mut first_bad = None;
    for (index, text) in texts.iter().enumerate() {
        let number = match text.map_or(Cell::Missing, |t| cell::parse(t, decimal_comma)) {
            Cell::Number(n) => Some(n),
            Cell::Missing => None,
            Cell::Bad => {
                first_bad.get_or_insert_with(|| (index, text.unwrap_or_default().to_owned()));
                None
            }
        };
        numbers.push(number);
    }
    if let Some((index, text)) = first_bad {
        return Err(SourceError::BadCell {
            file: file.to_owned(),
            unit: rows.unit,
            row: rows.at(index),
            column: header.to_owned(),
            text,
            expected: "a number".to_owned(),
        });
    }
    let series = Float64Chunked::from_iter_options(column.into(), numbers.into_iter()).into_series();
    frame
        .replace(column, series.into_column())
        .map_err(|e| SourceError::read(file.to_owned(), e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(days: &[Option<i32>]) -> DataFrame {
        let dates = Int32Chunked::from_iter_options(DATE.into(), days.iter().copied())
            .into_series()
            .cast(&DataType::Date)
            .unwrap();
        DataFrame::new(days.len(), vec![dates.into()]).unwrap()
    }

    fn sorted(frame: &DataFrame) -> IsSorted {
        frame.column(DATE).unwrap().as_materialized_series().is_sorted_flag()
    }

    #[test]
    fn only_ascending_dates_are_marked_sorted() {
        let mut ascending = dates(&[Some(1), Some(1), Some(3)]);
        mark_if_ascending(&mut ascending);
        assert_eq!(sorted(&ascending), IsSorted::Ascending);
        for days in [&[Some(3), Some(1)][..], &[Some(1), None, Some(2)]] {
            let mut frame = dates(days);
            mark_if_ascending(&mut frame);
            assert_eq!(sorted(&frame), IsSorted::Not, "{days:?}");
        }
    }
}
