//! The scale of a KPI's trend chart: where its axis starts and ends and the ticks on it,
//! with labels written as the report writes numbers. typst only draws.

use serde::Serialize;

use super::format;
use crate::spec::{Language, ValueFormat};

#[derive(Debug, Clone, Serialize)]
pub struct ChartModel {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<Tick>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub value: f64,
    pub label: String,
}

/// A scale covering every finite number in `numbers`, on round steps; none without any.
pub fn scale(numbers: &[f64], format: ValueFormat, language: Language, currency: &str) -> Option<ChartModel> {
    let finite = numbers.iter().copied().filter(|n| n.is_finite());
    let (min, max) = finite.fold(None, |acc: Option<(f64, f64)>, n| match acc {
        None => Some((n, n)),
        Some((lo, hi)) => Some((lo.min(n), hi.max(n))),
    })?;
    // Start at zero when the data sits closer to zero than its own spread: the chart then
    // shows sizes honestly; otherwise zoom in so a stock's movement is visible.
    let min = if min >= 0.0 && min <= max - min { 0.0 } else { min };
    let span = if max > min { max - min } else { max.abs().max(1.0) };
    let step = nice_step(span / 4.0);
    let mut lo = (min / step).floor() * step;
    // A line lying on the axis (a target at the lowest value) cannot be seen: give it a
    // step of room, unless that would cross zero.
    if lo > 0.0 && min - lo < step * 1e-9 {
        lo = (lo - step).max(0.0);
    }
    let mut hi = (max / step).ceil() * step;
    if hi <= lo {
        hi = lo + step;
    }
    let ticks = (0..)
        .map(|i| lo + step * f64::from(i))
        .take_while(|v| *v <= hi + step * 1e-9)
        .map(|value| Tick {
            value,
            label: label(value, step, format, language, currency),
        })
        .collect();
    Some(ChartModel { lo, hi, ticks })
}

/// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * magnitude)
}

/// A tick's label, with as many decimals as the step needs so the axis reads evenly.
fn label(value: f64, step: f64, format: ValueFormat, language: Language, currency: &str) -> String {
    match format {
        ValueFormat::Percent => {
            let points = step * 100.0;
            let decimals = (0..4)
                .find(|d| {
                    let scaled = points * 10f64.powi(*d);
                    (scaled - scaled.round()).abs() < 1e-6
                })
                .unwrap_or(4) as usize;
            format::percent(value, decimals, language)
        }
        _ => format::value(value, format, language, currency),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0.013), 0.02);
        assert_eq!(nice_step(2400.0), 2500.0);
        assert_eq!(nice_step(2600.0), 5000.0);
        assert_eq!(nice_step(1.0), 1.0);
    }

    #[test]
    fn sizes_start_at_zero_and_stocks_zoom_in() {
        let er = scale(&[0.01, 0.063, 0.07], ValueFormat::Percent, Language::En, "USD").unwrap();
        assert_eq!((er.lo, er.hi), (0.0, 0.08));
        assert_eq!(
            er.ticks.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(),
            ["0%", "2%", "4%", "6%", "8%"]
        );
        let followers = scale(
            &[25_000.0, 27_174.0, 18_000.0],
            ValueFormat::Number,
            Language::En,
            "USD",
        )
        .unwrap();
        // Spread 9 174 over four steps: 2 500 each, from 17 500 to 27 500.
        assert_eq!((followers.lo, followers.hi), (17_500.0, 27_500.0));
        let narrow = scale(&[0.061, 0.071], ValueFormat::Percent, Language::En, "USD").unwrap();
        assert_eq!(narrow.ticks[0].label, "6.00%");
        assert_eq!(narrow.ticks[1].label, "6.25%");
        let on_edge = scale(&[0.01, 0.012, 0.011], ValueFormat::Percent, Language::En, "USD").unwrap();
        assert_eq!(on_edge.ticks[0].label, "0.95%", "1.0% would sit on the axis");
        assert!(scale(&[f64::INFINITY], ValueFormat::Number, Language::En, "USD").is_none());
    }
}
