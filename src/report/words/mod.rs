//! The report's built-in words in ru, uk and en, shipped as YAML inside the binary, and
//! the text made from them: numbers and dates ([`format`]), the KPIs' statements, and the
//! build's warnings.

pub mod format;
pub(super) mod statements;
pub(super) mod warnings;

use std::collections::HashMap;
use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::spec::Language;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Words {
    pub months: Vec<String>,
    pub week: String,
    pub quarter: String,
    pub target_kinds: IndexMap<String, String>,
    /// Where a value falls in its benchmark band.
    pub positions: IndexMap<String, String>,
    /// "Weekly" and the like, for the note on converted benchmarks.
    pub pers: IndexMap<String, String>,
    /// SMART sentences per kind of target, with `{placeholders}`.
    pub statements: IndexMap<String, String>,
    /// The summary's sentences, with `{placeholders}`.
    pub findings: IndexMap<String, String>,
    /// What the content breakdown calls a group: draws a response, average, ignored.
    pub verdicts: IndexMap<String, String>,
    /// The canonical names of export columns, as the report heads them.
    pub columns: IndexMap<String, String>,
    /// Every other word, by key, for templates.
    #[serde(flatten)]
    pub labels: IndexMap<String, String>,
}

impl Words {
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels.get(key).map_or(key, String::as_str)
    }
}

/// The words of `language`.
pub fn words(language: Language) -> &'static Words {
    static WORDS: OnceLock<HashMap<String, Words>> = OnceLock::new();
    let all = WORDS.get_or_init(|| crate::spec::yaml::builtin(include_str!("words.yaml"), "words"));
    &all[language.name()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_word() {
        let english = words(Language::En);
        for language in [Language::Ru, Language::Uk] {
            let other = words(language);
            let missing: Vec<_> = english
                .labels
                .keys()
                .filter(|k| !other.labels.contains_key(*k))
                .collect();
            assert!(missing.is_empty(), "{language:?} lacks {missing:?}");
            assert_eq!(other.months.len(), 12);
            for (theirs, ours) in [
                (&other.target_kinds, &english.target_kinds),
                (&other.positions, &english.positions),
                (&other.pers, &english.pers),
                (&other.statements, &english.statements),
                (&other.findings, &english.findings),
                (&other.verdicts, &english.verdicts),
                (&other.columns, &english.columns),
            ] {
                assert!(ours.keys().eq(theirs.keys()), "{language:?}: {:?}", theirs.keys());
            }
        }
    }
}
