//! The GitHub Actions workflows pass zizmor's audit, offline and with its default
//! persona, with nothing above informational: the one `kpipress init` writes into every
//! agency's repository, this repository's release workflow and the example in
//! `examples/ci`. (Template injection, credentials left in a checkout, broad token
//! permissions, actions pinned by tag, a cache in a release.) zizmor is a Python
//! package with its binary (`pip install zizmor`); `.ci/run` installs it and sets
//! `KPIPRESS_EXTERNAL_TESTS=required`.

use std::path::Path;
use std::process::Command;

use super::{kpipress, out_dir, root, stderr};

fn has_zizmor() -> bool {
    Command::new("zizmor")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// zizmor on one workflow file. `--min-severity low` leaves out the informational
/// findings; it exits 0 when none is left, 11 to 14 for the worst severity found, and
/// 1 to 3 when it cannot read or audit the file.
fn audit(path: &Path) {
    let output = Command::new("zizmor")
        .args(["--offline", "--min-severity", "low"])
        .args(["--no-progress", "--color", "never"])
        .arg(path)
        .output()
        .expect("zizmor runs");
    assert!(
        output.status.success(),
        "zizmor finds {} wanting (exit code {:?}):\n{}{}",
        path.display(),
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        stderr(&output)
    );
}

#[test]
fn the_workflows_pass_zizmors_audit() {
    if !has_zizmor() {
        assert!(
            std::env::var("KPIPRESS_EXTERNAL_TESTS").as_deref() != Ok("required"),
            "no zizmor to audit the workflows with"
        );
        eprintln!("skipped: no zizmor on this machine (pip install zizmor)");
        return;
    }
    // The scaffold's workflow as `init` writes it.
    let repo = out_dir("workflows").join("agency");
    let output = kpipress(&["init", repo.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    for path in [
        repo.join(".github/workflows/reports.yml"),
        root().join(".github/workflows/release.yml"),
        root().join("examples/ci/github-workflow.yml"),
    ] {
        assert!(path.is_file(), "no {}", path.display());
        audit(&path);
    }
}
