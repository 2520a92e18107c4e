//! Numbers as exports write them in a text cell: `12 345,6`, `1,234.5`, `4,5%`, `₽1 200`,
//! `n/a`, `undefined`, and durations `h:mm:ss` (read in minutes). Whether the comma is the decimal point is the source's to say (`csv.decimal_comma`
//! or its preset); the parser never guesses.

/// What one cell holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Number(f64),
    /// Empty, or a mark that means "no value": `-`, `—`, `n/a`, `N/A`, `null`, `undefined`,
    /// `NAN` (TikTok's 2025 downloads).
    Missing,
    /// Text that is not a number in the source's format.
    Bad,
}

const MISSING: [&str; 12] = [
    "",
    "-",
    "–",
    "—",
    "n/a",
    "na",
    "null",
    "none",
    "undefined",
    "нет данных",
    "--",
    "nan",
];
const CURRENCIES: [&str; 12] = [
    "₽", "руб.", "руб", "р.", "rub", "₴", "грн", "uah", "$", "usd", "€", "eur",
];

/// Reads `text` as a number, with `,` as the decimal point when `decimal_comma`, else `.`;
/// the other mark, spaces and apostrophes group thousands. A trailing `%` divides by 100.
pub fn parse(text: &str, decimal_comma: bool) -> Cell {
    let text = text.trim();
    if MISSING.iter().any(|m| text.eq_ignore_ascii_case(m)) {
        return Cell::Missing;
    }
    if let Some(minutes) = duration_minutes(text) {
        return Cell::Number(minutes);
    }
    if let Some(n) = scientific(text, decimal_comma) {
        return Cell::Number(n);
    }
    let lower = text.to_lowercase();
    let (body, percent) = match lower.strip_suffix('%') {
        Some(body) => (body.trim_end().to_owned(), true),
        None => (lower, false),
    };
    let body = strip_currency(&body);
    let (negative, body) = match body.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, body),
    };
    let (point, group) = if decimal_comma { (',', '.') } else { ('.', ',') };
    match plain_number(body, point, group) {
        Some(plain) => match plain.parse::<f64>() {
            // Four hundred digits overflow to infinity: not a number any export means.
            Ok(n) if n.is_infinite() => Cell::Bad,
            Ok(n) => {
                let n = if negative { -n } else { n };
                Cell::Number(if percent { n / 100.0 } else { n })
            }
            Err(_) => Cell::Bad,
        },
        None => Cell::Bad,
    }
}

/// A duration written `h:mm:ss` (`0:02:03`, `12:00:00`), in minutes, the unit of
/// `format: duration`. Two-part times are left alone: `12:30` may be minutes or hours.
fn duration_minutes(text: &str) -> Option<f64> {
    let mut parts = text.split(':');
    let (hours, minutes, seconds) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |p: &str, len: Option<usize>| {
        !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && len.is_none_or(|l| p.len() == l)
    };
    if parts.next().is_some() || !digits(hours, None) || !digits(minutes, Some(2)) || !digits(seconds, Some(2)) {
        return None;
    }
    let (h, m, s): (f64, f64, f64) = (hours.parse().ok()?, minutes.parse().ok()?, seconds.parse().ok()?);
    (m < 60.0 && s < 60.0).then_some(h * 60.0 + m + s / 60.0)
}

