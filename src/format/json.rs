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

/// The properties in the order they came (rumqttc's `order`, a patch of the vendored copy), as
/// mosquitto lists them. Without that order (a message built in a test), mosquitto's broker's:
/// subscription identifiers and topic alias first, then the publisher's, message expiry last.
fn properties(p: &PublishProperties) -> Json {
    const DEFAULT_ORDER: [u8; 8] = [0x0B, 0x23, 0x03, 0x26, 0x08, 0x09, 0x01, 0x02];
    let order: Vec<u8> = if p.order.is_empty() {
        DEFAULT_ORDER
            .iter()
            .flat_map(|&id| {
                let times = match id {
                    0x0B => p.subscription_identifiers.len(),
                    0x26 => p.user_properties.len(),
                    _ => 1,
                };
                std::iter::repeat_n(id, times)
            })
            .collect()
    } else {
        p.order.clone()
    };
    let mut members = Vec::new();
    let (mut subscription_ids, mut users) =
        (p.subscription_identifiers.iter(), p.user_properties.iter());
    // The index of "user-properties" in `members`, once the first one came.
    let mut user_array = None;
    for id in order {
        let member = match id {
            0x0B => subscription_ids
                .next()
                .map(|&v| key("subscription-identifier", Json::Number(v as f64))),
            0x23 => p.topic_alias.map(|v| key("topic-alias", number(v))),
            0x03 => p
                .content_type
                .as_ref()
                .map(|v| key("content-type", string(v.as_bytes()))),
            0x08 => p
                .response_topic
                .as_ref()
                .map(|v| key("response-topic", string(v.as_bytes()))),
            0x09 => p
                .correlation_data
                .as_ref()
                .map(|v| key("correlation-data", string(v))),
            0x01 => p
                .payload_format_indicator
                .map(|v| key("payload-format-indicator", number(v))),
            0x02 => p
                .message_expiry_interval
                .map(|v| key("message-expiry-interval", number(v))),
            0x26 => {
                // One array of one-key objects, where the first came (2.0 made one object of them,
                // which repeats a key when a name comes twice).
                if let Some((k, v)) = users.next() {
                    let pair =
                        Json::Object(vec![(cstr(k.as_bytes()).to_vec(), string(v.as_bytes()))]);
                    match user_array {
                        Some(at) => {
                            if let (_, Json::Array(items)) = &mut members[at] {
                                items.push(pair);
                            }
                        }
                        None => {
                            user_array = Some(members.len());
                            members.push(key("user-properties", Json::Array(vec![pair])));
                        }
                    }
                }
                None
            }
            _ => None,
        };
        members.extend(member);
    }
    Json::Object(members)
}
