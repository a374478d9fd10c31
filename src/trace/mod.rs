//! Packet tracing: a tap on the connection layer's event stream. It observes events and never drives
//! them. `-d` prints mosquitto's lines on stdout; `--trace` shows every packet on stderr with its
//! decoded fields and times each QoS 1/2 handshake, as text or JSON.

mod mosquitto;
mod rich;

use std::time::Instant;

use crate::conn::event::Sent;
use crate::conn::{Event, Observer, Options};

pub use crate::conn::TraceFormat;
pub use mosquitto::Debug;

/// The observer for a connection with these options; `None` when nothing watches (most runs: no
/// `-d`, no `--trace`), which keeps the connection layer's hot path free of clock reads.
pub fn observer(opts: &Options) -> Option<Box<dyn Observer>> {
    let tap = Tap::new(opts);
    tap.is_active().then(|| Box::new(tap) as Box<dyn Observer>)
}

/// Everything that watches packets for one connection.
struct Tap {
    debug: Option<Debug>,
    rich: Option<rich::Tracer>,
}

impl Tap {
    /// The tap for a connection with these options.
    fn new(opts: &Options) -> Self {
        Tap {
            debug: opts.debug.then(|| Debug::new(&opts.client_id)),
            rich: opts.trace.map(|format| rich::Tracer::new(opts, format)),
        }
    }

    /// Whether anything watches at all (most runs: no `-d`, no `--trace`).
    fn is_active(&self) -> bool {
        self.debug.is_some() || self.rich.is_some()
    }
}

impl Observer for Tap {
    /// Returns the `-d` line(s) for an event; `--trace` output goes straight to stderr.
    fn observe(&mut self, event: &Event, sent: Option<&Sent>, at: Instant) -> Option<String> {
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
