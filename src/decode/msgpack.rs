//! MessagePack through rmp-serde, read straight into a `Doc` by a serde visitor (no intermediate
//! tree; strings borrowed from the payload). rmp-serde refuses the reserved marker 0xc1 (rmpv
//! reads it as nil, so a payload of garbage could pass as `null`) and keeps a depth limit; it never
//! preallocates from a declared length, and the arrays and maps built here are presized from theirs
//! only within a budget of one element per payload byte, so a hostile length cannot make the
//! decoder allocate.

use std::cell::Cell;
use std::fmt;

use rmp_serde::decode::Error;
use std::borrow::Cow;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{MAX_DEPTH, base64_text};
use crate::doc::{Doc, Object};

/// Decodes one MessagePack value; trailing bytes are an error, as for JSON.
pub fn decode(payload: &[u8]) -> Result<Doc<'_>, String> {
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
    fn done<'de>(self, v: Doc<'de>) -> Doc<'de> {
        if self.key {
            Doc::String(Cow::Owned(serde_json::to_string(&v).unwrap_or_default()))
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
    type Value = Doc<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Doc<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Reader<'_> {
    type Value = Doc<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a MessagePack value")
    }

    fn visit_unit<E>(self) -> Result<Doc<'de>, E> {
        Ok(self.done(Doc::Null))
    }

    fn visit_bool<E>(self, b: bool) -> Result<Doc<'de>, E> {
        Ok(self.done(Doc::Bool(b)))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Doc<'de>, E> {
        Ok(self.done(Doc::Number(i.into())))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Doc<'de>, E> {
        Ok(self.done(Doc::Number(u.into())))
    }

    fn visit_f32<E>(self, f: f32) -> Result<Doc<'de>, E> {
        Ok(self.done(Doc::float(f64::from(f))))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Doc<'de>, E> {
        Ok(self.done(Doc::float(f)))
    }

    /// Text is text, as a value and as a key.
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Doc<'de>, E> {
        Ok(Doc::str(s))
    }

    fn visit_str<E>(self, s: &str) -> Result<Doc<'de>, E> {
        Ok(Doc::String(Cow::Owned(s.to_owned())))
    }

    fn visit_bytes<E>(self, b: &[u8]) -> Result<Doc<'de>, E> {
        Ok(self.done(Doc::String(Cow::Owned(base64_text(b)))))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Doc<'de>, A::Error> {
        let mut items = Vec::with_capacity(self.room(seq.size_hint()));
        while let Some(item) = seq.next_element_seed(self.element())? {
            items.push(item);
        }
        Ok(self.done(Doc::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut pairs: A) -> Result<Doc<'de>, A::Error> {
        let mut members = Vec::with_capacity(self.room(pairs.size_hint()));
        let key = Reader { key: true, ..self };
        while let Some(k) = pairs.next_key_seed(key)? {
            // `done` has already turned a key that is not text into its JSON text.
            let k = match k {
                Doc::String(k) => k,
                other => Cow::Owned(serde_json::to_string(&other).unwrap_or_default()),
            };
            members.push((k, pairs.next_value_seed(self.element())?));
        }
        Ok(self.done(Doc::Object(Object::from_members(members))))
    }

    /// rmp-serde hands an extension over as a newtype of (type, data).
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Doc<'de>, D::Error> {
        d.deserialize_any(Extension(self))
    }
}

/// An extension value: `{"ext_type": TYPE, "data": BASE64}`.
struct Extension<'b>(Reader<'b>);

impl<'de> Visitor<'de> for Extension<'_> {
    type Value = Doc<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a MessagePack extension")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Doc<'de>, A::Error> {
        let reader = self.0.element();
        let kind = seq.next_element_seed(reader)?.unwrap_or_default();
        let data = seq.next_element_seed(reader)?.unwrap_or_default();
        let members = vec![("ext_type".into(), kind), ("data".into(), data)];
        Ok(self.0.done(Doc::Object(Object::from_unique(members))))
    }
}

/// JSON to MessagePack through serde: integers in their smallest encoding, other numbers as
/// 64-bit floats, objects as maps.
pub fn encode(doc: &Value) -> Result<Vec<u8>, String> {
    rmp_serde::to_vec(doc).map_err(|e| e.to_string())
}
