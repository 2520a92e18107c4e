//! `kpipress presets`: the built-in export layouts, or one preset's columns.

use clap::Args;
use comfy_table::{presets::UTF8_BORDERS_ONLY, Table};

use super::{print, FAILED, OK};
use crate::source::presets;
use crate::spec::suggest;

#[derive(Debug, Args)]
pub struct PresetsArgs {
    /// One preset to show in full: its headers per language, formats and key.
    name: Option<String>,
}

pub fn run(args: PresetsArgs) -> u8 {
    match args.name {
        None => {
            print::out(&format!("{}\n", list()));
            OK
        }
        Some(name) => match presets::get(&name) {
            Some(preset) => {
                print::out(&format!("{}\n", details(preset)));
                OK
            }
            None => {
                let near = suggest::nearest(&name, presets::all().keys().map(String::as_str));
                let hint = near.map(|n| format!("; did you mean `{n}`?")).unwrap_or_default();
                print::err(&format!(
                    "error: no preset `{name}`{hint} `kpipress presets` lists them\n"
                ));
                FAILED
            }
        },
    }
}

fn list() -> String {
    let mut table = Table::new();
    table
        .load_preset(UTF8_BORDERS_ONLY)
        .set_header(["preset", "platform", "export", "checked against"]);
    for preset in presets::all().values() {
        table.add_row([
            preset.name.as_str(),
            &preset.platform,
            &preset.title,
            preset.checked().label(),
        ]);
    }
    format!(
        "{table}\n\nUse one in a spec as `sources.<name>.preset`; `kpipress presets <name>` shows its columns and \
         the public exports it was checked against. An UNVERIFIED preset follows no real export: check your \
         numbers against the platform's own."
    )
}

fn details(preset: &presets::Preset) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_BORDERS_ONLY).set_header(["column", "headers"]);
    table.add_row(["date".to_owned(), preset.date.describe()]);
    for (canonical, headers) in &preset.columns {
        let required = if preset.required.contains(canonical) {
            " (required)"
        } else {
            ""
        };
        table.add_row([format!("{canonical}{required}"), headers.describe()]);
    }
    let formats: Vec<String> = preset
        .date_formats
        .iter()
        .map(|(language, formats)| {
            let comma = if preset.decimal_comma(language) {
                ", decimal comma"
            } else {
                ""
            };
            format!("{language}: {}{comma}", formats.join(" or "))
        })
        .collect();
    let mut notes = vec![
        format!("dates      {}", formats.join("; ")),
        format!("key        {}", preset.key.join(" + ")),
        format!("encodings  {}", preset.encodings.join(", then ")),
    ];
    if !preset.totals.is_empty() {
        notes.push(format!("totals     rows starting with {}", preset.totals.join(", ")));
    }
    if preset.header_rows > 1 {
        notes.push(format!(
            "header     {} rows, joined as \"Group / Column\"",
            preset.header_rows
        ));
    }
    notes.push(format!("checked    {}", preset.evidence));
    format!("{} — {}\n\n{table}\n\n{}", preset.name, preset.title, notes.join("\n"))
}
