//! Integration tests: the real binary on fixture specs. One test binary, because every
//! extra one costs a slow link with polars and typst.

mod cli;
mod cluster;
mod content;
mod database;
mod digests;
mod errors;
mod goals;
mod hostile;
mod numbers;
mod pdf;
mod presets;
mod reader;
mod schema;
mod scorecards;
mod untrusted;
mod watch;
mod workflows;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root; tests run the binary from here so paths in messages are stable.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `kpipress ARGS` from the repository root with a fixed environment.
pub fn kpipress(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpipress"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the kpipress binary runs")
}

/// `kpipress ARGS` as a golden file holds it: the exit code, stdout and stderr, with the
/// tests' temporary folder written `[TEMP]` so the text is the same on every machine.
pub fn transcript(args: &[&str]) -> String {
    let output = kpipress(args);
    let temp = env!("CARGO_TARGET_TMPDIR");
    format!(
        "exit code: {}\n----- stdout -----\n{}----- stderr -----\n{}",
        output
            .status
            .code()
            .map_or_else(|| "none".to_owned(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout).replace(temp, "[TEMP]"),
        stderr(&output).replace(temp, "[TEMP]"),
    )
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh output folder under the target dir.
pub fn out_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `kpipress build ARGS --out OUT --format FORMATS`, whatever its exit code; `args` are
/// the specs and any other flags.
pub fn build_output(args: &[&str], out: &Path, formats: &str) -> Output {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    all.extend(["--out", out.to_str().unwrap(), "--format", formats]);
    kpipress(&all)
}

/// Builds `spec` into a fresh folder with `--format FORMATS`; panics with stderr when it fails.
pub fn build(spec: &str, name: &str, formats: &str) -> PathBuf {
    let out = out_dir(name);
    let output = kpipress(&["build", spec, "--out", out.to_str().unwrap(), "--format", formats]);
    assert!(output.status.success(), "build failed:\n{}", stderr(&output));
    out
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

/// The KPI `id` of a JSON scorecard.
pub fn kpi<'a>(card: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    card["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap_or_else(|| panic!("no KPI {id}"))
}

/// Writes at `path` a spec that sums the `numbers` fixture's views: `top` goes right after
/// `version: 1` (an `extends:` line), `client` and `report` are those sections' keys.
pub fn views_spec(path: &Path, top: &str, client: &str, report: &str) {
    let posts = posts_in(path.parent().unwrap());
    let spec = format!(
        "version: 1\n{top}client: {{ {client} }}\nreport: {{ {report} }}\n\
         sources:\n  posts: {{ path: {} }}\nkpis:\n  views: {{ source: posts, value: \"SUM(views)\" }}\n",
        posts.display()
    );
    std::fs::write(path, spec).unwrap();
}

/// The `numbers` fixture's posts, copied into `dir` (a spec may read only its own
/// repository's files, and the tests' folders are outside this one): its path there.
pub fn posts_in(dir: &Path) -> PathBuf {
    let posts = dir.join("posts.csv");
    std::fs::copy(root().join("tests/fixtures/ok/numbers/posts.csv"), &posts).unwrap();
    posts
}

/// `value` is a number within 1e-6 of `expected`.
pub fn close(value: &serde_json::Value, expected: f64) {
    let actual = value.as_f64().unwrap_or_else(|| panic!("{value} is not a number"));
    assert!((actual - expected).abs() < 1e-6, "{actual} != {expected}");
}
