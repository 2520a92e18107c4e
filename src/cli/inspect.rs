//! `kpipress inspect FILE`: what an export is and how a spec reads it.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use comfy_table::{presets::UTF8_BORDERS_ONLY, Table};

use super::{print, FAILED, OK};
use crate::source::{self, display, Inspection};
use crate::spec::suggest::quoted_list;
use crate::spec::{FileFormat, Sheet};

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A CSV, TSV or Excel export.
    file: PathBuf,
    /// The workbook sheet, by name or by number from 0; the first when not given.
    #[arg(long)]
    sheet: Option<String>,
}

pub fn run(args: InspectArgs) -> u8 {
    let sheet = args.sheet.map(|s| match s.parse::<usize>() {
        Ok(index) => Sheet::Index(index),
        Err(_) => Sheet::Name(s),
    });
    match source::inspect(&args.file, sheet.as_ref()) {
        Ok(inspection) => {
            print::out(&report(&display(&args.file), &inspection));
            OK
        }
        Err(e) => {
            print::error(&e);
            FAILED
        }
    }
}

fn report(file: &str, found: &Inspection) -> String {
    let mut out = String::new();
    let line = |out: &mut String, name: &str, value: &str| writeln!(out, "{name:<11}{value}").unwrap();
    line(&mut out, "file", file);
    if let Some(encoding) = &found.encoding {
        line(&mut out, "encoding", encoding);
    }
    if let Some(separator) = found.separator {
        line(&mut out, "separator", &separator_name(separator));
    }
    // A workbook has rows, as its errors say; a text file has lines.
    let unit = if found.format == FileFormat::Excel {
        "row"
    } else {
        "line"
    };
    line(&mut out, "header", &format!("{unit} {}", found.header_line));
    let dates = match found.date.as_ref().and_then(|d| d.range) {
        Some((first, last)) => format!(" from {first} to {last}"),
        None => String::new(),
    };
    match found.lines_in_file {
        Some(lines) => {
            line(&mut out, "rows", &format!("{lines} lines in the file"));
            line(
                &mut out,
                "",
                &format!(
                    "described from its first {} rows{dates}: the file is too large to read whole here",
                    found.rows
                ),
            );
        }
        None => line(&mut out, "rows", &format!("{}{dates}", found.rows)),
    }
    if let Some(date) = &found.date {
        let formats = match (date.formats.as_slice(), &date.settled_by) {
            ([one], _) => format!("`{one}`"),
            ([first, others @ ..], Some(language)) => format!(
                "`{first}`: every date also reads as {}, and the preset reads {language} files as `{first}` first; if that is wrong, give `date.format` on the source",
                quoted_list(others)
            ),
            (many, _) => format!("ambiguous: {} all read it; say which in the spec", quoted_list(many)),
        };
        line(&mut out, "dates", &format!("`{}`, {formats}", date.column));
        if let Some(rule) = &date.year_rule {
            line(&mut out, "", rule);
        }
        if let Some((from, to)) = date.widest_span {
            line(
                &mut out,
                "spans",
                &format!("rows cover more than a day (up to {from} to {to}): a row within one period of the report's grain counts for that period, on its last day, and a row across periods is refused"),
            );
        }
    }
    if let Some((first, _)) = found.metrics.split_first() {
        line(
            &mut out,
            "tables",
            &format!(
                "{}, one per metric: {}; a source reads one, with `filter: \"metric = '{first}'\"`",
                found.metrics.len(),
                quoted_list(&found.metrics)
            ),
        );
    }
    if let Some(covers) = &found.covers {
        line(
            &mut out,
            "covers",
            &format!(
                "{} to {}, as {} says: the rows count for that one period, which must be one period of the report",
                covers.from, covers.to, covers.said
            ),
        );
    }
    line(
        &mut out,
        "numbers",
        if found.decimal_comma {
            "decimal comma"
        } else {
            "decimal point"
        },
    );
    match &found.preset {
        Some(fit) => line(
            &mut out,
            "preset",
            &format!(
                "{} ({}), {} of {} columns, {} headers",
                fit.preset.name, fit.preset.title, fit.matched, fit.of, fit.language
            ),
        ),
        None => match found.needs_range {
            Some(preset) => line(
                &mut out,
                "preset",
                &format!(
                    "none fits as the file is named: it is a `{}` table ({}), whose rows need the days the download covers in its name or its folder's, as `YYYY-MM-DD_YYYY-MM-DD` (YouTube Studio names a download `País 2024-06-02_2025-06-02 Channel.zip`)",
                    preset.name, preset.title
                ),
            ),
            None => line(&mut out, "preset", "none fits; map the columns with `columns`"),
        },
    }
    if let (Some(best), Some(next)) = (&found.preset, &found.runner_up) {
        line(
            &mut out,
            "also fits",
            &format!(
                "{} ({} of {} columns, {} headers), less well than {}'s {} of {}",
                next.preset.name, next.matched, next.of, next.language, best.preset.name, best.matched, best.of
            ),
        );
    }
    let mut table = Table::new();
    table
        .load_preset(UTF8_BORDERS_ONLY)
        .set_header(["column", "type", "reads as"]);
    for column in &found.columns {
        table.add_row([
            column.header.as_str(),
            column.kind,
            column.canonical.as_deref().unwrap_or(""),
        ]);
    }
    writeln!(out, "\n{table}\n\nsources:\n{}", snippet(file, found)).unwrap();
    out
}

