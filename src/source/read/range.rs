//! A download without a date column that says the days it covers (in its preamble, or
//! its name or its folder's): its rows get a date column of that range's last day, and
//! count for that one period of the report.

use std::path::Path;

use crate::source::error::SourceError;
use crate::source::grid;
use crate::source::plan::Plan;
use crate::source::presets::{Headers, Preset};
use crate::source::value::Value;
use crate::source::years;

/// A download of a preset whose table has no date column but says the days it covers
/// (in its preamble, or in its name or its folder's), with those days' last as its date
/// column; `None` for any other grid (one with a date column is read by it).
pub(super) fn dated_by_range(plan: &Plan, path: &Path, grid: &grid::Grid) -> Option<(grid::Grid, grid::DateRange)> {
    let preset = plan.preset.filter(|_| plan.source.date.is_none())?;
    range_dated(preset, path, grid)
}

/// [`dated_by_range`] for `preset`, as `inspect` reads a file with each preset in turn.
pub(in crate::source) fn range_dated(
    preset: &Preset,
    path: &Path,
    grid: &grid::Grid,
) -> Option<(grid::Grid, grid::DateRange)> {
    if preset.range_line.is_none() && !preset.range_in_name {
        return None;
    }
    let has_date = grid.rows.iter().take(30).any(|(_, cells)| {
        cells
            .iter()
            .filter_map(Value::as_str)
            .any(|c| preset.date.language_of(c).is_some())
    });
    if has_date {
        return None;
    }
    let accepts = |headers: &[String]| preset.accepts(headers);
    // The date column is named in the range line's language, so the file is read in it.
    let in_preamble = preset
        .range_line
        .iter()
        .flat_map(Headers::patterns)
        .find_map(|(language, marker)| {
            let (_, date_header) = preset.date.patterns().find(|(l, _)| *l == language)?;
            let (index, range) = grid.range_in_preamble(&[marker.to_owned()])?;
            Some((grid.dated(Some(index), &range, date_header, &accepts)?, range))
        });
    // A name says no language: the headers do, so the date column is named in theirs.
    in_preamble.or_else(|| {
        let (name, from, to) = years::range_in_names(path).filter(|_| preset.range_in_name)?;
        let range = grid::DateRange {
            from,
            to,
            said: grid::Said::Name(name),
        };
        let cells: Vec<String> = grid
            .rows
            .iter()
            .take(30)
            .flat_map(|(_, cells)| cells.iter().map(Value::display))
            .collect();
        let language = preset.language_of_headers(&cells);
        let mut date_headers: Vec<(&str, &str)> = preset.date.patterns().collect();
        date_headers.sort_by_key(|(l, _)| Some(*l) != language.as_deref());
        date_headers
            .into_iter()
            .find_map(|(_, date_header)| Some((grid.dated(None, &range, date_header, &accepts)?, range.clone())))
    })
}

/// A download dated by its range counts for one period of the report's grain, so the
/// range must be one: a quarter's rows cannot be told apart by month.
pub(super) fn one_period(plan: &Plan, file: &str, range: grid::DateRange) -> Result<grid::DateRange, SourceError> {
    let period = crate::spec::Period::containing(plan.grain, range.from);
    if period.start == range.from && period.end() == range.to {
        return Ok(range);
    }
    Err(SourceError::NotOnePeriod {
        file: file.to_owned(),
        from: range.from,
        to: range.to,
        said: range.said,
        grain: plan.grain.name(),
    })
}
