//! Benchmark bands against a period: converted to the report's grain, where a KPI's value
//! falls in them, and the edge a `benchmark:` target takes.

use serde::Serialize;

use crate::spec::{BandName, Better, Kpi, Per, Period, Spec};

/// A KPI's benchmark band as it applies to one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodBand {
    pub set: String,
    pub kpi: String,
    /// `[low, high]`; a threshold's `high` is infinite (`null` in JSON).
    pub market: Option<[f64; 2]>,
    pub optimal: Option<[f64; 2]>,
    /// The period the spec gave the figures per, when they were compounded to this one.
    pub converted_from: Option<Per>,
}

/// Where a value falls, from worst to best given `better`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    BelowMarket,
    Market,
    AboveMarket,
    Optimal,
    AboveOptimal,
}

impl Position {
    pub fn key(self) -> &'static str {
        match self {
            Self::BelowMarket => "below_market",
            Self::Market => "market",
            Self::AboveMarket => "above_market",
            Self::Optimal => "optimal",
            Self::AboveOptimal => "above_optimal",
        }
    }
}

/// `kpi`'s band for `period`, with rates given per another length compounded to it.
pub fn band_for(spec: &Spec, kpi: &Kpi, period: Period) -> Option<PeriodBand> {
    let reference = kpi.benchmark.as_ref()?;
    let band = spec.benchmarks.get(&reference.set)?.get(&reference.kpi)?;
    let per = band.per.filter(|per| !per.is(period.grain));
    let convert = |range: [f64; 2]| match per {
        Some(per) => range.map(|rate| compound(rate, per.days(), period.days() as f64)),
        None => range,
    };
    Some(PeriodBand {
        set: reference.set.clone(),
        kpi: reference.kpi.clone(),
        market: band.market.map(convert),
        optimal: band.optimal.map(convert),
        converted_from: per,
    })
}

/// A rate per `from_days` compounded over `to_days`: (1 + r)^(to/from) − 1.
pub fn compound(rate: f64, from_days: f64, to_days: f64) -> f64 {
    (1.0 + rate).powf(to_days / from_days) - 1.0
}

/// Where `value` falls in `band`, judged in the direction `better` says.
pub fn position(value: f64, band: &PeriodBand, better: Better) -> Option<Position> {
    // Lower-is-better bands are the same question asked of negated numbers.
    let sign = if better == Better::Higher { 1.0 } else { -1.0 };
    let oriented = |range: [f64; 2]| {
        let [a, b] = range.map(|x| x * sign);
        [a.min(b), a.max(b)]
    };
    let value = value * sign;
    let market = band.market.map(oriented);
    let optimal = band.optimal.map(oriented);
    if market.is_none() && optimal.is_none() {
        return None;
    }
    Some(match (market, optimal) {
        (_, Some([_, high])) if value > high => Position::AboveOptimal,
        (_, Some([low, _])) if value >= low => Position::Optimal,
        (Some([_, high]), _) if value > high => Position::AboveMarket,
        (Some([low, _]), _) if value >= low => Position::Market,
        _ => Position::BelowMarket,
    })
}

/// The edge of the named band that reaching it means: the lower edge, or the upper one
/// when lower is better.
pub fn edge(band: &PeriodBand, name: BandName, better: Better) -> Option<f64> {
    let range = match name {
        BandName::Market => band.market?,
        BandName::Optimal => band.optimal?,
    };
    let edge = if better == Better::Higher { range[0] } else { range[1] };
    edge.is_finite().then_some(edge)
}

/// The best edge of the optimal band, beyond which a target is implausible.
pub fn optimal_ceiling(band: &PeriodBand, better: Better) -> Option<f64> {
    let [low, high] = band.optimal?;
    let ceiling = if better == Better::Higher { high } else { low };
    ceiling.is_finite().then_some(ceiling)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(market: Option<[f64; 2]>, optimal: Option<[f64; 2]>) -> PeriodBand {
        PeriodBand {
            set: "tiktok".into(),
            kpi: "x".into(),
            market,
            optimal,
            converted_from: None,
        }
    }

    fn round(x: f64) -> f64 {
        (x * 1e6).round() / 1e6
    }

    #[test]
    fn weekly_growth_compounds_over_the_month_s_real_days() {
        // 5% a week: 1.05^(28/7) − 1 = 0.21550625 exactly in February 2026.
        assert_eq!(round(compound(0.05, 7.0, 28.0)), 0.215506);
        // 1.05^(30/7) − 1 = e^(30/7 · 0.0487902) − 1 = e^0.2091008 − 1 = 0.232569 (April).
        assert_eq!(round(compound(0.05, 7.0, 30.0)), 0.232569);
        // 1.05^(31/7) − 1 = e^0.2160708 − 1 = 0.241190 (October).
        assert_eq!(round(compound(0.05, 7.0, 31.0)), 0.24119);
        // 12% a week over 31 days: 1.12^(31/7) − 1 = e^(31/7 · 0.1133287) − 1 = 0.651831.
        assert_eq!(round(compound(0.12, 7.0, 31.0)), 0.651831);
    }

    #[test]
    fn positions_from_below_market_to_above_optimal() {
        let er = band(Some([0.04, 0.06]), Some([0.07, 0.10]));
        let at = |v| position(v, &er, Better::Higher);
        assert_eq!(at(0.03), Some(Position::BelowMarket));
        assert_eq!(at(0.04), Some(Position::Market));
        assert_eq!(at(0.065), Some(Position::AboveMarket));
        assert_eq!(at(0.07), Some(Position::Optimal));
        assert_eq!(at(0.11), Some(Position::AboveOptimal));
    }

    #[test]
    fn thresholds_are_open_upwards() {
        let views = band(Some([10_000.0, f64::INFINITY]), Some([15_000.0, f64::INFINITY]));
        let at = |v| position(v, &views, Better::Higher);
        assert_eq!(at(9_000.0), Some(Position::BelowMarket));
        assert_eq!(at(12_000.0), Some(Position::Market));
        assert_eq!(at(1e9), Some(Position::Optimal));
        assert_eq!(edge(&views, BandName::Optimal, Better::Higher), Some(15_000.0));
        assert_eq!(optimal_ceiling(&views, Better::Higher), None);
    }

    #[test]
    fn lower_is_better_bands_read_the_other_way() {
        // Cost per lead: market 300–500, optimal 150–300; cheaper is better.
        let cpl = band(Some([300.0, 500.0]), Some([150.0, 300.0]));
        let at = |v| position(v, &cpl, Better::Lower);
        assert_eq!(at(650.0), Some(Position::BelowMarket));
        assert_eq!(at(450.0), Some(Position::Market));
        assert_eq!(at(200.0), Some(Position::Optimal));
        assert_eq!(at(100.0), Some(Position::AboveOptimal));
        assert_eq!(edge(&cpl, BandName::Market, Better::Lower), Some(500.0));
        assert_eq!(edge(&cpl, BandName::Optimal, Better::Lower), Some(300.0));
        assert_eq!(optimal_ceiling(&cpl, Better::Lower), Some(150.0));
    }
}
