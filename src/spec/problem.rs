//! What can be wrong with a spec, one variant per failure with the facts it is about.
//! The wording of each message, label and help is here and nowhere else; the place in
//! the spec is [`super::SpecError::Invalid`]'s.

use std::path::PathBuf;

use super::period::Grain;
use super::suggest;

#[derive(Debug, Clone, thiserror::Error)]
pub enum Problem {
    /// A YAML or serde error of one file: its message is serde's.
    #[error("{message}")]
    Syntax { message: String },

    /// serde's error in the merged value of several files, at `path`.
    #[error("`{path}`: {message}")]
    Merged { path: String, message: String },

    #[error("{message}")]
    MergedAnywhere { message: String },

    #[error("`extends` must be the path of a spec file")]
    ExtendsNotAPath,

    #[error("spec version {version} is not supported")]
    Version { version: u32 },

    /// A key the merged spec must have.
    #[error("`{path}` is missing")]
    Missing { path: String },

    /// A word not in a closed list (`format`, `grain`, `better`, …).
    #[error("`{path}`: unknown value `{text}`")]
    UnknownValue {
        path: String,
        text: String,
        known: &'static [&'static str],
    },

    #[error("`client.name` is missing")]
    ClientName,

    #[error("`client.slug` `{slug}` cannot be used in a file name")]
    Slug { slug: String },

    #[error("`{path}` `{text}` is not a {} period", grain.name())]
    Period { path: String, text: String, grain: Grain },

    #[error("`report.currency` `{currency}` is not a currency code")]
    Currency { currency: String },

    #[error("`report.history` must be at least 1")]
    History,

    #[error("`{section}` is not a report section")]
    Section {
        section: String,
        known: &'static [&'static str],
    },

    #[error("section `{section}` is listed twice")]
    SectionTwice { section: String },

    #[error("`report.output` has an unknown placeholder `{{{name}}}`")]
    Placeholder { name: String },

    #[error("`report.output` must stay inside the output folder")]
    OutputOutside,

    #[error("`report.output` `{output}` does not name a file")]
    OutputNotAFile { output: String },

    /// The other formats' files are the PDF's name with their own extension, so an
    /// output with one of theirs would be written twice.
    #[error("`report.output` `{output}` ends in `.{extension}`, the extension of another format's file")]
    OutputExtension { output: String, extension: String },

    #[error("`report.output` makes a file or folder name of {length} bytes (`{name}`), longer than the {max} a build can write")]
    OutputTooLong { name: String, length: usize, max: usize },

    #[error("`{at}.path` is missing")]
    SourcePath { at: String },

    #[error("`{at}` has both `path` and `database`")]
    PathAndDatabase { at: String },

    #[error("`{at}.query` is missing: a database source runs a query")]
    DatabaseQuery { at: String },

    #[error("`{at}.query` is given, but `{at}` reads files: a query needs `database`")]
    QueryWithoutDatabase { at: String },

    #[error("`{at}.database.env` is not an environment variable's name")]
    DatabaseEnv { at: String },

    #[error("`{at}.path` is not a valid glob ({reason})")]
    Glob { at: String, reason: &'static str },

    #[error("`{at}.csv.separator` must be one ASCII character, not `{text}`")]
    Separator { at: String, text: String },

    #[error("unknown encoding `{label}`")]
    Encoding { label: String },

    #[error("`{path}` `{value}` is not a colour")]
    Colour { path: String, value: String },

    #[error("`brand.logo` must be an SVG, PNG or JPEG file")]
    LogoKind,

    #[error("logo `{}` does not exist", path.display())]
    LogoMissing { path: PathBuf },

    #[error("logo `{}` is larger than {max_mib} MiB", path.display())]
    LogoTooLarge { path: PathBuf, max_mib: u64 },

    #[error("logo `{}` cannot be read ({reason})", path.display())]
    LogoUnreadable { path: PathBuf, reason: String },

    #[error("logo `{}` is not {kind} image: its first bytes are not one's", path.display())]
    LogoNotImage { path: PathBuf, kind: &'static str },

    #[error("font folder `{}` does not exist", path.display())]
    FontsMissing { path: PathBuf },

    /// A file or folder the spec names that the spec may not read ([`super::tree`]).
    #[error("`{}` is {why}", path.display())]
    Refused { path: PathBuf, why: super::Refusal },

    /// A KPI, or `content`, reads a source the spec does not define.
    #[error("`{at}` reads source `{name}`, which the spec does not define")]
    UnknownSource {
        at: String,
        name: String,
        known: Vec<String>,
    },

    #[error("`{at}.value` is missing")]
    KpiValue { at: String },

    #[error("`{at}` takes its target from a benchmark but names none")]
    BenchmarkTargetWithoutBenchmark { at: String },

    #[error("`{at}.advice` has advice for an unknown status `{status}`")]
    AdviceStatus {
        at: String,
        status: String,
        known: &'static [&'static str],
    },

    #[error("a {what} must end after it starts")]
    EndsBeforeStart { what: &'static str },

    #[error("`tolerance` must be between 0% and 100%")]
    Tolerance,

    #[error("`{at}` sets no target")]
    NoTarget { at: String },

    #[error("`{at}` sets {count} targets at once")]
    Targets { at: String, count: usize },

    #[error("`{at}` gives neither a `market` nor an `optimal` band")]
    NoBand { at: String },

    #[error("`{at}` `{reference}` names no benchmark")]
    BenchmarkReference { at: String, reference: String },

    #[error("`{at}` names an unknown benchmark set `{set}`")]
    BenchmarkSet {
        at: String,
        set: String,
        known: Vec<String>,
    },

    #[error("benchmark set `{set}` has no KPI `{kpi}`")]
    BenchmarkKpi {
        set: String,
        kpi: String,
        known: Vec<String>,
    },

    #[error("month {month} does not exist")]
    Month { month: u32 },

    #[error("`{at}` needs either `from` and `to`, or `months`")]
    WindowDates { at: String },

    #[error("`{at}` adjusts the target of an unknown KPI `{kpi}`")]
    WindowKpi {
        at: String,
        kpi: String,
        known: Vec<String>,
    },

    #[error("`{text}` is not a date")]
    Date { text: String },

    #[error("`kpis.{kpi}.target.competitors` names `{id}`, which is not among `competitors` (nor `median` or `best`)")]
    UnknownCompetitor {
        kpi: String,
        id: String,
        known: Vec<String>,
    },

    #[error("`{at}.target` is one target for every period: `from` belongs to a list of dated targets")]
    FromOnOneTarget { at: String },

    #[error("`{at}.from` must come after the `from` of the target before it")]
    DatedOrder { at: String },

    #[error("`{at}.breakdown` needs the KPI to have a `source`, whose column it names")]
    BreakdownWithoutSource { at: String },

    #[error("`notes[{index}]` needs a `text`, and either a `date` (`2026-10-12`) or a `period` (`2026-10`)")]
    NoteShape { index: usize },

    #[error("`funnel.actual.{key}` names an unknown KPI `{kpi}`")]
    FunnelKpi {
        key: &'static str,
        kpi: String,
        known: Vec<String>,
    },

    #[error("`{path}` must be above zero")]
    NotPositive { path: String },

    #[error("`content.top` must be at least 1")]
    ContentTop,
}

impl Problem {
    /// The label under the snippet.
    pub fn label(&self) -> String {
        match self {
            Self::Missing { path } => format!("needs `{}`", path.rsplit('.').next().unwrap_or(path)),
            Self::KpiValue { .. } => "needs `value`".into(),
            Self::MergedAnywhere { .. } => "in the merged spec".into(),
            Self::ExtendsNotAPath => "not a path".into(),
            _ => "here".into(),
        }
    }

    /// What to do about it.
    pub fn help(&self) -> Option<String> {
        let fixed = |text: &str| Some(text.to_owned());
        match self {
            Self::Syntax { message } => unknown_name_help(message),
            Self::Merged { message, .. } => quote_help(message),
            Self::ExtendsNotAPath => fixed("write `extends: ../agency.yaml`"),
            Self::Version { .. } => fixed("this kpipress reads `version: 1`"),
            Self::UnknownValue { text, known, .. }
            | Self::AdviceStatus {
                status: text, known, ..
            } => suggest::help(text, known.iter().copied()),
            Self::ClientName => fixed("every spec names its client: `client: { name: \"…\" }`"),
            Self::Slug { .. } => fixed("use letters, digits, `-` and `_`"),
            Self::Period { grain, .. } => Some(period_help(*grain)),
            Self::Currency { .. } => fixed("use an ISO code such as RUB, UAH, USD or EUR"),
            Self::Section { section, known } => suggest::help(section, known.iter().copied())
                .or_else(|| Some(format!("sections are {}", known.join(", ")))),
            Self::Placeholder { name } => suggest::help(name, ["client", "period"]),
            Self::OutputOutside => fixed("write a relative path without `..`; choose the folder with `--out`"),
            Self::OutputNotAFile { .. } | Self::OutputExtension { .. } => {
                fixed("name the PDF, e.g. `reports/{client}/{period}.pdf`; the JSON and the others go beside it")
            }
            Self::OutputTooLong { .. } => fixed("choose a shorter `client.slug` or `report.output`"),
            Self::SourcePath { .. } => fixed(
                "give the export's file or a glob such as `data/tiktok/*.csv`, or `database: { env: VARIABLE }` and a `query`",
            ),
            Self::PathAndDatabase { .. } => fixed("a source reads files or a database: keep one"),
            Self::DatabaseQuery { .. } => fixed("add `query: \"SELECT day, spend, leads FROM ads_daily\"`"),
            Self::QueryWithoutDatabase { .. } => {
                fixed("add `database: { env: VARIABLE }`, the variable holding the URL, or drop the query")
            }
            Self::DatabaseEnv { .. } => {
                fixed("name the variable that holds the URL, e.g. `KPIPRESS_DB_URL`: letters, digits and `_`")
            }
            Self::Encoding { .. } => fixed("use `utf-8`, `utf-16`, `windows-1251` or another WHATWG encoding label"),
            Self::Colour { .. } => fixed("write colours as `#RRGGBB`"),
            Self::Refused { .. } => fixed(super::tree::HELP),
            Self::UnknownSource { name, known, .. } => suggest::help(name, known.iter().map(String::as_str)),
            Self::UnknownCompetitor { id, known, .. } => suggest::help(id, known.iter().map(String::as_str))
                .or_else(|| fixed("use `median`, `best`, or an id under `competitors:`")),
            Self::KpiValue { .. } => {
                fixed("write an SQL expression such as `SUM(likes)`, or one over other KPIs such as `spend / leads`")
            }
            Self::BenchmarkTargetWithoutBenchmark { .. } => fixed("add `benchmark: set.kpi` to the KPI"),
            Self::NoTarget { .. } => {
                fixed("use one of `at_least`, `at_most`, `growth`, `change`, `benchmark`, `ramp`, `funnel`")
            }
            Self::Targets { .. } => fixed("a KPI has one target; keep one of them"),
            Self::NoBand { .. } => {
                fixed("write e.g. `{ market: [4%, 6%], optimal: [7%, 10%] }`, or one threshold: `{ market: 10000 }`")
            }
            Self::BenchmarkReference { .. } => fixed("write `set.kpi`, e.g. `tiktok.engagement_rate`"),
            Self::BenchmarkSet { set, known, .. } => suggest::help(set, known.iter().map(String::as_str))
                .or_else(|| fixed("define the set under `benchmarks:` in the spec")),
            Self::BenchmarkKpi { set, kpi, known } => suggest::help(kpi, known.iter().map(String::as_str))
                .or_else(|| Some(format!("add `{kpi}` under `benchmarks.{set}` in the spec"))),
            Self::WindowKpi { kpi, known, .. } | Self::FunnelKpi { kpi, known, .. } => {
                suggest::help(kpi, known.iter().map(String::as_str))
            }
            Self::Date { .. } => fixed("write `MM-DD` for every year or `YYYY-MM-DD` for once"),
            Self::ContentTop => fixed("it is how many of the best and of the weakest posts the report lists"),
            _ => None,
        }
    }
}

/// How a period of `grain` is written, for messages about one.
pub fn period_help(grain: Grain) -> String {
    let example = match grain {
        Grain::Month => "2026-10",
        Grain::Week => "2026-W43",
        Grain::Quarter => "2026-Q4",
    };
    format!("write periods of this grain like `{example}`")
}

/// A number or a `yes` where text is wanted is text once quoted.
fn quote_help(message: &str) -> Option<String> {
    let scalar = ["integer", "floating point", "boolean"]
        .iter()
        .any(|t| message.contains(&format!("invalid type: {t}")));
    (scalar && message.contains("expected a string"))
        .then(|| "YAML reads it as a number or a yes/no; quote it to make it text: `name: \"1984\"`".to_owned())
}

/// serde says "unknown field `valeu`, expected one of `title`, `value`"; turn that into
/// a suggestion of the nearest name.
fn unknown_name_help(message: &str) -> Option<String> {
    if !message.contains("unknown field") && !message.contains("unknown variant") {
        return None;
    }
    let mut names = message.split('`').skip(1).step_by(2);
    let unknown = names.next()?;
    let known: Vec<&str> = names.collect();
    suggest::nearest(unknown, known.iter().copied()).map(|k| format!("did you mean `{k}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_words_suggest_the_nearest() {
        let problem = Problem::UnknownValue {
            path: "kpis.er.better".into(),
            text: "hihger".into(),
            known: &["higher", "lower"],
        };
        assert_eq!(problem.to_string(), "`kpis.er.better`: unknown value `hihger`");
        assert_eq!(problem.help().unwrap(), "did you mean `higher`?");
    }

    #[test]
    fn a_missing_key_is_labelled_with_its_name() {
        let problem = Problem::Missing {
            path: "content.source".into(),
        };
        assert_eq!(problem.label(), "needs `source`");
    }

    #[test]
    fn serde_messages_get_their_help() {
        let typo = Problem::Syntax {
            message: "kpis.er: unknown field `valeu`, expected one of `title`, `value`".into(),
        };
        assert_eq!(typo.help().unwrap(), "did you mean `value`?");
        let number = Problem::Merged {
            path: "client.name".into(),
            message: "invalid type: integer `1984`, expected a string".into(),
        };
        assert!(number.help().unwrap().contains("quote it"));
    }

    #[test]
    fn an_empty_benchmark_set_says_where_to_add_the_kpi() {
        let problem = Problem::BenchmarkKpi {
            set: "tiktok".into(),
            kpi: "saves_rate".into(),
            known: Vec::new(),
        };
        assert_eq!(
            problem.help().unwrap(),
            "add `saves_rate` under `benchmarks.tiktok` in the spec"
        );
    }
}
