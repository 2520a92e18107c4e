//! Errors of reading exports: each names the file, and the row and column where a cell
//! is at fault. [`wording`] makes those that need their place in the spec or help worded
//! from what the file holds.

mod wording;

use miette::{Diagnostic, NamedSource, SourceSpan};

use crate::plan::polars_message;
use crate::spec::suggest;
pub use wording::columns_help;
use wording::unusable;

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum SourceError {
    #[error("no file matches `{pattern}`")]
    #[diagnostic(
        code(source::no_files),
        help("check the path; it is relative to the spec file that wrote it")
    )]
    NoFiles {
        pattern: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("this glob matches nothing")]
        span: Option<SourceSpan>,
    },

    #[error("cannot read `{file}`")]
    #[diagnostic(code(source::read))]
    Read {
        file: String,
        #[source]
        cause: ReadFailure,
    },

    #[error("{file}: {unit} {row}, column `{column}`: `{text}` is not {expected}")]
    #[diagnostic(code(source::cell))]
    BadCell {
        file: String,
        unit: &'static str,
        row: usize,
        column: String,
        text: String,
        expected: String,
    },

    /// Files the glob matches that may not be read: each named with why, none quoted.
    #[error("{}", unusable(files))]
    #[diagnostic(
        code(source::not_a_file),
        help("the source's glob matches them; a spec reads only regular files in its repository (the folder holding `.git`): fetch the file, or narrow the glob")
    )]
    NotAFile { files: Vec<super::paths::Unusable> },

    #[error("the glob `{pattern}` walks too many files and folders to be a folder of exports")]
    #[diagnostic(code(source::walk), help("name the folder of the exports, e.g. `data/tiktok/*.csv`"))]
    WalksTooFar { pattern: String },

    #[error("`{file}` is a ZIP archive, not an export")]
    #[diagnostic(
        code(source::archive),
        help("unzip it and point the source at the file inside; a TikTok download `Overview_<first day>_…zip` unzipped into a folder of its name keeps the year its dates lack")
    )]
    Archive { file: String },

    #[error("{file}: {unit} {row} has {cells} cells, but the header has {headers}")]
    #[diagnostic(
        code(source::ragged_row),
        help("every later value of the row would be read one column off; a number with an unquoted thousands comma (`1,200`) splits into two cells")
    )]
    RaggedRow {
        file: String,
        unit: &'static str,
        row: usize,
        cells: usize,
        headers: usize,
    },

    #[error("`{file}` writes its dates without a year (`{example}`), and nothing says which year they are in")]
    #[diagnostic(
        code(source::no_year),
        help("give `year: 2025` (the year of the earliest row) on the source; or keep the download's name, which starts with its first day (`Overview_2025-02-28_…`), as the file's or its folder's name; or name the reported period (`report.period` or `--period`), on or before whose end the latest row falls")
    )]
    NoYear { file: String, example: String },

    #[error("{file}: {unit} {row}: `{text}` {problem}")]
    #[diagnostic(code(source::year))]
    YearLess {
        file: String,
        unit: &'static str,
        row: usize,
        text: String,
        problem: String,
    },

    #[error(
        "`{file}` has no date column, and {said} says it covers {from} to {to}, which is not one {grain} of the report"
    )]
    #[diagnostic(
        code(source::not_one_period),
        help("its rows count for the one period it covers: download one file per period (a month for a monthly report), or a report with a breakdown by day")
    )]
    NotOnePeriod {
        file: String,
        said: crate::source::grid::Said,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        grain: &'static str,
    },

    #[error("`{file}` counts its rows in days (`Nth day`) but has no `# Start date:` line above the table")]
    #[diagnostic(
        code(source::start_date),
        help("export the report again with its preamble, as GA4 writes it")
    )]
    NoStartDate { file: String },

    #[error("{file}: {unit} {row} covers {from} to {to}, more than one {grain} (the report's grain), so it cannot count for one")]
    #[diagnostic(
        code(source::span),
        help("export the table with a breakdown by day, or by {grain} so that every row is one {grain}")
    )]
    SpansDays {
        file: String,
        unit: &'static str,
        row: usize,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        grain: &'static str,
    },

    #[error("`{variable}`, the environment variable source `{source_name}` reads its database's URL from, is not set or empty")]
    #[diagnostic(
        code(source::database_env),
        help("set it to `postgresql://USER:PASSWORD@HOST:5432/DATABASE` in the environment (a CI secret); a spec never holds the URL")
    )]
    DatabaseUnset {
        variable: String,
        source_name: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("names `{variable}`")]
        span: Option<SourceSpan>,
    },

    #[error("`{variable}` does not hold a PostgreSQL URL: {reason}")]
    #[diagnostic(
        code(source::database_url),
        help("the form is `postgresql://USER:PASSWORD@HOST:5432/DATABASE`; its value is not shown, as it may hold a password")
    )]
    DatabaseUrl { variable: String, reason: &'static str },

    #[error("cannot reach the database {server}: {reason}")]
    #[diagnostic(
        code(source::database_connect),
        help("check the host and port in the URL, and that the server accepts connections from here")
    )]
    DatabaseConnect { server: String, reason: String },

    #[error("no TLS with the database {server}: {reason}")]
    #[diagnostic(
        code(source::database_tls),
        help("the certificate is checked against the system's authorities for the URL's host; a private authority's certificate goes in the URL as `sslrootcert=/path/ca.pem`")
    )]
    DatabaseTls { server: String, reason: String },

    #[error("the database {server} refused the session: {message}")]
    #[diagnostic(
        code(source::database_refused),
        help("check the user, the password and the database name in the URL")
    )]
    DatabaseRefused { server: String, message: String },

    #[error("the database {server} asks for {what}, which kpipress does not speak")]
    #[diagnostic(
        code(source::database_login),
        help("give the user a password (SCRAM-SHA-256 or MD5) for kpipress to log in with")
    )]
    DatabaseLogin { server: String, what: &'static str },

    #[error("the database {server} broke off: {reason}")]
    #[diagnostic(code(source::database_broken))]
    DatabaseBroken { server: String, reason: String },

    #[error("source `{source_name}`: the database refused the query: {message}")]
    #[diagnostic(code(source::database_query))]
    DatabaseQuery {
        source_name: String,
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        span: Option<SourceSpan>,
        #[help]
        help: Option<String>,
    },

    #[error(
        "source `{source_name}`: column `{column}` of the query is of type {type_name}, which kpipress does not read"
    )]
    #[diagnostic(
        code(source::database_type),
        help("cast it in the query (`CAST(x AS numeric)`, `x::text`, `x::date`) or leave it out")
    )]
    DatabaseType {
        source_name: String,
        column: String,
        type_name: String,
    },

    #[error("column `{column}` is not in source `{source_name}`")]
    #[diagnostic(code(source::column))]
    MissingColumn {
        column: String,
        source_name: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("reads `{column}`")]
        span: Option<SourceSpan>,
        #[help]
        help: String,
    },

    #[error("`{file}` has no column `{header}` (from `{at}`)")]
    #[diagnostic(code(source::header))]
    MissingHeader {
        file: String,
        header: String,
        at: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("expects this header")]
        span: Option<SourceSpan>,
        #[help]
        help: String,
    },

    #[error("unknown preset `{name}`")]
    #[diagnostic(code(source::preset))]
    UnknownPreset {
        name: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("not a built-in preset")]
        span: Option<SourceSpan>,
        #[help]
        help: String,
    },

    #[error("`{file}` is not a `{preset}` export: it has no column {missing}")]
    #[diagnostic(code(source::wrong_export))]
    WrongExport {
        file: String,
        preset: String,
        missing: String,
        #[help]
        help: String,
    },

    #[error("`{file}` has no date column, and neither its name nor its folder's says the days it covers")]
    #[diagnostic(
        code(source::no_range),
        help("a `{preset}` download's name says the days its rows cover, as `YYYY-MM-DD_YYYY-MM-DD` (a YouTube Studio download from the Portuguese interface: `País 2024-06-02_2025-06-02 UFSCar - Universidade Federal de São Carlos.zip`): keep that name, or unzip the download into a folder of that name")
    )]
    NoRange { file: String, preset: String },

    #[error("source `{source_name}` reads {count} tables, one per metric: {metrics}")]
    #[diagnostic(code(source::several_metrics))]
    SeveralMetrics {
        source_name: String,
        count: usize,
        metrics: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("reads them all")]
        span: Option<SourceSpan>,
        #[help]
        help: String,
    },

    #[error("`{file}` has no header row with the date column {date}")]
    #[diagnostic(code(source::no_header))]
    NoHeader {
        file: String,
        date: String,
        #[help]
        help: String,
    },

    #[error("bad SQL expression ({message})")]
    #[diagnostic(code(source::sql))]
    Expression {
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        span: Option<SourceSpan>,
    },
}

