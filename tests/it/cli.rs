//! The command line as a CI job uses it: many specs, one failing, the others built.

use super::{kpipress, out_dir, stderr};

#[test]
fn one_failing_client_does_not_stop_the_others() {
    let out = out_dir("keep-going");
    let output = kpipress(&[
        "build",
        "tests/fixtures/err/cycle.yaml",
        "tests/fixtures/ok/numbers/spec.yaml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(out.join("reports/numbers/2026-10.pdf").is_file(), "{}", stderr(&output));
    assert!(stderr(&output).contains("1 of 2 specs failed"));
}

#[test]
fn fail_on_missed_exits_one() {
    let out = out_dir("gate");
    let output = kpipress(&[
        "build",
        "tests/fixtures/ok/numbers/spec.yaml",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "missed",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

#[test]
fn period_flag_overrides_the_spec() {
    let out = out_dir("period");
    let output = kpipress(&[
        "build",
        "tests/fixtures/ok/numbers/spec.yaml",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
        "--period",
        "2026-09",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(out.join("reports/numbers/2026-09.json").is_file());
}

#[test]
fn the_demo_builds() {
    let out = out_dir("demo");
    let output = kpipress(&[
        "build",
        "specs/clients/*.yaml",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "pdf,json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    for client in ["uyut", "zerno", "polka"] {
        assert!(out.join(format!("reports/{client}/2026-10.pdf")).is_file(), "{client}");
    }
}
