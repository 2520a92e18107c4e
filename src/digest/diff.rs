//! What a change to the specs does to the reports (`kpipress diff OLD NEW`): two sets of
//! JSON scorecards (`build --format json`), say the base branch's build and the pull
//! request's, compared client by client and KPI by KPI. The Markdown says which targets
//! changed, which statuses flipped and which values moved, for a pull-request comment.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::summary::cell;
use crate::goals::Status;
use crate::source::display;

/// Why a set of scorecards could not be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum DiffError {
    #[error("cannot read `{path}` ({source})")]
    #[diagnostic(code(diff::read))]
    Read { path: String, source: std::io::Error },
    #[error("`{path}` is not a kpipress scorecard ({message})")]
    #[diagnostic(
        code(diff::scorecard),
        help("scorecards are the `.json` files `kpipress build --format json` writes")
    )]
    Scorecard {
        path: String,
        message: String,
        line: usize,
        column: usize,
    },
    #[error("`{path}` holds no scorecards")]
    #[diagnostic(code(diff::empty), help("build both sides with `--format json`"))]
    Empty { path: String },
}

/// The parts of a scorecard (the report model as JSON) that a diff compares.
#[derive(Debug, Clone, Deserialize)]
struct Scorecard {
    client: ScoredClient,
    period: String,
    kpis: Vec<ScoredKpi>,
}

#[derive(Debug, Clone, Deserialize)]
struct ScoredClient {
    slug: String,
    name: String,
}

#[derive(Debug, Clone, Deserialize)]
struct ScoredKpi {
    id: String,
    title: String,
    status: Status,
    value: Option<f64>,
    target: Option<ScoredTarget>,
    display: ScoredDisplay,
    /// Each period shown, graded against the target in force then.
    #[serde(default)]
    history: Vec<ScoredPeriod>,
}

#[derive(Debug, Clone, Deserialize)]
struct ScoredPeriod {
    status: Status,
}

