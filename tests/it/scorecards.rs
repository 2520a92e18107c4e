//! The JSON scorecard of every `tests/fixtures/ok/*/spec.yaml`, as a golden file: a new
//! fixture is a new snapshot, and any change to a number, a word or the model's shape
//! shows in review.

use super::{build_output, out_dir, stderr};

#[test]
fn every_ok_fixture_has_its_scorecard_snapshotted() {
    let fixtures = super::root().join("tests/fixtures/ok");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("spec.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 8, "{names:?}");
    for name in names {
        let out = out_dir(&format!("scorecard-{name}"));
        let spec = format!("tests/fixtures/ok/{name}/spec.yaml");
        let output = build_output(&[&spec], &out, "json");
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        let json = only_file(&out, "json");
        // Digests change with every template and version: the snapshot keeps their place.
        let text = super::pdf::without_digests(&std::fs::read_to_string(json).unwrap());
        insta::assert_snapshot!(format!("scorecard_{name}"), text);
    }
}

/// The JSON is the same file whether or not a PDF is built beside it.
#[test]
fn the_scorecard_is_the_same_with_and_without_the_pdf() {
    let spec = "tests/fixtures/ok/numbers/spec.yaml";
    let alone = out_dir("scorecard-alone");
    let beside = out_dir("scorecard-beside");
    assert!(build_output(&[spec], &alone, "json").status.success());
    assert!(build_output(&[spec], &beside, "pdf,json").status.success());
    let read = |dir| std::fs::read(only_file(dir, "json")).unwrap();
    assert_eq!(read(&alone), read(&beside));
}

/// The typst a report compiles from, for the fixture that chooses its own sections: each
/// partial marked with the template file it came from, in the spec's order.
#[test]
fn the_generated_typst_is_snapshotted() {
    let out = out_dir("typst-sections");
    let output = build_output(&["tests/fixtures/ok/sections/spec.yaml"], &out, "typ");
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!(std::fs::read_to_string(only_file(&out, "typ")).unwrap());
}

/// The one file with `extension` under `dir`, leaving out the build records in `.kpipress/`.
fn only_file(dir: &std::path::Path, extension: &str) -> std::path::PathBuf {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap().flatten() {
            let path = entry.path();
            let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if path.is_dir() && !hidden {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                found.push(path);
            }
        }
    }
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}
