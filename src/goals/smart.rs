//! SMART checks: targets that the record makes implausible, ramps without an end, targets
//! on KPIs whose data has stopped. They are warnings: the report is still built.

use super::benchmark::optimal_ceiling;
use super::KpiScore;
use crate::metrics::MetricTable;
use crate::spec::{Better, Kpi, Period, Spec, TargetKind, ValueFormat};

/// A warning about a spec, at the key path that wrote the thing it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct SmartWarning {
    pub at: String,
    pub finding: Finding,
}

/// What a SMART check found, with the figures it found it in; the report words it.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// A ramp without `to:`: a goal without a deadline.
    RampWithoutEnd { kpi: String },
    /// A target on a KPI with no data in the last `periods` periods, `from` to `to`.
    Stale {
        kpi: String,
        periods: usize,
        from: Period,
        to: Period,
    },
    /// A target past the far end of the benchmark's optimal band.
    BeyondOptimal {
        kpi: String,
        format: ValueFormat,
        target: f64,
        set: String,
        band_kpi: String,
        ceiling: f64,
    },
    /// A target more than twice (or, for `better: lower`, less than half) the best period.
    BeyondBest {
        kpi: String,
        format: ValueFormat,
        better: Better,
        target: f64,
        best: f64,
        period: Period,
    },
    /// A growth target beyond the best change on record.
    GrowthBeyondRecord {
        kpi: String,
        rate: f64,
        best: f64,
        period: Period,
    },
    /// A target more than twice (or, for `better: lower`, less than half) what the best
    /// of the competitors reaches in the period.
    BeyondCompetitors {
        kpi: String,
        format: ValueFormat,
        better: Better,
        target: f64,
        best: f64,
        competitor: String,
    },
    /// A cost per lead target times the leads target spends more than the funnel's budget.
    CostOverBudget {
        kpi: String,
        leads: String,
        cost: f64,
        leads_target: f64,
        budget: f64,
    },
    /// A leads target below what the funnel needs to reach its revenue goal.
    LeadsBelowFunnel { kpi: String, target: f64, needed: f64 },
    /// A ramp whose milestones grow in `period` by a rate, `before` to `now`, other than
    /// the growth that `growth_kpi`'s target asks of the same figure: one of the two is
    /// missed whichever is met.
    RampAgainstGrowth {
        kpi: String,
        format: ValueFormat,
        growth_kpi: String,
        period: Period,
        before: f64,
        now: f64,
        asked: f64,
    },
    /// A dated target easier than the one before it, with no note on its period to say
    /// why: a contract loosened in silence.
    StepDownWithoutNote { kpi: String, from: Period },
    /// A seasonal window adjusting a KPI that has no target.
    WindowWithoutTarget { window: String, kpi: String },
}

/// Periods in a row without data, ending with the reported one, that make a target stale.
const STALE_PERIODS: usize = 2;

/// Every SMART warning for `spec`'s targets in `period`.
pub fn check(spec: &Spec, table: &MetricTable, period: Period, scores: &[KpiScore]) -> Vec<SmartWarning> {
    let mut warnings = Vec::new();
    for score in scores {
        let kpi = &spec.kpis[&score.id];
        let Some(target) = kpi.target_at(period) else { continue };
        let at = format!("kpis.{}.target", kpi.id);
        let record = Record::of(table, &kpi.id, period);
        if let TargetKind::Ramp(ramp) = &target.kind {
            if ramp.to.is_none() {
                warnings.push(SmartWarning {
                    at: format!("{at}.ramp"),
                    finding: Finding::RampWithoutEnd { kpi: kpi.id.clone() },
                });
            }
        }
        if let Some((from, to)) = record.stale() {
            warnings.push(SmartWarning {
                at: at.clone(),
                finding: Finding::Stale {
                    kpi: kpi.id.clone(),
                    periods: STALE_PERIODS,
                    from,
                    to,
                },
            });
        }
        let growth = match target.kind {
            TargetKind::Growth(g) | TargetKind::Change(g) => Some(g),
            _ => None,
        };
        match growth {
            Some(rate) => warnings.extend(growth_beyond_record(kpi, &at, rate, &record)),
            None => {
                let value = score.target.as_ref().and_then(|t| t.value);
                warnings.extend(value.and_then(|v| beyond_optimal(kpi, &at, v, score)));
                warnings.extend(value.and_then(|v| beyond_best(kpi, &at, v, &record)));
                warnings.extend(value.and_then(|v| beyond_competitors(spec, kpi, &at, v, table, period)));
            }
        }
    }
    warnings.extend(windows_without_targets(spec));
    warnings.extend(super::plan::check(spec, period, scores));
    warnings
}

