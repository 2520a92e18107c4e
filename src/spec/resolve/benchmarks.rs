//! `benchmarks`: the spec's bands over the built-in ones, and KPIs' references to them.

use indexmap::IndexMap;

use super::super::error::{Part, SpecError};
use super::super::number::Number;
use super::super::problem::Problem;
use super::super::raw::*;
use super::super::*;
use super::Resolver;

/// The built-in sets with the spec's added: a set the spec names gains its KPIs, and a
/// KPI it names replaces the built-in band.
pub(super) fn benchmarks(
    r: &Resolver,
    raw: IndexMap<String, IndexMap<String, RawBand>>,
) -> Result<IndexMap<String, IndexMap<String, Band>>, SpecError> {
    let mut sets = builtin_benchmarks();
    for (set, bands) in raw {
        for (kpi, raw_band) in bands {
            let band = band(r, &format!("benchmarks.{set}.{kpi}"), raw_band)?;
            sets.entry(set.clone()).or_default().insert(kpi, band);
        }
    }
    Ok(sets)
}

/// The sets shipped in `benchmarks.yaml`, parsed once per process.
pub(super) fn builtin_benchmarks() -> IndexMap<String, IndexMap<String, Band>> {
    static BUILTIN: std::sync::OnceLock<IndexMap<String, IndexMap<String, Band>>> = std::sync::OnceLock::new();
    BUILTIN.get_or_init(parse_builtin).clone()
}

fn parse_builtin() -> IndexMap<String, IndexMap<String, Band>> {
    let raw: IndexMap<String, IndexMap<String, RawBand>> =
        yaml::builtin(include_str!("../benchmarks.yaml"), "benchmarks");
    raw.into_iter()
        .map(|(set, bands)| {
            let bands = bands
                .into_iter()
                .map(|(kpi, raw)| {
                    let band = Band {
                        market: raw.market.map(range),
                        optimal: raw.optimal.map(range),
                        per: raw
                            .per
                            .as_deref()
                            .map(|p| Per::parse(p).expect("built-in `per:` lengths are known")),
                    };
                    (kpi, band)
                })
                .collect();
            (set, bands)
        })
        .collect()
}

/// `[low, high]` in order; a single threshold is open upwards.
pub(super) fn range(raw: RawRange) -> [f64; 2] {
    match raw {
        RawRange::Range([Number(low), Number(high)]) => [low.min(high), low.max(high)],
        RawRange::Threshold(Number(x)) => [x, f64::INFINITY],
    }
}

pub(super) fn band(r: &Resolver, at: &str, raw: RawBand) -> Result<Band, SpecError> {
    let per = raw.per.map(|text| r.closed(&format!("{at}.per"), &text)).transpose()?;
    if raw.market.is_none() && raw.optimal.is_none() {
        return Err(r.error(at, Part::Key, Problem::NoBand { at: at.to_owned() }));
    }
    Ok(Band {
        market: raw.market.map(range),
        optimal: raw.optimal.map(range),
        per,
    })
}

/// The benchmark `reference` names must exist: `set.kpi`.
pub(super) fn benchmark_ref(
    r: &Resolver,
    at: &str,
    reference: &str,
    sets: &IndexMap<String, IndexMap<String, Band>>,
) -> Result<BenchmarkRef, SpecError> {
    let unknown = |problem| r.error(at, Part::Value, problem);
    let Some((set, kpi)) = reference.split_once('.') else {
        return Err(unknown(Problem::BenchmarkReference {
            at: at.to_owned(),
            reference: reference.to_owned(),
        }));
    };
    let Some(bands) = sets.get(set) else {
        return Err(unknown(Problem::BenchmarkSet {
            at: at.to_owned(),
            set: set.to_owned(),
            known: sets.keys().cloned().collect(),
        }));
    };
    if !bands.contains_key(kpi) {
        return Err(unknown(Problem::BenchmarkKpi {
            set: set.to_owned(),
            kpi: kpi.to_owned(),
            known: bands.keys().cloned().collect(),
        }));
    }
    Ok(BenchmarkRef {
        set: set.into(),
        kpi: kpi.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn the_spec_adds_to_the_built_in_sets() {
        let spec = resolve_text(&spec(
            "benchmarks:\n  own: { saves_rate: { market: [1%, 2%], per: week } }\n",
        ))
        .unwrap();
        let band = &spec.benchmarks["own"]["saves_rate"];
        assert_eq!(band.market, Some([0.01, 0.02]));
        assert_eq!(band.per, Some(super::Per::Week));
        assert!(spec.benchmarks.len() > 1, "the built-in sets stay");
    }

    #[test]
    fn a_band_needs_a_range() {
        let empty = problem(&spec("benchmarks:\n  own: { saves_rate: { per: week } }\n"));
        assert!(matches!(empty, super::Problem::NoBand { .. }));
    }

    #[test]
    fn a_reference_names_a_set_and_a_kpi() {
        let kpi = |reference: &str| {
            spec(&format!(
                "kpis:\n  er: {{ value: \"SUM(x)\", benchmark: {reference} }}\n"
            ))
        };
        assert!(matches!(
            problem(&kpi("tiktok")),
            super::Problem::BenchmarkReference { .. }
        ));
        assert!(matches!(problem(&kpi("nope.er")), super::Problem::BenchmarkSet { .. }));
        assert!(matches!(
            problem(&kpi("tiktok.nope")),
            super::Problem::BenchmarkKpi { .. }
        ));
    }
}
