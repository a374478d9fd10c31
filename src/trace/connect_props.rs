//! The v5 CONNECT properties mqtk sends, for the `--trace` CONNECT line: the ones it always sets
//! (receive maximum, maximum packet size) and each `-D connect` property, so a trace shows what
//! the broker was told (a topic alias maximum, for instance, decides whether it may send aliases).

use serde_json::{Value, json};

use crate::conn::{MAX_PACKET_SIZE, Options, Property, Protocol};

/// (JSON key, text, JSON value) per property, in the order the CONNECT carries them.
pub(super) fn connect_properties(opts: &Options) -> Vec<(&'static str, String, Value)> {
    if opts.protocol != Protocol::V5 {
        return Vec::new();
    }
    let given = &opts.connect_properties.0;
    // What `conn::backend` sets unless `-D connect` overrides it.
    let mut receive_max = 20u32;
    let mut max_packet = MAX_PACKET_SIZE as u32;
    let mut out = Vec::new();
    for p in given {
        match p {
            Property::ReceiveMaximum(v) => receive_max = u32::from(*v),
            Property::MaximumPacketSize(v) => max_packet = *v,
            _ => {}
        }
    }
    out.push(number("receive_maximum", receive_max));
    out.push(number("maximum_packet_size", max_packet));
    for p in given {
        match p {
            Property::TopicAliasMaximum(v) => {
                out.push(number("topic_alias_maximum", u32::from(*v)))
            }
            Property::RequestProblemInformation(v) => {
                out.push(number("request_problem_information", u32::from(*v)))
            }
            Property::RequestResponseInformation(v) => {
                out.push(number("request_response_information", u32::from(*v)))
            }
            Property::AuthenticationMethod(v) => out.push((
                "authentication_method",
                format!("authentication-method \"{v}\""),
                json!(v),
            )),
            // The data may be a secret: only its length is shown.
            Property::AuthenticationData(v) => out.push((
                "authentication_data",
                format!("authentication-data {} bytes", v.len()),
                json!(v.len()),
            )),
            _ => {}
        }
    }
    let user = opts.connect_properties.user();
    if !user.is_empty() {
        let text: Vec<String> = user
            .iter()
            .map(|(k, v)| format!("user-property \"{k}\"=\"{v}\""))
            .collect();
        out.push(("user_properties", text.join(", "), json!(user)));
    }
    out
}

fn number(key: &'static str, v: u32) -> (&'static str, String, Value) {
    (key, format!("{} {v}", key.replace('_', "-")), json!(v))
}
