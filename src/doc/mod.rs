//! A light, borrowed JSON document: what `--where`, `--json-path` and `sub`'s printing of a decoded
//! payload work on.
//!
//! `serde_json::Value` (with `preserve_order`, which the rest of mqtk needs) copies every string and
//! hashes every key into an ordered map; for a message that is tested by one filter and printed once,
//! that was most of the work (issue 15's benchmark). A `Doc` borrows strings from the payload where
//! the format allows it and keeps an object's members in a vector, looked up by a linear scan (objects
//! in payloads are small; a big one costs one scan per lookup, never a quadratic build).
//!
//! It means exactly what the equal `serde_json::Value` means: numbers are `serde_json::Number`, and an
//! object that repeats a key keeps the key's first place and its last value, as serde_json's ordered
//! map does. `write_json` and `Serialize` write the same bytes as the equal `Value`.

mod object;
mod serde_impl;
#[cfg(test)]
pub mod tests;
mod tree;
mod write;

use std::borrow::Cow;

use serde_json::{Number, Value};

pub use object::Object;
pub use tree::{Shape, Tree};
pub use write::{write_number, write_string, write_tree};

/// A JSON value whose strings may borrow from the bytes it was read from.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Doc<'a> {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Doc<'a>>),
    Object(Object<'a>),
}

impl<'a> Doc<'a> {
    /// Reads one JSON document (serde_json's parser and limits), borrowing its strings where they
    /// have no escapes.
    pub fn from_json(bytes: &'a [u8]) -> serde_json::Result<Doc<'a>> {
        serde_json::from_slice(bytes)
    }

    /// A number from a float; NaN and the infinities, which JSON cannot hold, become null (as
    /// serde_json does).
    pub fn float(f: f64) -> Doc<'static> {
        Number::from_f64(f).map_or(Doc::Null, Doc::Number)
    }

    /// A string borrowed for as long as the document.
    pub fn str(s: &'a str) -> Doc<'a> {
        Doc::String(Cow::Borrowed(s))
    }

    /// The member `key` of an object.
    #[cfg(test)]
    pub fn get(&self, key: &str) -> Option<&Doc<'a>> {
        match self {
            Doc::Object(o) => o.get(key),
            _ => None,
        }
    }

    /// The equal `serde_json::Value` (for what still works on one: `-F %{…}`, `--json`).
    pub fn to_value(&self) -> Value {
        match self {
            Doc::Null => Value::Null,
            Doc::Bool(b) => Value::Bool(*b),
            Doc::Number(n) => Value::Number(n.clone()),
            Doc::String(s) => Value::String(s.to_string()),
            Doc::Array(items) => Value::Array(items.iter().map(Doc::to_value).collect()),
            Doc::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// The equal document, owning everything.
    pub fn from_value(value: Value) -> Doc<'static> {
        match value {
            Value::Null => Doc::Null,
            Value::Bool(b) => Doc::Bool(b),
            Value::Number(n) => Doc::Number(n),
            Value::String(s) => Doc::String(Cow::Owned(s)),
            Value::Array(items) => Doc::Array(items.into_iter().map(Doc::from_value).collect()),
            Value::Object(map) => Doc::Object(Object::from_unique(
                map.into_iter()
                    .map(|(k, v)| (Cow::Owned(k), Doc::from_value(v)))
                    .collect(),
            )),
        }
    }

    /// The same document, owning everything (to keep it beyond the bytes it borrows from).
    #[cfg(test)]
    pub fn into_owned(self) -> Doc<'static> {
        match self {
            Doc::Null => Doc::Null,
            Doc::Bool(b) => Doc::Bool(b),
            Doc::Number(n) => Doc::Number(n),
            Doc::String(s) => Doc::String(Cow::Owned(s.into_owned())),
            Doc::Array(items) => Doc::Array(items.into_iter().map(Doc::into_owned).collect()),
            Doc::Object(o) => Doc::Object(o.into_owned()),
        }
    }
}
