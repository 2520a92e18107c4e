//! `cargo bench --bench build`: wall time and peak memory of real builds.
//!
//! 1. one client's full report from a cold process (target: under 80 ms);
//! 2. 50 clients × 14 months in one `build` as a user runs it, with the default `--jobs`
//!    (target: under 1 s, 250 MiB), and
//!    the same 50 again, unchanged (target: 5 % of the cold batch);
//! 3. 250 and 1000 clients in one `build` (target: the time per client the same at both
//!    sizes, and the peak memory too: nothing per client is kept once it is written);
//! 4. a 5-million-row source read and aggregated by kpipress, against polars doing the
//!    same read and group-by on its own (target: no slower);
//! 5. a million rows from PostgreSQL against the same rows as a Parquet file (target:
//!    within twice the Parquet build), where PostgreSQL is installed.
//!
//! `cargo bench --bench build -- NAME…` runs only the parts named: `batch` (1 to 3),
//! `large` (4), `database` (5).
//!
//! The data is generated here, deterministically, in a temporary folder. Every build
//! passes `--force`: the runs share one output folder, and an unchanged client would
//! otherwise be skipped.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use polars::prelude::*;

#[path = "build/database.rs"]
mod database;

const CLIENTS: usize = 50;
/// The batch sizes whose time per client and peak memory are compared.
const SCALES: [usize; 2] = [250, 1000];
const LARGE_ROWS: usize = 5_000_000;

fn main() {
    // Cargo passes `--bench`; anything else names the parts to run.
    let parts: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let runs = |part: &str| parts.is_empty() || parts.iter().any(|p| p == part);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    let out = root.join("out");
    let out = out.to_str().unwrap();
    let build = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kpipress"));
        command
            .arg("build")
            .args(args)
            .args(["--out", out])
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    };
    if runs("batch") {
        batches(root, &build);
    }
    if runs("large") {
        large_source(root, &build);
    }
    if runs("database") {
        database::against_parquet(root, &build);
    }
}

fn batches(root: &Path, build: &dyn Fn(&[&str]) -> Command) {
    write_agency(root);
    for client in 0..SCALES[1] {
        write_client(root, client);
    }
    write_specs(root, "clients", CLIENTS);
    for clients in SCALES {
        write_specs(root, &format!("scale{clients}"), clients);
    }
    let single = root.join("clients/client00.yaml");
    let (time, rss) = median_run(7, || build(&[single.to_str().unwrap(), "--force"]));
    report("one client, cold process", time, rss, "80 ms");

    let glob = root.join("clients/*.yaml");
    let glob = glob.to_str().unwrap();
    let (time, rss) = median_run(5, || build(&[glob, "--force"]));
    report(&format!("{CLIENTS} clients x 14 months"), time, rss, "1 s");
    let (time, rss) = median_run(5, || build(&[glob]));
    let name = format!("{CLIENTS} clients unchanged since the last build");
    report(&name, time, rss, "5% of a cold batch");

    for clients in SCALES {
        let glob = root.join(format!("scale{clients}/*.yaml"));
        let (time, rss) = median_run(1, || build(&[glob.to_str().unwrap(), "--force"]));
        let name = format!("{clients} clients ({:.1} ms a client)", ms(time) / clients as f64);
        report(&name, time, rss, "the same per client and peak at every size");
    }
}

fn large_source(root: &Path, build: &dyn Fn(&[&str]) -> Command) {
    let large = root.join("large");
    write_large(&large);
    let spec = large.join("spec.yaml");
    let (ours, rss) = median_run(3, || build(&[spec.to_str().unwrap(), "--format", "json", "--force"]));
    report(
        &format!("{LARGE_ROWS} rows, kpipress build --format json"),
        ours,
        rss,
        "polars",
    );
    let polars_alone = median(3, || polars_group_by(&large.join("posts.csv")));
    println!(
        "{:<48} {:>9.1} ms",
        format!("{LARGE_ROWS} rows, polars read + group-by alone"),
        ms(polars_alone)
    );
}

fn report(name: &str, time: Duration, peak_rss_kib: i64, target: &str) {
    println!(
        "{name:<48} {:>9.1} ms   peak RSS {:>6.1} MiB   (target: {target})",
        ms(time),
        peak_rss_kib as f64 / 1024.0
    );
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}

/// The median wall time of `runs` runs of a child process, and the largest peak RSS
/// one of those runs had, with the render workers it waited for (KiB).
fn median_run(runs: usize, mut start: impl FnMut() -> Command) -> (Duration, i64) {
    let mut peak = 0;
    // wait4 reaps each child below, which std's `wait` cannot: it drops the usage.
    #[allow(clippy::zombie_processes)]
    let time = median(runs, || {
        let child = start().spawn().expect("kpipress starts");
        let (status, usage) = wait_with_usage(child.id());
        assert!(status == 0, "kpipress failed");
        peak = peak.max(usage.ru_maxrss);
    });
    (time, peak)
}

