//! Sources: the analytics exports a spec names, read with polars into frames with
//! canonical column names and a `date` column of type Date. Output: [`Sources`].

mod columns;
mod combine;
mod error;
mod inspect;
mod memory;
mod parse;
mod paths;
mod plan;
pub mod presets;
mod read;
mod warning;

// The parts of each role, named once here so that a file names a neighbour by what it
// is (`dates`, `grid`), whichever folder holds it: reading a file (`read/`: polars' reader
// for plain CSVs, the block reader for large ones, cell by cell for presets and
// workbooks), parsing cells (`parse/`), combining files (`combine/`).
use combine::{coverage, merge, order};
use parse::{cell, dates, value, years};
use read::cells::{excel, grid, typed};
use read::{blocks, checks, scan};

#[cfg(fuzzing)]
pub mod fuzzing;

use indexmap::IndexMap;
use polars::prelude::*;

pub use columns::referenced_columns;
pub use coverage::{Coverage, FileCoverage};
pub use error::SourceError;
pub use inspect::{inspect, Inspection};
use memory::give_back_freed_memory;
pub use memory::{release, zero_ahead};
pub use paths::{display, files};
pub use warning::SourceWarning;

use crate::spec::{Period, Spec};
use plan::Plan;

/// Every source of one spec, by name.
pub struct Sources {
    pub sources: IndexMap<String, LoadedSource>,
    /// For whoever runs the build: days no file covers, rows a newer file replaced.
    pub warnings: Vec<SourceWarning>,
}

impl Sources {
    /// What the database sources returned, as one digest, for the build record (a
    /// spec's files are in the record already); `None` when no source is a database.
    pub fn rows_digest(&self) -> Option<String> {
        let digests: Vec<&str> = (self.sources.values())
            .flat_map(|s| &s.files)
            .filter_map(|f| f.rows_digest.as_deref())
            .collect();
        (!digests.is_empty()).then(|| digests.join(" "))
    }
}

/// One source: its rows from every matching file, concatenated.
pub struct LoadedSource {
    pub frame: LazyFrame,
    pub files: Vec<FileCoverage>,
}

/// The canonical name of the date column in every loaded frame.
pub const DATE: &str = "date";

/// Days from 0001-01-01 to 1970-01-01, the epoch polars counts dates from.
pub const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// Loads every source of `spec`, checking that the columns `wanted` says its KPIs read
/// exist and hold numbers. `period`, the period the spec or the command line asks for,
/// is the last resort for the year of dates written without one.
pub fn load(spec: &Spec, wanted: &crate::plan::Plan, period: Option<Period>) -> Result<Sources, SourceError> {
    let mut sources = IndexMap::new();
    let mut warnings = Vec::new();
    for (name, source) in &spec.sources {
        let read = wanted.columns.get(name).cloned().unwrap_or_default();
        let mut named = columns::content_columns(spec, name);
        named.extend(read.counted);
        let numeric = read.numeric;
        let plan = Plan {
            source,
            period: period.map(|p| (p.start, p.end())),
            window: period.map(|p| window(spec, p)),
            grain: spec.report.grain,
            preset: source
                .preset
                .as_deref()
                .map(|p| presets::get(p).ok_or_else(|| SourceError::unknown_preset(spec, name, p)))
                .transpose()?,
        };
        let loaded = combine::load::load_source(spec, &plan, &numeric, &named)?;
        if let Some(preset) = plan.preset.filter(|p| p.checked() == presets::Checked::Unverified) {
            warnings.push(SourceWarning::UnverifiedPreset {
                source: name.clone(),
                preset: preset.name.clone(),
            });
        }
        warnings.extend(coverage::warnings(name, &loaded.files));
        sources.insert(name.clone(), loaded);
    }
    Ok(Sources { sources, warnings })
}

