//! The export reader on arbitrary bytes: the first byte picks one of the preset fixtures
//! in `tests/fixtures/presets` (or a plain CSV), the rest replaces its data file, and the
//! spec's sources are loaded: decoding, `sep=` hints, header search, totals rows, ragged
//! rows, typed cells, dates with and without a year, the polars checks.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;

/// A copy of one fixture folder, its spec loaded and planned once, and the data file it
/// reads.
struct Case {
    _dir: tempfile::TempDir,
    spec: kpipress::spec::Spec,
    plan: kpipress::plan::Plan,
    data: PathBuf,
}

const PLAIN: &str = "version: 1
client: { name: Plain }
report: { period: 2026-10 }
sources:
  data: { path: data.csv, csv: { decimal_comma: true, separator: ';' } }
kpis:
  views: { source: data, value: SUM(views) }
  rate: { source: data, value: AVG(likes / views) }
";

thread_local! {
    static CASES: Vec<Case> = cases();
}

fn cases() -> Vec<Case> {
    let presets = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/presets");
    let mut cases = vec![case(PLAIN.to_owned(), "data.csv")];
    let mut names: Vec<_> = std::fs::read_dir(presets).expect("the preset fixtures").flatten().collect();
    names.sort_by_key(|e| e.file_name());
    for entry in names {
        let spec = std::fs::read_to_string(entry.path().join("spec.yaml")).expect("a fixture spec");
        let data = std::fs::read_dir(entry.path())
            .expect("the fixture folder")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|n| n.ends_with(".csv"));
        if let Some(data) = data {
            cases.push(case(spec, &data));
        }
    }
    cases
}

fn case(spec_text: String, data: &str) -> Case {
    let dir = tempfile::tempdir().expect("a temp folder");
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, spec_text).expect("the spec");
    let data = dir.path().join(data);
    // The spec's glob must match when it loads; the fuzzer's bytes replace this file.
    std::fs::write(&data, "").expect("the data file");
    let spec = kpipress::spec::load(&path).expect("the fixture spec loads");
    let plan = kpipress::plan::plan(&spec).expect("the fixture spec plans");
    Case {
        _dir: dir,
        spec,
        plan,
        data,
    }
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&pick, data)) = bytes.split_first() else {
        return;
    };
    CASES.with(|cases| {
        let case = &cases[usize::from(pick) % cases.len()];
        std::fs::write(&case.data, data).expect("the data file");
        if let Ok(sources) = kpipress::source::load(&case.spec, &case.plan, case.spec.report.period) {
            for source in sources.sources.values() {
                let _ = source.frame.clone().collect();
            }
        }
    });
});
