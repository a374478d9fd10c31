//! `mqtk retain-clear` against a real broker: what is cleared and what is left (checked with a fresh
//! subscriber), the dry run, verification, exclusions, `$` topics, the refusal to clear `#` without
//! a terminal, usage errors, the `-W` bound and a 10,000-topic tree.
//!
//! Nothing here sleeps to synchronise: retained messages are seeded at QoS 1 and every PUBACK is
//! awaited, "what is retained now" ends at a live sentinel message published after the SUBACK, and
//! the moment between clearing and verifying is held open by a relay (`gate`).

mod gate;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::broker::Broker;
use crate::subscriber::{SubOptions, Subscriber};
use crate::util::{Proc, Run, W, assert_same, mqtk, run};
use gate::Gate;

/// Generous bound for anything a test waits on; a hang fails the test instead of blocking CI.
use crate::util::T;

/// A live (non-retained) message published after subscribing marks the end of the retained ones.
const SENTINEL: &str = "mqtk-test/sentinel";

/// Who publishes: anonymous, or a user of [`Broker::with_users`].
type Login<'a> = Option<(&'a str, &'a str)>;

/// Publishes every (topic, payload) at QoS 1 with `retain` and returns once the broker has
/// acknowledged each one, so it is stored before the test goes on.
fn publish_all(port: u16, messages: Vec<(String, Vec<u8>)>, retain: bool, login: Login) {
    use rumqttc::{AsyncClient, Event, MqttOptions, Outgoing, Packet, QoS};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let id = format!("mqtk-test-seed-{}-{n}", std::process::id());
        let mut options = MqttOptions::new(id, "127.0.0.1", port);
        options
            .set_keep_alive(Duration::from_secs(60))
            .set_max_packet_size(1 << 20, 1 << 20)
            .set_inflight(100);
        if let Some((user, password)) = login {
            options.set_credentials(user, password);
        }
        let (client, mut events) = AsyncClient::new(options, 1000);
        let total = messages.len();
        let queue = tokio::spawn(async move {
            for (topic, payload) in messages {
                let queued = client.publish(topic, QoS::AtLeastOnce, retain, payload);
                queued.await.expect("queue a seed publish");
            }
            client
        });
        let mut acked = 0;
        while acked < total {
            match tokio::time::timeout(T, events.poll()).await {
                Ok(Ok(Event::Incoming(Packet::PubAck(_)))) => acked += 1,
                Ok(Ok(_)) => {}
                Ok(Err(e)) => panic!("seeding: {e}"),
                Err(_) => panic!("seeding: only {acked} of {total} PUBACKs within {T:?}"),
            }
        }
        let client = queue.await.expect("seed task");
        client.disconnect().await.expect("queue DISCONNECT");
        while let Ok(Ok(event)) = tokio::time::timeout(T, events.poll()).await {
            if matches!(event, Event::Outgoing(Outgoing::Disconnect)) {
                break;
            }
        }
    });
}

/// Retains `payload` on each topic (QoS 1, acknowledged).
fn seed(broker: &Broker, messages: &[(&str, &[u8])]) {
    let owned = messages
        .iter()
        .map(|(t, p)| (t.to_string(), p.to_vec()))
        .collect();
    publish_all(broker.port, owned, true, None);
}

/// The retained messages under `filter` right now, by topic.
fn retained(broker: &Broker, filter: &str) -> BTreeMap<String, Vec<u8>> {
    let sub = Subscriber::start_with(SubOptions::new(broker.port, filter, 0).filter(SENTINEL, 0));
    let sentinel = vec![(SENTINEL.to_string(), b"end".to_vec())];
    publish_all(broker.port, sentinel, false, None);
    let deadline = Instant::now() + T;
    let mut found = BTreeMap::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = sub
            .recv(left)
            .unwrap_or_else(|| panic!("no sentinel within {T:?}; retained so far: {found:?}"));
        if msg.topic == SENTINEL {
            return found;
        }
        if msg.retain {
            found.insert(msg.topic, msg.payload);
        }
    }
}

/// The retained topics under `filter` right now, sorted.
fn retained_topics(broker: &Broker, filter: &str) -> Vec<String> {
    retained(broker, filter).into_keys().collect()
}

/// Runs `mqtk retain-clear -p PORT ARGS…` with no terminal (stdin is /dev/null).
fn retain_clear(broker: &Broker, args: &[&str]) -> Run {
    let port = broker.port_str();
    let mut all = vec!["retain-clear", "-p", &port];
    all.extend_from_slice(args);
    run(&mqtk(), &all, None)
}

