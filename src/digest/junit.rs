//! One client's KPIs as JUnit XML (`build --format junit`), for CI test views (GitLab's
//! `artifacts:reports:junit`, GitHub test-report actions): the client is a test suite and
//! each KPI a test case. A KPI that missed, or is behind, fails; one without data or
//! without a target is skipped; achieved, on-track and near KPIs pass. The elements and
//! attributes are those of the JUnit XML that tools write and read, as in planemo's
//! `planemo/reports/report_xunit.tpl` and Hurl's JUnit report
//! (`packages/hurl/src/report/junit`): `testsuites` > `testsuite` > `testcase`, with
//! `failure` or `skipped` inside.

use minijinja::{context, Environment};
use serde::Serialize;

use super::ClientDigest;
use crate::goals::Status;

/// The template: the `.xml` name makes minijinja escape every value for XML.
const TEMPLATE: &str = include_str!("junit.xml.j2");

#[derive(Serialize)]
struct Case {
    name: String,
    /// `failure`, `skipped` or empty.
    outcome: &'static str,
    status: &'static str,
    message: String,
}

pub fn xml(client: &ClientDigest) -> String {
    let cases: Vec<Case> = client
        .kpis
        .iter()
        .map(|kpi| {
            let outcome = match kpi.status {
                Status::Missed | Status::Behind => "failure",
                Status::NoData | Status::NoTarget => "skipped",
                Status::Achieved | Status::OnTrack | Status::Near => "",
            };
            let target = if kpi.target.is_some() {
                format!(" against a target of {}", kpi.shown.target)
            } else {
                String::new()
            };
            Case {
                name: xml_text(&kpi.title),
                outcome,
                status: kpi.status.key(),
                message: xml_text(&format!("{}{} ({})", kpi.shown.value, target, kpi.shown.status)),
            }
        })
        .collect();
    let count = |outcome: &str| cases.iter().filter(|c| c.outcome == outcome).count();
    let mut env = Environment::new();
    env.add_template("junit.xml", TEMPLATE)
        .expect("the JUnit template parses");
    env.get_template("junit.xml")
        .and_then(|t| {
            t.render(context! {
                suite => xml_text(&format!("{} {}", client.name, client.period)),
                classname => xml_text(&format!("kpipress.{}", client.slug)),
                tests => cases.len(),
                failures => count("failure"),
                skipped => count("skipped"),
                cases => cases,
            })
        })
        .expect("the JUnit template renders")
}

/// `text` without the characters XML 1.0 cannot hold at all, escaped or not: the
/// control characters but tab and line ends, and the noncharacters U+FFFE and U+FFFF
/// (its `Char` production; a parser stops at any of them).
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|c| match c {
            '\t' | '\n' | '\r' => true,
            '\u{FFFE}' | '\u{FFFF}' => false,
            c => !c.is_control(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::testing::client;

    #[test]
    fn misses_fail_and_values_are_escaped() {
        let mut digest = client("Tom & Jerry <co>", &[Status::Missed, Status::Achieved, Status::NoData]);
        digest.kpis[1].title = "CTR \"all\"\u{1}\u{FFFE}\u{FFFF}".into();
        let xml = xml(&digest);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), "{xml}");
        assert!(xml.contains("<testsuite name=\"Tom &amp; Jerry &lt;co&gt; 2026-10\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\">"), "{xml}");
        assert!(
            xml.contains("<failure type=\"missed\" message=\"10 against a target of 12 (missed)\"/>"),
            "{xml}"
        );
        assert!(xml.contains("name=\"CTR &quot;all&quot;\""), "{xml}");
    }
}
