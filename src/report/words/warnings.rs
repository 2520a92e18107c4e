//! Build warnings in words: the one place the source and metrics stages' warnings, and
//! the report's own, are worded. They are for whoever runs the build, so in English, the
//! language of every other message; a count agrees with its noun and verb.

use crate::goals::Scorecard;
use crate::metrics::{MetricTable, MetricWarning};
use crate::report::FALLBACK_FAMILY;
use crate::source::{Coverage, SourceWarning};

/// The report's own warnings, beside the stages' (worded here too).
enum ReportWarning<'a> {
    /// The spec's brand font is in neither `brand.fonts` nor the embedded fonts.
    MissingFont { family: &'a str },
    /// The data stops before the reported period's last day (or before it starts).
    DataEnds {
        end: chrono::NaiveDate,
        period: crate::spec::Period,
    },
}

/// Every warning of one report: the sources' files, rows left out, a missing font, a
/// period the data does not cover to its end.
pub fn all(sources: &Coverage, table: &MetricTable, scorecard: &Scorecard, missing_font: Option<&str>) -> Vec<String> {
    let mut warnings: Vec<String> = sources.warnings.iter().map(source).collect();
    if let Some(family) = missing_font {
        warnings.push(report(&ReportWarning::MissingFont { family }));
    }
    warnings.extend(table.warnings.iter().map(metric));
    if let Some(end) = table.data_end.filter(|end| *end < scorecard.period.end()) {
        warnings.push(report(&ReportWarning::DataEnds {
            end,
            period: scorecard.period,
        }));
    }
    warnings
}

fn report(warning: &ReportWarning) -> String {
    match warning {
        ReportWarning::MissingFont { family } => {
            format!("font `{family}` was not found in `brand.fonts`; the report uses {FALLBACK_FAMILY}")
        }
        ReportWarning::DataEnds { end, period } => {
            let place = if *end < period.start { "before" } else { "inside" };
            format!("the data ends on {end}, {place} the reported period {period}")
        }
    }
}

fn source(warning: &SourceWarning) -> String {
    match warning {
        SourceWarning::UnverifiedPreset { source, preset } => format!(
            "source `{source}`: preset `{preset}` follows no real export (none was found in public material); \
             check its numbers against the platform's own"
        ),
        SourceWarning::Replaced {
            source,
            file,
            replaced,
            rows,
            newest,
        } => format!(
            "source `{source}`: {replaced} of {} of `{file}` {} also in a newer file and {} taken from it (newest: `{newest}`)",
            count(*rows as u64, "row", "rows"),
            agree(*replaced as u64, "is", "are"),
            agree(*replaced as u64, "was", "were"),
        ),
        SourceWarning::Undated { source, file, rows } => format!(
            "source `{source}`: left out {} of `{file}` that {} no date",
            count(*rows as u64, "row", "rows"),
            agree(*rows as u64, "has", "have")
        ),
        SourceWarning::Gap { source, from, to } => format!("source `{source}`: no file covers {from} to {to}"),
        SourceWarning::UnreadColumns { source, columns } => {
            let n = columns.len() as u64;
            let named: Vec<String> = columns.iter().map(|(c, t)| format!("`{c}` ({t})")).collect();
            format!(
                "source `{source}`: the query's {} {}, of {} kpipress does not read, {} left out; cast {} in the query to use {}",
                agree(n, "column", "columns"),
                named.join(", "),
                agree(n, "a type", "types"),
                agree(n, "is", "are"),
                agree(n, "it", "them"),
                agree(n, "it", "them"),
            )
        }
        SourceWarning::Truncated {
            source,
            file,
            limit,
            line,
        } => {
            let top = limit.map_or_else(|| "top rows".to_owned(), |n| format!("top {}", count(n, "row", "rows")));
            format!(
                "source `{source}`: `{file}` holds only the {top} of the platform's table (its last line: `{line}`); \
                 the rest are not in the report: export a shorter range or split it"
            )
        }
    }
}

fn metric(warning: &MetricWarning) -> String {
    match warning {
        MetricWarning::AfterToday {
            source,
            rows,
            first,
            last,
            today,
        } => format!(
            "source `{source}`: {} dated {} {} after today ({today}); {} left out of every period: check {} dates",
            count(*rows, "row", "rows"),
            days(*first, *last),
            agree(*rows, "lies", "lie"),
            agree(*rows, "it is", "they are"),
            agree(*rows, "its", "their")
        ),
        MetricWarning::FarFromTheRest {
            source,
            rows,
            first,
            last,
        } => format!(
            "source `{source}`: {} dated {} {} more than a year from the rest of the data; {} left out of every \
             period: check {} dates",
            count(*rows, "row", "rows"),
            days(*first, *last),
            agree(*rows, "lies", "lie"),
            agree(*rows, "it is", "they are"),
            agree(*rows, "its", "their")
        ),
        MetricWarning::NoRowsInPeriod { period, covered } => {
            let covered = match covered {
                Some((first, last)) => format!("the data covers {first} to {last}"),
                None => "no source has any rows".to_owned(),
            };
            format!("no source has rows in {period}, the period reported; {covered}")
        }
        MetricWarning::Overflow { kpi, period } => format!(
            "`{kpi}` in {period}: a sum is larger than a number can hold, so the KPI has no data there; \
             check the export's values"
        ),
    }
}

/// `1 row`, `2 rows`.
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", agree(n, one, many))
}

/// The form of a word that agrees with a count of `n`.
fn agree<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// One day, or the first and last.
fn days(first: chrono::NaiveDate, last: chrono::NaiveDate) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first} … {last}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> chrono::NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn one_row_agrees_with_its_verb() {
        let one = metric(&MetricWarning::AfterToday {
            source: "posts".into(),
            rows: 1,
            first: day("2099-01-05"),
            last: day("2099-01-05"),
            today: day("2026-12-07"),
        });
        assert_eq!(
            one,
            "source `posts`: 1 row dated 2099-01-05 lies after today (2026-12-07); it is left out of every period: \
             check its dates"
        );
        let three = metric(&MetricWarning::FarFromTheRest {
            source: "posts".into(),
            rows: 3,
            first: day("2019-01-05"),
            last: day("2019-01-07"),
        });
        assert!(
            three.starts_with("source `posts`: 3 rows dated 2019-01-05 … 2019-01-07 lie more than"),
            "{three}"
        );
        assert!(
            three.ends_with("they are left out of every period: check their dates"),
            "{three}"
        );
    }

    #[test]
    fn a_file_cut_short_says_how_many_rows_it_kept() {
        let warning = source(&SourceWarning::Truncated {
            source: "videos".into(),
            file: "top.csv".into(),
            limit: Some(500),
            line: "Showing top 500 results".into(),
        });
        assert_eq!(
            warning,
            "source `videos`: `top.csv` holds only the top 500 rows of the platform's table (its last line: \
             `Showing top 500 results`); the rest are not in the report: export a shorter range or split it"
        );
    }
}
