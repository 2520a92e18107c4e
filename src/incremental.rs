//! Incremental builds: what each report was built from, so that `build` can skip a
//! client whose inputs did not change and whose files are still there.
//!
//! The inputs are hashed by content, never by modification time: a CI job checks the
//! repository out afresh on every push, so every file is new to the clock.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::digest::ClientDigest;
use crate::goals::Status;
use crate::pipeline::{Formats, Options};
use crate::render::TemplateSet;
use crate::source::{self, SourceError};
use crate::spec::{Spec, TemplateRef};

/// Where the records of earlier builds live, under `--out`.
const RECORDS: &str = ".kpipress/builds";

/// Where a spec whose last build failed leaves its error, under `--out`, by the same name
/// as its record: the portfolio of merged shards shows the failure, not the last good
/// build.
const FAILURES: &str = ".kpipress/failed";

/// A spec's last build failed: the spec and the first line of its error.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FailedBuild {
    pub spec: String,
    pub message: String,
    /// The folder its reports go in, relative to `--out`, when it is known: where the
    /// portfolio page goes even when every spec fails.
    #[serde(default)]
    pub folder: Option<PathBuf>,
}

impl FailedBuild {
    /// Notes the failure; a note that cannot be written only leaves the portfolio with the
    /// last good build.
    pub fn write(&self, out: &Path, spec_path: &Path, period: Option<&str>) {
        let json = serde_json::to_vec_pretty(self).expect("a failure serialises");
        let _ = crate::output::write_atomically(&failure_path(out, spec_path, period), &json);
    }

    /// Takes the note away once the spec builds again.
    pub fn clear(out: &Path, spec_path: &Path, period: Option<&str>) {
        let _ = std::fs::remove_file(failure_path(out, spec_path, period));
    }
}

/// What the builds recorded under an `--out` folder hold: the specs that built, and
/// those whose last build failed.
pub struct Recorded {
    pub records: Vec<Record>,
    pub failures: Vec<FailedBuild>,
    /// The report folders of the failed specs, where known.
    pub failed_folders: Vec<PathBuf>,
}

impl Recorded {
    /// Every record under `out` whose files are still there, but for specs whose last
    /// build failed, which are among `failures` instead. Shards' output folders merged
    /// into one keep their records apart.
    pub fn read(out: &Path) -> Self {
        let failed = json_files(&out.join(FAILURES));
        let failed_names: Vec<&std::ffi::OsStr> = failed.iter().filter_map(|(p, _)| p.file_name()).collect();
        let mut records: Vec<Record> = json_files(&out.join(RECORDS))
            .into_iter()
            .filter(|(path, _)| !path.file_name().is_some_and(|n| failed_names.contains(&n)))
            .filter_map(|(_, bytes)| serde_json::from_slice::<Record>(&bytes).ok())
            .filter(|r| r.written(out).iter().all(|p| p.is_file()))
            .collect();
        records.sort_by(|a, b| (&a.digest.slug, &a.digest.period).cmp(&(&b.digest.slug, &b.digest.period)));
        let mut failures: Vec<FailedBuild> = failed
            .iter()
            .filter_map(|(_, bytes)| serde_json::from_slice(bytes).ok())
            .collect();
        failures.sort_by(|a, b| a.spec.cmp(&b.spec));
        // A client whose spec was deleted or renamed has left the agency. Records name
        // their specs as the build did, so this is known only where the build ran: where
        // no recorded spec is found (a merged folder looked at elsewhere), all are kept.
        let present = |spec: &str| Path::new(spec).is_file();
        if records.iter().any(|r| present(&r.spec)) || failures.iter().any(|f| present(&f.spec)) {
            records.retain(|r| present(&r.spec));
            failures.retain(|f| present(&f.spec));
        }
        let failed_folders = failures.iter().filter_map(|f| f.folder.clone()).collect();
        Self {
            records,
            failures,
            failed_folders,
        }
    }
}

