//! The retained messages found under the filters, and which of them may be cleared.

use std::collections::{BTreeMap, BTreeSet};

use crate::conn::topic;

/// Which topics a run may touch: those matching a `-t` filter and no `-T` filter.
#[derive(Debug, Clone)]
pub struct Scope {
    pub filters: Vec<String>,
    pub exclude: Vec<String>,
}

impl Scope {
    /// Whether `topic` may be cleared. MQTT's rule that a leading wildcard does not match a topic
    /// starting with `$` applies, so `$SYS/…` is only in scope when a filter names it (`$SYS/#`),
    /// even if a broker sent it for `#`.
    pub fn allows(&self, topic: &str) -> bool {
        self.filters.iter().any(|f| topic::matches(f, topic))
            && !self.exclude.iter().any(|f| topic::matches(f, topic))
    }

    /// Whether a filter is exactly `#`: clearing everything, which needs a confirmation.
    pub fn everything(&self) -> bool {
        self.filters.iter().any(|f| f == "#")
    }
}

/// Retained messages seen during one collection, by topic (sorted, duplicates from overlapping
/// filters counted once).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tree {
    /// Topics in scope, with the payload size of their retained message.
    pub topics: BTreeMap<String, usize>,
    /// Topics seen but out of scope (`-T`, `$` topics, topics that are not valid UTF-8).
    pub excluded: BTreeSet<String>,
}

impl Tree {
    /// Records one retained message; returns false for an out-of-scope topic.
    pub fn add(&mut self, scope: &Scope, topic: &[u8], bytes: usize) -> bool {
        match std::str::from_utf8(topic) {
            Ok(t) if scope.allows(t) => {
                self.topics.insert(t.to_string(), bytes);
                true
            }
            Ok(t) => {
                self.excluded.insert(t.to_string());
                false
            }
            // No PUBLISH can name this topic, so it cannot be cleared; it is reported as excluded.
            Err(_) => {
                self.excluded
                    .insert(String::from_utf8_lossy(topic).into_owned());
                false
            }
        }
    }

    /// Distinct topics seen, in scope or not.
    pub fn found(&self) -> usize {
        self.topics.len() + self.excluded.len()
    }

    /// Payload bytes of the topics in scope.
    pub fn bytes(&self) -> u64 {
        self.topics.values().map(|&b| b as u64).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(filters: &[&str], exclude: &[&str]) -> Scope {
        Scope {
            filters: filters.iter().map(|s| s.to_string()).collect(),
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn scope_follows_filters_and_exclusions() {
        let s = scope(&["a/#", "b/+/c"], &["a/keep/#", "b/x/c"]);
        assert!(s.allows("a"));
        assert!(s.allows("a/b/c"));
        assert!(!s.allows("a/keep"));
        assert!(!s.allows("a/keep/deep"));
        assert!(s.allows("b/y/c"));
        assert!(!s.allows("b/x/c"));
        assert!(!s.allows("b/y/c/d"));
        assert!(!s.allows("c"));
    }

    #[test]
    fn dollar_topics_only_when_named() {
        let all = scope(&["#"], &[]);
        assert!(all.everything());
        assert!(!all.allows("$SYS/broker/version"));
        assert!(!scope(&["+/broker/version"], &[]).allows("$SYS/broker/version"));
        let named = scope(&["#", "$SYS/#"], &[]);
        assert!(named.allows("$SYS/broker/version"));
        assert!(!scope(&["$SYS/#"], &["$SYS/broker/#"]).allows("$SYS/broker/version"));
        assert!(!scope(&["a/#"], &[]).everything());
    }

    #[test]
    fn tree_counts_distinct_topics() {
        let s = scope(&["#"], &["x/#"]);
        let mut t = Tree::default();
        assert!(t.add(&s, b"a/b", 3));
        assert!(t.add(&s, b"a/b", 3));
        assert!(t.add(&s, "caf\u{e9}".as_bytes(), 0));
        assert!(!t.add(&s, b"x/y", 7));
        assert!(!t.add(&s, b"$SYS/uptime", 2));
        assert!(!t.add(&s, b"bad\xff", 1));
        assert_eq!(t.found(), 5);
        assert_eq!(t.topics.len(), 2);
        assert_eq!(t.bytes(), 3);
        assert_eq!(t.excluded.len(), 3);
    }
}
