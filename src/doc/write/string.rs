//! JSON strings: quoted, with `"` and `\` escaped and bytes below 0x20 as short escapes or
//! `\u00XX`, as serde_json writes them.
//!
//! Strings that need no escape are the rule in payloads: a short one goes out with the
//! punctuation around it in one `frame::append`; a long one is checked a word at a time and
//! copied whole.

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

/// Whether some byte of `bytes` (at least eight) needs escaping: eight at a time, the last word
/// overlapping the one before it.
fn any_needs_escape(bytes: &[u8]) -> bool {
    let word = |i: usize| u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or_default());
    let last = bytes.len() - 8;
    (0..last).step_by(8).any(|i| escapes(word(i)) & HIGH != 0) || escapes(word(last)) & HIGH != 0
}

/// The high bit of each byte.
pub const HIGH: u64 = 0x8080_8080_8080_8080;

/// Of the eight bytes of `w`, the high bit is set (in `escapes(w) & HIGH`) for at least one that
/// is below 0x20, `"` or `\` if there is one, and for none if there is none. (A byte of
/// `x - 0x01…` borrows from its high bit where `x` had a zero byte, or below the subtrahend; the
/// lowest such byte always shows, and the bytes above it may show falsely, which does not matter
/// here). The caller masks with `HIGH`, once for several words.
#[inline(always)]
pub fn escapes(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let below = w.wrapping_sub(ONES * 0x20);
    let quote = (w ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES);
    let backslash = (w ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
    // `!w` keeps bytes whose own high bit is set (UTF-8) from counting.
    (below | quote | backslash) & !w
}
