//! MessagePack through rmpv: its borrowing `ValueRef` reader keeps a depth limit, never
//! preallocates from a declared length (arrays and maps grow as elements arrive, strings and binary
//! data are borrowed from the payload), which is what a decoder of untrusted payloads needs;
//! rmp-serde would add a serde layer without changing that.

use rmpv::{Value as Mp, ValueRef};
use serde_json::{Map, Value};

use super::{MAX_DEPTH, base64, float, whole};

/// Decodes one MessagePack value; trailing bytes are an error, as for JSON.
pub fn decode(payload: &[u8]) -> Result<Value, String> {
    let value = whole(payload, "MessagePack", |rest| {
        rmpv::decode::read_value_ref_with_max_depth(rest, MAX_DEPTH)
    })?;
    Ok(to_json(value))
}

/// MessagePack to JSON: binary and extension data as base64, non-string map keys as their JSON
/// text, invalid UTF-8 strings as base64.
fn to_json(value: ValueRef) -> Value {
    match value {
        ValueRef::Nil => Value::Null,
        ValueRef::Boolean(b) => Value::Bool(b),
        ValueRef::Integer(i) => match (i.as_u64(), i.as_i64()) {
            (Some(u), _) => Value::from(u),
            (_, Some(s)) => Value::from(s),
            _ => Value::Null,
        },
        ValueRef::F32(f) => float(f64::from(f)),
        ValueRef::F64(f) => float(f),
        ValueRef::String(s) => match s.as_str() {
            Some(text) => Value::from(text),
            None => base64(s.as_bytes()),
        },
        ValueRef::Binary(bytes) => base64(bytes),
        ValueRef::Array(items) => Value::Array(items.into_iter().map(to_json).collect()),
        ValueRef::Map(pairs) => {
            let mut map = Map::new();
            for (k, v) in pairs {
                let key = match k {
                    ValueRef::String(s) if s.as_str().is_some() => {
                        s.as_str().unwrap_or_default().to_string()
                    }
                    other => to_json(other).to_string(),
                };
                map.insert(key, to_json(v));
            }
            Value::Object(map)
        }
        ValueRef::Ext(kind, data) => {
            let mut map = Map::new();
            map.insert("ext_type".into(), Value::from(kind));
            map.insert("data".into(), base64(data));
            Value::Object(map)
        }
    }
}

/// JSON to MessagePack: integers as integers (the smallest encoding rmpv picks), other numbers as
/// 64-bit floats.
pub fn encode(doc: &Value) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, &from_json(doc)).map_err(|e| e.to_string())?;
    Ok(out)
}

fn from_json(doc: &Value) -> Mp {
    match doc {
        Value::Null => Mp::Nil,
        Value::Bool(b) => Mp::Boolean(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Mp::from(u),
            (_, Some(i)) => Mp::from(i),
            _ => Mp::F64(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Mp::from(s.as_str()),
        Value::Array(items) => Mp::Array(items.iter().map(from_json).collect()),
        Value::Object(map) => Mp::Map(
            map.iter()
                .map(|(k, v)| (Mp::from(k.as_str()), from_json(v)))
                .collect(),
        ),
    }
}
