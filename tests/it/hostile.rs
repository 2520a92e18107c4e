//! Hostile and unlucky inputs (issue 13): runaway templates, rows far out in time,
//! merged specs missing a key, ragged plain CSVs, links out of the folder, leftovers
//! of killed builds. Each runs the real binary.

use std::path::{Path, PathBuf};

use super::{build_output, kpipress, out_dir, read_json, stderr, views_spec};

/// A folder with a spec summing the numbers fixture's views whose template folder
/// holds `files`; returns the spec's path.
fn templated(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = out_dir(name);
    std::fs::create_dir_all(dir.join("template")).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join("template").join(file), text).unwrap();
    }
    let spec = dir.join("spec.yaml");
    views_spec(
        &spec,
        "",
        "name: T, slug: t",
        "language: en, period: 2026-10, template: ./template",
    );
    spec
}

/// `build SPECS` into a fresh folder with extra flags; stderr and the exit code.
fn build_with(specs: &[&Path], flags: &[&str], name: &str) -> (String, Option<i32>, PathBuf) {
    let out = out_dir(name);
    let mut args: Vec<&str> = specs.iter().map(|s| s.to_str().unwrap()).collect();
    args.extend_from_slice(flags);
    let output = build_output(&args, &out, "pdf");
    let text = stderr(&output);
    assert!(!text.contains("panicked"), "{text}");
    (text, output.status.code(), out)
}

#[test]
fn a_minijinja_loop_without_end_runs_out_of_fuel() {
    let forever = "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}";
    let spec = templated("runaway-jinja", &[("report.typ.j2", forever)]);
    let (text, code, _) = build_with(&[&spec], &["--time-limit", "5"], "runaway-jinja-out");
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("fuel") && text.contains("--time-limit"), "{text}");
}

#[test]
fn a_typst_loop_without_end_is_stopped_and_the_other_clients_are_built() {
    let forever = "#for a in range(100000) { for b in range(100000) { } }\n";
    let runaway = templated("runaway-typst", &[("report.typ.j2", forever)]);
    let fine = out_dir("runaway-typst-fine").join("spec.yaml");
    views_spec(&fine, "", "name: F, slug: f", "language: en, period: 2026-10");
    let started = std::time::Instant::now();
    // One build thread: the client after the runaway one gets a new worker.
    let flags = ["--time-limit", "3", "--jobs", "1"];
    let (text, code, out) = build_with(&[&runaway, &fine], &flags, "runaway-typst-out");
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("took longer than 3 s to render"), "{text}");
    assert!(out.join("reports/f/2026-10.pdf").is_file(), "{text}");
}

#[test]
fn runaway_reports_on_every_build_thread_free_their_workers_for_the_rest() {
    // More runaway clients than cores, on the default threads (one more than the cores)
    // sharing a worker per core: each stopped worker must free its core, or the fine
    // client after them would wait for a worker for ever.
    let forever = "#for a in range(100000) { for b in range(100000) { } }\n";
    let runaways: Vec<_> = (0..3)
        .map(|i| {
            let spec = templated(&format!("runaway-pool-{i}"), &[("report.typ.j2", forever)]);
            let text = std::fs::read_to_string(&spec).unwrap();
            std::fs::write(&spec, text.replace("slug: t", &format!("slug: t{i}"))).unwrap();
            spec
        })
        .collect();
    let fine = out_dir("runaway-pool-fine").join("spec.yaml");
    views_spec(&fine, "", "name: F, slug: f", "language: en, period: 2026-10");
    let mut specs = runaways.clone();
    specs.push(fine);
    // A worker lost without freeing its core leaves the build waiting: fail, not hang.
    let (sent, built) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let specs: Vec<&Path> = specs.iter().map(PathBuf::as_path).collect();
        let _ = sent.send(build_with(&specs, &["--time-limit", "2"], "runaway-pool-out"));
    });
    let (text, code, out) = built
        .recv_timeout(std::time::Duration::from_secs(90))
        .expect("the build ends within 90 s");
    assert_eq!(code, Some(2), "{text}");
    assert_eq!(text.matches("took longer than 2 s to render").count(), 3, "{text}");
    assert!(out.join("reports/f/2026-10.pdf").is_file(), "{text}");
}

