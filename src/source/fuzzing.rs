//! The cell parsers as the fuzz targets in `fuzz/` reach them; compiled only under
//! `cargo fuzz` (`--cfg fuzzing`).

use super::cell::{self, Cell};
use super::dates::{self, DateFormat};
use super::presets;
use super::value::Value;

/// Parses `text` as a number with either decimal mark and as a date in every format a
/// preset uses; panics if a number comes out non-finite.
pub fn cells(text: &str) {
    for decimal_comma in [false, true] {
        if let Cell::Number(n) = cell::parse(text, decimal_comma) {
            assert!(n.is_finite(), "{text:?} read as {n}");
        }
    }
    let cell = Value::text(text);
    let presets = presets::all().values().flat_map(|p| p.date_formats.values().flatten());
    let special = [dates::EXCEL_SERIAL, dates::MONTH_NAME, dates::NTH_DAY].map(str::to_owned);
    for format in presets.chain(special.iter()) {
        let _ = dates::read(&DateFormat::parse(format), &cell);
    }
    let _ = dates::start_date(text);
}
