//! Numbers, money, percentages and periods as each language writes them:
//! ru/uk `12 345,6` and `4,5 %`; en `12,345.6` and `4.5%`.

use chrono::Datelike;

use crate::spec::{Grain, Language, Period, ValueFormat};

use super::Words;

const NBSP: char = '\u{a0}';
const MINUS: char = '\u{2212}';

/// A value as the report shows it.
pub fn value(value: f64, format: ValueFormat, language: Language, currency: &str) -> String {
    match format {
        ValueFormat::Number => number(value, auto_decimals(value), language),
        ValueFormat::Percent => percent(value, 1, language),
        ValueFormat::Currency => money(value, language, currency),
        ValueFormat::Duration => duration(value, language),
    }
}

/// A target or band edge in a sentence: as [`value`], but a percentage without a
/// needless decimal (`7 %`, not `7,0 %`).
pub fn level(value: f64, format: ValueFormat, language: Language, currency: &str) -> String {
    match format {
        ValueFormat::Percent => rate(value, language),
        _ => self::value(value, format, language, currency),
    }
}

/// `4–6 %` rather than `4 %–6 %`: a unit both ends share is written once, after the
/// range.
pub fn range(low: &str, high: &str) -> String {
    let unit_len = low
        .chars()
        .rev()
        .zip(high.chars().rev())
        .take_while(|(a, b)| a == b && !a.is_ascii_digit())
        .map(|(a, _)| a.len_utf8())
        .sum::<usize>();
    let unit = &low[low.len() - unit_len..];
    if unit.trim().is_empty() {
        return format!("{low}–{high}");
    }
    format!("{}–{high}", &low[..low.len() - unit_len])
}

/// A signed relative change: `+16,7 %`.
pub fn change(change: f64, language: Language) -> String {
    let text = percent(change.abs(), 1, language);
    if change > 0.0 {
        format!("+{text}")
    } else if change < 0.0 {
        format!("{MINUS}{text}")
    } else {
        text
    }
}

fn auto_decimals(value: f64) -> usize {
    match value.abs() {
        v if v >= 100.0 || v == v.trunc() => 0,
        v if v >= 10.0 => 1,
        _ => 2,
    }
}

/// `12 345,6` or `12,345.6`.
pub fn number(value: f64, decimals: usize, language: Language) -> String {
    let (group, point) = match language {
        Language::Ru | Language::Uk => (NBSP, ','),
        Language::En => (',', '.'),
    };
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push(MINUS);
    }
    for (i, digit) in int.chars().enumerate() {
        // ru and uk leave four-digit numbers whole (1234), as their typography does.
        if i > 0 && (int.len() - i) % 3 == 0 && (int.len() > 4 || language == Language::En) {
            out.push(group);
        }
        out.push(digit);
    }
    if !frac.is_empty() {
        out.push(point);
        out.push_str(frac);
    }
    out
}

/// A rate in a sentence: `10 %`, or `12,5 %` where it has a fraction.
pub fn rate(value: f64, language: Language) -> String {
    let whole = (value * 100.0 - (value * 100.0).round()).abs() < 1e-9;
    percent(value, if whole { 0 } else { 1 }, language)
}

pub fn percent(value: f64, decimals: usize, language: Language) -> String {
    let text = number(value * 100.0, decimals, language);
    match language {
        Language::Ru | Language::Uk => format!("{text}{NBSP}%"),
        Language::En => format!("{text}%"),
    }
}

fn money(value: f64, language: Language, currency: &str) -> String {
    let decimals = if value.abs() >= 100.0 || value == value.trunc() {
        0
    } else {
        2
    };
    let amount = number(value, decimals, language);
    let symbol = match currency {
        "RUB" => "₽",
        "UAH" => "₴",
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        other => other,
    };
    match (language, currency) {
        (Language::En, "USD" | "EUR" | "GBP") => format!("{symbol}{amount}"),
        _ => format!("{amount}{NBSP}{symbol}"),
    }
}

