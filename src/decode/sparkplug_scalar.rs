//! How a Sparkplug B scalar reads as a JSON value: Int8/16/32 travel as two's complement in a
//! uint32 and Int64 in a uint64, a Float prints as the shortest decimal that reads back as the same
//! f32, and a data type shows as its name. One mapping for the `Doc` built from a payload and for
//! the view that is not (`sparkplug_view`), so the two cannot differ.

use std::borrow::Cow;

use serde_json::Number;

use super::sparkplug_schema::{DATA_TYPES, Scalar};
use crate::doc::{Doc, Shape};

/// Data type numbers used here and by the encoder.
pub(super) const INT8: u32 = 1;
pub(super) const INT16: u32 = 2;
pub(super) const INT32: u32 = 3;
pub(super) const INT64: u32 = 4;
pub(super) const UINT8: u32 = 5;
pub(super) const UINT16: u32 = 6;
pub(super) const DATETIME: u32 = 13;

/// A scalar of the document.
#[derive(Debug, Clone, Copy)]
pub enum Leaf<'t> {
    Null,
    Bool(bool),
    /// `Number::from(u64)`.
    Unsigned(u64),
    /// `Number::from(i64)` (which makes a non-negative one the same as an unsigned one).
    Signed(i64),
    /// `Doc::float`: NaN and the infinities are null.
    Float(f64),
    Text(&'t str),
}

impl<'t> Leaf<'t> {
    /// A scalar read as its data type.
    pub fn of(datatype: u32, v: Scalar<'t>) -> Leaf<'t> {
        match v {
            Scalar::Int(i) => match datatype {
                INT8 => Leaf::Signed((i as u8 as i8).into()),
                INT16 => Leaf::Signed((i as u16 as i16).into()),
                INT32 => Leaf::Signed((i as i32).into()),
                UINT8 => Leaf::Unsigned((i as u8).into()),
                UINT16 => Leaf::Unsigned((i as u16).into()),
                _ => Leaf::Unsigned(i.into()),
            },
            Scalar::Long(l) if datatype == INT64 => Leaf::Signed(l as i64),
            Scalar::Long(l) => Leaf::Unsigned(l),
            Scalar::Float(f) => Leaf::Float(float32(f)),
            Scalar::Double(d) => Leaf::Float(d),
            Scalar::Boolean(b) => Leaf::Bool(b),
            Scalar::String(s) => Leaf::Text(s),
        }
    }

    /// A data type: its name, or its number when it has none.
    pub fn data_type(datatype: u32) -> Leaf<'static> {
        match DATA_TYPES.get(datatype as usize) {
            Some(name) => Leaf::Text(name),
            None => Leaf::Unsigned(datatype.into()),
        }
    }

    pub fn shape(self) -> Shape<'t> {
        match self {
            Leaf::Null => Shape::Null,
            Leaf::Bool(b) => Shape::Bool(b),
            Leaf::Unsigned(u) => Shape::Number(Number::from(u)),
            Leaf::Signed(i) => Shape::Number(Number::from(i)),
            Leaf::Float(f) => Number::from_f64(f).map_or(Shape::Null, Shape::Number),
            Leaf::Text(s) => Shape::String(s),
        }
    }

    /// The value in a document, its text borrowed.
    pub fn doc(self) -> Doc<'t> {
        match self {
            Leaf::Text(s) => Doc::str(s),
            other => other.number(),
        }
    }

    /// The value in a document, its text copied.
    pub fn owned(self) -> Doc<'static> {
        match self {
            Leaf::Text(s) => Doc::String(Cow::Owned(s.to_string())),
            other => other.number(),
        }
    }

    /// Any value but text.
    fn number<'x>(self) -> Doc<'x> {
        match self.shape() {
            Shape::Bool(b) => Doc::Bool(b),
            Shape::Number(n) => Doc::Number(n),
            _ => Doc::Null,
        }
    }
}

/// A float as the shortest decimal that reads back as the same f32 (0.1, not 0.10000000149…).
pub fn float32(f: f32) -> f64 {
    // Whole numbers widen exactly and print the same; only fractions need the text round trip.
    if f.fract() == 0.0 && f.abs() < 16_777_216.0 {
        return f64::from(f);
    }
    let mut text = zmij::Buffer::new();
    text.format(f).parse().unwrap_or(f64::from(f))
}
