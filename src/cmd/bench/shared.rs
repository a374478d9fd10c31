//! Shared subscriptions (`$share/GROUP/FILTER`, v5 and mosquitto's 3.1.1 form): the broker hands
//! each message to one member of the group, so what a publisher sent is owed to the group, not to
//! each member. Loss is what no member received; a message two members both received (a
//! redelivery) is a duplicate.

use std::collections::BTreeMap;

use super::stats::SeqTracker;

/// `$share/GROUP/FILTER` → (GROUP, FILTER); `None` for an ordinary filter.
pub fn split(filter: &str) -> Option<(&str, &str)> {
    let rest = filter.strip_prefix("$share/")?;
    rest.split_once('/')
}

/// The filter that decides which topics match: without the `$share/GROUP/` prefix.
pub fn inner(filter: &str) -> &str {
    split(filter).map_or(filter, |(_, f)| f)
}

/// The subscriber indexes of each shared group (keyed by the whole `$share/…` filter).
pub fn groups(filters: &[String]) -> BTreeMap<&str, Vec<usize>> {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in filters.iter().enumerate() {
        if split(f).is_some() {
            groups.entry(f.as_str()).or_default().push(i);
        }
    }
    groups
}

/// Distinct sequence numbers seen by any of `trackers`.
pub fn union_unique<'a>(trackers: impl IntoIterator<Item = &'a SeqTracker>) -> u64 {
    let mut spans: Vec<(u64, u64)> = trackers.into_iter().flat_map(|t| t.seen()).collect();
    spans.sort_unstable();
    let mut total = 0u64;
    let mut current: Option<(u64, u64)> = None;
    for (a, b) in spans {
        current = match current {
            Some((s, e)) if a <= e.saturating_add(1) => Some((s, e.max(b))),
            Some((s, e)) => {
                total = total.saturating_add(e - s + 1);
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    if let Some((s, e)) = current {
        total = total.saturating_add(e - s + 1);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_unions() {
        assert_eq!(split("$share/g/a/+"), Some(("g", "a/+")));
        assert_eq!(split("a/+"), None);
        assert_eq!(inner("$share/g/a/#"), "a/#");
        let filters = ["$share/g/a".to_string(), "a".into(), "$share/g/a".into()];
        assert_eq!(groups(&filters).get("$share/g/a"), Some(&vec![0, 2]));

        let (mut x, mut y) = (SeqTracker::default(), SeqTracker::default());
        for s in [0, 2, 4, 6] {
            x.see(s);
        }
        for s in [1, 3, 4, 9] {
            y.see(s);
        }
        // 0..=4, 6 and 9: 7 distinct (4 twice).
        assert_eq!(union_unique([&x, &y]), 7);
        assert_eq!(union_unique([&x]), 4);
        assert_eq!(union_unique(std::iter::empty()), 0);
    }
}
