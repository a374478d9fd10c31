//! Watching a connection's packets. The connection layer hands every event to an [`Observer`]
//! (tracing implements it) and prints the `-d` lines it hands back; it never learns how packets
//! are drawn, and the observer never drives the connection.

use std::io::Write;
use std::time::Instant;

use super::event::{Event, Sent};

/// Watches one connection's packets, from the polling task.
pub trait Observer: Send {
    /// Observes one event that happened at `at`; `sent` is what a packet we wrote carried. Returns
    /// the `-d` line(s) for it, which the connection layer prints on stdout in order with message
    /// output (anything else the observer prints itself).
    fn observe(&mut self, event: &Event, sent: Option<&Sent>, at: Instant) -> Option<String>;
}

/// How `--trace` prints (a connection option; the tracer that draws it is outside this layer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceFormat {
    /// Aligned lines for people, coloured on a terminal.
    Text,
    /// One JSON object per packet per line, for tools.
    Json,
}

/// An event with the `-d` line that goes with it, printed by the consumer so that debug lines and
/// message output stay in order on stdout.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub event: Event,
    pub debug_line: Option<String>,
}

impl Delivery {
    /// Prints the `-d` line, if any, on stdout.
    pub fn print_debug(&self) {
        if let Some(line) = &self.debug_line {
            print_line(line);
        }
    }
}

/// Prints a `-d` line on stdout. A closed stdout must not kill the connection task: the command
/// notices it on its own writes.
pub(super) fn print_line(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}