/// Why a file could not be read: the error that said so, kept as it is.
#[derive(Debug, thiserror::Error)]
pub enum ReadFailure {
    #[error(transparent)]
    Io(#[from] std::io::Error),

    /// Polars' own words, less its context lines: they repeat the message.
    #[error("{}", polars_message(.0))]
    Polars(polars::error::PolarsError),

    #[error(transparent)]
    Workbook(#[from] calamine::Error),

    #[error("the workbook has no sheets")]
    NoSheets,

    #[error("no sheet `{name}`; the sheets are {}", suggest::quoted_list(.sheets))]
    NoSheet { name: String, sheets: Vec<String> },

    #[error("no sheet number {index} (counted from 0); the sheets are {}", suggest::quoted_list(.sheets))]
    NoSheetNumber { index: usize, sheets: Vec<String> },

    #[error("`inspect` reads text exports and workbooks; Parquet and JSON carry their own types")]
    NotInspectable,

    #[error("the file has no rows")]
    NoRows,

    #[error("the file is not in {}; give `csv.encoding` (e.g. `windows-1251`)", .tried.join(" or "))]
    Encoding { tried: Vec<&'static str> },
}

impl From<polars::error::PolarsError> for ReadFailure {
    fn from(error: polars::error::PolarsError) -> Self {
        Self::Polars(error)
    }
}
