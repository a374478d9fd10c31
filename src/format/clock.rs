//! Receive-time output: `@` strftime codes, `%I`, `%U` and the JSON `tst`, as glibc prints them in the
//! C locale (mosquitto_sub never calls `setlocale`).
//!
//! Times arrive as `DateTime<FixedOffset>` (the caller passes `Local::now().fixed_offset()`), so tests
//! can pin both the instant and the UTC offset.

use chrono::{DateTime, FixedOffset};

/// The time of one message.
pub type Time = DateTime<FixedOffset>;

/// Writes `strftime("%<code>")`, as `@<code>` does (`@N` and `@@` are handled by the caller).
pub fn strftime(out: &mut Vec<u8>, now: &Time, code: u8) {
    let spec = match code {
        b'a' | b'A' | b'b' | b'B' | b'c' | b'C' | b'd' | b'D' | b'e' | b'F' | b'g' | b'G'
        | b'h' | b'H' | b'I' | b'j' | b'k' | b'l' | b'm' | b'M' | b'n' | b'p' | b'P' | b'r'
        | b'R' | b's' | b'S' | b't' | b'T' | b'u' | b'U' | b'V' | b'w' | b'W' | b'x' | b'X'
        | b'y' | b'Y' | b'z' => [b'%', code],
        b'%' => {
            out.push(b'%');
            return;
        }
        b'Z' => {
            out.extend_from_slice(&zone_name(now));
            return;
        }
        // glibc reads a width, then finds no conversion: it prints "%N" right-aligned in N columns.
        b'3'..=b'9' => {
            let width = usize::from(code - b'0');
            out.extend(std::iter::repeat_n(b' ', width - 2));
            out.extend_from_slice(&[b'%', code]);
            return;
        }
        // Unknown conversions, flags and modifiers with nothing after them are copied as they are.
        other => {
            out.extend_from_slice(&[b'%', other]);
            return;
        }
    };
    // The spec is one of chrono's known items, all ASCII; formatting cannot fail.
    let spec = std::str::from_utf8(&spec).unwrap_or("%%");
    out.extend_from_slice(now.format(spec).to_string().as_bytes());
}

/// `%I`: `strftime("%FT%T%z")`, for example `2026-11-22T02:33:38+0530`.
pub fn iso8601(now: &Time) -> Vec<u8> {
    now.format("%Y-%m-%dT%H:%M:%S%z").to_string().into_bytes()
}

/// `%U`: seconds since the epoch, a dot and 9 digits of nanoseconds.
pub fn unix(out: &mut Vec<u8>, now: &Time) {
    out.extend_from_slice(
        format!("{}.{:09}", now.timestamp(), now.timestamp_subsec_nanos()).as_bytes(),
    );
}

/// `@N`: nanoseconds within the second, 9 digits.
pub fn nanos(out: &mut Vec<u8>, now: &Time) {
    out.extend_from_slice(format!("{:09}", now.timestamp_subsec_nanos()).as_bytes());
}

/// The JSON `tst`: microseconds and the UTC offset (mosquitto 2.0.11 put a stray `Z` before the
/// offset, `…38.090216Z+0530`; 2.0.13 removed it).
pub fn tst(now: &Time) -> Vec<u8> {
    let micros = now.timestamp_subsec_nanos() / 1000;
    let text = format!(
        "{}.{micros:06}{}",
        now.format("%Y-%m-%dT%H:%M:%S"),
        now.format("%z")
    );
    text.into_bytes()
}

/// `%Z`: the zone abbreviation (`IST`, `CET`) from the C library when its local time has the same
/// offset as `now`; otherwise (or off Unix) the numeric offset.
fn zone_name(now: &Time) -> Vec<u8> {
    let offset = now.format("%z").to_string().into_bytes();
    match libc_zone(now.timestamp()) {
        Some((libc_offset, name)) if libc_offset == offset => name,
        _ => offset,
    }
}

/// The C library's `strftime("%z", …)` and `strftime("%Z", …)` for `localtime_r(secs)`.
#[cfg(all(unix, target_pointer_width = "64"))]
fn libc_zone(secs: i64) -> Option<(Vec<u8>, Vec<u8>)> {
    use std::ffi::c_char;

    /// `struct tm`, only ever handled by the C library: large and aligned enough for any libc.
    #[repr(C, align(8))]
    struct Tm([u8; 128]);

    unsafe extern "C" {
        fn localtime_r(time: *const i64, result: *mut Tm) -> *mut Tm;
        fn strftime(buf: *mut c_char, max: usize, format: *const c_char, tm: *const Tm) -> usize;
    }

    let mut tm = Tm([0; 128]);
    // SAFETY: time_t is 64 bits on 64-bit Unix; `tm` is bigger than the C library's struct tm, which
    // localtime_r fills in before strftime reads it.
    if unsafe { localtime_r(&secs, &mut tm) }.is_null() {
        return None;
    }
    let mut buf = [0u8; 128];
    // SAFETY: the format is NUL-terminated and strftime writes at most `buf.len()` bytes.
    let len = unsafe { strftime(buf.as_mut_ptr().cast(), buf.len(), c"%z %Z".as_ptr(), &tm) };
    let text = &buf[..len];
    let space = text.iter().position(|&b| b == b' ')?;
    Some((text[..space].to_vec(), text[space + 1..].to_vec()))
}

#[cfg(not(all(unix, target_pointer_width = "64")))]
fn libc_zone(_secs: i64) -> Option<(Vec<u8>, Vec<u8>)> {
    None
}