/// The days a report on `period` may show: its history, and the same periods a year
/// earlier.
fn window(spec: &Spec, period: Period) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let first = (1..spec.report.history).fold(period, |p, _| p.previous());
    (first.year_earlier().start, period.end())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use chrono::NaiveDate;

    use super::*;

    /// Writes `files` into a temporary folder and loads `spec.yaml` from it.
    fn load_fixture(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Result<Sources, SourceError>) {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in files {
            std::fs::File::create(dir.path().join(name))
                .unwrap()
                .write_all(bytes)
                .unwrap();
        }
        let spec = crate::spec::load(&dir.path().join("spec.yaml")).unwrap();
        let plan = crate::plan::plan(&spec).unwrap();
        let sources = load(&spec, &plan, None);
        (dir, sources)
    }

    fn column_sum(sources: &Sources, column: &str) -> f64 {
        let frame = sources.sources["posts"]
            .frame
            .clone()
            .select([col(column).cast(DataType::Float64).sum()])
            .collect()
            .unwrap();
        frame.column(column).unwrap().f64().unwrap().get(0).unwrap()
    }

    const SPEC: &[u8] = b"client: { name: T }\nsources:\n  posts: { path: 'posts.*', date: { column: Day, format: '%d.%m.%Y' }, columns: { views: Views }, csv: { separator: ';', decimal_comma: true, encoding: windows-1251 } }\nkpis:\n  views: { source: posts, value: 'SUM(views)' }\n";

    #[test]
    fn windows_1251_with_decimal_commas() {
        let (header, _, _) =
            encoding_rs::WINDOWS_1251.encode("Day;Views;Заголовок\n01.10.2026;1,5;Кухня\n02.10.2026;2,25;Стол\n");
        let (_dir, sources) = load_fixture(&[("spec.yaml", SPEC), ("posts.csv", &header)]);
        let sources = sources.unwrap();
        assert_eq!(column_sum(&sources, "views"), 3.75);
        let files = &sources.sources["posts"].files;
        assert_eq!(files[0].rows, 2);
        assert_eq!(files[0].last, NaiveDate::from_ymd_opt(2026, 10, 2));
    }

    #[test]
    fn utf8_with_byte_order_mark() {
        let spec = b"client: { name: T }\nsources:\n  posts: { path: posts.csv }\nkpis:\n  views: { source: posts, value: 'SUM(views)' }\n";
        let (_dir, sources) = load_fixture(&[
            ("spec.yaml", spec),
            (
                "posts.csv",
                "\u{feff}date,views\n2026-10-01,4\n2026-10-02,6\n".as_bytes(),
            ),
        ]);
        assert_eq!(column_sum(&sources.unwrap(), "views"), 10.0);
    }

    #[test]
    fn parquet_json_and_ndjson() {
        let mut frame = df!("date" => ["2026-10-01", "2026-10-02"], "views" => [3i64, 4]).unwrap();
        let mut parquet = Vec::new();
        ParquetWriter::new(&mut parquet).finish(&mut frame).unwrap();
        let json = br#"[{"date": "2026-10-03", "views": 5}]"#;
        let ndjson = b"{\"date\": \"2026-10-04\", \"views\": 6}\n{\"date\": \"2026-10-05\", \"views\": 7}\n";
        let spec = b"client: { name: T }\nsources:\n  posts: { path: 'posts.*' }\nkpis:\n  views: { source: posts, value: 'SUM(views)' }\n";
        let (_dir, sources) = load_fixture(&[
            ("spec.yaml", spec),
            ("posts.parquet", &parquet),
            ("posts.json", json),
            ("posts.ndjson", ndjson),
        ]);
        let sources = sources.unwrap();
        assert_eq!(column_sum(&sources, "views"), 25.0);
        assert_eq!(sources.sources["posts"].files.len(), 3);
    }

    #[test]
    fn filters_are_sql_predicates() {
        let spec = b"client: { name: T }\nsources:\n  posts: { path: posts.csv, filter: \"platform = 'tiktok'\" }\nkpis:\n  views: { source: posts, value: 'SUM(views)' }\n";
        let (_dir, sources) = load_fixture(&[
            ("spec.yaml", spec),
            (
                "posts.csv",
                b"date,platform,views\n2026-10-01,tiktok,4\n2026-10-01,vk,100\n",
            ),
        ]);
        assert_eq!(column_sum(&sources.unwrap(), "views"), 4.0);
    }

    #[test]
    fn a_bad_date_names_its_line() {
        let (header, _, _) = encoding_rs::WINDOWS_1251.encode("Day;Views\n01.10.2026;1\n2026-10-02;2\n");
        let (_dir, sources) = load_fixture(&[("spec.yaml", SPEC), ("posts.csv", &header)]);
        let error = sources.err().unwrap().to_string();
        assert!(
            error.ends_with("posts.csv: line 3, column `Day`: `2026-10-02` is not a date in the format `%d.%m.%Y`"),
            "{error}"
        );
    }

    #[test]
    fn an_iso_file_with_one_other_date_names_it() {
        let spec = b"client: { name: T }\nsources:\n  posts: { path: posts.csv }\nkpis:\n  views: { source: posts, value: 'SUM(views)' }\n";
        let csv = b"date,views\n2026-10-01,1\n2026-10-02,2\n03.10.2026,3\n";
        let (_dir, sources) = load_fixture(&[("spec.yaml", spec), ("posts.csv", csv)]);
        let error = sources.err().unwrap().to_string();
        assert!(
            error.ends_with("posts.csv: line 4, column `date`: `03.10.2026` is not a date in the format `%Y-%m-%d`"),
            "{error}"
        );
    }

    #[test]
    fn columns_the_spec_does_not_read_are_left_unread() {
        let spec = b"client: { name: T }\nsources:\n  posts: { path: posts.csv }\nkpis:\n  views: { source: posts, value: 'SUM(views)' }\n";
        let csv = b"date,views,note\n2026-10-01,1,\"a, b\"\n2026-10-02,2,x\n";
        let (_dir, sources) = load_fixture(&[("spec.yaml", spec), ("posts.csv", csv)]);
        let sources = sources.unwrap();
        let schema = sources.sources["posts"].frame.clone().collect_schema().unwrap();
        let mut names: Vec<&str> = schema.iter_names().map(|n| n.as_str()).collect();
        names.sort();
        assert_eq!(names, ["date", "views"]);
        assert_eq!(column_sum(&sources, "views"), 3.0);
    }

    #[test]
    fn a_type_guessed_from_the_first_rows_may_be_wrong_later() {
        let spec = b"client: { name: T }\nsources:\n  posts: { path: posts.csv }\nkpis:\n  views: { source: posts, value: 'SUM(views)' }\n  spend: { source: posts, value: 'SUM(spend)' }\n";
        // Whole numbers and empty cells well past the rows polars guesses types from,
        // then a fraction in each column.
        let mut csv = String::from("date,views,spend\n");
        for day in 0..300 {
            csv.push_str(&format!("2026-10-{:02},1,\n", day % 28 + 1));
        }
        csv.push_str("2026-10-29,0.5,2.25\n");
        let (_dir, sources) = load_fixture(&[("spec.yaml", spec), ("posts.csv", csv.as_bytes())]);
        let sources = sources.unwrap();
        assert_eq!(column_sum(&sources, "views"), 300.5);
        assert_eq!(column_sum(&sources, "spend"), 2.25);
    }

    #[test]
    fn an_id_that_looks_like_a_number_at_first_is_text() {
        let spec = b"client: { name: T }\nsources:\n  posts: { path: posts.csv }\nkpis:\n  posts: { source: posts, value: 'COUNT(post_id)' }\n";
        let mut csv = String::from("date,post_id\n");
        for post in 0..150 {
            csv.push_str(&format!("2026-10-{:02},{}\n", post % 28 + 1, 1000 + post));
        }
        csv.push_str("2026-10-29,ig_77\n");
        let (_dir, sources) = load_fixture(&[("spec.yaml", spec), ("posts.csv", csv.as_bytes())]);
        let frame = sources.unwrap().sources["posts"].frame.clone().collect().unwrap();
        assert_eq!(frame.height(), 151);
        assert_eq!(frame.column("post_id").unwrap().dtype(), &DataType::String);
    }

    const VIEWS: &[u8] = b"client: { name: T }\nsources:\n  posts: { path: posts.csv }\nkpis:\n  views: { source: posts, value: 'SUM(views)' }\n";

    #[test]
    fn rows_come_in_date_order_and_a_days_rows_in_the_files() {
        let csv = b"date,views\n2026-10-02,1\n2026-10-01,2\n2026-10-02,3\n2026-10-01,4\n";
        let (_dir, sources) = load_fixture(&[("spec.yaml", VIEWS), ("posts.csv", csv)]);
        let frame = sources.unwrap().sources["posts"].frame.clone().collect().unwrap();
        let views: Vec<Option<i64>> = frame.column("views").unwrap().i64().unwrap().iter().collect();
        assert_eq!(views, [Some(2), Some(4), Some(1), Some(3)]);
    }

    #[test]
    fn a_missing_header_lists_the_columns() {
        let (header, _, _) = encoding_rs::WINDOWS_1251.encode("Day;Veiws\n01.10.2026;1\n");
        let (_dir, sources) = load_fixture(&[("spec.yaml", SPEC), ("posts.csv", &header)]);
        let error = sources.err().unwrap();
        let SourceError::MissingHeader { header, help, .. } = &error else {
            panic!("{error:?}")
        };
        assert_eq!(header, "Views");
        assert!(help.contains("`Veiws`"), "{help}");
    }
}
