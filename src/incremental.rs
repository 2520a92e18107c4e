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
            .filter(|r| r.written.iter().all(|p| p.is_file()))
            .collect();
        records.sort_by(|a, b| (&a.digest.slug, &a.digest.period).cmp(&(&b.digest.slug, &b.digest.period)));
        let mut failures: Vec<FailedBuild> = failed
            .iter()
            .filter_map(|(_, bytes)| serde_json::from_slice(bytes).ok())
            .collect();
        failures.sort_by(|a, b| a.spec.cmp(&b.spec));
        Self { records, failures }
    }
}

/// The `.json` files directly in `dir`, with their bytes.
fn json_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| std::fs::read(&p).ok().map(|bytes| (p, bytes)))
        .collect()
}

/// What one client's last build was made from and made.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// The hash of every input, as [`inputs`] computes it.
    pub inputs: String,
    pub written: Vec<PathBuf>,
    /// The warnings the build printed, printed again when it is skipped.
    pub warnings: Vec<String>,
    /// The report's KPIs and files, for the log line, `--fail-on` and the digests.
    pub digest: ClientDigest,
}

impl Record {
    /// The record of the last build of the spec at `spec_path` for the `--period` asked
    /// for, if it is there and whole.
    pub fn read(out: &Path, spec_path: &Path, period: Option<&str>) -> Option<Self> {
        let text = std::fs::read(record_path(out, spec_path, period)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Whether the build it records is still good: the same inputs, and every file it
    /// wrote still in place.
    pub fn is_current(&self, inputs: &str) -> bool {
        self.inputs == inputs && self.written.iter().all(|path| path.is_file())
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
    let mut hasher = Fnv::default();
    absolute.hash(&mut hasher);
    period.hash(&mut hasher);
    format!("{:016x}.json", hasher.finish())
}

/// The hash of everything a report of `spec` is made from: the kpipress version, the
/// options that change the files (period, formats, creation date), every file of the
/// spec's `extends` chain, every data file its sources match, the template set, the
/// logo and the brand's fonts.
///
/// Not covered: files of the spec's folder that a custom template reads by itself
/// (`read("notes.txt")`), and today's date, which the default period and the cut-off of
/// rows dated in the future depend on; `--force` rebuilds regardless.
pub fn inputs(spec: &Spec, options: &Options) -> Result<String, InputError> {
    let mut hasher = Fnv::default();
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    options.period.hash(&mut hasher);
    options.render.created.hash(&mut hasher);
    let Formats { pdf, json, typ, junit } = options.formats;
    (pdf, json, typ, junit).hash(&mut hasher);
    for file in &spec.files.files {
        file.path.hash(&mut hasher);
        file.text.hash(&mut hasher);
    }
    for source in spec.sources.values() {
        for path in source::files(spec, source)? {
            hash_file(&mut hasher, &path)?;
        }
    }
    let template = TemplateSet::load(&spec.report.template).map_err(|_| InputError::Template)?;
    template.files.hash(&mut hasher);
    if let TemplateRef::Dir(dir) = &spec.report.template {
        dir.hash(&mut hasher);
    }
    if let Some(logo) = &spec.brand.logo {
        hash_file(&mut hasher, logo)?;
    }
    if let Some(fonts) = &spec.brand.fonts {
        for path in files_in(fonts).map_err(|_| InputError::Unreadable(fonts.clone()))? {
            hash_file(&mut hasher, &path)?;
        }
    }
    Ok(format!("{:016x}", hasher.finish()))
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

fn hash_file(hasher: &mut Fnv, path: &Path) -> Result<(), InputError> {
    use std::io::Read;
    let unreadable = || InputError::Unreadable(path.to_path_buf());
    let mut file = std::fs::File::open(path).map_err(|_| unreadable())?;
    path.hash(hasher);
    let mut buffer = vec![0; 1 << 16];
    loop {
        let read = file.read(&mut buffer).map_err(|_| unreadable())?;
        if read == 0 {
            return Ok(());
        }
        hasher.write(&buffer[..read]);
    }
}

/// The stable hash of `bytes` ([`Fnv`]): the same on every machine and every run.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut hasher = Fnv::default();
    hasher.write(bytes);
    hasher.finish()
}

/// FNV-1a, 64 bits, eight bytes at a time: the same on every machine and every Rust
/// release (std's `DefaultHasher` promises neither), and fast enough to hash gigabytes
/// of exports in the time polars takes to parse a fraction of them.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("chunks of eight"));
            self.0 = (self.0 ^ word).wrapping_mul(PRIME);
        }
        for byte in chunks.remainder() {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(PRIME);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(bytes: &[u8]) -> u64 {
        let mut hasher = Fnv::default();
        hasher.write(bytes);
        hasher.finish()
    }

    #[test]
    fn the_hash_sees_every_byte() {
        assert_ne!(
            hash(b"date,views\n2026-10-01,100\n"),
            hash(b"date,views\n2026-10-01,101\n")
        );
        assert_ne!(hash(b"abcdefgh1"), hash(b"abcdefgh2"));
        assert_eq!(hash(b"same"), hash(b"same"));
    }

    #[test]
    fn a_record_is_current_only_with_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("report.pdf");
        let record = Record {
            inputs: "1".into(),
            written: vec![report.clone()],
            warnings: Vec::new(),
            digest: crate::digest::testing::client("A", &[Status::Missed]),
        };
        assert!(!record.is_current("1"), "the report is missing");
        std::fs::write(&report, "%PDF").unwrap();
        assert!(record.is_current("1"));
        assert!(!record.is_current("2"));
        record.write(dir.path(), Path::new("spec.yaml"), None).unwrap();
        let read = Record::read(dir.path(), Path::new("spec.yaml"), None).unwrap();
        assert_eq!(read.written, vec![report]);
        assert_eq!(read.counts().missed, 1);
        assert_eq!(Recorded::read(dir.path()).records.len(), 1);
        let failed = FailedBuild {
            spec: "spec.yaml".into(),
            message: "broken".into(),
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
    }
}
