//! `mqtk sub` and the `mosquitto_sub` alias: differential tests against the real mosquitto_sub
//! 2.0.11 on a private broker, and the mqtk-only JSON features.
//!
//! A subscriber is known to be subscribed before anything is published by waiting for the broker's
//! `Sending SUBACK to` log line, or by publishing retained messages beforehand; never by sleeping.
//! Bounded waits are used only to prove that something does not happen (`-W 1`, `expect_none`).

// Plain, -v, -N, binary payloads and the switches that change what is printed or when sub stops.
mod output;
// The -F format language, table-driven against mosquitto_sub, and its parse errors.
mod format;
// Argument errors, the options file, connection failures, mqtk's documented fixes.
mod usage;
// --json-path, --where, --strict and %{path} in -F (mqtk only).
mod json_path;
// --json: one JSON object per message per line (mqtk only).
mod ndjson;
// Large payloads, signals, a closed stdout, broker restarts, denied subscriptions.
mod robustness;

use std::path::PathBuf;
use std::thread;
use std::time::{Duration, Instant};

use crate::broker::Broker;
pub use crate::differential::{Outcome, assert_all_same, escaped};
use crate::util::{Alias, Proc, Run, mqtk, real, run, run_env};

/// Generous bound for anything a test waits on; a hang fails the test instead of blocking CI.
pub use crate::util::T;

/// The broker logs this when it has added the subscriptions and answers SUBSCRIBE.
pub const SUBACK_LOG: &str = "Sending SUBACK to ";

/// Polls the broker log written after `mark` until `needle` occurs `n` times; panics after [`T`].
#[track_caller]
pub fn wait_log_count(broker: &Broker, mark: usize, needle: &str, n: usize) {
    let deadline = Instant::now() + T;
    loop {
        let log = broker.log_since(mark);
        if log.matches(needle).count() >= n {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "broker log did not contain {needle:?} {n} times within {T:?}; log since mark:\n{log}"
        );
        thread::sleep(Duration::from_millis(5));
    }
}

/// Publishes `payload` to `topic` with the real mosquitto_pub (`-n` for an empty payload, stdin
/// otherwise, so any bytes go through), plus `extra` options (`-q 1`, `-r`, `-V 5 -D …`).
#[track_caller]
pub fn publish(broker: &Broker, topic: &str, payload: &[u8], extra: &[&str]) {
    let port = broker.port_str();
    let mut args = vec!["-p", &port, "-t", topic];
    args.extend_from_slice(extra);
    let out = if payload.is_empty() {
        args.push("-n");
        run(&real("mosquitto_pub"), &args, None)
    } else {
        args.push("-s");
        run(&real("mosquitto_pub"), &args, Some(payload))
    };
    out.assert_success();
}

/// A retained message, at QoS 1 so it is stored before mosquitto_pub returns.
#[track_caller]
pub fn retain(broker: &Broker, topic: &str, payload: &[u8]) {
    publish(broker, topic, payload, &["-q", "1", "-r"]);
}

/// `-p PORT` followed by `args`.
pub fn with_port(broker: &Broker, args: &[&str]) -> Vec<String> {
    let mut v = vec!["-p".to_string(), broker.port_str()];
    v.extend(args.iter().map(|s| s.to_string()));
    v
}

/// The `mosquitto_sub` symlink to mqtk (alive as long as the returned value).
pub fn sub_alias() -> (Alias, PathBuf) {
    let alias = Alias::with_names(&["mosquitto_sub"]);
    let path = alias.path("mosquitto_sub");
    (alias, path)
}

/// Runs `mqtk sub ARGS` to completion.
pub fn mqtk_sub(args: &[&str]) -> Run {
    let mut full = vec!["sub"];
    full.extend_from_slice(args);
    run(&mqtk(), &full, None)
}

/// Spawns `mqtk sub ARGS` in the background.
pub fn spawn_mqtk_sub(args: &[&str]) -> Proc {
    let mut full = vec!["sub"];
    full.extend_from_slice(args);
    Proc::spawn(&mqtk(), &full)
}

/// One differential case: the same arguments given to the real mosquitto_sub and to ours.
pub struct Case {
    pub label: String,
    pub args: Vec<String>,
    pub envs: Vec<(String, String)>,
}

impl Case {
    pub fn new(args: &[&str]) -> Case {
        Case {
            label: args.join(" "),
            args: args.iter().map(|s| s.to_string()).collect(),
            envs: Vec::new(),
        }
    }

    pub fn env(mut self, key: &str, value: &str) -> Case {
        self.envs.push((key.to_string(), value.to_string()));
        self
    }
}

