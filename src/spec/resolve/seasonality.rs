//! `seasonality`: windows of dates or months that adjust targets.

use chrono::NaiveDate;
use indexmap::IndexMap;

use super::super::error::{Part, SpecError};
use super::super::problem::Problem;
use super::super::raw::*;
use super::super::*;
use super::Resolver;

pub(super) fn window(
    r: &Resolver,
    i: usize,
    raw: RawWindow,
    kpis: &IndexMap<String, Kpi>,
) -> Result<Window, SpecError> {
    let at = format!("seasonality[{i}]");
    let name = r.required(&format!("{at}.name"), raw.name)?;
    let when = match (raw.from, raw.to, raw.months) {
        (Some(from), Some(to), None) => window_dates(r, &at, &from, &to)?,
        (None, None, Some(months)) => {
            if let Some(bad) = months.iter().find(|m| !(1..=12).contains(*m)) {
                return Err(r.error(&format!("{at}.months"), Part::Value, Problem::Month { month: *bad }));
            }
            WindowDates::Months(months)
        }
        _ => return Err(r.error(&at, Part::Key, Problem::WindowDates { at: at.clone() })),
    };
    for kpi in raw.targets.keys().filter(|k| *k != "*") {
        if !kpis.contains_key(kpi) {
            let problem = Problem::WindowKpi {
                at: at.clone(),
                kpi: kpi.clone(),
                known: kpis.keys().cloned().collect(),
            };
            return Err(r.error(&format!("{at}.targets.{kpi}"), Part::Key, problem));
        }
    }
    Ok(Window {
        name,
        when,
        targets: raw.targets,
    })
}

pub(super) fn window_dates(r: &Resolver, at: &str, from: &str, to: &str) -> Result<WindowDates, SpecError> {
    let bad = |key: &str, text: &str| {
        let problem = Problem::Date { text: text.to_owned() };
        r.error(&format!("{at}.{key}"), Part::Value, problem)
    };
    let month_day = |key: &str, text: &str| {
        NaiveDate::parse_from_str(&format!("2000-{text}"), "%Y-%m-%d")
            .map(|d| (chrono::Datelike::month(&d), chrono::Datelike::day(&d)))
            .map_err(|_| bad(key, text))
    };
    let full = |key: &str, text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad(key, text));
    if from.len() == 5 && to.len() == 5 {
        Ok(WindowDates::Yearly {
            from: month_day("from", from)?,
            to: month_day("to", to)?,
        })
    } else {
        let (from, to) = (full("from", from)?, full("to", to)?);
        if to < from {
            let problem = Problem::EndsBeforeStart { what: "window" };
            return Err(r.error(&format!("{at}.to"), Part::Value, problem));
        }
        Ok(WindowDates::Once { from, to })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn window(window: &str) -> String {
        spec(&format!(
            "kpis:\n  views: {{ value: \"SUM(views)\", target: {{ at_least: 5 }} }}\nseasonality:\n  - {window}\n"
        ))
    }

    #[test]
    fn yearly_windows_and_months() {
        let spec = resolve_text(&window(
            "{ name: Sale, from: 11-20, to: 11-30, targets: { views: x2 } }",
        ))
        .unwrap();
        assert_eq!(
            spec.seasonality[0].when,
            WindowDates::Yearly {
                from: (11, 20),
                to: (11, 30)
            }
        );
        assert!(matches!(
            problem(&window("{ name: X, months: [13], targets: {} }")),
            Problem::Month { month: 13 }
        ));
    }

    #[test]
    fn a_window_once_ends_after_it_starts() {
        let backwards = window("{ name: X, from: 2026-11-30, to: 2026-11-01, targets: {} }");
        assert!(matches!(
            problem(&backwards),
            Problem::EndsBeforeStart { what: "window" }
        ));
        assert!(matches!(
            problem(&window("{ name: X, targets: {} }")),
            Problem::WindowDates { .. }
        ));
    }

    #[test]
    fn a_window_adjusts_known_kpis() {
        let unknown = window("{ name: X, months: [11], targets: { veiws: x2 } }");
        assert_eq!(problem(&unknown).help().unwrap(), "did you mean `views`?");
    }
}
