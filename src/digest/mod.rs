//! Digests of a build for the people around it: the Markdown summary for a CI job's page
//! ([`summary`]), JUnit XML for CI test views ([`junit`]), the portfolio page of every
//! client ([`portfolio`]), and what a change to the specs does to two builds' scorecards
//! ([`diff`]). Each is made from [`ClientDigest`]s: a few lines per client, small enough
//! to keep for every client of a large build, and kept in each build's record so that a
//! skipped client has its digest too.

pub mod diff;
pub mod junit;
pub mod portfolio;
pub mod summary;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::goals::Status;
use crate::report::ReportModel;

/// One client's report, as its digests show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientDigest {
    pub slug: String,
    pub name: String,
    pub period: String,
    /// The period in the report's words: "December 2025".
    pub period_name: String,
    pub kpis: Vec<KpiDigest>,
    /// The report's files, relative to the build's `--out`, with `/` between folders.
    pub files: Vec<String>,
    /// The folder the spec's reports go in whatever the client and period (`reports`),
    /// relative to `--out`: where the portfolio page goes.
    pub folder: String,
}

/// One KPI, with its figures as numbers and as the report prints them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiDigest {
    pub id: String,
    pub title: String,
    pub status: Status,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub shown: Shown,
    /// A KPI with a target that no period the report shows has met: a target to question
    /// in review.
    #[serde(default)]
    pub never_met: bool,
}

/// A KPI's figures as the report prints them, in its language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shown {
    pub value: String,
    pub target: String,
    pub status: String,
}

/// A spec whose build failed, with the first line of its error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    pub spec: String,
    pub message: String,
}

impl ClientDigest {
    /// The digest of `model`, whose files were written to `written` under `out`, in a
    /// spec whose reports go in `folder`.
    pub fn of(model: &ReportModel, written: &[PathBuf], out: &Path, folder: &Path) -> Self {
        Self {
            slug: model.client.slug.clone(),
            name: model.client.name.clone(),
            period: model.period.clone(),
            period_name: model.period_name.clone(),
            kpis: model
                .kpis
                .iter()
                .map(|kpi| KpiDigest {
                    id: kpi.id.clone(),
                    title: kpi.title.clone(),
                    status: kpi.status,
                    value: kpi.value,
                    target: kpi.target.as_ref().and_then(|t| t.value),
                    never_met: kpi.target.is_some()
                        && !kpi
                            .history
                            .iter()
                            .any(|h| matches!(h.status, Status::Achieved | Status::OnTrack)),
                    shown: Shown {
                        value: kpi.display.value.clone(),
                        target: kpi.display.target.clone(),
                        status: kpi.display.status.clone(),
                    },
                })
                .collect(),
            files: written.iter().map(|path| link(path, out)).collect(),
            folder: link(folder, Path::new("")),
        }
    }

    /// How many KPIs have `status`; `on_track` counts as achieved.
    pub fn count(&self, status: Status) -> usize {
        self.kpis.iter().filter(|k| same_bucket(k.status, status)).count()
    }

    /// The KPIs that missed or are behind, misses first.
    pub fn misses(&self) -> Vec<&KpiDigest> {
        let mut misses: Vec<&KpiDigest> = self
            .kpis
            .iter()
            .filter(|k| matches!(k.status, Status::Missed | Status::Behind))
            .collect();
        misses.sort_by_key(|k| k.status != Status::Missed);
        misses
    }

    /// The file of the report with `extension` (`pdf`, `json`), if the build wrote one.
    pub fn file(&self, extension: &str) -> Option<&str> {
        let suffix = format!(".{extension}");
        self.files.iter().map(String::as_str).find(|f| f.ends_with(&suffix))
    }

    /// Where the client goes in a list read from the top: most misses first, then most
    /// behind, then most near, then by name.
    fn rank(&self) -> (std::cmp::Reverse<(usize, usize, usize)>, String) {
        let worst = (
            self.count(Status::Missed),
            self.count(Status::Behind),
            self.count(Status::Near),
        );
        (std::cmp::Reverse(worst), self.name.to_lowercase())
    }
}

/// The statuses the digests count, in the order they show them.
pub const COUNTED: [Status; 5] = [
    Status::Achieved,
    Status::Near,
    Status::Missed,
    Status::Behind,
    Status::NoData,
];

fn same_bucket(status: Status, counted: Status) -> bool {
    let bucket = |s| if s == Status::OnTrack { Status::Achieved } else { s };
    bucket(status) == bucket(counted)
}

/// Orders clients for reading: the ones that need attention first.
pub fn worst_first(clients: &mut [ClientDigest]) {
    clients.sort_by_cached_key(ClientDigest::rank);
}

/// `path` as a link from `out`: relative, with `/` between folders on every system.
pub(crate) fn link(path: &Path, out: &Path) -> String {
    let relative = path.strip_prefix(out).unwrap_or(path);
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A client with one KPI per status given, named after it.
    pub fn client(name: &str, statuses: &[Status]) -> ClientDigest {
        ClientDigest {
            slug: name.to_lowercase().replace(' ', "-"),
            name: name.to_owned(),
            period: "2026-10".to_owned(),
            period_name: "October 2026".to_owned(),
            kpis: statuses
                .iter()
                .enumerate()
                .map(|(i, status)| KpiDigest {
                    id: format!("kpi_{i}"),
                    title: format!("KPI {i}"),
                    status: *status,
                    value: Some(10.0 + i as f64),
                    target: Some(12.0),
                    never_met: false,
                    shown: Shown {
                        value: format!("{}", 10 + i),
                        target: "12".to_owned(),
                        status: status.key().to_owned(),
                    },
                })
                .collect(),
            files: vec![format!("reports/{name}/2026-10.pdf")],
            folder: "reports".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::client;
    use super::*;

    #[test]
    fn clients_that_missed_come_first() {
        let mut clients = vec![
            client("Calm", &[Status::Achieved]),
            client("Near", &[Status::Near]),
            client("Two misses", &[Status::Missed, Status::Missed]),
            client("One miss", &[Status::Missed, Status::Achieved]),
            client("Behind", &[Status::Behind]),
        ];
        worst_first(&mut clients);
        let names: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Two misses", "One miss", "Behind", "Near", "Calm"]);
    }

    #[test]
    fn on_track_counts_as_achieved() {
        let digest = client("A", &[Status::OnTrack, Status::Achieved, Status::NoTarget]);
        assert_eq!(digest.count(Status::Achieved), 2);
        assert_eq!(digest.count(Status::NoData), 0);
    }

    #[test]
    fn links_are_relative_to_out() {
        assert_eq!(
            link(Path::new("out/reports/a/2026-10.pdf"), Path::new("out")),
            "reports/a/2026-10.pdf"
        );
    }
}
