//! A database source against a real PostgreSQL server (issue 30): a throwaway cluster on
//! a loopback port, started here with the server's own `initdb` and `pg_ctl` (as the
//! `postgres` user when the tests run as root, since `initdb` refuses root), with
//! SCRAM-SHA-256 passwords. `.ci/run` installs Debian's `postgresql` and requires it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::cluster::{Cluster, PASSWORD};
use super::{kpi, out_dir, read_json, stderr};

/// The presets of connectors' tables, whose fixtures are the tables these tests create.
pub const PRESETS: &[&str] = &["airbyte-facebook-ads-insights"];

/// `kpipress ARGS` with the database URL (or none) in the environment.
fn with_url(url: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kpipress"));
    command.args(args).current_dir(super::root()).env("NO_COLOR", "1");
    match url {
        Some(url) => command.env("KPIPRESS_TEST_DB_URL", url),
        None => command.env_remove("KPIPRESS_TEST_DB_URL"),
    };
    command.output().unwrap()
}

fn spec(dir: &Path, query: &str) -> PathBuf {
    let spec = dir.join("spec.yaml");
    std::fs::write(
        &spec,
        format!(
            "version: 1\nclient: {{ name: Base, slug: base }}\nreport: {{ language: en, period: 2026-10, history: 3 }}\n\
             sources:\n  ads:\n    database: {{ env: KPIPRESS_TEST_DB_URL }}\n    query: \"{query}\"\n    date: day\n\
             kpis:\n  spend: {{ source: ads, value: \"SUM(spend)\", format: currency, better: lower }}\n\
             \x20 leads: {{ source: ads, value: \"SUM(leads)\", target: {{ at_least: 10 }} }}\n\
             \x20 cost_per_lead: {{ value: \"spend / leads\", format: currency, better: lower }}\n"
        ),
    )
    .unwrap();
    spec
}

/// Every file under `dir`, as bytes, holds no `secret`.
fn assert_nowhere(dir: &Path, secret: &str) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            assert_nowhere(&path, secret);
        } else {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds the password",
                path.display()
            );
        }
    }
}

