//! One cell of an export as it arrived: text from a CSV, or a typed value from a
//! workbook. A typed cell keeps its type all the way to the frame; only text is parsed,
//! with the source's separators, so an Excel `0.125` can never be re-read as `125`.

use chrono::{NaiveDate, NaiveDateTime};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    /// A workbook duration cell, in minutes (the unit of `format: duration`).
    Duration(f64),
}

impl Value {
    /// A text cell, or `Empty` when it holds only spaces.
    pub fn text(text: &str) -> Self {
        let text = text.trim();
        if text.is_empty() {
            Self::Empty
        } else {
            Self::Text(text.to_owned())
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Empty)
    }

    /// The text of a text cell.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The cell as a person reads it, for headers, ids and captions and for messages:
    /// whole numbers without a fraction, dates in ISO form.
    pub fn display(&self) -> String {
        match self {
            Self::Empty => String::new(),
            Self::Text(text) => text.clone(),
            Self::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            Self::Number(n) | Self::Duration(n) => n.to_string(),
            Self::Date(date) => date.to_string(),
            Self::DateTime(at) => at.format("%Y-%m-%d %H:%M:%S").to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_cells_display_as_people_write_them() {
        assert_eq!(Value::Number(7.0).display(), "7");
        assert_eq!(Value::Number(0.125).display(), "0.125");
        assert_eq!(
            Value::Date(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()).display(),
            "2026-10-01"
        );
        assert_eq!(Value::text("  "), Value::Empty);
        assert_eq!(Value::text(" -x1 "), Value::Text("-x1".into()));
    }
}
