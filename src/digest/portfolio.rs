//! The portfolio page (`index.html` beside the reports: in the folder their paths share,
//! `OUT/reports/` with the default `report.output`): every client of a build on one self-contained
//! static page, with its period, status counts, the KPIs that missed, and links to its PDF
//! and JSON; sortable by any count without a server (a few lines of script inside the
//! page, nothing from the network), the clients that need attention first.

use std::path::{Path, PathBuf};

use minijinja::{context, Environment};
use serde::Serialize;

use super::{worst_first, ClientDigest, Failure, COUNTED};
use crate::goals::Status;

/// The template: the `.html` name makes minijinja escape every value.
const TEMPLATE: &str = include_str!("portfolio.html.j2");

/// The page's name, in [`folder`].
pub const FILE: &str = "index.html";

/// The folder, relative to `--out`, that holds the reports of every spec whose reports go
/// in `folders` whatever the period: where the page goes, so that it sits beside them
/// and its links are short. The caller passes the folders of every spec of the build,
/// failed ones too, so the page goes to the same place whichever clients failed.
pub fn folder<'a>(folders: impl IntoIterator<Item = &'a Path>) -> PathBuf {
    let mut dirs = folders.into_iter();
    let Some(mut common) = dirs.next().map(Path::to_path_buf) else {
        return PathBuf::new();
    };
    for dir in dirs {
        while !dir.starts_with(&common) {
            common = common.parent().map(Path::to_path_buf).unwrap_or_default();
        }
    }
    common
}

#[derive(Serialize)]
struct Row<'a> {
    slug: &'a str,
    name: &'a str,
    period: &'a str,
    period_name: &'a str,
    counts: Vec<(&'static str, usize)>,
    misses: Vec<Miss<'a>>,
    pdf: Option<String>,
    json: Option<String>,
}

#[derive(Serialize)]
struct Miss<'a> {
    title: &'a str,
    status: &'static str,
    value: &'a str,
    target: &'a str,
}

/// The page, in `base` (relative to `--out`, from [`folder`]).
pub fn html(base: &Path, clients: &[ClientDigest], failures: &[Failure]) -> String {
    let mut clients = clients.to_vec();
    worst_first(&mut clients);
    let rows: Vec<Row> = clients.iter().map(|client| row(client, base)).collect();
    let total = |status| clients.iter().map(|c| c.count(status)).sum::<usize>();
    let mut env = Environment::new();
    env.add_template("index.html", TEMPLATE)
        .expect("the portfolio template parses");
    env.get_template("index.html")
        .and_then(|t| {
            t.render(context! {
                title => "kpipress: every client",
                clients => rows,
                failures => failures,
                totals => context! {
                    achieved => total(Status::Achieved),
                    near => total(Status::Near),
                    missed => total(Status::Missed),
                    behind => total(Status::Behind),
                },
            })
        })
        .expect("the portfolio template renders")
}

fn row<'a>(client: &'a ClientDigest, base: &Path) -> Row<'a> {
    // Links go from the page's folder: the files' paths without its part.
    let link = |file: &str| href(&super::link(Path::new(file), base));
    Row {
        slug: &client.slug,
        name: &client.name,
        period: &client.period,
        period_name: &client.period_name,
        counts: COUNTED.iter().map(|s| (s.key(), client.count(*s))).collect(),
        misses: client
            .misses()
            .into_iter()
            .map(|k| Miss {
                title: &k.title,
                status: k.status.key(),
                value: &k.shown.value,
                target: &k.shown.target,
            })
            .collect(),
        pdf: client.file("pdf").map(link),
        json: client.file("json").map(link),
    }
}

/// A relative link to `path`: every byte outside the unreserved set percent-encoded, so
/// that a `#`, `?` or space in a file name stays part of it, and `./` in front, so that
/// no output path (`javascript:alert(1).pdf`) can be read as a scheme.
fn href(path: &str) -> String {
    let segments: Vec<String> = path
        .split('/')
        .map(|segment| {
            segment
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
                    _ => format!("%{b:02X}"),
                })
                .collect()
        })
        .collect();
    format!("./{}", segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::testing::client;

    #[test]
    fn the_page_lists_every_client_escaped_with_links() {
        let clients = [
            client("Calm", &[Status::Achieved]),
            client("<script>alert(1)</script>", &[Status::Missed]),
        ];
        let page = html(Path::new("reports"), &clients, &[]);
        assert!(!page.contains("<script>alert(1)"), "names are escaped");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "{page}");
        assert!(
            page.contains("<a href=\".&#x2f;Calm&#x2f;2026-10.pdf\">Calm</a>"),
            "{page}"
        );
        assert!(
            page.find("alert(1)").unwrap() < page.find(">Calm<").unwrap(),
            "misses first"
        );
        assert!(!page.contains("http"), "nothing from the network");
    }

    #[test]
    fn links_cannot_be_schemes_and_keep_odd_names() {
        assert_eq!(href("javascript:alert(1).pdf"), "./javascript%3Aalert%281%29.pdf");
        assert_eq!(href("a b/#1?.pdf"), "./a%20b/%231%3F.pdf");
        assert_eq!(href("уют/2026-10.pdf"), "./%D1%83%D1%8E%D1%82/2026-10.pdf");
    }

    #[test]
    fn the_page_goes_where_the_reports_are() {
        let folders = |list: &[&'static str]| folder(list.iter().map(Path::new));
        assert_eq!(folders(&["reports", "reports"]), Path::new("reports"));
        assert_eq!(folders(&["reports", "reports/shop"]), Path::new("reports"));
        assert_eq!(folders(&["reports", "elsewhere"]), Path::new(""));
        assert_eq!(folders(&[]), Path::new(""));
    }
}