/// The `.json` files directly in `dir`, with their bytes; anything that is not a small
/// regular file is passed over.
fn json_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| read_small(&p).map(|bytes| (p, bytes)))
        .collect()
}

/// The largest record read: a record is a client's few lines; a larger file in the
/// records' folder is not one kpipress wrote.
const MAX_RECORD_BYTES: u64 = 4 << 20;

/// The bytes of `path` when it is a regular file (a FIFO would hang the build) of at most
/// [`MAX_RECORD_BYTES`].
fn read_small(path: &Path) -> Option<Vec<u8>> {
    crate::output::read_regular(path, MAX_RECORD_BYTES).ok()
}

/// What one client's last build was made from and made.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// The digest of every input, as [`inputs`] computes it, named by its algorithm
    /// (`blake3:…`).
    pub inputs: String,
    /// The spec, as the build named it.
    pub spec: String,
    /// The warnings the build printed, printed again when it is skipped.
    pub warnings: Vec<String>,
    /// The report's KPIs and files (relative to `--out`, so a folder moved or merged
    /// keeps its records), for the log line, `--fail-on` and the digests.
    pub digest: ClientDigest,
}

impl Record {
    /// The record of the last build of the spec at `spec_path` for the `--period` asked
    /// for, if it is there and whole.
    pub fn read(out: &Path, spec_path: &Path, period: Option<&str>) -> Option<Self> {
        serde_json::from_slice(&read_small(&record_path(out, spec_path, period))?).ok()
    }

    /// The files the build wrote, under `out`.
    pub fn written(&self, out: &Path) -> Vec<PathBuf> {
        self.digest.files.iter().map(|file| out.join(file)).collect()
    }

    /// Whether the build it records is still good: the same inputs, and every file it
    /// wrote still in place under `out`.
    pub fn is_current(&self, inputs: &str, out: &Path) -> bool {
        self.inputs == inputs && self.written(out).iter().all(|path| path.is_file())
    }

    /// Takes the record away before the client's files are written again: a build
    /// stopped between its files and its record must leave no record that describes
    /// files it did not write, or the next build would skip them as current.
    pub fn forget(out: &Path, spec_path: &Path, period: Option<&str>) {
        let _ = std::fs::remove_file(record_path(out, spec_path, period));
    }

    /// How many KPIs had each status.
    pub fn counts(&self) -> Counts {
        Counts::of(self.digest.kpis.iter().map(|k| k.status))
    }

    /// Saves the record, whole or not at all; a record that cannot be written only costs
    /// the next build its skip.
    pub fn write(&self, out: &Path, spec_path: &Path, period: Option<&str>) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(self).expect("a build record serialises");
        crate::output::write_atomically(&record_path(out, spec_path, period), &json)
    }
}

/// How many KPIs of a report had each status; `on_track` counts as achieved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub achieved: usize,
    pub near: usize,
    pub missed: usize,
    pub behind: usize,
    pub no_data: usize,
}

impl Counts {
    pub fn of(statuses: impl IntoIterator<Item = Status>) -> Self {
        let mut counts = Self::default();
        for status in statuses {
            match status {
                Status::Achieved | Status::OnTrack => counts.achieved += 1,
                Status::Near => counts.near += 1,
                Status::Missed => counts.missed += 1,
                Status::Behind => counts.behind += 1,
                Status::NoData => counts.no_data += 1,
                Status::NoTarget => {}
            }
        }
        counts
    }

    /// How many KPIs had `status`.
    pub fn of_status(&self, status: Status) -> usize {
        match status {
            Status::Achieved | Status::OnTrack => self.achieved,
            Status::Near => self.near,
            Status::Missed => self.missed,
            Status::Behind => self.behind,
            Status::NoData => self.no_data,
            Status::NoTarget => 0,
        }
    }
}

/// The record's file: one per spec and `--period`, named by the hash of the spec's
/// absolute path, so two specs of the same name in different folders keep their own,
/// and a build of last month between two of this month's skips neither.
fn record_path(out: &Path, spec_path: &Path, period: Option<&str>) -> PathBuf {
    out.join(RECORDS).join(record_name(spec_path, period))
}

