//! Incoming v5 topic aliases, against the scripted broker (mosquitto 2.0 never sends them): an
//! alias-only PUBLISH gets the topic its alias was set to on this connection, aliases are
//! forgotten at a reconnect, and an alias never set is a protocol error, never an empty topic.

use super::T;
use super::script::Script;
use crate::util::{Proc, mqtk};

#[test]
fn aliases_resolve_per_connection() {
    let script = Script::start();
    let port = script.port_str();
    #[rustfmt::skip]
    let args = [
        "sub", "-p", &port, "-V", "5", "-t", "sa/#", "-v",
        "-D", "connect", "topic-alias-maximum", "2",
    ];
    let proc = Proc::spawn(&mqtk(), &args);
    let mut conn = script.accept_subscriber();
    conn.publish_alias("sa/a", 1, b"ma");
    conn.publish_alias("sa/b", 2, b"mb");
    conn.publish_alias("", 1, b"ma2");
    conn.publish_alias("", 2, b"mb2");
    assert_eq!(proc.expect_line(T), "sa/a ma");
    assert_eq!(proc.expect_line(T), "sa/b mb");
    assert_eq!(proc.expect_line(T), "sa/a ma2");
    assert_eq!(proc.expect_line(T), "sa/b mb2");
    conn.drop_connection();

    // A new connection: alias 1 means nothing until the broker sets it again.
    let mut conn = script.accept_subscriber();
    conn.publish_alias("sa/c", 2, b"mc");
    assert_eq!(proc.expect_line(T), "sa/c mc");
    conn.publish_alias("", 1, b"lost topic");
    assert!(
        conn.try_read().is_none(),
        "an unknown alias must end the connection"
    );
    drop(conn);
    let out = proc.kill();
    assert!(
        !out.stdout_str().contains("lost topic"),
        "a message without a topic was printed: {out}"
    );
}

/// `--trace` shows the CONNECT properties mqtk sends: the broker decides from them whether it may
/// send aliases at all, so a trace of an alias problem must show what it was told.
#[test]
fn trace_shows_the_connect_properties() {
    let broker = crate::broker::Broker::start();
    let port = broker.port_str();
    #[rustfmt::skip]
    let args = [
        "sub", "-p", &port, "-V", "5", "-t", "x", "-E", "--trace",
        "-D", "connect", "topic-alias-maximum", "2",
        "-D", "connect", "user-property", "k", "v",
    ];
    let out = crate::util::run(&mqtk(), &args, None);
    out.assert_success();
    let connect = out
        .stderr_str()
        .lines()
        .find(|l| l.contains("→ CONNECT"))
        .map(str::to_string)
        .unwrap_or_default();
    assert!(
        connect.ends_with(
            "clean-session 1, receive-maximum 20, maximum-packet-size 268435455, \
             topic-alias-maximum 2, user-property \"k\"=\"v\""
        ),
        "{connect:?}"
    );
}