#[derive(Debug, Clone, Deserialize)]
struct ScoredTarget {
    value: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
struct ScoredDisplay {
    value: String,
    target: String,
}

/// Scorecards by client slug and period.
type Scorecards = BTreeMap<(String, String), Scorecard>;

/// The Markdown comparing the scorecards under `old` with those under `new` (folders,
/// searched through, or single files).
pub fn markdown(old: &Path, new: &Path) -> Result<String, DiffError> {
    let (old, new) = (read_all(old)?, read_all(new)?);
    let mut out = String::from("## kpipress: what this change does to the reports\n\n");
    let mut sections = String::new();
    let (mut targets, mut flips, mut moves, mut touched) = (0, 0, 0, 0);
    for (key, after) in &new {
        let Some(before) = old.get(key) else {
            let _ = writeln!(sections, "### {} ({}): new\n", cell(&after.client.name), key.1);
            touched += 1;
            continue;
        };
        let rows = compare(before, after);
        if rows.is_empty() {
            continue;
        }
        touched += 1;
        let _ = writeln!(sections, "### {} ({})\n", cell(&after.client.name), key.1);
        sections.push_str("| KPI | Target | Status | Value |\n|---|---|---|---|\n");
        for row in &rows {
            targets += usize::from(row.target_changed);
            flips += usize::from(row.status_flipped);
            moves += usize::from(row.value_moved);
            let _ = writeln!(
                sections,
                "| {} | {} | {} | {} |",
                cell(&row.title),
                row.target,
                row.status,
                row.value
            );
        }
        sections.push('\n');
        for row in rows.iter().filter(|r| r.target_changed) {
            if let Some(backtest) = &row.backtest {
                let _ = writeln!(sections, "- {}: {backtest}", cell(&row.title));
            }
        }
        sections.push('\n');
    }
    for (key, before) in &old {
        if !new.contains_key(key) {
            let _ = writeln!(
                sections,
                "### {} ({}): no longer built\n",
                cell(&before.client.name),
                key.1
            );
            touched += 1;
        }
    }
    if touched == 0 {
        let _ = writeln!(out, "No target, status or value changed in {} reports.", new.len());
        return Ok(out);
    }
    let _ = writeln!(
        out,
        "{targets} targets changed, {flips} statuses flipped, {moves} values moved, in {touched} of {} reports.\n",
        new.len()
    );
    out.push_str(&sections);
    Ok(out)
}

/// One KPI that changed, its cells already written.
struct Row {
    title: String,
    target: String,
    status: String,
    value: String,
    target_changed: bool,
    status_flipped: bool,
    value_moved: bool,
    /// For a changed target, how the periods shown score under the new and the old one.
    backtest: Option<String>,
}

fn compare(before: &Scorecard, after: &Scorecard) -> Vec<Row> {
    let mut rows = Vec::new();
    for kpi in &after.kpis {
        let Some(was) = before.kpis.iter().find(|k| k.id == kpi.id) else {
            rows.push(Row {
                title: format!("{} (new)", kpi.title),
                target: cell(&kpi.display.target),
                status: format!("**{}**", kpi.status.key()),
                value: cell(&kpi.display.value),
                target_changed: true,
                status_flipped: true,
                value_moved: false,
                backtest: None,
            });
            continue;
        };
        let target = |k: &ScoredKpi| k.target.as_ref().and_then(|t| t.value);
        let target_changed = !same(target(was), target(kpi));
        let status_flipped = was.status != kpi.status;
        let value_moved = !same(was.value, kpi.value);
        if !(target_changed || status_flipped || value_moved) {
            continue;
        }
        let change = |changed: bool, old: &str, new: &str| {
            if changed {
                format!("{} → **{}**", cell(old), cell(new))
            } else {
                cell(new)
            }
        };
        rows.push(Row {
            title: kpi.title.clone(),
            target: change(target_changed, &was.display.target, &kpi.display.target),
            status: change(status_flipped, was.status.key(), kpi.status.key()),
            value: change(value_moved, &was.display.value, &kpi.display.value),
            target_changed,
            status_flipped,
            value_moved,
            backtest: target_changed.then(|| backtest(was, kpi)).flatten(),
        });
    }
    for was in &before.kpis {
        if !after.kpis.iter().any(|k| k.id == was.id) {
            rows.push(Row {
                title: format!("{} (removed)", was.title),
                target: cell(&was.display.target),
                status: was.status.key().to_owned(),
                value: cell(&was.display.value),
                target_changed: true,
                status_flipped: false,
                value_moved: false,
                backtest: None,
            });
        }
    }
    rows
}

/// "under the new target 3 of 12 periods met it; under the old, 9 of 12": the periods
/// each scorecard shows, graded against its own targets.
fn backtest(was: &ScoredKpi, kpi: &ScoredKpi) -> Option<String> {
    let met = |k: &ScoredKpi| {
        let graded = k
            .history
            .iter()
            .filter(|h| !matches!(h.status, Status::NoTarget | Status::NoData))
            .count();
        let met = k
            .history
            .iter()
            .filter(|h| matches!(h.status, Status::Achieved | Status::OnTrack))
            .count();
        (graded > 0).then_some((met, graded))
    };
    let (new, old) = (met(kpi)?, met(was));
    let old = old.map_or_else(
        || "the old had none to meet".to_owned(),
        |(m, of)| format!("under the old, {m} of {of}"),
    );
    Some(format!(
        "under the new target {} of {} periods shown met it; {old}",
        new.0, new.1
    ))
}

/// Equal, or both missing; figures read back from JSON compare exactly.
fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs()),
        (None, None) => true,
        _ => false,
    }
}

