//! Traffic shapes: `--topics N` (each publisher cycles over N topics), with loss counted exactly per
//! (publisher, subscriber) pair when a filter matches only some of them.

use super::{assert_delivered, bench, int};
use crate::broker::Broker;

#[test]
fn publishers_cycle_over_topics() {
    let broker = Broker::start();
    let mark = broker.log_mark();
    let (out, v) = bench(
        &broker,
        &[
            "--pubs", "2", "--subs", "2", "--topics", "3", "--count", "30", "-q", "1", "-I", "tp",
        ],
    );
    out.assert_success();
    // The default filter (mqtk/bench/+/+) takes every topic: 2 × 30 to each of 2 subscribers.
    assert_delivered(&v, 60, 2);
    assert_eq!(v["config"]["topic"], "mqtk/bench/%i/%t", "in\n{v:#}");
    assert_eq!(v["config"]["sub_topic"], "mqtk/bench/+/+", "in\n{v:#}");
    let log = broker.log_since(mark);
    for topic in ["mqtk/bench/0/0", "mqtk/bench/0/2", "mqtk/bench/1/1"] {
        assert!(
            log.contains(&format!("'{topic}'")),
            "nothing published to {topic}; log:\n{log}"
        );
    }
}

#[test]
fn a_filter_on_some_topics_expects_only_theirs() {
    let broker = Broker::start();
    // Topic 1 of 3: messages 1, 4, 7, … of each publisher, 10 of 30; none counts as lost.
    let (out, v) = bench(
        &broker,
        &[
            "--pubs",
            "2",
            "--subs",
            "1",
            "--topics",
            "3",
            "--count",
            "30",
            "-q",
            "1",
            "--sub-topic",
            "mqtk/bench/+/1",
        ],
    );
    out.assert_success();
    assert_eq!(
        ["sent", "received", "lost", "duplicated"].map(|k| int(&v, k)),
        [60, 20, 0, 0],
        "in\n{v:#}"
    );
}
