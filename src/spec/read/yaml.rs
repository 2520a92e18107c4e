//! The one place that parses YAML. serde_yaml reads the values; yaml-rust2's event
//! parser records where every key path sits, so errors found after parsing (an unknown
//! source, a bad SQL expression) can still point at a line and column. serde_yaml is
//! deprecated upstream: nothing else names it, so it can be swapped here alone.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A YAML error with the byte offset it happened at, or for a merged value, the key
/// path (`client.name`) it happened at.
#[derive(Debug)]
pub struct YamlError {
    pub message: String,
    pub offset: Option<usize>,
    pub path: Option<String>,
}

/// A spec's value before it is typed: what `extends` merges.
pub use serde_yaml::{Mapping, Value};

/// Deserializes a YAML file built into kpipress (presets, words, benchmarks), which is
/// valid by test.
pub fn builtin<T: DeserializeOwned>(text: &'static str, what: &str) -> T {
    serde_yaml::from_str(text).unwrap_or_else(|e| panic!("the built-in {what} are invalid YAML: {e}"))
}

/// Deserializes `text`; errors keep their position but lose serde_yaml's own
/// " at line X column Y" suffix, which the snippet shows better.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(yaml_error)
}

/// Deserializes an already parsed (merged) value; an error names the key path it is at,
/// since a merged value has no lines.
pub fn from_value<T: DeserializeOwned>(value: serde_yaml::Value) -> Result<T, YamlError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        YamlError {
            path: (path != ".").then_some(path),
            ..yaml_error(e.into_inner())
        }
    })
}

fn yaml_error(error: serde_yaml::Error) -> YamlError {
    let offset = error.location().map(|l| l.index());
    let mut message = error.to_string();
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    YamlError {
        message: plain_types(&message),
        offset,
        path: None,
    }
}

/// serde names the Rust types it expected (`expected struct RawClient`); a spec's
/// author knows YAML's.
fn plain_types(message: &str) -> String {
    const TYPES: [(&str, &str); 4] = [
        (
            "untagged enum RawText",
            "a text, or a text per language (`{ en: …, ru: … }`)",
        ),
        ("untagged enum RawDate", "a column name, or `{ column: …, format: … }`"),
        ("untagged enum RawSheet", "a sheet's number or name"),
        ("untagged enum RawRange", "a number, or a pair `[low, high]`"),
    ];
    let mut message = message.to_owned();
    for (rust, yaml) in TYPES {
        message = message.replace(rust, yaml);
    }
    while let Some(at) = message.find("struct Raw") {
        let name = at + "struct ".len();
        let end = message[name..]
            .find(|c: char| !c.is_alphanumeric())
            .map_or(message.len(), |e| name + e);
        message.replace_range(at..end, "a mapping of keys");
    }
    message
}

/// Where a key path (`kpis.cost_per_lead.value`, `seasonality[0].name`) sits in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Byte offset of the key.
    pub key: usize,
    /// Byte offset of the value.
    pub value: usize,
}

/// Key path -> position, for one YAML file.
#[derive(Debug, Default, Clone)]
pub struct PositionIndex {
    positions: HashMap<String, Position>,
    /// The first key written a second time in its mapping: its second place.
    duplicate: Option<usize>,
}

impl PositionIndex {
    /// Indexes `text`; a file serde_yaml accepted always indexes, a broken one gives an
    /// empty index (its syntax error is reported by [`from_str`]).
    pub fn build(text: &str) -> Self {
        let mut recorder = Recorder {
            text,
            line_starts: line_starts(text),
            stack: Vec::new(),
            index: Self::default(),
        };
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut recorder, false).is_err() {
            return Self::default();
        }
        recorder.index
    }

    pub fn get(&self, path: &str) -> Option<Position> {
        self.positions.get(path).copied()
    }

    /// Where the first key written twice in one mapping is written the second time.
    pub fn duplicate(&self) -> Option<usize> {
        self.duplicate
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, index: usize },
}

struct Recorder<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    stack: Vec<Frame>,
    index: PositionIndex,
}

impl Recorder<'_> {
    fn offset(&self, mark: Marker) -> usize {
        let start = self
            .line_starts
            .get(mark.line().saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let line = &self.text[start..];
        start + line.char_indices().nth(mark.col()).map_or(line.len(), |(i, _)| i)
    }

    /// The path of the value that the next event starts, if it is a value.
    fn value_path(&self) -> Option<String> {
        match self.stack.last()? {
            Frame::Map { path, key: Some(key) } => Some(join(path, key)),
            Frame::Map { key: None, .. } => None,
            Frame::Seq { path, index } => Some(format!("{path}[{index}]")),
        }
    }

    fn record_value(&mut self, offset: usize) -> Option<String> {
        let path = self.value_path()?;
        let key = self.index.positions.get(&path).map_or(offset, |p| p.key);
        self.index
            .positions
            .insert(path.clone(), Position { key, value: offset });
        Some(path)
    }

    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Map { key, .. }) => *key = None,
            Some(Frame::Seq { index, .. }) => *index += 1,
            None => {}
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl MarkedEventReceiver for Recorder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let offset = self.offset(mark);
        match event {
            Event::Scalar(text, ..) => {
                if let Some(Frame::Map { path, key: key @ None }) = self.stack.last_mut() {
                    let full = join(path, &text);
                    *key = Some(text);
                    if self.index.positions.contains_key(&full) {
                        self.index.duplicate.get_or_insert(offset);
                        return;
                    }
                    self.index.positions.insert(
                        full,
                        Position {
                            key: offset,
                            value: offset,
                        },
                    );
                } else {
                    self.record_value(offset);
                    self.value_done();
                }
            }
            Event::Alias(_) => {
                self.record_value(offset);
                self.value_done();
            }
            Event::MappingStart(..) => {
                let path = self.record_value(offset).unwrap_or_default();
                self.stack.push(Frame::Map { path, key: None });
            }
            Event::SequenceStart(..) => {
                let path = self.record_value(offset).unwrap_or_default();
                self.stack.push(Frame::Seq { path, index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_done();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "client:\n  name: Уют\nkpis:\n  er:\n    value: \"SUM(likes)\"\nseasonality:\n  - name: BF\n    months: [6, 7]\n";

    fn text_at(offset: usize) -> &'static str {
        &SPEC[offset..]
    }

    #[test]
    fn nested_keys_point_at_their_lines() {
        let index = PositionIndex::build(SPEC);
        let value = index.get("kpis.er.value").unwrap();
        assert!(text_at(value.key).starts_with("value:"));
        assert!(text_at(value.value).starts_with("\"SUM(likes)\""));
    }

    #[test]
    fn offsets_count_bytes_after_cyrillic() {
        let index = PositionIndex::build(SPEC);
        assert!(text_at(index.get("kpis").unwrap().key).starts_with("kpis:"));
        assert!(text_at(index.get("client.name").unwrap().value).starts_with("Уют"));
    }

    #[test]
    fn sequence_items_are_indexed() {
        let index = PositionIndex::build(SPEC);
        assert!(text_at(index.get("seasonality[0].name").unwrap().value).starts_with("BF"));
        assert!(text_at(index.get("seasonality[0].months[1]").unwrap().value).starts_with('7'));
    }

    #[test]
    fn errors_drop_the_location_suffix() {
        let error = from_str::<Vec<u32>>("[1, x]").unwrap_err();
        assert!(!error.message.contains(" at line "), "{}", error.message);
        assert_eq!(error.offset, Some(4));
    }
}
