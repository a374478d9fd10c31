//! `mqtk pub` (and the `mqtk-pub` symlink) keep mosquitto_pub's flags and output but fix its harmful
//! quirks: numbers must be numbers, an empty topic is a usage error, a refused publish fails the exit
//! status, and `--help`/`--version` succeed.

use super::{Ours, T, fence, mqtk_pub, real};
use crate::broker::{Broker, free_port};
use crate::subscriber::Subscriber;
use crate::util::{Run, assert_same, assert_same_run, mqtk, run};

/// mqtk's usage-error shape: one error line, then the hint.
fn usage_error(line: &str) -> String {
    format!("{line}\n\nUse 'mqtk pub --help' to see usage.\n")
}

#[test]
fn numeric_garbage_is_a_usage_error() {
    // Nothing listens on the port: a value taken as a number would end in "Connection refused".
    let port = free_port().to_string();
    #[rustfmt::skip]
    let cases: &[(&[&str], &str)] = &[
        (&["-q", "abc"], "Error: -q expects a whole number, got 'abc'."),
        (&["-q", "1x"], "Error: -q expects a whole number, got '1x'."),
        (&["-p", "18x"], "Error: -p expects a whole number, got '18x'."),
        (&["-k", "6O"], "Error: -k expects a whole number, got '6O'."),
        (&["-M", "x"], "Error: -M expects a whole number, got 'x'."),
        (&["--repeat", "2x"], "Error: --repeat expects a whole number, got '2x'."),
        (&["--repeat-delay", "0.5s"], "Error: --repeat-delay expects a number, got '0.5s'."),
        (&["--will-topic", "w", "--will-qos", "one"], "Error: --will-qos expects a whole number, got 'one'."),
        (
            &["-D", "publish", "message-expiry-interval", "1h"],
            "Error: --property expects a whole number, got '1h'.",
        ),
    ];
    for (extra, line) in cases {
        let mut args = mqtk_pub(&["-p", &port, "-t", "a", "-m", "x"]);
        args.extend_from_slice(extra);
        let out = run(&mqtk(), &args, None);
        assert_same_run(
            &format!("mqtk {}", args.join(" ")),
            &Run {
                code: 1,
                stdout: Vec::new(),
                stderr: usage_error(line).into_bytes(),
            },
            &out,
        );
    }
}

#[test]
fn numbers_that_are_numbers_still_work() {
    let broker = Broker::start();
    let sub = Subscriber::start_v5(broker.port, "#", 2);
    let port = broker.port_str();
    #[rustfmt::skip]
    let args = mqtk_pub(&[
        "-p", &port, "-t", "n/t", "-m", "x", "-q", "2", "-k", "30", "-M", "3",
        "--repeat", "2", "--repeat-delay", "0.05",
    ]);
    run(&mqtk(), &args, None).assert_success();
    let got = fence(broker.port, None, &sub);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(
        got.iter().all(|m| m.qos == 2 && m.payload == b"x"),
        "{got:#?}"
    );
}

#[test]
fn help_and_version_succeed() {
    let help = run(&mqtk(), &["pub", "--help"], None);
    help.assert_success();
    assert!(help.stderr.is_empty(), "{help}");
    assert!(help.stdout_str().contains("Usage: mqtk pub"), "{help}");
    assert!(help.stdout_str().contains("--topic"), "{help}");

    // --help stops parsing: later garbage is not reported.
    let early = run(&mqtk(), &["pub", "--help", "--bogus", "-q", "9"], None);
    assert_same_run("--help first", &help, &early);

    let version = run(&mqtk(), &["pub", "--version"], None);
    assert_same_run(
        "mqtk pub --version",
        &Run {
            code: 0,
            stdout: format!("mqtk {}\n", env!("CARGO_PKG_VERSION")).into_bytes(),
            stderr: Vec::new(),
        },
        &version,
    );
}