/// A KPI's values up to the reported period.
struct Record {
    /// `(period, value)` for every period up to and including the reported one.
    values: Vec<(Period, Option<f64>)>,
}

impl Record {
    fn of(table: &MetricTable, kpi: &str, period: Period) -> Self {
        let values = table
            .periods
            .iter()
            .enumerate()
            .filter(|(_, p)| **p <= period)
            .map(|(i, p)| (*p, table.value(kpi, i)))
            .collect();
        Self { values }
    }

    fn known(&self) -> impl Iterator<Item = (Period, f64)> + '_ {
        self.values.iter().filter_map(|(p, v)| v.map(|v| (*p, v)))
    }

    /// The best period, given `better`.
    fn best(&self, better: Better) -> Option<(Period, f64)> {
        match better {
            Better::Higher => self.known().max_by(by_value),
            Better::Lower => self.known().filter(|(_, v)| *v > 0.0).min_by(by_value),
        }
    }

    /// The changes from one period to the next, where both have data.
    fn changes(&self) -> impl Iterator<Item = (Period, f64)> + '_ {
        self.values.windows(2).filter_map(|pair| match pair {
            [(_, Some(before)), (p, Some(after))] if *before != 0.0 => Some((*p, (after - before) / before.abs())),
            _ => None,
        })
    }

    /// The first and last of the last [`STALE_PERIODS`], when none of them has data.
    fn stale(&self) -> Option<(Period, Period)> {
        let last = self.values.len().checked_sub(STALE_PERIODS)?;
        let tail = &self.values[last..];
        tail.iter()
            .all(|(_, v)| v.is_none())
            .then(|| (tail[0].0, tail[tail.len() - 1].0))
    }
}

fn by_value(a: &(Period, f64), b: &(Period, f64)) -> std::cmp::Ordering {
    a.1.total_cmp(&b.1)
}

fn beyond_optimal(kpi: &Kpi, at: &str, target: f64, score: &KpiScore) -> Option<SmartWarning> {
    let band = &score.benchmark.as_ref()?.band;
    let ceiling = optimal_ceiling(band, kpi.better)?;
    let beyond = match kpi.better {
        Better::Higher => target > ceiling,
        Better::Lower => target < ceiling,
    };
    beyond.then(|| SmartWarning {
        at: at.to_owned(),
        finding: Finding::BeyondOptimal {
            kpi: kpi.id.clone(),
            format: kpi.format,
            target,
            set: band.set.clone(),
            band_kpi: band.kpi.clone(),
            ceiling,
        },
    })
}

fn beyond_best(kpi: &Kpi, at: &str, target: f64, record: &Record) -> Option<SmartWarning> {
    let (period, best) = record.best(kpi.better)?;
    let beyond = match kpi.better {
        Better::Higher => best > 0.0 && target > 2.0 * best,
        Better::Lower => target < best / 2.0,
    };
    beyond.then(|| SmartWarning {
        at: at.to_owned(),
        finding: Finding::BeyondBest {
            kpi: kpi.id.clone(),
            format: kpi.format,
            better: kpi.better,
            target,
            best,
            period,
        },
    })
}

