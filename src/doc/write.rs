//! Writing a `Doc` as JSON text: byte for byte what serde_json writes for the equal `Value`
//! (compact, or pretty with two-space indents), into a `Vec` directly.
//!
//! serde_json's serializer hands every piece (a quote, a key, a colon) to `io::Write` one call at
//! a time and escapes strings byte by byte; for a decoded payload printed per message that was
//! the largest single cost (issue 15's benchmark). Here unescaped runs are copied whole and the
//! punctuation is pushed in place. Numbers use the crates serde_json uses (itoa, zmij).

use super::{Doc, Object};

/// How bytes below 0x20 are written: a short escape, or `\u00XX` (0 here).
const SHORT: [u8; 32] = {
    let mut t = [0u8; 32];
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t
};

impl Doc<'_> {
    /// Appends the document as JSON text (`pretty`: as `serde_json::to_writer_pretty`).
    pub fn write_json(&self, out: &mut Vec<u8>, pretty: bool) {
        // The layout is a constant: compact output carries no indent tests.
        if pretty {
            write::<true>(out, self, 0);
        } else {
            write::<false>(out, self, 0);
        }
    }
}

/// `level`: the nesting level (for `PRETTY` output's indents).
fn write<const PRETTY: bool>(out: &mut Vec<u8>, doc: &Doc, level: usize) {
    match doc {
        Doc::Null => out.extend_from_slice(b"null"),
        Doc::Bool(true) => out.extend_from_slice(b"true"),
        Doc::Bool(false) => out.extend_from_slice(b"false"),
        Doc::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.extend_from_slice(itoa::Buffer::new().format(u).as_bytes());
            } else if let Some(i) = n.as_i64() {
                out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes());
            } else if let Some(f) = n.as_f64() {
                // A Number never holds NaN or an infinity.
                out.extend_from_slice(zmij::Buffer::new().format_finite(f).as_bytes());
            }
        }
        Doc::String(s) => string(out, s),
        Doc::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline::<PRETTY>(out, level + 1);
                write::<PRETTY>(out, item, level + 1);
            }
            if !items.is_empty() {
                newline::<PRETTY>(out, level);
            }
            out.push(b']');
        }
        Doc::Object(o) => object::<PRETTY>(out, o, level),
    }
}

fn object<const PRETTY: bool>(out: &mut Vec<u8>, o: &Object, level: usize) {
    out.push(b'{');
    for (i, (key, value)) in o.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        newline::<PRETTY>(out, level + 1);
        string(out, key);
        out.push(b':');
        if PRETTY {
            out.push(b' ');
        }
        write::<PRETTY>(out, value, level + 1);
    }
    if !o.is_empty() {
        newline::<PRETTY>(out, level);
    }
    out.push(b'}');
}

/// In pretty output, a line break and the indent of `level`.
fn newline<const PRETTY: bool>(out: &mut Vec<u8>, level: usize) {
    if PRETTY {
        out.push(b'\n');
        out.resize(out.len() + 2 * level, b' ');
    }
}

/// A JSON string: `"` and `\` escaped, bytes below 0x20 as short escapes or `\u00XX`.
fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    if !any_needs_escape(bytes) {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        start = i + 1;
        match b {
            b'"' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            _ if SHORT[b as usize] != 0 => out.extend_from_slice(&[b'\\', SHORT[b as usize]]),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.extend_from_slice(&[HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
            }
        }
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Whether some byte needs escaping: eight at a time, then the last few one by one.
fn any_needs_escape(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        if needs_escape(u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]))) {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// Whether one of the eight bytes of `w` is below 0x20, `"` or `\` (bit tricks: a byte of
/// `x - 0x01…` borrows from its high bit only where `x` had a zero byte, or below the subtrahend).
fn needs_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = w.wrapping_sub(ONES * 0x20);
    let quote = (w ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES);
    let backslash = (w ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
    // `!w` keeps bytes whose own high bit is set (UTF-8) from counting.
    (below | quote | backslash) & !w & HIGH != 0
}
