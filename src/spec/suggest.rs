//! "Did you mean" by edit distance.

/// The known name nearest to `unknown`, if it is near enough to be a likely typo.
pub fn nearest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(unknown, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.chars().count() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Names as a message lists them: "`a`, `b`, `c`".
pub fn quoted_list(names: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    names
        .into_iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first `most` names quoted, and how many there are in all when that is more: a
/// Facebook video export has 212 columns, which no message should list.
pub fn quoted_some(names: &[impl AsRef<str>], most: usize) -> String {
    let listed = quoted_list(names.iter().take(most));
    match names.len() > most {
        true => format!("{listed}, … ({} in all)", names.len()),
        false => listed,
    }
}

/// `did you mean `x`?`, or a list of what is known when nothing is close.
pub fn help<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str> + Clone) -> Option<String> {
    match nearest(unknown, known.clone()) {
        Some(candidate) => Some(format!("did you mean `{candidate}`?")),
        None => {
            let list = quoted_list(known);
            (!list.is_empty()).then(|| format!("expected one of {list}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_key() {
        assert_eq!(nearest("valeu", ["title", "value", "source"]), Some("value"));
        assert_eq!(nearest("benchmrk", ["benchmark", "better"]), Some("benchmark"));
    }

    #[test]
    fn unrelated_names_find_nothing() {
        assert_eq!(nearest("colour_scheme", ["title", "value"]), None);
        assert_eq!(help("zzz", ["a", "b"]).unwrap(), "expected one of `a`, `b`");
    }
}