/// Under the mosquitto name both exit 1, as mosquitto_pub's do, and print on stdout.
#[test]
fn help_and_version_exit_1_as_mosquitto_pub() {
    let ours = Ours::new();
    for flag in ["--help", "--version"] {
        let want = run(&real(), &[flag], None);
        let got = run(&ours.mosquitto_pub(), &[flag], None);
        assert_eq!((want.code, got.code), (1, 1), "{flag}\n{want}\n{got}");
        assert!(
            got.stderr.is_empty() && !got.stdout.is_empty(),
            "{flag}: {got}"
        );
    }
    let version = run(&ours.mosquitto_pub(), &["--version"], None);
    assert!(
        version
            .stdout_str()
            .starts_with("mosquitto_pub version 2.0.11 "),
        "{version}"
    );
}

#[test]
fn empty_topic_is_a_usage_error() {
    let broker = Broker::start();
    let sub = Subscriber::start_v5(broker.port, "#", 2);
    let port = broker.port_str();
    let url = format!("mqtt://127.0.0.1:{port}/");
    for args in [
        mqtk_pub(&["-p", &port, "-t", "", "-m", "x"]),
        mqtk_pub(&["-L", &url, "-m", "x"]),
        mqtk_pub(&["-p", &port, "-t", "", "-l", "--quiet"]),
    ] {
        let out = run(&mqtk(), &args, Some(b"line\n"));
        assert_same_run(
            &format!("mqtk {}", args.join(" ")),
            &Run {
                code: 1,
                stdout: Vec::new(),
                stderr: usage_error("Error: Empty topic: a topic needs at least one character.")
                    .into_bytes(),
            },
            &out,
        );
    }
    assert_eq!(fence(broker.port, None, &sub), []);
}

/// Publish properties with a later `-V 311`: mosquitto_pub silently publishes nothing; mqtk refuses.
#[test]
fn properties_without_v5_are_a_usage_error() {
    let port = free_port().to_string();
    #[rustfmt::skip]
    let args = mqtk_pub(&[
        "-p", &port, "-t", "a", "-m", "x", "-D", "publish", "content-type", "t", "-V", "311",
    ]);
    let out = run(&mqtk(), &args, None);
    assert_same_run(
        "-D then -V 311",
        &Run {
            code: 1,
            stdout: Vec::new(),
            stderr: usage_error(
                "Error: -D properties need MQTT v5, but a -V after them selects an older version.",
            )
            .into_bytes(),
        },
        &out,
    );
}

/// The `mqtk-pub` symlink is `mqtk pub` (only the program name in messages differs).
#[test]
fn mqtk_pub_symlink_is_mqtk_pub() {
    let broker = Broker::start();
    let sub = Subscriber::start_v5(broker.port, "#", 2);
    let ours = Ours::new();
    let port = broker.port_str();
    let closed = free_port().to_string();
    #[rustfmt::skip]
    let cases: &[&[&str]] = &[
        &["-p", &port, "-t", "sym/a", "-m", "x", "-q", "1", "-r"],
        &["-p", &port, "-t", "sym/l", "-l", "-d"],
        &["-p", &port, "-t", "sym/a", "-m", "x", "-q", "abc"],
        &["-p", &port, "-t", "", "-m", "x"],
        &["-p", &closed, "-t", "sym/a", "-m", "x"],
        &["-p", &port, "-t", "sym/a"],
        &["--help"],
        &["--version"],
    ];
    for args in cases {
        let got = run(&ours.mqtk_pub(), args, Some(b"one\ntwo\n"));
        let got_msgs = fence(broker.port, None, &sub);
        let want = run(&mqtk(), &mqtk_pub(args), Some(b"one\ntwo\n"));
        let want_msgs = fence(broker.port, None, &sub);
        let label = args.join(" ");
        let rename = |b: &[u8]| String::from_utf8_lossy(b).replace("mqtk-pub", "mqtk pub");
        assert_eq!(want.code, got.code, "{label}: exit code\n{want}\n{got}");
        assert_same(&label, rename(&want.stderr), rename(&got.stderr));
        assert_same(&label, rename(&want.stdout), rename(&got.stdout));
        assert_eq!(want_msgs, got_msgs, "{label}");
    }
}

