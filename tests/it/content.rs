//! The content section's numbers on tests/fixtures/ok/content, worked out by hand in the
//! spec's comments.

use std::sync::OnceLock;

use serde_json::Value;

use super::{build, close, read_json};

fn content() -> &'static Value {
    static CARD: OnceLock<Value> = OnceLock::new();
    &CARD.get_or_init(|| {
        let out = build("tests/fixtures/ok/content/spec.yaml", "content-json", "json");
        read_json(&out.join("reports/content/2026-10.json"))
    })["content"]
}

fn field<'a>(items: &'a Value, key: &str) -> Vec<&'a str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[key].as_str().unwrap())
        .collect()
}

#[test]
fn posts_of_the_period_once_each() {
    let content = content();
    assert_eq!(
        content["posts"], 8,
        "p1..p8; p2's two rows are one post, p0 is September's"
    );
    assert_eq!(content["scored"], 7, "p6 has no views");
    close(&content["average"], 0.43 / 7.0);
    assert!(
        content["unscored"].as_str().unwrap().ends_with(": 1."),
        "{}",
        content["unscored"]
    );
}

#[test]
fn best_and_weakest_posts() {
    let content = content();
    assert_eq!(field(&content["top"], "id"), ["p2", "p1"]);
    assert_eq!(field(&content["bottom"], "id"), ["p4", "p3"], "weakest first");
    let best = &content["top"][0];
    close(&best["score"], 0.12);
    assert_eq!(best["date"], "2026-10-02", "a post is dated by its first row");
    assert_eq!(
        best["display"]["metrics"],
        serde_json::json!(["380", "50", "50", "4,000"])
    );
    assert_eq!(best["display"]["score"], "12.0%");
    assert_eq!(
        field(&content["metrics"], "label"),
        ["Likes", "Comments", "Shares", "Views"]
    );
}

#[test]
fn long_captions_are_cut_at_a_word() {
    let title = content()["bottom"][0]["title"].as_str().unwrap();
    assert_eq!(
        title,
        "Kitchen makeover in a tiny flat: we measured, drew, argued about handles, Kitchen…"
    );
}

#[test]
fn groups_by_mean_score_against_the_average_post() {
    let groups = &content()["groups"];
    assert_eq!(field(groups, "name"), ["reel", "carousel", "story", "live", "video"]);
    assert_eq!(
        field(groups, "verdict"),
        ["response", "response", "average", "ignored", "ignored"]
    );
    close(&groups[0]["score"], 0.11);
    close(&groups[0]["index"], 0.11 / (0.43 / 7.0));
    assert_eq!(groups[0]["posts"], 2);
    assert_eq!(groups[4]["posts"], 1, "p6 has no score");
    assert_eq!(groups[0]["display"]["index"], "×1.79");
}
