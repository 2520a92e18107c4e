//! A trend chart's plot, drawn here as one SVG in the brand's colours: the value and
//! target lines, the markers, the seasonal hatching and the reported period's column.
//! typst draws the grid and the benchmark's bands under it in the theme's colours, and
//! writes the tick and period labels beside it (`trends.typ`), so that a theme of one's
//! own changes them. Drawn in typst, the whole plot was about fifty placed shapes, each
//! laid out, hashed and exported on its own: some 17 million instructions a report
//! more, of the 267 million it then took; the grid and bands are a handful of them.
//!
//! Templates read the plots from `/_kpipress/plots.json`, by KPI id: the SVG's text, and
//! the size of the area it draws. A template that draws its own chart ignores them.

use std::fmt::Write;

use serde::Serialize;

use crate::report::{KpiModel, ReportModel};
use crate::spec::Colors;

const POINTS_PER_MM: f64 = 72.0 / 25.4;

/// The plot area of the built-in chart: its 80 x 36 mm less 13 mm of tick labels on the
/// left and 5 mm of period labels below.
const WIDTH: f64 = 67.0 * POINTS_PER_MM;
const HEIGHT: f64 = 31.0 * POINTS_PER_MM;

/// The margin drawn around the plot area, so that a marker or a line on its edge is not
/// cut off where the SVG ends.
const BLEED: f64 = 3.0;

/// What a template reads as a KPI's plot in `/_kpipress/plots.json`. Sizes are in points; the SVG covers the
/// plot area and [`BLEED`] around it.
#[derive(Debug, Serialize)]
pub struct Plot {
    pub svg: String,
    pub width: f64,
    pub height: f64,
    pub bleed: f64,
}

/// Each chart's plot by its KPI's id, as JSON: what typst reads as
/// `/_kpipress/plots.json`, beside the report model rather than inside it, so that the
/// model typst reads is the one `--format json` writes.
pub fn plots(model: &ReportModel) -> String {
    let plots: serde_json::Map<String, serde_json::Value> = (model.kpis.iter())
        .filter_map(|kpi| {
            let plot = plot(kpi, &model.brand.colors)?;
            Some((kpi.id.clone(), serde_json::to_value(plot).expect("a plot serialises")))
        })
        .collect();
    serde_json::Value::Object(plots).to_string()
}

/// The plot of `kpi`'s history in the brand's `colors`; none without a chart scale.
pub fn plot(kpi: &KpiModel, colors: &Colors) -> Option<Plot> {
    let chart = kpi.chart.as_ref()?;
    let n = kpi.history.len().max(1);
    let scale = Scale {
        lo: chart.lo,
        hi: chart.hi,
        column: WIDTH / n as f64,
    };
    let primary = Rgb::parse(&colors.primary);
    let accent = Rgb::parse(&colors.accent);
    let ink = Rgb::parse(&colors.text);
    let mut svg = String::with_capacity(4096);
    let (side, tall) = (WIDTH + 2.0 * BLEED, HEIGHT + 2.0 * BLEED);
    let _ = write!(
        svg,
        "<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' viewBox='{} {} {} {}'>",
        num(side),
        num(tall),
        num(-BLEED),
        num(-BLEED),
        num(side),
        num(tall)
    );
    let current = format!("fill='{}' fill-opacity='0.08'", primary.hex());
    column(&mut svg, &scale, n - 1, &current);
    for (i, h) in kpi.history.iter().enumerate() {
        if !h.windows.is_empty() {
            hatch(&mut svg, &scale, i, &accent.darken(0.1).hex());
        }
    }
    // A number that is not finite has no place on the scale: it is drawn as a gap.
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    let targets: Vec<Option<f64>> = kpi.history.iter().map(|h| finite(h.target)).collect();
    let values: Vec<Option<f64>> = kpi.history.iter().map(|h| finite(h.value)).collect();
    let dashed = format!(
        "stroke='{}' stroke-width='0.8' stroke-dasharray='3 3'",
        ink.lighten(0.3).hex()
    );
    line(&mut svg, &scale, &targets, &dashed);
    // Last year's line, faint, under this year's: a seasonal business reads the month
    // against the same month before.
    let year_ago: Vec<Option<f64>> = kpi.history.iter().map(|h| finite(h.year_ago)).collect();
    let faint = primary.lighten(0.35).hex();
    line(
        &mut svg,
        &scale,
        &year_ago,
        &format!("stroke='{faint}' stroke-width='1' stroke-opacity='0.45'"),
    );
    // A point too, so that a year-ago value without a neighbour (only the reported month
    // a year back) still shows.
    for (i, value) in year_ago.iter().enumerate() {
        if let Some(value) = value {
            let _ = write!(
                svg,
                "<circle cx='{}' cy='{}' r='1.1' fill='{faint}' fill-opacity='0.6'/>",
                num(scale.x(i)),
                num(scale.y(*value))
            );
        }
    }
    line(
        &mut svg,
        &scale,
        &values,
        &format!("stroke='{}' stroke-width='1.4'", primary.hex()),
    );
    // The account manager's notes: a thin line at the day, numbered by typst above it.
    for note in &kpi.notes {
        let x = num(scale.column * (note.index as f64 + note.at.clamp(0.0, 1.0)));
        let _ = write!(
            svg,
            "<path d='M{x} 0V{}' stroke='{}' stroke-width='0.6' stroke-dasharray='1 1.5'/>",
            num(HEIGHT),
            ink.hex()
        );
    }
    for (i, value) in values.iter().enumerate() {
        if let Some(value) = value {
            let paint = if i == n - 1 {
                format!(
                    "r='2.6' fill='{}' stroke='{}' stroke-width='0.8'",
                    accent.hex(),
                    ink.hex()
                )
            } else {
                format!("r='1.3' fill='{}'", primary.hex())
            };
            let _ = write!(
                svg,
                "<circle cx='{}' cy='{}' {paint}/>",
                num(scale.x(i)),
                num(scale.y(*value))
            );
        }
    }
    svg.push_str("</svg>");
    Some(Plot {
        svg,
        width: WIDTH,
        height: HEIGHT,
        bleed: BLEED,
    })
}

