//! How a preset names a column: its headers per interface language, and how an export's
//! header is compared with them (case, soft hyphens, quotes and spaces aside; `*` for any
//! text such as a currency code; a bare `*` for the one column no other header names).

use indexmap::IndexMap;
use serde::Deserialize;

/// The headers one column has, per language.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct Headers(IndexMap<String, OneOrMany>);

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl Headers {
    /// Every (language, header pattern) pair, in the order the preset lists them.
    pub fn patterns(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().flat_map(|(language, headers)| {
            let list: Vec<&str> = match headers {
                OneOrMany::One(h) => vec![h.as_str()],
                OneOrMany::Many(hs) => hs.iter().map(String::as_str).collect(),
            };
            list.into_iter().map(move |h| (language.as_str(), h))
        })
    }

    /// The language of the first pattern `header` matches; a catch-all names no
    /// language, and says nothing of what a header is.
    pub fn language_of(&self, header: &str) -> Option<&str> {
        self.patterns()
            .find(|(_, p)| !is_catch_all(p) && header_matches(p, header))
            .map(|(l, _)| l)
    }

    /// The first of `found` that a pattern matches; a catch-all takes a header the
    /// `others` do not.
    pub fn find<'a>(&self, found: &'a [String], others: &[&Headers]) -> Option<&'a String> {
        self.patterns().find_map(|(_, pattern)| {
            found.iter().find(|h| match is_catch_all(pattern) {
                true => others.iter().all(|o| o.language_of(h).is_none()),
                false => header_matches(pattern, h),
            })
        })
    }

    /// The patterns as a person reads them: "`Date` or `Дата`".
    pub fn describe(&self) -> String {
        self.patterns()
            .map(|(_, p)| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

/// Whether an export's `header` is what `pattern` describes: the same text once both
/// are [`normalise`]d, where `*` in the pattern stands for any text (a currency code, a
/// goal's name).
pub fn header_matches(pattern: &str, header: &str) -> bool {
    let pattern = normalise(pattern);
    let header = normalise(header);
    match pattern.split_once('*') {
        None => pattern == header,
        Some((head, tail)) => {
            header.len() >= head.len() + tail.len() && header.starts_with(head) && header.ends_with(tail)
        }
    }
}

/// A header or a marker cell as exports write it in any interface language, made
/// comparable: lower case; soft hyphens (U+00AD, which YouTube's German downloads put
/// inside words: `Auf­ru­fe`, `Ge­samt`), byte-order marks and zero-width characters
/// dropped; quotes around it dropped; any run of spaces (non-breaking ones too, and a
/// trailing one: TikTok's `Phone number clicks `) one space.
pub fn normalise(text: &str) -> String {
    let kept = normalise_display(text);
    let unquoted = kept.trim_matches(|c| matches!(c, '"' | '\'' | '«' | '»' | '“' | '”'));
    unquoted.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// `text` without the invisible characters [`normalise`] drops, for showing a cell.
pub fn normalise_display(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{ad}' | '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'
            )
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Whether `pattern` is the bare `*`: the one column of a file that no other header of
/// the preset names (Meta's daily files name their value column after the metric).
pub fn is_catch_all(pattern: &str) -> bool {
    pattern.trim() == "*"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_stand_for_currency_codes() {
        assert!(header_matches("Amount spent (*)", "Amount spent (USD)"));
        assert!(header_matches("Amount spent (*)", "amount  spent (RUB)"));
        assert!(!header_matches("Amount spent (*)", "Amount spent"));
        assert!(header_matches("Расход, *", "Расход, руб."));
        assert!(!header_matches("Clicks", "Link clicks"));
    }
}
