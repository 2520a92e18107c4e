//! Error messages against golden files: each names the file, line and column and shows
//! the offending line.

use super::{kpipress, stderr};

/// Every fixture under `tests/fixtures/err` (a `*.yaml`, or a folder's `spec.yaml`) fails
/// `check` with the message of its golden file: a new fixture is a new snapshot.
#[test]
fn every_error_fixture_has_its_message_snapshotted() {
    let fixtures = super::root().join("tests/fixtures/err");
    let mut specs: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(&fixtures).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().join("spec.yaml").is_file() {
            specs.push(format!("{name}/spec.yaml"));
        } else if name.ends_with(".yaml") {
            specs.push(name);
        }
    }
    specs.sort();
    assert!(specs.len() >= 22, "{specs:?}");
    for spec in specs {
        let text = check_error(&spec);
        let name = spec.trim_end_matches("/spec.yaml").trim_end_matches(".yaml").to_owned();
        insta::assert_snapshot!(format!("error_{name}"), text);
    }
}

fn check_error(fixture: &str) -> String {
    let output = kpipress(&["check", &format!("tests/fixtures/err/{fixture}")]);
    assert_eq!(output.status.code(), Some(2), "check must fail:\n{}", stderr(&output));
    let text = stderr(&output);
    assert!(!text.contains("panicked") && !text.contains("RUST_BACKTRACE"), "{text}");
    text
}

#[test]
fn yaml_syntax_error() {
    let text = check_error("syntax.yaml");
    assert!(text.contains("tests/fixtures/err/syntax.yaml:"), "{text}");
}

#[test]
fn unknown_key_suggests_the_nearest() {
    let text = check_error("unknown_key.yaml");
    assert!(text.contains("tests/fixtures/err/unknown_key.yaml:8:5"), "{text}");
    assert!(text.contains("did you mean `value`?"), "{text}");
}

#[test]
fn missing_column_lists_the_columns() {
    let text = check_error("missing_column.yaml");
    assert!(text.contains("tests/fixtures/err/missing_column.yaml:8:12"), "{text}");
    assert!(text.contains("did you mean `views`?"), "{text}");
}

#[test]
fn missing_file_names_the_glob() {
    let text = check_error("missing_file.yaml");
    assert!(text.contains("tests/fixtures/err/missing_file.yaml:4:"), "{text}");
    insta::assert_snapshot!(text.replace(env!("CARGO_MANIFEST_DIR"), "[ROOT]"));
}

#[test]
fn kpi_cycle_names_the_kpis() {
    let text = check_error("cycle.yaml");
    assert!(text.contains("`a` -> `b` -> `a`"), "{text}");
}

#[test]
fn malformed_number_names_row_and_column() {
    let text = check_error("bad_cell.yaml");
    assert!(
        text.contains("tests/fixtures/err/bad_cell.csv: line 3, column `views`: `12a` is not a number"),
        "{text}"
    );
}

#[test]
fn unknown_benchmark_kpi_suggests_the_nearest() {
    let text = check_error("unknown_benchmark.yaml");
    assert!(
        text.contains("tests/fixtures/err/unknown_benchmark.yaml:9:16"),
        "{text}"
    );
    assert!(text.contains("did you mean `engagement_rate`?"), "{text}");
}

#[test]
fn unknown_section_suggests_the_nearest() {
    let text = check_error("unknown_section.yaml");
    assert!(text.contains("did you mean `trends`?"), "{text}");
}

#[test]
fn template_errors_name_the_partial_and_line() {
    let text = check_error("template_jinja/spec.yaml");
    assert!(
        text.contains("tests/fixtures/err/template_jinja/template/summary.typ.j2:2:1"),
        "{text}"
    );
}

#[test]
fn typst_errors_name_the_template_file_and_line() {
    let text = check_error("template_typst/spec.yaml");
    assert!(
        text.contains("tests/fixtures/err/template_typst/template/extra.typ:3:3"),
        "{text}"
    );
}

#[test]
fn a_missing_content_column_points_at_content() {
    let text = check_error("content_column.yaml");
    assert!(text.contains("tests/fixtures/err/content_column.yaml:12:10"), "{text}");
    assert!(text.contains("did you mean `caption`?"), "{text}");
}

#[test]
fn an_unknown_preset_suggests_the_nearest() {
    let text = check_error("unknown_preset.yaml");
    assert!(text.contains("tests/fixtures/err/unknown_preset.yaml:6:13"), "{text}");
    assert!(text.contains("did you mean `tiktok-studio-overview`?"), "{text}");
}

