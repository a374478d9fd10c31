//! Packet tracing: a tap on the connection layer's event stream. It observes events and never drives
//! them. `-d` prints mosquitto's lines on stdout; `--trace` shows every packet on stderr with its
//! decoded fields and times each QoS 1/2 handshake, as text or JSON.

mod connect_props;
mod mosquitto;
mod rich;

use std::io::Write;
use std::time::Instant;

use crate::conn::session::Sent;
use crate::conn::{Event, Options};

pub use mosquitto::Debug;
pub use rich::TraceFormat;

/// Everything that watches packets for one connection.
pub struct Tap {
    debug: Option<Debug>,
    rich: Option<rich::Tracer>,
}

impl Tap {
    /// The tap for a connection with these options.
    pub fn new(opts: &Options) -> Self {
        Tap {
            debug: opts.debug.then(|| Debug::new(&opts.client_id)),
            rich: opts.trace.map(|format| rich::Tracer::new(opts, format)),
        }
    }

    /// Whether anything watches at all (most runs: no `-d`, no `--trace`).
    pub fn is_active(&self) -> bool {
        self.debug.is_some() || self.rich.is_some()
    }

    /// Observes one event; returns the `-d` line(s) for it, which the caller prints on stdout in
    /// order with message output. `--trace` output goes straight to stderr.
    pub fn observe(&mut self, event: &Event, sent: Option<&Sent>, at: Instant) -> Option<String> {
        if let Event::ConnAck(ack) = event
            && let (Some(id), Some(debug)) = (&ack.assigned_client_id, self.debug.as_mut())
        {
            debug.set_client_id(id);
        }
        if let Some(rich) = self.rich.as_mut() {
            rich.observe(event, sent, at);
        }
        self.debug.as_mut().and_then(|d| d.render(event, sent))
    }
}

/// Prints a `-d` line on stdout. A closed stdout must not kill the connection task: the command
/// notices it on its own writes.
pub fn print_line(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}
