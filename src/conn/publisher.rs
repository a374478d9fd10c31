//! The publishing side of a session: queue PUBLISHes with backpressure, wait for their completion.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::backend::Client;
use super::event::Record;
use super::failure::ConnectFailure;
use super::shared::Shared;
use super::{Outgoing, Qos};

/// A cloneable handle that can publish from another task while the session's owner reads events.
#[derive(Clone)]
pub struct Publisher {
    client: Client,
    shared: Arc<Shared>,
}

impl Publisher {
    pub(super) fn new(client: Client, shared: Arc<Shared>) -> Self {
        Publisher { client, shared }
    }

    /// Queues a PUBLISH. Waits while the request queue is full (backpressure), never drops it.
    pub async fn publish(&self, msg: Outgoing) -> Result<(), ConnectFailure> {
        if self.shared.held.load(Ordering::SeqCst) >= super::backlog::MAX_HELD {
            wait_for_room(&self.shared).await;
        }
        self.shared.outstanding.fetch_add(1, Ordering::SeqCst);
        // Only tracing shows the topic: do not pay for a copy per message otherwise.
        let topic = if self.shared.keep_topics {
            msg.topic.clone()
        } else {
            String::new()
        };
        if let Some(alias) = msg.properties.as_ref().and_then(|p| p.topic_alias)
            && !msg.topic.is_empty()
        {
            let mut aliases = self.shared.aliases.lock().expect("aliases lock");
            aliases.retain(|(a, _)| *a != alias);
            aliases.push((alias, msg.topic.clone()));
        }
        let replay =
            (self.shared.keep_qos2 && msg.qos == Qos::ExactlyOnce).then(|| Arc::new(msg.clone()));
        // Without an observer a QoS 0 publish needs no record: the driver knows its write by packet
        // id 0 and only counts it, so the hot path takes no lock shared with the polling task.
        if msg.qos != Qos::AtMostOnce || self.shared.keep_topics {
            let record = Record {
                topic,
                qos: msg.qos,
                retain: msg.retain,
                len: msg.payload.len(),
                replay,
            };
            self.shared
                .records
                .lock()
                .expect("records lock")
                .push_back(record);
        }
        if self.client.publish(msg).await.is_err() {
            return Err(self.shared.failure_or_lost());
        }
        Ok(())
    }
}

impl Publisher {
    /// Waits until every publish so far is written (QoS 0) or acknowledged (QoS 1/2).
    pub async fn flush(&self) -> Result<(), ConnectFailure> {
        wait_idle(&self.shared).await
    }

    /// Publishes handed over and not yet written (QoS 0) or acknowledged (QoS 1/2); after the
    /// connection has failed, at QoS 0, the ones that never went out.
    pub fn unfinished(&self) -> u64 {
        self.shared.outstanding.load(Ordering::SeqCst)
    }
}

/// Waits until the driver holds fewer requests than [`super::backlog::MAX_HELD`], or has failed.
async fn wait_for_room(shared: &Shared) {
    shared
        .wait_until(|s| {
            (s.held.load(Ordering::SeqCst) < super::backlog::MAX_HELD || s.failure().is_some())
                .then_some(())
        })
        .await
}

/// Waits until every publish so far is written (QoS 0) or acknowledged (QoS 1/2).
pub(super) async fn wait_idle(shared: &Shared) -> Result<(), ConnectFailure> {
    shared
        .wait_until(|s| match s.failure() {
            Some(failure) => Some(Err(failure)),
            None => (s.outstanding.load(Ordering::SeqCst) == 0).then_some(Ok(())),
        })
        .await
}