#[test]
fn a_string_doubled_without_end_is_stopped_at_the_memory_limit() {
    let typst = "#let s = \"ab\"\n#for i in range(64) { s = s + s }\n#s.len()\n";
    let jinja = "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}";
    for (name, template) in [("double-typst", typst), ("double-jinja", jinja)] {
        let spec = templated(name, &[("report.typ.j2", template)]);
        let (text, code, _) = build_with(&[&spec], &["--memory-limit", "256"], &format!("{name}-out"));
        assert_eq!(code, Some(2), "{text}");
        assert!(text.contains("needed more than 256 MiB to render"), "{name}: {text}");
    }
}

/// Posts of October 2026 and one typo'd 2099 row.
fn with_a_far_row(name: &str) -> PathBuf {
    let dir = out_dir(name);
    std::fs::write(
        dir.join("posts.csv"),
        "date,views\n2026-09-15,100\n2026-10-01,200\n2026-10-31,300\n2099-01-05,7\n",
    )
    .unwrap();
    let spec = dir.join("spec.yaml");
    std::fs::write(
        &spec,
        "version: 1\nclient: { name: F, slug: f }\nreport: { language: en }\nsources:\n  posts: { path: posts.csv }\nkpis:\n  views: { source: posts, value: \"SUM(views)\" }\n",
    )
    .unwrap();
    spec
}

#[test]
fn a_row_far_out_in_time_does_not_move_the_default_period() {
    let spec = with_a_far_row("far-row");
    let out = out_dir("far-row-out");
    let output = build_output(&[spec.to_str().unwrap()], &out, "json");
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("built f 2026-10"), "{text}");
    assert!(text.contains("1 row dated 2099-01-05 lies after today"), "{text}");
    assert!(
        text.contains("it is left out of every period: check its dates"),
        "{text}"
    );
    let card = read_json(&out.join("reports/f/2026-10.json"));
    assert_eq!(super::kpi(&card, "views")["value"], 500.0);
    assert_eq!(card["sources"]["end"], "2026-10-31");
    assert!(card["warnings"].to_string().contains("2099-01-05"), "{card}");
}

/// A client's `content: { top: 3 }` over the agency's content; and one that lacks the
/// `source` no file gives.
#[test]
fn extends_merges_content_deeply_and_checks_required_keys_after() {
    let dir = out_dir("merge-content");
    let posts = super::posts_in(&dir);
    std::fs::write(
        dir.join("agency.yaml"),
        format!(
            "version: 1\nsources:\n  posts: {{ path: {} }}\ncontent: {{ source: posts, id: post_id, rank_by: likes / views }}\n",
            posts.display()
        ),
    )
    .unwrap();
    let client = "version: 1\nextends: agency.yaml\nclient: { name: C, slug: c }\nreport: { language: en, period: 2026-10 }\nkpis:\n  views: { source: posts, value: \"SUM(views)\" }\n";
    std::fs::write(dir.join("client.yaml"), format!("{client}content: {{ top: 3 }}\n")).unwrap();
    let output = kpipress(&["check", dir.join("client.yaml").to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));

    std::fs::write(dir.join("agency.yaml"), "version: 1\n").unwrap();
    std::fs::write(
        dir.join("lonely.yaml"),
        format!(
            "{client}sources:\n  posts: {{ path: {} }}\ncontent: {{ top: 3, rank_by: likes }}\n",
            posts.display()
        ),
    )
    .unwrap();
    let output = kpipress(&["check", dir.join("lonely.yaml").to_str().unwrap()]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(text.contains("`content.source` is missing"), "{text}");
    assert!(text.contains("lonely.yaml:9:1"), "{text}");
}

#[test]
fn a_number_where_text_is_wanted_is_placed_and_named_in_yaml_terms() {
    let dir = out_dir("yaml-types");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, "version: 1\nkpis: {}\nclient: { name: 1984 }\n").unwrap();
    let text = stderr(&kpipress(&["check", spec.to_str().unwrap()]));
    assert!(text.contains("`client.name`: invalid type: integer `1984`"), "{text}");
    assert!(text.contains("spec.yaml:3:17"), "{text}");
    assert!(text.contains("quote it"), "{text}");

    std::fs::write(&spec, "version: 1\nclient: 5\n").unwrap();
    let text = stderr(&kpipress(&["check", spec.to_str().unwrap()]));
    assert!(text.contains("expected a mapping of keys"), "{text}");
    assert!(!text.contains("Raw"), "{text}");
}

