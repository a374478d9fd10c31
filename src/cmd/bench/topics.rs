//! `--topics N`: each publisher cycles over N topics, message `seq` going to topic `seq % N`. The
//! template's `%t` is the topic number (appended as a last level when the template has none), and
//! what a subscriber should receive from a publisher is exact per topic, so loss stays exact when a
//! filter matches only some of a publisher's topics.

use super::config::expand;
use crate::conn::topic;

/// The topic template with a `%t` level when `--topics` asks for more than one and it has none.
pub fn template(topic: &str, topics: u32) -> String {
    if topics > 1 && !topic.contains("%t") {
        format!("{topic}/%t")
    } else {
        topic.to_string()
    }
}

/// Publisher `index`'s topics, in the order it cycles over them.
pub fn publisher_topics(template: &str, topics: u32, index: u32, client_id: &str) -> Vec<String> {
    let base = expand(template, index, client_id);
    (0..topics.max(1))
        .map(|t| base.replace("%t", &t.to_string()))
        .collect()
}

/// How many of a publisher's first `sent` messages went to topics that `filter` matches.
/// A shared subscription's filter matches without its `$share/GROUP/` prefix.
pub fn expected(sent: u64, topics: &[String], filter: &str) -> u64 {
    let filter = super::shared::inner(filter);
    let n = topics.len().max(1) as u64;
    topics
        .iter()
        .enumerate()
        .filter(|(_, t)| topic::matches(filter, t))
        // Messages k, k + n, k + 2n, … below `sent`.
        .map(|(k, _)| (sent + n - 1 - k as u64) / n)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_cycle_and_counts_are_exact() {
        assert_eq!(template("b/%i", 1), "b/%i");
        assert_eq!(template("b/%i", 3), "b/%i/%t");
        assert_eq!(template("b/%t/%i", 3), "b/%t/%i");
        let t = publisher_topics("b/%i/%t", 3, 7, "id");
        assert_eq!(t, ["b/7/0", "b/7/1", "b/7/2"]);
        // 10 messages over 3 topics: 4, 3, 3.
        assert_eq!(expected(10, &t, "b/7/+"), 10);
        assert_eq!(expected(10, &t, "b/7/0"), 4);
        assert_eq!(expected(10, &t, "b/7/2"), 3);
        assert_eq!(expected(10, &t, "b/8/#"), 0);
        assert_eq!(expected(0, &t, "#"), 0);
        assert_eq!(expected(5, &publisher_topics("x", 1, 0, "id"), "x"), 5);
    }
}