fn failure_path(out: &Path, spec_path: &Path, period: Option<&str>) -> PathBuf {
    out.join(FAILURES).join(record_name(spec_path, period))
}

fn record_name(spec_path: &Path, period: Option<&str>) -> String {
    let absolute = std::path::absolute(spec_path).unwrap_or_else(|_| spec_path.to_path_buf());
    let mut digest = Digest::default();
    absolute.hash(&mut digest);
    period.hash(&mut digest);
    format!("{}.json", &digest.hex()[..16])
}

/// The digest of everything a report of `spec` is made from: the kpipress version, the
/// options that change the files (period, formats, creation date), every file of the
/// spec's `extends` chain, every data file its sources match (a database source's rows
/// are added by [`with_rows`] once read), the template set, the logo and the brand's fonts. A cryptographic hash (BLAKE3), since a spec comes from a
/// pull request: with a weak one, a few chosen characters in a comment would make an
/// edited target hash like the old one, and the build would keep the old statuses.
///
/// Not covered: files of the spec's folder that a custom template reads by itself
/// (`read("notes.txt")`), and today's date, which the default period and the cut-off of
/// rows dated in the future depend on; `--force` rebuilds regardless.
pub fn inputs(spec: &Spec, options: &Options) -> Result<String, InputError> {
    let mut digest = Digest::default();
    env!("CARGO_PKG_VERSION").hash(&mut digest);
    options.period.hash(&mut digest);
    options.render.created.hash(&mut digest);
    let Formats { pdf, json, typ, junit } = options.formats;
    (pdf, json, typ, junit).hash(&mut digest);
    for file in &spec.files.files {
        file.path.hash(&mut digest);
        file.text.hash(&mut digest);
    }
    for source in spec.sources.values() {
        for path in source::files(spec, source)? {
            digest.file(&path)?;
        }
    }
    let template = TemplateSet::load(&spec.report.template).map_err(|_| InputError::Template)?;
    template.files.hash(&mut digest);
    if let TemplateRef::Dir(dir) = &spec.report.template {
        dir.hash(&mut digest);
    }
    if let Some(logo) = &spec.brand.logo {
        digest.file(logo)?;
    }
    if let Some(fonts) = &spec.brand.fonts {
        for path in files_in(fonts).map_err(|_| InputError::Unreadable(fonts.clone()))? {
            digest.file(&path)?;
        }
    }
    Ok(format!("blake3:{}", digest.hex()))
}

/// [`inputs`] with the rows a spec's database sources returned (known only once they are
/// read), as [`crate::source::Sources::rows_digest`] gives them.
pub fn with_rows(inputs: &str, rows: &str) -> String {
    let mut digest = Digest::default();
    inputs.hash(&mut digest);
    rows.hash(&mut digest);
    format!("blake3:{}", digest.hex())
}

/// The files on disk a report of `spec` is made from, as far as they can be listed: the
/// spec's `extends` chain, the data files its sources match now, a template folder's
/// files, the logo and the brand's fonts. `watch` looks at these.
pub fn input_files(spec: &Spec) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = spec.files.files.iter().map(|f| f.path.clone()).collect();
    for source in spec.sources.values() {
        files.extend(source::files(spec, source).unwrap_or_default());
    }
    if let TemplateRef::Dir(dir) = &spec.report.template {
        // The files a template folder overlays; others there are not read.
        let template = |p: &PathBuf| p.extension().is_some_and(|e| e == "typ" || e == "j2");
        files.extend(files_in(dir).unwrap_or_default().into_iter().filter(template));
    }
    files.extend(spec.brand.logo.clone());
    if let Some(fonts) = &spec.brand.fonts {
        files.extend(files_in(fonts).unwrap_or_default());
    }
    files
}

/// The regular files directly in `dir`, in order.
fn files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    Ok(paths)
}