#[test]
fn a_duplicate_key_is_shown_where_it_is_written_again() {
    let dir = out_dir("yaml-duplicate");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, "version: 1\nclient:\n  name: A\nkpis: {}\nclient:\n  name: B\n").unwrap();
    let text = stderr(&kpipress(&["check", spec.to_str().unwrap()]));
    assert!(text.contains("duplicate entry with key \"client\""), "{text}");
    assert!(text.contains("spec.yaml:5:1"), "{text}");
}

#[test]
fn a_typst_error_in_a_partial_names_the_partial_and_no_root_flag() {
    let summary = "#txt(\"no such function\")\n";
    let spec = templated("typst-partial", &[("summary.typ.j2", summary)]);
    let text = stderr(&kpipress(&["check", spec.to_str().unwrap()]));
    assert!(text.contains("template/summary.typ.j2 (as generated typst)"), "{text}");
    assert!(!text.contains("builtin:audit/report.typ.j2"), "{text}");

    let climbing = "#read(\"../../../../../../etc/passwd\")\n";
    let spec = templated("typst-root", &[("summary.typ.j2", climbing)]);
    let text = stderr(&kpipress(&["check", spec.to_str().unwrap()]));
    assert!(!text.contains("--root"), "{text}");
    assert!(
        text.contains("templates read files only inside the spec's folder"),
        "{text}"
    );
    assert!(!text.contains("root:x"), "{text}");
}

