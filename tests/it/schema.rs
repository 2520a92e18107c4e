//! `kpipress schema` checked by a real JSON Schema validator: Python's `jsonschema`, the
//! reference implementation. (The Rust validators, jsonschema and boon, turn on features
//! of serde_json and url that polars shares, which would rebuild polars for the tests.)
//! `.ci/run` installs it and sets `KPIPRESS_EXTERNAL_TESTS=required`.

use super::{kpipress, out_dir, root, stderr};

/// Validates every YAML file under the given folders; prints `path<TAB>error` per
/// rejected file. YAML is read as editors read it (YAML 1.2: `2026-10-10` is a string).
const VALIDATE: &str = r#"
import glob, json, sys
import jsonschema, yaml

class Loader(yaml.SafeLoader):
    pass

Loader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
for pattern in sys.argv[2:]:
    for path in sorted(glob.glob(pattern, recursive=True)):
        errors = list(validator.iter_errors(yaml.load(open(path, encoding="utf-8"), Loader=Loader)))
        print(("REJECTED\t" if errors else "ACCEPTED\t") + path + "\t" + (errors[0].message if errors else ""))
"#;

fn python_has_jsonschema() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import jsonschema, yaml"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_schema_accepts_every_spec_and_rejects_an_unknown_key() {
    if !python_has_jsonschema() {
        assert!(
            std::env::var("KPIPRESS_EXTERNAL_TESTS").as_deref() != Ok("required"),
            "no Python jsonschema to check the schema with"
        );
        eprintln!("skipped: no Python `jsonschema` and `yaml` (pip install jsonschema pyyaml)");
        return;
    }
    let output = kpipress(&["schema"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let dir = out_dir("schema");
    let path = dir.join("kpipress.schema.json");
    std::fs::write(&path, &output.stdout).unwrap();
    // What the resolver refuses, the schema refuses too.
    std::fs::write(dir.join("version.yaml"), "version: 2\nclient: { name: V }\n").unwrap();
    std::fs::write(dir.join("slug.yaml"), "client: { name: S, slug: a b }\n").unwrap();
    std::fs::write(dir.join("cyrillic.yaml"), "client: { name: S, slug: кухни-уют_1 }\n").unwrap();
    let written = format!("{}/*.yaml", dir.display());
    let checked = std::process::Command::new("python3")
        .args(["-c", VALIDATE, path.to_str().unwrap()])
        .args([
            "specs/**/*.yaml",
            "tests/fixtures/ok/**/*.yaml",
            "tests/fixtures/err/unknown_key.yaml",
            &written,
        ])
        .current_dir(root())
        .output()
        .unwrap();
    let lines = String::from_utf8_lossy(&checked.stdout);
    assert!(checked.status.success(), "{lines}{}", stderr(&checked));
    let rejected: Vec<&str> = lines.lines().filter(|l| l.starts_with("REJECTED")).collect();
    assert_eq!(
        rejected.len(),
        3,
        "only the unknown key, version and slug are rejected:\n{lines}"
    );
    assert!(
        lines.contains("unknown_key.yaml\tAdditional properties are not allowed ('valeu' was unexpected)"),
        "{lines}"
    );
    assert!(
        lines.contains("REJECTED\t") && lines.contains("version.yaml\t2 is greater than the maximum of 1"),
        "{lines}"
    );
    assert!(lines.contains("REJECTED\t") && lines.contains("slug.yaml\t"), "{lines}");
    assert!(
        lines.contains("ACCEPTED\t") && lines.contains("cyrillic.yaml"),
        "{lines}"
    );
    assert!(
        lines.lines().filter(|l| l.starts_with("ACCEPTED")).count() >= 10,
        "{lines}"
    );
}
