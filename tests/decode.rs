//! Binary payloads (mqtk only): `pub --encode X | sub --decode X` for every format against a real
//! broker, Sparkplug B aliases and sequence gaps, `--decode auto`, and payloads that do not decode.

use serde_json::{Value, json};

use crate::broker::Broker;
use crate::subscribe::{SUBACK_LOG, T, publish, wait_log_count};
use crate::util::{Proc, Run, mqtk, run};

/// `flags` split at blanks, then `rest` (values with blanks in them: JSON, JSONPath).
pub fn words<'a>(flags: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    flags
        .split_whitespace()
        .chain(rest.iter().copied())
        .collect()
}

/// Starts `mqtk sub -p PORT ARGS`, returning once the broker has acknowledged the subscription.
pub fn subscribed(broker: &Broker, args: &[&str]) -> Proc {
    let port = broker.port_str();
    let mut full = vec!["sub", "-p", &port];
    full.extend_from_slice(args);
    let mark = broker.log_mark();
    let proc = Proc::spawn(&mqtk(), &full);
    wait_log_count(broker, mark, SUBACK_LOG, 1);
    proc
}

/// `mqtk pub -p PORT ARGS`, which must succeed.
#[track_caller]
pub fn mqtk_pub(broker: &Broker, args: &[&str]) -> Run {
    let port = broker.port_str();
    let mut full = vec!["pub", "-p", &port];
    full.extend_from_slice(args);
    let out = run(&mqtk(), &full, None);
    out.assert_success();
    out
}

/// The one JSON document a successful `sub -C 1` printed.
#[track_caller]
fn printed(sub: Proc) -> Value {
    let out = sub.wait(T);
    out.assert_success();
    serde_json::from_str(out.stdout_str().trim()).unwrap_or_else(|e| panic!("{e}: {out}"))
}

const DOC: &str = r#"{"temp":31.5,"ok":true,"n":-7,"tags":["a","b"],"nested":{"x":null}}"#;

/// Encodes DOC as `format` with pub and decodes it with sub: the same JSON comes back, and the
/// bytes on the wire are not JSON (a plain subscriber sees them).
fn round_trip(format: &str) {
    let broker = Broker::start();
    let sub = subscribed(&broker, &words("-t rt --decode", &[format, "-C", "1"]));
    let raw = subscribed(&broker, &words("-t rt -C 1", &[]));
    mqtk_pub(&broker, &words("-t rt --encode", &[format, "-m", DOC]));
    assert_eq!(printed(sub), serde_json::from_str::<Value>(DOC).unwrap());
    let raw = raw.wait(T);
    assert!(
        serde_json::from_slice::<Value>(&raw.stdout).is_err(),
        "{format} on the wire: {raw}"
    );
}

#[test]
fn msgpack_round_trip() {
    round_trip("msgpack");
}

#[test]
fn cbor_round_trip() {
    round_trip("cbor");
}

/// A .proto file in a temporary directory.
fn proto_file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// protobuf with a .proto compiled at start-up: fields by their .proto names, bytes as base64,
/// defaults shown, and `--where` on a field.
#[test]
fn protobuf_round_trip() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let proto = proto_file(
        &dir,
        "plant.proto",
        "syntax = \"proto3\";\npackage plant;\nmessage Reading {\n  string sensor_id = 1;\n  double temp = 2;\n  bytes raw = 3;\n  int64 count = 4;\n  bool alarm = 5;\n}\n",
    );
    let schema = ["--proto", &proto, "--message-type", "plant.Reading"];
    let mut args = words("-t pb --decode protobuf -C 1 --where", &["$[?@.temp > 30]"]);
    args.extend(schema);
    let sub = subscribed(&broker, &args);
    for (temp, raw) in [(20.0, "AAE="), (35.5, "/w==")] {
        let doc = format!(r#"{{"sensor_id":"s1","temp":{temp},"raw":"{raw}"}}"#);
        let mut args = words("-t pb --encode protobuf -m", &[&doc]);
        args.extend(schema);
        mqtk_pub(&broker, &args);
    }
    assert_eq!(
        printed(sub),
        json!({"sensor_id": "s1", "temp": 35.5, "raw": "/w==", "count": 0, "alarm": false})
    );
}

