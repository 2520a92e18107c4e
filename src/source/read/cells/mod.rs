//! Reading a file cell by cell, as presets and workbooks are: decoded and split into a
//! grid whose header row is found below any preamble (`grid`, or `excel` for a workbook;
//! `ranges` for the days a preamble says a table without dates covers),
//! then typed column by column (`typed`).

pub(in crate::source) mod excel;
pub(in crate::source) mod grid;
mod headers;
mod ranges;
pub(in crate::source) mod typed;
