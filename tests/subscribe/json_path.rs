//! mqtk-only JSONPath extraction: --json-path (with -v, -N, -C, -W), %{path} in -F, --where,
//! the notes for unusable payloads, --strict, path errors, and the canonical `t=$(…)` script use.

use std::path::Path;

use super::{SUBACK_LOG, T, mqtk_sub, publish, retain, spawn_mqtk_sub, wait_log_count};
use crate::broker::Broker;
use crate::util::{Proc, W, mqtk};

const SENSOR: &[u8] =
    br#"{"temperature": 21.5, "humidity": 40, "name": "ana", "level": {"value": 3}, "tags": ["a", "b"], "ok": true, "none": null}"#;

/// Starts `mqtk sub ARGS` (after `-p PORT`) and returns once the broker has acknowledged it.
fn subscribed(broker: &Broker, args: &[&str]) -> Proc {
    let port = broker.port_str();
    let mut full = vec!["-p", &port];
    full.extend_from_slice(args);
    let mark = broker.log_mark();
    let proc = spawn_mqtk_sub(&full);
    wait_log_count(broker, mark, SUBACK_LOG, 1);
    proc
}

/// Strings print raw, other values as compact JSON, several results one per line, repeated
/// --json-path in order; -v prefixes the topic to each value and -N drops the newlines.
#[test]
fn json_path_prints_selected_values() {
    let broker = Broker::start();
    retain(&broker, "dev/1", SENSOR);
    let p = broker.port_str();
    let table: &[(&[&str], &str)] = &[
        (&["--json-path", "$.name"], "ana\n"),
        (&["--json-path", "$.temperature"], "21.5\n"),
        (&["--json-path", "$.humidity"], "40\n"),
        (&["--json-path", "$.level"], "{\"value\":3}\n"),
        (&["--json-path", "$.tags"], "[\"a\",\"b\"]\n"),
        (&["--json-path", "$.tags[*]"], "a\nb\n"),
        (&["--json-path", "$.ok"], "true\n"),
        (&["--json-path", "$.none"], "null\n"),
        (&["--json-path", "$['level']['value']"], "3\n"),
        (
            &["--json-path", "$.name", "--json-path", "$.humidity"],
            "ana\n40\n",
        ),
        (&["--json-path", "$.name", "-v"], "dev/1 ana\n"),
        (&["--json-path", "$.tags[*]", "-v"], "dev/1 a\ndev/1 b\n"),
        (
            &["--json-path", "$.name", "--json-path", "$.humidity", "-N"],
            "ana40",
        ),
    ];
    for (extra, expected) in table {
        let mut args = vec!["-p", &p, "-t", "dev/1", "-C", "1"];
        args.extend_from_slice(extra);
        let out = mqtk_sub(&args);
        out.assert_success();
        assert_eq!(out.stdout_str(), *expected, "{extra:?}");
        assert_eq!(out.stderr_str(), "", "{extra:?}");
    }
}

