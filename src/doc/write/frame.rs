//! Appending a short piece of output with a few fixed-size moves.
//!
//! Most of what a decoded payload prints is short: keys like `"name":`, values like `"Int32"`,
//! 13-digit timestamps. Appended with `extend_from_slice`, each costs a call to libc's `memcpy`
//! (the length is not known when compiling) and a capacity check per push; for ~100 pieces per
//! message that was most of the writing. Here the vector grows by a fixed room at once, the piece
//! is stored into it as 8-byte words that may overlap, and the vector is cut back to the piece.

use super::escape::{HIGH, escapes};

/// The longest middle part `append` takes.
pub const SHORT: usize = 32;

/// Room for `SHORT` bytes and up to eight around them (`,"` before a key, `": ` after it).
const ROOM: usize = SHORT + 8;

/// Appends `before`, `s` (at most `SHORT` bytes) and `after` (at most eight together); tells
/// whether a byte of `s` needs escaping in a JSON string (see `super::escape::escapes`).
///
/// `s` is read as words that cover it and may overlap: two `u64`s cover 8 to 16 bytes, four
/// cover up to 32; two `u32`s cover 4 to 7 bytes; the first, middle and last byte cover 1 to 3.
/// Each word is stored at its own offset, so overlaps store equal bytes.
#[inline(always)]
pub fn append(out: &mut Vec<u8>, before: &[u8], s: &[u8], after: &[u8]) -> bool {
    let n = s.len();
    debug_assert!(n <= SHORT && before.len() + after.len() <= ROOM - SHORT);
    let start = out.len();
    // A fixed-size grow: a capacity check and three 16-byte stores.
    out.extend_from_slice(&[0; ROOM]);
    let room = &mut out[start..start + ROOM];
    let (head, rest) = room.split_at_mut(before.len());
    head.copy_from_slice(before);
    // Each part leaves the high bit of a byte that needs escaping (see `escape::escapes`);
    // `|`, not `||`: every word is stored whatever the ones before it hold.
    let escapes = if n >= 16 {
        word(rest, s, 0) | word(rest, s, 8) | word(rest, s, n - 16) | word(rest, s, n - 8)
    } else if n >= 8 {
        word(rest, s, 0) | word(rest, s, n - 8)
    } else if n >= 4 {
        let lo: [u8; 4] = s[..4].try_into().unwrap_or_default();
        let hi: [u8; 4] = s[n - 4..].try_into().unwrap_or_default();
        rest[..4].copy_from_slice(&lo);
        rest[n - 4..n].copy_from_slice(&hi);
        escapes(u64::from(u32::from_le_bytes(lo)) | u64::from(u32::from_le_bytes(hi)) << 32)
    } else if n >= 1 {
        let (first, middle, last) = (s[0], s[n / 2], s[n - 1]);
        rest[0] = first;
        rest[n / 2] = middle;
        rest[n - 1] = last;
        // The five bytes above them are a letter, which needs no escape.
        let w = u64::from(first) | u64::from(middle) << 8 | u64::from(last) << 16;
        escapes(w | 0x4141_4141_4100_0000)
    } else {
        0
    };
    rest[n..n + after.len()].copy_from_slice(after);
    out.truncate(start + before.len() + n + after.len());
    escapes & HIGH != 0
}

/// Stores the eight bytes of `s` at `o` at `to[o..]`; returns `escapes` of them.
#[inline(always)]
fn word(to: &mut [u8], s: &[u8], o: usize) -> u64 {
    let w: [u8; 8] = s[o..o + 8].try_into().unwrap_or_default();
    to[o..o + 8].copy_from_slice(&w);
    escapes(u64::from_le_bytes(w))
}
