//! The connection as retain-clear uses it: the session plus the two things that may stop any phase,
//! the `-W` deadline and SIGINT/SIGTERM. Every wait goes through [`Link::next`], so events are always
//! drained (the connection task never blocks on a full channel) and `-d` lines keep their order.

use std::time::Duration;

use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::time::Instant;

use crate::conn::{ConnectFailure, Event, Options, Session};
use crate::exit::{Code, Failure};
use crate::trace;

/// How long a stop (timeout, signal) waits for DISCONNECT to be written before giving up on it.
const ABORT_GRACE: Duration = Duration::from_millis(500);

/// Why a phase stopped before finishing.
#[derive(Debug)]
pub enum Halt {
    /// `-W` ran out.
    Timeout,
    /// SIGINT or SIGTERM.
    Interrupted,
    /// The connection failed or was lost.
    Lost(ConnectFailure),
    /// Anything else that ends the run (a refused subscription), with its message and code.
    Failed(Failure),
}

/// A connected session with the run's deadline and signal handlers.
pub struct Link {
    session: Session,
    deadline: Option<Instant>,
    interrupt: Signal,
    terminate: Signal,
}

/// Sleeps until `deadline`, or forever without one.
async fn until_deadline(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

impl Link {
    /// Connects (waiting for CONNACK), bounded by the deadline and interruptible.
    pub async fn connect(opts: Options, deadline: Option<Instant>) -> Result<Link, Halt> {
        let signal_error =
            |e: std::io::Error| Halt::Failed(Failure::code(Code::Error, format!("Error: {e}\n")));
        let mut interrupt = signal(SignalKind::interrupt()).map_err(signal_error)?;
        let mut terminate = signal(SignalKind::terminate()).map_err(signal_error)?;
        let observer = trace::observer(&opts);
        let session = tokio::select! {
            connected = Session::connect(opts, true, observer) => connected.map_err(Halt::Lost)?,
            _ = until_deadline(deadline) => return Err(Halt::Timeout),
            _ = interrupt.recv() => return Err(Halt::Interrupted),
            _ = terminate.recv() => return Err(Halt::Interrupted),
        };
        Ok(Link {
            session,
            deadline,
            interrupt,
            terminate,
        })
    }

    /// The session, to subscribe, unsubscribe or get a publisher.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The next packet event; its `-d` line (if any) is printed on stdout first.
    pub async fn next(&mut self) -> Result<Event, Halt> {
        let delivery = tokio::select! {
            delivery = self.session.next_event() => delivery,
            _ = until_deadline(self.deadline) => return Err(Halt::Timeout),
            _ = self.interrupt.recv() => return Err(Halt::Interrupted),
            _ = self.terminate.recv() => return Err(Halt::Interrupted),
        };
        match delivery {
            Some(d) => {
                d.print_debug();
                Ok(d.event)
            }
            // The connection task ended: it failed for good; its result says why.
            None => {
                let failure = self.session.disconnect_now().await.err();
                Err(Halt::Lost(failure.unwrap_or(ConnectFailure::Lost)))
            }
        }
    }

    /// Waits for `work` while draining (and ignoring) events, e.g. for the user's answer.
    pub async fn wait_for<T>(&mut self, work: impl Future<Output = T>) -> Result<T, Halt> {
        tokio::pin!(work);
        loop {
            tokio::select! {
                out = &mut work => return Ok(out),
                event = self.next() => { event?; }
            }
        }
    }

    /// Waits for outstanding acknowledgements, then disconnects cleanly.
    pub async fn finish(self) -> Result<(), Halt> {
        let deadline = self.deadline;
        tokio::select! {
            done = self.session.disconnect() => done.map_err(Halt::Lost),
            _ = until_deadline(deadline) => Err(Halt::Timeout),
        }
    }

    /// Sends DISCONNECT without waiting for acknowledgements (after a timeout, signal or failure);
    /// gives up after a short grace period so an unresponsive broker cannot hold the exit.
    pub async fn abort(mut self) {
        let _ = tokio::time::timeout(ABORT_GRACE, self.session.disconnect_now()).await;
    }
}
