//! Raw structs -> checked [`Spec`]: defaults filled in, names checked, enums closed.
//! Every error names the key path and points at the line that wrote it.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use super::error::{Part, SpecError, SpecFiles};
use super::problem::Problem;
use super::raw::*;
use super::*;
use benchmarks::benchmarks;
use brand::brand;
use funnel::{content, funnel};
use kpis::kpi;
use seasonality::window;
use sources::source;

mod benchmarks;
mod brand;
mod competitors;
mod funnel;
mod kpis;
mod seasonality;
mod sources;

const DEFAULT_OUTPUT: &str = "reports/{client}/{period}.pdf";

struct Resolver {
    files: SpecFiles,
    tree: Tree,
}

impl Resolver {
    fn error(&self, path: &str, part: Part, problem: Problem) -> SpecError {
        self.files.invalid(path, part, problem)
    }

    /// A key the merged spec must have: checked here, after `extends` has merged every
    /// file, and reported at the nearest key that some file has (the `content:` that
    /// lacks its `source`).
    fn required<T>(&self, path: &str, value: Option<T>) -> Result<T, SpecError> {
        value.ok_or_else(|| self.error(path, Part::Key, Problem::Missing { path: path.to_owned() }))
    }

    /// `text` must be a period of `grain`.
    fn period(&self, path: &str, text: &str, grain: Grain) -> Result<Period, SpecError> {
        Period::parse(grain, text).ok_or_else(|| {
            let problem = Problem::Period {
                path: path.to_owned(),
                text: text.to_owned(),
                grain,
            };
            self.error(path, Part::Value, problem)
        })
    }

    /// `text` must be one of `T`'s words; the error suggests the nearest.
    fn closed<T: Closed>(&self, path: &str, text: &str) -> Result<T, SpecError> {
        T::parse(text).ok_or_else(|| {
            let problem = Problem::UnknownValue {
                path: path.to_owned(),
                text: text.to_owned(),
                known: T::NAMES,
            };
            self.error(path, Part::Value, problem)
        })
    }
}

pub fn resolve(raw: RawSpec, files: SpecFiles, root: PathBuf, tree: Tree) -> Result<Spec, SpecError> {
    let r = Resolver { files, tree };
    if let Some(version) = raw.version.filter(|v| *v != 1) {
        return Err(r.error("version", Part::Value, Problem::Version { version }));
    }
    let client = client(&r, raw.client.unwrap_or_default())?;
    let report = report(&r, raw.report.unwrap_or_default())?;
    check_output_length(&r, &report.output, &client.slug)?;
    let brand = brand(&r, raw.brand.unwrap_or_default())?;
    let sources = raw
        .sources
        .into_iter()
        .map(|(name, source)| Ok((name.clone(), self::source(&r, name, source)?)))
        .collect::<Result<IndexMap<_, _>, SpecError>>()?;
    let benchmarks = benchmarks(&r, raw.benchmarks)?;
    let kpis = raw
        .kpis
        .into_iter()
        .map(|(id, kpi)| Ok((id.clone(), self::kpi(&r, id, kpi, &sources, &benchmarks, report.grain)?)))
        .collect::<Result<IndexMap<_, _>, SpecError>>()?;
    let seasonality = raw
        .seasonality
        .into_iter()
        .enumerate()
        .map(|(i, w)| window(&r, i, w, &kpis))
        .collect::<Result<Vec<_>, _>>()?;
    let funnel = raw.funnel.map(|f| funnel(&r, f, &kpis)).transpose()?;
    let content = raw.content.map(|c| content(&r, c, &sources)).transpose()?;
    let competitors = competitors::competitors(&r, raw.competitors, &kpis)?;
    let notes = raw
        .notes
        .into_iter()
        .enumerate()
        .map(|(index, note)| self::note(&r, index, note, report.grain))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Spec {
        client,
        report,
        brand,
        sources,
        kpis,
        benchmarks,
        seasonality,
        funnel,
        content,
        notes,
        competitors,
        root,
        tree: r.tree,
        files: r.files,
    })
}

fn client(r: &Resolver, raw: RawClient) -> Result<Client, SpecError> {
    let name = raw
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| r.error("client", Part::Key, Problem::ClientName))?;
    let slug = match raw.slug {
        Some(slug) => slug,
        None => r
            .files
            .main_path()
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    if slug.is_empty() || !slug.chars().all(slug_char) {
        return Err(r.error("client.slug", Part::Value, Problem::Slug { slug }));
    }
    Ok(Client { name, slug })
}