/// Every scorecard under `path`. A JSON file that is not a report model (it has no
/// `client` and `kpis`) is passed over; one that has them but is broken is an error.
fn read_all(path: &Path) -> Result<Scorecards, DiffError> {
    let mut files = Vec::new();
    let named = !path.is_dir();
    if named {
        files.push(path.to_path_buf());
    } else {
        collect(path, &mut files)?;
    }
    files.sort();
    let mut cards = Scorecards::new();
    for file in files {
        if let Some(card) = read_one(&file, named)? {
            cards.insert((card.client.slug.clone(), card.period.clone()), card);
        }
    }
    if cards.is_empty() {
        return Err(DiffError::Empty { path: display(path) });
    }
    Ok(cards)
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), DiffError> {
    let entries = std::fs::read_dir(dir).map_err(|source| DiffError::Read {
        path: display(dir),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        // Build records and hidden folders are not scorecards; symlinks are not followed,
        // so a loop of them cannot hang the diff.
        if entry.file_name().to_string_lossy().starts_with('.') || kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            collect(&path, files)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    Ok(())
}

/// The largest file read as a scorecard: a report's is tens of kilobytes.
const MAX_SCORECARD_BYTES: u64 = 32 << 20;

/// Just enough of a JSON file to tell a scorecard: an object's keys; its values are
/// skipped, not built.
type Probe = std::collections::HashMap<String, serde::de::IgnoredAny>;

/// The scorecard in `path`, or `None` when it is not one. A file the user `named` that
/// cannot be read or is not JSON is an error; in a folder of scorecards, other JSON files
/// (a `tsconfig.json` with comments, a large data file) are passed over.
fn read_one(path: &Path, named: bool) -> Result<Option<Scorecard>, DiffError> {
    let bytes = match crate::output::read_regular(path, MAX_SCORECARD_BYTES) {
        Ok(bytes) => bytes,
        Err(_) if !named => return Ok(None),
        Err(source) => {
            return Err(DiffError::Read {
                path: display(path),
                source,
            })
        }
    };
    let broken = |e: serde_json::Error| DiffError::Scorecard {
        path: display(path),
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
    };
    let probe = match serde_json::from_slice::<Probe>(&bytes) {
        Ok(probe) => probe,
        Err(_) if !named => return Ok(None),
        Err(error) => return Err(broken(error)),
    };
    if !probe.contains_key("client") || !probe.contains_key("kpis") {
        return Ok(None);
    }
    serde_json::from_slice(&bytes).map(Some).map_err(broken)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(target: f64, value: f64, status: &str) -> String {
        format!(
            r#"{{"client": {{"slug": "acme", "name": "Acme"}}, "period": "2026-10", "extra": 1,
               "kpis": [{{"id": "views", "title": "Views", "status": "{status}", "value": {value},
                          "target": {{"value": {target}}}, "display": {{"value": "{value}", "target": "{target}"}}}}]}}"#
        )
    }

    fn diff(old: &str, new: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        for (side, text) in [("old", old), ("new", new)] {
            std::fs::create_dir_all(dir.path().join(side).join("acme")).unwrap();
            std::fs::write(dir.path().join(side).join("acme/2026-10.json"), text).unwrap();
            std::fs::write(dir.path().join(side).join("package.json"), "{\"name\": \"x\"}").unwrap();
            std::fs::write(dir.path().join(side).join("tsconfig.json"), "{ // comments\n}").unwrap();
            std::fs::write(dir.path().join(side).join("list.json"), "[1, 2]").unwrap();
        }
        markdown(&dir.path().join("old"), &dir.path().join("new")).unwrap()
    }

    #[test]
    fn a_raised_target_shows_the_target_and_the_flip() {
        let text = diff(&card(100.0, 110.0, "achieved"), &card(120.0, 110.0, "missed"));
        assert!(
            text.contains("1 targets changed, 1 statuses flipped, 0 values moved, in 1 of 1 reports."),
            "{text}"
        );
        assert!(
            text.contains("| Views | 100 → **120** | achieved → **missed** | 110 |"),
            "{text}"
        );
    }

    #[test]
    fn the_same_scorecards_say_so() {
        let text = diff(&card(100.0, 110.0, "achieved"), &card(100.0, 110.0, "achieved"));
        assert!(
            text.contains("No target, status or value changed in 1 reports."),
            "{text}"
        );
    }

    #[test]
    fn a_broken_scorecard_is_named_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        std::fs::write(
            &path,
            "{\"client\": {\"slug\": \"a\", \"name\": \"A\"},\n \"period\": \"x\", \"kpis\": 3}",
        )
        .unwrap();
        let error = read_all(&path).unwrap_err();
        assert!(matches!(error, DiffError::Scorecard { line: 2, .. }), "{error:?}");
    }
}
