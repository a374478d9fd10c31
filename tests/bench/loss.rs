//! Messages a subscriber never gets are reported as lost (and fail the run at QoS ≥ 1).

use super::{bench, int};
use crate::broker::Broker;

/// A broker where user `bench` (password `secret`) may publish to b/0 and b/1 but read only b/0;
/// the ACL file lives as long as the returned directory.
pub(super) fn half_readable_broker() -> (Broker, tempfile::TempDir) {
    let acl = tempfile::tempdir().expect("temp dir");
    let acl_path = acl.path().join("acl");
    std::fs::write(
        &acl_path,
        "user bench\ntopic write b/0\ntopic write b/1\ntopic read b/0\n",
    )
    .expect("write acl");
    let broker = Broker::with_users(
        &format!("acl_file {}", acl_path.display()),
        &[("bench", "secret")],
    );
    (broker, acl)
}

#[test]
fn a_subscriber_that_misses_messages_reports_loss() {
    // The user may publish to b/0 and b/1 but read only b/0: mosquitto grants the SUBACK for b/+ and
    // silently drops what it may not deliver, so the subscriber misses every message of publisher 1.
    let (broker, _acl) = half_readable_broker();
    let args = [
        "-u",
        "bench",
        "-P",
        "secret",
        "--pubs",
        "2",
        "--subs",
        "1",
        "-q",
        "1",
        "--count",
        "300",
        "-t",
        "b/%i",
        "--sub-topic",
        "b/+",
    ];
    let (out, v) = bench(&broker, &args);
    out.assert_code(3);
    assert_eq!(
        [
            "sent",
            "acked",
            "received",
            "lost",
            "duplicated",
            "connect_failures"
        ]
        .map(|k| int(&v, k)),
        [600, 600, 300, 300, 0, 0],
        "in\n{v:#}"
    );
    assert_eq!(out.stderr_str(), "Error: 300 messages lost at QoS 1.\n");
}

#[test]
fn loss_at_qos0_is_reported_but_does_not_fail() {
    let (broker, _acl) = half_readable_broker();
    let args = [
        "-u",
        "bench",
        "-P",
        "secret",
        "--pubs",
        "2",
        "-q",
        "0",
        "--count",
        "200",
        "-t",
        "b/%i",
        "--sub-topic",
        "b/+",
    ];
    let (out, v) = bench(&broker, &args);
    out.assert_success();
    assert_eq!(
        ["sent", "received", "lost"].map(|k| int(&v, k)),
        [400, 200, 200],
        "in\n{v:#}"
    );
}