/// A field the schema does not know is kept under `_unknown`; sub also takes `--message`.
#[test]
fn protobuf_keeps_unknown_fields() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let head = "syntax = \"proto3\";\npackage t;\n";
    let wide = proto_file(
        &dir,
        "wide.proto",
        &format!("{head}message M {{ int32 a = 1; int32 b = 7; }}\n"),
    );
    let narrow = proto_file(
        &dir,
        "narrow.proto",
        &format!("{head}message M {{ int32 a = 1; }}\n"),
    );
    let sub = subscribed(
        &broker,
        &words(
            "-t pb --decode protobuf -C 1 --message t.M --proto",
            &[&narrow],
        ),
    );
    mqtk_pub(
        &broker,
        &words(
            "-t pb --encode protobuf --message-type t.M -m",
            &[r#"{"a":1,"b":150}"#, "--proto", &wide],
        ),
    );
    // Field 7, varint 150: key 0x38, then 0x96 0x01.
    assert_eq!(
        printed(sub),
        json!({"a": 1, "_unknown": [{"field": 7, "wire_type": 0, "data": "OJYB"}]})
    );
}

/// The README's line: a 10 s wait for the first DDATA whose temp metric exceeds 30, published by
/// `mqtk pub --encode sparkplug`.
#[test]
fn sparkplug_where_temp_above_30() {
    let broker = Broker::start();
    let sub = subscribed(
        &broker,
        &[
            "-t",
            "spBv1.0/plant1/DDATA/#",
            "--decode",
            "sparkplug",
            "--where",
            r#"$.metrics[?@.name=="temp" && @.value > 30]"#,
            "-C",
            "1",
            "-W",
            "10",
        ],
    );
    for (seq, temp) in [(1, 25.0), (2, 31.5), (3, 40.0)] {
        let doc = format!(
            r#"{{"timestamp":1700000000000,"seq":{seq},"metrics":[{{"name":"temp","dataType":"Double","value":{temp}}},{{"name":"rpm","dataType":"Int32","value":-3}}]}}"#
        );
        let topic = "spBv1.0/plant1/DDATA/edge1/dev1";
        mqtk_pub(
            &broker,
            &words("--encode sparkplug -t", &[topic, "-m", &doc]),
        );
    }
    let got = printed(sub);
    assert_eq!(got["seq"], 2, "{got}");
    let temp = json!({"name": "temp", "dataType": "Double", "value": 31.5});
    assert_eq!(got["metrics"][0], temp);
    let rpm = json!({"name": "rpm", "dataType": "Int32", "value": -3});
    assert_eq!(got["metrics"][1], rpm);
}

/// DDATA that carries only aliases shows the names its DBIRTH gave them; a skipped `seq` is
/// reported once on stderr; `--json` records timestamps as RFC 3339 and the exact bytes.
#[test]
fn sparkplug_aliases_and_seq_gaps() {
    let broker = Broker::start();
    let sub = subscribed(
        &broker,
        &words("-t spBv1.0/g/# --decode sparkplug --json -C 4", &[]),
    );
    let send = |topic: &str, doc: &str| {
        let topic = format!("spBv1.0/g/{topic}");
        mqtk_pub(
            &broker,
            &words("--encode sparkplug -t", &[&topic, "-m", doc]),
        );
    };
    send(
        "NBIRTH/e1",
        r#"{"seq":0,"metrics":[{"name":"bdSeq","alias":1,"dataType":"UInt64","value":0}]}"#,
    );
    send(
        "DBIRTH/e1/d1",
        r#"{"seq":1,"timestamp":1700000000000,"metrics":[{"name":"temp","alias":7,"dataType":"Float","value":20.5}]}"#,
    );
    send(
        "DDATA/e1/d1",
        r#"{"seq":2,"metrics":[{"alias":7,"timestamp":1700000001000,"dataType":"Float","value":21.25}]}"#,
    );
    // seq 3 and 4 lost.
    send(
        "DDATA/e1/d1",
        r#"{"seq":5,"metrics":[{"alias":7,"dataType":"Float","value":22}]}"#,
    );
    let out = sub.wait(T);
    out.assert_success();
    let recs: Vec<Value> = out
        .stdout_str()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert_eq!(recs.len(), 4, "{out}");
    for r in &recs {
        assert_eq!(r["payload_encoding"], "sparkplug");
        assert!(r["payload_base64"].is_string(), "exact bytes kept: {r}");
    }
    assert_eq!(recs[1]["payload"]["timestamp"], "2023-11-14T22:13:20.000Z");
    assert_eq!(
        recs[2]["payload"]["metrics"][0],
        json!({"name": "temp", "alias": 7, "timestamp": "2023-11-14T22:13:21.000Z", "dataType": "Float", "value": 21.25})
    );
    assert_eq!(recs[3]["payload"]["metrics"][0]["name"], "temp");
    let stderr = out.stderr_str();
    assert_eq!(stderr.matches("seq gap").count(), 1, "{out}");
    assert!(stderr.contains("expected 3, got 5"), "{out}");
}

