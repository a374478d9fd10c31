//! Which bytes a JSON string escapes (below 0x20, `"` and `\`), found eight bytes at a time.
//!
//! Checked byte by byte, a short key cost a loop iteration per byte; as one 64-bit word it costs a
//! dozen arithmetic operations whatever its length up to eight.

/// Whether some byte of `bytes` (at least eight) needs escaping: eight at a time, the last word
/// overlapping the one before it.
pub fn any_needs_escape(bytes: &[u8]) -> bool {
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
