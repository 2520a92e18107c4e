//! The PDF itself: pages, text as the language writes it, escaping, the sandbox, and
//! identical bytes from identical inputs.

use super::{build, kpipress, out_dir, stderr};

fn pages_of(pdf: &std::path::Path) -> Vec<String> {
    let bytes = std::fs::read(pdf).unwrap();
    pdf_extract::extract_text_from_mem_by_pages(&bytes).expect("the PDF's text can be read")
}

fn text_of(pdf: &std::path::Path) -> String {
    pages_of(pdf).join("\n")
}

/// Spaces of any kind folded to one, so the text compares across extraction quirks.
fn folded(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn report_shows_client_and_formatted_values() {
    let out = build("tests/fixtures/ok/numbers/spec.yaml", "numbers-pdf", "pdf");
    let pdf = out.join("reports/numbers/2026-10.pdf");
    assert_eq!(pages_of(&pdf).len(), 3, "cover, summary, scorecard");
    let text = folded(&text_of(&pdf));
    for expected in [
        "Тест «Числа»",
        "октябрь 2026",
        "9,0 %",
        "140",
        "132",
        "500 ₽",
        "+16,7 %",
        "не достигнута",
    ] {
        assert!(text.contains(expected), "no {expected:?} in:\n{text}");
    }
}

#[test]
fn names_are_printed_not_executed() {
    let out = build("tests/fixtures/ok/escape/spec.yaml", "escape", "pdf,typ");
    let text = folded(&text_of(&out.join("reports/escape/2026-10.pdf")));
    assert!(text.contains(r##"#read("x") $1 *a* @b <c>"##), "{text}");
    assert!(text.contains(r##"#panic("no") _x_ `y`"##), "{text}");
    let typst = std::fs::read_to_string(out.join("reports/escape/2026-10.typ")).unwrap();
    assert!(
        !typst.contains("#read"),
        "data must not reach the typst source:\n{typst}"
    );
}

#[test]
fn templates_cannot_read_outside_the_spec_folder() {
    let out = out_dir("sandbox");
    let output = kpipress(&[
        "build",
        "tests/fixtures/ok/sandbox/spec.yaml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("typst:") && text.contains("Cargo.toml"), "{text}");
    assert!(!out.join("reports/sandbox/2026-10.pdf").exists());
}

#[test]
fn same_inputs_same_bytes() {
    let first = build("tests/fixtures/ok/numbers/spec.yaml", "determinism-1", "pdf");
    let second = build("tests/fixtures/ok/numbers/spec.yaml", "determinism-2", "pdf");
    let read = |dir: &std::path::Path| std::fs::read(dir.join("reports/numbers/2026-10.pdf")).unwrap();
    assert!(read(&first) == read(&second), "two builds differ");
}
