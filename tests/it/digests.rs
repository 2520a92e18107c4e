//! What a build says to the people around it: the portfolio page, the Markdown summary,
//! JUnit XML, shards and the diff of two builds' scorecards, through the real binary.

use std::path::{Path, PathBuf};

use super::{kpipress, out_dir, stderr, transcript};

/// Specs of clients `a`, `b`, … in a fresh folder, each with a `views` target of `target`
/// on the numbers fixture's posts, for August 2026 (2,000 views).
fn clients(name: &str, slugs: &[&str], target: u32) -> PathBuf {
    let dir = out_dir(name);
    let posts = super::posts_in(&dir);
    for slug in slugs {
        let spec = format!(
            "version: 1\nclient: {{ name: Client {slug}, slug: {slug} }}\nreport: {{ period: 2026-08 }}\n\
             sources:\n  posts: {{ path: {} }}\n\
             kpis:\n  views: {{ title: Views, source: posts, value: \"SUM(views)\", target: {{ at_least: {target} }} }}\n",
            posts.display()
        );
        std::fs::write(dir.join(format!("{slug}.yaml")), spec).unwrap();
    }
    dir
}

fn build(specs: &Path, out: &Path, extra: &[&str]) -> String {
    let glob = specs.join("*.yaml");
    let mut args = vec!["build", glob.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    stderr(&kpipress(&args))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_build_of_several_specs_writes_the_portfolio_and_the_summary() {
    let specs = clients("digest-specs", &["a", "b"], 1000);
    std::fs::write(specs.join("broken.yaml"), "version: 1\nclient: [\n").unwrap();
    let out = out_dir("digest-out");
    let summary = out.join("summary.md");
    build(
        &specs,
        &out,
        &["--format", "pdf,json", "--summary", summary.to_str().unwrap()],
    );
    let page = read(&out.join("reports/index.html"));
    for expected in [
        "Client a",
        "Client b",
        "broken.yaml",
        "\".&#x2f;a&#x2f;2026-08.pdf\"",
        "\".&#x2f;b&#x2f;2026-08.json\"",
    ] {
        assert!(page.contains(expected), "{expected} is not on the page:\n{page}");
    }
    let summary = read(&summary);
    assert!(
        summary.contains("2 reports, 1 failed · KPIs: 2 achieved, 0 near, 0 missed"),
        "{summary}"
    );
    assert!(
        summary.contains("| Client a | 2026-08 | 1 | 0 | 0 | 0 | 0 |  |"),
        "{summary}"
    );
}

#[test]
fn the_summary_of_a_skipped_client_is_the_same() {
    let specs = clients("digest-skip-specs", &["a", "b"], 5000);
    let out = out_dir("digest-skip-out");
    let summary = out.join("summary.md");
    let args = ["--format", "json", "--summary", summary.to_str().unwrap()];
    build(&specs, &out, &args);
    let first = read(&summary);
    assert!(first.contains("Views: 2,000 against 5,000"), "{first}");
    let log = build(&specs, &out, &args);
    assert!(log.contains("unchanged a 2026-08"), "{log}");
    assert_eq!(read(&summary), first);
}

#[test]
fn junit_has_a_case_per_kpi_and_a_failure_per_miss() {
    let specs = clients("junit-specs", &["a"], 5000);
    let out = out_dir("junit-out");
    build(&specs, &out, &["--format", "junit"]);
    let xml = read(&out.join("reports/a/2026-08.junit.xml"));
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures) = (0, 0);
    loop {
        match reader.read_event().expect("the JUnit file is well-formed XML") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => match e.name().as_ref() {
                b"testcase" => cases += 1,
                b"failure" => failures += 1,
                _ => {}
            },
            _ => {}
        }
    }
    assert_eq!((cases, failures), (1, 1), "{xml}");
    assert!(
        xml.contains("message=\"2,000 against a target of 5,000 (missed)\""),
        "{xml}"
    );
}

