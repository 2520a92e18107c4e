//! Raw structs -> checked [`Spec`]: defaults filled in, names checked, enums closed.
//! Every error names the key path and points at the line that wrote it.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use super::error::{Part, SpecError, SpecFiles};
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
mod funnel;
mod kpis;
mod seasonality;
mod sources;

const DEFAULT_OUTPUT: &str = "reports/{client}/{period}.pdf";

struct Resolver {
    files: SpecFiles,
}

impl Resolver {
    fn error(&self, path: &str, part: Part, message: String, help: Option<String>) -> SpecError {
        self.files.invalid(path, part, message, "here", help)
    }

    /// A key the merged spec must have: checked here, after `extends` has merged every
    /// file, and reported at the nearest key that some file has (the `content:` that
    /// lacks its `source`).
    fn required<T>(&self, path: &str, value: Option<T>) -> Result<T, SpecError> {
        value.ok_or_else(|| {
            let key = path.rsplit('.').next().unwrap_or(path);
            self.files.invalid(
                path,
                Part::Key,
                format!("`{path}` is missing"),
                &format!("needs `{key}`"),
                None,
            )
        })
    }

    /// `text` must be one of `names`; the error suggests the nearest.
    fn closed<T>(
        &self,
        path: &str,
        text: &str,
        names: &[&str],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, SpecError> {
        parse(text).ok_or_else(|| {
            let help = suggest::help(text, names.iter().copied());
            self.error(path, Part::Value, format!("`{path}`: unknown value `{text}`"), help)
        })
    }
}

pub fn resolve(raw: RawSpec, files: SpecFiles, root: PathBuf) -> Result<Spec, SpecError> {
    let r = Resolver { files };
    if let Some(version) = raw.version.filter(|v| *v != 1) {
        return Err(r.error(
            "version",
            Part::Value,
            format!("spec version {version} is not supported"),
            Some("this kpipress reads `version: 1`".into()),
        ));
    }
    let client = client(&r, raw.client.unwrap_or_default())?;
    let report = report(&r, raw.report.unwrap_or_default())?;
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
        root,
        files: r.files,
    })
}

fn client(r: &Resolver, raw: RawClient) -> Result<Client, SpecError> {
    let name = raw.name.filter(|n| !n.trim().is_empty()).ok_or_else(|| {
        r.error(
            "client",
            Part::Key,
            "`client.name` is missing".into(),
            Some("every spec names its client: `client: { name: \"…\" }`".into()),
        )
    })?;
    let slug = match raw.slug {
        Some(slug) => slug,
        None => r
            .files
            .main_path()
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    if slug.is_empty() || !slug.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
        return Err(r.error(
            "client.slug",
            Part::Value,
            format!("`client.slug` `{slug}` cannot be used in a file name"),
            Some("use letters, digits, `-` and `_`".into()),
        ));
    }
    Ok(Client { name, slug })
}

fn report(r: &Resolver, raw: RawReport) -> Result<ReportSettings, SpecError> {
    let language = match &raw.language {
        Some(text) => r.closed("report.language", text, &Language::NAMES, Language::parse)?,
        None => Language::En,
    };
    let grain = match &raw.grain {
        Some(text) => r.closed("report.grain", text, &Grain::NAMES, Grain::parse)?,
        None => Grain::Month,
    };
    let period = raw
        .period
        .map(|text| {
            Period::parse(grain, &text).ok_or_else(|| {
                r.error(
                    "report.period",
                    Part::Value,
                    format!("`report.period` `{text}` is not a {} period", grain.name()),
                    Some(period_help(grain)),
                )
            })
        })
        .transpose()?;
    let currency = raw.currency.unwrap_or_else(|| default_currency(language).to_owned());
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(r.error(
            "report.currency",
            Part::Value,
            format!("`report.currency` `{currency}` is not a currency code"),
            Some("use an ISO code such as RUB, UAH, USD or EUR".into()),
        ));
    }
    let history = raw.history.unwrap_or(12);
    if history == 0 {
        return Err(r.error(
            "report.history",
            Part::Value,
            "`report.history` must be at least 1".into(),
            None,
        ));
    }
    let template = match raw.template {
        Some(t) if t.contains('/') => TemplateRef::Dir(PathBuf::from(t)),
        Some(t) => TemplateRef::Builtin(t),
        None => TemplateRef::Builtin("audit".into()),
    };
    let output = raw.output.unwrap_or_else(|| DEFAULT_OUTPUT.to_owned());
    check_output(r, &output)?;
    if let Some(sections) = &raw.sections {
        check_sections(r, sections)?;
    }
    Ok(ReportSettings {
        language,
        currency,
        grain,
        period,
        history,
        template,
        output,
        title: raw.title,
        sections: raw.sections,
    })
}

fn check_sections(r: &Resolver, sections: &[String]) -> Result<(), SpecError> {
    for (i, section) in sections.iter().enumerate() {
        let at = format!("report.sections[{i}]");
        if !SECTIONS.contains(&section.as_str()) {
            return Err(r.error(
                &at,
                Part::Value,
                format!("`{section}` is not a report section"),
                suggest::help(section, SECTIONS).or_else(|| Some(format!("sections are {}", SECTIONS.join(", ")))),
            ));
        }
        if sections[..i].contains(section) {
            return Err(r.error(&at, Part::Value, format!("section `{section}` is listed twice"), None));
        }
    }
    Ok(())
}

pub fn period_help(grain: Grain) -> String {
    let example = match grain {
        Grain::Month => "2026-10",
        Grain::Week => "2026-W43",
        Grain::Quarter => "2026-Q4",
    };
    format!("write periods of this grain like `{example}`")
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
            return Err(r.error(
                "report.output",
                Part::Value,
                format!("`report.output` has an unknown placeholder `{{{name}}}`"),
                suggest::help(name, ["client", "period"]),
            ));
        }
        rest = &rest[close.unwrap_or(rest.len()) + 1..];
    }
    if Path::new(output)
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
        || Path::new(output).is_absolute()
    {
        return Err(r.error(
            "report.output",
            Part::Value,
            "`report.output` must stay inside the output folder".into(),
            Some("write a relative path without `..`; choose the folder with `--out`".into()),
        ));
    }
    Ok(())
}
