//! Every built-in preset on a fixture that reproduces its export (header, preamble,
//! encoding, number and date formats), read through the real binary; the numbers are
//! worked out by hand in each fixture's spec.yaml.

use super::{build, close, kpi, kpipress, out_dir, read_json, root, stderr};

type Case = (&'static str, &'static str, &'static [(&'static str, f64)]);

/// A fixture folder, the preset it reads, then each KPI with its hand-worked value for
/// October 2026. A preset's layouts and interface languages each have their own folder.
const CASES: &[Case] = &[
    (
        "tiktok-studio-overview",
        "tiktok-studio-overview",
        &[("views", 4000.0), ("profile_views", 100.0), ("engagement_rate", 0.0825)],
    ),
    (
        "tiktok-studio-content",
        "tiktok-studio-content",
        &[("views", 10000.0), ("videos", 3.0), ("engagement_rate", 0.068)],
    ),
    (
        "tiktok-studio-followers",
        "tiktok-studio-followers",
        &[
            ("followers", 1041.0),
            ("new_followers", 41.0),
            ("first_followers", 1005.0),
        ],
    ),
    (
        "meta-business-suite",
        "meta-business-suite",
        &[("reach", 6000.0), ("posts", 3.0), ("engagement_rate", 410.0 / 6000.0)],
    ),
    (
        "meta-business-suite-daily",
        "meta-business-suite-daily",
        &[("new_followers", 12.0)],
    ),
    (
        "meta-ads-manager",
        "meta-ads-manager",
        &[("spend", 4000.0), ("leads", 8.0), ("cost_per_lead", 500.0)],
    ),
    (
        "meta-business-suite-daily-two",
        "meta-business-suite-daily",
        &[("instagram_reach", 156.0), ("facebook_reach", 310.0)],
    ),
    (
        "meta-business-suite-daily-two-untitled",
        "meta-business-suite-daily",
        &[("followers", 241.0), ("page_likes", 1.0)],
    ),
    (
        "youtube-studio-totals-total",
        "youtube-studio-totals",
        &[("new_followers", 9.0)],
    ),
    (
        "meta-ads-manager-pt",
        "meta-ads-manager",
        &[
            ("spend", 500.0),
            ("results", 450.0),
            ("impressions", 30000.0),
            ("cost_per_result", 500.0 / 450.0),
        ],
    ),
    (
        "meta-ads-manager-by-month",
        "meta-ads-manager",
        &[("spend", 180.04), ("reach", 1800.0)],
    ),
    (
        "youtube-studio-breakdown-en",
        "youtube-studio-breakdown",
        &[
            ("views", 5000.0),
            ("impressions", 40000.0),
            ("search_share", 0.6),
            ("search_ctr", 0.104),
        ],
    ),
    (
        "youtube-studio-breakdown",
        "youtube-studio-breakdown",
        &[
            ("views", 12000.0),
            ("watch_time", 800.5),
            ("brazil_views", 10000.0),
            ("brazil_share", 10000.0 / 12000.0),
        ],
    ),
    (
        "vk-community",
        "vk-community",
        &[("reach", 5000.0), ("engagement_rate", 0.052), ("net_followers", 40.0)],
    ),
    (
        "telegram-channel",
        "telegram-channel",
        &[
            ("followers", 2030.0),
            ("net_followers", 40.0),
            ("views", 10000.0),
            ("share_rate", 0.01),
        ],
    ),
    (
        "youtube-studio-table",
        "youtube-studio-table",
        &[
            ("views", 9000.0),
            ("minutes_per_view", 1.47),
            ("new_followers", 35.0),
            ("ctr", 0.046),
            ("average_view", 1.475),
        ],
    ),
    ("youtube-studio-chart", "youtube-studio-chart", &[("views", 270.0)]),
    ("youtube-studio-totals", "youtube-studio-totals", &[("views", 1500.0)]),
    (
        "ga4",
        "ga4",
        &[
            ("users", 370.0),
            ("new_users", 230.0),
            ("revenue", 4000.5),
            ("new_share", 230.0 / 370.0),
            ("download_sessions", 480.0),
            ("download_users", 370.0),
        ],
    ),
    (
        "yandex-metrica",
        "yandex-metrica",
        &[
            ("sessions", 1000.0),
            ("bounce_rate", 0.475 / 3.0),
            ("time_on_site", 9.55 / 3.0),
            ("csv_sessions", 200.0),
            ("csv_bounce_rate", 0.2125),
        ],
    ),
    (
        "yandex-direct",
        "yandex-direct",
        &[
            ("spend", 4000.0),
            ("ctr", 300.0 / 35000.0),
            ("daily_ctr", 0.025 / 3.0),
            ("leads", 8.0),
            ("cost_per_lead", 500.0),
        ],
    ),
    (
        "youtube-studio-table-de",
        "youtube-studio-table",
        &[
            ("views", 9000.0),
            ("watch_hours", 210.5),
            ("new_followers", 28.0),
            ("ctr", 0.054),
        ],
    ),
    (
        "youtube-studio-table-pt",
        "youtube-studio-table",
        &[
            ("views", 7500.0),
            ("watch_hours", 390.5),
            ("new_followers", 47.0),
            ("ctr", 3750.0 / 85000.0),
        ],
    ),
    ("youtube-studio-chart-de", "youtube-studio-chart", &[("views", 23.0)]),
    (
        "youtube-studio-totals-pt",
        "youtube-studio-totals",
        &[("views", 3000.0)],
    ),
    (
        "tiktok-studio-overview-2025",
        "tiktok-studio-overview",
        &[
            ("views", 100_000.0),
            ("reach", 94_729.0),
            ("engagement_rate", 1722.0 / 100_000.0),
            ("phone_clicks", 3.0),
            ("leads", 3.0),
            ("net_followers", 125.0),
        ],
    ),
    (
        "tiktok-studio-content-2025",
        "tiktok-studio-content",
        &[
            ("views", 180_000.0),
            ("videos", 2.0),
            ("engagement_rate", 2550.0 / 180_000.0),
            ("saves", 200.0),
        ],
    ),
    (
        "tiktok-studio-followers-2025",
        "tiktok-studio-followers",
        &[("new_followers", 136.0), ("engaged", 2742.0)],
    ),
    (
        "tiktok-studio-viewers",
        "tiktok-studio-viewers",
        &[("viewers", 40_000.0), ("new_viewers", 25_000.0), ("new_share", 0.625)],
    ),
    (
        "tiktok-studio-follower-activity",
        "tiktok-studio-follower-activity",
        &[("active_per_hour", 2000.0 / 6.0), ("busiest_hour", 500.0)],
    ),
    (
        "meta-business-suite-daily-2023",
        "meta-business-suite-daily",
        &[("visits", 46.0)],
    ),
    (
        "meta-business-suite-daily-ru",
        "meta-business-suite-daily",
        &[("views", 10_000.0)],
    ),
    (
        "meta-business-suite-pt",
        "meta-business-suite",
        &[
            ("reach", 22_746.0),
            ("posts", 2.0),
            ("engagement_rate", 1372.0 / 22_746.0),
        ],
    ),
    (
        "yandex-direct-monthly",
        "yandex-direct",
        &[
            ("spend", 6000.5),
            ("clicks", 400.0),
            ("leads", 12.0),
            ("cost_per_lead", 6000.5 / 12.0),
        ],
    ),
    (
        "livedune-daily",
        "livedune-daily",
        &[
            ("followers", 61_007.0),
            ("likes", 669.0),
            ("posts", 18.0),
            ("er", (0.097 + 0.095 + 0.092) / 3.0 / 100.0),
        ],
    ),
    (
        "facebook-video",
        "facebook-video",
        &[
            ("views", 4000.0),
            ("reach", 3418.0),
            ("videos", 2.0),
            ("engagement_rate", 134.0 / 4000.0),
        ],
    ),
];

