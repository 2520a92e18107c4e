//! The surfaces a pull request reaches and the faults an unlucky CI run meets (issue 26):
//! files a spec may read, the records that let a build skip a client, the outputs two
//! specs or two shards share, and what others read of a build. Each runs the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::{build_output, kpipress, out_dir, posts_in, read_json, stderr, views_spec};

/// `kpipress ARGS` with `SECRET_TOKEN` in its environment, as CI runs it beside secrets.
fn with_secret(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpipress"))
        .args(args)
        .current_dir(super::root())
        .env("NO_COLOR", "1")
        .env("SECRET_TOKEN", "s3cr3t-t0ken")
        .output()
        .unwrap()
}

/// A spec reading `source` (a `sources:` entry) with one `views` KPI, at `dir/spec.yaml`.
fn spec_reading(dir: &Path, source: &str) -> PathBuf {
    let spec = dir.join("spec.yaml");
    std::fs::write(
        &spec,
        format!(
            "version: 1\nclient: {{ name: S, slug: s }}\nreport: {{ language: en, period: 2026-10 }}\n\
             sources:\n  posts: {source}\nkpis:\n  views: {{ source: posts, value: \"SUM(views)\" }}\n"
        ),
    )
    .unwrap();
    spec
}

fn no_panic(text: &str) {
    assert!(!text.contains("panicked"), "{text}");
}

#[test]
fn a_source_outside_the_repository_is_named_never_quoted() {
    let dir = out_dir("foreign-environ");
    for preset in ["", ", preset: tiktok-studio-overview", ", format: json"] {
        let spec = spec_reading(&dir, &format!("{{ path: /proc/self/environ{preset} }}"));
        let output = with_secret(&["check", spec.to_str().unwrap()]);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(
            text.contains("`/proc/self/environ` is outside the spec's repository"),
            "{text}"
        );
        no_panic(&text);
    }
}

#[test]
fn git_metadata_and_links_out_of_the_repository_are_refused() {
    let repo = out_dir("foreign-git");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("specs")).unwrap();
    std::fs::write(
        repo.join(".git/config"),
        "[http]\n\textraheader = AUTHORIZATION: basic s3cr3t-t0ken\n",
    )
    .unwrap();
    let spec = spec_reading(&repo.join("specs"), "{ path: ../.git/config, csv: { skip_rows: 1 } }");
    let text = stderr(&with_secret(&["check", spec.to_str().unwrap()]));
    assert!(!text.contains("s3cr3t"), "{text}");
    assert!(text.contains("among git's own files"), "{text}");
    #[cfg(unix)]
    {
        let outside = out_dir("foreign-git-outside").join("secret.csv");
        std::fs::write(&outside, "date,views\n2026-10-01,s3cr3t-t0ken\n").unwrap();
        std::os::unix::fs::symlink(&outside, repo.join("specs/linked.csv")).unwrap();
        spec_reading(&repo.join("specs"), "{ path: linked.csv }");
        let text = stderr(&with_secret(&["check", spec.to_str().unwrap()]));
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("linked.csv` is outside the spec's repository"), "{text}");
    }
}

/// An `extends` or logo out of the repository is refused by name too: one rule.
#[test]
fn extends_and_logos_out_of_the_repository_are_refused() {
    let repo = out_dir("foreign-extends");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let spec = repo.join("spec.yaml");
    views_spec(&spec, "extends: /etc/passwd\n", "name: E, slug: e", "language: en");
    let text = stderr(&kpipress(&["check", spec.to_str().unwrap()]));
    assert!(
        text.contains("`/etc/passwd` is outside the spec's repository"),
        "{text}"
    );
    assert!(!text.contains("root:"), "{text}");
    views_spec(
        &spec,
        "brand: { logo: /etc/passwd.png }\n",
        "name: E, slug: e",
        "language: en",
    );
    let text = stderr(&kpipress(&["check", spec.to_str().unwrap()]));
    assert!(
        text.contains("logo `/etc/passwd.png` does not exist") || text.contains("outside"),
        "{text}"
    );
}

