//! Computed numbers against values worked out by hand from tests/fixtures/ok/numbers.

use std::sync::OnceLock;

use serde_json::Value;

use super::{build, close, kpi, read_json};

/// Built once and shared: the tests run in parallel, and rebuilding into one folder
/// from several threads would race.
fn scorecard() -> &'static Value {
    static CARD: OnceLock<Value> = OnceLock::new();
    CARD.get_or_init(|| {
        let out = build("tests/fixtures/ok/numbers/spec.yaml", "numbers-json", "json");
        read_json(&out.join("reports/numbers/2026-10.json"))
    })
}

#[test]
fn engagement_rate_sums_then_divides() {
    let card = scorecard();
    let er = kpi(card, "engagement_rate");
    // October: (260 likes + 50 comments + 50 shares) / 4000 views.
    close(&er["value"], 0.09);
    close(&er["target"]["value"], 0.07);
    assert_eq!(er["status"], "achieved");
    assert_eq!(er["display"]["value"], "9,0\u{a0}%");
}

#[test]
fn a_month_with_zero_views_has_no_data() {
    let card = scorecard();
    let er = kpi(card, "engagement_rate");
    assert_eq!(er["previous"], Value::Null, "September has 0 views");
    assert_eq!(er["change"], Value::Null);
    let history: Vec<_> = er["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["period"].as_str().unwrap(), h["value"].as_f64()))
        .collect();
    assert_eq!(
        history,
        [("2026-08", Some(0.05)), ("2026-09", None), ("2026-10", Some(0.09))]
    );
}

#[test]
fn last_follows_dates_not_file_order() {
    let card = scorecard();
    let followers = kpi(card, "followers");
    // Rows are out of order in the file; the last by date is 140 (15 October).
    close(&followers["value"], 140.0);
    close(&followers["previous"], 120.0);
    close(&followers["change"], 20.0 / 120.0);
}

#[test]
fn growth_target_builds_on_the_previous_period() {
    let card = scorecard();
    let followers = kpi(card, "followers");
    close(&followers["target"]["value"], 132.0);
    assert_eq!(followers["target"]["kind"], "growth");
    assert_eq!(followers["status"], "achieved");
    let targets: Vec<_> = followers["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["target"].as_f64())
        .collect();
    assert_eq!(targets, [None, Some(121.0), Some(132.0)]);
}

#[test]
fn cost_per_lead_from_two_sources() {
    let card = scorecard();
    let cpl = kpi(card, "cost_per_lead");
    // 4500 spend (ads.csv) / 9 leads (crm.csv); September divides by zero leads.
    close(&cpl["value"], 500.0);
    assert_eq!(cpl["previous"], Value::Null);
    assert_eq!(cpl["status"], "missed", "500 is beyond 450 + 5%");
    assert_eq!(cpl["display"]["value"], "500\u{a0}₽");
    assert_eq!(card["summary"]["missed"], 1);
}

#[test]
fn scorecard_has_the_contract_keys() {
    let card = scorecard();
    assert_eq!(card["client"]["slug"], "numbers");
    assert_eq!(card["period"], "2026-10");
    assert_eq!(card["language"], "ru");
    assert_eq!(card["kpis"].as_array().map(Vec::len), Some(5), "{}", card["kpis"]);
    // The fixture has no funnel and no windows: the keys are there, empty.
    assert_eq!(card.get("funnel"), Some(&Value::Null));
    assert_eq!(
        card["seasonality"].as_array().map(Vec::len),
        Some(0),
        "{}",
        card["seasonality"]
    );
    assert!(card["warnings"].is_array(), "{}", card["warnings"]);
}

/// Thousands grouped by no-break spaces, decimal commas, a currency sign, percent strings
/// and marks for "no value", all read as the numbers they are.
#[test]
fn numbers_as_exports_write_them() {
    let out = build("tests/fixtures/ok/hygiene/spec.yaml", "hygiene", "json");
    let card = read_json(&out.join("reports/hygiene/2026-10.json"));
    close(&kpi(&card, "views")["value"], 13_345.0);
    close(&kpi(&card, "spend")["value"], 1_500.5);
    close(&kpi(&card, "ctr")["value"], 0.05);
}