/// The `--json` summary with `elapsed_s` checked and normalised to 0.
#[track_caller]
fn summary(run: &Run) -> Value {
    let mut value: Value = serde_json::from_slice(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}):\n{run}"));
    let elapsed = value["elapsed_s"].as_f64().expect("elapsed_s is a number");
    assert!((0.0..60.0).contains(&elapsed), "elapsed_s {elapsed}");
    value["elapsed_s"] = Value::from(0);
    value
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn clears_a_tree_but_not_what_is_excluded() {
    let broker = Broker::start();
    seed(
        &broker,
        &[
            ("home/kitchen/temp", b"21.5"),
            ("home/kitchen/light", b"\x00\xffbinary"),
            ("home/keep/a", b"kept"),
            ("home/keep/a/deep", b"kept too"),
            ("home", b"the root level itself"),
            ("caf\u{e9}/\u{fc}ber \u{1f600}", b"utf-8 topic"),
            ("office/desk", b"not under the filters"),
        ],
    );
    let out = retain_clear(
        &broker,
        &["-t", "home/#", "-t", "caf\u{e9}/#", "-T", "home/keep/#"],
    );
    out.assert_success();
    assert_same("stdout", "", &out.stdout);
    // 4 + 8 + 21 + 11 payload bytes; home/keep/a and home/keep/a/deep excluded.
    assert_same(
        "stderr",
        "cleared 4 topics (44 bytes); 2 excluded\n",
        &out.stderr,
    );
    assert_eq!(
        retained_topics(&broker, "#"),
        strings(&["home/keep/a", "home/keep/a/deep", "office/desk"])
    );
}

#[test]
fn dry_run_lists_exactly_the_topics_and_clears_nothing() {
    let broker = Broker::start();
    seed(
        &broker,
        &[
            ("a/2", b"two"),
            ("a/1", b"one!"),
            ("a/with space", b"tab"),
            ("a/x/skip", b"excluded"),
            ("b/1", b"other"),
        ],
    );
    let before = retained(&broker, "#");
    let out = retain_clear(&broker, &["-t", "a/#", "-T", "a/x/#", "--dry-run"]);
    out.assert_success();
    assert_same("stdout", "4\ta/1\n3\ta/2\n3\ta/with space\n", &out.stdout);
    assert_same(
        "stderr",
        "would clear 3 topics (10 bytes); 1 excluded\n",
        &out.stderr,
    );
    assert_eq!(retained(&broker, "#"), before);

    // The same as JSON.
    let out = retain_clear(
        &broker,
        &["-t", "a/#", "-T", "a/x/#", "--dry-run", "--json"],
    );
    out.assert_success();
    let expected = serde_json::json!({
        "dry_run": true, "found": 4, "excluded": 1, "cleared": 3, "bytes": 10, "refused": [],
        "verify": null, "elapsed_s": 0,
        "topics": [
            {"topic": "a/1", "bytes": 4},
            {"topic": "a/2", "bytes": 3},
            {"topic": "a/with space", "bytes": 3},
        ],
        "complete": true, "error": null,
    });
    assert_eq!(summary(&out), expected, "{out}");
    assert_eq!(retained(&broker, "#"), before);
}

#[test]
fn verify_passes_after_a_clear() {
    let broker = Broker::start();
    seed(&broker, &[("v/1", b"x"), ("v/2", b"yy"), ("w", b"stays")]);
    let out = retain_clear(&broker, &["-t", "v/#", "--verify", "--json"]);
    out.assert_success();
    let expected = serde_json::json!({
        "dry_run": false, "found": 2, "excluded": 0, "cleared": 2, "bytes": 3, "refused": [],
        "verify": {"ok": true, "remaining": []}, "elapsed_s": 0,
        "topics": [{"topic": "v/1", "bytes": 1}, {"topic": "v/2", "bytes": 2}],
        "complete": true, "error": null,
    });
    assert_eq!(summary(&out), expected, "{out}");
    assert_same(
        "stderr",
        "cleared 2 topics (3 bytes)\nverified: no retained messages left\n",
        &out.stderr,
    );
    assert_eq!(retained_topics(&broker, "#"), strings(&["w"]));
}

