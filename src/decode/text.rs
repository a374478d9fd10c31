//! Payload text checked as UTF-8, cheaply for the short ASCII strings payloads are mostly made of.

use std::str::Utf8Error;

/// The bytes as text if they are UTF-8. Payload strings are short and mostly ASCII; for those the
/// standard check costs about 100 instructions per string (a third of reading a MessagePack map), a
/// word-at-a-time ASCII test about a tenth of that.
pub fn utf8(bytes: &[u8]) -> Result<&str, Utf8Error> {
    if ascii(bytes) {
        // SAFETY: every byte is below 0x80, and ASCII bytes are UTF-8 on their own.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes)
}

/// Whether every byte is below 0x80: short texts in at most two overlapping word loads (the
/// standard test goes byte by byte below a word and aligns longer ones first).
fn ascii(b: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or([0xff; 8]));
    let half = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap_or([0xff; 4]));
    match b.len() {
        0..4 => b.iter().all(|&c| c < 0x80),
        4..8 => (half(0) | half(b.len() - 4)) & 0x8080_8080 == 0,
        8..=16 => (word(0) | word(b.len() - 8)) & HIGH == 0,
        _ => b.is_ascii(),
    }
}
