//! A command started with its stdout closed (`sub >&-`, `rr >&-`) can print nothing, yet it would
//! receive (and acknowledge) messages into nowhere: a subscriber drains a persistent session, `rr`
//! sends its request and loses the response while reporting success (mosquitto_rr 2.1 exits 0).
//! Both refuse to start instead, under every name, so nothing is sent or acknowledged.
//!
//! Rust's runtime hides a closed stdout before `main`: it opens /dev/null read-write on the empty
//! descriptor (so that no socket takes number 1). A shell's `> /dev/null` opens it write-only, so
//! /dev/null opened read-write on descriptor 1 is read as "closed" (systemd's `StandardOutput=null`
//! looks the same, and is refused the same way: nothing could be printed there either).

use crate::exit::{Code, Failure};

/// Whether descriptor 1 is the read-write /dev/null the runtime put in place of a closed stdout.
fn stdout_was_closed() -> bool {
    let target = std::fs::read_link("/proc/self/fd/1");
    if target.ok().as_deref() != Some(std::path::Path::new("/dev/null")) {
        return false;
    }
    let Ok(info) = std::fs::read_to_string("/proc/self/fdinfo/1") else {
        return false;
    };
    let flags = info
        .lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|f| u32::from_str_radix(f.trim(), 8).ok());
    // O_ACCMODE is 3; O_RDWR is 2.
    flags.is_some_and(|f| f & 3 == 2)
}

/// Fails when stdout was closed when the process started; `consequence` ends the message (what is
/// therefore not done).
pub fn refuse_closed_stdout(consequence: &str) -> Result<(), Failure> {
    if stdout_was_closed() {
        return Err(Failure::code(
            Code::Error,
            format!("Error: stdout is closed: {consequence}.\n"),
        ));
    }
    Ok(())
}
