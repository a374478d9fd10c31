//! Signals work in every state: SIGINT and SIGTERM end a run at once while connecting, while the
//! broker is away (reconnect back-off), while `pub -l` waits for acknowledgements, during bench and
//! retain-clear. Each test awaits the state through the process's output, the scripted broker or
//! the broker log, then sends a real signal to the real process; a run that ignores it fails by
//! timing out.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::T;
use super::script::Script;
use crate::broker::Broker;
use crate::util::{Alias, Proc, Run, mqtk, real};

/// mosquitto's log line once a subscription is in place.
const SUBACK_LOG: &str = "Sending SUBACK to ";

/// Waits until the process's stderr contains `needle`.
#[track_caller]
pub fn await_stderr(proc: &Proc, needle: &str) {
    let deadline = Instant::now() + T;
    while !proc.stderr_so_far().contains(needle) {
        assert!(
            Instant::now() < deadline,
            "{needle:?} never appeared on stderr:\n{}",
            proc.stderr_so_far()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The sub programs: the real mosquitto_sub (the reference), ours under its name, and mqtk sub.
fn subs(alias: &Alias) -> Vec<(&'static str, PathBuf, Vec<&'static str>)> {
    vec![
        ("real mosquitto_sub", real("mosquitto_sub"), vec![]),
        ("mosquitto_sub", alias.path("mosquitto_sub"), vec![]),
        ("mqtk sub", mqtk(), vec!["sub"]),
    ]
}

fn spawn(program: &Path, lead: &[&str], args: &[&str]) -> Proc {
    let mut all: Vec<&str> = lead.to_vec();
    all.extend_from_slice(args);
    Proc::spawn(program, &all)
}

/// A signal while CONNECT waits for its CONNACK (the scripted broker reads it and never answers):
/// mosquitto_sub exits 255 at once without a word; mqtk sub exits 130 the same way.
#[test]
fn sub_signal_while_connecting() {
    let alias = Alias::new();
    for (label, program, lead) in subs(&alias) {
        for sig in ["INT", "TERM"] {
            let script = Script::start();
            let port = script.port_str();
            let proc = spawn(&program, &lead, &["-p", &port, "-t", "t"]);
            let _conn = script.accept();
            proc.signal(sig);
            let out: Run = proc.wait(T);
            let want = if label == "mqtk sub" { 130 } else { 255 };
            assert_eq!(out.code, want, "{label} SIG{sig}: {out}");
            assert_eq!(out.stderr_str(), "", "{label} SIG{sig}");
        }
    }
}

/// A signal while the broker is away (SIGKILLed; the client is in its reconnect back-off):
/// mosquitto_sub exits 0 at once, and so do both of ours (they used to wait for the broker to
/// come back to say DISCONNECT). mqtk's `--trace` shows the loss, so the state is awaited.
#[test]
fn sub_signal_while_the_broker_is_down() {
    let alias = Alias::new();
    for (label, program, lead) in subs(&alias) {
        for sig in ["INT", "TERM"] {
            let mut broker = Broker::start();
            let port = broker.port_str();
            let id = format!("down-{}", label.replace(' ', "-"));
            let mut args = vec!["-p", &port, "-i", &id, "-c", "-q", "1", "-t", "t"];
            if label == "mqtk sub" {
                args.push("--trace");
            }
            let mark = broker.log_mark();
            let proc = spawn(&program, &lead, &args);
            broker.expect_log_since(mark, &format!("{SUBACK_LOG}{id}"), T);
            broker.stop();
            if label == "mqtk sub" {
                await_stderr(&proc, "LOST");
            }
            proc.signal(sig);
            let out = proc.wait(T);
            assert_eq!(out.code, 0, "{label} SIG{sig}: {out}");
            assert_eq!(out.stdout_str(), "", "{label} SIG{sig}");
        }
    }
}

/// `pub -l` with a QoS 1 line unacknowledged and the broker SIGKILLed: SIGTERM and SIGINT end it at
/// once, by the signal, as they end mosquitto_pub (which installs no handler) — never a wait for a
/// broker that is not there.
#[test]
fn pub_lines_signal_while_waiting_for_acks() {
    let alias = Alias::new();
    let programs = [
        ("real mosquitto_pub", real("mosquitto_pub"), vec![]),
        ("mosquitto_pub", alias.path("mosquitto_pub"), vec![]),
        ("mqtk pub", mqtk(), vec!["pub"]),
    ];
    for (label, program, lead) in programs {
        for (sig, code) in [("INT", 130), ("TERM", 143)] {
            let mut broker = Broker::start();
            let port = broker.port_str();
            let mut args = vec!["-p", &port, "-l", "-q", "1", "-t", "l"];
            if label == "mqtk pub" {
                args.push("--trace");
            }
            let mark = broker.log_mark();
            let mut proc = spawn(&program, &lead, &args);
            proc.write_stdin(b"first\n");
            broker.expect_log_since(mark, "Received PUBLISH from", T);
            broker.stop();
            proc.write_stdin(b"second\n");
            if label == "mqtk pub" {
                await_stderr(&proc, "LOST");
            }
            proc.signal(sig);
            let out = proc.wait(T);
            assert_eq!(out.code, code, "{label} SIG{sig}: {out}");
        }
    }
}

/// `mqtk bench pubsub` interrupted mid-run (publishing at QoS 1) and while its CONNECT waits for a
/// CONNACK: SIGINT ends it at once either way. (What the report says then, and the exit status of
/// a run cut short, belong to bench's own tests.)
#[test]
fn bench_signal_mid_run_and_while_connecting() {
    let broker = Broker::start();
    let port = broker.port_str();
    let mark = broker.log_mark();
    #[rustfmt::skip]
    let args = ["bench", "pubsub", "-p", &port, "-q", "1", "--duration", "600", "--rate", "100"];
    let proc = Proc::spawn(&mqtk(), &args);
    broker.expect_log_since(mark, "Received PUBLISH from", T);
    proc.signal("INT");
    proc.wait(T);

    let script = Script::start();
    let port = script.port_str();
    let args = ["bench", "pub", "-p", &port, "--duration", "600"];
    let proc = Proc::spawn(&mqtk(), &args);
    let _conn = script.accept();
    proc.signal("INT");
    let out = proc.wait(T);
    assert_ne!(
        out.code, 0,
        "an interrupted bench that never connected: {out}"
    );
}

/// `mqtk retain-clear` interrupted while its CONNECT waits for a CONNACK: exit 130 at once.
#[test]
fn retain_clear_signal_while_connecting() {
    for sig in ["INT", "TERM"] {
        let script = Script::start();
        let port = script.port_str();
        let args = ["retain-clear", "-p", &port, "-t", "a/#"];
        let proc = Proc::spawn(&mqtk(), &args);
        let _conn = script.accept();
        proc.signal(sig);
        let out = proc.wait(T);
        assert_eq!(out.code, 130, "SIG{sig}: {out}");
    }
}
