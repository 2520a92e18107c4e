//! Cells as exports write them: numbers (`cell`), dates in every format a preset allows
//! (`dates`), the year of dates written without one (`years`), and a cell's value as a
//! file or workbook holds it (`value`).

pub(super) mod cell;
pub(super) mod dates;
pub(super) mod value;
pub(super) mod years;
