//! `sub >&-`: a subscriber whose stdout is closed can print nothing. It used to acknowledge and
//! discard every message until killed, draining a persistent session; now it refuses to start,
//! so nothing is acknowledged and the session keeps its messages, under both names.

use std::path::Path;

use super::T;
use crate::broker::Broker;
use crate::util::{Alias, Proc, mqtk, real, run};

const SUBACK_LOG: &str = "Sending SUBACK to ";

#[test]
fn closed_stdout_acknowledges_nothing() {
    let broker = Broker::start();
    let port = broker.port_str();
    let alias = Alias::new();
    let ours = alias.path("mosquitto_sub");
    for (label, program, lead) in [
        ("mqtk sub", mqtk(), vec!["sub"]),
        ("mosquitto_sub", ours, vec![]),
    ] {
        let id = format!("closed-{}", label.replace(' ', "-"));
        // A persistent session holding one QoS 1 message.
        let mark = broker.log_mark();
        run(
            &real("mosquitto_sub"),
            &["-p", &port, "-c", "-i", &id, "-q", "1", "-t", "cs", "-E"],
            None,
        )
        .assert_success();
        broker.expect_log_since(mark, &format!("{SUBACK_LOG}{id}"), T);
        run(
            &real("mosquitto_pub"),
            &["-p", &port, "-t", "cs", "-m", "kept", "-q", "1"],
            None,
        )
        .assert_success();

        let mut args: Vec<&str> = vec!["-c", r#"exec "$@" >&-"#, "bash", program.to_str().unwrap()];
        args.extend_from_slice(&lead);
        args.extend_from_slice(&["-p", &port, "-c", "-i", &id, "-q", "1", "-t", "cs"]);
        let out = Proc::spawn(Path::new("/bin/bash"), &args).wait(T);
        assert_eq!(out.code, 1, "{label}: {out}");
        assert!(
            out.stderr_str().starts_with("Error: stdout is closed"),
            "{label}: {out}"
        );

        // The message is still in the session.
        let got = run(
            &real("mosquitto_sub"),
            &[
                "-p", &port, "-c", "-i", &id, "-q", "1", "-t", "cs", "-C", "1",
            ],
            None,
        );
        assert_eq!(got.stdout_str(), "kept\n", "{label}: {got}");
    }
}

/// `sub > /dev/null` is a choice, not a closed stdout: it runs as usual.
#[test]
fn stdout_to_dev_null_still_runs() {
    let broker = Broker::start();
    let port = broker.port_str();
    run(
        &real("mosquitto_pub"),
        &["-p", &port, "-t", "dn", "-m", "r", "-r", "-q", "1"],
        None,
    )
    .assert_success();
    let program = mqtk();
    let program = program.to_str().unwrap();
    #[rustfmt::skip]
    let args = ["-c", r#"exec "$@" >/dev/null"#, "bash", program, "sub", "-p", &port, "-t", "dn", "-C", "1"];
    let out = Proc::spawn(Path::new("/bin/bash"), &args).wait(T);
    assert_eq!(out.code, 0, "{out}");
}
