//! The goals engine through the real binary: benchmarks, seasonality windows, ramps, the
//! funnel and partial periods on tests/fixtures/ok/goals, and the SMART warnings of
//! `check` on tests/fixtures/ok/smart. Every expected number is worked out by hand.

use std::sync::OnceLock;

use serde_json::Value;

use super::{build, close, kpi, kpipress, out_dir, read_json, stderr};

const SPEC: &str = "tests/fixtures/ok/goals/spec.yaml";

/// September: the last complete month, so the default period.
fn september() -> &'static Value {
    static CARD: OnceLock<Value> = OnceLock::new();
    CARD.get_or_init(|| {
        let out = build(SPEC, "goals-september", "json");
        read_json(&out.join("reports/goals/2026-09.json"))
    })
}

/// October: the data ends on the 10th, 10 of 31 days.
fn october() -> &'static Value {
    static CARD: OnceLock<Value> = OnceLock::new();
    CARD.get_or_init(|| {
        let out = out_dir("goals-october");
        let output = kpipress(&[
            "build",
            SPEC,
            "--period",
            "2026-10",
            "--out",
            out.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        read_json(&out.join("reports/goals/2026-10.json"))
    })
}

#[test]
fn overlapping_windows_multiply_on_the_funnel_s_leads() {
    let leads = kpi(september(), "leads");
    // The funnel: 800 000 / 80 000 = 10 sales; 10 / 12.5% = 80 leads. "Осенняя акция" is
    // x1.5 over 10 of September's 30 days (x1.1667), "Сентябрь" x1.1 over all of it:
    // 80 × 1.1667 × 1.1 = 102.67, rounded up to whole leads.
    close(&leads["target"]["base"], 80.0);
    close(&leads["target"]["seasonal_factor"], (1.0 + 0.5 * 10.0 / 30.0) * 1.1);
    close(&leads["target"]["value"], 103.0);
    assert_eq!(leads["target"]["kind"], "funnel");
    let windows: Vec<_> = leads["target"]["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["name"].as_str().unwrap(), w["days"].as_u64().unwrap()))
        .collect();
    assert_eq!(windows, [("Осенняя акция", 10), ("Сентябрь", 30)]);
    // 90 leads: more than 5% short of 103.
    close(&leads["value"], 90.0);
    assert_eq!(leads["status"], "missed");
}

#[test]
fn the_funnel_gives_the_affordable_cost_per_lead() {
    let card = september();
    let funnel = &card["funnel"];
    close(&funnel["sales_needed"], 10.0);
    close(&funnel["leads_needed"], 80.0);
    close(&funnel["max_cost_per_lead"], 500.0);
    close(&funnel["actual_leads"], 90.0);
    close(&funnel["actual_cost_per_lead"], 400.0);
    // 90 leads at 12.5% are 11.25 sales: 11 whole ones.
    close(&funnel["expected_sales"], 11.0);
    let cpl = kpi(card, "cost_per_lead");
    // 40 000 / 80 = 500, and "*" x1.1 in September: 550. 36 000 / 90 = 400.
    close(&cpl["target"]["value"], 550.0);
    close(&cpl["value"], 400.0);
    assert_eq!(cpl["status"], "achieved");
}

#[test]
fn weekly_benchmarks_compound_to_the_month() {
    let growth = kpi(september(), "follower_growth");
    // 5% and 7% a week over September's 30 days: 1.05^(30/7) − 1 and 1.07^(30/7) − 1.
    let market = &growth["benchmark"]["market"];
    close(&market[0], 1.05f64.powf(30.0 / 7.0) - 1.0);
    close(&market[1], 1.07f64.powf(30.0 / 7.0) - 1.0);
    assert_eq!(growth["benchmark"]["converted_from"], "week");
    // (1250 − 1000) / 1000 = 25%: inside the market band (23.3%–33.6%).
    close(&growth["value"], 0.25);
    assert_eq!(growth["benchmark"]["position"], "market");
    // `benchmark: market` takes the band's lower edge, then "*" x1.1: 25.58%; 25% is
    // within 5% of it.
    close(&growth["target"]["value"], (1.05f64.powf(30.0 / 7.0) - 1.0) * 1.1);
    assert_eq!(growth["target"]["kind"], "benchmark");
    assert_eq!(growth["status"], "near");
    let notes = card_benchmarks(september());
    assert!(notes.iter().any(|n| n.contains("(1 + r)^(30/7)")), "{notes:?}");
}

fn card_benchmarks(card: &Value) -> Vec<String> {
    card["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["conversion"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn lower_is_better_bands_and_plain_bands() {
    let card = september();
    // 400 per lead in a market band of 300–500 where cheaper is better.
    let cpl = kpi(card, "cost_per_lead");
    assert_eq!(cpl["benchmark"]["position"], "market");
    assert_eq!(cpl["benchmark"]["set"], "local");
    // 500 likes / 10 000 views = 5%: the market band of 4–6%.
    let er = kpi(card, "engagement_rate");
    close(&er["value"], 0.05);
    assert_eq!(er["benchmark"]["position"], "market");
    assert_eq!(er["benchmark"]["converted_from"], Value::Null);
    close(&er["target"]["value"], 0.055);
    assert_eq!(er["status"], "missed");
}

#[test]
fn ramps_give_monthly_milestones() {
    // From 800 in July to 1 800 in December: 200 a month, 1 200 in September (x1.1 in
    // September: 1 320), 1 400 in October.
    let september = kpi(september(), "followers");
    close(&september["target"]["value"], 1320.0);
    assert_eq!(september["status"], "missed");
    let history: Vec<_> = september["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["period"].as_str().unwrap(), h["target"].as_f64()))
        .collect();
    assert_eq!(
        history,
        [
            ("2026-07", Some(800.0)),
            ("2026-08", Some(1000.0)),
            ("2026-09", Some(1320.0))
        ]
    );
    let october = kpi(october(), "followers");
    close(&october["target"]["value"], 1400.0);
    assert_eq!(october["status"], "achieved");
}

#[test]
fn a_partial_period_is_graded_on_pace() {
    let card = october();
    close(&card["coverage"]["days"], 10.0);
    close(&card["coverage"]["period_days"], 31.0);
    // 40 leads in 10 days: 124 by the 31st, against 80 needed.
    let leads = kpi(card, "leads");
    close(&leads["value"], 40.0);
    close(&leads["pace"]["projected"], 124.0);
    assert_eq!(leads["status"], "on_track");
    // The change compares where the pace leads with September's 90 leads.
    close(&leads["change"], 124.0 / 90.0 - 1.0);
    // 12 400 spent in 10 days: 38 440 by the 31st.
    close(&kpi(card, "spend")["pace"]["projected"], 38_440.0);
    // A ratio is not projected: 12 400 / 40 = 310, graded as it is.
    let cpl = kpi(card, "cost_per_lead");
    assert_eq!(cpl["pace"]["projected"], Value::Null);
    close(&cpl["value"], 310.0);
    assert_eq!(cpl["status"], "achieved");
    assert!(
        card["warnings"][0].as_str().unwrap().contains("2026-10-10"),
        "{}",
        card["warnings"]
    );
}

#[test]
fn smart_statements_say_what_by_when() {
    let card = september();
    assert_eq!(
        kpi(card, "followers")["smart"],
        "Довести показатель «followers» с 800 (июль 2026) до 1800 к 31.12.2026; этап на сентябрь 2026: 1320 \
         (с учётом сезонности: Сентябрь — ×1,10)"
    );
    assert_eq!(
        kpi(card, "leads")["smart"],
        "Получить не меньше 103 по показателю «leads» к 30.09.2026, чтобы выполнить план выручки 800\u{a0}000\u{a0}₽ \
         (с учётом сезонности: Осенняя акция, Сентябрь — ×1,28)"
    );
}

#[test]
fn the_windows_over_the_shown_history_are_listed() {
    let windows: Vec<_> = september()["seasonality"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["name"].as_str().unwrap().to_owned(),
                w["from"].as_str().unwrap().to_owned(),
                w["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("Осенняя акция", "2026-09-21", "2026-09-30"),
        ("Сентябрь", "2026-09-01", "2026-09-30"),
    ]
    .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()));
    assert_eq!(windows, expected);
}

#[test]
fn check_questions_implausible_targets() {
    let output = kpipress(&["check", "tests/fixtures/ok/smart/spec.yaml", "--period", "2026-10"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "warnings do not fail check:\n{}",
        stderr(&output)
    );
    let text = stderr(&output);
    for expected in [
        "`followers`'s ramp has no end",
        "`engagement_rate`'s target 12% is beyond the optimal band",
        "(which ends at 11%)",
        "`leads`'s target asks for a change of 100% a month, beyond anything on record",
        "`reach` has a target but no data in the last 2 periods (2026-09 to 2026-10)",
        "window `Promo` adjusts `spend`, which has no target",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    insta::assert_snapshot!(text);
}

/// A target written per month in a weekly report: a total is scaled by days (7 of the
/// average month's 30.4375), a growth rate compounded; a ratio is left as it is.
#[test]
fn a_monthly_target_in_a_weekly_report_is_scaled_by_days() {
    let dir = super::out_dir("per-month");
    let days: String = (0..14)
        .map(|d| {
            let day = chrono::NaiveDate::from_ymd_opt(2026, 9, 21).unwrap() + chrono::Days::new(d);
            format!("{day},100,5\n")
        })
        .collect();
    std::fs::write(dir.join("posts.csv"), format!("date,views,likes\n{days}")).unwrap();
    std::fs::write(
        dir.join("spec.yaml"),
        "version: 1\nclient: { name: W, slug: w }\nreport: { language: en, grain: week, period: 2026-W40 }\n\
         sources:\n  posts: { path: posts.csv }\n\
         kpis:\n  views: { source: posts, value: \"SUM(views)\", target: { at_least: 3000, per: month } }\n\
         \x20 growing: { source: posts, value: \"SUM(views)\", target: { growth: 10%, per: month } }\n\
         \x20 er: { source: posts, value: \"SUM(likes) / SUM(views)\", format: percent, target: { at_least: 4%, per: month } }\n",
    )
    .unwrap();
    let out = super::build(dir.join("spec.yaml").to_str().unwrap(), "per-month-out", "json");
    let card = super::read_json(&out.join("reports/w/2026-W40.json"));
    // 3 000 a month is 3 000 * 7 / 30.4375 = 689.9 a week: 690 views, whole.
    super::close(&kpi(&card, "views")["target"]["value"], 690.0);
    assert_eq!(kpi(&card, "views")["status"], "achieved");
    // 10 % a month compounds to 1.1^(7/30.4375) - 1 a week, on last week's 700.
    let weekly = 1.1f64.powf(7.0 / 30.4375) - 1.0;
    let growing = kpi(&card, "growing")["target"]["value"].as_f64().unwrap();
    assert!((growing - (700.0 * (1.0 + weekly)).ceil()).abs() < 1e-6, "{growing}");
    super::close(&kpi(&card, "er")["target"]["value"], 0.04);
}

/// Targets kept in git change: each period is graded against the target in force then,
/// so raising it in September leaves July and August achieved.
#[test]
fn a_target_changed_mid_history_grades_each_period_by_its_own() {
    let dir = super::out_dir("dated-targets");
    let rows: String = [
        "2025-12-15",
        "2026-07-15",
        "2026-08-15",
        "2026-09-15",
        "2026-10-15",
        "2026-10-31",
    ]
    .iter()
    .map(|d| format!("{d},{}\n", if d.ends_with("31") { 0 } else { 6000 }))
    .collect();
    std::fs::write(dir.join("posts.csv"), format!("date,views\n{rows}")).unwrap();
    std::fs::write(
        dir.join("spec.yaml"),
        "version: 1\nclient: { name: D, slug: d }\nreport: { language: en, period: 2026-10 }\n\
         sources:\n  posts: { path: posts.csv }\n\
         kpis:\n  views:\n    source: posts\n    value: \"SUM(views)\"\n    target:\n\
         \x20     - { from: 2026-01, at_least: 5000 }\n\
         \x20     - { from: 2026-09, at_least: 7000 }\n",
    )
    .unwrap();
    let out = super::build(dir.join("spec.yaml").to_str().unwrap(), "dated-targets-out", "json,pdf");
    let card = super::read_json(&out.join("reports/d/2026-10.json"));
    let views = kpi(&card, "views");
    let by_period = |p: &str| {
        views["history"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["period"] == p)
            .unwrap()
            .clone()
    };
    assert_eq!(by_period("2025-12")["status"], "no_target", "before the first `from`");
    assert!(by_period("2025-12")["target"].is_null());
    assert_eq!(by_period("2026-07")["status"], "achieved");
    close(&by_period("2026-08")["target"], 5000.0);
    assert_eq!(by_period("2026-08")["status"], "achieved");
    close(&by_period("2026-09")["target"], 7000.0);
    assert_eq!(by_period("2026-09")["status"], "missed");
    assert_eq!(views["status"], "missed");
    assert_eq!(
        views["target_steps"][1],
        serde_json::json!({ "from": "2026-09", "target": "at least 7,000" })
    );
    let text = super::pdf::text_of(&out.join("reports/d/2026-10.pdf"));
    assert!(
        text.contains("Target changes") && text.contains("2026-09 at least 7,000"),
        "{text}"
    );
}

/// A quarter's goal beside the month's target: the quarter so far, and what each month
/// left must add. October is the first month of Q4: 600 so far of 1 500, so 450 in each
/// of November and December.
#[test]
fn a_quarter_goal_shows_progress_and_the_pace_needed() {
    let dir = super::out_dir("quarter-goal");
    std::fs::write(
        dir.join("leads.csv"),
        "date,leads\n2026-09-15,999\n2026-10-01,200\n2026-10-31,400\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("spec.yaml"),
        "version: 1\nclient: { name: Q, slug: q }\nreport: { language: en, period: 2026-10 }\n\
         sources:\n  ads: { path: leads.csv }\n\
         kpis:\n  leads: { source: ads, value: \"SUM(leads)\", target: { at_least: 500 }, goal: { quarter: 1500, year: 5000 } }\n\
         \x20 rate: { source: ads, value: \"AVG(leads)\", goal: { quarter: 10 } }\n",
    )
    .unwrap();
    let out = super::build(dir.join("spec.yaml").to_str().unwrap(), "quarter-goal-out", "json,pdf");
    let card = super::read_json(&out.join("reports/q/2026-10.json"));
    let goals = kpi(&card, "leads")["goals"].as_array().unwrap().clone();
    assert_eq!(goals[0]["timeframe"], "quarter");
    close(&goals[0]["to_date"], 600.0);
    close(&goals[0]["needed_per_period"], 450.0);
    assert_eq!(goals[0]["periods_left"], 2);
    // The year so far: September's 999 and October's 600; 5 000 needs 3 401 more in two months.
    assert_eq!(goals[1]["timeframe"], "year");
    close(&goals[1]["to_date"], 1599.0);
    close(&goals[1]["needed_per_period"], 1700.5);
    assert!(
        kpi(&card, "rate")["goals"].as_array().unwrap().is_empty(),
        "an average adds up to nothing"
    );
    let text = super::pdf::text_of(&out.join("reports/q/2026-10.pdf"));
    assert!(
        text.contains("Goal for the quarter: 1,500; 600 so far; 450 needed in each period left"),
        "{text}"
    );
}

/// A plan that does not add up is said by `check`, at the line of the target at fault.
#[test]
fn check_says_where_a_plan_does_not_add_up() {
    let dir = super::out_dir("plan-adds-up");
    std::fs::write(
        dir.join("ads.csv"),
        "date,spend,leads,views\n2026-07-10,30000,70,6000\n2026-10-10,30000,70,6000\n2026-10-31,0,0,0\n",
    )
    .unwrap();
    let spec = dir.join("spec.yaml");
    std::fs::write(
        &spec,
        "version: 1\nclient: { name: P, slug: p }\nreport: { language: en, period: 2026-10 }\n\
         sources:\n  ads: { path: ads.csv }\n\
         kpis:\n\
         \x20 spend: { source: ads, value: \"SUM(spend)\", format: currency, better: lower }\n\
         \x20 leads: { source: ads, value: \"SUM(leads)\", target: { at_least: 80 } }\n\
         \x20 cost_per_lead: { value: \"spend / leads\", format: currency, better: lower, target: { at_most: 600 } }\n\
         \x20 views:\n    source: ads\n    value: \"SUM(views)\"\n    target:\n\
         \x20     - { from: 2026-01, at_least: 7000 }\n\
         \x20     - { from: 2026-07, at_least: 5000 }\n\
         funnel: { revenue_goal: 800000, average_order_value: 80000, lead_to_sale: 10%, budget: 40000, actual: { leads: leads, spend: spend } }\n",
    )
    .unwrap();
    let output = kpipress(&["check", spec.to_str().unwrap()]);
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    // 100 leads: 800 000 / 80 000 = 10 sales, at one lead in ten.
    assert!(
        text.contains("`leads`'s target 80 is below the 100 leads the funnel needs"),
        "{text}"
    );
    assert!(text.contains("spec.yaml:8:"), "the leads target's line: {text}");
    assert!(
        text.contains(
            "`cost_per_lead`'s target $600 times `leads`'s target 80 is $48,000, more than the funnel's budget $40,000"
        ),
        "{text}"
    );
    assert!(
        text.contains("`views`'s target from 2026-07 is easier than the one before it, and no note says why"),
        "{text}"
    );
    assert!(text.contains("spec.yaml:15:"), "the step's own line: {text}");
}

/// A ramp and a growth target on the same figure that plan different growth: the goals
/// fixture ramps followers 800 to 1 800 from July to December, 200 a month, while its
/// follower growth target is the weekly 5% market band compounded to the month.
#[test]
fn check_says_where_a_ramp_and_a_growth_target_disagree() {
    let output = kpipress(&["check", SPEC, "--period", "2026-10"]);
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    // 1 400 / 1 200 - 1 = 16.7%; 1.05^(31/7) - 1 = 24.1% over October's 31 days.
    assert!(
        text.contains(
            "`followers`'s ramp grows 16.7% in 2026-10 (1,200 to 1,400), slower than the 24.1% \
             `follower_growth`'s target asks: on the ramp, the growth target is missed"
        ),
        "{text}"
    );
    assert!(text.contains("spec.yaml:13:15]"), "the ramp's line: {text}");
    // In December the ramp's last step, 1 600 to 1 800, is 12.5%: still slower.
    let december = stderr(&kpipress(&["check", SPEC, "--period", "2026-12"]));
    assert!(
        december.contains("grows 12.5% in 2026-12 (1,600 to 1,800)"),
        "{december}"
    );
    // After its deadline the ramp is flat at its goal and plans no growth to compare.
    let january = stderr(&kpipress(&["check", SPEC, "--period", "2027-01"]));
    assert!(!january.contains("`followers`'s ramp grows"), "{january}");
}

/// A PDF sent to a client is checked later against the spec and data it came from: the
/// same report on a fresh build, and the input that differs once a data file changes.
#[test]
fn verify_names_the_input_that_changed() {
    let dir = super::out_dir("verify");
    let spec = dir.join("spec.yaml");
    super::views_spec(&spec, "", "name: V, slug: v", "language: en, period: 2026-10");
    let out = super::build(spec.to_str().unwrap(), "verify-out", "pdf,json");
    let pdf = out.join("reports/v/2026-10.pdf");
    let json = out.join("reports/v/2026-10.json");
    let verify = |report: &std::path::Path| kpipress(&["verify", report.to_str().unwrap(), spec.to_str().unwrap()]);
    let same = verify(&pdf);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert!(String::from_utf8_lossy(&same.stdout).contains("same report: blake3:"));
    assert_eq!(verify(&json).status.code(), Some(0));
    let posts = dir.join("posts.csv");
    let text = std::fs::read_to_string(&posts).unwrap();
    std::fs::write(&posts, text.replace("2000", "2001")).unwrap();
    let changed = verify(&pdf);
    assert_eq!(changed.status.code(), Some(1), "{}", stderr(&changed));
    assert!(
        stderr(&changed).contains("data `posts.csv` changed"),
        "{}",
        stderr(&changed)
    );
    let card = read_json(&json);
    assert!(
        card["inputs"]["digest"].as_str().unwrap().starts_with("blake3:"),
        "{card}"
    );
    let appendix = super::pdf::text_of(&pdf);
    assert!(appendix.contains("Report fingerprint: blake3:"), "{appendix}");
}
