//! A JSON value read in place: what the JSONPath evaluator walks. A `Doc` is one; so is a decoder's
//! view of a message that is never built into a `Doc` (Sparkplug B: issue 15's benchmark found
//! building and dropping the document the largest part of `sub --decode sparkplug --where`).
//!
//! A tree means exactly what the equal `serde_json::Value` means: `shape` gives its scalars as
//! serde_json would hold them, and an object's members come in order, each key once.

use std::borrow::Cow;

use serde_json::Number;

use super::Doc;

/// What a node is, with its value when it is a scalar.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape<'t> {
    Null,
    Bool(bool),
    Number(Number),
    String(&'t str),
    Array,
    Object,
}

/// A node of a JSON value, borrowed for `'t`.
pub trait Tree<'t>: Copy {
    /// What the node is.
    fn shape(self) -> Shape<'t>;
    /// Elements of an array, members of an object; 0 for a scalar.
    fn len(self) -> usize;
    /// The element at `i` of an array.
    fn element(self, i: usize) -> Option<Self>;
    /// The member `key` of an object.
    fn member(self, key: &str) -> Option<Self>;
    /// An array's elements in order; nothing for anything else.
    fn elements(self) -> impl Iterator<Item = Self> + 't;
    /// An object's members in order; nothing for anything else.
    fn members(self) -> impl Iterator<Item = (&'t str, Self)> + 't;

    /// The string, when the node is one: what `shape` says. The evaluator's comparisons ask it of
    /// every operand, so a tree may answer without making a whole `Shape` (`&Doc` does: through
    /// `shape`, a `--where` on a Sparkplug-like document took 2% more instructions).
    fn as_str(self) -> Option<&'t str> {
        match self.shape() {
            Shape::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number as f64 (serde_json's `as_f64`), when the node is one; a shortcut as `as_str` is.
    fn as_f64(self) -> Option<f64> {
        match self.shape() {
            Shape::Number(n) => n.as_f64(),
            _ => None,
        }
    }
}

impl<'t, 'a: 't> Tree<'t> for &'t Doc<'a> {
    fn shape(self) -> Shape<'t> {
        match self {
            Doc::Null => Shape::Null,
            Doc::Bool(b) => Shape::Bool(*b),
            Doc::Number(n) => Shape::Number(n.clone()),
            Doc::String(s) => Shape::String(s),
            Doc::Array(_) => Shape::Array,
            Doc::Object(_) => Shape::Object,
        }
    }

    fn len(self) -> usize {
        match self {
            Doc::Array(items) => items.len(),
            Doc::Object(o) => o.len(),
            _ => 0,
        }
    }

    fn element(self, i: usize) -> Option<Self> {
        match self {
            Doc::Array(items) => items.get(i),
            _ => None,
        }
    }

    fn member(self, key: &str) -> Option<Self> {
        match self {
            Doc::Object(o) => o.get(key),
            _ => None,
        }
    }

    fn elements(self) -> impl Iterator<Item = Self> + 't {
        let items: &'t [Doc<'a>] = match self {
            Doc::Array(items) => items,
            _ => &[],
        };
        items.iter()
    }

    fn members(self) -> impl Iterator<Item = (&'t str, Self)> + 't {
        let members = match self {
            Doc::Object(o) => Some(o.iter().map(|(k, v)| (Cow::as_ref(k), v))),
            _ => None,
        };
        members.into_iter().flatten()
    }

    fn as_str(self) -> Option<&'t str> {
        match self {
            Doc::String(s) => Some(s),
            _ => None,
        }
    }

    fn as_f64(self) -> Option<f64> {
        match self {
            Doc::Number(n) => n.as_f64(),
            _ => None,
        }
    }
}
