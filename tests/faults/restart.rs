//! End to end across real broker restarts with a publisher running. A persistent subscriber
//! (`sub -c -q 1` and `-q 2`) loses nothing when the broker (`persistence true`) is restarted
//! mid-stream, and at QoS 2 sees nothing twice: after the restart the broker resumes the session
//! and replays the PUBRELs and messages it had in flight (the order that used to loop forever).
//! `pub -l` loses nothing it read when the broker is SIGKILLed and restarted mid-stream.
//! retain-clear against a broker that dies fails, non-zero.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::T;
use crate::broker::Broker;
use crate::util::{Proc, mqtk};

/// The broker config for these tests: sessions and messages survive a restart.
const PERSISTENT: &str = "persistence true\npersistence_location {dir}/\n";

/// mosquitto's log line once a subscription is in place.
const SUBACK_LOG: &str = "Sending SUBACK to ";

/// How many messages each run publishes.
const N: usize = 3000;

/// The lines `from`..=`to`, one number per line.
fn numbered_range(from: usize, to: usize) -> Vec<u8> {
    (from..=to)
        .map(|i| format!("{i}\n"))
        .collect::<String>()
        .into_bytes()
}

/// Waits until the broker log since `mark` contains `needle` `count` times.
#[track_caller]
fn await_log_count(broker: &Broker, mark: usize, needle: &str, count: usize) {
    let deadline = Instant::now() + T;
    while broker.log_since(mark).matches(needle).count() < count {
        assert!(
            Instant::now() < deadline,
            "{needle:?} not logged {count} times:\n{}",
            broker.log_since(mark)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A persistent `mqtk sub -c` at `qos` while a persistent `mqtk pub -l -c` at the same QoS
/// publishes [`N`] messages; the broker is stopped and started again twice, each time once the
/// subscriber has printed a third more of them.
fn persistent_sub_across_restarts(qos: &str) -> (HashMap<usize, usize>, usize) {
    let mut broker = Broker::with_config(PERSISTENT);
    let port = broker.port_str();
    let sub_id = format!("restart-sub-q{qos}");
    let mark = broker.log_mark();
    let sub_args = [
        "sub", "-p", &port, "-c", "-i", &sub_id, "-q", qos, "-t", "rs/#",
    ];
    let sub = Proc::spawn(&mqtk(), &sub_args);
    broker.expect_log_since(mark, &format!("{SUBACK_LOG}{sub_id}"), T);

    let pub_id = format!("restart-pub-q{qos}");
    let pub_args = [
        "pub", "-p", &port, "-c", "-i", &pub_id, "-q", qos, "-t", "rs/x", "-l",
    ];
    let mut publisher = Proc::spawn(&mqtk(), &pub_args);

    // The publisher is fed ahead of the subscriber, so messages are in flight at each restart,
    // and keeps its stdin open, so it is still running then.
    let mut fed = 0;
    let mut seen: HashMap<usize, usize> = HashMap::new();
    for round in 1..=2 {
        let upto = round * N / 3 + N / 6;
        publisher.write_stdin(&numbered_range(fed + 1, upto));
        fed = upto;
        while seen.len() < round * N / 3 {
            let line = sub.expect_line(T);
            *seen.entry(line.parse().expect("a number")).or_default() += 1;
        }
        let mark = broker.log_mark();
        broker.terminate();
        broker.restart();
        // Both clients are back (their sessions resumed: no new SUBSCRIBE is needed).
        await_log_count(&broker, mark, "New client connected", 2);
    }
    publisher.write_stdin(&numbered_range(fed + 1, N));
    while seen.len() < N {
        let line = sub.expect_line(T);
        *seen.entry(line.parse().expect("a number")).or_default() += 1;
    }
    let out_pub = publisher.wait(T);
    assert_eq!(out_pub.code, 0, "the publisher: {out_pub}");
    sub.signal("TERM");
    let out = sub.wait(T);
    assert_eq!(out.code, 0, "{out}");
    let mut all: HashMap<usize, usize> = HashMap::new();
    for line in out.stdout_str().lines() {
        *all.entry(line.parse().expect("a number")).or_default() += 1;
    }
    let resent = resent_after_release(&broker.log(), &sub_id);
    (all, resent)
}

/// How many QoS 2 messages the broker sent to `client` again (PUBLISH with DUP) after it had
/// already released them (sent PUBREL, which it does only once it holds our PUBREC). mosquitto
/// 2.0.11 does not keep that state across its own restart and starts such messages over: the
/// client cannot tell them from a message it never received, and delivers them again. Those
/// are the broker's duplicates; every other one would be ours.
fn resent_after_release(log: &str, client: &str) -> usize {
    let publish = format!("Sending PUBLISH to {client} (");
    let pubrel = format!("Sending PUBREL to {client} (m");
    let mut released = std::collections::HashSet::new();
    let mut resent = 0;
    for line in log.lines() {
        if let Some(rest) = line.split(&pubrel).nth(1) {
            released.insert(rest.trim_end_matches(')').to_string());
        } else if let Some(rest) = line.split(&publish).nth(1) {
            // (d1, q2, r0, m1053, 'topic', ...)
            let fields: Vec<&str> = rest.splitn(5, ", ").collect();
            let mid = fields[3].trim_start_matches('m').to_string();
            if fields[0] == "d1" && released.contains(&mid) {
                resent += 1;
            }
            if fields[0] == "d0" {
                released.remove(&mid);
            }
        }
    }
    resent
}

#[test]
fn persistent_qos1_sub_loses_nothing_across_restarts() {
    let (seen, _) = persistent_sub_across_restarts("1");
    let missing: Vec<usize> = (1..=N).filter(|i| !seen.contains_key(i)).collect();
    assert!(missing.is_empty(), "lost: {missing:?}");
}

#[test]
fn persistent_qos2_sub_loses_and_repeats_nothing_across_restarts() {
    let (seen, broker_resent) = persistent_sub_across_restarts("2");
    let missing: Vec<usize> = (1..=N).filter(|i| !seen.contains_key(i)).collect();
    assert!(missing.is_empty(), "lost: {missing:?}");
    let twice: Vec<(&usize, &usize)> = seen.iter().filter(|(_, n)| **n > 1).collect();
    let extra: usize = twice.iter().map(|(_, n)| **n - 1).sum();
    assert!(
        extra <= broker_resent,
        "{extra} deliveries more than once, {broker_resent} of them the broker's: {twice:?}"
    );
}

/// `pub -l` at QoS 1 and 2 with the broker SIGKILLed mid-stream: the broker is frozen (SIGSTOP)
/// at a point where everything it acknowledged has reached the subscriber, the publisher goes on
/// sending into the frozen broker, and the broker is killed and started again (`persistence true`,
/// saved after the subscription). The publisher sends again what was not acknowledged and exits
/// 0; the subscriber (the real mosquitto_sub, persistent) receives every line.
#[test]
fn pub_lines_lose_nothing_across_a_sigkill() {
    for qos in ["1", "2"] {
        let mut broker = Broker::with_config(&format!("{PERSISTENT}autosave_interval 1\n"));
        let port = broker.port_str();
        let checker_id = format!("checker-q{qos}");
        let mark = broker.log_mark();
        let checker_args = [
            "-p",
            &port,
            "-c",
            "-i",
            &checker_id,
            "-q",
            "2",
            "-t",
            "pl/#",
        ];
        let checker = Proc::spawn(&crate::util::real("mosquitto_sub"), &checker_args);
        broker.expect_log_since(mark, &format!("{SUBACK_LOG}{checker_id}"), T);
        // The subscription is on disk: it survives the SIGKILL.
        let saved = broker.log_mark();
        broker.expect_log_since(saved, "Saving in-memory database", T);

        let pub_args = ["pub", "-p", &port, "-q", qos, "-t", "pl/x", "-l", "--trace"];
        let mut publisher = Proc::spawn(&mqtk(), &pub_args);
        let third = N / 3;
        publisher.write_stdin(&numbered_range(1, third));
        let mut seen: HashMap<usize, usize> = HashMap::new();
        while seen.len() < third {
            let line = checker.expect_line(T);
            *seen.entry(line.parse().expect("a number")).or_default() += 1;
        }
        let pid = broker.pid().expect("broker running").to_string();
        let frozen = std::process::Command::new("kill")
            .args(["-s", "STOP", &pid])
            .status()
            .expect("kill -STOP");
        assert!(frozen.success());
        publisher.write_stdin(&numbered_range(third + 1, 2 * third));
        // Some of those went out to the frozen broker, unacknowledged.
        let deadline = Instant::now() + T;
        while publisher.stderr_so_far().matches("→ PUBLISH").count() < third + 10 {
            assert!(Instant::now() < deadline, "{}", publisher.stderr_so_far());
            std::thread::sleep(Duration::from_millis(10));
        }
        broker.stop();
        broker.restart();
        publisher.write_stdin(&numbered_range(2 * third + 1, N));
        let out = publisher.wait(T);
        assert_eq!(out.code, 0, "q{qos}: {}", out.stdout_str());
        while seen.len() < N {
            let line = checker.expect_line(T);
            *seen.entry(line.parse().expect("a number")).or_default() += 1;
        }
        let missing: Vec<usize> = (1..=N).filter(|i| !seen.contains_key(i)).collect();
        assert!(missing.is_empty(), "q{qos} lost: {missing:?}");
    }
}

/// retain-clear whose broker is SIGKILLed while it collects retained messages fails, non-zero,
/// at once: it reports nothing as cleared.
#[test]
fn retain_clear_fails_when_the_broker_dies() {
    let mut broker = Broker::start();
    let port = broker.port_str();
    let retain = ["-p", &port, "-t", "rc/a", "-m", "x", "-r", "-q", "1"];
    crate::util::run(&crate::util::real("mosquitto_pub"), &retain, None).assert_success();
    let mark = broker.log_mark();
    let args = [
        "retain-clear",
        "-p",
        &port,
        "-t",
        "rc/#",
        "--idle",
        "600000",
        "--yes",
    ];
    let proc = Proc::spawn(&mqtk(), &args);
    broker.expect_log_since(mark, SUBACK_LOG, T);
    broker.stop();
    let out = proc.wait(T);
    assert_ne!(out.code, 0, "{out}");
    assert_ne!(out.stderr_str(), "", "{out}");
}