/// A glob that matches a pipe, a folder and a link to nothing names every file it cannot
/// read, and passes over the folder.
#[cfg(unix)]
#[test]
fn every_unreadable_match_of_a_glob_is_named() {
    let dir = out_dir("glob-unreadable");
    std::fs::create_dir_all(dir.join("data/folder.csv")).unwrap();
    std::fs::write(dir.join("data/good.csv"), "date,views\n2026-10-01,1\n").unwrap();
    let fifo = std::ffi::CString::new(dir.join("data/pipe.csv").to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink(dir.join("nowhere.csv"), dir.join("data/gone.csv")).unwrap();
    let spec = spec_reading(&dir, "{ path: \"data/*.csv\" }");
    let text = stderr(&kpipress(&["check", spec.to_str().unwrap()]));
    assert!(text.contains("gone.csv` is a link to nothing"), "{text}");
    assert!(text.contains("pipe.csv` is not a regular file"), "{text}");
    assert!(!text.contains("folder.csv"), "{text}");
}

/// Two links to `.` under a `**` glob: the walk does not follow links to folders, so it
/// ends, for build and check alike.
#[cfg(unix)]
#[test]
fn links_to_the_folder_itself_do_not_make_a_glob_endless() {
    let dir = out_dir("glob-loop");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/a.csv"), "date,views\n2026-10-01,7\n").unwrap();
    std::os::unix::fs::symlink(".", dir.join("data/x")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("data/y")).unwrap();
    let spec = spec_reading(&dir, "{ path: \"data/**/*.csv\" }");
    let started = std::time::Instant::now();
    let out = out_dir("glob-loop-out");
    let output = build_output(&[spec.to_str().unwrap()], &out, "json");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(started.elapsed().as_secs() < 30);
    assert_eq!(
        super::kpi(&read_json(&out.join("reports/s/2026-10.json")), "views")["value"],
        7.0
    );
}

#[test]
fn the_record_names_a_cryptographic_hash_and_an_edit_rebuilds() {
    let dir = out_dir("record-hash");
    let spec = dir.join("spec.yaml");
    let write = |target: &str, comment: &str| {
        let posts = posts_in(&dir);
        std::fs::write(
            &spec,
            format!(
                "version: 1\nclient: {{ name: H, slug: h }}\nreport: {{ period: 2026-08 }}\nsources:\n  posts: {{ path: {} }}\n\
                 kpis:\n  views: {{ source: posts, value: \"SUM(views)\", target: {{ at_least: {target} }} }} # {comment}\n",
                posts.display()
            ),
        )
        .unwrap();
    };
    write("1000", "");
    let out = out_dir("record-hash-out");
    let first = stderr(&build_output(&[spec.to_str().unwrap()], &out, "json"));
    assert!(first.contains("built h"), "{first}");
    let records: Vec<_> = std::fs::read_dir(out.join(".kpipress/builds"))
        .unwrap()
        .flatten()
        .collect();
    let record = std::fs::read_to_string(records[0].path()).unwrap();
    assert!(record.contains("\"inputs\": \"blake3:"), "{record}");
    write("5000", "zzzzzzzzzzzzzzzz");
    let second = stderr(&build_output(&[spec.to_str().unwrap()], &out, "json"));
    assert!(second.contains("built h"), "{second}");
}

/// Specs `a` and `b` writing one file, and `c` its own, in a fresh folder.
fn clashing(name: &str) -> PathBuf {
    let dir = out_dir(name);
    for (file, slug) in [("a", "same"), ("b", "same"), ("c", "c")] {
        views_spec(
            &dir.join(format!("{file}.yaml")),
            "",
            &format!("name: {file}, slug: {slug}"),
            "language: en, period: 2026-10",
        );
    }
    dir
}

#[test]
fn a_clash_holds_back_its_specs_in_every_shard_and_the_rest_are_built() {
    let dir = clashing("clash-shards");
    let glob = dir.join("*.yaml");
    let out = out_dir("clash-shards-out");
    let mut clashes = 0;
    for shard in ["1/2", "2/2"] {
        let output = build_output(&[glob.to_str().unwrap(), "--shard", shard], &out, "json");
        let text = stderr(&output);
        clashes += text.matches("would write `reports/same/{period}.json`").count();
        if text.contains("would write") {
            assert_eq!(output.status.code(), Some(2), "{text}");
        }
    }
    assert_eq!(
        clashes, 2,
        "both specs of the clash are held back, whichever shard has them"
    );
    assert!(
        out.join("reports/c/2026-10.json").is_file(),
        "the spec without a clash is built"
    );
    assert!(!out.join("reports/same/2026-10.json").exists());
}

#[test]
fn the_portfolio_pages_file_is_reserved() {
    let dir = out_dir("clash-page");
    views_spec(
        &dir.join("a.yaml"),
        "",
        "name: A, slug: a",
        "language: en, period: 2026-10, output: \"reports/index.html\"",
    );
    views_spec(
        &dir.join("b.yaml"),
        "",
        "name: B, slug: b",
        "language: en, period: 2026-10",
    );
    let out = out_dir("clash-page-out");
    let output = build_output(&[dir.join("*.yaml").to_str().unwrap()], &out, "pdf");
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(text.contains("it is the portfolio page's own file"), "{text}");
    let page = std::fs::read_to_string(out.join("reports/index.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "the page, not a report: {page}");
    assert!(out.join("reports/b/2026-10.pdf").is_file());
}

/// A build that wrote a client's files and then failed (here the `.typ` file cannot be
/// written, as a build killed there would leave it) leaves no record of the old build:
/// undoing the edit rebuilds, rather than keep the failed build's PDF as "unchanged".
#[test]
fn a_build_stopped_after_its_files_leaves_no_record_that_describes_them() {
    let dir = out_dir("record-stale");
    let spec = dir.join("spec.yaml");
    views_spec(&spec, "", "name: Old Name, slug: r", "language: en, period: 2026-10");
    let original = std::fs::read_to_string(&spec).unwrap();
    let out = out_dir("record-stale-out");
    let build = || build_output(&[spec.to_str().unwrap()], &out, "pdf,typ");
    assert!(build().status.success());
    let typ = out.join("reports/r/2026-10.typ");
    let kept = std::fs::read(&typ).unwrap();
    std::fs::write(&spec, original.replace("Old Name", "New Name")).unwrap();
    std::fs::remove_file(&typ).unwrap();
    std::fs::create_dir_all(typ.join("blocked")).unwrap();
    assert_eq!(build().status.code(), Some(2));
    std::fs::remove_dir_all(&typ).unwrap();
    std::fs::write(&typ, kept).unwrap();
    std::fs::write(&spec, original).unwrap();
    let text = stderr(&build());
    assert!(text.contains("built r 2026-10"), "{text}");
    let pdf = super::pdf::text_of(&out.join("reports/r/2026-10.pdf"));
    assert!(pdf.contains("Old Name") && !pdf.contains("New Name"), "{pdf}");
}

#[test]
fn when_every_spec_fails_the_page_replaces_the_last_one() {
    let dir = out_dir("all-fail");
    for slug in ["a", "b"] {
        views_spec(
            &dir.join(format!("{slug}.yaml")),
            "",
            &format!("name: {slug}, slug: {slug}"),
            "language: en, period: 2026-10",
        );
    }
    let glob = dir.join("*.yaml");
    let out = out_dir("all-fail-out");
    assert!(build_output(&[glob.to_str().unwrap()], &out, "pdf").status.success());
    for slug in ["a", "b"] {
        std::fs::write(dir.join(format!("{slug}.yaml")), "client: [broken\n").unwrap();
    }
    assert_eq!(
        build_output(&[glob.to_str().unwrap()], &out, "pdf").status.code(),
        Some(2)
    );
    assert!(!out.join("index.html").exists(), "the page stays beside the reports");
    let page = std::fs::read_to_string(out.join("reports/index.html")).unwrap();
    assert!(page.contains("a.yaml") && page.contains("b.yaml"), "{page}");
}

#[test]
fn records_follow_a_moved_folder_and_forget_deleted_clients() {
    let dir = out_dir("records-moved");
    for slug in ["keep", "gone"] {
        views_spec(
            &dir.join(format!("{slug}.yaml")),
            "",
            &format!("name: Client {slug}, slug: {slug}"),
            "language: en, period: 2026-10",
        );
    }
    let built = out_dir("records-moved-built");
    let output = build_output(&[dir.join("*.yaml").to_str().unwrap()], &built, "pdf");
    assert!(output.status.success(), "{}", stderr(&output));
    let moved = out_dir("records-moved-elsewhere").join("merged");
    std::fs::rename(&built, &moved).unwrap();
    std::fs::remove_file(dir.join("gone.yaml")).unwrap();
    let output = kpipress(&["portfolio", moved.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let page = std::fs::read_to_string(moved.join("reports/index.html")).unwrap();
    assert!(page.contains("Client keep"), "{page}");
    assert!(
        !page.contains("Client gone"),
        "a deleted client leaves the page: {page}"
    );
}

/// A FIFO where a record should be, and a 1.5 GiB file (sparse: it takes no disk), are
/// passed over, not waited on or read.
#[cfg(unix)]
#[test]
fn records_that_are_not_records_are_passed_over() {
    let spec = out_dir("record-fifo").join("spec.yaml");
    views_spec(&spec, "", "name: F, slug: f", "language: en, period: 2026-10");
    let out = out_dir("record-fifo-out");
    assert!(build_output(&[spec.to_str().unwrap()], &out, "pdf").status.success());
    let builds = out.join(".kpipress/builds");
    let record = std::fs::read_dir(&builds).unwrap().flatten().next().unwrap().path();
    std::fs::remove_file(&record).unwrap();
    let fifo = std::ffi::CString::new(record.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let huge = std::fs::File::create(builds.join("huge.json")).unwrap();
    huge.set_len(3 << 29).unwrap();
    let (sent, done) = std::sync::mpsc::channel();
    let (spec_path, out_path) = (spec.clone(), out.clone());
    std::thread::spawn(move || {
        let build = build_output(&[spec_path.to_str().unwrap()], &out_path, "pdf");
        let page = kpipress(&["portfolio", out_path.to_str().unwrap()]);
        let _ = sent.send((build, page));
    });
    let (build, page) = done
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("neither waits on the FIFO");
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(stderr(&build).contains("built f"), "{}", stderr(&build));
    no_panic(&stderr(&page));
}

#[test]
fn diff_passes_over_json_that_is_not_a_scorecard() {
    let spec = out_dir("diff-others").join("spec.yaml");
    views_spec(&spec, "", "name: D, slug: d", "language: en, period: 2026-10");
    let (old, new) = (out_dir("diff-others-old"), out_dir("diff-others-new"));
    for side in [&old, &new] {
        assert!(build_output(&[spec.to_str().unwrap()], side, "json").status.success());
        std::fs::write(
            side.join("tsconfig.json"),
            "{ // comments\n  \"compilerOptions\": {}\n}\n",
        )
        .unwrap();
    }
    let big = format!("[{}0]", "0,".repeat(20 << 20));
    std::fs::write(new.join("data.json"), big).unwrap();
    let output = kpipress(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("No target, status or value changed"));
}

#[test]
fn what_the_workflow_posts_is_plain_text() {
    let dir = out_dir("summary-escaped");
    let spec = dir.join("spec.yaml");
    views_spec(
        &spec,
        "",
        "name: \"@org/team <img src=x> <details>\", slug: e",
        "language: en, period: 2026-10",
    );
    let summary = dir.join("summary.md");
    let out = out_dir("summary-escaped-out");
    let output = build_output(
        &[spec.to_str().unwrap(), "--summary", summary.to_str().unwrap()],
        &out,
        "json,junit",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        !text.contains("@org") && !text.contains("<img") && !text.contains("<details"),
        "{text}"
    );
    assert!(
        text.contains("&#64;org/team &lt;img src=x&gt; &lt;details&gt;"),
        "{text}"
    );
}

#[test]
fn junit_holds_no_character_xml_forbids() {
    let spec = out_dir("junit-ffff").join("spec.yaml");
    views_spec(
        &spec,
        "",
        "name: \"A\\uFFFEB\\uFFFF\", slug: j",
        "language: en, period: 2026-10",
    );
    let out = out_dir("junit-ffff-out");
    let output = build_output(&[spec.to_str().unwrap()], &out, "junit");
    assert!(output.status.success(), "{}", stderr(&output));
    let xml = std::fs::read_to_string(out.join("reports/j/2026-10.junit.xml")).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(error) => panic!("{error}: {xml}"),
        }
    }
    assert!(xml.contains("name=\"AB 2026-10\""), "{xml}");
}

#[test]
fn limits_are_bounded() {
    let output = kpipress(&["check", "x.yaml", "--time-limit", "10000000000000"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--time-limit"), "{}", stderr(&output));
}

#[test]
fn init_checks_everything_before_writing() {
    let dir = out_dir("init-github-file");
    std::fs::write(dir.join(".github"), "not a folder").unwrap();
    let output = kpipress(&["init", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains(".github"), "{}", stderr(&output));
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, [".github"], "nothing was written");
}

#[test]
fn check_refuses_outputs_build_cannot_write() {
    let dir = out_dir("check-outputs");
    let spec = dir.join("spec.yaml");
    let slug = "s".repeat(240);
    for (report, expected) in [
        (
            "language: en, output: \"reports/{client}.pdf\"".to_owned(),
            "longer than",
        ),
        ("language: en, output: \"\"".to_owned(), "does not name a file"),
        ("language: en, output: \"reports/\"".to_owned(), "does not name a file"),
        (
            "language: en, output: \"reports/{client}.json\"".to_owned(),
            "the extension of another format",
        ),
    ] {
        views_spec(&spec, "", &format!("name: L, slug: {slug}"), &report);
        let output = kpipress(&["check", spec.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2), "{report}: {}", stderr(&output));
        assert!(stderr(&output).contains(expected), "{report}: {}", stderr(&output));
    }
}

#[test]
fn a_sum_past_what_a_number_holds_is_no_data_with_a_warning() {
    let dir = out_dir("overflow");
    std::fs::write(
        dir.join("posts.csv"),
        "date,views,likes\n2026-10-01,1.7e308,5\n2026-10-02,1.7e308,5\n",
    )
    .unwrap();
    let spec = dir.join("spec.yaml");
    std::fs::write(
        &spec,
        "version: 1\nclient: { name: O, slug: o }\nreport: { language: en, period: 2026-10 }\nsources:\n  posts: { path: posts.csv }\n\
         kpis:\n  er: { source: posts, value: \"SUM(likes) / SUM(views)\", format: percent }\n",
    )
    .unwrap();
    let out = out_dir("overflow-out");
    let output = build_output(&[spec.to_str().unwrap()], &out, "json");
    assert!(output.status.success(), "{}", stderr(&output));
    let card = read_json(&out.join("reports/o/2026-10.json"));
    assert!(super::kpi(&card, "er")["value"].is_null(), "{card}");
    assert!(
        stderr(&output).contains("larger than a number can hold"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_period_without_rows_is_said() {
    let spec = out_dir("empty-period").join("spec.yaml");
    views_spec(&spec, "", "name: P, slug: p", "language: en");
    let out = out_dir("empty-period-out");
    let output = build_output(&[spec.to_str().unwrap(), "--period", "1990-01"], &out, "json");
    let text = stderr(&output);
    assert!(text.contains("no source has rows in 1990-01"), "{text}");
}

/// A JSON source of NUL-separated text (what `/proc/self/environ` holds, which made
/// polars panic when read from there) fails its own client, and the others are built.
#[test]
fn a_json_source_that_is_not_json_fails_its_client_alone() {
    let dir = out_dir("json-environ");
    std::fs::write(dir.join("env.json"), b"A=1\0SECRET=2\0{\"x\n\0").unwrap();
    let bad = spec_reading(&dir, "{ path: env.json, format: json }");
    let good = out_dir("json-environ-good").join("spec.yaml");
    views_spec(&good, "", "name: G, slug: g", "language: en, period: 2026-10");
    let out = out_dir("json-environ-out");
    let output = build_output(&[bad.to_str().unwrap(), good.to_str().unwrap()], &out, "json");
    let text = stderr(&output);
    no_panic(&text);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(out.join("reports/g/2026-10.json").is_file(), "{text}");
}

/// A build killed while its template loops takes its render worker with it.
#[cfg(target_os = "linux")]
#[test]
fn a_killed_build_takes_its_render_worker_with_it() {
    let mut build = looping_build("worker-orphan", &[]);
    let parent = build.id();
    let mut worker = None;
    for _ in 0..200 {
        worker = children_of(parent).into_iter().next();
        if worker.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let worker = worker.expect("the build starts a render worker");
    std::thread::sleep(std::time::Duration::from_secs(2));
    build.kill().unwrap();
    build.wait().unwrap();
    let gone = (0..40).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(250));
        !alive(worker)
    });
    assert!(gone, "worker {worker} outlived its build");
}

/// The render worker, which runs the untrusted template, starts with no environment: a
/// CI secret beside the build is not in its `/proc/PID/environ`, whatever a template
/// could find to read it with; only what kpipress sets for the worker is there.
#[cfg(target_os = "linux")]
#[test]
fn the_render_worker_sees_no_environment() {
    let mut build = looping_build("worker-env", &[("KPIPRESS_TEST_SECRET", "hunter2")]);
    let parent = build.id();
    let environ = (0..200).find_map(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let worker = children_of(parent).into_iter().next()?;
        std::fs::read(format!("/proc/{worker}/environ")).ok()
    });
    build.kill().unwrap();
    build.wait().unwrap();
    let parents = std::fs::read(format!("/proc/{}/environ", std::process::id())).unwrap();
    assert!(!parents.is_empty(), "the test itself runs with an environment");
    let environ = environ.expect("the build starts a render worker");
    let environ = String::from_utf8_lossy(&environ);
    assert!(!environ.contains("hunter2"), "{environ}");
    // Only the heap's tuning, which kpipress sets itself (glibc splits it at its `:`).
    let entries: Vec<&str> = environ.split('\0').filter(|v| !v.is_empty()).collect();
    assert!(!entries.is_empty(), "no tuning: {environ:?}");
    assert!(
        entries
            .iter()
            .all(|e| e.starts_with("GLIBC_TUNABLES=") || e.starts_with("glibc.")),
        "{environ:?}"
    );
}

/// A build, started in the background with `env` added, of a spec in a folder named
/// `name` whose template loops for longer than any test waits: its render worker stays.
#[cfg(target_os = "linux")]
fn looping_build(name: &str, env: &[(&str, &str)]) -> std::process::Child {
    let dir = out_dir(name);
    std::fs::create_dir_all(dir.join("template")).unwrap();
    std::fs::write(
        dir.join("template/report.typ.j2"),
        "#for a in range(100000) { for b in range(100000) { } }\n",
    )
    .unwrap();
    let spec = dir.join("spec.yaml");
    views_spec(
        &spec,
        "",
        "name: W, slug: w",
        "language: en, period: 2026-10, template: ./template",
    );
    let out = out_dir(&format!("{name}-out"));
    Command::new(env!("CARGO_BIN_EXE_kpipress"))
        .args(["build", spec.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .args(["--time-limit", "600"])
        .envs(env.iter().copied())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

#[cfg(target_os = "linux")]
fn children_of(parent: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // `pid (name) state ppid …`: the name may hold spaces, so read after its `)`.
            let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
            after.split_whitespace().nth(1) == Some(&parent.to_string())
        })
        .collect()
}

#[cfg(target_os = "linux")]
fn alive(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next());
    matches!(state, Some(s) if s != "Z" && s != "X")
}
