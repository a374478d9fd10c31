//! Collection: subscribe, gather the retained messages the broker sends, and decide when it has sent
//! them all: at the first live (non-retained) message, or `--idle` after the last one, counted only
//! from the end-of-retained marker on (below).
//!
//! The marker: right after the SUBSCRIBE, an UNSUBSCRIBE from a filter we never subscribed to. A
//! broker answers one client's packets in order, and mosquitto queues a subscription's retained
//! messages while it handles the SUBSCRIBE, so the marker's UNSUBACK arrives after every one of them
//! however long the broker pauses on the way (a loaded machine held one for longer than `--idle`,
//! and a timer alone then ended the collection early: topics were left uncleared, and `--verify`
//! could pass). Brokers that send retained messages asynchronously are still covered by the idle
//! wait that follows the marker. The marker has no effect on the broker and sends nobody anything.
//!
//! The subscription is QoS 0: retained messages then flow without a per-message acknowledgement or
//! the in-flight window (20) that paces QoS 1/2, and are not subject to the caps brokers put on QoS
//! 1/2 messages queued behind that window (mosquitto's max_queued_messages, EMQX's mqueue). On a
//! local mosquitto 2.0 a 60,000-topic tree arrived complete at QoS 0 and at QoS 1 (measured with the
//! default max_queued_messages of 1000), so QoS 0 costs nothing there and is safer elsewhere.

use std::time::Duration;

use tokio::time::Instant;

use super::link::{Halt, Link};
use super::progress::Progress;
use super::tree::{Scope, Tree};
use crate::conn::{Event, Properties, Qos, Subscription, reason};
use crate::exit::Failure;

/// What a collection needs to know.
pub struct Collect<'a> {
    pub scope: &'a Scope,
    pub idle: Duration,
    pub properties: &'a Properties,
    /// The progress line's label ("collecting", "verifying").
    pub label: &'static str,
}

/// The subscription for each filter: QoS 0, retained messages sent at subscribe time.
fn subscriptions(filters: &[String]) -> Vec<Subscription> {
    filters
        .iter()
        .map(|f| Subscription {
            filter: f.clone(),
            qos: Qos::AtMostOnce,
            no_local: false,
            retain_as_published: false,
            retain_handling: 0,
        })
        .collect()
}

/// The filter of the end-of-retained marker: one that is none of `filters`, so unsubscribing from it
/// leaves every subscription in place.
fn marker(filters: &[String]) -> String {
    let mut marker = String::from("mqtk/retain-clear/end-of-retained");
    while filters.contains(&marker) {
        marker.push_str("/end");
    }
    marker
}

/// Explains a SUBACK that refused one of the filters.
fn refused(filter: &str, code: u8, v5: bool) -> Failure {
    let why = if v5 {
        reason::reason_text(code)
    } else {
        "refused"
    };
    Failure::reason(
        code,
        format!(
            "Error: the broker refused the subscription to '{filter}' ({why}); nothing was cleared.\n"
        ),
    )
}

/// Subscribes to the scope's filters and collects retained messages until the tree is complete,
/// then unsubscribes (so the clears that follow are not echoed back).
pub async fn collect(
    link: &mut Link,
    how: &Collect<'_>,
    progress: &mut Progress,
) -> Result<Tree, Halt> {
    let filters = &how.scope.filters;
    let props = (!how.properties.is_empty()).then(|| how.properties.to_subscribe());
    link.session()
        .subscribe(&subscriptions(filters), props)
        .await
        .map_err(Halt::Lost)?;
    link.session()
        .unsubscribe(marker(filters))
        .await
        .map_err(Halt::Lost)?;
    let v5 = link.session().protocol() == crate::conn::Protocol::V5;
    let mut tree = Tree::default();
    let mut subscribed = false;
    // The marker's UNSUBACK is in: the idle wait may end the collection from now on.
    let mut marked = false;
    let idle = tokio::time::sleep(how.idle);
    tokio::pin!(idle);
    progress.start();
    loop {
        tokio::select! {
            // Events first: after a stall (a slow stdout for -d) waiting events are not "idle".
            biased;
            event = link.next() => match event? {
                Event::SubAck { codes, .. } => {
                    if let Some((i, &code)) = codes.iter().enumerate().find(|(_, c)| **c >= 0x80) {
                        let filter = filters.get(i).map_or("?", String::as_str);
                        return Err(Halt::Failed(refused(filter, code, v5)));
                    }
                    subscribed = true;
                }
                // The marker's (an UNSUBACK before the SUBACK answers an earlier UNSUBSCRIBE).
                Event::UnsubAck { .. } if subscribed && !marked => {
                    marked = true;
                    idle.as_mut().reset(Instant::now() + how.idle);
                }
                Event::Message(msg) if msg.retain => {
                    // Brokers do not keep empty retained messages, but a clear in flight may show one.
                    if !msg.payload.is_empty() {
                        tree.add(how.scope, &msg.topic, msg.payload.len());
                    }
                    if subscribed {
                        idle.as_mut().reset(Instant::now() + how.idle);
                    }
                    progress.update(|| format!("{}: {} retained messages", how.label, tree.found()));
                }
                // The first live message: the broker has sent every retained one before it. (Before
                // the SUBACK it may be left over from an earlier subscription.)
                Event::Message(_) if subscribed => break,
                _ => {}
            },
            _ = &mut idle, if marked => break,
        }
    }
    progress.clear();
    for filter in filters {
        link.session()
            .unsubscribe(filter.clone())
            .await
            .map_err(Halt::Lost)?;
    }
    Ok(tree)
}

#[cfg(test)]
mod tests {
    use super::marker;

    #[test]
    fn the_marker_is_none_of_the_filters() {
        let base = marker(&[]);
        assert_eq!(base, "mqtk/retain-clear/end-of-retained");
        let taken = vec![base.clone(), format!("{base}/end"), "#".to_string()];
        assert_eq!(marker(&taken), format!("{base}/end/end"));
    }
}
