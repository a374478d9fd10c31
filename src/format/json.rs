//! mosquitto_sub's JSON object for a message (`%j`, `%J`), built as cJSON objects are and printed by
//! the cJSON printer.
//!
//! Keys: tst, topic, qos, retain, payloadlen, mid (QoS > 0 only), properties (only when the message
//! has any), payload. mosquitto lists the properties in the order they arrived; rumqttc keeps them in a
//! struct, so they are written in the order mosquitto's broker sends them: the per-subscriber ones
//! first (subscription-identifier, one key per identifier, then topic-alias), then the publisher's in
//! the order mosquitto_pub sends them (content-type, user-properties, response-topic,
//! correlation-data, payload-format-indicator), then message-expiry-interval, which the broker
//! rewrites and appends last.

use rumqttc::v5::mqttbytes::v5::PublishProperties;

use super::cjson::{self, Json};
use super::clock::{self, Time};
use super::cstr;
use crate::conn::event::Message;

/// `%J` met a payload that is not JSON (cJSON's rules); nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotJson;

/// Writes mosquitto's JSON object for `msg`: the payload as an escaped string when `escaped` (`%j`),
/// else embedded as JSON (`%J`); `pretty` is `--pretty`. Nothing is written on `Err`.
pub fn message_json(
    out: &mut Vec<u8>,
    msg: &Message,
    now: &Time,
    escaped: bool,
    pretty: bool,
) -> Result<(), NotJson> {
    let payload = if msg.payload.is_empty() {
        Json::Null
    } else if escaped {
        Json::String(cstr(&msg.payload).to_vec())
    } else {
        cjson::parse(&msg.payload).ok_or(NotJson)?
    };
    let mut root = vec![
        key("tst", Json::String(clock::tst(now))),
        key("topic", Json::String(cstr(&msg.topic).to_vec())),
        key("qos", number(msg.qos as u8)),
        key("retain", if msg.retain { Json::True } else { Json::False }),
        key("payloadlen", Json::Number(msg.payload.len() as f64)),
    ];
    if msg.qos as u8 > 0 {
        root.push(key("mid", number(msg.mid)));
    }
    if let Some(props) = msg.properties.as_ref().filter(|p| has_any(p)) {
        root.push(key("properties", properties(props)));
    }
    root.push(key("payload", payload));
    cjson::print(out, &Json::Object(root), pretty);
    Ok(())
}

fn key(name: &str, value: Json) -> (Vec<u8>, Json) {
    (name.as_bytes().to_vec(), value)
}

fn number(n: impl Into<f64>) -> Json {
    Json::Number(n.into())
}

/// A C string as mosquitto hands it to `cJSON_CreateString`.
fn string(bytes: &[u8]) -> Json {
    Json::String(cstr(bytes).to_vec())
}

/// True when the PUBLISH carried at least one property (mosquitto tests the property list pointer).
pub fn has_any(p: &PublishProperties) -> bool {
    p.payload_format_indicator.is_some()
        || p.message_expiry_interval.is_some()
        || p.topic_alias.is_some()
        || p.response_topic.is_some()
        || p.correlation_data.is_some()
        || !p.user_properties.is_empty()
        || !p.subscription_identifiers.is_empty()
        || p.content_type.is_some()
}

fn properties(p: &PublishProperties) -> Json {
    let mut members = Vec::new();
    for &id in &p.subscription_identifiers {
        members.push(key("subscription-identifier", Json::Number(id as f64)));
    }
    if let Some(alias) = p.topic_alias {
        members.push(key("topic-alias", number(alias)));
    }
    if let Some(ct) = &p.content_type {
        members.push(key("content-type", string(ct.as_bytes())));
    }
    if !p.user_properties.is_empty() {
        // An array of one-key objects, in the order they came (2.0 made one object of them, which
        // repeats a key when a name comes twice).
        let pairs = p
            .user_properties
            .iter()
            .map(|(k, v)| Json::Object(vec![(cstr(k.as_bytes()).to_vec(), string(v.as_bytes()))]));
        members.push(key("user-properties", Json::Array(pairs.collect())));
    }
    if let Some(rt) = &p.response_topic {
        members.push(key("response-topic", string(rt.as_bytes())));
    }
    if let Some(cd) = &p.correlation_data {
        members.push(key("correlation-data", string(cd)));
    }
    if let Some(pfi) = p.payload_format_indicator {
        members.push(key("payload-format-indicator", number(pfi)));
    }
    if let Some(expiry) = p.message_expiry_interval {
        members.push(key("message-expiry-interval", number(expiry)));
    }
    Json::Object(members)
}
