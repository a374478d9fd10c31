//! Payload codecs beyond JSON: MessagePack, CBOR, protobuf and Sparkplug B, each turned into a JSON
//! value (what `--where`, `--json-path`, `%{…}` and `--json` see) and made from one (`pub --encode`).
//!
//! Every format is read by a well-kept crate (one file per format; MessagePack with rmp's marker
//! table); this module maps their values to a `Doc` (the light document `--where`, `--json-path`
//! and printing work on; JSON, MessagePack and Sparkplug B are read straight into one) and from a
//! `serde_json::Value`. Hostile input is bounded by depth limits (set low here) and by never
//! preallocating from a declared length beyond the payload's size.

mod cbor;
mod msgpack;
mod protobuf;
mod sparkplug;
mod sparkplug_doc;
mod sparkplug_encode;
mod sparkplug_scalar;
mod sparkplug_schema;
mod sparkplug_scratch;
mod sparkplug_state;
mod sparkplug_view;
mod sparkplug_write;
#[cfg(test)]
mod tests;
mod text;
#[cfg(test)]
pub mod view_tests;

use bytes::Bytes;
use serde_json::Value;

use crate::doc::Doc;

pub use protobuf::Schema;
pub use sparkplug::Tahu;

/// How deep a decoded document may nest: below serde_json's own parsing limit (128), so every
/// decoded value can also be printed and read back, and the recursive conversions stay shallow.
const MAX_DEPTH: usize = 100;

/// A payload format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Msgpack,
    Cbor,
    Protobuf,
    Sparkplug,
}

impl Format {
    /// The name used on the command line and in `payload_encoding`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Msgpack => "msgpack",
            Format::Cbor => "cbor",
            Format::Protobuf => "protobuf",
            Format::Sparkplug => "sparkplug",
        }
    }

    /// The format a command-line name means.
    pub fn from_name(name: &str) -> Option<Format> {
        [
            Format::Json,
            Format::Msgpack,
            Format::Cbor,
            Format::Protobuf,
            Format::Sparkplug,
        ]
        .into_iter()
        .find(|f| f.name() == name)
    }

    /// The v5 content type `pub --encode` sets.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Msgpack => "application/msgpack",
            Format::Cbor => "application/cbor",
            Format::Protobuf => "application/protobuf",
            Format::Sparkplug => "application/vnd.sparkplug-b",
        }
    }

    /// The format a v5 content type names (parameters and case ignored), for `--decode auto`.
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        let essence = content_type.split(';').next().unwrap_or("").trim();
        let essence = essence.to_ascii_lowercase();
        match essence.as_str() {
            "application/json" | "text/json" => Some(Format::Json),
            "application/msgpack" | "application/x-msgpack" | "application/vnd.msgpack" => {
                Some(Format::Msgpack)
            }
            "application/cbor" => Some(Format::Cbor),
            "application/protobuf"
            | "application/x-protobuf"
            | "application/vnd.google.protobuf" => Some(Format::Protobuf),
            "application/vnd.sparkplug-b" | "application/x-sparkplug-b" => Some(Format::Sparkplug),
            _ => None,
        }
    }
}

/// What `--decode` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Always this format.
    Fixed(Format),
    /// The v5 content type's format when it names one; otherwise JSON, as without `--decode`.
    Auto,
}

/// A decoded payload (its strings may borrow from the payload, a Sparkplug B view from the
/// decoder).
pub struct Decoded<'d> {
    pub value: Data<'d>,
    /// The format that decoded it (`payload_encoding` in `--json`).
    pub format: Format,
}

/// What a payload decoded to.
pub enum Data<'d> {
    Doc(Doc<'d>),
    /// A plain Sparkplug B payload, seen in place (never built into a `Doc` to be tested and
    /// printed).
    Sparkplug(Tahu<'d>),
}

impl<'d> Data<'d> {
    /// The document, when it is one.
    pub fn doc(&self) -> Option<&Doc<'d>> {
        match self {
            Data::Doc(doc) => Some(doc),
            Data::Sparkplug(_) => None,
        }
    }

    /// The view, when it is one.
    pub fn view(&self) -> Option<&Tahu<'d>> {
        match self {
            Data::Doc(_) => None,
            Data::Sparkplug(view) => Some(view),
        }
    }

    /// Appends its JSON text.
    pub fn write_json(&self, out: &mut Vec<u8>, pretty: bool) {
        match self {
            Data::Doc(doc) => doc.write_json(out, pretty),
            Data::Sparkplug(view) => view.write_json(out, pretty),
        }
    }

    /// The equal `serde_json::Value`.
    pub fn to_value(&self) -> Value {
        match self {
            Data::Doc(doc) => doc.to_value(),
            Data::Sparkplug(view) => view.to_doc().to_value(),
        }
    }
}