#[test]
fn shards_split_the_specs_and_the_portfolio_merges_them() {
    let slugs = ["a", "b", "c", "d", "e", "f", "g", "h"];
    let specs = clients("shard-specs", &slugs, 1000);
    let out = out_dir("shard-out");
    let first = build(&specs, &out, &["--format", "json", "--shard", "1/2"]);
    let second = build(&specs, &out, &["--format", "json", "--shard", "2/2"]);
    for slug in slugs {
        let line = format!("built {slug} 2026-08");
        assert!(
            first.contains(&line) != second.contains(&line),
            "{slug} in exactly one shard:\n{first}\n{second}"
        );
    }
    let merged = transcript(&["portfolio", out.to_str().unwrap()]);
    assert!(merged.starts_with("exit code: 0"), "{merged}");
    let page = read(&out.join("reports/index.html"));
    assert_eq!(page.matches("<tr data-name=\"client ").count(), slugs.len(), "{page}");
    // A spec that breaks shows as failed on the merged page, not as its last good build.
    std::fs::write(specs.join("a.yaml"), "version: 1\nclient: [\n").unwrap();
    build(&specs, &out, &["--format", "json"]);
    let merged = transcript(&["portfolio", out.to_str().unwrap()]);
    assert!(merged.starts_with("exit code: 0"), "{merged}");
    let page = read(&out.join("reports/index.html"));
    assert_eq!(
        page.matches("<tr data-name=\"client ").count(),
        slugs.len() - 1,
        "{page}"
    );
    assert!(page.contains("a.yaml</code>"), "{page}");
    let wrong = transcript(&["build", "x.yaml", "--shard", "3/2"]);
    assert!(wrong.contains("`3/2` is not a shard"), "{wrong}");
}

#[test]
fn diff_says_what_a_raised_target_does() {
    let before = out_dir("diff-before");
    build(
        &clients("diff-specs-before", &["a", "b"], 1000),
        &before,
        &["--format", "json"],
    );
    let after = out_dir("diff-after");
    build(
        &clients("diff-specs-after", &["a", "b"], 5000),
        &after,
        &["--format", "json"],
    );
    insta::assert_snapshot!(transcript(&["diff", before.to_str().unwrap(), after.to_str().unwrap()]));
    let none = out_dir("diff-none");
    let empty = transcript(&["diff", before.to_str().unwrap(), none.to_str().unwrap()]);
    assert!(empty.contains("holds no scorecards"), "{empty}");
}

/// The portfolio page in a real browser: Chromium loads it from disk, runs its script
/// (sorting by name, as `#sort=name` asks), and the DOM it dumps shows every client.
/// `.ci/run` installs Debian's chromium and sets `KPIPRESS_EXTERNAL_TESTS=required`.
#[test]
fn the_portfolio_page_works_in_a_browser() {
    let Some(browser) = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find(|b| std::process::Command::new(b).arg("--version").output().is_ok())
    else {
        assert!(
            std::env::var("KPIPRESS_EXTERNAL_TESTS").as_deref() != Ok("required"),
            "no Chromium to run the browser test in"
        );
        eprintln!("skipped: no Chromium on this machine (install Debian's `chromium`)");
        return;
    };
    let specs = clients("browser-specs", &["zeta", "alpha", "mid"], 1000);
    std::fs::write(
        specs.join("mid.yaml"),
        read(&specs.join("mid.yaml")).replace("at_least: 1000", "at_least: 9000"),
    )
    .unwrap();
    let out = out_dir("browser-out");
    build(&specs, &out, &["--format", "json"]);
    let profile = tempfile::tempdir().unwrap();
    let page = format!("file://{}#sort=name", out.join("reports/index.html").display());
    let output = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
            &page,
        ])
        .output()
        .expect("Chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        dom.contains("<table id=\"clients\">"),
        "no page:\n{dom}\n{}",
        stderr(&output)
    );
    let at = |name: &str| {
        dom.find(&format!("Client {name} <span class=\"slug\">"))
            .unwrap_or_else(|| panic!("{name} missing:\n{dom}"))
    };
    assert!(
        at("alpha") < at("mid") && at("mid") < at("zeta"),
        "sorted by name by the page's script:\n{dom}"
    );
}

/// The summary names targets that no period on record has met: a target to question in
/// the pull request that sets it.
#[test]
fn the_summary_names_targets_never_met() {
    let specs = clients("never-met-specs", &["a"], 5000);
    let summary = out_dir("never-met").join("summary.md");
    let out = out_dir("never-met-out");
    build(
        &specs,
        &out,
        &["--format", "json", "--summary", summary.to_str().unwrap()],
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.contains("Targets no period on record has met (worth a look in review): Client a: Views"),
        "{text}"
    );
}
