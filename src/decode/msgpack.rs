//! MessagePack through rmp-serde, read straight into JSON values by a serde visitor (no
//! intermediate tree; strings read in place). rmp-serde refuses the reserved marker 0xc1 (rmpv
//! reads it as nil, so a payload of garbage could pass as `null`) and keeps a depth limit; it never
//! preallocates from a declared length, and the arrays and maps built here are presized from theirs
//! only within a budget of one element per payload byte, so a hostile length cannot make the
//! decoder allocate.

use std::cell::Cell;
use std::fmt;

use rmp_serde::decode::Error;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::{MAX_DEPTH, base64, float};

/// Decodes one MessagePack value; trailing bytes are an error, as for JSON.
pub fn decode(payload: &[u8]) -> Result<Value, String> {
    if payload.is_empty() {
        return Err("payload is not MessagePack (it is empty)".into());
    }
    let not = |why: Why| format!("payload is not MessagePack ({why})");
    let budget = Cell::new(payload.len());
    // Read in place (strings borrowed from the payload, not copied through a reader's buffer).
    let mut de = rmp_serde::Deserializer::from_read_ref(payload);
    de.set_max_depth(MAX_DEPTH);
    let reader = Reader {
        budget: &budget,
        key: false,
    };
    let value = reader.deserialize(&mut de).map_err(|e| not(Why(e)))?;
    // The reader does not say where it stopped, so it is asked for one more value: only the end of
    // the data right at its first byte means there is none (anything else, even a value cut short,
    // reaches `End`, which refuses it before reading further).
    match de.deserialize_any(End) {
        Err(Error::InvalidMarkerRead(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Ok(value)
        }
        _ => Err("payload is not MessagePack (more bytes after the value)".into()),
    }
}

/// Accepts nothing: serde's default for every kind of value is an error.
struct End;

impl Visitor<'_> for End {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the end of the payload")
    }
}

/// rmp-serde's error in words a user can act on.
struct Why(Error);

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Error::TypeMismatch(rmp::Marker::Reserved) => {
                f.write_str("byte 0xc1, which MessagePack never uses")
            }
            Error::InvalidMarkerRead(e) | Error::InvalidDataRead(e)
                if e.kind() == std::io::ErrorKind::UnexpectedEof =>
            {
                f.write_str("it ends inside a value")
            }
            Error::DepthLimitExceeded => write!(f, "nested deeper than {MAX_DEPTH} levels"),
            other => other.fmt(f),
        }
    }
}

/// Reads one value as JSON: binary and extension data as base64, invalid UTF-8 strings as base64
/// (rmp-serde hands them over as bytes), and as a map key (`key`) anything but text as its JSON
/// text.
#[derive(Clone, Copy)]
struct Reader<'b> {
    /// Elements that may still be preallocated.
    budget: &'b Cell<usize>,
    key: bool,
}

impl Reader<'_> {
    /// `v`, or as a map key its JSON text.
    fn done(self, v: Value) -> Value {
        if self.key {
            Value::String(v.to_string())
        } else {
            v
        }
    }

    /// How many of `declared` elements to preallocate: what the budget still allows.
    fn room(self, declared: Option<usize>) -> usize {
        let n = declared.unwrap_or(0).min(self.budget.get());
        self.budget.set(self.budget.get() - n);
        n
    }

    fn element(self) -> Self {
        Reader { key: false, ..self }
    }
}

impl<'de> DeserializeSeed<'de> for Reader<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Reader<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a MessagePack value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(self.done(Value::Null))
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(self.done(Value::Bool(b)))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(self.done(Value::from(i)))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(self.done(Value::from(u)))
    }

    fn visit_f32<E>(self, f: f32) -> Result<Value, E> {
        Ok(self.done(float(f64::from(f))))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        Ok(self.done(float(f)))
    }

    /// Text is text, as a value and as a key.
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::from(s))
    }

    fn visit_bytes<E>(self, b: &[u8]) -> Result<Value, E> {
        Ok(self.done(base64(b)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(self.room(seq.size_hint()));
        while let Some(item) = seq.next_element_seed(self.element())? {
            items.push(item);
        }
        Ok(self.done(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut pairs: A) -> Result<Value, A::Error> {
        let mut map = Map::with_capacity(self.room(pairs.size_hint()));
        let key = Reader { key: true, ..self };
        while let Some(k) = pairs.next_key_seed(key)? {
            let k = match k {
                Value::String(text) => text,
                other => other.to_string(),
            };
            map.insert(k, pairs.next_value_seed(self.element())?);
        }
        Ok(self.done(Value::Object(map)))
    }

    /// rmp-serde hands an extension over as a newtype of (type, data).
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(Extension(self))
    }
}

/// An extension value: `{"ext_type": TYPE, "data": BASE64}`.
struct Extension<'b>(Reader<'b>);

impl<'de> Visitor<'de> for Extension<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a MessagePack extension")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let reader = self.0.element();
        let kind = seq.next_element_seed(reader)?.unwrap_or_default();
        let data = seq.next_element_seed(reader)?.unwrap_or_default();
        let mut map = Map::with_capacity(2);
        map.insert("ext_type".into(), kind);
        map.insert("data".into(), data);
        Ok(self.0.done(Value::Object(map)))
    }
}

/// JSON to MessagePack through serde: integers in their smallest encoding, other numbers as
/// 64-bit floats, objects as maps.
pub fn encode(doc: &Value) -> Result<Vec<u8>, String> {
    rmp_serde::to_vec(doc).map_err(|e| e.to_string())
}
