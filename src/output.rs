//! A report's files: where they go (`report.output` with its placeholders filled, and
//! the other formats beside the PDF), and writing them whole or not at all. Each goes to
//! a temporary file beside its place, then is renamed over it, so a reader never sees
//! half a file and a failed run leaves the previous file as it was. And reading back what
//! a build wrote (its records, its scorecards), where anything else may stand in its
//! place.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::pipeline::Formats;
use crate::spec::Spec;

/// What a temporary file's name holds between the target's name and its random part.
const TEMP_MARK: &str = ".kpipress-";
const TEMP_SUFFIX: &str = ".tmp";

/// Where the spec's report for the period labelled `period` goes, relative to `--out`.
pub fn output_path(spec: &Spec, period: &str) -> PathBuf {
    PathBuf::from(
        spec.report
            .output
            .replace("{client}", &spec.client.slug)
            .replace("{period}", period),
    )
}

/// The folder every report of `spec` goes in whatever the period, relative to `--out`:
/// `report.output` up to its first placeholder (`reports` of `reports/{client}/…`).
pub fn report_folder(spec: &Spec) -> PathBuf {
    let output = &spec.report.output;
    let fixed = &output[..output.find('{').unwrap_or(output.len())];
    match fixed.rfind('/') {
        Some(slash) => PathBuf::from(&fixed[..slash]),
        None => PathBuf::new(),
    }
}

/// Every file a build of `spec` writes in `formats`, with `{period}` left as it is: two
/// specs (or two formats of one) that share one are a clash whatever the period.
pub fn planned_outputs(spec: &Spec, formats: Formats) -> Vec<PathBuf> {
    let pdf = output_path(spec, "{period}");
    let mut paths = Vec::new();
    if formats.pdf {
        paths.push(pdf.clone());
    }
    if formats.typ {
        paths.push(pdf.with_extension("typ"));
    }
    if formats.json {
        paths.push(pdf.with_extension("json"));
    }
    if formats.junit {
        paths.push(pdf.with_extension("junit.xml"));
    }
    paths
}

/// Writes `bytes` to `path` atomically. The file gets the mode of the one it replaces,
/// or a new file's mode under the umask (0644 under the usual 022), not the temporary
/// file's private 0600. Temporary files of the same target that a killed build left
/// behind are removed first.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    remove_abandoned(dir, &name);
    let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
    let prefix = format!(".{name}{TEMP_MARK}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    if let Some(mode) = existing.clone().or_else(new_file_mode) {
        builder.permissions(mode);
    }
    let mut file = builder.tempfile_in(dir)?;
    // The umask applies when a file is created; the mode of the file replaced is kept whole.
    if let Some(mode) = existing {
        file.as_file().set_permissions(mode)?;
    }
    file.write_all(bytes)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The bytes of `path` when it is a regular file (a FIFO would hang the reader, `/dev/zero`
/// would fill memory) of at most `max` bytes; anything else is an error, and nothing of
/// it is read past `max`.
pub fn read_regular(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    // Looked at before opening: opening a FIFO waits for a writer.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, "not a regular file"));
    }
    if meta.len() > max {
        return Err(Error::new(ErrorKind::InvalidData, format!("larger than {max} bytes")));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(Error::new(ErrorKind::InvalidData, format!("larger than {max} bytes")));
    }
    Ok(bytes)
}

/// Removes `.{name}.kpipress-{pid}-….tmp` files in `dir` whose process is gone: a
/// build killed while writing leaves one, which no rename will ever take.
fn remove_abandoned(dir: &Path, name: &str) {
    let prefix = format!(".{name}{TEMP_MARK}");
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if rest.ends_with(TEMP_SUFFIX) && pid.is_some_and(|pid| !alive(pid)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid` still runs; elsewhere than unix, assumed so, and nothing is removed.
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    return i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
        .is_none_or(|pid| rustix::process::test_kill_process(pid).is_ok());
    #[cfg(not(unix))]
    return pid > 0;
}

/// The mode a new report is created with, before the umask takes its part; elsewhere
/// than unix, the system's default.
fn new_file_mode() -> Option<std::fs::Permissions> {
    #[cfg(unix)]
    return Some(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    #[cfg(not(unix))]
    return None;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn temporary_files_of_dead_builds_go_and_those_of_live_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join(".r.pdf.kpipress-999999999-x1.tmp");
        let live = dir
            .path()
            .join(format!(".r.pdf.kpipress-{}-x2.tmp", std::process::id()));
        let other = dir.path().join(".s.pdf.kpipress-999999999-x3.tmp");
        for path in [&dead, &live, &other] {
            std::fs::write(path, "half").unwrap();
        }
        write_atomically(&dir.path().join("r.pdf"), b"whole").unwrap();
        assert!(!dead.exists());
        assert!(live.exists() && other.exists());
        assert_eq!(std::fs::read(dir.path().join("r.pdf")).unwrap(), b"whole");
    }
}