#[test]
fn every_preset_has_a_fixture() {
    let listed = kpipress(&["presets"]);
    let listing = String::from_utf8_lossy(&listed.stdout);
    let names: Vec<&str> = listing
        .lines()
        .filter_map(|line| line.trim_start_matches('│').split_whitespace().next())
        .filter(|word| word.contains('-') || *word == "ga4")
        .collect();
    assert!(names.len() > 10, "{listing}");
    for name in names {
        assert!(
            CASES.iter().any(|(_, preset, _)| *preset == name) || super::database::PRESETS.contains(&name),
            "{name} has no fixture"
        );
    }
}

/// Excel's "Unicode text" export: UTF-16 with a byte-order mark, cells split by tabs.
#[test]
fn a_utf16_tab_separated_export_reads_like_its_csv() {
    let dir = out_dir("utf16-source");
    let fixture = root().join("tests/fixtures/presets/tiktok-studio-followers");
    let csv = std::fs::read_to_string(fixture.join("FollowerHistory.csv")).unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            csv.trim_start_matches('\u{feff}')
                .replace("\",\"", "\"\t\"")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    std::fs::write(dir.join("FollowerHistory.csv"), utf16).unwrap();
    std::fs::copy(fixture.join("spec.yaml"), dir.join("spec.yaml")).unwrap();
    let out = build(dir.join("spec.yaml").to_str().unwrap(), "utf16-report", "json");
    let card = read_json(&out.join("reports/tiktok-studio-followers/2026-10.json"));
    close(&kpi(&card, "followers")["value"], 1041.0);
    close(&kpi(&card, "new_followers")["value"], 41.0);
}