#[test]
fn the_scorecard_names_the_logo_as_the_spec_does() {
    let out = super::build("specs/clients/uyut.yaml", "logo-json", "json");
    let json = std::fs::read_dir(out.join("reports/uyut"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let card = read_json(&json);
    let logo = card["brand"]["logo"].as_str().unwrap();
    assert!(logo.ends_with("brand/logo.svg"), "{logo}");
    assert!(!card.to_string().contains("_kpipress"), "{card}");
}

#[cfg(unix)]
#[test]
fn a_logo_that_is_not_the_image_it_is_named_is_refused_unquoted() {
    let dir = out_dir("logo-passwd");
    std::fs::copy("/etc/passwd", dir.join("logo.svg")).unwrap();
    let spec = dir.join("spec.yaml");
    views_spec(&spec, "", "name: L, slug: l", "language: en, period: 2026-10");
    let text = std::fs::read_to_string(&spec).unwrap() + "brand: { logo: logo.svg }\n";
    std::fs::write(&spec, text).unwrap();
    let text = stderr(&kpipress(&["check", spec.to_str().unwrap()]));
    assert!(text.contains("is not an SVG image"), "{text}");
    assert!(!text.contains("root:"), "{text}");
    // A link out of the spec's repository is refused before its bytes are looked at.
    std::fs::remove_file(dir.join("logo.svg")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.join("logo.svg")).unwrap();
    let text = stderr(&kpipress(&["check", spec.to_str().unwrap()]));
    assert!(text.contains("logo.svg` is outside the spec's repository"), "{text}");
}

/// A plain CSV (no preset) whose row has a field too many, or too few.
#[test]
fn a_ragged_row_in_a_plain_csv_names_its_line() {
    for (name, row, cells) in [
        ("ragged-long", "2026-10-02,1,200", 3),
        ("ragged-short", "2026-10-02", 1),
    ] {
        let dir = out_dir(name);
        std::fs::write(
            dir.join("posts.csv"),
            format!("date,views\n2026-10-01,5\n{row}\n2026-10-03,7\n"),
        )
        .unwrap();
        let spec = dir.join("spec.yaml");
        std::fs::write(
            &spec,
            "version: 1\nclient: { name: R, slug: r }\nreport: { period: 2026-10 }\nsources:\n  posts: { path: posts.csv }\nkpis:\n  views: { source: posts, value: \"SUM(views)\" }\n",
        )
        .unwrap();
        let text = stderr(&kpipress(&["check", spec.to_str().unwrap()]));
        assert!(text.contains(&format!("posts.csv: line 3 has {cells} cells")), "{text}");
    }
}

#[test]
fn a_row_that_divides_by_zero_has_no_value_of_its_own() {
    let dir = out_dir("per-row-zero");
    let spec = dir.join("spec.yaml");
    let posts = super::posts_in(&dir);
    std::fs::write(
        &spec,
        format!(
            "version: 1\nclient: {{ name: Z, slug: z }}\nreport: {{ period: 2026-09 }}\nsources:\n  posts: {{ path: {} }}\n\
             kpis:\n  rate: {{ source: posts, value: \"AVG(likes / views)\" }}\n  sep: {{ source: posts, value: \"SUM(likes) / SUM(views)\" }}\n",
            posts.display()
        ),
    )
    .unwrap();
    let out = out_dir("per-row-zero-out");
    let output = build_output(&[spec.to_str().unwrap(), "--period", "2026-08"], &out, "json");
    assert!(output.status.success(), "{}", stderr(&output));
    // August: 50/1000 and 30/1000.
    super::close(
        &super::kpi(&read_json(&out.join("reports/z/2026-08.json")), "rate")["value"],
        0.04,
    );
    let output = build_output(&[spec.to_str().unwrap(), "--period", "2026-09"], &out, "json");
    assert!(output.status.success(), "{}", stderr(&output));
    // September's one post had no views: no value, not infinity or a made-up 0.
    let card = read_json(&out.join("reports/z/2026-09.json"));
    assert!(super::kpi(&card, "rate")["value"].is_null(), "{card}");
    assert!(super::kpi(&card, "sep")["value"].is_null(), "{card}");
}

#[cfg(unix)]
#[test]
fn init_does_not_write_through_a_dangling_link() {
    let dir = out_dir("init-link");
    let outside = out_dir("init-link-outside").join("planted.yaml");
    std::os::unix::fs::symlink(&outside, dir.join("agency.yaml")).unwrap();
    let output = kpipress(&["init", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("agency.yaml"), "{}", stderr(&output));
    assert!(!outside.exists());
}

#[test]
fn inspect_describes_a_large_file_from_its_head_and_counts_it_whole() {
    let dir = out_dir("inspect-large");
    let path = dir.join("large.csv");
    let mut text = String::from("date,views,likes\n");
    let day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let rows = 150_000;
    for i in 0..rows {
        let date = day + chrono::Days::new(i as u64 % 2000);
        text.push_str(&format!("{date},{},{}\n", 1000 + i % 97, i % 13));
    }
    assert!(text.len() > 2 << 20, "{}", text.len());
    std::fs::write(&path, text).unwrap();
    let output = kpipress(&["inspect", path.to_str().unwrap()]);
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(report.contains(&format!("{} lines in the file", rows + 1)), "{report}");
    assert!(report.contains("described from its first"), "{report}");
}

#[test]
fn a_killed_builds_temporary_file_is_removed_by_the_next() {
    let spec = out_dir("temp-left").join("spec.yaml");
    views_spec(&spec, "", "name: K, slug: k", "language: en, period: 2026-10");
    let out = out_dir("temp-left-out");
    let folder = out.join("reports/k");
    std::fs::create_dir_all(&folder).unwrap();
    // No process has this id: Linux's largest is 4 194 304.
    let left = folder.join(".2026-10.json.kpipress-999999999-abcdef.tmp");
    std::fs::write(&left, "half a report").unwrap();
    let output = build_output(&[spec.to_str().unwrap()], &out, "json");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!left.exists());
    let names: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, ["2026-10.json"]);
}

#[test]
fn an_appendix_of_many_files_lists_each_source_once() {
    let dir = out_dir("many-files");
    std::fs::create_dir_all(dir.join("daily")).unwrap();
    for day in 1..=31 {
        std::fs::write(
            dir.join(format!("daily/2026-10-{day:02}.csv")),
            format!("date,views\n2026-10-{day:02},{day}\n"),
        )
        .unwrap();
    }
    let spec = dir.join("spec.yaml");
    std::fs::write(
        &spec,
        "version: 1\nclient: { name: M, slug: m }\nreport: { language: en, period: 2026-10 }\nsources:\n  daily: { path: \"daily/*.csv\" }\nkpis:\n  views: { source: daily, value: \"SUM(views)\" }\n",
    )
    .unwrap();
    let out = out_dir("many-files-out");
    let output = build_output(&[spec.to_str().unwrap()], &out, "pdf,json");
    assert!(output.status.success(), "{}", stderr(&output));
    let card = read_json(&out.join("reports/m/2026-10.json"));
    assert_eq!(card["sources"]["files"].as_array().unwrap().len(), 31);
    assert_eq!(card["sources"]["listed"].as_array().unwrap().len(), 1);
    let text = super::pdf::text_of(&out.join("reports/m/2026-10.pdf"));
    assert!(text.contains("31 files"), "{text}");
    assert!(!text.contains("2026-10-15.csv"), "{text}");
}

/// A template that reads a FIFO in the spec's folder would wait for a writer forever.
#[cfg(unix)]
#[test]
fn a_template_does_not_read_a_fifo() {
    let spec = templated("template-fifo", &[("summary.typ.j2", "#read(\"/pipe\")\n")]);
    let fifo = spec.parent().unwrap().join("pipe");
    let path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
    let output = kpipress(&["check", spec.to_str().unwrap(), "--time-limit", "20"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(text.contains("it is not a regular file"), "{text}");
}

/// `SOURCE_DATE_EPOCH` is the PDF's one clock; a value that is not one is an error, not
/// a silent fall back to the period's end.
#[test]
fn an_invalid_source_date_epoch_is_an_error() {
    let spec = out_dir("epoch").join("spec.yaml");
    views_spec(&spec, "", "name: E, slug: e", "language: en, period: 2026-10");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kpipress"))
        .args(["check", spec.to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--source-date-epoch"), "{}", stderr(&output));
}

/// A typo in a KPI without a source is found from the spec alone, before any export is
/// read: here the export is broken too, and the typo is what is reported.
#[test]
fn a_derived_kpi_typo_fails_before_any_export_is_read() {
    let dir = out_dir("plan-first");
    std::fs::write(dir.join("posts.csv"), "date,views\n2026-10-01,not a number\n").unwrap();
    let spec = dir.join("spec.yaml");
    std::fs::write(
        &spec,
        "version: 1\nclient: { name: P, slug: p }\nreport: { period: 2026-10 }\nsources:\n  posts: { path: posts.csv }\n\
         kpis:\n  views: { source: posts, value: \"SUM(views)\" }\n  double: { value: \"veiws * 2\" }\n",
    )
    .unwrap();
    let text = stderr(&kpipress(&["check", spec.to_str().unwrap()]));
    assert!(text.contains("veiws"), "{text}");
    assert!(!text.contains("not a number"), "{text}");
}
