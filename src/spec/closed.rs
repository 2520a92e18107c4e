//! The spec language's closed sets of words: each enum lists what a spec may write and
//! reads it in one place, so no other module matches the words as strings.

use serde::Serialize;

use super::period::{Grain, Per};

/// A value a spec writes as one of a fixed list of words.
pub trait Closed: Sized + Copy + 'static {
    /// Every word, in the order messages list them.
    const NAMES: &'static [&'static str];

    fn parse(text: &str) -> Option<Self>;
}

/// An enum whose variants are spelled as the given words, with [`Closed`], `name()` and
/// `ALL` (the variants in order).
macro_rules! closed {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl Closed for $name {
            const NAMES: &'static [&'static str] = &[$($text),+];

            fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

closed! {
    pub enum Language {
        Ru = "ru",
        Uk = "uk",
        En = "en",
    }
}

closed! {
    pub enum ValueFormat {
        Number = "number",
        Percent = "percent",
        Currency = "currency",
        Duration = "duration",
    }
}

closed! {
    /// Which way a KPI improves.
    pub enum Better {
        Higher = "higher",
        Lower = "lower",
    }
}

closed! {
    /// The band of a benchmark a target is taken from.
    pub enum BandName {
        Market = "market",
        Optimal = "optimal",
    }
}

closed! {
    /// The funnel figure a target is taken from.
    pub enum FunnelTarget {
        Leads = "leads",
        CostPerLead = "cost_per_lead",
    }
}

closed! {
    /// A section of the report, in the default order.
    pub enum Section {
        Cover = "cover",
        Summary = "summary",
        Scorecard = "scorecard",
        Trends = "trends",
        Competitors = "competitors",
        Funnel = "funnel",
        Content = "content",
        Recommendations = "recommendations",
        Appendix = "appendix",
    }
}

closed! {
    /// A KPI's status, as `advice` keys name them.
    pub enum StatusName {
        Achieved = "achieved",
        Near = "near",
        Missed = "missed",
        NoData = "no_data",
    }
}

/// The format of a source's files; the spec may also write a file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Tsv,
    Parquet,
    Json,
    Ndjson,
    /// XLSX, XLSM, XLS or ODS, read with calamine.
    Excel,
}

impl FileFormat {
    /// Every name a spec may give a format by, in any case: the format's own, and its
    /// files' extensions.
    pub const SPELLINGS: [(&'static str, Self); 15] = [
        ("csv", Self::Csv),
        ("txt", Self::Csv),
        ("tsv", Self::Tsv),
        ("tab", Self::Tsv),
        ("parquet", Self::Parquet),
        ("pq", Self::Parquet),
        ("json", Self::Json),
        ("ndjson", Self::Ndjson),
        ("jsonl", Self::Ndjson),
        ("excel", Self::Excel),
        ("xlsx", Self::Excel),
        ("xlsm", Self::Excel),
        ("xlsb", Self::Excel),
        ("xls", Self::Excel),
        ("ods", Self::Excel),
    ];
}

impl Closed for FileFormat {
    const NAMES: &'static [&'static str] = &["csv", "tsv", "parquet", "json", "ndjson", "excel"];

    fn parse(text: &str) -> Option<Self> {
        let text = text.to_ascii_lowercase();
        Self::SPELLINGS
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, format)| *format)
    }
}

impl Closed for Grain {
    const NAMES: &'static [&'static str] = &Grain::NAMES;

    fn parse(text: &str) -> Option<Self> {
        Grain::parse(text)
    }
}

impl Closed for Per {
    const NAMES: &'static [&'static str] = &Per::NAMES;

    fn parse(text: &str) -> Option<Self> {
        Per::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_to_its_variant() {
        for section in Section::ALL {
            assert_eq!(Section::parse(section.name()), Some(*section));
        }
        assert_eq!(Section::NAMES.len(), Section::ALL.len());
        assert_eq!(FunnelTarget::parse("cost_per_lead"), Some(FunnelTarget::CostPerLead));
        assert_eq!(Better::parse("Higher"), None);
    }

    #[test]
    fn names_serialise_as_the_spec_writes_them() {
        assert_eq!(serde_json::to_string(&StatusName::NoData).unwrap(), "\"no_data\"");
        assert_eq!(
            serde_json::to_string(&Section::Recommendations).unwrap(),
            "\"recommendations\""
        );
    }

    #[test]
    fn file_formats_take_extensions() {
        assert_eq!(FileFormat::parse("XLSX"), Some(FileFormat::Excel));
        assert_eq!(FileFormat::parse("jsonl"), Some(FileFormat::Ndjson));
        assert_eq!(FileFormat::parse("doc"), None);
    }
}
