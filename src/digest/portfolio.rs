//! The portfolio page (`OUT/index.html`): every client of a build on one self-contained
//! static page, with its period, status counts, the KPIs that missed, and links to its PDF
//! and JSON; sortable by any count without a server (a few lines of script inside the
//! page, nothing from the network), the clients that need attention first.

use minijinja::{context, Environment};
use serde::Serialize;

use super::{worst_first, ClientDigest, Failure, COUNTED};
use crate::goals::Status;

/// The template: the `.html` name makes minijinja escape every value.
const TEMPLATE: &str = include_str!("portfolio.html.j2");

/// Where the page goes, under `--out`.
pub const FILE: &str = "index.html";

#[derive(Serialize)]
struct Row<'a> {
    slug: &'a str,
    name: &'a str,
    period: &'a str,
    period_name: &'a str,
    counts: Vec<(&'static str, usize)>,
    misses: Vec<Miss<'a>>,
    pdf: Option<&'a str>,
    json: Option<&'a str>,
}

#[derive(Serialize)]
struct Miss<'a> {
    title: &'a str,
    status: &'static str,
    value: &'a str,
    target: &'a str,
}

pub fn html(clients: &[ClientDigest], failures: &[Failure]) -> String {
    let mut clients = clients.to_vec();
    worst_first(&mut clients);
    let rows: Vec<Row> = clients.iter().map(row).collect();
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

fn row(client: &ClientDigest) -> Row<'_> {
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
        pdf: client.file("pdf"),
        json: client.file("json"),
    }
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
        let page = html(&clients, &[]);
        assert!(!page.contains("<script>alert(1)"), "names are escaped");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "{page}");
        assert!(
            page.contains("<a href=\"reports&#x2f;Calm&#x2f;2026-10.pdf\">Calm</a>"),
            "{page}"
        );
        assert!(
            page.find("alert(1)").unwrap() < page.find(">Calm<").unwrap(),
            "misses first"
        );
        assert!(!page.contains("http"), "nothing from the network");
    }
}