/// The `--decode` decoder of one run: keeps Sparkplug's BIRTH aliases and sequence numbers.
#[derive(Debug)]
pub struct Decoder {
    choice: Choice,
    schema: Option<Schema>,
    sparkplug: sparkplug::State,
}

/// One message as the decoder sees it.
pub struct Input<'t, 'p> {
    pub topic: &'t str,
    /// The v5 content type, if the message carried one.
    pub content_type: Option<&'t str>,
    /// As received: Sparkplug B text borrows from it.
    pub payload: &'p Bytes,
}

impl Decoder {
    /// A decoder; `schema` is the protobuf message type (`--proto`, `--message-type`).
    pub fn new(choice: Choice, schema: Option<Schema>) -> Self {
        Decoder {
            choice,
            schema,
            sparkplug: sparkplug::State::default(),
        }
    }

    /// Decodes one payload. `Ok(None)`: `auto` found no content type naming a format, so the
    /// payload is treated as it would be without `--decode`. `Err` says why it does not decode;
    /// `warn` gets notes that do not stop the message (a Sparkplug sequence gap).
    pub fn decode<'d>(
        &'d mut self,
        input: &Input<'_, 'd>,
        warn: &mut dyn FnMut(String),
    ) -> Result<Option<Decoded<'d>>, String> {
        let format = match self.choice {
            Choice::Fixed(format) => format,
            Choice::Auto => match input.content_type.and_then(Format::from_content_type) {
                Some(format) => format,
                None => return Ok(None),
            },
        };
        let value = match format {
            Format::Json => Data::Doc(json(input.payload)?),
            Format::Msgpack => Data::Doc(msgpack::decode(input.payload)?),
            Format::Cbor => Data::Doc(Doc::from_value(cbor::decode(input.payload)?)),
            Format::Protobuf => match &self.schema {
                Some(schema) => Data::Doc(Doc::from_value(schema.decode(input.payload)?)),
                None => {
                    return Err(
                        "the content type says protobuf: give --proto and --message-type".into(),
                    );
                }
            },
            Format::Sparkplug => {
                sparkplug::decode(input.topic, input.payload, &mut self.sparkplug, warn)?
            }
        };
        Ok(Some(Decoded { value, format }))
    }
}

/// Runs `read` over the payload: its error, or bytes left after the value, mean the payload is not
/// `what`.
fn whole<'a, T, E: std::fmt::Display>(
    payload: &'a [u8],
    what: &str,
    read: impl FnOnce(&mut &'a [u8]) -> Result<T, E>,
) -> Result<T, String> {
    let mut rest = payload;
    let value = read(&mut rest).map_err(|e| format!("payload is not {what} ({e})"))?;
    if !rest.is_empty() {
        return Err(format!(
            "payload is not {what} ({} bytes after the value)",
            rest.len()
        ));
    }
    Ok(value)
}

fn json(payload: &[u8]) -> Result<Doc<'_>, String> {
    Doc::from_json(payload).map_err(|_| "payload is not JSON".to_string())
}

/// Encodes a JSON document as `format` (`pub --encode`); `schema` is needed for protobuf.
pub fn encode(format: Format, schema: Option<&Schema>, doc: &Value) -> Result<Vec<u8>, String> {
    match format {
        Format::Json => serde_json::to_vec(doc).map_err(|e| e.to_string()),
        Format::Msgpack => msgpack::encode(doc),
        Format::Cbor => cbor::encode(doc),
        Format::Protobuf => match schema {
            Some(schema) => schema.encode(doc),
            None => Err("--encode protobuf needs --proto and --message-type".into()),
        },
        Format::Sparkplug => sparkplug_encode::encode(doc),
    }
}

/// How `pub --encode` turns a JSON message into a payload.
#[derive(Debug, Clone)]
pub struct Encoding {
    pub format: Format,
    pub schema: Option<Schema>,
}

impl Encoding {
    /// Reads `json` (one JSON document) and encodes it.
    pub fn encode(&self, json: &[u8]) -> Result<Vec<u8>, String> {
        let doc: Value = serde_json::from_slice(json).map_err(|e| format!("not JSON ({e})"))?;
        encode(self.format, self.schema.as_ref(), &doc)
    }
}

/// The value `--json` records for a decoded payload: Sparkplug timestamps become RFC 3339 text.
pub fn record_value(decoded: &Decoded) -> Value {
    let value = decoded.value.to_value();
    match decoded.format {
        Format::Sparkplug => sparkplug_doc::with_rfc3339(value),
        _ => value,
    }
}

/// Base64 (standard alphabet, padded), how every format's byte strings appear in JSON.
fn base64_text(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn base64(bytes: &[u8]) -> Value {
    Value::String(base64_text(bytes))
}

/// A JSON number from a float; NaN and the infinities, which JSON cannot hold, become null.
fn float(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}
