//! CBOR through ciborium (the maintained successor of serde_cbor): a recursion limit on reading,
//! and arrays, maps and byte strings that grow as data arrives rather than from a declared length.

use ciborium::Value as Cb;
use serde_json::{Map, Value};

use super::{MAX_DEPTH, base64, float, whole};

/// Decodes one CBOR data item; trailing bytes are an error, as for JSON.
pub fn decode(payload: &[u8]) -> Result<Value, String> {
    let value = whole(payload, "CBOR", |rest| {
        ciborium::de::from_reader_with_recursion_limit::<Cb, _>(rest, MAX_DEPTH).map_err(why)
    })?;
    Ok(to_json(value))
}

/// ciborium's error in words a user can act on (its own text is its Debug form).
fn why(e: ciborium::de::Error<std::io::Error>) -> String {
    use ciborium::de::Error;
    match e {
        // Reading from a slice fails only at its end.
        Error::Io(_) => "it ends inside a value".into(),
        Error::Syntax(offset) => format!("malformed at byte {offset}"),
        Error::Semantic(_, what) => what,
        Error::RecursionLimitExceeded => format!("nested deeper than {MAX_DEPTH} levels"),
    }
}

/// CBOR to JSON: byte strings as base64, tags dropped (the tagged value stays), non-text map keys
/// as their JSON text, integers beyond 64 bits as floats.
fn to_json(value: Cb) -> Value {
    match value {
        Cb::Null => Value::Null,
        Cb::Bool(b) => Value::Bool(b),
        Cb::Integer(i) => {
            let wide = i128::from(i);
            if let Ok(u) = u64::try_from(wide) {
                Value::from(u)
            } else if let Ok(s) = i64::try_from(wide) {
                Value::from(s)
            } else {
                float(wide as f64)
            }
        }
        Cb::Float(f) => float(f),
        Cb::Text(text) => Value::String(text),
        Cb::Bytes(bytes) => base64(&bytes),
        Cb::Tag(_, inner) => to_json(*inner),
        Cb::Array(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Cb::Map(pairs) => {
            let mut map = Map::with_capacity(pairs.len());
            for (k, v) in pairs {
                let key = match k {
                    Cb::Text(text) => text,
                    other => to_json(other).to_string(),
                };
                map.insert(key, to_json(v));
            }
            Value::Object(map)
        }
        // Simple values and anything later versions add.
        _ => Value::Null,
    }
}

/// JSON to CBOR, through serde.
pub fn encode(doc: &Value) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(doc, &mut out).map_err(|e| e.to_string())?;
    Ok(out)
}