/// An input that cannot be hashed: the build itself will say what is wrong with it, so
/// the client is built, not skipped.
#[derive(Debug)]
pub enum InputError {
    Source,
    Template,
    Unreadable(PathBuf),
}

impl From<SourceError> for InputError {
    fn from(_: SourceError) -> Self {
        Self::Source
    }
}

/// BLAKE3 over a sequence of inputs framed as std's `Hash` frames them (a string ends in
/// `0xff`, which UTF-8 never holds; a list starts with its length), so no two different
/// sequences of inputs feed it the same bytes. A file goes in as its path and its own
/// digest.
#[derive(Default)]
struct Digest(blake3::Hasher);

impl Digest {
    fn file(&mut self, path: &Path) -> Result<(), InputError> {
        let unreadable = || InputError::Unreadable(path.to_path_buf());
        let file = std::fs::File::open(path).map_err(|_| unreadable())?;
        let mut content = blake3::Hasher::new();
        content.update_reader(file).map_err(|_| unreadable())?;
        path.hash(self);
        content.finalize().as_bytes().hash(self);
        Ok(())
    }

    fn hex(&self) -> String {
        self.0.finalize().to_hex().to_string()
    }
}

impl Hasher for Digest {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// Only the [`Hasher`] trait asks for this; the digest is [`Digest::hex`].
    fn finish(&self) -> u64 {
        let bytes = self.0.finalize();
        u64::from_le_bytes(bytes.as_bytes()[..8].try_into().expect("a digest has 32 bytes"))
    }
}

/// A stable number for `bytes`: the same on every machine and every run (std's
/// `DefaultHasher` promises neither).
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut digest = Digest::default();
    digest.write(bytes);
    digest.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_sees_every_byte_and_names_its_algorithm() {
        assert_ne!(
            stable_hash(b"date,views\n2026-10-01,100\n"),
            stable_hash(b"date,views\n2026-10-01,101\n")
        );
        assert_eq!(stable_hash(b"same"), stable_hash(b"same"));
        let framed = |parts: &[&str]| {
            let mut digest = Digest::default();
            parts.iter().for_each(|p| p.hash(&mut digest));
            digest.hex()
        };
        assert_ne!(framed(&["ab", "c"]), framed(&["a", "bc"]), "inputs are framed");
    }

    #[test]
    fn a_record_is_current_only_with_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("report.pdf");
        let mut digest = crate::digest::testing::client("A", &[Status::Missed]);
        digest.files = vec!["report.pdf".into()];
        let record = Record {
            inputs: "1".into(),
            spec: "spec.yaml".into(),
            warnings: Vec::new(),
            digest,
        };
        assert!(!record.is_current("1", dir.path()), "the report is missing");
        std::fs::write(&report, "%PDF").unwrap();
        assert!(record.is_current("1", dir.path()));
        assert!(!record.is_current("2", dir.path()));
        record.write(dir.path(), Path::new("spec.yaml"), None).unwrap();
        let read = Record::read(dir.path(), Path::new("spec.yaml"), None).unwrap();
        assert_eq!(read.written(dir.path()), vec![report]);
        assert_eq!(read.counts().missed, 1);
        assert_eq!(Recorded::read(dir.path()).records.len(), 1);
        let failed = FailedBuild {
            spec: "spec.yaml".into(),
            message: "broken".into(),
            folder: None,
        };
        failed.write(dir.path(), Path::new("spec.yaml"), None);
        let recorded = Recorded::read(dir.path());
        assert!(
            recorded.records.is_empty(),
            "a failed spec shows its failure, not its last build"
        );
        assert_eq!(recorded.failures[0].message, "broken");
        FailedBuild::clear(dir.path(), Path::new("spec.yaml"), None);
        assert_eq!(Recorded::read(dir.path()).records.len(), 1);
        assert!(Record::read(dir.path(), Path::new("spec.yaml"), Some("2026-09")).is_none());
        Record::forget(dir.path(), Path::new("spec.yaml"), None);
        assert!(Record::read(dir.path(), Path::new("spec.yaml"), None).is_none());
    }
}
