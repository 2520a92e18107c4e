//! What one render needs, gathered from the spec and the report model before anything
//! runs: the template's files, the context, the logo's bytes, the PDF's identity. It is
//! plain data, so it can cross into the render worker ([`super::isolate`]) as JSON; the
//! worker reads nothing the job does not name.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::templates::TemplateSet;
use super::{FontCache, RenderError};
use crate::report::ReportModel;
use crate::spec::Spec;

/// Where the logo sits inside the typst World: one name whatever the file is called, so
/// the report model never shows it (typst tells an SVG from a PNG by its bytes).
pub const LOGO: &str = "logo";

/// minijinja instructions a template may run per second of `--time-limit`, about a
/// tenth of a second's work: the built-in set needs under a hundred in all (it leaves
/// the loops to typst), a template that loops over every post of a month thousands.
const FUEL_PER_SECOND: u64 = 5_000_000;

#[derive(Debug, Serialize, Deserialize)]
pub struct Job {
    pub set: TemplateSet,
    /// The report model, as `--format json` writes it: what templates see, and what
    /// typst reads as `/_kpipress/report.json`, byte for byte.
    pub report_json: String,
    /// Each trend chart's plot, drawn ([`super::plot`]), by KPI id: typst reads it as
    /// `/_kpipress/plots.json`.
    pub plots: String,
    /// The spec's `brand.fonts` folder.
    pub brand_fonts: Option<PathBuf>,
    /// The logo's bytes. A render worker gets them as a frame of their own beside the
    /// job's JSON, where a 300 KB PNG would be 300,000 numbers to write and to parse.
    #[serde(skip)]
    pub logo: Option<Vec<u8>>,
    /// The folder typst may read from: the named spec's.
    pub root: PathBuf,
    pub pdf: bool,
    /// The PDF's identifier.
    pub ident: String,
    /// The PDF's creation time, in seconds since 1970: `--source-date-epoch` or the
    /// period's last day, never the clock, so the same inputs give the same bytes.
    pub created: i64,
    /// The period's last day, which typst sees as "today", in days from 1 January of
    /// year 1 (chrono's `num_days_from_ce`).
    pub today: i32,
    /// How many minijinja instructions the template may run.
    pub fuel: u64,
}

impl Job {
    pub fn today(&self) -> NaiveDate {
        NaiveDate::from_num_days_from_ce_opt(self.today).unwrap_or_default()
    }
}

/// The job that renders `model`, which it only reads.
pub fn prepare(
    spec: &Spec,
    model: &ReportModel,
    period_end: NaiveDate,
    created: Option<i64>,
    pdf: bool,
    seconds: u64,
) -> Result<Job, RenderError> {
    let set = TemplateSet::load(&spec.report.template)?;
    let logo = match &spec.brand.logo {
        Some(path) => Some(std::fs::read(path).map_err(|source| RenderError::Logo {
            path: crate::source::display(path),
            source,
        })?),
        None => None,
    };
    Ok(Job {
        set,
        report_json: crate::report::json(model),
        plots: super::plot::plots(model),
        brand_fonts: spec.brand.fonts.clone(),
        logo,
        root: spec.root.clone(),
        pdf,
        ident: format!("kpipress/{}/{}", model.client.slug, model.period),
        created: created.unwrap_or_else(|| midnight(period_end)),
        today: period_end.num_days_from_ce(),
        fuel: FUEL_PER_SECOND.saturating_mul(seconds.max(1)),
    })
}

fn midnight(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc().timestamp()
}

/// The brand font the spec asks for, if `brand.fonts` and the embedded fonts lack it:
/// the report then falls back to [`crate::report::FALLBACK_FAMILY`] and says so.
pub fn missing_font<'a>(spec: &'a Spec, fonts: &FontCache) -> Result<Option<&'a str>, RenderError> {
    let Some(family) = spec.brand.font.as_deref() else {
        return Ok(None);
    };
    let loaded = fonts.fonts(spec.brand.fonts.as_deref())?;
    let known = loaded.iter().any(|f| f.info().family.eq_ignore_ascii_case(family));
    Ok((!known).then_some(family))
}
