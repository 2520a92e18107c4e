//! The Markdown summary of a build (`build --summary FILE`), written for a CI job's page
//! (`$GITHUB_STEP_SUMMARY`): the totals, then a row per client with its status counts and
//! the KPIs that missed, the clients that need attention first, and failed specs above all.

use std::fmt::Write;

use super::{worst_first, ClientDigest, Failure, COUNTED};
use crate::goals::Status;

pub fn markdown(clients: &[ClientDigest], failures: &[Failure]) -> String {
    let mut clients = clients.to_vec();
    worst_first(&mut clients);
    let mut out = String::from("## kpipress\n\n");
    let total = |status| clients.iter().map(|c| c.count(status)).sum::<usize>();
    let _ = writeln!(
        out,
        "{} reports, {} failed · KPIs: {} achieved, {} near, {} missed, {} behind, {} without data\n",
        clients.len(),
        failures.len(),
        total(Status::Achieved),
        total(Status::Near),
        total(Status::Missed),
        total(Status::Behind),
        total(Status::NoData),
    );
    if !failures.is_empty() {
        out.push_str("| Failed spec | Error |\n|---|---|\n");
        for failure in failures {
            let _ = writeln!(out, "| {} | {} |", cell(&failure.spec), cell(&failure.message));
        }
        out.push('\n');
    }
    if clients.is_empty() {
        return out;
    }
    out.push_str("| Client | Period | ✅ achieved | 🟡 near | ❌ missed | ⏳ behind | no data | Missed or behind |\n");
    out.push_str("|---|---|--:|--:|--:|--:|--:|---|\n");
    for client in &clients {
        let counts: Vec<String> = COUNTED.iter().map(|s| client.count(*s).to_string()).collect();
        let misses: Vec<String> = client
            .misses()
            .iter()
            .map(|k| format!("{}: {} against {}", k.title, k.shown.value, k.shown.target))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&client.name),
            cell(&client.period),
            counts.join(" | "),
            cell(&misses.join("; "))
        );
    }
    let never: Vec<String> = clients
        .iter()
        .flat_map(|c| {
            c.kpis
                .iter()
                .filter(|k| k.never_met)
                .map(move |k| format!("{}: {}", cell(&c.name), cell(&k.title)))
        })
        .collect();
    if !never.is_empty() {
        let _ = writeln!(
            out,
            "\nTargets no period on record has met (worth a look in review): {}",
            never.join("; ")
        );
    }
    out
}

/// Text from a spec (a client's name, a KPI's title, an error) as plain text in GitHub's
/// Markdown, inside one table cell: the workflow posts it as a comment or a job summary,
/// where a name must not mention `@org/team`, add a link or an image, or open raw HTML
/// (`<details>`, `<img>`). ASCII punctuation that Markdown reads is escaped with a
/// backslash; what a backslash does not stop (HTML, mentions) becomes an entity.
pub fn cell(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        // GitHub links `http://…` and `www.…` by themselves: a backslash before the `:`
        // or the `.` keeps them text.
        let autolink = match c {
            ':' => chars.get(i + 1) == Some(&'/'),
            '.' => i >= 3 && chars[i - 3..i].iter().collect::<String>().eq_ignore_ascii_case("www"),
            _ => false,
        };
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("&#64;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ if autolink => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::testing::client;

    #[test]
    fn the_summary_puts_misses_and_failures_first() {
        let clients = [
            client("Calm", &[Status::Achieved, Status::Near]),
            client("Pipe | Co", &[Status::Missed, Status::Achieved]),
        ];
        let failures = [Failure {
            spec: "clients/broken.yaml".into(),
            message: "unknown key `kpis.views.targt`".into(),
        }];
        let text = markdown(&clients, &failures);
        assert!(
            text.contains("2 reports, 1 failed · KPIs: 2 achieved, 1 near, 1 missed"),
            "{text}"
        );
        let failed = text.find("clients/broken.yaml").unwrap();
        let missed = text
            .find("| Pipe \\| Co | 2026-10 | 1 | 0 | 1 | 0 | 0 | KPI 0: 10 against 12 |")
            .unwrap();
        let calm = text.find("| Calm |").unwrap();
        assert!(failed < missed && missed < calm, "{text}");
    }

    #[test]
    fn names_stay_plain_text() {
        assert_eq!(cell("@org/team"), "&#64;org/team");
        assert_eq!(
            cell("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert\\(1\\)&gt;"
        );
        assert_eq!(cell("<details>"), "&lt;details&gt;");
        assert_eq!(
            cell("[a](http://x.io) ![i](y)"),
            "\\[a\\]\\(http\\://x.io\\) \\!\\[i\\]\\(y\\)"
        );
        assert_eq!(cell("*b* `c` www.x.io #1"), "\\*b\\* \\`c\\` www\\.x.io \\#1");
        assert_eq!(cell("Кухни «Уют» & Co: 2026-10"), "Кухни «Уют» &amp; Co: 2026-10");
    }
}
