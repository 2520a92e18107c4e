//! Which KPIs add up over days (`SUM(leads)`, `COUNT(post_id)`, or sums of such KPIs), so
//! the part of a period the data covers can be projected to the whole period. Ratios,
//! averages and stocks (`LAST(followers)`) cannot.

use std::collections::HashSet;

use crate::spec::Spec;

/// The KPIs of `spec` whose value over a period is the sum of their values over its days.
pub fn additive_kpis(spec: &Spec, derived_order: &[String]) -> HashSet<String> {
    let mut additive: HashSet<String> = spec
        .kpis
        .values()
        .filter(|k| k.source.is_some() && terms(&k.value).is_some_and(|t| t.iter().all(|t| is_sum_or_count(t))))
        .map(|k| k.id.clone())
        .collect();
    for id in derived_order {
        let sums_additive = terms(&spec.kpis[id].value)
            .is_some_and(|terms| terms.iter().all(|t| additive.contains(t.trim_matches('"'))));
        if sums_additive {
            additive.insert(id.clone());
        }
    }
    additive
}

/// The terms of a sum or difference at the top level of `sql`, or `None` when the
/// brackets do not balance.
fn terms(sql: &str) -> Option<Vec<&str>> {
    let mut terms = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in sql.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '+' | '-' if depth == 0 => {
                terms.push(sql[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        if depth < 0 {
            return None;
        }
    }
    terms.push(sql[start..].trim());
    (depth == 0 && terms.iter().all(|t| !t.is_empty())).then_some(terms)
}

/// `SUM(...)` or `COUNT(...)` as a whole, its first bracket closing at the end.
fn is_sum_or_count(term: &str) -> bool {
    let upper = term.to_ascii_uppercase();
    let Some(inner) = ["SUM", "COUNT"]
        .iter()
        .find_map(|f| upper.strip_prefix(f))
        .map(str::trim_start)
        .and_then(|rest| rest.strip_prefix('('))
        .and_then(|rest| rest.strip_suffix(')'))
    else {
        return false;
    };
    let mut depth = 0i32;
    inner.chars().all(|c| {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        depth >= 0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn additive(sql: &str) -> bool {
        terms(sql).is_some_and(|t| t.iter().all(|t| is_sum_or_count(t)))
    }

    #[test]
    fn sums_and_counts_add_up_over_days() {
        assert!(additive("SUM(leads)"));
        assert!(additive("count(post_id)"));
        assert!(additive("SUM(likes) + SUM(comments) - SUM(spam)"));
        assert!(additive("SUM(CASE WHEN x > 0 THEN x ELSE 0 END)"));
    }

    #[test]
    fn ratios_stocks_and_averages_do_not() {
        assert!(!additive("SUM(clicks) / SUM(impressions)"));
        assert!(!additive("LAST(followers)"));
        assert!(!additive("AVG(views)"));
        assert!(!additive("SUM(a)) + (SUM(b)"));
        assert!(!additive("SUM(views) * 2"));
    }
}