/// Durations are given in minutes: `45 мин`, `2 ч 5 мин`.
fn duration(minutes: f64, language: Language) -> String {
    let (h, m) = match language {
        Language::Ru => ("ч", "мин"),
        Language::Uk => ("год", "хв"),
        Language::En => ("h", "min"),
    };
    let total = minutes.round() as i64;
    if total.abs() < 60 {
        return format!("{total}{NBSP}{m}");
    }
    format!("{}{NBSP}{h} {}{NBSP}{m}", total / 60, (total % 60).abs())
}

/// A period in words: `октябрь 2026`, `неделя 43, 2026`, `IV квартал 2026`.
pub fn period_name(period: Period, words: &Words) -> String {
    let year = period.start.format("%Y");
    match period.grain {
        Grain::Month => {
            let month = words
                .months
                .get(chrono::Datelike::month0(&period.start) as usize)
                .map_or("", String::as_str);
            format!("{month} {year}")
        }
        Grain::Week => format!(
            "{} {}, {}",
            words.week,
            period.start.iso_week().week(),
            period.start.iso_week().year()
        ),
        Grain::Quarter => {
            let roman = ["I", "II", "III", "IV"][chrono::Datelike::month0(&period.start) as usize / 3];
            format!("{roman} {} {year}", words.quarter)
        }
    }
}

/// `31.10.2026` (ru, uk) or `2026-10-31` (en).
pub fn date(date: chrono::NaiveDate, language: Language) -> String {
    match language {
        Language::Ru | Language::Uk => date.format("%d.%m.%Y").to_string(),
        Language::En => date.format("%-d %b %Y").to_string(),
    }
}

/// `15.10.2026 — 31.10.2026`.
pub fn dates(from: chrono::NaiveDate, to: chrono::NaiveDate, language: Language) -> String {
    format!("{} — {}", date(from, language), date(to, language))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_per_language() {
        assert_eq!(number(12345.6, 1, Language::Ru), "12\u{a0}345,6");
        assert_eq!(number(12345.6, 1, Language::En), "12,345.6");
        assert_eq!(number(1234.0, 0, Language::En), "1,234");
        assert_eq!(number(1234.0, 0, Language::Ru), "1234");
        assert_eq!(number(1234567.0, 0, Language::En), "1,234,567");
        assert_eq!(number(-0.001, 2, Language::En), "0.00");
    }

    #[test]
    fn percentages_per_language() {
        assert_eq!(percent(0.045, 1, Language::Ru), "4,5\u{a0}%");
        assert_eq!(percent(0.045, 1, Language::En), "4.5%");
        assert_eq!(change(-0.045, Language::En), "\u{2212}4.5%");
        assert_eq!(change(0.1667, Language::Uk), "+16,7\u{a0}%");
    }

    #[test]
    fn ranges_write_a_shared_unit_once() {
        assert_eq!(range("4\u{a0}%", "6\u{a0}%"), "4–6\u{a0}%");
        assert_eq!(range("4%", "6%"), "4–6%");
        assert_eq!(range("300\u{a0}₽", "500\u{a0}₽"), "300–500\u{a0}₽");
        assert_eq!(range("$300", "$500"), "$300–$500");
        assert_eq!(range("10", "15"), "10–15");
    }

    #[test]
    fn money_per_language() {
        assert_eq!(
            value(12345.0, ValueFormat::Currency, Language::Ru, "RUB"),
            "12\u{a0}345\u{a0}₽"
        );
        assert_eq!(value(12345.0, ValueFormat::Currency, Language::En, "USD"), "$12,345");
        assert_eq!(value(437.5, ValueFormat::Currency, Language::Uk, "UAH"), "438\u{a0}₴");
        assert_eq!(value(12.5, ValueFormat::Currency, Language::En, "EUR"), "€12.50");
    }

    #[test]
    fn durations_in_minutes() {
        assert_eq!(value(45.0, ValueFormat::Duration, Language::Ru, "RUB"), "45\u{a0}мин");
        assert_eq!(
            value(125.0, ValueFormat::Duration, Language::En, "USD"),
            "2\u{a0}h 5\u{a0}min"
        );
    }
}