fn separator_name(separator: u8) -> String {
    match separator {
        b'\t' => "tab".to_owned(),
        other => format!("`{}`", other as char),
    }
}

/// A `sources:` entry that reads the file: the preset, or the date, columns and format
/// spelled out.
fn snippet(file: &str, found: &Inspection) -> String {
    let mut out = format!("  data:\n    path: \"{file}\"\n");
    if let Some(fit) = &found.preset {
        writeln!(out, "    preset: {}", fit.preset.name).unwrap();
        if let Some(first) = found.metrics.first() {
            writeln!(out, "    filter: \"metric = '{first}'\"").unwrap();
        }
        return out;
    }
    if let Some(date) = &found.date {
        let format = date.formats.first().map(String::as_str).unwrap_or("%Y-%m-%d");
        let note = if date.formats.len() > 1 {
            "  # check: the dates read both ways"
        } else {
            ""
        };
        writeln!(
            out,
            "    date: {{ column: \"{}\", format: \"{format}\" }}{note}",
            date.column
        )
        .unwrap();
    }
    let mut csv = Vec::new();
    match found.separator {
        Some(b',') | None => {}
        Some(b'\t') => csv.push("separator: tab".to_owned()),
        Some(other) => csv.push(format!("separator: \"{}\"", other as char)),
    }
    if found.decimal_comma {
        csv.push("decimal_comma: true".to_owned());
    }
    if found.encoding.as_deref().is_some_and(|e| e.starts_with("windows-1251")) {
        csv.push("encoding: windows-1251".to_owned());
    }
    if found.header_line > 1 && found.separator.is_some() {
        csv.push(format!("skip_rows: {}", found.header_line - 1));
    }
    if !csv.is_empty() {
        writeln!(out, "    csv: {{ {} }}", csv.join(", ")).unwrap();
    }
    out.push_str("    columns:  # canonical name: header\n");
    let mut named: Vec<String> = Vec::new();
    for column in found.columns.iter().filter(|c| c.kind == "number") {
        // Two headers a preset would both call `views` cannot both be `views` in a spec.
        let mut name = column
            .canonical
            .clone()
            .filter(|name| !named.contains(name))
            .unwrap_or_else(|| canonical_guess(&column.header));
        let base = name.clone();
        for n in 2.. {
            if !named.contains(&name) {
                break;
            }
            name = format!("{base}_{n}");
        }
        writeln!(out, "      {name}: \"{}\"", column.header).unwrap();
        named.push(name);
    }
    out
}

/// A column name a KPI expression can use without quoting.
fn canonical_guess(header: &str) -> String {
    let name: String = header
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    let name = name.trim_matches('_').to_owned();
    if name.is_empty() {
        "column".to_owned()
    } else {
        name
    }
}