fn report(r: &Resolver, raw: RawReport) -> Result<ReportSettings, SpecError> {
    let language = match &raw.language {
        Some(text) => r.closed("report.language", text)?,
        None => Language::En,
    };
    let grain = match &raw.grain {
        Some(text) => r.closed("report.grain", text)?,
        None => Grain::Month,
    };
    let period = raw
        .period
        .map(|text| r.period("report.period", &text, grain))
        .transpose()?;
    let currency = raw.currency.unwrap_or_else(|| default_currency(language).to_owned());
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(r.error("report.currency", Part::Value, Problem::Currency { currency }));
    }
    let history = raw.history.unwrap_or(12);
    if history == 0 {
        return Err(r.error("report.history", Part::Value, Problem::History));
    }
    let template = match raw.template {
        Some(t) if t.contains('/') => {
            let dir = PathBuf::from(t);
            // A folder that is not there is said by the template loader, which lists
            // what a template folder holds.
            match r.tree.folder(&dir) {
                Ok(()) | Err(Refusal::Missing) => {}
                Err(why) => return Err(r.error("report.template", Part::Value, Problem::Refused { path: dir, why })),
            }
            TemplateRef::Dir(dir)
        }
        Some(t) => TemplateRef::Builtin(t),
        None => TemplateRef::Builtin("audit".into()),
    };
    let output = raw.output.unwrap_or_else(|| DEFAULT_OUTPUT.to_owned());
    check_output(r, &output)?;
    let sections = raw.sections.map(|s| self::sections(r, &s)).transpose()?;
    Ok(ReportSettings {
        language,
        currency,
        grain,
        period,
        history,
        template,
        output,
        title: raw.title,
        sections,
    })
}

/// One of `notes`: text, and a day or a period of the report's grain.
fn note(r: &Resolver, index: usize, raw: RawNote, grain: Grain) -> Result<Note, SpecError> {
    let at = format!("notes[{index}]");
    let shape = || r.error(&at, Part::Key, Problem::NoteShape { index });
    let text = raw.text.filter(|t| !t.trim().is_empty()).ok_or_else(shape)?;
    let on = match (raw.date, raw.period) {
        (Some(date), None) => {
            let day = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
                .map_err(|_| r.error(&format!("{at}.date"), Part::Value, Problem::Date { text: date.clone() }))?;
            NoteOn::Day(day)
        }
        (None, Some(period)) => NoteOn::Period(r.period(&format!("{at}.period"), &period, grain)?),
        _ => return Err(shape()),
    };
    Ok(Note { on, text })
}

/// The spec's sections, each a known one and none twice.
fn sections(r: &Resolver, sections: &[String]) -> Result<Vec<Section>, SpecError> {
    let mut checked = Vec::new();
    for (i, text) in sections.iter().enumerate() {
        let at = format!("report.sections[{i}]");
        let section = Section::parse(text).ok_or_else(|| {
            let problem = Problem::Section {
                section: text.clone(),
                known: Section::NAMES,
            };
            r.error(&at, Part::Value, problem)
        })?;
        if checked.contains(&section) {
            let problem = Problem::SectionTwice { section: text.clone() };
            return Err(r.error(&at, Part::Value, problem));
        }
        checked.push(section);
    }
    Ok(checked)
}

fn default_currency(language: Language) -> &'static str {
    match language {
        Language::Ru => "RUB",
        Language::Uk => "UAH",
        Language::En => "USD",
    }
}

fn check_output(r: &Resolver, output: &str) -> Result<(), SpecError> {
    let mut rest = output;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c);
        let name = close.map(|c| &rest[open + 1..c]).unwrap_or(&rest[open + 1..]);
        if !matches!(name, "client" | "period") || close.is_none() {
            let problem = Problem::Placeholder { name: name.to_owned() };
            return Err(r.error("report.output", Part::Value, problem));
        }
        rest = &rest[close.unwrap_or(rest.len()) + 1..];
    }
    if Path::new(output)
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
        || Path::new(output).is_absolute()
    {
        return Err(r.error("report.output", Part::Value, Problem::OutputOutside));
    }
    let named = Path::new(output).file_name().filter(|_| !output.ends_with('/'));
    let Some(name) = named.map(|n| n.to_string_lossy()) else {
        let problem = Problem::OutputNotAFile {
            output: output.to_owned(),
        };
        return Err(r.error("report.output", Part::Value, problem));
    };
    let extension = Path::new(name.as_ref())
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase());
    if let Some(extension) = extension.filter(|e| matches!(e.as_str(), "json" | "typ" | "xml")) {
        let problem = Problem::OutputExtension {
            output: output.to_owned(),
            extension,
        };
        return Err(r.error("report.output", Part::Value, problem));
    }
    Ok(())
}