/// A number in scientific notation (`7.48E-6`, as Meta writes tiny ratios), only with
/// a decimal point.
fn scientific(text: &str, decimal_comma: bool) -> Option<f64> {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'));
    if decimal_comma || !plain || !text.contains(['e', 'E']) {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The digits with `.` as the point and the thousands marks gone; `None` when a mark
/// does not group exactly three digits, so `4,5` is never read as 45.
fn plain_number(body: &str, point: char, group: char) -> Option<String> {
    let mut plain = String::with_capacity(body.len());
    let mut since_group: Option<usize> = None;
    let mut after_point = false;
    for c in body.chars() {
        match c {
            c if c.is_ascii_digit() => {
                plain.push(c);
                if let Some(n) = since_group.as_mut().filter(|_| !after_point) {
                    *n += 1;
                }
            }
            c if c == point => {
                if after_point || since_group.is_some_and(|n| n != 3) {
                    return None;
                }
                after_point = true;
                plain.push('.');
            }
            c if c == group || c.is_whitespace() || c == '\'' => {
                if after_point || plain.is_empty() || since_group.is_some_and(|n| n != 3) {
                    return None;
                }
                since_group = Some(0);
            }
            _ => return None,
        }
    }
    let grouped_well = after_point || since_group.is_none_or(|n| n == 3);
    (grouped_well && plain.chars().any(|c| c.is_ascii_digit())).then_some(plain)
}

/// `text` without one currency symbol or code at either end.
fn strip_currency(text: &str) -> &str {
    for currency in CURRENCIES {
        if let Some(rest) = text.strip_suffix(currency) {
            return rest.trim_end();
        }
        if let Some(rest) = text.strip_prefix(currency) {
            return rest.trim_start();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_number_too_long_for_a_float_is_no_number() {
        assert_eq!(parse(&"9".repeat(400), false), Cell::Bad);
    }

    #[test]
    fn locale_formats() {
        assert_eq!(parse("12 345,6", true), Cell::Number(12345.6));
        assert_eq!(parse("12\u{a0}345,6", true), Cell::Number(12345.6));
        assert_eq!(parse("12.345,6", true), Cell::Number(12345.6));
        assert_eq!(parse("12,345.6", false), Cell::Number(12345.6));
        assert_eq!(parse("1'234", false), Cell::Number(1234.0));
        assert_eq!(parse("4,5%", true), Cell::Number(0.045));
        assert_eq!(parse("4.5 %", false), Cell::Number(0.045));
        assert_eq!(parse("1 200 ₽", true), Cell::Number(1200.0));
        assert_eq!(parse("$1,200.50", false), Cell::Number(1200.5));
        assert_eq!(parse("350 грн", true), Cell::Number(350.0));
        assert_eq!(parse("−12", false), Cell::Number(-12.0));
        assert_eq!(parse("0:02:03", true), Cell::Number(2.05));
        assert_eq!(parse("1:00:00", false), Cell::Number(60.0));
        assert_eq!(parse("7.48E-6", false), Cell::Number(7.48e-6));
    }

    #[test]
    fn missing_marks_and_broken_cells() {
        for mark in ["", " ", "-", "—", "n/a", "N/A", "null", "undefined", "NAN", "NaN"] {
            assert_eq!(parse(mark, false), Cell::Missing, "{mark:?}");
        }
        for bad in [
            "12a", "abc", "1.2.3", "%", "$", "4,5", "1,23.4", ",5", "inf", "0:61:00", "1:2:3",
        ] {
            assert_eq!(parse(bad, false), Cell::Bad, "{bad:?}");
        }
    }

    /// `value` written with `decimals` decimals, its thousands grouped by `group`.
    fn written(value: f64, decimals: usize, group: &str, point: &str) -> String {
        let text = format!("{:.*}", decimals, value.abs());
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push_str(group);
            }
            grouped.push(c);
        }
        let sign = if value < 0.0 { "-" } else { "" };
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{point}{frac}")
        }
    }

    fn rounded(value: f64, decimals: usize) -> f64 {
        format!("{value:.decimals$}").parse().unwrap()
    }

    proptest! {
        #[test]
        fn decimal_comma_formats_read_back(value in -1e9f64..1e9, decimals in 0usize..4, group in prop::sample::select(vec![" ", "\u{a0}", "\u{202f}", ".", ""])) {
            let text = written(value, decimals, group, ",");
            prop_assert_eq!(parse(&text, true), Cell::Number(rounded(value.abs(), decimals).copysign(value)));
        }

        #[test]
        fn decimal_point_formats_read_back(value in -1e9f64..1e9, decimals in 0usize..4, group in prop::sample::select(vec![",", " ", "'", ""])) {
            let text = written(value, decimals, group, ".");
            prop_assert_eq!(parse(&text, false), Cell::Number(rounded(value.abs(), decimals).copysign(value)));
        }

        #[test]
        fn percentages_are_fractions(points in 0u32..100_000, decimal_comma: bool) {
            let point = if decimal_comma { "," } else { "." };
            let text = format!("{}{point}{:02}%", points / 100, points % 100);
            let Cell::Number(n) = parse(&text, decimal_comma) else { panic!("{text}") };
            prop_assert!((n - f64::from(points) / 10_000.0).abs() < 1e-12, "{} from {}", n, text);
        }
    }
}