fn beyond_competitors(
    spec: &Spec,
    kpi: &Kpi,
    at: &str,
    target: f64,
    table: &MetricTable,
    period: Period,
) -> Option<SmartWarning> {
    let index = table.index_of(period)?;
    let rivals = table.rivals(&kpi.id, index);
    let known = rivals.iter().filter_map(|(id, v)| v.map(|v| (*id, v)));
    let (id, best) = match kpi.better {
        Better::Higher => known.max_by(|a, b| a.1.total_cmp(&b.1))?,
        Better::Lower => known.filter(|(_, v)| *v > 0.0).min_by(|a, b| a.1.total_cmp(&b.1))?,
    };
    let beyond = match kpi.better {
        Better::Higher => best > 0.0 && target > 2.0 * best,
        Better::Lower => target < best / 2.0,
    };
    beyond.then(|| SmartWarning {
        at: at.to_owned(),
        finding: Finding::BeyondCompetitors {
            kpi: kpi.id.clone(),
            format: kpi.format,
            better: kpi.better,
            target,
            best,
            competitor: spec
                .competitors
                .get(id)
                .map_or_else(|| id.to_owned(), |c| c.name.clone()),
        },
    })
}

fn growth_beyond_record(kpi: &Kpi, at: &str, rate: f64, record: &Record) -> Option<SmartWarning> {
    let changes: Vec<_> = record.changes().collect();
    if changes.len() < 2 {
        return None;
    }
    let (period, best) = match kpi.better {
        Better::Higher => changes.into_iter().max_by(by_value)?,
        Better::Lower => changes.into_iter().min_by(by_value)?,
    };
    let beyond = match kpi.better {
        Better::Higher => rate > best,
        Better::Lower => rate < best,
    };
    beyond.then(|| SmartWarning {
        at: at.to_owned(),
        finding: Finding::GrowthBeyondRecord {
            kpi: kpi.id.clone(),
            rate,
            best,
            period,
        },
    })
}

/// Windows that name KPIs without a target have nothing to adjust.
fn windows_without_targets(spec: &Spec) -> Vec<SmartWarning> {
    spec.seasonality
        .iter()
        .enumerate()
        .flat_map(|(i, window)| {
            window
                .targets
                .keys()
                .filter(|kpi| spec.kpis.get(*kpi).is_some_and(|k| k.target.is_none()))
                .map(move |kpi| SmartWarning {
                    at: format!("seasonality[{i}].targets.{kpi}"),
                    finding: Finding::WindowWithoutTarget {
                        window: window.name.clone(),
                        kpi: kpi.clone(),
                    },
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Grain;

    fn record(values: &[Option<f64>]) -> Record {
        let first = Period::parse(Grain::Month, "2026-01").unwrap();
        let periods = std::iter::successors(Some(first), |p| Some(p.next()));
        Record {
            values: periods.zip(values.iter().copied()).collect(),
        }
    }

    #[test]
    fn the_best_period_depends_on_better() {
        let r = record(&[Some(300.0), Some(0.0), Some(250.0), None, Some(400.0)]);
        assert_eq!(
            r.best(Better::Higher).map(|(p, v)| (p.label(), v)),
            Some(("2026-05".into(), 400.0))
        );
        // A zero cost is no record to beat: it is a period without spend.
        assert_eq!(
            r.best(Better::Lower).map(|(p, v)| (p.label(), v)),
            Some(("2026-03".into(), 250.0))
        );
    }

    #[test]
    fn changes_skip_gaps() {
        let r = record(&[Some(100.0), Some(110.0), None, Some(90.0), Some(135.0)]);
        let changes: Vec<_> = r.changes().map(|(p, c)| (p.label(), (c * 1000.0).round())).collect();
        assert_eq!(changes, vec![("2026-02".into(), 100.0), ("2026-05".into(), 500.0)]);
    }

    #[test]
    fn stale_when_the_last_periods_are_empty() {
        let (from, to) = record(&[Some(1.0), None, None]).stale().unwrap();
        assert_eq!((from.label(), to.label()), ("2026-02".into(), "2026-03".into()));
        assert_eq!(record(&[None, Some(1.0), None]).stale(), None);
        assert_eq!(record(&[None]).stale(), None);
    }
}
