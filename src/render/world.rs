//! The typst World a report compiles in: the generated source, the report model and
//! the template's typst files as virtual files under `/_kpipress/`, read access to the
//! spec's own folder tree and nothing else, embedded and brand fonts, no packages, and
//! the period's last day as "today".

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{Datelike, NaiveDate};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The folder of virtual files; users' own files cannot clash with it.
pub const RESERVED: &str = "/_kpipress";

pub struct ReportWorld {
    main: FileId,
    virtual_files: HashMap<FileId, Bytes>,
    root: PathBuf,
    book: LazyHash<FontBook>,
    fonts: Arc<Vec<Font>>,
    today: NaiveDate,
    /// typst asks for the same source many times; parse each once.
    sources: Mutex<HashMap<FileId, Source>>,
}

impl ReportWorld {
    /// `files` are virtual paths (under [`RESERVED`]) and their bytes; `main` is one of them.
    pub fn new(
        main: &str,
        files: Vec<(String, Vec<u8>)>,
        root: &Path,
        fonts: Arc<Vec<Font>>,
        today: NaiveDate,
    ) -> Self {
        let virtual_files = files
            .into_iter()
            .map(|(path, bytes)| (file_id(&path), Bytes::new(bytes)))
            .collect();
        Self {
            main: file_id(main),
            virtual_files,
            root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            book: LazyHash::new(FontBook::from_fonts(fonts.iter())),
            fonts,
            today,
            sources: Mutex::default(),
        }
    }

    /// The folder typst may read files from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The text of a file typst saw, for error snippets.
    pub fn text(&self, id: FileId) -> Option<String> {
        self.source(id).ok().map(|s| s.text().to_owned())
    }

    /// A real file under the spec's folder; anything that resolves outside it (through
    /// `..` or a symlink) is denied.
    fn read_disk(&self, id: FileId) -> FileResult<Vec<u8>> {
        if !matches!(id.get().root(), VirtualRoot::Project) {
            return Err(FileError::AccessDenied);
        }
        let path = id.vpath().realize(&self.root).map_err(FileError::Realize)?;
        let real = path.canonicalize().map_err(|e| FileError::from_io(e, &path))?;
        if !real.starts_with(&self.root) {
            return Err(FileError::AccessDenied);
        }
        // A FIFO or a device would hang the read or never end it.
        match std::fs::metadata(&real) {
            Ok(meta) if meta.is_dir() => return Err(FileError::IsDirectory),
            Ok(meta) if !meta.is_file() => return Err(FileError::Other(Some("it is not a regular file".into()))),
            Ok(_) => {}
            Err(e) => return Err(FileError::from_io(e, &real)),
        }
        std::fs::read(&real).map_err(|e| FileError::from_io(e, &real))
    }
}

pub fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("virtual paths are valid"),
    )
    .intern()
}

/// A virtual file's source, parsed once per process while its text stays the same: a
/// worker renders report after report from the same template files, and parsing them
/// again for each cost about 2% of a report. Only the virtual files are kept, a dozen
/// or so, of which the generated `main.typ` changes with every report.
fn parsed_template(id: FileId, text: &str) -> Source {
    static PARSED: OnceLock<Mutex<HashMap<FileId, Source>>> = OnceLock::new();
    let mut parsed = PARSED
        .get_or_init(Mutex::default)
        .lock()
        .expect("the parsed-template cache is never poisoned");
    match parsed.get(&id) {
        Some(source) if source.text() == text => source.clone(),
        _ => {
            let source = Source::new(id, text.to_owned());
            parsed.insert(id, source.clone());
            source
        }
    }
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(source) = self
            .sources
            .lock()
            .expect("the source cache is never poisoned")
            .get(&id)
        {
            return Ok(source.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        let source = if self.virtual_files.contains_key(&id) {
            parsed_template(id, text)
        } else {
            Source::new(id, text.to_owned())
        };
        self.sources
            .lock()
            .expect("the source cache is never poisoned")
            .insert(id, source.clone());
        Ok(source)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        match self.virtual_files.get(&id) {
            Some(bytes) => Ok(bytes.clone()),
            None if id.vpath().get_with_slash().starts_with(RESERVED) => {
                Err(FileError::NotFound(id.vpath().get_with_slash().into()))
            }
            None => self.read_disk(id).map(Bytes::new),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(self.today.year(), self.today.month() as u8, self.today.day() as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_file_is_parsed_again_only_when_its_text_changed() {
        let id = file_id("/_kpipress/parsed-template-test.typ");
        let first = parsed_template(id, "#let a = 1");
        let again = parsed_template(id, "#let a = 1");
        assert!(std::ptr::eq(first.root(), again.root()), "the same text is parsed once");
        let edited = parsed_template(id, "#let a = 2");
        assert_eq!(edited.text(), "#let a = 2");
    }
}
