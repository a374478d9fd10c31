//! Which error is reported when there are several, and the checks mosquitto makes once parsing is
//! done: it checks each option where it stands, then the will and session rules, then the property
//! lists, then loads `-f`/`-s`, then wants a topic and a message, then creates the client.

use super::table::{CASE, Case, Setup, Stdout, USAGE, check};

/// Of several mistakes, the first in mosquitto's order is reported.
#[test]
fn first_error_wins() {
    check(&[
        Case {
            name: "a bad value before an unknown option",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-q", "3", "--bogus"],
            ..USAGE
        },
        Case {
            name: "an unknown option before a bad value",
            args: &["-p", "{port}", "--bogus", "-q", "3", "-t", "a", "-m", "x"],
            ..USAGE
        },
        Case {
            name: "a bad topic before a bad QoS",
            args: &["-p", "{port}", "-t", "a/#", "-q", "3", "-m", "x"],
            ..USAGE
        },
        Case {
            name: "-M 0 before -k 2",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-M", "0", "-k", "2"],
            ..USAGE
        },
        Case {
            name: "a bad topic before -c without -i",
            args: &["-p", "{port}", "-c", "-t", "a/#", "-m", "x"],
            ..USAGE
        },
        Case {
            name: "an earlier bad -q is not overridden",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-q", "3", "-q", "1"],
            ..USAGE
        },
        Case {
            name: "an earlier bad -t is not overridden",
            args: &["-p", "{port}", "-t", "a/#", "-t", "b", "-m", "x"],
            ..USAGE
        },
        Case {
            name: "an earlier bad -p is not overridden",
            args: &["-p", "70000", "-p", "{port}", "-t", "a", "-m", "x"],
            ..USAGE
        },
        Case {
            name: "a second message mode before its missing value",
            args: &["-p", "{port}", "-t", "a", "-n", "-m"],
            ..USAGE
        },
        Case {
            name: "-i and -I before the missing value",
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-i", "x", "-I"],
            ..USAGE
        },
        Case {
            name: "a bad value before --help",
            args: &["-p", "{port}", "-q", "3", "--help"],
            ..USAGE
        },
        Case {
            name: "-D names are checked before a later duplicate",
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "a", "-m", "x", "-D", "publish", "content-type", "a",
                "-D", "publish", "content-type", "b", "-D", "publish", "bogus", "1",
            ],
            ..USAGE
        },
        Case {
            name: "-D command before a missing user-property value",
            args: &[
                "-p",
                "{port}",
                "-t",
                "a",
                "-m",
                "x",
                "-D",
                "bogus",
                "user-property",
                "k",
            ],
            ..USAGE
        },
        Case {
            name: "will rules before property checks",
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "a", "-m", "x", "--will-retain",
                "-D", "publish", "topic-alias", "0",
            ],
            ..USAGE
        },
        Case {
            name: "-f is loaded before the topic is required",
            args: &["-p", "{port}", "-f", "/nonexistent"],
            ..USAGE
        },
        Case {
            name: "-s is loaded before the topic is required",
            args: &["-p", "{port}", "-s"],
            stdin: Some(b""),
            ..USAGE
        },
        Case {
            name: "no topic after -s loads",
            args: &["-p", "{port}", "-s"],
            stdin: Some(b"data"),
            stdout: Stdout::Ignored,
            ..USAGE
        },
        Case {
            name: "no message before a bad id",
            args: &["-p", "{port}", "-t", "a", "-i", ""],
            stdout: Stdout::Ignored,
            ..USAGE
        },
        Case {
            name: "a file over the size limit",
            args: &["-p", "{port}", "-t", "a", "-f", "{dir}/huge"],
            ..USAGE
        },
    ]);
}