#[test]
fn a_database_source_builds_with_exact_numbers_and_keeps_its_secret() {
    let Some(cluster) = Cluster::start("build", false) else {
        return;
    };
    cluster.sql(
        "CREATE TABLE ads_daily (day date, spend numeric(10,2), leads integer, campaign text, payload jsonb); \
         INSERT INTO ads_daily VALUES \
         ('2025-06-01', 999, 100, 'old', NULL), ('2025-10-05', 80, 4, 'a', NULL), \
         ('2026-09-10', 100.50, 3, 'a', NULL), ('2026-10-01', 200.25, 5, 'a', '{}'), \
         ('2026-10-15', 300, 7, 'b', NULL), ('2026-10-31', 0, NULL, 'b', NULL);",
    );
    let dir = out_dir("database-build");
    let query = "SELECT day, spend, leads, campaign FROM ads_daily WHERE day BETWEEN $1 AND $2";
    let spec = spec(&dir, query);
    let out = dir.join("out");
    let url = cluster.url(PASSWORD);
    let args = [
        "build",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "pdf,json",
    ];
    let output = with_url(Some(&url), &args);
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), stderr(&output));
    assert!(output.status.success(), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
    let card = read_json(&out.join("reports/base/2026-10.json"));
    // October: 200.25 + 300 + 0 spent on 5 + 7 leads (NULL is no value).
    assert_eq!(kpi(&card, "spend")["value"], 500.25);
    assert_eq!(kpi(&card, "leads")["value"], 12.0);
    assert_eq!(kpi(&card, "cost_per_lead")["value"], 500.25 / 12.0);
    assert_eq!(kpi(&card, "leads")["previous"], 3.0);
    assert_eq!(kpi(&card, "leads")["status"], "achieved");
    // A year earlier is in the window ($1 is 2025-08-01); June 2025 is not, so never read.
    assert_eq!(kpi(&card, "leads")["year_ago"], 4.0);
    assert!(!card.to_string().contains("2025-06-01"), "{card}");
    assert_nowhere(&out, PASSWORD);
    assert_nowhere(&out, "127.0.0.1");

    // The record covers the query and its rows: an unchanged table skips the client, a
    // changed one rebuilds it. The same rows in another order (an update moves a row to
    // the end of the table, as a parallel scan returns rows in no fixed order) are the
    // same rows.
    let again = with_url(Some(&url), &args);
    assert!(stderr(&again).contains("unchanged base 2026-10"), "{}", stderr(&again));
    cluster.sql("UPDATE ads_daily SET spend = spend WHERE day = '2026-09-10';");
    let reordered = with_url(Some(&url), &args);
    assert!(
        stderr(&reordered).contains("unchanged base 2026-10"),
        "{}",
        stderr(&reordered)
    );
    cluster.sql("INSERT INTO ads_daily VALUES ('2026-10-20', 99.75, 3, 'b', NULL);");
    let changed = with_url(Some(&url), &args);
    assert!(stderr(&changed).contains("built base 2026-10"), "{}", stderr(&changed));
    let card = read_json(&out.join("reports/base/2026-10.json"));
    assert_eq!(kpi(&card, "spend")["value"], 600.0);
    assert_nowhere(&out, PASSWORD);

    // The query runs read-only: a write is the server's refusal, at the query's line.
    let write = spec_with(&dir, "DELETE FROM ads_daily RETURNING day, spend, leads");
    let refused = stderr(&with_url(Some(&url), &["check", write.to_str().unwrap()]));
    assert!(
        refused.contains("cannot execute DELETE in a read-only transaction"),
        "{refused}"
    );

    // A column the query names wrongly: the server's message, pointed at in the query.
    let typo = spec_with(&dir, "SELECT day, spend, leadz FROM ads_daily");
    let text = stderr(&with_url(Some(&url), &["check", typo.to_str().unwrap()]));
    assert!(text.contains("column \"leadz\" does not exist"), "{text}");
    // `query: "SELECT day, spend, leadz…`: the quote is column 12 of line 7, so the
    // server's position 20 (the `l` of `leadz`) is column 32.
    assert!(text.contains("spec.yaml:7:32]"), "{text}");

    // A column of a type kpipress does not read is left out with a warning, and named
    // with its type where the spec reads it.
    let json = spec_with(&dir, "SELECT day, spend, leads, payload FROM ads_daily");
    let text = stderr(&with_url(Some(&url), &["check", json.to_str().unwrap()]));
    assert!(
        text.contains("the query's column `payload` (jsonb), of a type kpipress does not read, is left out"),
        "{text}"
    );
    let read = spec_with(&dir, "SELECT day, spend, payload AS leads FROM ads_daily");
    let text = stderr(&with_url(Some(&url), &["check", read.to_str().unwrap()]));
    assert!(text.contains("column `leads` of the query is of type jsonb"), "{text}");

    // Without its date column.
    let undated = spec_with(&dir, "SELECT spend, leads FROM ads_daily");
    let text = stderr(&with_url(Some(&url), &["check", undated.to_str().unwrap()]));
    assert!(text.contains("`day`"), "{text}");

    // A wrong password: the server's refusal, and neither password shown.
    let wrong = cluster.url("wrong-Hunter3");
    let text = stderr(&with_url(Some(&wrong), &["check", spec.to_str().unwrap()]));
    assert!(
        text.contains("password authentication failed for user \"kp\""),
        "{text}"
    );
    assert!(!text.contains("wrong-Hunter3") && !text.contains(PASSWORD), "{text}");

    // No server where the URL points: a bounded wait and a message naming the server.
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = format!("postgresql://kp:{PASSWORD}@127.0.0.1:{free}/postgres");
    let text = stderr(&with_url(Some(&nowhere), &["check", spec.to_str().unwrap()]));
    assert!(
        text.contains(&format!("cannot reach the database kp@127.0.0.1:{free}/postgres")),
        "{text}"
    );
    assert!(!text.contains(PASSWORD), "{text}");

    // The variable not set, empty (a CI secret that is not set), and set to something
    // that is not a URL (not quoted back).
    for url in [None, Some("")] {
        let text = stderr(&with_url(url, &["check", spec.to_str().unwrap()]));
        assert!(
            text.contains("`KPIPRESS_TEST_DB_URL`, the environment variable source `ads` reads its database's URL from, is not set or empty"),
            "{text}"
        );
    }
    let text = stderr(&with_url(Some(PASSWORD), &["check", spec.to_str().unwrap()]));
    assert!(
        text.contains("`KPIPRESS_TEST_DB_URL` does not hold a PostgreSQL URL"),
        "{text}"
    );
    assert!(!text.contains(PASSWORD), "{text}");
}

/// The test's spec with another query, in a folder of its own.
fn spec_with(dir: &Path, query: &str) -> PathBuf {
    let folder = dir.join(format!("q{}", query.len()));
    std::fs::create_dir_all(&folder).unwrap();
    spec(&folder, query)
}

