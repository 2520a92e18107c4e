//! What one render needs, gathered from the spec and the report model before anything
//! runs: the template's files, the context, the logo's bytes, the PDF's identity. It is
//! plain data, so it can cross into the render worker ([`super::isolate`]) as JSON; the
//! worker reads nothing the job does not name.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::templates::TemplateSet;
use super::{FontCache, RenderError, DEFAULT_FAMILY};
use crate::report::ReportModel;
use crate::spec::Spec;

/// Where the logo sits inside the typst World: one name whatever the file is called, so
/// the report model never shows it (typst tells an SVG from a PNG by its bytes).
pub const LOGO: &str = "logo";

/// minijinja instructions a template may run per second of `--time-limit`: about a
/// tenth of a second's work each, a thousand times what the built-in set needs.
const FUEL_PER_SECOND: u64 = 5_000_000;

#[derive(Debug, Serialize, Deserialize)]
pub struct Job {
    pub set: TemplateSet,
    /// The report model as templates see it, with `sections`.
    pub context: serde_json::Value,
    /// The report model as typst reads it (`/_kpipress/report.json`).
    pub model: String,
    /// The spec's `brand.fonts` folder.
    pub brand_fonts: Option<PathBuf>,
    pub logo: Option<Vec<u8>>,
    /// The folder typst may read from: the named spec's.
    pub root: PathBuf,
    pub pdf: bool,
    /// The PDF's identifier.
    pub ident: String,
    /// The PDF's creation time, in seconds since 1970: `SOURCE_DATE_EPOCH` or the
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

/// The job that renders `model`. A brand font that is not there is replaced by the
/// embedded default, with a warning added to the model.
pub fn prepare(
    spec: &Spec,
    model: &mut ReportModel,
    period_end: NaiveDate,
    fonts: &FontCache,
    pdf: bool,
    seconds: u64,
) -> Result<Job, RenderError> {
    let set = TemplateSet::load(&spec.report.template)?;
    let loaded = fonts.fonts(spec.brand.fonts.as_deref())?;
    check_brand_font(model, &loaded);
    let mut context = serde_json::to_value(&*model).expect("the report model serialises");
    context["sections"] = serde_json::json!(super::sections(spec, model));
    let logo = match &spec.brand.logo {
        Some(path) => Some(std::fs::read(path).map_err(|e| RenderError::Logo {
            path: crate::source::display(path),
            message: e.to_string(),
        })?),
        None => None,
    };
    Ok(Job {
        set,
        context,
        model: serde_json::to_string(&*model).expect("the report model serialises"),
        brand_fonts: spec.brand.fonts.clone(),
        logo,
        root: spec.root.clone(),
        pdf,
        ident: format!("kpipress/{}/{}", model.client.slug, model.period),
        created: created(period_end),
        today: period_end.num_days_from_ce(),
        fuel: FUEL_PER_SECOND.saturating_mul(seconds.max(1)),
    })
}

fn created(period_end: NaiveDate) -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            period_end
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default()
                .and_utc()
                .timestamp()
        })
}

fn check_brand_font(model: &mut ReportModel, fonts: &[typst::text::Font]) {
    let Some(family) = model.brand.font.clone() else { return };
    let known = fonts.iter().any(|f| f.info().family.eq_ignore_ascii_case(&family));
    if !known {
        model.warnings.push(format!(
            "font `{family}` was not found in `brand.fonts`; the report uses {DEFAULT_FAMILY}"
        ));
        model.brand.font = None;
    }
}