/// Where values and periods fall on the plot, in points from its top left.
struct Scale {
    lo: f64,
    hi: f64,
    column: f64,
}

impl Scale {
    /// The middle of period `i`'s column.
    fn x(&self, i: usize) -> f64 {
        self.column * (i as f64 + 0.5)
    }

    /// A value's height, held inside the scale.
    fn y(&self, value: f64) -> f64 {
        let span = self.hi - self.lo;
        let share = if span > 0.0 {
            (value.clamp(self.lo, self.hi) - self.lo) / span
        } else {
            0.0
        };
        HEIGHT * (1.0 - share)
    }
}

/// Period `i`'s whole column, painted with `paint` (SVG attributes).
fn column(svg: &mut String, scale: &Scale, i: usize, paint: &str) {
    let _ = write!(
        svg,
        "<rect x='{}' y='0' width='{}' height='{}' {paint}/>",
        num(scale.column * i as f64),
        num(scale.column),
        num(HEIGHT)
    );
}

/// Period `i`'s column hatched with diagonal lines, which begin at the column's own
/// corner as a typst tiling would.
fn hatch(svg: &mut String, scale: &Scale, i: usize, color: &str) {
    let x = num(scale.column * i as f64);
    let _ = write!(
        svg,
        "<pattern id='h{i}' x='{x}' y='0' width='5' height='5' patternUnits='userSpaceOnUse'>\
         <path d='M0 5L5 0' stroke='{color}' stroke-width='0.6'/></pattern>"
    );
    column(svg, scale, i, &format!("fill='url(#h{i})'"));
}

/// One path through `values`, broken where a period has none; nothing for fewer than
/// two points, as a line needs two.
fn line(svg: &mut String, scale: &Scale, values: &[Option<f64>], stroke: &str) {
    let mut d = String::new();
    let mut points = 0;
    let mut drawing = false;
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(v) => {
                let command = if drawing { 'L' } else { 'M' };
                let _ = write!(d, "{command}{} {}", num(scale.x(i)), num(scale.y(*v)));
                drawing = true;
                points += 1;
            }
            None => drawing = false,
        }
    }
    if points > 1 {
        let _ = write!(svg, "<path d='{d}' fill='none' {stroke}/>");
    }
}

/// A length in points to two decimals, without trailing zeros.
fn num(v: f64) -> String {
    let text = format!("{v:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// A brand colour, its channels from 0 to 1, lightened and darkened as typst does an
/// `rgb` colour.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rgb([f64; 3]);

impl Rgb {
    /// `#RGB` or `#RRGGBB`, as the spec stage has checked; black for anything else.
    fn parse(hex: &str) -> Self {
        let digits = hex.trim_start_matches('#');
        let channel = |text: &str| u8::from_str_radix(text, 16).map_or(0.0, |v| f64::from(v) / 255.0);
        match digits.len() {
            3 => Self(std::array::from_fn(|i| channel(&digits[i..=i].repeat(2)))),
            6 => Self(std::array::from_fn(|i| channel(&digits[2 * i..2 * i + 2]))),
            _ => Self([0.0; 3]),
        }
    }

    fn lighten(self, factor: f64) -> Self {
        Self(self.0.map(|c| c + (1.0 - c) * factor))
    }

    fn darken(self, factor: f64) -> Self {
        Self(self.0.map(|c| c - c * factor))
    }

    fn hex(self) -> String {
        let [r, g, b] = self.0.map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8);
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_lighten_and_darken_as_typst_does() {
        assert_eq!(Rgb::parse("#1A1A1A").lighten(0.3).hex(), "#5f5f5f");
        assert_eq!(Rgb::parse("#FFB800").darken(0.1).hex(), "#e6a600");
        assert_eq!(Rgb::parse("#fb0").hex(), "#ffbb00");
    }

    #[test]
    fn lengths_are_short() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.35");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(0.5), "0.5");
    }

    #[test]
    fn a_line_breaks_where_a_period_has_no_value() {
        let scale = Scale {
            lo: 0.0,
            hi: 10.0,
            column: 10.0,
        };
        let mut svg = String::new();
        line(
            &mut svg,
            &scale,
            &[Some(0.0), Some(10.0), None, Some(5.0), Some(5.0)],
            "",
        );
        let y_mid = num(HEIGHT / 2.0);
        let bottom = num(HEIGHT);
        assert_eq!(
            svg,
            format!("<path d='M5 {bottom}L15 0M35 {y_mid}L45 {y_mid}' fill='none' />")
        );
        let mut lone = String::new();
        line(&mut lone, &scale, &[None, Some(3.0), None], "");
        assert!(lone.is_empty(), "one point is no line");
    }

    #[test]
    fn values_outside_the_scale_stay_on_its_edges() {
        let scale = Scale {
            lo: 2.0,
            hi: 4.0,
            column: 1.0,
        };
        assert_eq!(scale.y(10.0), 0.0);
        assert_eq!(scale.y(-1.0), HEIGHT);
    }
}
