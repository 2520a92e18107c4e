//! Fonts: the embedded set (DejaVu Sans for text, with Cyrillic, and typst's own), loaded
//! once per process and shared by every report, plus each brand's font folder, loaded
//! once per folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use typst::foundations::Bytes;
use typst::text::Font;

use super::RenderError;

pub struct FontCache {
    /// Parsed at first use: a build whose specs name no brand font reads none of them in
    /// the main process (its render workers do), and parsing them costs milliseconds.
    embedded: OnceLock<Arc<Vec<Font>>>,
    with_brand: Mutex<HashMap<PathBuf, Arc<Vec<Font>>>>,
}

impl Default for FontCache {
    fn default() -> Self {
        Self::new()
    }
}

impl FontCache {
    pub fn new() -> Self {
        Self {
            embedded: OnceLock::new(),
            with_brand: Mutex::default(),
        }
    }

    fn embedded(&self) -> &Arc<Vec<Font>> {
        self.embedded.get_or_init(|| {
            let dejavu = [
                dejavu::sans::regular(),
                dejavu::sans::bold(),
                dejavu::sans::oblique(),
                dejavu::sans::bold_oblique(),
            ];
            let fonts = dejavu
                .into_iter()
                .chain(typst_assets::fonts())
                .flat_map(|data| Font::iter(Bytes::new(data)))
                .collect();
            Arc::new(fonts)
        })
    }

    /// The embedded fonts, plus those of `brand_dir` if given.
    pub fn fonts(&self, brand_dir: Option<&Path>) -> Result<Arc<Vec<Font>>, RenderError> {
        let Some(dir) = brand_dir else {
            return Ok(self.embedded().clone());
        };
        if let Some(fonts) = self
            .with_brand
            .lock()
            .expect("the font cache is never poisoned")
            .get(dir)
        {
            return Ok(fonts.clone());
        }
        let mut fonts: Vec<Font> = self.embedded().as_ref().clone();
        fonts.extend(read_dir_fonts(dir)?);
        let fonts = Arc::new(fonts);
        self.with_brand
            .lock()
            .expect("the font cache is never poisoned")
            .insert(dir.to_path_buf(), fonts.clone());
        Ok(fonts)
    }
}

/// The largest font file read: CJK collections run to some 30 MiB.
const MAX_FONT_BYTES: u64 = 64 << 20;

fn read_dir_fonts(dir: &Path) -> Result<Vec<Font>, RenderError> {
    let error = |source| RenderError::Fonts {
        dir: crate::source::display(dir),
        source,
    };
    // Regular files only, not links: `brand.fonts` is in the spec's repository
    // ([`crate::spec::tree`]), and a link in it could lead to `/dev/zero` or out of it.
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(error)?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| e.metadata().is_ok_and(|m| m.len() <= MAX_FONT_BYTES))
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc" | "otc"))
        })
        .collect();
    paths.sort();
    let mut fonts = Vec::new();
    for path in paths {
        let data = std::fs::read(&path).map_err(error)?;
        fonts.extend(Font::iter(Bytes::new(data)));
    }
    Ok(fonts)
}
