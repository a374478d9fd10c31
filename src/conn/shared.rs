//! The state the handle, its publishers and the polling task share: what was asked for and not yet
//! written, what is outstanding, how the task ended.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};

use tokio::sync::Notify;

use super::event::{FilterRecord, Record};
use super::failure::ConnectFailure;

/// State shared between the handle and the polling task.
#[derive(Default)]
pub(super) struct Shared {
    /// Publishes requested but not yet written, oldest first (QoS 0 ones only with `keep_topics`).
    pub records: Mutex<VecDeque<Record>>,
    /// SUBSCRIBEs requested but not yet written.
    pub subscribes: Mutex<VecDeque<FilterRecord>>,
    /// UNSUBSCRIBEs requested but not yet written.
    pub unsubscribes: Mutex<VecDeque<FilterRecord>>,
    /// Publishes requested and not yet complete (written at QoS 0, acknowledged at QoS 1/2).
    pub outstanding: AtomicU64,
    /// Publishes the broker refused (v5 reason code ≥ 0x80): the highest reason code seen, 0 if none.
    pub refused: AtomicU64,
    /// Set when the polling task ends with an error.
    pub failure: Mutex<Option<ConnectFailure>>,
    /// Woken when `outstanding` drops to zero or the task ends.
    pub idle: Notify,
    /// Whether records keep the topic, and QoS 0 publishes have records at all (only an observer
    /// prints them).
    pub keep_topics: bool,
    /// Whether records keep QoS 2 messages for publishing again (see [`Record::replay`]).
    pub keep_qos2: bool,
    /// How many times a reconnecting session has lost its connection.
    pub losses: AtomicU64,
    /// Requests the driver holds for the next connection (see `backlog`); at
    /// [`super::backlog::MAX_HELD`] publishers wait, so memory stays bounded however long the
    /// broker stays away. Woken through `idle`.
    pub held: AtomicUsize,
    /// v5 topic aliases and their topics: a new connection knows no alias, so publishes that
    /// carry only the alias get their topic back when held across a reconnect.
    pub aliases: Mutex<Vec<(u16, String)>>,
    /// Whether the connection is up (see [`super::watch::Watch`]); changes wake `idle`.
    pub up: AtomicBool,
}

impl Shared {
    /// How the polling task ended, if it has.
    pub fn failure(&self) -> Option<ConnectFailure> {
        self.failure.lock().expect("failure lock").clone()
    }

    /// Why a request could not be queued: the task's failure, or a lost connection.
    pub fn failure_or_lost(&self) -> ConnectFailure {
        self.failure().unwrap_or(ConnectFailure::Lost)
    }

    /// Waits until `ready` gives a value, checking again each time the driver wakes `idle`
    /// (completions, the backlog draining, the task ending).
    pub async fn wait_until<T>(&self, mut ready: impl FnMut(&Shared) -> Option<T>) -> T {
        loop {
            // Registered before the check, so a wake-up between the check and the wait is kept.
            let notified = self.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(value) = ready(self) {
                return value;
            }
            notified.await;
        }
    }
}