#[test]
fn a_file_the_preset_does_not_fit_lists_missing_and_found_columns() {
    let text = check_error("wrong_preset/spec.yaml");
    assert!(text.contains("is not a `meta-ads-manager` export"), "{text}");
    assert!(text.contains("`Day` or `Month` or `Reporting starts`"), "{text}");
    assert!(text.contains("`Video Views`"), "{text}");
    assert!(text.contains("it looks like `tiktok-studio-overview`"), "{text}");
}

#[test]
fn a_broken_cell_in_a_preset_export_names_its_line_below_the_preamble() {
    let text = check_error("preset_cell/spec.yaml");
    assert!(
        text.contains("report.csv: line 4, column `Расход (руб.)`: `1 00,00`"),
        "{text}"
    );
}

#[test]
fn dates_without_a_year_and_nothing_to_tell_it_are_an_error() {
    let text = check_error("no_year/spec.yaml");
    assert!(
        text.contains("`tests/fixtures/err/no_year/Overview.csv` writes its dates without a year (`December 30`)"),
        "{text}"
    );
    assert!(text.contains("year: 2025"), "{text}");
}

#[test]
fn a_row_wider_than_its_header_names_its_line() {
    let text = check_error("ragged_row/spec.yaml");
    assert!(
        text.contains("tests/fixtures/err/ragged_row/Table data.csv: line 4 has 6 cells, but the header has 5"),
        "{text}"
    );
}

#[test]
fn a_row_across_periods_of_the_report_is_refused() {
    let text = check_error("spans_days/spec.yaml");
    assert!(
        text.contains(
            "tests/fixtures/err/spans_days/ads.csv: line 3 covers 2026-10-01 to 2026-10-31, more than one week"
        ),
        "{text}"
    );
}

#[test]
fn a_crlf_file_names_the_line_the_file_has() {
    let text = check_error("crlf_line/spec.yaml");
    assert!(
        text.contains("tests/fixtures/err/crlf_line/Totals.csv: line 3, column `Views`: `x` is not a number"),
        "{text}"
    );
}

#[test]
fn a_file_of_two_metrics_read_whole_names_both() {
    let text = check_error("several_metrics/spec.yaml");
    assert!(
        text.contains("source `reach` reads 2 tables, one per metric: `Facebook reach`, `Instagram reach`"),
        "{text}"
    );
    assert!(text.contains("filter: \"metric = 'Facebook reach'\""), "{text}");
}

#[test]
fn a_table_whose_name_lost_its_days_says_so() {
    let text = check_error("no_range/spec.yaml");
    assert!(
        text.contains("`tests/fixtures/err/no_range/Table data-Geography.csv` has no date column, and neither its name nor its folder's says the days it covers"),
        "{text}"
    );
}

#[test]
fn a_download_whose_name_says_a_year_is_refused_by_a_monthly_report() {
    let text = check_error("name_range/spec.yaml");
    assert!(
        text.contains("the name `País 2024-06-02_2025-06-02 Canal Polka` says it covers 2024-06-02 to 2025-06-02, which is not one month"),
        "{text}"
    );
}

#[test]
fn a_column_of_malformed_cells_names_the_first() {
    let text = check_error("bad_column/spec.yaml");
    assert!(
        text.contains("tests/fixtures/err/bad_column/export.csv: line 2, column `er`: `4,5 %` is not a number"),
        "{text}"
    );
}

#[test]
fn a_zipped_download_is_named_as_one() {
    let text = check_error("zip_export/spec.yaml");
    assert!(text.contains("is a ZIP archive"), "{text}");
    assert!(text.contains("unzip it"), "{text}");
}