#[test]
fn each_preset_fixture_gives_the_hand_worked_numbers() {
    for (fixture, _, expected) in CASES {
        let out = build(&format!("tests/fixtures/presets/{fixture}/spec.yaml"), fixture, "json");
        let card = read_json(&out.join(format!("reports/{fixture}/2026-10.json")));
        for (id, value) in *expected {
            let entry = kpi(&card, id);
            assert!(entry["value"].is_number(), "{fixture}: {id} has no value: {entry}");
            close(&entry["value"], *value);
        }
    }
}

#[test]
fn inspect_names_each_fixture_preset() {
    for (fixture, preset, _) in CASES {
        let dir = super::root().join(format!("tests/fixtures/presets/{fixture}"));
        let file = first_download(&dir).unwrap_or_else(|| panic!("{fixture} has no download"));
        let output = kpipress(&["inspect", file.to_str().unwrap()]);
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{fixture}: {}", stderr(&output));
        let found = text.lines().find(|l| l.starts_with("preset")).unwrap_or_default();
        assert!(
            found.starts_with(&format!("preset     {preset} (")),
            "{fixture}: {found}\n{text}"
        );
        assert!(text.contains(&format!("    preset: {preset}\n")), "{text}");
    }
}

/// The first file of `dir` that is not the spec, in a folder the download unpacked into
/// where the fixture keeps one (its name may say the days it covers).
fn first_download(dir: &std::path::Path) -> Option<std::path::PathBuf> {
    let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    entries.into_iter().find_map(|path| match path.is_dir() {
        true => first_download(&path),
        false => path.extension().is_some_and(|e| e != "yaml").then_some(path),
    })
}

#[test]
fn overlapping_exports_keep_the_newest_file_and_say_so() {
    let out = build("tests/fixtures/presets/meta-ads-manager/spec.yaml", "overlap", "json");
    let card = read_json(&out.join("reports/meta-ads-manager/2026-10.json"));
    let warnings = card["warnings"].to_string();
    assert!(
        warnings.contains(
            "1 of 2 rows of `tests/fixtures/presets/meta-ads-manager/Untitled-report-Oct-1-2026-to-Oct-10-2026.csv`"
        ),
        "{warnings}"
    );
    let files = card["sources"]["files"].as_array().unwrap();
    let replaced: Vec<u64> = files.iter().map(|f| f["replaced"].as_u64().unwrap()).collect();
    assert_eq!(replaced, [1, 0]);
}