/// Waits for the process `pid` and returns its exit status and resource usage, in which
/// Linux counts the children it waited for.
fn wait_with_usage(pid: u32) -> (i32, libc::rusage) {
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `pid` is a child of this process that nothing else waits for, and wait4
    // fills the status and the struct it is given.
    let usage = unsafe {
        let waited = libc::wait4(pid as libc::pid_t, &mut status, 0, usage.as_mut_ptr());
        assert_eq!(waited, pid as libc::pid_t, "wait4 failed");
        usage.assume_init()
    };
    (status, usage)
}

fn median(runs: usize, mut work: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// What kpipress does with the large source, done by polars alone.
fn polars_group_by(path: &Path) {
    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|r| r.finish())
        .expect("polars reads the CSV");
    let result = frame
        .lazy()
        .with_column(col("date").str().to_date(StrptimeOptions::default()))
        .group_by([col("date").dt().truncate(lit("1mo"))])
        .agg([col("views").sum(), col("likes").sum(), col("followers").last()])
        .collect()
        .expect("polars aggregates");
    assert!(result.height() >= 14);
}

/// A small deterministic generator (xorshift), so the data is the same on every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 1_000_000) as f64 / 1_000_000.0
    }

    fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.next()
    }
}

fn days() -> impl Iterator<Item = chrono::NaiveDate> {
    let start = chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
    let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
    start.iter_days().take_while(move |d| *d <= end)
}

fn write_agency(root: &Path) {
    std::fs::create_dir_all(root.join("data")).unwrap();
    std::fs::write(
        root.join("agency.yaml"),
        r##"version: 1
report: { language: ru, grain: month, history: 12 }
brand: { colors: { primary: "#0B5FFF", accent: "#FFB800" }, footer: "Bench" }
kpis:
  followers: { title: "Подписчики", source: posts, value: "LAST(followers)", target: { growth: 3% } }
  views: { title: "Просмотры", source: posts, value: "SUM(views)" }
  engagement_rate: { title: "ER", source: posts, value: "(SUM(likes) + SUM(comments) + SUM(shares)) / SUM(views)", format: percent, target: { at_least: 7% } }
  spend: { title: "Расход", source: ads, value: "SUM(spend)", format: currency, better: lower }
  leads: { title: "Заявки", source: ads, value: "SUM(leads)", target: { at_least: 50 } }
  cost_per_lead: { title: "CPL", value: "spend / leads", format: currency, better: lower, target: { at_most: 1000 } }
"##,
    )
    .unwrap();
}

fn write_client(root: &Path, client: usize) {
    let mut random = Random(0x9E37_79B9_7F4A_7C15 ^ (client as u64 + 1));
    let (mut posts, mut ads) = (
        String::from("date,post_id,views,likes,comments,shares,followers\n"),
        String::from("date,spend,leads\n"),
    );
    let mut followers = 5_000.0;
    for (i, day) in days().enumerate() {
        let views = random.between(1_000.0, 20_000.0).round();
        followers += random.between(-5.0, 60.0).round();
        let rate = random.between(0.03, 0.09);
        writeln!(
            posts,
            "{day},p{i},{views},{},{},{},{followers}",
            (views * rate * 0.8).round(),
            (views * rate * 0.1).round(),
            (views * rate * 0.1).round()
        )
        .unwrap();
        writeln!(
            ads,
            "{day},{:.2},{}",
            random.between(500.0, 3_000.0),
            random.between(0.0, 5.0).round()
        )
        .unwrap();
    }
    let data = root.join(format!("data/client{client:02}"));
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("posts.csv"), posts).unwrap();
    std::fs::write(data.join("ads.csv"), ads).unwrap();
}

/// A folder of the first `clients` clients' specs, each reading the data written for it.
fn write_specs(root: &Path, folder: &str, clients: usize) {
    std::fs::create_dir_all(root.join(folder)).unwrap();
    for client in 0..clients {
        let spec = format!(
            "extends: ../agency.yaml\nclient: {{ name: \"Клиент №{client}\", slug: client{client:02} }}\nsources:\n  posts: {{ path: ../data/client{client:02}/posts.csv }}\n  ads: {{ path: ../data/client{client:02}/ads.csv }}\n"
        );
        std::fs::write(root.join(format!("{folder}/client{client:02}.yaml")), spec).unwrap();
    }
}

fn write_large(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut random = Random(42);
    let dates: Vec<String> = days().map(|d| d.to_string()).collect();
    let mut csv = String::with_capacity(LARGE_ROWS * 40);
    csv.push_str("date,post_id,views,likes,followers\n");
    for row in 0..LARGE_ROWS {
        let date = &dates[row * dates.len() / LARGE_ROWS];
        writeln!(
            csv,
            "{date},{row},{},{},{}",
            (random.next() * 10_000.0) as u32,
            (random.next() * 500.0) as u32,
            10_000 + row / 1000
        )
        .unwrap();
    }
    std::fs::write(dir.join("posts.csv"), csv).unwrap();
    std::fs::write(
        dir.join("spec.yaml"),
        "version: 1\nclient: { name: Large, slug: large }\nreport: { language: en }\nsources:\n  posts: { path: posts.csv }\nkpis:\n  views: { source: posts, value: \"SUM(views)\" }\n  likes: { source: posts, value: \"SUM(likes)\" }\n  followers: { source: posts, value: \"LAST(followers)\" }\n",
    )
    .unwrap();
}
