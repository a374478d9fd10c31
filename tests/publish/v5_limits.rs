//! A v5 broker's CONNACK limits. mosquitto's `max_qos N` and `retain_available false` make it
//! announce a maximum QoS and that it keeps no retained messages, and it disconnects a client that
//! publishes beyond them. libmosquitto checks before sending: a QoS too high is an error with exit 0
//! (exit 24 in line mode), and the retain flag is dropped quietly. `mqtk pub` refuses both and exits
//! with the v5 reason code (155, 154). Nothing refused may reach the broker: a subscriber on `#`
//! sees a later marker and nothing before it.

use super::table::{CASE, Case, Setup, Stdout, check};
use super::{T, fence, fence_at, mqtk_pub, normalise_ids};
use crate::broker::Broker;
use crate::subscriber::Subscriber;
use crate::util::{Run, assert_same_run, mqtk, run};

const MAX_QOS_1: Setup = Setup::Config("max_qos 1");
const MAX_QOS_0: Setup = Setup::Config("max_qos 0");
const NO_RETAIN: Setup = Setup::Config("retain_available false");

/// stdin for `-l`.
const LINES: &[u8] = b"one\ntwo\nthree\n";

#[test]
fn qos_above_the_maximum_as_mosquitto_pub() {
    check(&[
        Case {
            name: "-q 2, max_qos 1: an error, exit 0, nothing sent",
            args: &[
                "-p", "{port}", "-V", "5", "-t", "lim/q", "-m", "x", "-q", "2",
            ],
            setup: MAX_QOS_1,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "-q 2 -d, max_qos 1: CONNACK then DISCONNECT",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-V", "5", "-t", "lim/q", "-m", "x", "-q", "2", "-d"],
            setup: MAX_QOS_1,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "-q 1 -d, max_qos 0",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-V", "5", "-t", "lim/q", "-m", "x", "-q", "1", "-d"],
            setup: MAX_QOS_0,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "-f -q 2, max_qos 0",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-V", "5", "-t", "lim/f", "-f", "{dir}/bin", "-q", "2"],
            setup: MAX_QOS_0,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "-n --repeat 3 -q 2 -d, max_qos 1: refused once",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-V", "5", "-t", "lim/r", "-n", "--repeat", "3", "-q", "2", "-d"],
            setup: MAX_QOS_1,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "-q 2 --quiet, max_qos 1: silent",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-V", "5", "-t", "lim/q", "-m", "x", "-q", "2", "--quiet"],
            setup: MAX_QOS_1,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "-q 2 -t '', max_qos 1: the QoS is checked before the topic",
            args: &["-p", "{port}", "-V", "5", "-t", "", "-m", "x", "-q", "2"],
            setup: MAX_QOS_1,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "-q 1 -d, max_qos 1: within the limit",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-V", "5", "-t", "lim/ok", "-m", "x", "-q", "1", "-d"],
            setup: MAX_QOS_1,
            ..CASE
        },
    ]);
}

#[test]
fn qos_above_the_maximum_in_line_mode_as_mosquitto_pub() {
    check(&[
        Case {
            name: "-l -q 2 -d, max_qos 1: exit 24 at the first line, no DISCONNECT",
            args: &[
                "-p", "{port}", "-V", "5", "-t", "lim/l", "-l", "-q", "2", "-d",
            ],
            stdin: Some(LINES),
            setup: MAX_QOS_1,
            code: 24,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "-l -q 1 --quiet, max_qos 0, a last line without a newline",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-V", "5", "-t", "lim/l", "-l", "-q", "1", "--quiet"],
            stdin: Some(b"only"),
            setup: MAX_QOS_0,
            code: 24,
            msgs: 0,
            ..CASE
        },
        Case {
            name: "-l -q 2 with a will: the socket closes without DISCONNECT, so the will is sent",
            #[rustfmt::skip]
            args: &[
                "-p", "{port}", "-V", "5", "-t", "lim/l", "-l", "-q", "2",
                "--will-topic", "lim/will", "--will-payload", "gone",
            ],
            stdin: Some(LINES),
            setup: MAX_QOS_1,
            code: 24,
            msgs: 1,
            ..CASE
        },
        Case {
            name: "-l -q 2 -d, empty stdin: nothing to refuse",
            args: &[
                "-p", "{port}", "-V", "5", "-t", "lim/l", "-l", "-q", "2", "-d",
            ],
            stdin: Some(b""),
            setup: MAX_QOS_1,
            msgs: 0,
            ..CASE
        },
    ]);
}