#[test]
fn inspect_without_a_preset_writes_a_spec_entry() {
    let output = kpipress(&["inspect", "tests/fixtures/ok/hygiene/export.csv"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(text.contains("separator  `;`"), "{text}");
    assert!(text.contains("numbers    decimal comma"), "{text}");
    assert!(
        text.contains("date: { column: \"Дата\", format: \"%d.%m.%Y\" }"),
        "{text}"
    );
    assert!(
        text.contains("csv: { separator: \";\", decimal_comma: true }"),
        "{text}"
    );
}

#[test]
fn inspect_counts_a_workbook_in_rows() {
    let output = kpipress(&["inspect", "tests/fixtures/presets/yandex-metrica/metrica.xlsx"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(text.contains("header     row 1\n"), "{text}");
    assert!(text.contains("rows       3 from 2026-10-01 to 2026-10-03"), "{text}");
}

#[test]
fn a_workbook_sheet_by_name_with_serial_dates() {
    let out = build("tests/fixtures/ok/excel/spec.yaml", "excel", "json");
    let card = read_json(&out.join("reports/excel/2026-10.json"));
    close(&kpi(&card, "views")["value"], 5000.0);
    close(&kpi(&card, "likes")["value"], 200.0);
}

#[test]
fn days_no_monthly_file_covers_are_a_warning() {
    let dir = out_dir("gap-source");
    let header = "Date,Followers,Difference in followers from previous day\n";
    std::fs::write(
        dir.join("followers-2026-09.csv"),
        format!("{header}2026-09-01,900,0\n2026-09-10,960,60\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("followers-2026-10.csv"),
        format!("{header}2026-10-01,1000,40\n2026-10-31,1045,45\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("spec.yaml"),
        "version: 1\nclient: { name: Gap, slug: gap }\nreport: { language: en, period: 2026-10 }\n\
         sources:\n  data: { path: \"followers-*.csv\", preset: tiktok-studio-followers }\n\
         kpis:\n  followers: { source: data, value: \"LAST(followers)\" }\n",
    )
    .unwrap();
    let out = build(dir.join("spec.yaml").to_str().unwrap(), "gap-report", "json");
    let card = read_json(&out.join("reports/gap/2026-10.json"));
    let warnings = card["warnings"].to_string();
    assert!(
        warnings.contains("no file covers 2026-09-11 to 2026-09-30"),
        "{warnings}"
    );
    close(&kpi(&card, "followers")["value"], 1045.0);
}

#[test]
fn inspect_never_writes_one_canonical_name_twice() {
    let dir = out_dir("inspect-names");
    let file = dir.join("export.csv");
    std::fs::write(&file, "Дата;Просмотры;Views;Расход\n01.10.2026;1;2;3\n").unwrap();
    let output = kpipress(&["inspect", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        text.contains("      views: \"Просмотры\"\n      views_2: \"Views\"\n      spend: \"Расход\""),
        "{text}"
    );
}

/// A 365-day TikTok Studio overview, November 1, 2025 to October 31, 2026, written as
/// TikTok writes it (dates without a year), 10 views a day.
fn year_long_overview() -> String {
    let first = chrono::NaiveDate::from_ymd_opt(2025, 11, 1).unwrap();
    let mut rows = vec!["\"Date\",\"Video Views\",\"Profile Views\",\"Likes\",\"Comments\",\"Shares\"".to_owned()];
    for day in first.iter_days().take(365) {
        rows.push(format!("\"{}\",\"10\",\"1\",\"1\",\"0\",\"0\"", day.format("%B %-d")));
    }
    format!("\u{feff}{}", rows.join("\n"))
}

fn history_value(card: &serde_json::Value, id: &str, period: &str) -> serde_json::Value {
    let history = kpi(card, id)["history"].as_array().unwrap();
    let entry = history.iter().find(|h| h["period"] == period);
    entry
        .map(|h| h["value"].clone())
        .unwrap_or_else(|| panic!("no {period} in {history:?}"))
}

/// The year comes from the download's name kept as the folder's, across New Year.
#[test]
fn a_year_long_tiktok_export_lands_in_the_right_months() {
    let dir = out_dir("year-long-source");
    let folder = dir.join("Overview_2025-11-01_1762041600_uyut.kitchens");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("Overview.csv"), year_long_overview()).unwrap();
    std::fs::write(
        dir.join("spec.yaml"),
        "version: 1\nclient: { name: Year, slug: year }\nreport: { language: en }\n\
         sources:\n  tiktok: { path: \"Overview_*/Overview.csv\", preset: tiktok-studio-overview }\n\
         kpis:\n  views: { source: tiktok, value: \"SUM(views)\" }\n",
    )
    .unwrap();
    let out = build(dir.join("spec.yaml").to_str().unwrap(), "year-long-report", "json");
    let card = read_json(&out.join("reports/year/2026-10.json"));
    close(&kpi(&card, "views")["value"], 310.0);
    close(&history_value(&card, "views", "2026-02"), 280.0);
    close(&history_value(&card, "views", "2026-01"), 310.0);
    close(&history_value(&card, "views", "2025-11"), 300.0);
}

/// `year:` on the source says which year the earliest row is in.
#[test]
fn the_source_year_places_rows_without_one() {
    let dir = out_dir("year-setting-source");
    std::fs::write(dir.join("Overview.csv"), year_long_overview()).unwrap();
    std::fs::write(
        dir.join("spec.yaml"),
        "version: 1\nclient: { name: Year, slug: year }\nreport: { language: en }\n\
         sources:\n  tiktok: { path: Overview.csv, preset: tiktok-studio-overview, year: 2025 }\n\
         kpis:\n  views: { source: tiktok, value: \"SUM(views)\" }\n",
    )
    .unwrap();
    let out = build(dir.join("spec.yaml").to_str().unwrap(), "year-setting-report", "json");
    let card = read_json(&out.join("reports/year/2026-10.json"));
    close(&kpi(&card, "views")["value"], 310.0);
    close(&history_value(&card, "views", "2026-02"), 280.0);
}

#[test]
fn inspect_says_when_dates_have_no_year() {
    let output = kpipress(&["inspect", "tests/fixtures/presets/tiktok-studio-overview/Overview.csv"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(text.contains("the dates have no year"), "{text}");
    assert!(text.contains("`year:`"), "{text}");
}

#[test]
fn inspect_says_what_a_download_covers_spans_and_holds() {
    let inspect = |file: &str| {
        let output = kpipress(&["inspect", file]);
        assert!(output.status.success(), "{}", stderr(&output));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let by_name = inspect(
        "tests/fixtures/presets/youtube-studio-breakdown/País 2026-10-01_2026-10-31 Canal Polka/Dados da tabela.csv",
    );
    assert!(
        by_name
            .contains("covers     2026-10-01 to 2026-10-31, as the name `País 2026-10-01_2026-10-31 Canal Polka` says"),
        "{by_name}"
    );
    assert!(by_name.contains(", pt headers"), "{by_name}");
    let by_month = inspect(
        "tests/fixtures/presets/meta-ads-manager-pt/CA-01---Polka-Campanhas-1-de-out-de-2026-31-de-out-de-2026.csv",
    );
    assert!(
        by_month.contains("spans      rows cover more than a day (up to 2026-10-01 to 2026-10-31)"),
        "{by_month}"
    );
    let by_day = inspect("tests/fixtures/presets/meta-ads-manager/Untitled-report-Oct-10-2026-to-Oct-31-2026.csv");
    assert!(!by_day.contains("spans "), "{by_day}");
    let two = inspect("tests/fixtures/presets/meta-business-suite-daily-two/Reach.csv");
    assert!(
        two.contains("tables     2, one per metric: `Facebook reach`, `Instagram reach`"),
        "{two}"
    );
    assert!(two.contains("    filter: \"metric = 'Facebook reach'\"\n"), "{two}");
    let renamed = inspect("tests/fixtures/err/no_range/Table data-Geography.csv");
    assert!(
        renamed.contains("none fits as the file is named: it is a `youtube-studio-breakdown` table"),
        "{renamed}"
    );
}

#[test]
fn presets_say_what_they_were_checked_against() {
    let listed = kpipress(&["presets"]);
    let listing = String::from_utf8_lossy(&listed.stdout);
    let line = |name: &str| {
        listing
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(line("vk-community").contains("UNVERIFIED"), "{listing}");
    assert!(line("telegram-channel").contains("UNVERIFIED"), "{listing}");
    assert!(line("tiktok-studio-overview").contains("real exports"), "{listing}");
    let one = kpipress(&["presets", "tiktok-studio-overview"]);
    assert!(String::from_utf8_lossy(&one.stdout).contains("htupycollabs-spec/Analytics"));
    let out = build("tests/fixtures/presets/vk-community/spec.yaml", "unverified", "json");
    let card = read_json(&out.join("reports/vk-community/2026-10.json"));
    let warnings = card["warnings"].to_string();
    assert!(
        warnings.contains("preset `vk-community` follows no real export"),
        "{warnings}"
    );
}

/// An unlisted video has no publish time: it cannot be placed in a period, and the
/// build says it left it out.
#[test]
fn rows_without_a_date_are_left_out_and_said() {
    let out = build(
        "tests/fixtures/presets/youtube-studio-table/spec.yaml",
        "undated",
        "json",
    );
    let card = read_json(&out.join("reports/youtube-studio-table/2026-10.json"));
    let warnings = card["warnings"].to_string();
    assert!(
        warnings.contains(
            "left out 1 row of `tests/fixtures/presets/youtube-studio-table/Table data.csv` that has no date"
        ),
        "{warnings}"
    );
}

/// The tab-separated, CRLF form of Meta's daily file (`sep=<tab>`), as a spreadsheet
/// saves it again, reads like the original.
#[test]
fn a_daily_meta_file_saved_again_with_tabs_reads_alike() {
    let dir = out_dir("meta-daily-tabs");
    let text = "sep=\t\r\nFollows\t\r\nDate\tPrimary\r\n2026-10-01T01:00:00\t3\r\n2026-10-02T01:00:00\t4\t\r\n2026-10-03T00:00:00\t5\r\n";
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(dir.join("Follows.csv"), utf16).unwrap();
    let fixture = root().join("tests/fixtures/presets/meta-business-suite-daily/spec.yaml");
    std::fs::copy(fixture, dir.join("spec.yaml")).unwrap();
    let out = build(
        dir.join("spec.yaml").to_str().unwrap(),
        "meta-daily-tabs-report",
        "json",
    );
    let card = read_json(&out.join("reports/meta-business-suite-daily/2026-10.json"));
    close(&kpi(&card, "new_followers")["value"], 12.0);
}

/// `FIRST` is the first value there is: September starts with `undefined` followers.
#[test]
fn first_skips_days_without_a_value() {
    let out = out_dir("first-value");
    let spec = "tests/fixtures/presets/tiktok-studio-followers/spec.yaml";
    let output = super::build_output(&[spec, "--period", "2026-09"], &out, "json");
    assert!(output.status.success(), "{}", stderr(&output));
    let card = read_json(&out.join("reports/tiktok-studio-followers/2026-09.json"));
    close(&kpi(&card, "first_followers")["value"], 1000.0);
}

/// YouTube's totals hold the one metric chosen, whichever it is.
#[test]
fn youtube_totals_of_another_metric() {
    let dir = out_dir("youtube-totals-duration");
    std::fs::write(
        dir.join("Totals.csv"),
        "Date,Average view duration\n2026-10-01,0:01:30\n2026-10-02,0:02:30\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("spec.yaml"),
        "version: 1\nclient: { name: Yt, slug: yt }\nreport: { language: en, period: 2026-10 }\n\
         sources:\n  yt: { path: Totals.csv, preset: youtube-studio-totals }\n\
         kpis:\n  average_view: { source: yt, value: \"AVG(average_view_duration)\", format: duration }\n",
    )
    .unwrap();
    let out = build(
        dir.join("spec.yaml").to_str().unwrap(),
        "youtube-totals-duration-report",
        "json",
    );
    let card = read_json(&out.join("reports/yt/2026-10.json"));
    close(&kpi(&card, "average_view")["value"], 2.0);
}

/// A table YouTube cut at 500 videos ends in a line that says so, in the interface's
/// language: it is no row, and the build says the file holds only the top 500.
#[test]
fn a_table_cut_short_is_said_in_any_language() {
    for (fixture, file) in [
        ("youtube-studio-table-de", "Tabellendaten.csv"),
        ("youtube-studio-table-pt", "Dados da tabela.csv"),
    ] {
        let out = build(
            &format!("tests/fixtures/presets/{fixture}/spec.yaml"),
            &format!("{fixture}-cut"),
            "json",
        );
        let card = read_json(&out.join(format!("reports/{fixture}/2026-10.json")));
        let warnings = card["warnings"].to_string();
        assert!(
            warnings.contains(&format!(
                "`tests/fixtures/presets/{fixture}/{file}` holds only the top 500 rows"
            )),
            "{fixture}: {warnings}"
        );
        assert!(!warnings.contains('\u{ad}'), "soft hyphens are not shown: {warnings}");
    }
}

/// A file no preset reads the way it was named gets the closest preset and at most ten
/// of its columns, not 212.
#[test]
fn a_refusal_names_the_closest_preset_and_ten_columns() {
    let dir = out_dir("video-as-posts");
    let video = root().join("tests/fixtures/presets/facebook-video/Oct-01-2026_Oct-31-2026_1664278361210560.csv");
    std::fs::copy(&video, dir.join("videos.csv")).unwrap();
    std::fs::write(
        dir.join("spec.yaml"),
        "version: 1\nclient: { name: V, slug: v }\nreport: { period: 2026-10 }\n\
         sources:\n  posts: { path: videos.csv, preset: meta-business-suite }\n\
         kpis:\n  reach: { source: posts, value: \"SUM(reach)\" }\n",
    )
    .unwrap();
    let output = kpipress(&["check", dir.join("spec.yaml").to_str().unwrap()]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(text.contains("it has no column `Post ID`"), "{text}");
    assert!(text.contains("… (212 in all)"), "{text}");
    assert!(text.contains("it looks like `facebook-video`"), "{text}");
    assert!(!text.contains("by country (Indonesia"), "{text}");
}

/// A Direct report without a date column counts for the one period its preamble names,
/// so a report over two months is refused, saying why.
#[test]
fn a_report_by_range_must_cover_one_period() {
    let dir = out_dir("direct-two-months");
    std::fs::write(
        dir.join("report.csv"),
        "Клиент: Иван (login)\nОтчет: Мастер отчетов\nПериод: 01.09.2026 - 31.10.2026\n\n\
         Название кампании;Расход, ₽;Клики\nИтого;10;2\nПоиск;10;2\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("spec.yaml"),
        "version: 1\nclient: { name: D, slug: d }\nreport: { period: 2026-10 }\n\
         sources:\n  direct: { path: report.csv, preset: yandex-direct }\n\
         kpis:\n  spend: { source: direct, value: \"SUM(spend)\" }\n",
    )
    .unwrap();
    let output = kpipress(&["check", dir.join("spec.yaml").to_str().unwrap()]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("report.csv` has no date column, and its line 3 says it covers 2026-09-01 to 2026-10-31, which is not one month"),
        "{text}"
    );
}

/// Where two presets fit a file, `inspect` names the one it chose and the runner-up, with
/// how many of each one's columns the file has.
#[test]
fn inspect_shows_the_runner_up_and_why() {
    let output = kpipress(&[
        "inspect",
        "tests/fixtures/presets/youtube-studio-chart-de/Diagrammdaten.csv",
    ]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(text.contains("preset     youtube-studio-chart ("), "{text}");
    assert!(
        text.contains("also fits  youtube-studio-table (4 of 14 columns, de headers), less well than youtube-studio-chart's 5 of 11"),
        "{text}"
    );
    assert!(!text.contains('\u{ad}'), "soft hyphens are not shown: {text}");
}
