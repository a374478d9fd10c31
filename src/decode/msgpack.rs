//! MessagePack read straight into a `Doc` (strings borrowed from the payload), marker by marker
//! with rmp's marker table; rmp-serde writes it (`pub --encode`).
//!
//! An earlier version read through rmp-serde's serde visitor, which costs about twice as much per
//! value (issue 15's benchmark). What it refused is still refused: the reserved marker 0xc1 (rmpv
//! reads it as nil, so garbage could pass as `null`), nesting deeper than `MAX_DEPTH`, data that ends
//! inside a value and bytes after it. Arrays and maps are presized from their declared lengths only
//! within a budget of one element per payload byte, so a hostile length cannot make it allocate.

use std::borrow::Cow;

use rmp::Marker;
use serde_json::Value;

use super::text::utf8;
use super::{MAX_DEPTH, base64_text};
use crate::doc::{Doc, Object};

/// Why a payload is not MessagePack.
enum Why {
    Reserved,
    Short,
    Deep,
}

/// Decodes one MessagePack value; trailing bytes are an error, as for JSON.
pub fn decode(payload: &[u8]) -> Result<Doc<'_>, String> {
    if payload.is_empty() {
        return Err("payload is not MessagePack (it is empty)".into());
    }
    let mut reader = Reader {
        rest: payload,
        budget: payload.len(),
    };
    let value = reader.value(0).map_err(|why| {
        let why = match why {
            Why::Reserved => "byte 0xc1, which MessagePack never uses".to_string(),
            Why::Short => "it ends inside a value".to_string(),
            Why::Deep => format!("nested deeper than {MAX_DEPTH} levels"),
        };
        format!("payload is not MessagePack ({why})")
    })?;
    if !reader.rest.is_empty() {
        return Err("payload is not MessagePack (more bytes after the value)".into());
    }
    Ok(value)
}