#[test]
fn verify_fails_when_a_topic_is_retained_again_before_it_runs() {
    let broker = Broker::start();
    seed(
        &broker,
        &[("r/1", b"one"), ("r/2", b"two"), ("r/3", b"three")],
    );
    let gate = Gate::second_subscribe(broker.port);
    let port = gate.port.to_string();
    let args = ["retain-clear", "-p", &port, "-t", "r/#", "--verify"];
    let proc = Proc::spawn(&mqtk(), &args);
    // mqtk has every PUBACK and has sent its verify SUBSCRIBE, which the gate holds.
    gate.wait_held(T);
    assert_eq!(retained_topics(&broker, "r/#"), Vec::<String>::new());
    seed(&broker, &[("r/2", b"back")]);
    gate.release();
    let out = proc.wait(T);
    out.assert_code(75);
    assert_same(
        "stderr",
        concat!(
            "cleared 3 topics (11 bytes)\n",
            "still retained: r/2 (4 bytes)\n",
            "Error: 1 retained message is still there after clearing (--verify).\n"
        ),
        &out.stderr,
    );
}

#[test]
fn wildcard_filters() {
    let broker = Broker::start();
    seed(
        &broker,
        &[
            ("a", b"1"),
            ("a/b/c", b"1"),
            ("a/x/c", b"1"),
            ("a/b/d", b"1"),
            ("a/b/c/e", b"1"),
            ("b/b/c", b"1"),
        ],
    );
    retain_clear(&broker, &["-t", "a/+/c"]).assert_success();
    assert_eq!(
        retained_topics(&broker, "#"),
        strings(&["a", "a/b/c/e", "a/b/d", "b/b/c"])
    );
    // `a/#` includes `a` itself; overlapping filters count each topic once.
    let out = retain_clear(&broker, &["-t", "a/#", "-t", "a/b/#"]);
    out.assert_success();
    assert_same("stderr", "cleared 3 topics (3 bytes)\n", &out.stderr);
    assert_eq!(retained_topics(&broker, "#"), strings(&["b/b/c"]));
}

#[test]
fn nothing_found_is_not_an_error() {
    let broker = Broker::start();
    let out = retain_clear(&broker, &["-t", "empty/#", "--verify"]);
    out.assert_success();
    assert_same(
        "stderr",
        "cleared 0 topics (0 bytes)\nverified: no retained messages left\n",
        &out.stderr,
    );
}

#[test]
fn clearing_everything_without_yes_is_refused_when_there_is_no_terminal() {
    let broker = Broker::start();
    seed(&broker, &[("x/1", b"1"), ("y", b"2")]);
    let mark = broker.log_mark();
    for filters in [&["-t", "#"][..], &["-t", "a", "-t", "#"]] {
        let out = retain_clear(&broker, filters);
        out.assert_code(77);
        assert_same(
            "stderr",
            "Error: refusing to clear every retained message (-t '#') without --yes: there is no terminal to confirm on.\n",
            &out.stderr,
        );
    }
    // Refused before connecting.
    assert!(
        !broker.log_since(mark).contains("New connection"),
        "{}",
        broker.log_since(mark)
    );
    assert_eq!(retained_topics(&broker, "#"), strings(&["x/1", "y"]));
    // A dry run needs no confirmation; --yes clears.
    retain_clear(&broker, &["-t", "#", "--dry-run"]).assert_success();
    retain_clear(&broker, &["-t", "#", "--yes"]).assert_success();
    assert_eq!(retained_topics(&broker, "#"), Vec::<String>::new());
}

#[test]
fn clearing_everything_on_a_terminal_asks_first() {
    // util-linux `script` runs mqtk on a pseudo-terminal; what we write to it is typed ahead.
    let script = std::path::Path::new("/usr/bin/script");
    assert!(
        script.exists(),
        "needs script(1) from util-linux (bsdutils)"
    );
    let broker = Broker::start();
    seed(&broker, &[("t/1", b"ab"), ("t/2", b"cd"), ("keep", b"k")]);
    let command = format!(
        "{} retain-clear -p {} -t '#' -T keep",
        mqtk().display(),
        broker.port
    );
    let question = format!(
        "Clear 2 retained messages (4 bytes) on localhost:{}, every topic under '#' except 1 excluded? This cannot be undone. [y/N] ",
        broker.port
    );
    for answer in ["n\n", "\n", "yes please\n"] {
        let out = run(
            script,
            &["-qec", &command, "/dev/null"],
            Some(answer.as_bytes()),
        );
        out.assert_code(77);
        let screen = out.stdout_str().replace("\r\n", "\n");
        assert!(
            screen.ends_with(&format!("{question}Not confirmed: nothing was cleared.\n")),
            "{out}"
        );
    }
    assert_eq!(
        retained_topics(&broker, "#"),
        strings(&["keep", "t/1", "t/2"])
    );
    let out = run(script, &["-qec", &command, "/dev/null"], Some(b"Y\n"));
    out.assert_success();
    assert!(
        out.stdout_str().replace("\r\n", "\n").ends_with(&format!(
            "{question}cleared 2 topics (4 bytes); 1 excluded\n"
        )),
        "{out}"
    );
    assert_eq!(retained_topics(&broker, "#"), strings(&["keep"]));
}

