//! Rows far out in time: a typo'd year (`2099-01-05`) or a row dated after today. Left
//! in, one such row makes the default period an empty one decades away (the last
//! period with data) and the trends a chart of empty years. They are left out of every
//! period, and the report says which and where.

use chrono::NaiveDate;

use super::warning::MetricWarning;
use crate::spec::Period;

/// A gap in the data this long sets the rows beyond it apart from the rest.
const FAR_DAYS: i64 = 366;

/// Rows set apart by such a gap are an outlier when they are fewer than this share of
/// all the rows: a pause of a year in a client's history leaves both sides standing.
const OUTLIER_SHARE: f64 = 0.05;

/// The day rows may not lie after. The clock's, not `SOURCE_DATE_EPOCH`: a reproducible
/// build may set that to 0, which would put every row in the future.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// One source's rows in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub source: String,
    pub period: Period,
    pub rows: u64,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// The groups that are outliers in time, and a warning for each source that has some.
pub fn outliers(groups: &[Group], today: NaiveDate) -> (Vec<Group>, Vec<MetricWarning>) {
    let (future, past): (Vec<&Group>, Vec<&Group>) = groups.iter().partition(|g| g.first > today);
    let mut out: Vec<Group> = future.iter().map(|g| (*g).clone()).collect();
    let mut warnings = Vec::new();
    for source in sources(&future) {
        let (rows, first, last) = span(&future, source);
        warnings.push(MetricWarning::AfterToday {
            source: source.to_owned(),
            rows,
            first,
            last,
            today,
        });
    }
    let far = far_clusters(past);
    for source in sources(&far) {
        let (rows, first, last) = span(&far, source);
        warnings.push(MetricWarning::FarFromTheRest {
            source: source.to_owned(),
            rows,
            first,
            last,
        });
    }
    out.extend(far.into_iter().cloned());
    (out, warnings)
}

/// The groups in clusters (runs without a gap of [`FAR_DAYS`]) that hold less than
/// [`OUTLIER_SHARE`] of the rows, beside a cluster that holds more.
fn far_clusters(mut groups: Vec<&Group>) -> Vec<&Group> {
    groups.sort_by_key(|g| g.first);
    let mut clusters: Vec<Vec<&Group>> = Vec::new();
    let mut last_day: Option<NaiveDate> = None;
    for group in groups {
        let apart = last_day.is_none_or(|day| (group.first - day).num_days() > FAR_DAYS);
        if apart {
            clusters.push(Vec::new());
        }
        last_day = Some(last_day.map_or(group.last, |day| day.max(group.last)));
        clusters.last_mut().expect("a cluster was just pushed").push(group);
    }
    let rows = |cluster: &[&Group]| cluster.iter().map(|g| g.rows).sum::<u64>();
    let total: u64 = clusters.iter().map(|c| rows(c)).sum();
    let small = |cluster: &[&Group]| (rows(cluster) as f64) < OUTLIER_SHARE * total as f64;
    if clusters.iter().all(|c| small(c)) {
        return Vec::new();
    }
    clusters.into_iter().filter(|c| small(c)).flatten().collect()
}

fn sources<'a>(groups: &[&'a Group]) -> Vec<&'a str> {
    let mut names: Vec<&str> = groups.iter().map(|g| g.source.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// How many rows `source` has among `groups`, and their first and last day.
fn span(groups: &[&Group], source: &str) -> (u64, NaiveDate, NaiveDate) {
    let mine: Vec<&&Group> = groups.iter().filter(|g| g.source == source).collect();
    let rows: u64 = mine.iter().map(|g| g.rows).sum();
    let first = mine.iter().map(|g| g.first).min().unwrap_or_default();
    let last = mine.iter().map(|g| g.last).max().unwrap_or_default();
    (rows, first, last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Grain;

    fn group(source: &str, day: &str, rows: u64) -> Group {
        let date: NaiveDate = day.parse().unwrap();
        Group {
            source: source.to_owned(),
            period: Period::containing(Grain::Month, date),
            rows,
            first: date,
            last: date,
        }
    }

    fn today() -> NaiveDate {
        "2026-12-01".parse().unwrap()
    }

    #[test]
    fn a_typo_year_is_an_outlier() {
        let groups = [
            group("a", "2026-09-01", 30),
            group("a", "2026-10-01", 31),
            group("a", "2099-01-05", 1),
        ];
        let (out, warnings) = outliers(&groups, "2100-01-01".parse().unwrap());
        assert_eq!(out, [groups[2].clone()]);
        let day = "2099-01-05".parse().unwrap();
        assert_eq!(
            warnings,
            [MetricWarning::FarFromTheRest {
                source: "a".into(),
                rows: 1,
                first: day,
                last: day
            }]
        );
    }

    #[test]
    fn rows_after_today_are_outliers_however_near() {
        let groups = [group("a", "2026-10-01", 31), group("b", "2027-01-05", 300)];
        let (out, warnings) = outliers(&groups, today());
        assert_eq!(out, [groups[1].clone()]);
        assert!(
            matches!(&warnings[..], [MetricWarning::AfterToday { source, rows: 300, .. }] if source == "b"),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_year_long_pause_with_data_on_both_sides_is_no_outlier() {
        let groups = [group("a", "2023-01-01", 300), group("a", "2025-06-01", 200)];
        assert_eq!(outliers(&groups, today()).0, []);
    }

    #[test]
    fn a_typo_in_the_past_is_an_outlier() {
        let groups = [
            group("a", "1926-10-03", 2),
            group("a", "2026-09-01", 300),
            group("a", "2026-10-01", 300),
        ];
        assert_eq!(outliers(&groups, today()).0, [groups[0].clone()]);
    }
}
