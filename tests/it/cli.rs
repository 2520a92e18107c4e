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

/// `init` makes a repository that builds as it is; `--template` copies the template, and a
/// changed partial is what the next build prints.
#[test]
fn init_builds_out_of_the_box_and_its_template_can_be_changed() {
    let dir = out_dir("init");
    let repo = dir.join("agency");
    let output = kpipress(&["init", repo.to_str().unwrap(), "--template"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let cover = repo.join("templates/audit/cover.typ.j2");
    let partial = std::fs::read_to_string(&cover).unwrap();
    std::fs::write(
        &cover,
        format!("{partial}#align(center, text(size: 20pt)[Made by Acme Studio])\n"),
    )
    .unwrap();
    let clients = repo.join("clients/*.yaml");
    let output = kpipress(&["build", clients.to_str().unwrap(), "--out", repo.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let pdf = std::fs::read(repo.join("reports/example-coffee/2026-10.pdf")).unwrap();
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    assert!(pages[1].contains("Made by Acme Studio"), "{}", pages[1]);
    assert!(pages.iter().any(|p| p.contains("Example Coffee")));

    let again = kpipress(&["init", repo.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2), "init never overwrites");
    assert!(stderr(&again).contains("agency.yaml"), "{}", stderr(&again));
}