#[test]
fn retain_not_available_as_mosquitto_pub() {
    check(&[
        Case {
            name: "-r -d: sent without the retain flag",
            args: &[
                "-p", "{port}", "-V", "5", "-t", "lim/r", "-m", "x", "-r", "-d",
            ],
            setup: NO_RETAIN,
            ..CASE
        },
        Case {
            name: "-r -q 1 --repeat 2 -d",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-V", "5", "-t", "lim/r", "-m", "x", "-r", "-q", "1", "--repeat", "2", "-d"],
            setup: NO_RETAIN,
            msgs: 2,
            ..CASE
        },
        Case {
            name: "-l -r -q 2 -d",
            #[rustfmt::skip]
            args: &["-p", "{port}", "-V", "5", "-t", "lim/l", "-l", "-r", "-q", "2", "-d"],
            stdin: Some(LINES),
            setup: NO_RETAIN,
            msgs: 3,
            // The PUBREC/PUBCOMP lines interleave with the next PUBLISH by timing.
            stdout: Stdout::SameLines,
            ..CASE
        },
        Case {
            name: "-r -q 2, max_qos 1 and no retain: the QoS error",
            args: &[
                "-p", "{port}", "-V", "5", "-t", "lim/r", "-m", "x", "-r", "-q", "2",
            ],
            setup: Setup::Config("max_qos 1\nretain_available false"),
            msgs: 0,
            ..CASE
        },
    ]);
}

/// Runs `mqtk pub -p PORT -V 5 ARGS` and checks its exit status, stdout (ids normalised) and stderr.
#[track_caller]
fn mqtk_run(broker: &Broker, args: &[&str], stdin: Option<&[u8]>, want: Run) {
    let port = broker.port_str();
    let mut all = vec!["-p", port.as_str(), "-V", "5"];
    all.extend_from_slice(args);
    let mut got = run(&mqtk(), &mqtk_pub(&all), stdin);
    got.stdout = normalise_ids(&got.stdout);
    assert_same_run(&format!("mqtk pub {}", all.join(" ")), &want, &got);
}

/// A refusal: one line on stderr, nothing on stdout.
fn refusal(code: i32, line: &str) -> Run {
    Run {
        code,
        stdout: Vec::new(),
        stderr: format!("{line}\n").into_bytes(),
    }
}

const QOS_2_OVER_1: &str = "Error: Message QoS 2 not supported on broker (maximum QoS 1); nothing was published. Try -q 1.";

