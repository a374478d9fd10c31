//! Writing a `Doc` as JSON text: byte for byte what serde_json writes for the equal `Value`
//! (compact, or pretty with two-space indents), into a `Vec` directly.
//!
//! serde_json's serializer hands every piece (a quote, a key, a colon) to `io::Write` one call at
//! a time and escapes strings byte by byte; for a decoded payload printed per message that was
//! the largest single cost (issue 15's benchmark). Here a key goes out with the punctuation
//! around it (`,"name":`) in one `frame::append`, and so do short strings and numbers; scalars
//! are written without a call per value. Numbers use the crates serde_json uses (itoa, zmij).

mod escape;
mod frame;
mod string;
mod tree;

use string::string;
pub use tree::write_tree;

use serde_json::Number;

use super::{Doc, Object};

impl Doc<'_> {
    /// Appends the document as JSON text (`pretty`: as `serde_json::to_writer_pretty`).
    pub fn write_json(&self, out: &mut Vec<u8>, pretty: bool) {
        // The layout is a constant: compact output carries no indent tests.
        if pretty {
            value::<true>(out, self, 0);
        } else {
            value::<false>(out, self, 0);
        }
    }
}

/// Appends `s` as a JSON string, between `before` (ending in the opening quote) and `after`
/// (starting with the closing one), at most eight bytes of punctuation together.
#[inline(always)]
pub fn write_string(out: &mut Vec<u8>, before: &[u8], s: &str, after: &[u8]) {
    string(out, before, s, after);
}

/// Appends a number as serde_json writes it.
#[inline(always)]
pub fn write_number(out: &mut Vec<u8>, n: &Number) {
    number(out, n);
}

/// Writes `doc` at nesting level `level` (for `PRETTY` output's indents). Inlined where it is
/// called, so that a scalar (most of a payload's values) costs no call; a container is a call.
#[inline(always)]
fn value<const PRETTY: bool>(out: &mut Vec<u8>, doc: &Doc, level: usize) {
    match doc {
        Doc::Null => out.extend_from_slice(b"null"),
        Doc::Bool(true) => out.extend_from_slice(b"true"),
        Doc::Bool(false) => out.extend_from_slice(b"false"),
        Doc::Number(n) => number(out, n),
        Doc::String(s) => string(out, b"\"", s, b"\""),
        Doc::Array(items) => array::<PRETTY>(out, items, level),
        Doc::Object(o) => object::<PRETTY>(out, o, level),
    }
}

fn array<const PRETTY: bool>(out: &mut Vec<u8>, items: &[Doc], level: usize) {
    if items.is_empty() {
        out.extend_from_slice(b"[]");
        return;
    }
    let mut lead = b'[';
    for item in items {
        out.push(lead);
        newline::<PRETTY>(out, level + 1);
        value::<PRETTY>(out, item, level + 1);
        lead = b',';
    }
    newline::<PRETTY>(out, level);
    out.push(b']');
}

/// A number as serde_json writes it, with the crates it uses.
#[inline(always)]
pub(super) fn number(out: &mut Vec<u8>, n: &Number) {
    if let Some(u) = n.as_u64() {
        // Small counts, aliases and enum values are common in payloads: one or two digits
        // directly.
        if u < 10 {
            out.push(b'0' + u as u8);
        } else if u < 100 {
            out.extend_from_slice(&[b'0' + (u / 10) as u8, b'0' + (u % 10) as u8]);
        } else {
            digits(out, itoa::Buffer::new().format(u), b"");
        }
    } else if let Some(i) = n.as_i64() {
        digits(out, itoa::Buffer::new().format(i), b"");
    } else if let Some(x) = n.as_f64() {
        // A whole float below 2^53 prints as the integer and `.0` (-0.0 aside): integer digits
        // cost a fraction of the shortest-float search. Sparkplug Float metrics are often whole.
        let i = x as i64;
        if i as f64 == x && i.unsigned_abs() < 1 << 53 && !(i == 0 && x.is_sign_negative()) {
            digits(out, itoa::Buffer::new().format(i), b".0");
        } else {
            // A Number never holds NaN or an infinity.
            digits(out, zmij::Buffer::new().format_finite(x), b"");
        }
    }
}

/// Appends a formatted number and `after` (`.0` or nothing): at most 24 bytes
/// (`-2.2250738585072014e-308`), so in one `frame::append` (a number has no byte to escape).
#[inline(always)]
fn digits(out: &mut Vec<u8>, s: &str, after: &[u8]) {
    if s.len() <= frame::SHORT {
        frame::append(out, b"", s.as_bytes(), after);
    } else {
        out.extend_from_slice(s.as_bytes());
        out.extend_from_slice(after);
    }
}

fn object<const PRETTY: bool>(out: &mut Vec<u8>, o: &Object, level: usize) {
    if o.is_empty() {
        out.extend_from_slice(b"{}");
        return;
    }
    let mut lead = b'{';
    for (key, member) in o.iter() {
        member_key::<PRETTY>(out, lead, key, level);
        value::<PRETTY>(out, member, level + 1);
        lead = b',';
    }
    newline::<PRETTY>(out, level);
    out.push(b'}');
}

/// An object member's key with what comes before it (`lead`: `{` or `,`) and after it.
#[inline(always)]
pub(super) fn member_key<const PRETTY: bool>(out: &mut Vec<u8>, lead: u8, key: &str, level: usize) {
    if PRETTY {
        out.push(lead);
        newline::<PRETTY>(out, level + 1);
        string(out, b"\"", key, b"\": ");
    } else {
        // Compact: `{"key":` or `,"key":` in one piece.
        string(out, &[lead, b'"'], key, b"\":");
    }
}

/// In pretty output, a line break and the indent of `level`.
pub(super) fn newline<const PRETTY: bool>(out: &mut Vec<u8>, level: usize) {
    if PRETTY {
        out.push(b'\n');
        out.resize(out.len() + 2 * level, b' ');
    }
}
