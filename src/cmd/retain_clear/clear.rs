//! Clearing: a zero-length retained PUBLISH at QoS 1 per topic, each one counted only once its
//! PUBACK is in.
//!
//! The publishes are queued from their own task: publishing from the task that reads events could
//! deadlock once both the request queue and the event channel are full.

use std::collections::HashMap;

use bytes::Bytes;

use super::link::{Halt, Link};
use super::progress::Progress;
use crate::conn::{Event, Outgoing, Properties, Protocol, Qos};

/// What clearing achieved so far (kept up to date, so a stopped run can say how far it got).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Cleared {
    /// Topics the broker acknowledged as cleared.
    pub topics: Vec<(String, usize)>,
    /// Topics whose clear the broker refused (MQTT v5 PUBACK reason ≥ 0x80), with the reason.
    pub refused: Vec<(String, u8)>,
}

impl Cleared {
    /// Payload bytes of the cleared topics.
    pub fn bytes(&self) -> u64 {
        self.topics.iter().map(|(_, b)| *b as u64).sum()
    }
}

/// Clears `topics` (name, payload size), waiting for every PUBACK.
pub async fn clear(
    link: &mut Link,
    topics: &[(String, usize)],
    properties: &Properties,
    progress: &mut Progress,
    done: &mut Cleared,
) -> Result<(), Halt> {
    let properties = (link.session().protocol() == Protocol::V5 && !properties.is_empty())
        .then(|| properties.to_publish());
    let publisher = link.session().publisher();
    let names: Vec<String> = topics.iter().map(|(t, _)| t.clone()).collect();
    let queue = tokio::spawn(async move {
        for topic in names {
            let clear = Outgoing {
                topic,
                payload: Bytes::new(),
                qos: Qos::AtLeastOnce,
                retain: true,
                properties: properties.clone(),
            };
            // A failure ends the connection task too; the event loop below reports it.
            if publisher.publish(clear).await.is_err() {
                return;
            }
        }
    });
    // PUBLISHes leave in the order they were queued; each is paired with its packet id when sent.
    let mut sent = 0;
    let mut in_flight: HashMap<u16, usize> = HashMap::new();
    let mut acknowledged = 0;
    progress.start();
    while acknowledged < topics.len() {
        let event = match link.next().await {
            Ok(event) => event,
            Err(halt) => {
                queue.abort();
                progress.clear();
                return Err(halt);
            }
        };
        match event {
            Event::SentPublish { mid } if sent < topics.len() => {
                in_flight.insert(mid, sent);
                sent += 1;
            }
            Event::PubAck { mid, reason } => {
                if let Some(i) = in_flight.remove(&mid) {
                    acknowledged += 1;
                    let (topic, bytes) = topics[i].clone();
                    if reason >= 0x80 {
                        done.refused.push((topic, reason));
                    } else {
                        done.topics.push((topic, bytes));
                    }
                    progress.update(|| {
                        format!(
                            "clearing: {acknowledged}/{} topics ({}%)",
                            topics.len(),
                            acknowledged * 100 / topics.len()
                        )
                    });
                }
            }
            _ => {}
        }
    }
    progress.clear();
    Ok(())
}