#[test]
fn mqtk_refuses_a_qos_above_the_maximum_with_155() {
    let broker = Broker::with_config("max_qos 1");
    let sub = Subscriber::start_v5(broker.port, "#", 2);
    let will = ["--will-topic", "lim/will", "--will-payload", "gone"];
    #[rustfmt::skip]
    let cases: &[(&[&str], Option<&[u8]>)] = &[
        (&["-t", "lim/q", "-m", "x", "-q", "2"], None),
        (&["-t", "lim/q", "-n", "-q", "2", "--repeat", "3"], None),
        // Line mode fails at the first line, and disconnects cleanly: the will is not published.
        (&["-t", "lim/l", "-l", "-q", "2", will[0], will[1], will[2], will[3]], Some(LINES)),
    ];
    for (args, stdin) in cases {
        mqtk_run(&broker, args, *stdin, refusal(155, QOS_2_OVER_1));
        assert_eq!(fence(broker.port, None, &sub), [], "{args:?}");
    }

    // -d shows that nothing but CONNECT and DISCONNECT went out; --quiet keeps the exit status.
    let debug = "Client (null) sending CONNECT\nClient auto-<ID> received CONNACK (0)\n\
                 Client auto-<ID> sending DISCONNECT\n";
    let mut want = refusal(155, QOS_2_OVER_1);
    want.stdout = debug.as_bytes().to_vec();
    mqtk_run(
        &broker,
        &["-t", "lim/q", "-m", "x", "-q", "2", "-d"],
        None,
        want,
    );
    let silent = Run {
        code: 155,
        stdout: Vec::new(),
        stderr: Vec::new(),
    };
    mqtk_run(
        &broker,
        &["-t", "lim/q", "-m", "x", "-q", "2", "--quiet"],
        None,
        silent,
    );
    assert_eq!(fence(broker.port, None, &sub), []);

    // The maximum itself is allowed.
    let ok = Run {
        code: 0,
        stdout: Vec::new(),
        stderr: Vec::new(),
    };
    mqtk_run(&broker, &["-t", "lim/ok", "-m", "x", "-q", "1"], None, ok);
    let got = fence(broker.port, None, &sub);
    assert_eq!(
        got.iter()
            .map(|m| (m.topic.as_str(), m.qos))
            .collect::<Vec<_>>(),
        [("lim/ok", 1)],
        "{got:#?}"
    );
}

#[test]
fn mqtk_refuses_qos_1_on_a_qos_0_broker() {
    let broker = Broker::with_config("max_qos 0");
    let sub = Subscriber::start_v5(broker.port, "#", 2);
    let line = "Error: Message QoS 1 not supported on broker (maximum QoS 0); nothing was published. Try -q 0.";
    mqtk_run(
        &broker,
        &["-t", "lim/q", "-m", "x", "-q", "1"],
        None,
        refusal(155, line),
    );
    mqtk_run(
        &broker,
        &["-t", "lim/l", "-l", "-q", "1"],
        Some(LINES),
        refusal(155, line),
    );
    let ok = Run {
        code: 0,
        stdout: Vec::new(),
        stderr: Vec::new(),
    };
    mqtk_run(&broker, &["-t", "lim/ok", "-m", "x", "-q", "0"], None, ok);
    // The broker takes QoS 0 only, so the marker goes at QoS 0 too.
    let got = fence_at(broker.port, None, &sub, "0");
    assert_eq!(
        got.iter().map(|m| m.topic.as_str()).collect::<Vec<_>>(),
        ["lim/ok"],
        "{got:#?}"
    );
}

#[test]
fn mqtk_refuses_retain_when_the_broker_keeps_none_with_154() {
    let broker = Broker::with_config("retain_available false");
    let sub = Subscriber::start_v5(broker.port, "#", 2);
    let line = "Error: Retained messages not supported on broker (retain available 0); nothing was published. Try without -r.";
    for (args, stdin) in [
        (&["-t", "lim/r", "-m", "x", "-r"][..], None),
        (&["-t", "lim/r", "-m", "x", "-r", "-q", "2"], None),
        (&["-t", "lim/l", "-l", "-r", "-q", "1"], Some(LINES)),
    ] {
        mqtk_run(&broker, args, stdin, refusal(154, line));
        // mosquitto_pub would have sent it without the retain flag.
        assert_eq!(fence(broker.port, None, &sub), [], "{args:?}");
    }
    let ok = Run {
        code: 0,
        stdout: Vec::new(),
        stderr: Vec::new(),
    };
    mqtk_run(&broker, &["-t", "lim/ok", "-m", "x", "-q", "2"], None, ok);
    let got = sub.take(1, T);
    assert_eq!(
        (got[0].topic.as_str(), got[0].qos, got[0].retain),
        ("lim/ok", 2, false)
    );
}