/// A git-annex or LFS file that was not fetched is a link to nothing: an error, never a
/// file silently left out of the numbers.
#[cfg(unix)]
#[test]
fn a_dangling_link_matched_by_a_glob_is_named() {
    let dir = super::out_dir("dangling-source");
    std::fs::write(dir.join("2026-09.csv"), "date,views\n2026-09-01,5\n").unwrap();
    std::os::unix::fs::symlink(dir.join(".git/annex/objects/missing"), dir.join("2026-10.csv")).unwrap();
    std::fs::write(
        dir.join("spec.yaml"),
        "version: 1\nclient: { name: D, slug: d }\nsources:\n  p: { path: \"*.csv\" }\nkpis:\n  views: { source: p, value: \"SUM(views)\" }\n",
    )
    .unwrap();
    let output = kpipress(&["check", dir.join("spec.yaml").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("2026-10.csv` is a link to nothing"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_cell_that_is_not_a_finite_number_is_named() {
    let dir = super::out_dir("nan-source");
    std::fs::write(
        dir.join("posts.csv"),
        "date,views\n2026-10-01,5\n2026-10-02,NaN\n2026-10-03,7\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("spec.yaml"),
        "version: 1\nclient: { name: N, slug: n }\nsources:\n  p: { path: posts.csv }\nkpis:\n  views: { source: p, value: \"SUM(views)\" }\n",
    )
    .unwrap();
    let output = kpipress(&["check", dir.join("spec.yaml").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stderr(&output).replace("\n  │ ", " ");
    assert!(
        text.contains("posts.csv: line 3, column `views`: `NaN` is not a finite number"),
        "{text}"
    );
}

/// A spec whose `extends` names `target`, in a fresh folder.
fn extending(name: &str, target: &str) -> std::path::PathBuf {
    let dir = super::out_dir(name);
    let spec = dir.join("spec.yaml");
    std::fs::write(
        &spec,
        format!("version: 1\nextends: {target}\nclient: {{ name: X, slug: x }}\nkpis:\n  a: {{ value: \"1\" }}\n"),
    )
    .unwrap();
    spec
}

/// `check` with a secret in the environment, as CI runs it; returns stderr.
fn check_with_secret(spec: &std::path::Path) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kpipress"))
        .args(["check", spec.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .env("KPIPRESS_TEST_SECRET", "hunter2-do-not-print")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    stderr(&output)
}

/// Files that are not specs are named, never read to the end or quoted: a device, the
/// process's environment (CI tokens), the password file are outside the spec's
/// repository; a device or a file that is not YAML inside it is not a spec.
#[cfg(target_os = "linux")]
#[test]
fn files_that_are_not_specs_are_named_not_quoted() {
    for (name, target) in [
        ("extends-zero", "/dev/zero"),
        ("extends-environ", "/proc/self/environ"),
        ("extends-passwd", "/etc/passwd"),
    ] {
        let text = check_with_secret(&extending(name, target));
        assert!(
            text.contains(&format!("`{target}` is outside the spec's repository")),
            "{text}"
        );
        assert!(!text.contains("hunter2") && !text.contains("root:"), "{text}");
    }
    let spec = extending("extends-inside-zero", "zero");
    std::os::unix::fs::symlink("/dev/zero", spec.with_file_name("zero")).unwrap();
    let zero = check_with_secret(&spec);
    assert!(zero.contains("zero` is outside the spec's repository"), "{zero}");
    let spec = extending("extends-inside-text", "notes.txt");
    std::fs::write(spec.with_file_name("notes.txt"), "root:x:0:0\n").unwrap();
    let text = check_with_secret(&spec);
    assert!(text.contains("notes.txt` is not a spec"), "{text}");
    assert!(!text.contains("root:"), "{text}");
}

/// A FIFO named as a spec would block the reader forever.
#[cfg(unix)]
#[test]
fn a_fifo_is_not_read() {
    let dir = super::out_dir("fifo-spec");
    let fifo = dir.join("spec.yaml");
    let path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
    let text = check_with_secret(&fifo);
    assert!(text.contains("is not a spec: it is not a regular file"), "{text}");
}

#[test]
fn extends_that_is_not_a_path_is_an_error() {
    let text = check_with_secret(&extending("extends-number", "42"));
    assert!(text.contains("`extends` must be the path of a spec file"), "{text}");
    assert!(text.contains("spec.yaml:2:"), "{text}");
}

/// A template file that links out of its folder is refused before anything is read:
/// `/etc/passwd` never reaches the PDF or the message.
#[cfg(unix)]
#[test]
fn a_template_symlink_out_of_its_folder_is_refused() {
    let dir = super::out_dir("template-leak");
    let template = dir.join("template");
    std::fs::create_dir_all(&template).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", template.join("leak.typ")).unwrap();
    super::views_spec(
        &dir.join("spec.yaml"),
        "",
        "name: T, slug: t",
        "language: en, period: 2026-10, template: ./template",
    );
    let text = check_with_secret(&dir.join("spec.yaml"));
    assert!(text.contains("links outside the template folder"), "{text}");
    assert!(!text.contains("root:"), "{text}");
}