/// What is left of the payload, and how many elements may still be preallocated.
struct Reader<'a> {
    rest: &'a [u8],
    budget: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Why> {
        if n > self.rest.len() {
            return Err(Why::Short);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Why> {
        let bytes = self.take(N)?;
        let mut out = [0; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// A big-endian length of `N` bytes.
    fn len<const N: usize>(&mut self) -> Result<usize, Why> {
        let bytes = self.array::<N>()?;
        Ok(bytes.iter().fold(0usize, |n, &b| n << 8 | usize::from(b)))
    }

    /// How many of `declared` elements to preallocate: what the budget still allows.
    fn room(&mut self, declared: usize) -> usize {
        let n = declared.min(self.budget);
        self.budget -= n;
        n
    }

    /// One value at nesting `depth`.
    #[inline(always)]
    fn value(&mut self, depth: usize) -> Result<Doc<'a>, Why> {
        let [byte] = self.array::<1>()?;
        Ok(match Marker::from_u8(byte) {
            Marker::FixPos(n) => Doc::Number(n.into()),
            Marker::FixNeg(n) => Doc::Number(n.into()),
            Marker::Null => Doc::Null,
            Marker::True => Doc::Bool(true),
            Marker::False => Doc::Bool(false),
            Marker::Reserved => return Err(Why::Reserved),
            Marker::U8 => Doc::Number(u8::from_be_bytes(self.array()?).into()),
            Marker::U16 => Doc::Number(u16::from_be_bytes(self.array()?).into()),
            Marker::U32 => Doc::Number(u32::from_be_bytes(self.array()?).into()),
            Marker::U64 => Doc::Number(u64::from_be_bytes(self.array()?).into()),
            Marker::I8 => Doc::Number(i8::from_be_bytes(self.array()?).into()),
            Marker::I16 => Doc::Number(i16::from_be_bytes(self.array()?).into()),
            Marker::I32 => Doc::Number(i32::from_be_bytes(self.array()?).into()),
            Marker::I64 => Doc::Number(i64::from_be_bytes(self.array()?).into()),
            Marker::F32 => Doc::float(f64::from(f32::from_be_bytes(self.array()?))),
            Marker::F64 => Doc::float(f64::from_be_bytes(self.array()?)),
            Marker::FixStr(n) => self.text(usize::from(n))?,
            Marker::Str8 => self.len::<1>().and_then(|n| self.text(n))?,
            Marker::Str16 => self.len::<2>().and_then(|n| self.text(n))?,
            Marker::Str32 => self.len::<4>().and_then(|n| self.text(n))?,
            Marker::Bin8 => self.len::<1>().and_then(|n| self.bin(n))?,
            Marker::Bin16 => self.len::<2>().and_then(|n| self.bin(n))?,
            Marker::Bin32 => self.len::<4>().and_then(|n| self.bin(n))?,
            Marker::FixArray(n) => self.list(usize::from(n), depth)?,
            Marker::Array16 => self.len::<2>().and_then(|n| self.list(n, depth))?,
            Marker::Array32 => self.len::<4>().and_then(|n| self.list(n, depth))?,
            Marker::FixMap(n) => self.map(usize::from(n), depth)?,
            Marker::Map16 => self.len::<2>().and_then(|n| self.map(n, depth))?,
            Marker::Map32 => self.len::<4>().and_then(|n| self.map(n, depth))?,
            Marker::FixExt1 => self.ext(1)?,
            Marker::FixExt2 => self.ext(2)?,
            Marker::FixExt4 => self.ext(4)?,
            Marker::FixExt8 => self.ext(8)?,
            Marker::FixExt16 => self.ext(16)?,
            Marker::Ext8 => self.len::<1>().and_then(|n| self.ext(n))?,
            Marker::Ext16 => self.len::<2>().and_then(|n| self.ext(n))?,
            Marker::Ext32 => self.len::<4>().and_then(|n| self.ext(n))?,
        })
    }

    /// Text, borrowed; bytes that are not UTF-8 are shown as base64, like binary data.
    fn text(&mut self, n: usize) -> Result<Doc<'a>, Why> {
        let bytes = self.take(n)?;
        Ok(match utf8(bytes) {
            Ok(text) => Doc::str(text),
            Err(_) => Doc::String(Cow::Owned(base64_text(bytes))),
        })
    }

    fn bin(&mut self, n: usize) -> Result<Doc<'a>, Why> {
        Ok(Doc::String(Cow::Owned(base64_text(self.take(n)?))))
    }

    /// An extension value: `{"ext_type": TYPE, "data": BASE64}`.
    fn ext(&mut self, n: usize) -> Result<Doc<'a>, Why> {
        let [kind] = self.array::<1>()?;
        let data = self.bin(n)?;
        let members = vec![
            ("ext_type".into(), Doc::Number((kind as i8).into())),
            ("data".into(), data),
        ];
        Ok(Doc::Object(Object::from_unique(members)))
    }

    #[inline(never)]
    fn list(&mut self, n: usize, depth: usize) -> Result<Doc<'a>, Why> {
        let inner = deeper(depth)?;
        let mut items = Vec::with_capacity(self.room(n));
        for _ in 0..n {
            items.push(self.value(inner)?);
        }
        Ok(Doc::Array(items))
    }

    /// A map key at nesting `depth`: UTF-8 text borrowed as it is (read without making a value of it first: most keys
    /// are); anything else, including text that had to be shown as base64, becomes its JSON text
    /// (as rmp-serde gave it).
    fn key(&mut self, depth: usize) -> Result<Cow<'a, str>, Why> {
        let marker = self.rest.first().map(|&b| Marker::from_u8(b));
        let len = match marker {
            Some(Marker::FixStr(n)) => Some((1, usize::from(n))),
            Some(Marker::Str8) if self.rest.len() > 1 => Some((2, usize::from(self.rest[1]))),
            _ => None,
        };
        if let Some((head, n)) = len
            && let Some(bytes) = self.rest.get(head..head + n)
            && let Ok(text) = utf8(bytes)
        {
            self.rest = &self.rest[head + n..];
            return Ok(Cow::Borrowed(text));
        }
        let is_text = matches!(
            marker,
            Some(Marker::FixStr(_) | Marker::Str8 | Marker::Str16 | Marker::Str32)
        );
        Ok(match self.value(depth)? {
            Doc::String(Cow::Borrowed(text)) if is_text => Cow::Borrowed(text),
            other => Cow::Owned(serde_json::to_string(&other).unwrap_or_default()),
        })
    }

    /// A map; a key that is not text becomes its JSON text (a binary key: its base64 in quotes).
    #[inline(never)]
    fn map(&mut self, n: usize, depth: usize) -> Result<Doc<'a>, Why> {
        let inner = deeper(depth)?;
        let mut members = Vec::with_capacity(self.room(n));
        for _ in 0..n {
            let key = self.key(inner)?;
            members.push((key, self.value(inner)?));
        }
        Ok(Doc::Object(Object::from_members(members)))
    }
}

/// The nesting level inside a container at `depth`, unless that is deeper than `MAX_DEPTH`.
fn deeper(depth: usize) -> Result<usize, Why> {
    if depth >= MAX_DEPTH {
        return Err(Why::Deep);
    }
    Ok(depth + 1)
}

/// JSON to MessagePack through serde: integers in their smallest encoding, other numbers as
/// 64-bit floats, objects as maps.
pub fn encode(doc: &Value) -> Result<Vec<u8>, String> {
    rmp_serde::to_vec(doc).map_err(|e| e.to_string())
}
