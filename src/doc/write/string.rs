//! JSON strings: quoted, with `"` and `\` escaped and bytes below 0x20 as short escapes or
//! `\u00XX`, as serde_json writes them.
//!
//! Strings that need no escape are the rule in payloads: a short one goes out with the
//! punctuation around it in one `frame::append`; a long one is checked a word at a time and
//! copied whole.

use super::escape::any_needs_escape;
use super::frame;

/// How bytes below 0x20 are written: a short escape, or `\u00XX` (0 here).
const SHORT_ESCAPE: [u8; 32] = {
    let mut t = [0u8; 32];
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t
};

/// Appends `before` (punctuation, ending in the opening quote), `s` as the inside of a JSON
/// string, and `after` (starting with the closing quote); at most eight bytes of punctuation.
#[inline(always)]
pub fn string(out: &mut Vec<u8>, before: &[u8], s: &str, after: &[u8]) {
    let bytes = s.as_bytes();
    let start = out.len();
    if bytes.len() <= frame::SHORT {
        if !frame::append(out, before, bytes, after) {
            return;
        }
        // Written as if it had no escapes: cut it back and take the long way.
        out.truncate(start);
    }
    long(out, before, bytes, after);
}

/// `string` for a long string, or one with escapes.
#[inline(never)]
fn long(out: &mut Vec<u8>, before: &[u8], bytes: &[u8], after: &[u8]) {
    out.extend_from_slice(before);
    if bytes.len() > frame::SHORT && !any_needs_escape(bytes) {
        out.extend_from_slice(bytes);
    } else {
        escaped(out, bytes);
    }
    out.extend_from_slice(after);
}

/// Appends `bytes` with every byte that needs it escaped.
fn escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        start = i + 1;
        match b {
            b'"' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            _ if SHORT_ESCAPE[b as usize] != 0 => {
                out.extend_from_slice(&[b'\\', SHORT_ESCAPE[b as usize]])
            }
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.extend_from_slice(&[HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
            }
        }
    }
    out.extend_from_slice(&bytes[start..]);
}
