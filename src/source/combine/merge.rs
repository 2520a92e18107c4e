//! Several files of one source made into one frame: where monthly exports overlap, each
//! key keeps the rows of the newest file (the one whose data ends last); days no file
//! covers are reported.

use chrono::{Days, NaiveDate};
use polars::prelude::*;

use crate::source::{FileCoverage, DATE};

/// The hidden column that numbers files from oldest to newest.
const FILE: &str = "__file";

/// One file's rows and what it covered.
pub struct FileFrame {
    pub frame: DataFrame,
    pub coverage: FileCoverage,
}

/// All files' rows in one frame. Files whose dates overlap another's lose the rows whose
/// `key` a newer file also has; their coverage records how many.
pub fn merge(mut files: Vec<FileFrame>, key: &[String]) -> PolarsResult<(LazyFrame, Vec<FileCoverage>)> {
    files.sort_by(|a, b| (a.coverage.last, &a.coverage.path).cmp(&(b.coverage.last, &b.coverage.path)));
    let overlapping = overlaps(&files);
    let union = UnionArgs {
        to_supertypes: true,
        ..Default::default()
    };
    if !overlapping {
        let frames: Vec<LazyFrame> = files.iter().map(|f| f.frame.clone().lazy()).collect();
        let coverage = files.into_iter().map(|f| f.coverage).collect();
        return Ok((concat_lf_diagonal(frames, union)?, coverage));
    }
    let frames: Vec<LazyFrame> = files
        .iter()
        .enumerate()
        .map(|(rank, f)| {
            f.frame
                .clone()
                .lazy()
                .with_column(lit(rank as u32).cast(DataType::UInt32).alias(FILE))
        })
        .collect();
    let all = concat_lf_diagonal(frames, union)?;
    let names = all.clone().collect_schema()?;
    let mut key: Vec<Expr> = key
        .iter()
        .filter(|k| names.contains(k.as_str()))
        .map(|k| col(k.as_str()))
        .collect();
    if key.is_empty() {
        key.push(col(DATE));
    }
    // In date order again, as each file was: the files' rows interleave where they overlap.
    let kept = all
        .filter(col(FILE).eq(col(FILE).max().over(key)?))
        .sort([DATE], SortMultipleOptions::default().with_maintain_order(true))
        .collect()?;
    let kept_per_file = kept.column(FILE)?.u32()?.clone();
    let mut coverage: Vec<FileCoverage> = files.into_iter().map(|f| f.coverage).collect();
    for (rank, file) in coverage.iter_mut().enumerate() {
        let kept = kept_per_file.iter().filter(|r| *r == Some(rank as u32)).count();
        file.replaced = file.rows - kept;
    }
    Ok((kept.drop(FILE)?.lazy(), coverage))
}

fn overlaps(files: &[FileFrame]) -> bool {
    let mut ranges: Vec<(NaiveDate, NaiveDate)> = files
        .iter()
        .filter_map(|f| Some((f.coverage.first?, f.coverage.last?)))
        .collect();
    ranges.sort();
    ranges.windows(2).any(|pair| pair[1].0 <= pair[0].1)
}

/// Stretches of days between the first and last file that no file covers.
pub fn gaps(files: &[FileCoverage]) -> Vec<(NaiveDate, NaiveDate)> {
    let mut ranges: Vec<(NaiveDate, NaiveDate)> = files.iter().filter_map(|f| Some((f.first?, f.last?))).collect();
    ranges.sort();
    let mut gaps = Vec::new();
    let Some(mut covered) = ranges.first().map(|r| r.1) else {
        return gaps;
    };
    for (first, last) in ranges.into_iter().skip(1) {
        let next_day = covered + Days::new(1);
        if first > next_day {
            gaps.push((next_day, first - Days::new(1)));
        }
        covered = covered.max(last);
    }
    gaps
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, d).unwrap()
    }

    fn file(name: &str, dates: &[u32], values: &[i64], campaign: &[&str]) -> FileFrame {
        let days: Vec<NaiveDate> = dates.iter().map(|d| day(*d)).collect();
        let frame = df!("date" => days, "campaign" => campaign, "spend" => values).unwrap();
        FileFrame {
            coverage: FileCoverage {
                path: PathBuf::from(name),
                rows: frame.height(),
                first: dates.iter().min().map(|d| day(*d)),
                last: dates.iter().max().map(|d| day(*d)),
                replaced: 0,
                undated: 0,
                truncated: None,
                unread: Vec::new(),
                rows_digest: None,
            },
            frame,
        }
    }

    fn total(frame: LazyFrame) -> i64 {
        let sum = frame.select([col("spend").sum()]).collect().unwrap();
        sum.column("spend").unwrap().i64().unwrap().get(0).unwrap()
    }

    #[test]
    fn the_newest_file_wins_where_exports_overlap() {
        // October 1-3 exported on the 3rd, then 2-5 on the 5th: days 2 and 3 come from the
        // second file (20 + 30, not 2 + 3), the two campaigns on day 3 both kept.
        let older = file("a.csv", &[1, 2, 3], &[1, 2, 3], &["x", "x", "x"]);
        let newer = file("b.csv", &[2, 3, 3, 5], &[20, 30, 31, 50], &["x", "x", "y", "x"]);
        let key = ["date".to_owned(), "campaign".to_owned()];
        let (frame, coverage) = merge(vec![newer, older], &key).unwrap();
        assert_eq!(total(frame), 1 + 20 + 30 + 31 + 50);
        assert_eq!(coverage[0].path, PathBuf::from("a.csv"));
        assert_eq!((coverage[0].replaced, coverage[1].replaced), (2, 0));
    }

    #[test]
    fn files_that_do_not_overlap_are_kept_whole() {
        let september = file("a.csv", &[1, 2], &[1, 1], &["x", "x"]);
        let october = file("b.csv", &[3, 4], &[1, 1], &["x", "x"]);
        let (frame, coverage) = merge(vec![september, october], &["date".to_owned()]).unwrap();
        assert_eq!(total(frame), 4);
        assert!(coverage.iter().all(|c| c.replaced == 0));
    }

    #[test]
    fn gaps_are_the_days_between_files() {
        let files = [
            file("a", &[1, 5], &[1, 1], &["x", "x"]).coverage,
            file("b", &[3, 9], &[1, 1], &["x", "x"]).coverage,
            file("c", &[14, 20], &[1, 1], &["x", "x"]).coverage,
        ];
        assert_eq!(gaps(&files), [(day(10), day(13))]);
    }
}
