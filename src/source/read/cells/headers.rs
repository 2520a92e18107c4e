//! A table's header row made names: two header rows joined as "Group / Column", blank
//! headers named by position and repeated ones numbered, as a frame needs.

/// One header per column: with two header rows, a group header written once over the
/// columns it spans is carried right, and the two are joined as "Group / Column".
pub(super) fn join_headers(rows: &[Vec<String>]) -> Vec<String> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let cell = |row: &Vec<String>, i: usize| row.get(i).cloned().unwrap_or_default();
    match rows {
        [upper, lower] => {
            let mut group = String::new();
            (0..width)
                .map(|i| {
                    let (top, bottom) = (cell(upper, i), cell(lower, i));
                    if !top.is_empty() {
                        group = top;
                    } else if bottom.is_empty() {
                        group.clear();
                    }
                    match (group.is_empty(), bottom.is_empty()) {
                        (_, true) => group.clone(),
                        (true, false) => bottom,
                        (false, false) => format!("{group} / {bottom}"),
                    }
                })
                .collect()
        }
        [only, ..] => (0..width).map(|i| cell(only, i)).collect(),
        [] => Vec::new(),
    }
}

/// Headers made unique, and blank ones named by position, as a frame needs.
pub(super) fn unique(headers: Vec<String>) -> Vec<String> {
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::with_capacity(headers.len());
    let mut names = Vec::with_capacity(headers.len());
    for (index, header) in headers.into_iter().enumerate() {
        let base = if header.is_empty() {
            format!("column_{}", index + 1)
        } else {
            header
        };
        let mut name = base.clone();
        let mut n = 2;
        while seen.contains(&name) {
            name = format!("{base} ({n})");
            n += 1;
        }
        seen.insert(name.clone());
        names.push(name);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_headers_are_carried_over_their_columns() {
        let rows = vec![
            vec!["День".into(), "Охват".into(), "".into(), "Просмотры".into()],
            vec!["".into(), "Всего".into(), "Подписчики".into(), "".into()],
        ];
        assert_eq!(
            join_headers(&rows),
            ["День", "Охват / Всего", "Охват / Подписчики", "Просмотры"]
        );
    }

    #[test]
    fn blank_and_repeated_headers_get_names() {
        assert_eq!(
            unique(vec!["a".into(), "".into(), "a".into()]),
            ["a", "column_2", "a (2)"]
        );
    }
}
