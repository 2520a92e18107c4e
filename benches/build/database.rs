//! A database source against the same rows as a Parquet file: a million rows in a
//! throwaway PostgreSQL cluster (tests/it/cluster.rs), read with the report's window
//! bound as `$1`/`$2`, against those rows written as Parquet (target: within twice the
//! Parquet build), and the database build again unchanged (the query runs for the record,
//! rendering is skipped). Beside them, what bounds the database's time: the server
//! sending the same rows to psql's `COPY … TO STDOUT` (its fastest way out), and the
//! same report from a query that sums the rows by day on the server (425 rows).

use std::path::Path;
use std::process::{Command, Stdio};

use polars::prelude::*;

use super::{median_run, ms, report};

#[path = "../../tests/it/cluster.rs"]
mod cluster;

const ROWS: i32 = 1_000_000;
/// The days the rows spread over, from 1 September 2025: to 30 October 2026.
const DAYS: i64 = 425;
const VARIABLE: &str = "KPIPRESS_BENCH_DB";

/// The same rows in SQL and below in polars: a day, a post, views, likes, followers.
const TABLE: &str = "CREATE TABLE posts AS SELECT DATE '2025-09-01' + (i::bigint * 425 / 1000000)::int AS day, \
    i AS post_id, (i::bigint * 7919 % 10000)::int AS views, (i::bigint * 104729 % 500)::int AS likes, \
    10000 + i / 1000 AS followers FROM generate_series(0, 999999) AS i";

pub fn against_parquet(root: &Path, build: &dyn Fn(&[&str]) -> Command) {
    let Some(cluster) = cluster::Cluster::start("bench", false) else {
        println!("database source: skipped, PostgreSQL is not installed");
        return;
    };
    cluster.sql(TABLE);
    let dir = root.join("database");
    std::fs::create_dir_all(&dir).unwrap();
    write_parquet(&dir.join("posts.parquet"));
    let query = "SELECT day, post_id, views, likes, followers FROM posts WHERE day BETWEEN $1 AND $2";
    write_spec(
        &dir.join("database.yaml"),
        "database",
        &format!("{{ database: {{ env: {VARIABLE} }}, query: \"{query}\", date: day }}"),
    );
    write_spec(
        &dir.join("parquet.yaml"),
        "parquet",
        "{ path: posts.parquet, date: day }",
    );
    let by_day = "SELECT day, SUM(views) AS views, SUM(likes) AS likes, MAX(followers) AS followers \
        FROM posts WHERE day BETWEEN $1 AND $2 GROUP BY day";
    write_spec(
        &dir.join("by-day.yaml"),
        "by-day",
        &format!("{{ database: {{ env: {VARIABLE} }}, query: \"{by_day}\", date: day }}"),
    );
    let url = cluster.url(cluster::PASSWORD);
    let run = |spec: &str, force: bool| {
        let spec = dir.join(spec);
        let mut args = vec![spec.to_str().unwrap().to_owned(), "--format".into(), "json".into()];
        if force {
            args.push("--force".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut command = build(&args);
        command.env(VARIABLE, &url);
        command
    };
    let (parquet, rss) = median_run(5, || run("parquet.yaml", true));
    report(
        &format!("{ROWS} rows from a Parquet file"),
        parquet,
        rss,
        "the database's reference",
    );
    let (database, rss) = median_run(5, || run("database.yaml", true));
    report(
        &format!("{ROWS} rows from PostgreSQL"),
        database,
        rss,
        "2x the Parquet file",
    );
    let (unchanged, rss) = median_run(5, || run("database.yaml", false));
    report(
        &format!("{ROWS} rows from PostgreSQL, unchanged"),
        unchanged,
        rss,
        "the query alone",
    );
    println!(
        "{:<48} {:>9.2}x   (target: at most 2x)",
        "PostgreSQL / Parquet",
        ms(database) / ms(parquet)
    );
    let window = query.replace("$1", "'2025-08-01'").replace("$2", "'2026-10-31'");
    let copy = format!("COPY ({window}) TO STDOUT");
    let (server, _) = median_run(5, || {
        let mut psql = cluster.psql(&copy);
        psql.stdout(Stdio::null());
        psql
    });
    report(
        &format!("{ROWS} rows sent to psql (COPY), no kpipress"),
        server,
        0,
        "the floor of any client",
    );
    let (summed, rss) = median_run(5, || run("by-day.yaml", true));
    report(
        "the same, summed by day in the query",
        summed,
        rss,
        "2x the Parquet file",
    );
}

fn write_spec(path: &Path, slug: &str, source: &str) {
    std::fs::write(
        path,
        format!(
            "version: 1\nclient: {{ name: {slug}, slug: {slug} }}\nreport: {{ language: en, period: 2026-10 }}\nsources:\n  posts: {source}\nkpis:\n  views: {{ source: posts, value: \"SUM(views)\" }}\n  likes: {{ source: posts, value: \"SUM(likes)\" }}\n  followers: {{ source: posts, value: \"LAST(followers)\" }}\n"
        ),
    )
    .unwrap();
}

/// [`TABLE`]'s rows as Parquet, with the same types.
fn write_parquet(path: &Path) {
    let rows = 0..ROWS;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let start = (chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap() - epoch).num_days();
    let day: Vec<i32> = rows
        .clone()
        .map(|i| (start + i64::from(i) * DAYS / i64::from(ROWS)) as i32)
        .collect();
    let mut frame = df!(
        "day" => Int32Chunked::from_vec("day".into(), day).into_date().into_series(),
        "post_id" => rows.clone().collect::<Vec<i32>>(),
        "views" => rows.clone().map(|i| (i64::from(i) * 7919 % 10_000) as i32).collect::<Vec<i32>>(),
        "likes" => rows.clone().map(|i| (i64::from(i) * 104_729 % 500) as i32).collect::<Vec<i32>>(),
        "followers" => rows.map(|i| 10_000 + i / 1000).collect::<Vec<i32>>(),
    )
    .unwrap();
    let file = std::fs::File::create(path).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
}