/// `--decode auto` follows the v5 content type `pub --encode` sets, and reads JSON without one.
#[test]
fn auto_follows_the_content_type() {
    let broker = Broker::start();
    let sub = subscribed(
        &broker,
        &words("-V 5 -t auto/# --decode auto --json-path $.v -v -C 3", &[]),
    );
    mqtk_pub(
        &broker,
        &words("-V 5 -t auto/mp --encode msgpack -m", &[r#"{"v":1}"#]),
    );
    mqtk_pub(
        &broker,
        &words("-V 5 -t auto/cbor --encode cbor -m", &[r#"{"v":2}"#]),
    );
    publish(&broker, "auto/json", br#"{"v":3}"#, &[]);
    let out = sub.wait(T);
    out.assert_success();
    assert_eq!(
        out.stdout_str(),
        "auto/mp 1\nauto/cbor 2\nauto/json 3\n",
        "{out}"
    );
}

/// A payload that does not decode is skipped with one note, or ends the run with 65 under
/// `--strict`; `--quiet` silences the note.
#[test]
fn undecodable_payloads() {
    let broker = Broker::start();
    let sub = subscribed(&broker, &words("-t bad --decode msgpack -C 1", &[]));
    // An array of two with one element: the data ends too soon.
    publish(&broker, "bad", b"\x92\x01", &[]);
    mqtk_pub(&broker, &words("-t bad --encode msgpack -m [1]", &[]));
    let out = sub.wait(T);
    out.assert_success();
    assert_eq!(out.stdout_str(), "[1]\n");
    let stderr = out.stderr_str();
    assert_eq!(stderr.lines().count(), 1, "{out}");
    assert!(stderr.contains("skipped a message on topic 'bad'"), "{out}");

    let strict = subscribed(&broker, &words("-t bad --decode cbor --strict", &[]));
    publish(&broker, "bad", b"\xff\xff", &[]);
    strict.wait(T).assert_code(65);

    let quiet = subscribed(&broker, &words("-t bad --decode cbor --quiet -C 1", &[]));
    publish(&broker, "bad", b"\xff\xff", &[]);
    mqtk_pub(&broker, &words("-t bad --encode cbor -m 2", &[]));
    let out = quiet.wait(T);
    out.assert_success();
    assert_eq!(
        (out.stdout_str().as_str(), out.stderr_str().as_str()),
        ("2\n", "")
    );
}

/// What a demanding user expects of a binary payload: exactly one whole value. MessagePack's
/// reserved byte 0xc1 (alone or inside an array), a second value after the first, and a value cut
/// short are each one note on stderr and skipped, for MessagePack and for CBOR; `--strict` ends
/// the run with 65 at the first of them.
#[test]
fn invalid_binary_payloads_are_skipped() {
    let broker = Broker::start();
    let cases: [(&str, &[&[u8]]); 2] = [
        (
            "msgpack",
            &[b"\xc1", b"\x91\xc1", b"\x01\x02", b"\x92\x01", b"\xa3ab"],
        ),
        ("cbor", &[b"\x01\x02", b"\x82\x01", b"\x1c", b"\xff"]),
    ];
    for (format, payloads) in cases {
        let sub = subscribed(&broker, &words("-t bad -C 1 --decode", &[format]));
        for payload in payloads {
            publish(&broker, "bad", payload, &[]);
        }
        mqtk_pub(&broker, &words("-t bad -m [7] --encode", &[format]));
        let out = sub.wait(T);
        out.assert_success();
        assert_eq!(out.stdout_str(), "[7]\n", "{format}: {out}");
        let stderr = out.stderr_str();
        assert_eq!(stderr.lines().count(), payloads.len(), "{format}: {out}");
        for line in stderr.lines() {
            assert!(
                line.starts_with("mqtk: skipped a message on topic 'bad': payload is not"),
                "{format}: {out}"
            );
        }

        let strict = subscribed(&broker, &words("-t bad --strict --decode", &[format]));
        publish(&broker, "bad", payloads[0], &[]);
        let out = strict.wait(T);
        out.assert_code(65);
        assert_eq!(out.stdout_str(), "", "{format}: {out}");
    }
}

/// Usage errors before connecting: a schema that does not compile, a missing message type, and
/// the mosquitto names, which do not know the options.
#[test]
fn refused_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let proto = proto_file(
        &dir,
        "bad.proto",
        "syntax = \"proto3\";\nmessage M { int32 a = ; }\n",
    );
    let cases: [(&str, Vec<&str>, i32, &str); 5] = [
        (
            "sub",
            words("-t a --decode protobuf --message-type M --proto", &[&proto]),
            1,
            "cannot compile",
        ),
        (
            "sub",
            words("-t a --decode protobuf", &[]),
            1,
            "needs --proto",
        ),
        (
            "pub",
            words("-t a --encode msgpack -m", &["not json"]),
            65,
            "not JSON",
        ),
        (
            "mosquitto_sub",
            words("-t a --decode msgpack", &[]),
            1,
            "Unknown option '--decode'",
        ),
        (
            "mosquitto_pub",
            words("-t a -m 1 --encode cbor", &[]),
            1,
            "Unknown option '--encode'",
        ),
    ];
    let alias = crate::util::Alias::new();
    for (program, args, code, text) in cases {
        let out = if program.starts_with("mosquitto") {
            run(&alias.path(program), &args, None)
        } else {
            run(&mqtk(), &words(program, &args), None)
        };
        out.assert_code(code);
        assert!(out.stderr_str().contains(text), "{program} {args:?}: {out}");
    }
}

/// `%{path}` in `-F` selects from the decoded value, `%p` is still the payload's bytes.
#[test]
fn format_paths_see_the_decoded_value() {
    let broker = Broker::start();
    let sub = subscribed(
        &broker,
        &words("-t f --decode cbor -C 1 -F", &["%t %{$.temp} %l"]),
    );
    mqtk_pub(
        &broker,
        &words("-t f --encode cbor -m", &[r#"{"temp":21.5}"#]),
    );
    let out = sub.wait(T);
    out.assert_success();
    // a1 64 "temp" f9/fb …: the CBOR map is not 14 bytes of JSON.
    let line = out.stdout_str();
    assert!(line.starts_with("f 21.5 "), "{out}");
    assert_ne!(line, "f 21.5 14\n");
}

/// `pub -l --encode`: each line is a JSON document; a bad line ends the run with one error that
/// names it (exit 65), after the lines before it were sent.
#[test]
fn encoded_lines() {
    let broker = Broker::start();
    let sub = subscribed(&broker, &words("-t l --decode msgpack -C 2", &[]));
    let port = broker.port_str();
    let out = run(
        &mqtk(),
        &words("pub -l -q 1 -t l --encode msgpack -p", &[&port]),
        Some(b"{\"n\":1}\n[2]\nnot json\n{\"n\":4}\n"),
    );
    out.assert_code(65);
    assert!(out.stderr_str().contains("stdin line 3"), "{out}");
    let got = sub.wait(T);
    got.assert_success();
    assert_eq!(got.stdout_str(), "{\"n\":1}\n[2]\n");
}
