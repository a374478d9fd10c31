//! `sub >&-`: a subscriber whose stdout is closed can print nothing. It used to acknowledge and
//! discard every message until killed, draining a persistent session; now it refuses to start,
//! so nothing is acknowledged and the session keeps its messages, under both names.

use std::path::Path;

use super::T;
use crate::broker::Broker;
use crate::publish::fence;
use crate::subscriber::Subscriber;
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

/// `rr >&-`: a response could not be printed, so rr refuses to start and sends no request, under
/// both names. mosquitto_rr 2.1 sends the request, writes the response into the closed stdout and
/// exits 0: the response is lost and the run reports success (the data loss this avoids).
#[test]
fn rr_with_a_closed_stdout_sends_no_request() {
    use crate::rr::responder::{Reply, Responder};
    let broker = Broker::start();
    let port = broker.port_str();
    let closed = |program: &Path, lead: &[&str]| {
        let mut args: Vec<&str> = vec!["-c", r#"exec "$@" >&-"#, "bash", program.to_str().unwrap()];
        args.extend_from_slice(lead);
        #[rustfmt::skip]
        args.extend_from_slice(&["-p", &port, "-t", "req/x", "-e", "resp/x", "-m", "hi", "-W", "30"]);
        Proc::spawn(Path::new("/bin/bash"), &args).wait(T)
    };

    let reference = crate::reference::mosquitto_21("mosquitto_rr");
    let responder = Responder::start(broker.port, "req/x", "resp/x", vec![Reply::echo("answer")]);
    let out = closed(&reference, &[]);
    assert_eq!((out.code, out.stderr_str()), (0, String::new()), "{out}");
    assert_eq!(responder.request().payload, b"hi");
    drop(responder);

    // Everything published from here on (the fence included).
    let requests = Subscriber::start(broker.port, "#", 1);
    let alias = Alias::with_names(&["mosquitto_rr"]);
    for (label, program, lead) in [
        ("mqtk rr", mqtk(), &["rr"][..]),
        ("mosquitto_rr", alias.path("mosquitto_rr"), &[][..]),
    ] {
        let out = closed(&program, lead);
        assert_eq!(
            (out.code, out.stderr_str().as_str()),
            (
                1,
                "Error: stdout is closed: a response could not be printed, so no request is sent.\n"
            ),
            "{label}: {out}"
        );
        assert_eq!(fence(broker.port, None, &requests).len(), 0, "{label}");
    }
}
