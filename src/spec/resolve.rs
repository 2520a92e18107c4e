//! Raw structs -> checked [`Spec`]: defaults filled in, names checked, enums closed.
//! Every error names the key path and points at the line that wrote it.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use indexmap::IndexMap;

use super::error::{Part, SpecError, SpecFiles};
use super::number::Number;
use super::raw::*;
use super::*;

const DEFAULT_OUTPUT: &str = "reports/{client}/{period}.pdf";
const DEFAULT_TOLERANCE: f64 = 0.05;
const STATUSES: [&str; 4] = ["achieved", "near", "missed", "no_data"];
const PER: [&str; 4] = ["day", "week", "month", "quarter"];

struct Resolver {
    files: SpecFiles,
}

impl Resolver {
    fn error(&self, path: &str, part: Part, message: String, help: Option<String>) -> SpecError {
        self.files.invalid(path, part, message, "here", help)
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

fn brand(r: &Resolver, raw: RawBrand) -> Result<Brand, SpecError> {
    let colors = raw.colors.unwrap_or_default();
    let color = |key: &str, value: Option<String>, default: &str| -> Result<String, SpecError> {
        let value = value.unwrap_or_else(|| default.to_owned());
        let hex = value.strip_prefix('#').unwrap_or("");
        if !matches!(hex.len(), 3 | 6) || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let path = format!("brand.colors.{key}");
            return Err(r.error(
                &path,
                Part::Value,
                format!("`{path}` `{value}` is not a colour"),
                Some("write colours as `#RRGGBB`".into()),
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
            return Err(r.error(
                "brand.logo",
                Part::Value,
                "`brand.logo` must be an SVG, PNG or JPEG file".into(),
                None,
            ));
        }
        if !logo.is_file() {
            return Err(r.error(
                "brand.logo",
                Part::Value,
                format!("logo `{}` does not exist", logo.display()),
                None,
            ));
        }
    }
    let fonts = raw.fonts.map(PathBuf::from);
    if let Some(fonts) = fonts.as_ref().filter(|f| !f.is_dir()) {
        return Err(r.error(
            "brand.fonts",
            Part::Value,
            format!("font folder `{}` does not exist", fonts.display()),
            None,
        ));
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

fn source(r: &Resolver, name: String, raw: RawSource) -> Result<SourceSpec, SpecError> {
    let at = format!("sources.{name}");
    let pattern = raw.path.ok_or_else(|| {
        r.error(
            &at,
            Part::Key,
            format!("`{at}.path` is missing"),
            Some("give the export's file or a glob such as `data/tiktok/*.csv`".into()),
        )
    })?;
    if let Err(e) = glob::Pattern::new(&pattern) {
        return Err(r.error(
            &format!("{at}.path"),
            Part::Value,
            format!("`{at}.path` is not a valid glob ({})", e.msg),
            None,
        ));
    }
    let format = raw
        .format
        .map(|f| r.closed(&format!("{at}.format"), &f, &FileFormat::NAMES, FileFormat::parse))
        .transpose()?;
    let date = raw.date.map(|date| match date {
        RawDate::Column(column) => DateColumn { column, format: None },
        RawDate::Detailed(d) => DateColumn {
            column: d.column,
            format: d.format,
        },
    });
    let csv = csv_options(r, &at, raw.csv.unwrap_or_default())?;
    Ok(SourceSpec {
        name,
        pattern,
        format,
        preset: raw.preset,
        date,
        columns: raw.columns,
        csv,
        sheet: raw.sheet.map(|sheet| match sheet {
            RawSheet::Index(index) => Sheet::Index(index),
            RawSheet::Name(name) => Sheet::Name(name),
        }),
        key: raw.key,
        filter: raw.filter,
        year: raw.year,
    })
}

fn csv_options(r: &Resolver, at: &str, raw: RawCsv) -> Result<CsvOptions, SpecError> {
    let separator = raw
        .separator
        .map(|s| match s.as_str() {
            "\\t" | "tab" | "\t" => Ok(b'\t'),
            s if s.len() == 1 => Ok(s.as_bytes()[0]),
            _ => Err(r.error(
                &format!("{at}.csv.separator"),
                Part::Value,
                format!("`{at}.csv.separator` must be one ASCII character, not `{s}`"),
                None,
            )),
        })
        .transpose()?;
    let encoding = raw
        .encoding
        .map(|label| {
            encoding_rs::Encoding::for_label(label.as_bytes()).ok_or_else(|| {
                r.error(
                    &format!("{at}.csv.encoding"),
                    Part::Value,
                    format!("unknown encoding `{label}`"),
                    Some("use `utf-8`, `utf-16`, `windows-1251` or another WHATWG encoding label".into()),
                )
            })
        })
        .transpose()?;
    Ok(CsvOptions {
        separator,
        decimal_comma: raw.decimal_comma,
        encoding,
        skip_rows: raw.skip_rows,
    })
}

fn kpi(
    r: &Resolver,
    id: String,
    raw: RawKpi,
    sources: &IndexMap<String, SourceSpec>,
    benchmarks: &IndexMap<String, IndexMap<String, Band>>,
    grain: Grain,
) -> Result<Kpi, SpecError> {
    let at = format!("kpis.{id}");
    if let Some(source) = &raw.source {
        if !sources.contains_key(source) {
            return Err(r.error(
                &format!("{at}.source"),
                Part::Value,
                format!("`{at}` reads source `{source}`, which the spec does not define"),
                suggest::help(source, sources.keys().map(String::as_str)),
            ));
        }
    }
    let value = raw.value.filter(|v| !v.trim().is_empty()).ok_or_else(|| {
        r.error(
            &at,
            Part::Key,
            format!("`{at}.value` is missing"),
            Some("write an SQL expression such as `SUM(likes)`, or one over other KPIs such as `spend / leads`".into()),
        )
    })?;
    let format = raw
        .format
        .map(|f| r.closed(&format!("{at}.format"), &f, &ValueFormat::NAMES, ValueFormat::parse))
        .transpose()?
        .unwrap_or(ValueFormat::Number);
    let better = match raw.better.as_deref() {
        None | Some("higher") => Better::Higher,
        Some("lower") => Better::Lower,
        Some(other) => {
            return Err(r.error(
                &format!("{at}.better"),
                Part::Value,
                format!("`{at}.better` must be `higher` or `lower`, not `{other}`"),
                suggest::help(other, ["higher", "lower"]),
            ))
        }
    };
    let benchmark = raw
        .benchmark
        .map(|b| benchmark_ref(r, &format!("{at}.benchmark"), &b, benchmarks))
        .transpose()?;
    let target = raw.target.map(|t| target(r, &at, t, grain)).transpose()?;
    if matches!(
        &target,
        Some(Target {
            kind: TargetKind::Benchmark(_),
            ..
        })
    ) && benchmark.is_none()
    {
        return Err(r.error(
            &format!("{at}.target.benchmark"),
            Part::Key,
            format!("`{at}` takes its target from a benchmark but names none"),
            Some("add `benchmark: set.kpi` to the KPI".into()),
        ));
    }
    for status in raw.advice.keys() {
        if !STATUSES.contains(&status.as_str()) {
            return Err(r.error(
                &format!("{at}.advice.{status}"),
                Part::Key,
                format!("`{at}.advice` has advice for an unknown status `{status}`"),
                suggest::help(status, STATUSES),
            ));
        }
    }
    Ok(Kpi {
        title: raw.title.map(text).unwrap_or_else(|| Text::One(id.replace('_', " "))),
        id,
        description: raw.description.map(text),
        source: raw.source,
        value,
        format,
        better,
        benchmark,
        target,
        advice: raw.advice.into_iter().map(|(k, v)| (k, text(v))).collect(),
    })
}

fn text(raw: RawText) -> Text {
    match raw {
        RawText::One(text) => Text::One(text),
        RawText::PerLanguage(texts) => Text::PerLanguage(texts),
    }
}

fn target(r: &Resolver, at: &str, raw: RawTarget, grain: Grain) -> Result<Target, SpecError> {
    let at = format!("{at}.target");
    let period = |key: &str, text: &str| {
        Period::parse(grain, text).ok_or_else(|| {
            r.error(
                &format!("{at}.ramp.{key}"),
                Part::Value,
                format!("`{text}` is not a {} period", grain.name()),
                Some(period_help(grain)),
            )
        })
    };
    let mut kinds = Vec::new();
    if let Some(Number(x)) = raw.at_least {
        kinds.push(TargetKind::AtLeast(x));
    }
    if let Some(Number(x)) = raw.at_most {
        kinds.push(TargetKind::AtMost(x));
    }
    if let Some(Number(x)) = raw.growth {
        kinds.push(TargetKind::Growth(x));
    }
    if let Some(Number(x)) = raw.change {
        kinds.push(TargetKind::Change(x));
    }
    if let Some(band) = raw.benchmark {
        kinds.push(TargetKind::Benchmark(match band.as_str() {
            "market" => BandName::Market,
            "optimal" => BandName::Optimal,
            other => {
                return Err(r.error(
                    &format!("{at}.benchmark"),
                    Part::Value,
                    format!("unknown benchmark band `{other}`"),
                    suggest::help(other, ["market", "optimal"]),
                ))
            }
        }));
    }
    if let Some(ramp) = raw.ramp {
        let from = period("from", &ramp.from)?;
        let to = ramp.to.as_deref().map(|t| period("to", t)).transpose()?;
        if to.is_some_and(|to| to <= from) {
            return Err(r.error(
                &format!("{at}.ramp.to"),
                Part::Value,
                "a ramp must end after it starts".into(),
                None,
            ));
        }
        kinds.push(TargetKind::Ramp(Ramp {
            from,
            start: ramp.start.0,
            to,
            goal: ramp.goal.0,
        }));
    }
    if let Some(funnel) = raw.funnel {
        kinds.push(TargetKind::Funnel(match funnel.as_str() {
            "leads" => FunnelTarget::Leads,
            "cost_per_lead" => FunnelTarget::CostPerLead,
            other => {
                return Err(r.error(
                    &format!("{at}.funnel"),
                    Part::Value,
                    format!("unknown funnel figure `{other}`"),
                    suggest::help(other, ["leads", "cost_per_lead"]),
                ))
            }
        }));
    }
    let tolerance = raw.tolerance.map_or(DEFAULT_TOLERANCE, |t| t.0);
    if !(0.0..1.0).contains(&tolerance) {
        return Err(r.error(
            &format!("{at}.tolerance"),
            Part::Value,
            "`tolerance` must be between 0% and 100%".into(),
            None,
        ));
    }
    match kinds.len() {
        1 => Ok(Target {
            kind: kinds.remove(0),
            tolerance,
        }),
        0 => Err(r.error(
            &at,
            Part::Key,
            format!("`{at}` sets no target"),
            Some("use one of `at_least`, `at_most`, `growth`, `change`, `benchmark`, `ramp`, `funnel`".into()),
        )),
        _ => Err(r.error(
            &at,
            Part::Key,
            format!("`{at}` sets {} targets at once", kinds.len()),
            Some("a KPI has one target; keep one of them".into()),
        )),
    }
}

/// The built-in sets with the spec's added: a set the spec names gains its KPIs, and a
/// KPI it names replaces the built-in band.
fn benchmarks(
    r: &Resolver,
    raw: IndexMap<String, IndexMap<String, RawBand>>,
) -> Result<IndexMap<String, IndexMap<String, Band>>, SpecError> {
    let mut sets = builtin_benchmarks();
    for (set, bands) in raw {
        for (kpi, raw_band) in bands {
            let band = band(r, &format!("benchmarks.{set}.{kpi}"), raw_band)?;
            sets.entry(set.clone()).or_default().insert(kpi, band);
        }
    }
    Ok(sets)
}

/// The sets shipped in `benchmarks.yaml`.
fn builtin_benchmarks() -> IndexMap<String, IndexMap<String, Band>> {
    let raw: IndexMap<String, IndexMap<String, RawBand>> =
        serde_yaml::from_str(include_str!("benchmarks.yaml")).expect("the built-in benchmarks are valid YAML");
    raw.into_iter()
        .map(|(set, bands)| {
            let bands = bands
                .into_iter()
                .map(|(kpi, raw)| {
                    let band = Band {
                        market: raw.market.map(range),
                        optimal: raw.optimal.map(range),
                        per: raw.per,
                    };
                    (kpi, band)
                })
                .collect();
            (set, bands)
        })
        .collect()
}

/// `[low, high]` in order; a single threshold is open upwards.
fn range(raw: RawRange) -> [f64; 2] {
    match raw {
        RawRange::Range([Number(low), Number(high)]) => [low.min(high), low.max(high)],
        RawRange::Threshold(Number(x)) => [x, f64::INFINITY],
    }
}

fn band(r: &Resolver, at: &str, raw: RawBand) -> Result<Band, SpecError> {
    if let Some(per) = raw.per.as_deref().filter(|p| !PER.contains(p)) {
        return Err(r.error(
            &format!("{at}.per"),
            Part::Value,
            format!("`per: {per}` is not a period length"),
            suggest::help(per, PER),
        ));
    }
    if raw.market.is_none() && raw.optimal.is_none() {
        return Err(r.error(
            at,
            Part::Key,
            format!("`{at}` gives neither a `market` nor an `optimal` band"),
            Some("write e.g. `{ market: [4%, 6%], optimal: [7%, 10%] }`, or one threshold: `{ market: 10000 }`".into()),
        ));
    }
    Ok(Band {
        market: raw.market.map(range),
        optimal: raw.optimal.map(range),
        per: raw.per,
    })
}

/// The benchmark `reference` names must exist: `set.kpi`.
fn benchmark_ref(
    r: &Resolver,
    at: &str,
    reference: &str,
    sets: &IndexMap<String, IndexMap<String, Band>>,
) -> Result<BenchmarkRef, SpecError> {
    let unknown = |message: String, help: Option<String>| r.error(at, Part::Value, message, help);
    let Some((set, kpi)) = reference.split_once('.') else {
        return Err(unknown(
            format!("`{at}` `{reference}` names no benchmark"),
            Some("write `set.kpi`, e.g. `tiktok.engagement_rate`".into()),
        ));
    };
    let Some(bands) = sets.get(set) else {
        return Err(unknown(
            format!("`{at}` names an unknown benchmark set `{set}`"),
            suggest::help(set, sets.keys().map(String::as_str))
                .or_else(|| Some("define the set under `benchmarks:` in the spec".into())),
        ));
    };
    if !bands.contains_key(kpi) {
        return Err(unknown(
            format!("benchmark set `{set}` has no KPI `{kpi}`"),
            suggest::help(kpi, bands.keys().map(String::as_str))
                .or_else(|| Some(format!("add `{kpi}` under `benchmarks.{set}` in the spec"))),
        ));
    }
    Ok(BenchmarkRef {
        set: set.into(),
        kpi: kpi.into(),
    })
}

fn window(r: &Resolver, i: usize, raw: RawWindow, kpis: &IndexMap<String, Kpi>) -> Result<Window, SpecError> {
    let at = format!("seasonality[{i}]");
    let when = match (raw.from, raw.to, raw.months) {
        (Some(from), Some(to), None) => window_dates(r, &at, &from, &to)?,
        (None, None, Some(months)) => {
            if let Some(bad) = months.iter().find(|m| !(1..=12).contains(*m)) {
                return Err(r.error(
                    &format!("{at}.months"),
                    Part::Value,
                    format!("month {bad} does not exist"),
                    None,
                ));
            }
            WindowDates::Months(months)
        }
        _ => {
            return Err(r.error(
                &at,
                Part::Key,
                format!("`{at}` needs either `from` and `to`, or `months`"),
                None,
            ))
        }
    };
    for kpi in raw.targets.keys().filter(|k| *k != "*") {
        if !kpis.contains_key(kpi) {
            return Err(r.error(
                &format!("{at}.targets.{kpi}"),
                Part::Key,
                format!("`{at}` adjusts the target of an unknown KPI `{kpi}`"),
                suggest::help(kpi, kpis.keys().map(String::as_str)),
            ));
        }
    }
    Ok(Window {
        name: raw.name,
        when,
        targets: raw.targets,
    })
}

fn window_dates(r: &Resolver, at: &str, from: &str, to: &str) -> Result<WindowDates, SpecError> {
    let bad = |key: &str, text: &str| {
        r.error(
            &format!("{at}.{key}"),
            Part::Value,
            format!("`{text}` is not a date"),
            Some("write `MM-DD` for every year or `YYYY-MM-DD` for once".into()),
        )
    };
    let month_day = |key: &str, text: &str| {
        NaiveDate::parse_from_str(&format!("2000-{text}"), "%Y-%m-%d")
            .map(|d| (chrono::Datelike::month(&d), chrono::Datelike::day(&d)))
            .map_err(|_| bad(key, text))
    };
    let full = |key: &str, text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad(key, text));
    if from.len() == 5 && to.len() == 5 {
        Ok(WindowDates::Yearly {
            from: month_day("from", from)?,
            to: month_day("to", to)?,
        })
    } else {
        let (from, to) = (full("from", from)?, full("to", to)?);
        if to < from {
            return Err(r.error(
                &format!("{at}.to"),
                Part::Value,
                "a window must end after it starts".into(),
                None,
            ));
        }
        Ok(WindowDates::Once { from, to })
    }
}

fn funnel(r: &Resolver, raw: RawFunnel, kpis: &IndexMap<String, Kpi>) -> Result<Funnel, SpecError> {
    for (key, kpi) in [
        ("leads", &raw.actual.as_ref().and_then(|a| a.leads.clone())),
        ("spend", &raw.actual.as_ref().and_then(|a| a.spend.clone())),
    ] {
        if let Some(kpi) = kpi.as_ref().filter(|k| !kpis.contains_key(*k)) {
            return Err(r.error(
                &format!("funnel.actual.{key}"),
                Part::Value,
                format!("`funnel.actual.{key}` names an unknown KPI `{kpi}`"),
                suggest::help(kpi, kpis.keys().map(String::as_str)),
            ));
        }
    }
    for (key, value) in [
        ("revenue_goal", raw.revenue_goal.0),
        ("average_order_value", raw.average_order_value.0),
        ("lead_to_sale", raw.lead_to_sale.0),
    ] {
        if value <= 0.0 {
            return Err(r.error(
                &format!("funnel.{key}"),
                Part::Value,
                format!("`funnel.{key}` must be above zero"),
                None,
            ));
        }
    }
    let actual = raw.actual.unwrap_or(RawFunnelActual {
        leads: None,
        spend: None,
    });
    Ok(Funnel {
        revenue_goal: raw.revenue_goal.0,
        average_order_value: raw.average_order_value.0,
        lead_to_sale: raw.lead_to_sale.0,
        budget: raw.budget.map(|b| b.0),
        actual_leads: actual.leads,
        actual_spend: actual.spend,
    })
}

fn content(r: &Resolver, raw: RawContent, sources: &IndexMap<String, SourceSpec>) -> Result<Content, SpecError> {
    if !sources.contains_key(&raw.source) {
        return Err(r.error(
            "content.source",
            Part::Value,
            format!(
                "`content` reads source `{}`, which the spec does not define",
                raw.source
            ),
            suggest::help(&raw.source, sources.keys().map(String::as_str)),
        ));
    }
    if raw.top == Some(0) {
        return Err(r.error(
            "content.top",
            Part::Value,
            "`content.top` must be at least 1".into(),
            Some("it is how many of the best and of the weakest posts the report lists".into()),
        ));
    }
    let format = match raw.format {
        Some(f) => r.closed("content.format", &f, &ValueFormat::NAMES, ValueFormat::parse)?,
        None => default_rank_format(&raw.rank_by),
    };
    Ok(Content {
        source: raw.source,
        id: raw.id,
        title: raw.title,
        format,
        rank_by: raw.rank_by,
        top: raw.top.unwrap_or(5),
        group_by: raw.group_by,
    })
}

/// A score that divides one count by another is a rate, shown as a percentage.
fn default_rank_format(rank_by: &str) -> ValueFormat {
    if rank_by.contains('/') {
        ValueFormat::Percent
    } else {
        ValueFormat::Number
    }
}
