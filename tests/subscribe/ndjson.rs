//! mqtk-only `--json`: one JSON object per message per line, with a stable set of fields.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::{SUBACK_LOG, T, mqtk_sub, publish, retain, wait_log_count};
use crate::broker::Broker;
use crate::util::{Proc, Run, mqtk};

const KEYS: &[&str] = &[
    "ts",
    "topic",
    "qos",
    "retain",
    "dup",
    "mid",
    "payload_len",
    "payload",
    "payload_encoding",
];

/// Starts `mqtk sub ARGS` with TZ set, returning once the broker has acknowledged it.
fn subscribed(broker: &Broker, args: &[&str]) -> Proc {
    let port = broker.port_str();
    let mut full = vec!["sub", "-p", &port];
    full.extend_from_slice(args);
    let mark = broker.log_mark();
    let proc = Proc::spawn_env(&mqtk(), &full, &[("TZ", "Asia/Kolkata")]);
    wait_log_count(broker, mark, SUBACK_LOG, 1);
    proc
}

/// Parses every line of stdout as one JSON object.
fn lines(out: &Run) -> Vec<Value> {
    out.stdout_str()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// `ts` is RFC 3339 with microseconds and a numeric offset (the zone's), and close to now.
#[track_caller]
fn check_ts(v: &Value) {
    let ts = v["ts"].as_str().expect("ts is a string");
    let parsed =
        chrono::DateTime::parse_from_rfc3339(ts).unwrap_or_else(|e| panic!("ts {ts}: {e}"));
    assert!(ts.ends_with("+05:30"), "ts has the local offset: {ts}");
    let fraction = ts
        .split('.')
        .nth(1)
        .expect("fraction")
        .trim_end_matches("+05:30");
    assert_eq!(fraction.len(), 6, "microseconds: {ts}");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((parsed.timestamp() - now).abs() < 60, "ts is now: {ts}");
}

/// The fields of each message: payload embedded as JSON, as text or as base64, by what it is.
#[test]
fn one_object_per_message() {
    let broker = Broker::start();
    retain(&broker, "nd/ret", b"kept");
    let sub = subscribed(&broker, &["--json", "-q", "2", "-t", "nd/#", "-C", "6"]);
    // QoS 0 first: a QoS 2 message is delivered after its handshake, so a later QoS 0 one could pass it.
    publish(
        &broker,
        "nd/json",
        br#"{"temperature": 21.5, "tags": ["a"]}"#,
        &[],
    );
    publish(&broker, "nd/empty", b"", &[]);
    publish(&broker, "nd/num", b"42", &[]);
    publish(&broker, "nd/text", "héllo \"w\"\n".as_bytes(), &["-q", "1"]);
    publish(&broker, "nd/bin", b"\xff\x00\x01", &["-q", "2"]);
    let out = sub.wait(T);
    out.assert_success();
    assert_eq!(out.stderr_str(), "");
    let objs = lines(&out);
    assert_eq!(objs.len(), 6, "{out}");
    for (i, v) in objs.iter().enumerate() {
        let keys: Vec<&str> = v
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        // The JSON payload written with spaces also carries its exact bytes (for --replay).
        let mut want = KEYS.to_vec();
        if i == 1 {
            want.push("payload_base64");
        }
        assert_eq!(keys, want, "field order: {v}");
        check_ts(v);
        assert_eq!(v["dup"], json!(false));
    }
    let fields = |v: &Value| {
        json!([
            v["topic"],
            v["qos"],
            v["retain"],
            v["payload_len"],
            v["payload"],
            v["payload_encoding"]
        ])
    };
    assert_eq!(
        fields(&objs[0]),
        json!(["nd/ret", 1, true, 4, "kept", "utf8"])
    );
    assert_eq!(
        fields(&objs[1]),
        json!(["nd/json", 0, false, 36, {"temperature": 21.5, "tags": ["a"]}, "json"])
    );
    assert_eq!(
        fields(&objs[2]),
        json!(["nd/empty", 0, false, 0, "", "utf8"])
    );
    assert_eq!(fields(&objs[3]), json!(["nd/num", 0, false, 2, 42, "json"]));
    assert_eq!(
        fields(&objs[4]),
        json!(["nd/text", 1, false, 11, "héllo \"w\"\n", "utf8"])
    );
    assert_eq!(
        fields(&objs[5]),
        json!(["nd/bin", 2, false, 3, "/wAB", "base64"])
    );
    assert_eq!(objs[1]["mid"], json!(0));
    assert!(
        objs[4]["mid"].as_u64().unwrap() > 0,
        "QoS 1 has a message id: {}",
        objs[4]
    );
    // Keys come from the payload in their order, numbers as they were.
    assert!(
        out.stdout_str()
            .contains(r#""payload":{"temperature":21.5,"tags":["a"]},"payload_encoding":"json","#)
    );
    assert_eq!(
        objs[1]["payload_base64"],
        "eyJ0ZW1wZXJhdHVyZSI6IDIxLjUsICJ0YWdzIjogWyJhIl19"
    );
}

/// v5: the properties the message carried, snake_case, user properties as [key, value] pairs in
/// order (duplicates kept); no `properties` key on a message without any.
#[test]
fn v5_properties() {
    let broker = Broker::start();
    let sub = subscribed(
        &broker,
        &[
            "--json",
            "-V",
            "5",
            "-t",
            "p/#",
            "-C",
            "2",
            "-D",
            "subscribe",
            "subscription-identifier",
            "7",
        ],
    );
    #[rustfmt::skip]
    publish(&broker, "p/x", br#"{"a":1}"#, &[
        "-V", "5", "-q", "1",
        "-D", "publish", "content-type", "application/json",
        "-D", "publish", "user-property", "k1", "v1",
        "-D", "publish", "user-property", "k1", "v2",
        "-D", "publish", "response-topic", "resp/t",
        "-D", "publish", "correlation-data", "corr123",
        "-D", "publish", "message-expiry-interval", "3600",
        "-D", "publish", "payload-format-indicator", "1",
    ]);
    publish(&broker, "p/plain", b"plain", &[]);
    let out = sub.wait(T);
    out.assert_success();
    let objs = lines(&out);
    let props = &objs[0]["properties"];
    assert_eq!(props["content_type"], json!("application/json"));
    assert_eq!(props["response_topic"], json!("resp/t"));
    assert_eq!(props["correlation_data"], json!("corr123"));
    assert_eq!(props["payload_format_indicator"], json!(1));
    let expiry = props["message_expiry_interval"].as_u64().expect("expiry");
    assert!((3590..=3600).contains(&expiry), "{props}");
    assert_eq!(props["subscription_identifiers"], json!([7]));
    assert_eq!(
        props["user_properties"],
        json!([["k1", "v1"], ["k1", "v2"]])
    );
    let keys: Vec<&str> = objs[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys[7], "properties",
        "properties come before the payload: {}",
        objs[0]
    );
    // The subscription identifier is a property too.
    assert_eq!(
        objs[1]["properties"],
        json!({"subscription_identifiers": [7]})
    );

    // Without a subscription identifier, a message without properties has no `properties` key.
    retain(&broker, "p/plain", b"plain");
    let out = mqtk_sub(&[
        "-p",
        &broker.port_str(),
        "--json",
        "-V",
        "5",
        "-t",
        "p/plain",
        "-C",
        "1",
    ]);
    let objs = lines(&out);
    assert!(objs[0].get("properties").is_none(), "{}", objs[0]);
}

/// --pretty indents each object over several lines; the stream is still a sequence of objects.
#[test]
fn pretty() {
    let broker = Broker::start();
    retain(&broker, "pr/1", br#"{"a": [1, 2]}"#);
    retain(&broker, "pr/2", b"text");
    let out = mqtk_sub(&[
        "-p",
        &broker.port_str(),
        "--json",
        "--pretty",
        "-t",
        "pr/#",
        "-C",
        "2",
    ]);
    out.assert_success();
    let text = out.stdout_str();
    assert!(text.starts_with("{\n  \"ts\": \""), "{text}");
    assert!(
        text.contains("\n  \"payload\": {\n    \"a\": [\n      1,\n      2\n    ]\n  },\n"),
        "{text}"
    );
    let values: Vec<Value> = serde_json::Deserializer::from_str(&text)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(values.len(), 2);
    assert_eq!(values[1]["payload"], json!("text"));
    assert!(text.ends_with("}\n"));
}