/// A broker that denies publishing to `denied/#` (anonymous clients may use `allowed/#` only).
fn acl_broker() -> Broker {
    Broker::with_files(
        "acl_file {dir}/acl",
        &[("acl", b"topic readwrite allowed/#\n")],
    )
}

/// A v5 PUBACK/PUBREC with a failure reason: mosquitto_pub warns and exits 0; mqtk exits with the
/// reason code (135, Not authorized).
#[test]
fn refused_publish_fails_the_exit_status() {
    let broker = acl_broker();
    let sub = Subscriber::start_v5(broker.port, "allowed/#", 2);
    let port = broker.port_str();
    let ours = Ours::new();
    let warning = |mids: &[u16]| -> Vec<u8> {
        mids.iter()
            .map(|m| format!("Warning: Publish {m} failed: Not authorized.\n"))
            .collect::<String>()
            .into_bytes()
    };
    // (extra arguments, stdin, the mids the broker refuses)
    let cases: [(&[&str], &[u8], &[u16]); 4] = [
        (&["-q", "1", "-m", "x"], b"", &[1]),
        (&["-q", "2", "-m", "x"], b"", &[1]),
        (&["-q", "1", "-m", "x", "--repeat", "2"], b"", &[1, 2]),
        (&["-q", "1", "-l"], b"a\n", &[1]),
    ];
    for (extra, stdin, mids) in cases {
        let mut args = vec!["-p", port.as_str(), "-V", "5", "-t", "denied/t"];
        args.extend_from_slice(extra);
        let label = args.join(" ");
        let stdin = Some(stdin);

        let want = run(&real(), &args, stdin);
        let alias = run(&ours.mosquitto_pub(), &args, stdin);
        assert_same_run(&format!("mosquitto_pub {label}"), &want, &alias);
        assert_eq!(want.code, 0, "{want}");

        let strict = run(&mqtk(), &mqtk_pub(&args), stdin);
        assert_same_run(
            &format!("mqtk pub {label}"),
            &Run {
                code: 135,
                stdout: Vec::new(),
                stderr: warning(mids),
            },
            &strict,
        );
        let mut quiet = args.clone();
        quiet.push("--quiet");
        let silent = run(&mqtk(), &mqtk_pub(&quiet), stdin);
        assert_eq!(
            (silent.code, &silent.stderr[..]),
            (135, &b""[..]),
            "{silent}"
        );
    }
    // A permitted publish on the same broker still succeeds.
    let args = mqtk_pub(&[
        "-p",
        &port,
        "-V",
        "5",
        "-t",
        "allowed/t",
        "-q",
        "1",
        "-m",
        "ok",
    ]);
    run(&mqtk(), &args, None).assert_success();
    assert_eq!(sub.take(1, T)[0].payload, b"ok");
}

/// --quiet hides runtime errors under mqtk too, never usage errors.
#[test]
fn quiet_under_mqtk() {
    let port = free_port().to_string();
    let refused = run(
        &mqtk(),
        &mqtk_pub(&["-p", &port, "-t", "a", "-m", "x", "--quiet"]),
        None,
    );
    assert_same_run(
        "refused, --quiet",
        &Run {
            code: 1,
            stdout: Vec::new(),
            stderr: Vec::new(),
        },
        &refused,
    );
    let loud = run(
        &mqtk(),
        &mqtk_pub(&["-p", &port, "-t", "a", "-m", "x"]),
        None,
    );
    assert_same_run(
        "refused",
        &Run {
            code: 1,
            stdout: Vec::new(),
            stderr: b"Error: Connection refused\n".to_vec(),
        },
        &loud,
    );
    #[rustfmt::skip]
    let usage = run(&mqtk(), &mqtk_pub(&["--quiet", "-p", &port, "-t", "a", "-m", "x", "-q", "abc"]), None);
    assert_same_run(
        "usage error, --quiet",
        &Run {
            code: 1,
            stdout: Vec::new(),
            stderr: usage_error("Error: -q expects a whole number, got 'abc'.").into_bytes(),
        },
        &usage,
    );
}
