//! Spec loading on arbitrary bytes: the file is a spec in a folder with one data file,
//! read through `extends` guards, the YAML layer, merging and validation. Nothing may
//! panic; every input is either a spec or a `SpecError`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn folder() -> &'static tempfile::TempDir {
    static FOLDER: OnceLock<tempfile::TempDir> = OnceLock::new();
    FOLDER.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp folder");
        std::fs::write(dir.path().join("data.csv"), "date,views\n2026-10-01,5\n").expect("the data file");
        std::fs::write(dir.path().join("base.yaml"), "version: 1\nclient: { name: Base }\n").expect("a base");
        dir
    })
}

fuzz_target!(|bytes: &[u8]| {
    let path = folder().path().join("spec.yaml");
    std::fs::write(&path, bytes).expect("the spec file");
    let _ = kpipress::spec::load(&path);
});
