//! The command line as a CI job uses it: many specs, one failing, the others built.

use super::{build_output, kpipress, out_dir, stderr, transcript, views_spec};

#[test]
fn one_failing_client_does_not_stop_the_others() {
    let out = out_dir("keep-going");
    insta::assert_snapshot!(transcript(&[
        "build",
        "tests/fixtures/err/cycle.yaml",
        "tests/fixtures/ok/numbers/spec.yaml",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert!(out.join("reports/numbers/2026-10.pdf").is_file());
}

#[test]
fn fail_on_missed_exits_one() {
    let out = out_dir("gate");
    insta::assert_snapshot!(transcript(&[
        "build",
        "tests/fixtures/ok/numbers/spec.yaml",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "missed",
    ]));
}

#[test]
fn period_flag_overrides_the_spec() {
    let out = out_dir("period");
    insta::assert_snapshot!(transcript(&[
        "build",
        "tests/fixtures/ok/numbers/spec.yaml",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
        "--period",
        "2026-09",
    ]));
    assert!(out.join("reports/numbers/2026-09.json").is_file());
}

#[test]
fn the_demo_builds() {
    let out = out_dir("demo");
    insta::assert_snapshot!(transcript(&[
        "build",
        "specs/clients/*.yaml",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "pdf,json",
    ]));
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
    // A partial of the folder's own writes the cover section: the cover, then a line.
    std::fs::write(
        repo.join("templates/audit/cover.typ.j2"),
        "#cover(data)\n#align(center, text(size: 20pt)[Made by Acme Studio])\n",
    )
    .unwrap();
    let clients = repo.join("clients/*.yaml");
    let output = kpipress(&["build", clients.to_str().unwrap(), "--out", repo.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let pdf = std::fs::read(repo.join("reports/example-coffee/2026-10.pdf")).unwrap();
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    assert!(pages[1].contains("Made by Acme Studio"), "{}", pages[1]);
    assert!(pages.iter().any(|p| p.contains("Example Coffee")));

    // Editors find the schema from each spec's first line; it is the one `schema` prints.
    let client = std::fs::read_to_string(repo.join("clients/example-coffee.yaml")).unwrap();
    assert!(
        client.starts_with("# yaml-language-server: $schema=../kpipress.schema.json\n"),
        "{client}"
    );
    let schema = std::fs::read(repo.join("kpipress.schema.json")).unwrap();
    assert_eq!(schema, kpipress(&["schema"]).stdout);

    // `init` never overwrites. Not a golden file: miette wraps the message at a width, so
    // where its lines break depends on the length of the temporary folder's path.
    let again = transcript(&["init", repo.to_str().unwrap()]);
    assert!(again.starts_with("exit code: 2\n"), "{again}");
    assert!(
        again.contains("agency.yaml") && again.contains("init never overwrites a file"),
        "{again}"
    );
}

/// A KPI whose period the data covers in part, below its target's pace: `behind`.
fn behind_spec(dir: &std::path::Path) -> String {
    let days: String = (1..=10).map(|d| format!("2026-10-{d:02},1\n")).collect();
    std::fs::write(dir.join("leads.csv"), format!("date,leads\n{days}")).unwrap();
    std::fs::write(
        dir.join("spec.yaml"),
        "version: 1\nclient: { name: Pace, slug: pace }\nreport: { language: en, period: 2026-10 }\n\
         sources:\n  ads: { path: leads.csv }\n\
         kpis:\n  leads: { source: ads, value: \"SUM(leads)\", target: { at_least: 100 } }\n",
    )
    .unwrap();
    dir.join("spec.yaml").to_str().unwrap().to_owned()
}

#[test]
fn fail_on_takes_a_list_and_the_log_counts_the_same_statuses() {
    let dir = out_dir("behind-source");
    let spec = behind_spec(&dir);
    let out = out_dir("behind");
    let run = |gates: &str| {
        let out = out.to_str().unwrap();
        transcript(&["build", &spec, "--out", out, "--format", "json", "--fail-on", gates])
    };
    let missed = run("missed");
    assert!(missed.contains("(0 achieved, 0 near, 0 missed, 1 behind)"), "{missed}");
    insta::assert_snapshot!("fail_on_missed_passes_a_behind_kpi", missed);
    insta::assert_snapshot!("fail_on_behind_fails_it", run("missed,behind"));
}

#[test]
fn a_huge_jobs_count_is_capped() {
    let out = out_dir("jobs");
    let output = build_output(
        &["tests/fixtures/ok/numbers/spec.yaml", "--jobs", "100000"],
        &out,
        "json",
    );
    assert!(output.status.success(), "{}", stderr(&output));
}

/// Reports are readable as the umask says (0644 under 022), and a rebuild keeps the mode
/// a report was given.
#[cfg(unix)]
#[test]
fn reports_keep_the_umask_and_their_mode() {
    use std::os::unix::fs::PermissionsExt;
    let out = out_dir("modes");
    let build = || build_output(&["tests/fixtures/ok/numbers/spec.yaml"], &out, "json");
    let output = build();
    assert!(output.status.success(), "{}", stderr(&output));
    let report = out.join("reports/numbers/2026-10.json");
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let umask = unsafe { libc::umask(0o022) };
    unsafe { libc::umask(umask) };
    assert_eq!(mode(&report), 0o666 & !(umask as u32), "umask {umask:o}");
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o640)).unwrap();
    let rebuild = build_output(&["tests/fixtures/ok/numbers/spec.yaml", "--force"], &out, "json");
    assert!(stderr(&rebuild).contains("built numbers"), "{}", stderr(&rebuild));
    assert_eq!(mode(&report), 0o640);
}

/// A reader that stops reading (`| head`) ends the program quietly, never with a panic.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    let dir = out_dir("wide-export");
    let headers: Vec<String> = (0..4000)
        .map(|i| format!("metric number {i} with a long header"))
        .collect();
    std::fs::write(
        dir.join("wide.csv"),
        format!("date,{}\n2026-10-01,{}\n", headers.join(","), vec!["1"; 4000].join(",")),
    )
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kpipress"))
        .args(["inspect", dir.join("wide.csv").to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}

/// `clients/*/spec.yaml` all default to the slug `spec`: a clash before anything is
/// written, naming both.
#[test]
fn two_specs_that_would_write_one_file_are_an_error_before_writing() {
    let dir = out_dir("clash-source");
    for client in ["a", "b"] {
        std::fs::create_dir_all(dir.join(client)).unwrap();
        views_spec(
            &dir.join(client).join("spec.yaml"),
            "",
            &format!("name: {client}"),
            "period: 2026-10",
        );
    }
    let out = out_dir("clash");
    let glob = dir.join("*/spec.yaml");
    let text = transcript(&[
        "build",
        glob.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    insta::assert_snapshot!(text);
    // Neither client's report; the portfolio page lists both as failed.
    assert!(!out.join("reports/spec").exists(), "no report is written");
}

#[test]
fn an_output_named_like_another_format_is_an_error() {
    let dir = out_dir("clash-format-source");
    views_spec(
        &dir.join("spec.yaml"),
        "",
        "name: A, slug: a",
        "period: 2026-10, output: \"{client}.json\"",
    );
    let out = out_dir("clash-format");
    let spec = dir.join("spec.yaml");
    insta::assert_snapshot!(transcript(&[
        "build",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "pdf,json",
    ]));
}

#[test]
fn a_spec_two_globs_name_is_built_once() {
    let out = out_dir("twice");
    let spec = "tests/fixtures/ok/numbers/spec.yaml";
    let text = transcript(&[
        "build",
        spec,
        "tests/fixtures/ok/numbers/*.yaml",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(text.matches("built numbers").count(), 1, "{text}");
    insta::assert_snapshot!(text);
}

/// A second build skips what did not change, and says so; a changed export rebuilds its
/// client alone; `--force` rebuilds all.
#[test]
fn an_unchanged_client_is_not_built_again() {
    let dir = out_dir("incremental-source");
    let posts = std::fs::read_to_string(super::root().join("tests/fixtures/ok/numbers/posts.csv")).unwrap();
    for client in ["a", "b"] {
        std::fs::create_dir_all(dir.join(client)).unwrap();
        std::fs::write(dir.join(client).join("posts.csv"), &posts).unwrap();
        std::fs::write(
            dir.join(client).join("spec.yaml"),
            format!(
                "client: {{ name: {client}, slug: {client} }}\nreport: {{ period: 2026-10 }}\n\
                 sources:\n  posts: {{ path: posts.csv }}\nkpis:\n  views: {{ source: posts, value: \"SUM(views)\" }}\n"
            ),
        )
        .unwrap();
    }
    let out = out_dir("incremental");
    let glob = dir.join("*/spec.yaml");
    let build = |extra: &[&str]| {
        let mut args = vec![
            "build",
            glob.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        transcript(&args)
    };
    let first = build(&[]);
    assert_eq!(first.matches("built ").count(), 2, "{first}");
    let report = out.join("reports/a/2026-10.json");
    let written = std::fs::metadata(&report).unwrap().modified().unwrap();
    insta::assert_snapshot!("an_unchanged_client_is_skipped", build(&[]));
    assert_eq!(std::fs::metadata(&report).unwrap().modified().unwrap(), written);

    let export = dir.join("b/posts.csv");
    std::fs::write(&export, format!("{posts}2026-10-31,p99,1,0,0,0,100\n")).unwrap();
    insta::assert_snapshot!("a_changed_export_rebuilds_its_client", build(&[]));
    let forced = build(&["--force"]);
    assert_eq!(forced.matches("built ").count(), 2, "{forced}");
}

/// On a terminal (a pseudo-terminal from util-linux's `script`), a bar counts the clients
/// above which each client's line is printed; off one, the lines come alone (every other
/// transcript here).
#[test]
fn a_terminal_gets_a_progress_bar() {
    let out = out_dir("progress");
    let command = format!(
        "{} build 'specs/clients/*.yaml' --out {} --format json",
        env!("CARGO_BIN_EXE_kpipress"),
        out.display()
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(super::root())
        .env("TERM", "xterm")
        .output()
        .expect("util-linux's `script` runs");
    let seen = String::from_utf8_lossy(&output.stdout);
    assert!(seen.contains("/3 clients"), "no progress bar:\n{seen}");
    for client in ["uyut", "zerno", "polka"] {
        assert!(seen.contains(&format!("built {client} ")), "{client}'s line:\n{seen}");
    }
}