#[test]
fn dollar_topics_are_untouched_unless_named() {
    let broker = Broker::start();
    seed(&broker, &[("$app/config", b"keep"), ("plain", b"go")]);
    let out = retain_clear(&broker, &["-t", "#", "--yes", "--verify"]);
    out.assert_success();
    assert_eq!(
        retained_topics(&broker, "$app/#"),
        strings(&["$app/config"])
    );
    assert_eq!(
        retained_topics(&broker, "$SYS/broker/version"),
        strings(&["$SYS/broker/version"])
    );
    assert_eq!(retained_topics(&broker, "#"), Vec::<String>::new());
    // Named explicitly, it is cleared.
    let out = retain_clear(&broker, &["-t", "$app/#"]);
    out.assert_success();
    assert_same("stderr", "cleared 1 topic (4 bytes)\n", &out.stderr);
    assert_eq!(retained_topics(&broker, "$app/#"), Vec::<String>::new());
}

#[test]
fn bad_filters_and_missing_topics_are_usage_errors() {
    // No broker: a usage error never connects (port 1 is closed).
    let cases: &[(&[&str], &str)] = &[
        (
            &["-t", "a/#/b"],
            "Error: invalid value 'a/#/b' for '--topic <FILTER>': '+' must fill a whole level and '#' must be the whole last level\n",
        ),
        (
            &["-t", "a", "-T", "b+"],
            "Error: invalid value 'b+' for '--exclude <FILTER>': '+' must fill a whole level and '#' must be the whole last level\n",
        ),
        (
            &["-T", "a"],
            "Error: say which retained messages to clear with -t FILTER (e.g. -t 'sensors/#').\n",
        ),
        (
            &["-t", "a", "--idle", "0"],
            "Error: invalid value '0' for '--idle <MILLISECONDS>': 0 is not in 1..=3600000\n",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["retain-clear", "-p", "1"];
        all.extend_from_slice(args);
        let out = run(&mqtk(), &all, None);
        out.assert_code(1);
        let expected = format!("{message}\nUse 'mqtk retain-clear --help' to see usage.\n");
        assert_same(&format!("stderr of {args:?}"), expected, &out.stderr);
    }
}

#[test]
fn the_deadline_bounds_the_run() {
    let broker = Broker::start();
    seed(&broker, &[("d/1", b"1")]);
    let started = Instant::now();
    // Collection would wait ten minutes for the tree to go idle; -W ends the run in seconds.
    let out = retain_clear(&broker, &["-t", "d/#", "--idle", "600000", "-W", W]);
    out.assert_code(27);
    assert_same(
        "stderr",
        format!(
            "Error: timed out after {W} s (-W) while collecting retained messages; nothing was cleared.\n"
        ),
        &out.stderr,
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(retained_topics(&broker, "#"), strings(&["d/1"]));
}

#[test]
fn a_signal_stops_the_run_and_says_how_far_it_got() {
    let broker = Broker::start();
    seed(&broker, &[("s/1", b"1")]);
    let port = broker.port_str();
    let args = [
        "retain-clear",
        "-p",
        &port,
        "-t",
        "s/#",
        "--idle",
        "600000",
        "-d",
    ];
    let proc = Proc::spawn(&mqtk(), &args);
    // -d prints each packet: once the SUBACK is in, mqtk is collecting.
    while !proc.expect_line(T).contains("received SUBACK") {}
    proc.signal("INT");
    let out = proc.wait(T);
    out.assert_code(130);
    assert_same(
        "stderr",
        "Interrupted while collecting retained messages; nothing was cleared.\n",
        &out.stderr,
    );
    assert_eq!(retained_topics(&broker, "#"), strings(&["s/1"]));
}

#[test]
fn v5_properties_reach_the_broker() {
    let broker = Broker::start();
    seed(&broker, &[("p/1", b"1")]);
    // The clear is forwarded to subscribers like any publish, with -D publish properties.
    let watcher = Subscriber::start_v5(broker.port, "p/#", 1);
    #[rustfmt::skip]
    let out = retain_clear(&broker, &[
        "-t", "p/#",
        "-D", "connect", "user-property", "who", "test",
        "-D", "publish", "user-property", "reason", "cleanup",
    ]);
    out.assert_success();
    // First the retained message (sent at subscribe time), then the clear.
    let got = watcher.take(2, T);
    assert_eq!(
        (got[0].topic.as_str(), got[0].payload_str()),
        ("p/1", "1".into())
    );
    let clear = &got[1];
    assert_eq!((clear.topic.as_str(), clear.payload.len()), ("p/1", 0));
    assert_eq!(
        clear.props().user_properties,
        [("reason".to_string(), "cleanup".to_string())]
    );
    assert_eq!(retained_topics(&broker, "#"), Vec::<String>::new());
}

#[test]
fn refused_clears_are_reported_and_verify_catches_ignored_ones() {
    // Anonymous clients may read everything but only write under open/.
    let acl = tempfile::NamedTempFile::new().expect("acl file");
    std::fs::write(
        acl.path(),
        "topic readwrite open/#\ntopic read #\nuser admin\ntopic readwrite #\n",
    )
    .expect("write acl");
    let extra = format!("allow_anonymous true\nacl_file {}\n", acl.path().display());
    let broker = Broker::with_users(&extra, &[("admin", "secret")]);
    let seeds = vec![
        ("open/1".to_string(), b"one".to_vec()),
        ("locked/1".to_string(), b"locked".to_vec()),
    ];
    publish_all(broker.port, seeds, true, Some(("admin", "secret")));

    // MQTT v5: the broker says no in the PUBACK; the exit status is its reason code.
    let out = retain_clear(
        &broker,
        &["-t", "open/#", "-t", "locked/#", "-V", "5", "--json"],
    );
    out.assert_code(135);
    let s = summary(&out);
    assert_eq!(s["cleared"], 1, "{out}");
    assert_eq!(
        s["refused"],
        serde_json::json!([{"topic": "locked/1", "reason": 135, "reason_text": "Not authorized"}])
    );
    assert!(
        out.stderr_str()
            .contains("Warning: the broker refused to clear 'locked/1': Not authorized.\n"),
        "{out}"
    );

    // MQTT v3.1.1: the broker acknowledges and ignores the clear; only --verify can tell.
    let out = retain_clear(&broker, &["-t", "locked/#", "--verify"]);
    out.assert_code(75);
    assert!(
        out.stderr_str()
            .contains("still retained: locked/1 (6 bytes)\n"),
        "{out}"
    );
}

#[test]
fn ten_thousand_retained_topics_are_all_cleared() {
    let broker = Broker::start();
    let tree: Vec<(String, Vec<u8>)> = (0..10_000)
        .map(|i| {
            (
                format!("big/{}/{i}", i % 100),
                format!("value {i}").into_bytes(),
            )
        })
        .collect();
    let bytes: usize = tree.iter().map(|(_, p)| p.len()).sum();
    publish_all(broker.port, tree, true, None);
    publish_all(
        broker.port,
        vec![("other".into(), b"stays".to_vec())],
        true,
        None,
    );
    assert_eq!(retained(&broker, "big/#").len(), 10_000);

    let out = retain_clear(&broker, &["-t", "big/#", "--verify", "--json"]);
    out.assert_success();
    let s = summary(&out);
    assert_eq!(
        (&s["found"], &s["cleared"], &s["bytes"]),
        (
            &Value::from(10_000),
            &Value::from(10_000),
            &Value::from(bytes)
        ),
        "{out}"
    );
    assert_eq!(s["verify"]["ok"], true);
    // No progress line: stderr is not a terminal.
    assert!(!out.stderr.contains(&b'\r'), "{out}");
    assert_eq!(retained_topics(&broker, "#"), strings(&["other"]));
}

/// A broker that pauses for much longer than `--idle` right after the SUBACK (as a loaded machine
/// may) does not end the collection early: the end-of-retained marker does, and all are found.
#[test]
fn a_pause_longer_than_idle_loses_nothing() {
    let broker = Broker::start();
    let tree: Vec<(String, Vec<u8>)> = (0..50)
        .map(|i| (format!("pause/{i}"), b"x".to_vec()))
        .collect();
    publish_all(broker.port, tree, true, None);
    let stall = Gate::after_first_suback(broker.port);
    let port = stall.port.to_string();
    #[rustfmt::skip]
    let args = ["retain-clear", "-p", &port, "-t", "pause/#", "--dry-run", "--idle", "50"];
    let proc = Proc::spawn(&mqtk(), &args);
    stall.wait_held(T);
    // The pause itself, not a synchronisation: twenty times --idle.
    std::thread::sleep(Duration::from_secs(1));
    stall.release();
    let out = proc.wait(T);
    out.assert_success();
    assert_eq!(out.stdout_str().lines().count(), 50, "{out}");
}