/// The longest name a file system takes (ext4, APFS, NTFS: 255 bytes).
const NAME_MAX: usize = 255;

/// What a build adds to the file's name: `.junit.xml` for `.pdf`, and the temporary
/// file it writes first, `.{name}.kpipress-{pid}-{random}.tmp`.
const NAME_OVERHEAD: usize = 6 + 1 + 10 + 10 + 1 + 6 + 4;

/// Every name `report.output` makes for `slug`, with the longest period label, must be
/// one a build can write, so that `check` refuses what `build` would fail on.
fn check_output_length(r: &Resolver, output: &str, slug: &str) -> Result<(), SpecError> {
    let path = output.replace("{client}", slug).replace("{period}", "2026-W53");
    let components: Vec<String> = Path::new(&path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    for (i, name) in components.iter().enumerate() {
        let max = if i + 1 == components.len() {
            NAME_MAX - NAME_OVERHEAD
        } else {
            NAME_MAX
        };
        if name.len() > max {
            let problem = Problem::OutputTooLong {
                name: name.clone(),
                length: name.len(),
                max,
            };
            return Err(r.error("report.output", Part::Value, problem));
        }
    }
    Ok(())
}

/// Resolving specs written inline, for the tests beside each section's resolver.
#[cfg(test)]
pub(super) mod testing {
    use super::super::error::SpecFile;
    use super::super::yaml::{self, PositionIndex};
    use super::*;

    /// `text` as the one file of a spec in the current folder.
    pub fn resolve_text(text: &str) -> Result<Spec, SpecError> {
        let file = SpecFile {
            path: PathBuf::from("spec.yaml"),
            index: PositionIndex::build(text),
            text: text.to_owned(),
        };
        let raw: RawSpec = yaml::from_str(text).expect("the test's spec parses");
        let tree = Tree::of(Path::new("spec.yaml"));
        resolve(raw, SpecFiles { files: vec![file] }, PathBuf::from("."), tree)
    }

    /// `client`, one source and `rest`: the smallest spec a test needs.
    pub fn spec(rest: &str) -> String {
        format!("client: {{ name: Test }}\nsources:\n  posts: {{ path: posts.csv }}\n{rest}")
    }

    /// The problem `text` fails with.
    pub fn problem(text: &str) -> Problem {
        match resolve_text(text) {
            Err(SpecError::Invalid { problem, .. }) => problem,
            other => panic!("expected an invalid spec, got {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn report_settings_have_defaults() {
        let spec = resolve_text(&spec("")).unwrap();
        assert_eq!(spec.report.language, Language::En);
        assert_eq!(spec.report.grain, Grain::Month);
        assert_eq!(spec.report.currency, "USD");
        assert_eq!(spec.report.output, DEFAULT_OUTPUT);
        assert_eq!(spec.client.slug, "spec");
    }

    #[test]
    fn a_client_needs_a_name() {
        assert!(matches!(problem("client: { slug: x }"), Problem::ClientName));
    }

    #[test]
    fn sections_are_known_and_listed_once() {
        let resolved = resolve_text(&spec("report: { sections: [scorecard, cover] }")).unwrap();
        assert_eq!(resolved.report.sections, Some(vec![Section::Scorecard, Section::Cover]));
        let twice = problem(&spec("report: { sections: [cover, cover] }"));
        assert!(matches!(twice, Problem::SectionTwice { section } if section == "cover"));
        let unknown = problem(&spec("report: { sections: [trend] }"));
        assert_eq!(unknown.help().unwrap(), "did you mean `trends`?");
    }

    #[test]
    fn the_output_stays_inside_its_folder() {
        let placeholder = problem(&spec("report: { output: \"{clinet}.pdf\" }"));
        assert!(matches!(placeholder, Problem::Placeholder { name } if name == "clinet"));
        assert!(matches!(
            problem(&spec("report: { output: ../out.pdf }")),
            Problem::OutputOutside
        ));
    }

    #[test]
    fn a_closed_word_names_its_path() {
        let problem = problem(&spec("report: { grain: year }"));
        assert_eq!(problem.to_string(), "`report.grain`: unknown value `year`");
    }
}
