//! The spec language's JSON Schema (`kpipress schema`), generated from the structs that
//! read specs ([`super::raw`]), so it cannot drift from them. Draft 7, which
//! yaml-language-server (VS Code's YAML extension) and most editors read.

use schemars::generate::SchemaSettings;

use super::raw::RawSpec;

/// The file `kpipress init` writes the schema to, at the repository's root.
pub const FILE: &str = "kpipress.schema.json";

/// The schema, as pretty JSON with a final newline.
pub fn json() -> String {
    let schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RawSpec>();
    let mut value = schema.to_value();
    unwrap_descriptions(&mut value);
    let mut text = serde_json::to_string_pretty(&value).expect("a schema serialises");
    text.push('\n');
    text
}

/// Doc comments are wrapped at 90 columns; an editor's hover wraps by itself, so each
/// paragraph of a description becomes one line.
fn unwrap_descriptions(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    serde_json::Value::String(text) if key == "description" => {
                        let paragraphs: Vec<String> = text
                            .split("\n\n")
                            .map(|p| p.split('\n').collect::<Vec<_>>().join(" "))
                            .collect();
                        *text = paragraphs.join("\n\n");
                    }
                    _ => unwrap_descriptions(child),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(unwrap_descriptions),
        _ => {}
    }
}

/// The first line of a spec that tells yaml-language-server where its schema is:
/// `relative` is the schema's path from the spec's folder.
pub fn modeline(relative: &str) -> String {
    format!("# yaml-language-server: $schema={relative}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_describes_keys_and_closes_word_lists() {
        let schema: serde_json::Value = serde_json::from_str(&json()).unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        assert_eq!(schema["additionalProperties"], false);
        let language = &schema["definitions"]["RawReport"]["properties"]["language"];
        assert_eq!(language["enum"], serde_json::json!(["ru", "uk", "en"]), "{language}");
        let extends = &schema["properties"]["extends"]["description"];
        assert!(extends.as_str().unwrap().contains("maps merge deeply"), "{extends}");
    }
}
