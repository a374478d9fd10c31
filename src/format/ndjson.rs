//! `sub --json`: one JSON object per message per line (NDJSON), a stable format for tools.
//!
//! Fields: `ts` (RFC 3339, microseconds, with offset), `topic`, `qos`, `retain`, `dup`, `mid`,
//! `payload_len`, `properties` (v5, only when present), `payload` and `payload_encoding`: `"json"`
//! (the payload is JSON, embedded as a value), `"utf8"` (other text, as a string) or `"base64"`;
//! with `--decode`, the decoder's name (`"msgpack"`, `"sparkplug"`…) and its value. When `payload`
//! does not give back the exact bytes (decoded payloads, JSON written differently from serde_json's
//! compact form), `payload_base64` holds them, so that `pub --replay` sends what was received.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::conn::Message;

/// The `properties` object, snake_case names, only the properties the message carried.
fn properties(msg: &Message) -> Option<Value> {
    let p = msg.properties.as_ref()?;
    let mut out = Map::new();
    if let Some(v) = p.payload_format_indicator {
        out.insert("payload_format_indicator".into(), json!(v));
    }
    if let Some(v) = p.message_expiry_interval {
        out.insert("message_expiry_interval".into(), json!(v));
    }
    if let Some(v) = p.topic_alias {
        out.insert("topic_alias".into(), json!(v));
    }
    if let Some(v) = &p.content_type {
        out.insert("content_type".into(), json!(v));
    }
    if let Some(v) = &p.response_topic {
        out.insert("response_topic".into(), json!(v));
    }
    if let Some(v) = &p.correlation_data {
        match std::str::from_utf8(v) {
            Ok(text) => out.insert("correlation_data".into(), json!(text)),
            Err(_) => out.insert(
                "correlation_data_base64".into(),
                json!(base64::engine::general_purpose::STANDARD.encode(v)),
            ),
        };
    }
    if !p.subscription_identifiers.is_empty() {
        out.insert(
            "subscription_identifiers".into(),
            json!(p.subscription_identifiers),
        );
    }
    if !p.user_properties.is_empty() {
        let pairs: Vec<Value> = p
            .user_properties
            .iter()
            .map(|(k, v)| json!([k, v]))
            .collect();
        out.insert("user_properties".into(), Value::Array(pairs));
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// The payload and how it is encoded.
fn payload(bytes: &[u8]) -> (Value, &'static str) {
    if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
        return (value, "json");
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (Value::String(text.to_string()), "utf8"),
        Err(_) => (
            Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)),
            "base64",
        ),
    }
}

/// Writes one message as a JSON object (no trailing newline). `decoded` is the `--decode`d
/// payload as it is recorded, and its encoding's name.
pub fn write(
    out: &mut Vec<u8>,
    msg: &Message,
    decoded: Option<(Value, &'static str)>,
    now: &chrono::DateTime<chrono::Local>,
    pretty: bool,
) {
    let mut obj = Map::new();
    obj.insert(
        "ts".into(),
        json!(now.to_rfc3339_opts(chrono::SecondsFormat::Micros, false)),
    );
    obj.insert("topic".into(), json!(String::from_utf8_lossy(&msg.topic)));
    obj.insert("qos".into(), json!(msg.qos.number()));
    obj.insert("retain".into(), json!(msg.retain));
    obj.insert("dup".into(), json!(msg.dup));
    obj.insert("mid".into(), json!(msg.mid));
    obj.insert("payload_len".into(), json!(msg.payload.len()));
    if let Some(props) = properties(msg) {
        obj.insert("properties".into(), props);
    }
    let (value, encoding) = decoded.unwrap_or_else(|| payload(&msg.payload));
    let exact = match encoding {
        "json" => serde_json::to_vec(&value).is_ok_and(|b| b == msg.payload),
        "utf8" | "base64" => true,
        _ => false,
    };
    obj.insert("payload".into(), value);
    obj.insert("payload_encoding".into(), json!(encoding));
    if !exact {
        obj.insert(
            "payload_base64".into(),
            json!(base64::engine::general_purpose::STANDARD.encode(&msg.payload)),
        );
    }
    let obj = Value::Object(obj);
    // Writing a Value into a Vec cannot fail.
    let _ = if pretty {
        serde_json::to_writer_pretty(&mut *out, &obj)
    } else {
        serde_json::to_writer(&mut *out, &obj)
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn msg(payload: &'static [u8]) -> Message {
        Message {
            topic: Bytes::from_static(b"dev/1"),
            payload: Bytes::from_static(payload),
            qos: crate::conn::Qos::AtLeastOnce,
            retain: false,
            dup: false,
            mid: 7,
            properties: None,
        }
    }

    fn line(payload: &'static [u8]) -> Value {
        let mut out = Vec::new();
        let now = chrono::Local::now();
        write(&mut out, &msg(payload), None, &now, false);
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn encodings() {
        let v = line(br#"{"temp": 21.5}"#);
        assert_eq!(v["payload"]["temp"], json!(21.5));
        assert_eq!(v["payload_encoding"], "json");
        // Written with a space: the exact bytes go along for --replay.
        assert_eq!(v["payload_base64"], "eyJ0ZW1wIjogMjEuNX0=");
        assert!(line(br#"{"temp":21.5}"#).get("payload_base64").is_none());
        assert_eq!(v["payload_len"], 14);
        assert_eq!(v["mid"], 7);
        assert_eq!(line(b"hello")["payload_encoding"], "utf8");
        let b = line(b"\xff\x00");
        assert_eq!(b["payload_encoding"], "base64");
        assert_eq!(b["payload"], "/wA=");
        assert!(v.get("properties").is_none());
        let ts = v["ts"].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(ts).is_ok(), "{ts}");
        assert_eq!(
            ts.split('.').nth(1).unwrap().len(),
            6 + 6,
            "µs then offset: {ts}"
        );
    }
}
