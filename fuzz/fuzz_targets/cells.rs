//! The cell parsers on arbitrary text: numbers with either decimal mark, currencies,
//! percents and durations; dates in every format a preset uses, with and without a year.
//! A parse may fail; it may not panic, and a number it gives is finite.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    kpipress::source::fuzzing::cells(text);
});