/// The property lists are checked once parsing is done (libmosquitto's
/// `mosquitto_property_check_all`): value rules and duplicates.
#[test]
fn property_checks() {
    check(&[
        Case {
            name: "topic-alias 0",
            v2_0: true,
            args: &[
                "-p",
                "{port}",
                "-t",
                "a",
                "-m",
                "x",
                "-D",
                "publish",
                "topic-alias",
                "0",
            ],
            ..USAGE
        },
        Case {
            name: "receive-maximum 0",
            v2_0: true,
            args: &[
                "-p",
                "{port}",
                "-t",
                "a",
                "-m",
                "x",
                "-D",
                "connect",
                "receive-maximum",
                "0",
            ],
            ..USAGE
        },
        Case {
            name: "maximum-packet-size 0",
            v2_0: true,
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-D", "connect", "maximum-packet-size", "0"],
            ..USAGE
        },
        Case {
            name: "request-problem-information 2",
            v2_0: true,
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-D", "connect", "request-problem-information", "2"],
            ..USAGE
        },
        Case {
            name: "CONNECT is checked before PUBLISH",
            v2_0: true,
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "a", "-m", "x",
                "-D", "publish", "topic-alias", "0", "-D", "connect", "receive-maximum", "0",
            ],
            ..USAGE
        },
        Case {
            name: "a value rule before a later duplicate",
            v2_0: true,
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "a", "-m", "x",
                "-D", "connect", "receive-maximum", "0", "-D", "connect", "receive-maximum", "1",
            ],
            ..USAGE
        },
        Case {
            name: "-x and a session-expiry-interval property",
            v2_0: true,
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "a", "-m", "x", "-V", "5", "-x", "100",
                "-D", "connect", "session-expiry-interval", "5",
            ],
            ..USAGE
        },
        Case {
            name: "-c and a session-expiry-interval property",
            v2_0: true,
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "a", "-m", "x", "-c", "-i", "id",
                "-D", "connect", "session-expiry-interval", "5",
            ],
            ..USAGE
        },
        Case {
            name: "duplicate will property",
            v2_0: true,
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "a", "-m", "x", "--will-topic", "w",
                "-D", "will", "content-type", "a", "-D", "will", "content-type", "b",
            ],
            ..USAGE
        },
        Case {
            name: "-D connack: no message, just the hint",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-t", "a", "-m", "x", "-D", "connack", "user-property", "k", "v"],
            ..USAGE
        },
        Case {
            name: "-D auth with a property AUTH cannot carry",
            args: &[
                "-p",
                "{port}",
                "-t",
                "a",
                "-m",
                "x",
                "-D",
                "auth",
                "content-type",
                "x",
            ],
            ..USAGE
        },
        Case {
            name: "-D auth with a property AUTH can carry",
            args: &[
                "-p",
                "{port}",
                "-t",
                "a",
                "-m",
                "x",
                "-D",
                "auth",
                "reason-string",
                "x",
            ],
            ..USAGE
        },
    ]);
}

/// `-D` switches to v5, but a later `-V` wins; then properties cannot be sent.
#[test]
fn properties_with_a_later_v3() {
    check(&[
        Case {
            name: "CONNECT properties in v3.1.1 (and -x ignored there)",
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "a", "-m", "x", "-x", "100",
                "-D", "connect", "session-expiry-interval", "5", "-V", "311",
            ],
            setup: Setup::Anonymous,
            ..USAGE
        },
        Case {
            name: "CONNECT properties in v3.1.1, --quiet",
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "a", "-m", "x", "-D", "connect", "user-property", "k", "v",
                "-V", "311", "--quiet",
            ],
            setup: Setup::Anonymous,
            ..USAGE
        },
        Case {
            name: "will properties in v3.1.1",
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "a", "-m", "x", "--will-topic", "w",
                "-D", "will", "content-type", "a", "-V", "mqttv311",
            ],
            setup: Setup::Anonymous,
            ..USAGE
        },
        Case {
            name: "will properties without a will topic are ignored",
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "a", "-m", "x", "-D", "will", "content-type", "a", "-V", "311",
            ],
            setup: Setup::Anonymous,
            code: 0,
            msgs: 1,
            ..CASE
        },
        Case {
            name: "SUBSCRIBE properties are ignored by pub",
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-t", "a", "-m", "x", "-D", "subscribe", "user-property", "k", "v",
                "-V", "311",
            ],
            setup: Setup::Anonymous,
            code: 0,
            msgs: 1,
            ..CASE
        },
    ]);
}
