//! The content section: the period's best and weakest posts and the response per group,
//! with every figure written the report's way.

use serde::Serialize;

use super::format;
use super::words::Words;
use crate::metrics::content::{ContentRanking, Group, Post};
use crate::spec::{Language, ValueFormat};

/// Titles longer than this are cut at a word, with an ellipsis: captions run to
/// paragraphs of hashtags.
const TITLE_CHARS: usize = 90;
/// A group whose mean score is this far above or below the average post's is called out.
const RESPONSE: f64 = 1.2;
const IGNORED: f64 = 0.8;

#[derive(Debug, Clone, Serialize)]
pub struct ContentModel {
    pub rank_by: String,
    pub format: ValueFormat,
    pub posts: usize,
    pub scored: usize,
    pub average: Option<f64>,
    /// The columns the score reads, as the table heads them.
    pub metrics: Vec<MetricLabel>,
    pub top: Vec<PostModel>,
    pub bottom: Vec<PostModel>,
    /// Left empty when every post falls in one group: there is nothing to compare.
    pub groups: Vec<GroupModel>,
    /// The section's heading and opening sentences, in the report's language.
    pub groups_title: String,
    pub intro: String,
    pub unscored: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricLabel {
    pub column: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PostModel {
    pub id: Option<String>,
    /// The title or caption on one line, cut to a readable length.
    pub title: String,
    pub date: Option<String>,
    pub score: f64,
    pub display: PostDisplay,
}

#[derive(Debug, Clone, Serialize)]
pub struct PostDisplay {
    pub date: String,
    pub score: String,
    pub metrics: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupModel {
    pub name: String,
    pub posts: usize,
    pub score: f64,
    /// The group's mean score over the average post's.
    pub index: Option<f64>,
    /// response | average | ignored
    pub verdict: &'static str,
    /// The score as a share of the best group's, for the bar.
    pub bar: f64,
    pub display: GroupDisplay,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupDisplay {
    pub score: String,
    pub index: String,
    pub verdict: String,
}

pub fn content(ranking: &ContentRanking, language: Language, currency: &str, words: &Words) -> ContentModel {
    let score = |v: f64| format::value(v, ranking.format, language, currency);
    let post = |p: &Post| post_model(p, &score, language);
    let column = |c: &str| words.columns.get(c).cloned().unwrap_or_else(|| c.to_owned());
    let group_name = ranking.group_by.as_deref().map(column).unwrap_or_default();
    ContentModel {
        rank_by: ranking.rank_by.clone(),
        format: ranking.format,
        posts: ranking.posts,
        scored: ranking.scored,
        average: ranking.average,
        metrics: ranking
            .metrics
            .iter()
            .map(|c| MetricLabel {
                column: c.clone(),
                label: column(c),
            })
            .collect(),
        top: ranking.top.iter().map(post).collect(),
        bottom: ranking.bottom.iter().map(post).collect(),
        groups: groups(ranking, &score, language, words),
        groups_title: words.label("content_groups").replace("{group}", &group_name),
        intro: words
            .label("content_intro")
            .replace("{posts}", &format::number(ranking.posts as f64, 0, language))
            .replace("{formula}", &readable(&ranking.rank_by, &column))
            .replace("{average}", &ranking.average.map_or_else(|| "—".to_owned(), score)),
        unscored: (ranking.scored < ranking.posts).then(|| {
            words
                .label("content_unscored")
                .replace("{count}", &(ranking.posts - ranking.scored).to_string())
        }),
    }
}

fn post_model(post: &Post, score: &impl Fn(f64) -> String, language: Language) -> PostModel {
    let title = post
        .title
        .as_deref()
        .or(post.id.as_deref())
        .map_or_else(|| "—".to_owned(), |t| cut(t, TITLE_CHARS));
    PostModel {
        id: post.id.clone(),
        title,
        date: post.date.map(|d| d.to_string()),
        score: post.score,
        display: PostDisplay {
            date: post.date.map(|d| format::date(d, language)).unwrap_or_default(),
            score: score(post.score),
            metrics: post
                .metrics
                .iter()
                .map(|v| {
                    v.map_or_else(
                        || "—".to_owned(),
                        |v| format::value(v, ValueFormat::Number, language, ""),
                    )
                })
                .collect(),
        },
    }
}

fn groups(
    ranking: &ContentRanking,
    score: &impl Fn(f64) -> String,
    language: Language,
    words: &Words,
) -> Vec<GroupModel> {
    if ranking.groups.len() < 2 {
        return Vec::new();
    }
    let best = ranking.groups.iter().map(|g| g.score).fold(f64::MIN, f64::max);
    ranking
        .groups
        .iter()
        .map(|group| group_model(group, ranking.average, best, score, language, words))
        .collect()
}

fn group_model(
    group: &Group,
    average: Option<f64>,
    best: f64,
    score: &impl Fn(f64) -> String,
    language: Language,
    words: &Words,
) -> GroupModel {
    let index = average.filter(|a| *a > 0.0).map(|a| group.score / a);
    let verdict = match index {
        Some(i) if i >= RESPONSE => "response",
        Some(i) if i <= IGNORED => "ignored",
        _ => "average",
    };
    GroupModel {
        name: group.name.clone().unwrap_or_else(|| "—".to_owned()),
        posts: group.posts,
        score: group.score,
        index,
        verdict,
        bar: if best > 0.0 { (group.score / best).max(0.0) } else { 0.0 },
        display: GroupDisplay {
            score: score(group.score),
            index: index.map_or_else(|| "—".to_owned(), |i| format!("×{}", format::number(i, 2, language))),
            verdict: words.verdicts.get(verdict).cloned().unwrap_or_default(),
        },
    }
}

/// The formula with its column names as the report heads them:
/// `(Лайки + Комментарии) / Просмотры`.
fn readable(formula: &str, label: &impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut word = String::new();
    for c in formula.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            let is_name = !word.starts_with(|c: char| c.is_ascii_digit());
            out.push_str(&if is_name { label(&word) } else { word.clone() });
            word.clear();
        }
        out.push(c);
    }
    out.pop();
    out
}

/// `text` on one line, cut at a word to at most `limit` characters with an ellipsis.
fn cut(text: &str, limit: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= limit {
        return line;
    }
    let head: String = line.chars().take(limit - 1).collect();
    let ends_at_word = line[head.len()..].starts_with(' ');
    let head = match head.rfind(' ') {
        Some(space) if !ends_at_word && space > head.len() / 2 => &head[..space],
        _ => head.as_str(),
    };
    format!("{}…", head.trim_end_matches([' ', ',', '.', ';', ':', '-', '—']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_read_in_the_report_language() {
        let label = |c: &str| {
            if c == "likes" {
                "Лайки".to_owned()
            } else {
                c.to_owned()
            }
        };
        assert_eq!(readable("(likes + x_2) / 100", &label), "(Лайки + x_2) / 100");
    }

    #[test]
    fn short_titles_stay_and_lines_join() {
        assert_eq!(
            cut("До и после:\n кухня  в хрущёвке", 90),
            "До и после: кухня в хрущёвке"
        );
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let caption = "Кухня мечты за 30 дней, ".repeat(20);
        let title = cut(&caption, 90);
        assert!(title.chars().count() <= 90, "{title}");
        assert!(title.ends_with("мечты за 30…"), "{title}");
    }

    #[test]
    fn a_word_over_the_limit_is_dropped_whole() {
        assert_eq!(cut("aaaa bbbb cccc", 12), "aaaa bbbb…");
    }

    #[test]
    fn one_long_word_is_cut_inside_it() {
        let title = cut(&"#".repeat(300), 90);
        assert_eq!(title.chars().count(), 90);
        assert!(title.ends_with('…'));
    }
}