/// TLS where the URL requires it: the server's certificate checked against the URL's
/// `sslrootcert` for the host name; refused without the authority, and where the server
/// offers no TLS.
#[test]
fn a_database_that_requires_tls_is_spoken_to_in_tls() {
    let Some(cluster) = Cluster::start("tls", true) else {
        return;
    };
    cluster.sql("CREATE TABLE ads_daily (day date, spend numeric, leads integer); INSERT INTO ads_daily VALUES ('2026-10-01', 10, 2);");
    let dir = out_dir("database-tls");
    let spec = spec(&dir, "SELECT day, spend, leads FROM ads_daily");
    let port = cluster.port;
    let ca = cluster.dir.join("ca.pem");
    let verified = format!(
        "postgresql://kp:{PASSWORD}@localhost:{port}/postgres?sslmode=verify-full&sslrootcert={}",
        ca.display()
    );
    let output = with_url(
        Some(&verified),
        &[
            "build",
            spec.to_str().unwrap(),
            "--out",
            dir.join("out").to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let card = read_json(&dir.join("out/reports/base/2026-10.json"));
    assert_eq!(kpi(&card, "spend")["value"], 10.0);

    let unknown = format!("postgresql://kp:{PASSWORD}@localhost:{port}/postgres?sslmode=require");
    let text = stderr(&with_url(Some(&unknown), &["check", spec.to_str().unwrap()]));
    assert!(
        text.contains(&format!(
            "no TLS with the database kp@localhost:{port}/postgres: the TLS handshake failed"
        )),
        "{text}"
    );
    assert!(!text.contains(PASSWORD), "{text}");
}

#[test]
fn a_server_without_tls_is_refused_where_the_url_requires_it() {
    let Some(cluster) = Cluster::start("no-tls", false) else {
        return;
    };
    let dir = out_dir("database-no-tls");
    let spec = spec(&dir, "SELECT 1");
    let url = format!(
        "postgresql://kp:{PASSWORD}@127.0.0.1:{}/postgres?sslmode=require",
        cluster.port
    );
    let text = stderr(&with_url(Some(&url), &["check", spec.to_str().unwrap()]));
    assert!(text.contains("the server does not offer TLS"), "{text}");
}

/// A connector's table read with its preset: `SELECT *` from a table laid out as Airbyte's
/// Facebook Marketing `ads_insights` stream lands in PostgreSQL (typed columns, JSON
/// arrays, Airbyte's own columns; see the preset's evidence), the JSON columns left out
/// with a warning.
#[test]
fn a_connectors_table_reads_with_its_preset() {
    let Some(cluster) = Cluster::start("airbyte", false) else {
        return;
    };
    cluster.sql(
        "CREATE TABLE ads_insights (_airbyte_raw_id varchar NOT NULL, _airbyte_extracted_at timestamptz NOT NULL, \
         _airbyte_meta jsonb NOT NULL, _airbyte_generation_id bigint, account_id varchar, campaign_name varchar, \
         date_start date, spend decimal, impressions bigint, clicks bigint, reach bigint, actions jsonb); \
         INSERT INTO ads_insights VALUES \
         ('a', now(), '{}', 1, '42', 'Autumn', '2026-10-01', 120.5, 10000, 150, 8000, '[{\"action_type\": \"lead\", \"value\": \"3\"}]'), \
         ('b', now(), '{}', 1, '42', 'Autumn', '2026-10-02', 79.5, 6000, 50, 5000, NULL), \
         ('c', now(), '{}', 1, '99', 'Other', '2026-10-02', 1000, 1, 1, 1, NULL);",
    );
    let dir = out_dir("database-airbyte");
    let spec = dir.join("spec.yaml");
    std::fs::write(
        &spec,
        "version: 1\nclient: { name: Air, slug: air }\nreport: { language: en, period: 2026-10 }\n\
         sources:\n  ads:\n    database: { env: KPIPRESS_TEST_DB_URL }\n\
         \x20   query: \"SELECT * FROM ads_insights WHERE account_id = '42'\"\n    preset: airbyte-facebook-ads-insights\n\
         kpis:\n  spend: { source: ads, value: \"SUM(spend)\", format: currency, better: lower }\n\
         \x20 clicks: { source: ads, value: \"SUM(clicks)\" }\n\
         \x20 cpc: { value: \"spend / clicks\", format: currency, better: lower }\n",
    )
    .unwrap();
    let out = dir.join("out");
    let output = with_url(
        Some(&cluster.url(PASSWORD)),
        &[
            "build",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    let card = read_json(&out.join("reports/air/2026-10.json"));
    assert_eq!(kpi(&card, "spend")["value"], 200.0);
    assert_eq!(kpi(&card, "clicks")["value"], 200.0);
    assert_eq!(kpi(&card, "cpc")["value"], 1.0);
    assert!(
        text.contains("the query's columns `_airbyte_meta` (jsonb), `actions` (jsonb), of types kpipress does not read, are left out"),
        "{text}"
    );
}
