//! `kpipress watch`: a saved spec becomes a new PDF, and a broken one an error, while
//! the watch goes on.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::out_dir;

/// Ends the watch however the test ends.
struct Watch(Child);

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits up to a minute for `ready` to hold.
fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(60), "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn spec(path: &Path, name: &str) {
    let posts = super::posts_in(path.parent().unwrap());
    let text = format!(
        "version: 1\nclient: {{ name: {name}, slug: watched }}\nreport: {{ period: 2026-08 }}\n\
         sources:\n  posts: {{ path: {} }}\nkpis:\n  views: {{ title: Views, source: posts, value: \"SUM(views)\" }}\n",
        posts.display()
    );
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_saved_spec_is_rebuilt_and_a_broken_one_reported() {
    let dir = out_dir("watch");
    let path = dir.join("spec.yaml");
    spec(&path, "Before Co");
    let out = dir.join("out");
    let log = dir.join("watch.log");
    let child = Command::new(env!("CARGO_BIN_EXE_kpipress"))
        .args([
            "watch",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--poll",
            "100",
        ])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let _watch = Watch(child);
    let pdf = out.join("reports/watched/2026-08.pdf");
    let text = || {
        std::fs::read(&pdf)
            .ok()
            .and_then(|b| pdf_extract::extract_text_from_mem(&b).ok())
            .unwrap_or_default()
    };
    wait_for("the first PDF", || text().contains("Before Co"));

    std::fs::write(&path, "version: 1\nclient: [\n").unwrap();
    wait_for("the error", || {
        std::fs::read_to_string(&log).unwrap().contains("failed ")
    });
    assert!(text().contains("Before Co"), "the last good PDF stays");

    spec(&path, "After Co");
    wait_for("the rebuilt PDF", || text().contains("After Co"));
    let log = std::fs::read_to_string(&log).unwrap();
    assert_eq!(log.matches("built watched 2026-08").count(), 2, "{log}");
}

/// An upgrade replaces the binary under a running watch: the reports that need a new
/// render worker still get one, of the version that runs.
#[cfg(target_os = "linux")]
#[test]
fn a_watch_outlives_its_binary_being_replaced() {
    let dir = out_dir("watch-upgrade");
    let binary = dir.join("kpipress");
    std::fs::copy(env!("CARGO_BIN_EXE_kpipress"), &binary).unwrap();
    let path = dir.join("spec.yaml");
    // Broken at first, so that no worker has started when the binary is replaced.
    std::fs::write(&path, "version: 1\nclient: [\n").unwrap();
    let out = dir.join("out");
    let log = dir.join("watch.log");
    let child = Command::new(&binary)
        .args([
            "watch",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--poll",
            "100",
        ])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let _watch = Watch(child);
    wait_for("the first error", || {
        std::fs::read_to_string(&log).unwrap().contains("failed ")
    });
    std::fs::remove_file(&binary).unwrap();
    std::fs::write(&binary, "#!/bin/sh\nexit 3\n").unwrap();
    spec(&path, "Upgraded Co");
    let pdf = out.join("reports/watched/2026-08.pdf");
    wait_for("the PDF", || {
        pdf.is_file() || std::fs::read_to_string(&log).unwrap().matches("failed ").count() > 1
    });
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(pdf.is_file(), "{text}");
}