/// Starts every case under both programs at once on `broker` (`-p PORT` is prepended), waits until
/// the broker has acknowledged all their subscriptions, calls `publish`, then waits for all of them to
/// exit. Cases must subscribe successfully and stop by themselves (`-C`, `-W`, `-E`, ...).
pub fn differential(broker: &Broker, cases: Vec<Case>, publish: impl FnOnce()) -> Vec<Outcome> {
    let (_alias, ours) = sub_alias();
    let mark = broker.log_mark();
    let mut running = Vec::new();
    for case in cases {
        let args = with_port(
            broker,
            &case.args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let envs: Vec<(&str, &str)> = case
            .envs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = Proc::spawn_env(&real("mosquitto_sub"), &args, &envs);
        let o = Proc::spawn_env(&ours, &args, &envs);
        running.push((case.label, r, o));
    }
    // Wait for every SUBACK; a case that fails first (a bad argument) fails at once with its output.
    // (-E exits 0 right after its SUBACK, maybe before the broker's log line is on disk.)
    let failed = |p: &mut Proc| p.try_exit_code().is_some_and(|c| c != 0);
    let deadline = Instant::now() + T;
    while broker.log_since(mark).matches(SUBACK_LOG).count() < 2 * running.len() {
        if let Some(i) = running
            .iter_mut()
            .position(|(_, r, o)| failed(r) || failed(o))
        {
            let (label, r, o) = running.swap_remove(i);
            panic!(
                "case `{label}` exited before subscribing:\nmosquitto_sub: {}\nours: {}",
                r.kill(),
                o.kill()
            );
        }
        assert!(
            Instant::now() < deadline,
            "not all cases subscribed within {T:?}:\n{}",
            broker.log_since(mark)
        );
        thread::sleep(Duration::from_millis(5));
    }
    publish();
    running
        .into_iter()
        .map(|(label, r, o)| Outcome {
            label,
            real: r.wait(T),
            ours: o.wait(T),
        })
        .collect()
}

/// [`differential`] for one case.
pub fn differential_one(broker: &Broker, case: Case, publish: impl FnOnce()) -> Outcome {
    differential(broker, vec![case], publish).remove(0)
}

/// Runs cases that need no publishing (errors, retained messages with `-W`) under both programs,
/// all at once.
pub fn differential_runs(cases: Vec<Case>) -> Vec<Outcome> {
    let (_alias, ours) = sub_alias();
    let ours = &ours;
    thread::scope(|s| {
        let handles: Vec<_> = cases
            .into_iter()
            .map(|case| {
                s.spawn(move || {
                    let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
                    let envs: Vec<(&str, &str)> = case
                        .envs
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    let real = run_env(&real("mosquitto_sub"), &args, None, &envs);
                    let ours = run_env(ours, &args, None, &envs);
                    Outcome {
                        label: case.label,
                        real,
                        ours,
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("differential case panicked"))
            .collect()
    })
}

/// Our run of the case whose arguments end with `args` (space-joined).
#[track_caller]
pub fn ours<'a>(outcomes: &'a [Outcome], args: &str) -> &'a Run {
    match outcomes.iter().find(|o| o.label.ends_with(args)) {
        Some(o) => &o.ours,
        None => panic!("no case ending with {args:?}"),
    }
}

/// Replaces broker-assigned client ids (`auto-` + a 36-character UUID) with `auto-ID`.
pub fn normalise_ids(bytes: &[u8]) -> Vec<u8> {
    const LEN: usize = 36;
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"auto-")
            && rest.len() >= 5 + LEN
            && rest[5..5 + LEN]
                .iter()
                .all(|b| b.is_ascii_hexdigit() || *b == b'-')
        {
            out.extend_from_slice(b"auto-ID");
            i += 5 + LEN;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// Normalises the clock: digits inside `<…>` and inside the `"tst"` string of mosquitto's JSON
/// become `9`, except the digits of a `+hhmm` UTC offset, which stay (so the shape, the offset and
/// 2.0.11's stray `Z` are still compared).
pub fn normalise_clock(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    // The byte that ends the clock text being normalised, if inside one.
    let mut end: Option<u8> = None;
    let mut after_plus = false;
    let mut i = 0;
    while i < out.len() {
        if out[i..].starts_with(b"\"tst\":") {
            // Skip to the opening quote of the value (there may be a TAB with --pretty).
            i += 6 + out[i + 6..].iter().position(|&b| b == b'"').unwrap_or(0);
            end = Some(b'"');
        } else if end.is_none() {
            if out[i] == b'<' {
                end = Some(b'>');
            }
        } else if Some(out[i]) == end {
            end = None;
            after_plus = false;
        } else {
            match out[i] {
                b'+' => after_plus = true,
                b'0'..=b'9' if !after_plus => out[i] = b'9',
                b'0'..=b'9' => {}
                _ => after_plus = false,
            }
        }
        i += 1;
    }
    out
}

#[test]
fn normalisers_keep_what_matters() {
    let line = b"<2026-11-22T02:33:38+0530|1795295018.1>{\"tst\":\t\"2026-11-21T21:03:32.852402Z+0000\",\"qos\":1}";
    assert_eq!(
        String::from_utf8(normalise_clock(line)).unwrap(),
        "<9999-99-99T99:99:99+0530|9999999999.9>{\"tst\":\t\"9999-99-99T99:99:99.999999Z+0000\",\"qos\":1}"
    );
    let nested = b"<{\"tst\":\"2026-11-22T03:45:04.582468Z+0530\",\"qos\":1}>|2";
    assert_eq!(
        normalise_clock(nested),
        b"<{\"tst\":\"9999-99-99T99:99:99.999999Z+0530\",\"qos\":1}>|2"
    );
    let ids = b"Client auto-9813EE49-0EBC-221F-797D-9AEABD4EAA45 received CONNACK (0)";
    assert_eq!(normalise_ids(ids), b"Client auto-ID received CONNACK (0)");
}