/// -W ends a --json-path run as it ends any other: the values so far, "Timed out", exit 27.
#[test]
fn json_path_with_timeout() {
    let broker = Broker::start();
    retain(&broker, "dev/1", SENSOR);
    retain(&broker, "dev/2", br#"{"temperature": 19}"#);
    let out = mqtk_sub(&[
        "-p",
        &broker.port_str(),
        "-t",
        "dev/#",
        "-W",
        "1",
        "--json-path",
        "$.temperature",
        "-v",
    ]);
    assert_eq!(
        (out.code, out.stdout_str(), out.stderr_str()),
        (27, "dev/1 21.5\ndev/2 19\n".into(), "Timed out\n".into())
    );
}

/// Messages with nothing to extract are skipped with one note each on stderr and do not count for
/// -C; --quiet silences the notes.
#[test]
fn unusable_payloads_are_skipped_with_a_note() {
    let broker = Broker::start();
    for quiet in [false, true] {
        let mut args = vec!["-t", "dev/1", "-C", "2", "--json-path", "$.temperature"];
        if quiet {
            args.push("--quiet");
        }
        let sub = subscribed(&broker, &args);
        publish(&broker, "dev/1", br#"{"temperature": 1}"#, &[]);
        publish(&broker, "dev/1", b"not json", &[]);
        publish(&broker, "dev/1", br#"{"humidity": 40}"#, &[]);
        publish(&broker, "dev/1", b"", &[]);
        publish(&broker, "dev/1", br#"{"temperature": 2.25}"#, &["-q", "1"]);
        let out = sub.wait(T);
        out.assert_success();
        assert_eq!(out.stdout_str(), "1\n2.25\n");
        let expected = if quiet {
            String::new()
        } else {
            "mqtk: skipped a message on topic 'dev/1': payload is not JSON\n\
             mqtk: skipped a message on topic 'dev/1': $.temperature selects nothing\n\
             mqtk: skipped a message on topic 'dev/1': payload is not JSON\n"
                .to_string()
        };
        assert_eq!(out.stderr_str(), expected, "quiet: {quiet}");
    }
}

/// --strict turns an unusable payload into an error, exit 65.
#[test]
fn strict_exits_65() {
    let broker = Broker::start();
    for (payload, why) in [
        (&b"not json"[..], "payload is not JSON"),
        (br#"{"x": 1}"#, "$.temperature selects nothing"),
    ] {
        let sub = subscribed(
            &broker,
            &["-t", "dev/1", "--json-path", "$.temperature", "--strict"],
        );
        publish(&broker, "dev/1", br#"{"temperature": 5}"#, &[]);
        publish(&broker, "dev/1", payload, &[]);
        let out = sub.wait(T);
        assert_eq!(out.code, 65, "{out}");
        assert_eq!(out.stdout_str(), "5\n");
        assert_eq!(
            out.stderr_str(),
            format!("Error: {why} on topic 'dev/1'.\n")
        );
    }
    // --where --strict: a payload that is not JSON cannot be tested.
    let sub = subscribed(
        &broker,
        &["-t", "dev/1", "--where", "$[?@.t > 1]", "--strict"],
    );
    publish(&broker, "dev/1", b"not json", &[]);
    let out = sub.wait(T);
    assert_eq!(
        (out.code, out.stderr_str()),
        (
            65,
            "Error: payload is not JSON on topic 'dev/1'.\n".to_string()
        ),
        "{out}"
    );
}

/// --where keeps only the messages its filter selects something from, so -C 1 waits for the first
/// match; it combines with -v, --json-path and -F.
#[test]
fn where_waits_for_the_first_match() {
    let broker = Broker::start();
    let sub = subscribed(
        &broker,
        &[
            "-t",
            "dev/#",
            "-C",
            "1",
            "-v",
            "--where",
            "$[?@.temperature > 30]",
        ],
    );
    let hot = br#"{"temperature": 35.5, "name": "bob"}"#;
    publish(&broker, "dev/1", SENSOR, &[]);
    publish(&broker, "dev/2", b"not json", &[]);
    publish(&broker, "dev/3", br#"{"humidity": 99}"#, &[]);
    publish(&broker, "dev/4", hot, &["-q", "1"]);
    publish(&broker, "dev/5", hot, &[]);
    let out = sub.wait(T);
    out.assert_success();
    assert_eq!(out.stdout, [&b"dev/4 "[..], hot, b"\n"].concat());
    assert_eq!(out.stderr_str(), "");

    let sub = subscribed(
        &broker,
        &[
            "-t",
            "dev/#",
            "-C",
            "2",
            "--where",
            "$.name",
            "--where",
            "$[?@.humidity < 50]",
            "--json-path",
            "$.name",
        ],
    );
    publish(&broker, "dev/1", br#"{"name": "no humidity"}"#, &[]);
    publish(&broker, "dev/1", SENSOR, &[]);
    publish(
        &broker,
        "dev/2",
        br#"{"name": "too wet", "humidity": 80}"#,
        &[],
    );
    publish(&broker, "dev/3", br#"{"name": "dry", "humidity": 10}"#, &[]);
    let out = sub.wait(T);
    out.assert_success();
    assert_eq!(out.stdout_str(), "ana\ndry\n");

    let sub = subscribed(
        &broker,
        &[
            "-t",
            "dev/#",
            "-C",
            "1",
            "--where",
            "$[?@.ok == true]",
            "-F",
            "%t:%{$.name}",
        ],
    );
    publish(&broker, "dev/9", br#"{"ok": false, "name": "x"}"#, &[]);
    publish(&broker, "dev/8", SENSOR, &[]);
    let out = sub.wait(T);
    assert_eq!(out.stdout_str(), "dev/8:ana\n", "{out}");
}

/// `%{JSONPATH}` in -F: each code prints what its path selects (several values joined by commas),
/// with mosquitto's width and precision rules for strings; mixed with mosquitto's codes.
#[test]
fn path_codes_in_format() {
    let broker = Broker::start();
    retain(&broker, "dev/1", SENSOR);
    let p = broker.port_str();
    let with_len = format!("dev/1 ana=40 [{}]", SENSOR.len());
    let table: &[(&str, &str)] = &[
        ("%{$.temperature}", "21.5"),
        ("%t %{$.name}=%{$.humidity} [%l]", &with_len),
        (
            "[%-6{$.name}][%6{$.name}][%.2{$.name}]",
            "[ana   ][   ana][an]",
        ),
        (
            "%{$.tags[*]}|%{$.level}|%{$.tags}",
            "a,b|{\"value\":3}|[\"a\",\"b\"]",
        ),
        ("%{$['name']}%%{x}", "ana%{x}"),
    ];
    for (format, expected) in table {
        let out = mqtk_sub(&["-p", &p, "-t", "dev/1", "-C", "1", "-F", format]);
        out.assert_success();
        assert_eq!(out.stdout_str(), format!("{expected}\n"), "{format}");
    }
    // A path that selects nothing skips the message, as --json-path does.
    let out = mqtk_sub(&["-p", &p, "-t", "dev/1", "-W", W, "-F", "%t %{$.missing}"]);
    assert_eq!((out.code, out.stdout_str()), (27, String::new()), "{out}");
    assert_eq!(
        out.stderr_str(),
        "mqtk: skipped a message on topic 'dev/1': $.missing selects nothing\nTimed out\n"
    );
}

/// A bad path is a usage error before connecting that says where it is wrong; RFC 9535 rejects
/// blank space inside a segment (`$.a b`), which jsonpath-rust alone would accept.
#[test]
fn bad_paths_are_usage_errors() {
    // Port 1: nothing listens, so a path that were accepted would fail with "Connection refused".
    let cases: &[(&str, &str, &str)] = &[
        ("--json-path", "$.a b", "at character 5"),
        ("--json-path", "$.", "at character"),
        ("--json-path", "temperature", "at character 1"),
        ("--where", "$[?@.a ==]", "at character"),
        ("--where", " $.a", "at character 1"),
        ("-F", "%{$.a b}", "at character 5"),
        ("-F", "%{$.a", ""),
    ];
    for (flag, path, position) in cases {
        let out = mqtk_sub(&["-p", "1", "-t", "dev/1", flag, path]);
        assert_eq!(out.code, 1, "{flag} {path:?}: {out}");
        let err = out.stderr_str();
        let first = err.lines().next().unwrap_or("");
        assert!(
            first.starts_with("Error: ") && first.contains(position),
            "{flag} {path:?}: {err}"
        );
        assert!(
            err.ends_with("\nUse 'mqtk sub --help' to see usage.\n"),
            "{flag} {path:?}: {err}"
        );
        assert!(!err.contains("Connection refused"), "{err}");
    }
    let err = mqtk_sub(&["-p", "1", "-t", "dev/1", "--json-path", "$.a b"]).stderr_str();
    assert!(err.contains("'$.a b'"), "the error names the path: {err}");
}

/// The canonical script use: `t=$(mqtk sub -t dev/1 -C 1 -W 5 --json-path '$.temp')`, with the
/// value already retained, and with the value published once the script's subscriber is in.
#[test]
fn canonical_script_use() {
    let broker = Broker::start();
    let script = r#"t=$("$0" sub -p "$1" -i "$2" -t dev/1 -C 1 -W 5 --json-path '$.temp') || exit; echo "temp=$t""#;
    let sh = Path::new("/bin/sh");
    let mqtk = mqtk();
    let mqtk = mqtk.to_str().unwrap();
    let port = broker.port_str();

    retain(&broker, "dev/1", br#"{"temp": 21.5, "unit": "C"}"#);
    let out = Proc::spawn(sh, &["-c", script, mqtk, &port, "script-retained"]).wait(T);
    out.assert_success();
    assert_eq!(
        (out.stdout_str(), out.stderr_str()),
        ("temp=21.5\n".into(), String::new())
    );

    retain(&broker, "dev/1", b"");
    let mark = broker.log_mark();
    let proc = Proc::spawn(sh, &["-c", script, mqtk, &port, "script-live"]);
    broker.expect_log_since(mark, "Sending SUBACK to script-live", T);
    publish(&broker, "dev/1", br#"{"temp": -3}"#, &[]);
    let out = proc.wait(T);
    out.assert_success();
    assert_eq!(out.stdout_str(), "temp=-3\n");

    // Nothing arrives: -W fails the substitution with 27, and the script sees it.
    let out = Proc::spawn(
        sh,
        &[
            "-c",
            r#""$0" sub -p "$1" -t dev/none -C 1 -W 1 --json-path '$.temp'; echo "status=$?""#,
            mqtk,
            &port,
        ],
    )
    .wait(T);
    assert_eq!(
        (out.stdout_str(), out.stderr_str()),
        ("status=27\n".into(), "Timed out\n".into())
    );
}
