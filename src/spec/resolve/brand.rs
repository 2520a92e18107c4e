//! `brand`: colours checked, the logo checked to be the image its name says.

use std::path::{Path, PathBuf};

use super::super::error::{Part, SpecError};
use super::super::problem::Problem;
use super::super::raw::*;
use super::super::*;
use super::Resolver;

/// The largest logo read: a cover image, not a photo archive.
const LOGO_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// What is wrong with the logo file, if its bytes are not the image its name says: a
/// logo linked to `/etc/shadow` must fail here, by name, before any of it is shown.
pub(super) fn logo_problem(logo: &Path, extension: &str) -> Option<Problem> {
    use std::io::Read;
    let path = logo.to_path_buf();
    let too_big = std::fs::metadata(logo).map_or(true, |m| m.len() > LOGO_MAX_BYTES);
    if too_big {
        let max_mib = LOGO_MAX_BYTES / 1024 / 1024;
        return Some(Problem::LogoTooLarge { path, max_mib });
    }
    let mut head = Vec::new();
    let read = std::fs::File::open(logo).and_then(|f| f.take(4096).read_to_end(&mut head));
    if let Err(e) = read {
        let reason = e.to_string();
        return Some(Problem::LogoUnreadable { path, reason });
    }
    let fits = match extension {
        "png" => head.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => head.starts_with(&[0xFF, 0xD8, 0xFF]),
        _ => String::from_utf8_lossy(&head).contains("<svg"),
    };
    let kind = match extension {
        "png" => "a PNG",
        "jpg" | "jpeg" => "a JPEG",
        _ => "an SVG",
    };
    (!fits).then_some(Problem::LogoNotImage { path, kind })
}

pub(super) fn brand(r: &Resolver, raw: RawBrand) -> Result<Brand, SpecError> {
    let colors = raw.colors.unwrap_or_default();
    let color = |key: &str, value: Option<String>, default: &str| -> Result<String, SpecError> {
        let value = value.unwrap_or_else(|| default.to_owned());
        let hex = value.strip_prefix('#').unwrap_or("");
        if !matches!(hex.len(), 3 | 6) || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let path = format!("brand.colors.{key}");
            return Err(r.error(
                &path,
                Part::Value,
                Problem::Colour {
                    path: path.clone(),
                    value,
                },
            ));
        }
        Ok(value)
    };
    let colors = Colors {
        primary: color("primary", colors.primary, "#0B5FFF")?,
        accent: color("accent", colors.accent, "#FFB800")?,
        text: color("text", colors.text, "#1A1A1A")?,
    };
    let logo = raw.logo.map(PathBuf::from);
    if let Some(logo) = &logo {
        let extension = logo
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !matches!(extension.as_str(), "svg" | "png" | "jpg" | "jpeg") {
            return Err(r.error("brand.logo", Part::Value, Problem::LogoKind));
        }
        let refused = match r.tree.file(logo) {
            Ok(()) => None,
            Err(Refusal::Missing) => Some(Problem::LogoMissing { path: logo.clone() }),
            Err(why) => Some(Problem::Refused {
                path: logo.clone(),
                why,
            }),
        };
        if let Some(problem) = refused {
            return Err(r.error("brand.logo", Part::Value, problem));
        }
        if let Some(problem) = logo_problem(logo, &extension) {
            return Err(r.error("brand.logo", Part::Value, problem));
        }
    }
    let fonts = raw.fonts.map(PathBuf::from);
    if let Some(fonts) = &fonts {
        let refused = match r.tree.folder(fonts) {
            Ok(()) => None,
            Err(Refusal::Missing | Refusal::NotAFolder) => Some(Problem::FontsMissing { path: fonts.clone() }),
            Err(why) => Some(Problem::Refused {
                path: fonts.clone(),
                why,
            }),
        };
        if let Some(problem) = refused {
            return Err(r.error("brand.fonts", Part::Value, problem));
        }
    }
    Ok(Brand {
        logo,
        colors,
        font: raw.font,
        fonts,
        footer: raw.footer,
        agency: raw.agency,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn colours_are_hex() {
        let colors = resolve_text(&spec("brand: { colors: { primary: \"#abc\" } }"))
            .unwrap()
            .brand
            .colors;
        assert_eq!(colors.primary, "#abc");
        assert_eq!(colors.accent, "#FFB800");
        let named = problem(&spec("brand: { colors: { accent: red } }"));
        assert!(matches!(named, Problem::Colour { path, .. } if path == "brand.colors.accent"));
    }

    #[test]
    fn a_logo_is_the_image_its_name_says() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("logo.png");
        std::fs::write(&fake, "<svg/>").unwrap();
        assert!(matches!(
            logo_problem(&fake, "png"),
            Some(Problem::LogoNotImage { kind: "a PNG", .. })
        ));
        assert!(matches!(problem(&spec("brand: { logo: logo.gif }")), Problem::LogoKind));
        assert!(matches!(
            problem(&spec("brand: { logo: nowhere.svg }")),
            Problem::LogoMissing { .. }
        ));
    }
}
