//! Numbers as marketers write them in specs: `7%` or `0.07`, and `x1.5` multipliers.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// A plain number; `7%` is read as `0.07`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number(pub f64);

/// A seasonal adjustment: `x1.5` multiplies a target, a plain number replaces it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Factor {
    Multiply(f64),
    Absolute(f64),
}

/// Parses `7%`, `-5 %`, `0.07` or `12000`.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    match text.strip_suffix('%') {
        Some(percent) => percent.trim().parse::<f64>().ok().map(|p| p / 100.0),
        None => text.parse::<f64>().ok(),
    }
    .filter(|n| n.is_finite())
}

fn parse_factor(text: &str) -> Option<Factor> {
    let text = text.trim();
    match text.strip_prefix(['x', 'X', '×']) {
        Some(multiplier) => parse_number(multiplier).map(Factor::Multiply),
        None => parse_number(text).map(Factor::Absolute),
    }
}

struct NumberVisitor;

impl Visitor<'_> for NumberVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number such as 500, 0.07 or 7%")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        parse_number(v).ok_or_else(|| E::custom(format!("`{v}` is not a number such as 500, 0.07 or 7%")))
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberVisitor).map(Number)
    }
}

impl<'de> Deserialize<'de> for Factor {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FactorVisitor;
        impl Visitor<'_> for FactorVisitor {
            type Value = Factor;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a multiplier such as x1.5, or a number")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Factor, E> {
                Ok(Factor::Absolute(v as f64))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Factor, E> {
                Ok(Factor::Absolute(v as f64))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Factor, E> {
                Ok(Factor::Absolute(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Factor, E> {
                parse_factor(v).ok_or_else(|| E::custom(format!("`{v}` is not a multiplier such as x1.5, or a number")))
            }
        }
        deserializer.deserialize_any(FactorVisitor)
    }
}

/// A number as JSON Schema sees it: one, or a string such as `7%`.
const NUMBER_PATTERN: &str = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*%?\s*$";

impl schemars::JsonSchema for Number {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Number".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A number: 500, 0.07, or 7% (read as 0.07).",
            "anyOf": [{ "type": "number" }, { "type": "string", "pattern": NUMBER_PATTERN }]
        })
    }
}

impl schemars::JsonSchema for Factor {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Factor".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let multiplier = format!(r"^\s*[xX×]{}", NUMBER_PATTERN.trim_start_matches('^'));
        schemars::json_schema!({
            "description": "A multiplier (x1.5) or an absolute target (12000, 7%).",
            "anyOf": [
                { "type": "number" },
                { "type": "string", "pattern": NUMBER_PATTERN },
                { "type": "string", "pattern": multiplier }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_become_fractions() {
        assert_eq!(parse_number("7%"), Some(0.07));
        assert_eq!(parse_number("-5 %"), Some(-0.05));
        assert_eq!(parse_number("0.07"), Some(0.07));
        assert_eq!(parse_number("seven"), None);
    }

    #[test]
    fn factors_multiply_or_replace() {
        assert_eq!(parse_factor("x1.5"), Some(Factor::Multiply(1.5)));
        assert_eq!(parse_factor("1200"), Some(Factor::Absolute(1200.0)));
        assert_eq!(parse_factor("x"), None);
    }

    #[test]
    fn yaml_accepts_both_spellings() {
        let numbers: Vec<Number> = crate::spec::yaml::from_str("[7%, 0.07, 500]").unwrap();
        assert_eq!(numbers, vec![Number(0.07), Number(0.07), Number(500.0)]);
    }
}
