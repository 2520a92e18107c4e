//! What a client reads beyond the scorecard (issue 28): the same period last year, the
//! KPI by platform, and the account manager's notes and comment, with the numbers worked
//! out by hand in `tests/fixtures/ok/reader/spec.yaml`.

use super::{build, close, kpi, read_json};

/// The fixture built into a folder of its own per test, as the tests run at once.
fn october(name: &str) -> serde_json::Value {
    read_json(&built(name).join("reports/reader/2026-10.json"))
}

fn built(name: &str) -> std::path::PathBuf {
    build(
        "tests/fixtures/ok/reader/spec.yaml",
        &format!("reader-{name}"),
        "json,pdf",
    )
}

#[test]
fn a_kpi_is_read_against_the_same_period_last_year() {
    let card = october("year");
    let views = kpi(&card, "views");
    close(&views["value"], 6000.0);
    close(&views["year_ago"], 1500.0);
    close(&views["change_year"], 3.0);
    let september = views["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["period"] == "2026-09")
        .unwrap();
    close(&september["value"], 3000.0);
    assert!(september["year_ago"].is_null(), "{september}");
    let er = kpi(&card, "er");
    close(&er["value"], 220.0 / 6000.0);
    close(&er["year_ago"], 0.04);
    close(&er["change_year"], (220.0 / 6000.0) / 0.04 - 1.0);
    let biggest = &card["summary"]["changes_year"][0];
    assert_eq!(biggest["id"], "views", "{card}");
}

#[test]
fn a_breakdown_shares_what_adds_up_and_not_a_ratio() {
    let card = october("breakdown");
    let parts = kpi(&card, "views")["breakdown"].as_array().unwrap().clone();
    let names: Vec<&str> = parts.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["tiktok", "vk", "youtube"], "largest first");
    close(&parts[0]["value"], 3000.0);
    close(&parts[0]["share"], 3000.0 / 5500.0);
    close(&parts[1]["share"], 1500.0 / 5500.0);
    close(&parts[0]["previous"], 2000.0);
    close(&parts[0]["change"], 0.5);
    assert!(
        parts[2]["previous"].is_null() && parts[2]["change"].is_null(),
        "{parts:?}"
    );
    let ratio = kpi(&card, "er")["breakdown"].as_array().unwrap().clone();
    close(&ratio[0]["value"], 0.05);
    close(&ratio[2]["value"], 0.02);
    assert!(ratio.iter().all(|p| p["share"].is_null()), "{ratio:?}");
}

#[test]
fn notes_mark_the_charts_and_the_comment_heads_the_summary() {
    let card = october("notes");
    let notes = card["notes"].as_array().unwrap();
    assert_eq!(
        notes.len(),
        1,
        "the note of 2024 is outside the months shown: {notes:?}"
    );
    assert_eq!(notes[0]["date"], "2026-10-12");
    assert_eq!(notes[0]["text"], "Autumn campaign launched");
    assert_eq!(card["comment"], "October: budget moved to TikTok, <b>not</b> markup.");
    let marks = kpi(&card, "views")["notes"].as_array().unwrap().clone();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0]["index"], 11, "October is the last of twelve months shown");
    let text = super::pdf::text_of(&built("notes-pdf").join("reports/reader/2026-10.pdf"));
    assert!(
        text.contains("October: budget moved to TikTok, <b>not</b> markup."),
        "{text}"
    );
    assert!(text.contains("Autumn campaign launched"), "{text}");
    assert!(text.contains("Year ago"), "{text}");
}

#[test]
fn competitors_are_computed_over_the_same_period_and_can_set_a_target() {
    let card = october("competitors");
    let listed: Vec<&str> = card["competitors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["Rival Coffee", "Quiet Tea"]);
    let views = kpi(&card, "views");
    let rivals = views["competitors"].as_array().unwrap();
    assert_eq!(rivals[0]["id"], "rival");
    close(&rivals[0]["value"], 8000.0);
    assert!(rivals[1]["value"].is_null(), "Quiet has no October: {rivals:?}");
    assert_eq!(views["position"], serde_json::json!({ "rank": 2, "of": 2 }));
    let er = kpi(&card, "er");
    close(&er["target"]["value"], 0.025);
    assert_eq!(er["target"]["kind"], "competitors");
    assert_eq!(er["status"], "achieved");
    assert_eq!(er["position"], serde_json::json!({ "rank": 1, "of": 2 }));
    let check = super::kpipress(&["check", "tests/fixtures/ok/reader/spec.yaml"]);
    let text = super::stderr(&check);
    assert!(
        text.contains("`likes`'s target 1,000 is more than twice what the best competitor reaches (200, Rival Coffee)"),
        "{text}"
    );
    let pdf = super::pdf::text_of(&built("competitors-pdf").join("reports/reader/2026-10.pdf"));
    assert!(pdf.contains("Competitors") && pdf.contains("Rival Coffee"), "{pdf}");
}

/// A competitor's export gives fewer columns than the client's own: the KPIs it can give
/// are computed, the others have no value for it, and the report is built.
#[test]
fn a_competitor_without_a_column_lacks_only_that_kpi() {
    let dir = super::out_dir("rival-columns");
    std::fs::write(
        dir.join("posts.csv"),
        "date,views,saves\n2026-10-01,100,5\n2026-10-31,100,5\n",
    )
    .unwrap();
    std::fs::write(dir.join("rival.csv"), "date,views\n2026-10-02,300\n").unwrap();
    std::fs::write(
        dir.join("spec.yaml"),
        "version: 1\nclient: { name: C, slug: c }\nreport: { language: en, period: 2026-10 }\n\
         sources:\n  posts: { path: posts.csv }\n\
         kpis:\n  views: { source: posts, value: \"SUM(views)\" }\n  saves: { source: posts, value: \"SUM(saves)\" }\n\
         competitors:\n  rival: { name: Rival, sources: { posts: { path: rival.csv } } }\n",
    )
    .unwrap();
    let out = build(dir.join("spec.yaml").to_str().unwrap(), "rival-columns-out", "json");
    let card = read_json(&out.join("reports/c/2026-10.json"));
    close(&kpi(&card, "views")["competitors"][0]["value"], 300.0);
    assert!(
        kpi(&card, "saves")["competitors"].as_array().unwrap().is_empty(),
        "{card}"
    );
}
