//! Whether the connection is up at this moment, for a command that must act at once when it is
//! not: a signal while the broker is away ends the run now, as mosquitto_sub's does, instead of
//! waiting for a DISCONNECT that cannot be written until the broker comes back.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::shared::Shared;

/// A view of one session's connection state; cheap to clone, usable after the session moved.
#[derive(Clone)]
pub struct Watch(pub(super) Arc<Shared>);

impl Watch {
    /// True between a CONNACK and the loss of that connection.
    pub fn is_up(&self) -> bool {
        self.0.up.load(Ordering::SeqCst)
    }

    /// Resolves once the connection is down (lost, or the polling task ended).
    pub async fn down(&self) {
        self.0
            .wait_until(|s| (!s.up.load(Ordering::SeqCst) || s.failure().is_some()).then_some(()))
            .await
    }
}
