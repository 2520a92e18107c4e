//! `sources`: paths, presets, formats, dates and CSV options.

use super::super::error::{Part, SpecError};
use super::super::problem::Problem;
use super::super::raw::*;
use super::super::*;
use super::Resolver;

pub(super) fn source(r: &Resolver, name: String, raw: RawSource) -> Result<SourceSpec, SpecError> {
    source_at(r, &format!("sources.{name}"), name, raw)
}

/// A source written at the key path `at` (a competitor's are under `competitors.`).
pub(super) fn source_at(r: &Resolver, at: &str, name: String, raw: RawSource) -> Result<SourceSpec, SpecError> {
    let at = at.to_owned();
    let database = database(r, &at, &raw)?;
    let pattern = match (raw.path, &database) {
        (Some(_), Some(_)) => {
            return Err(r.error(&format!("{at}.database"), Part::Key, Problem::PathAndDatabase { at }))
        }
        (Some(path), None) => path,
        (None, Some(_)) => String::new(),
        (None, None) => return Err(r.error(&at, Part::Key, Problem::SourcePath { at: at.clone() })),
    };
    if let Err(e) = glob::Pattern::new(&pattern) {
        let problem = Problem::Glob {
            at: at.clone(),
            reason: e.msg,
        };
        return Err(r.error(&format!("{at}.path"), Part::Value, problem));
    }
    let format = raw.format.map(|f| r.closed(&format!("{at}.format"), &f)).transpose()?;
    let date = match raw.date {
        None => None,
        Some(RawDate::Column(column)) => Some(DateColumn { column, format: None }),
        Some(RawDate::Detailed(d)) => Some(DateColumn {
            column: r.required(&format!("{at}.date.column"), d.column)?,
            format: d.format,
        }),
    };
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
        database,
    })
}

/// A database source's variable and query, where `raw` names a database.
fn database(r: &Resolver, at: &str, raw: &RawSource) -> Result<Option<Database>, SpecError> {
    let Some(database) = &raw.database else {
        if raw.query.is_some() {
            let problem = Problem::QueryWithoutDatabase { at: at.to_owned() };
            return Err(r.error(&format!("{at}.query"), Part::Key, problem));
        }
        return Ok(None);
    };
    let variable = &database.env;
    let named = !variable.is_empty() && variable.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !named || variable.starts_with(|c: char| c.is_ascii_digit()) {
        let problem = Problem::DatabaseEnv { at: at.to_owned() };
        return Err(r.error(&format!("{at}.database.env"), Part::Value, problem));
    }
    let query = raw
        .query
        .clone()
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| r.error(at, Part::Key, Problem::DatabaseQuery { at: at.to_owned() }))?;
    Ok(Some(Database {
        env: variable.clone(),
        query,
    }))
}

pub(super) fn csv_options(r: &Resolver, at: &str, raw: RawCsv) -> Result<CsvOptions, SpecError> {
    let separator = raw
        .separator
        .map(|s| match s.as_str() {
            "\\t" | "tab" | "\t" => Ok(b'\t'),
            s if s.len() == 1 => Ok(s.as_bytes()[0]),
            _ => {
                let problem = Problem::Separator {
                    at: at.to_owned(),
                    text: s.to_owned(),
                };
                Err(r.error(&format!("{at}.csv.separator"), Part::Value, problem))
            }
        })
        .transpose()?;
    let encoding = raw
        .encoding
        .map(|label| {
            encoding_rs::Encoding::for_label(label.as_bytes()).ok_or_else(|| {
                let problem = Problem::Encoding { label: label.clone() };
                r.error(&format!("{at}.csv.encoding"), Part::Value, problem)
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

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn with_source(source: &str) -> String {
        format!("client: {{ name: Test }}\nsources:\n  posts: {source}\n")
    }

    #[test]
    fn a_tab_separator_may_be_written_out() {
        let spec = resolve_text(&with_source("{ path: a.tsv, csv: { separator: tab } }")).unwrap();
        assert_eq!(spec.sources["posts"].csv.separator, Some(b'\t'));
        let long = problem(&with_source("{ path: a.csv, csv: { separator: \";;\" } }"));
        assert!(matches!(long, Problem::Separator { text, .. } if text == ";;"));
    }

    #[test]
    fn encodings_are_whatwg_labels() {
        let spec = resolve_text(&with_source("{ path: a.csv, csv: { encoding: cp1251 } }")).unwrap();
        assert_eq!(spec.sources["posts"].csv.encoding, Some(encoding_rs::WINDOWS_1251));
        let unknown = problem(&with_source("{ path: a.csv, csv: { encoding: klingon } }"));
        assert!(matches!(unknown, Problem::Encoding { .. }));
    }

    #[test]
    fn a_path_is_a_valid_glob() {
        assert!(matches!(
            problem(&with_source("{ path: \"data/[a.csv\" }")),
            Problem::Glob { .. }
        ));
        assert!(matches!(
            problem(&with_source("{ format: csv }")),
            Problem::SourcePath { .. }
        ));
    }
}
